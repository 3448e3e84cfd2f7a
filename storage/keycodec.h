/*
** storage/keycodec.h: order-preserving LMDB keys for items.
**
** An item's LMDB key is
**     hash(partition key) [4 bytes, big-endian]  ‖  pk part  ‖  sk part
** so that one partition's items are contiguous and sorted by sort key (a Query
** is a prefix seek), and a parallel Scan segment is a contiguous hash range.
**
** Value parts: S and B are bytewise with escaping (0x00 -> 0x00 0xFF, ended by
** 0x00 0x01), N uses num_key_encode; every part is self-delimiting, and memcmp
** order of sk parts equals DynamoDB's sort-key order.
**
** Long keys: LMDB keys are at most 511 bytes but DynamoDB allows a 2048-byte
** partition key and a 1024-byte sort key. A part that does not fit its budget
** is cut to a prefix followed by a marker and a digest of the whole value, so
** the key stays unique and, for keys that differ within the prefix, ordered.
** The full key is always in the stored item, so callers compare exact values.
** (The byte-level layout, with worked examples, is in keycodec.c.)
*/
#ifndef DDB_KEYCODEC_H
#define DDB_KEYCODEC_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define KEYCODEC_MAX 511   /* LMDB's default maximum key size */
#define KEYCODEC_HASH_LEN 4

/* Key attribute types: 'S', 'N' or 'B'. */

/* The 32-bit partition hash of a partition-key value (its first 4 key bytes). */
uint32_t keycodec_hash(char pk_type, const json_t *pk_value);

/* Full item key. sk_type is 0 for a table without a sort key (sk_value NULL).
** pk_value/sk_value are the inner values ("x" of {"S":"x"}); N values must be
** canonical number strings. Returns the length written to out (<= KEYCODEC_MAX). */
size_t keycodec_item_key(char pk_type, const json_t *pk_value, char sk_type,
                         const json_t *sk_value, uint8_t *out);

/* The prefix shared by every item of one partition (hash ‖ pk part). */
size_t keycodec_partition_prefix(char pk_type, const json_t *pk_value, uint8_t *out);

/* The encoding of one sort-key value as it appears after the partition prefix
** (used for Query range bounds). Returns the length written (<= KEYCODEC_MAX). */
size_t keycodec_sort_part(char sk_type, const json_t *sk_value, size_t budget, uint8_t *out);

#endif

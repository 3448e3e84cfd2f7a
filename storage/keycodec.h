/*
** storage/keycodec.h: order-preserving LMDB keys for items.
**
** An item's LMDB key is
**     hash(partition key) [4 bytes, big-endian]  ‖  pk part  ‖  sk part
** so that one partition's items are contiguous and sorted by sort key (a Query
** is a prefix seek), and a parallel Scan segment is a contiguous hash range.
**
** The hash is the first 4 bytes of SHA-256 over the partition-key value's
** bytes (S: UTF-8 bytes; B: decoded bytes; N: canonical text as num_format
** writes it, e.g. "1.5"), read big-endian. It is part of the on-disk format:
** never change it.
**
** Value parts: S and B are bytewise with escaping (0x00 -> 0x00 0xFF, ended by
** 0x00 0x01), N uses num_key_encode; every part is self-delimiting, and memcmp
** order of sk parts equals DynamoDB's sort-key order (S: UTF-8 bytes, B:
** unsigned bytes, N: numeric).
**
** Long keys: LMDB keys are at most 511 bytes but DynamoDB allows a 2048-byte
** partition key and a 1024-byte sort key. A part that does not fit its budget
** is cut to a prefix followed by a marker and a digest of the whole value, so
** the key stays unique and, for keys that differ within the prefix, ordered.
** The full key is always in the stored item, so callers compare exact values.
** (The byte-level layout, with worked examples, is in keycodec.c.)
**
** Budgets: the pk part gets KEYCODEC_PK_BUDGET bytes and the sk part the rest,
** KEYCODEC_SK_BUDGET, so 4 + pk part + sk part <= 511 always. An S or B value
** is kept whole when its escaped length (its length plus one per 0x00 byte)
** is at most budget - 2: 126 bytes for a partition key, 377 for a sort key.
** Longer values keep an escaped prefix of at most budget - 18 bytes.
**
** Order for Query when values are cut: memcmp order is DynamoDB's order for
** every pair of sort keys except two values that agree on the whole kept
** prefix of one that is cut; those sort together but in an arbitrary order.
** To be exact for any bound b, seek from keycodec_sort_prefix(b) (no key of a
** value >= b sorts before it), stop after the keys that start with
** keycodec_sort_prefix of the upper bound, filter on exact values from the
** stored items, and order the items that share a cut prefix by exact value.
** keycodec_part_is_cut tells when this matters.
*/
#ifndef DDB_KEYCODEC_H
#define DDB_KEYCODEC_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define KEYCODEC_MAX 511   /* LMDB's default maximum key size */
#define KEYCODEC_HASH_LEN 4
#define KEYCODEC_PK_BUDGET 128 /* most bytes of a pk part */
#define KEYCODEC_SK_BUDGET (KEYCODEC_MAX - KEYCODEC_HASH_LEN - KEYCODEC_PK_BUDGET) /* 379 */
#define KEYCODEC_DIGEST_LEN 16 /* truncated SHA-256 after the cut marker */
#define KEYCODEC_MIN_BUDGET 24 /* smaller budgets are raised to this (>= NUM_KEY_MAX) */

/* Key attribute types: 'S', 'N' or 'B'. A value is the inner JSON string
** ("x" of {"S":"x"}, base64 text for B, number text for N). Every function
** below returns 0 for a malformed value (not a string, bad base64, not a
** number, or an unknown type); DynamoDB validation should have caught it. */

/* The 32-bit partition hash of a partition-key value (its first 4 key bytes). */
uint32_t keycodec_hash(char pk_type, const json_t *pk_value);

/* Full item key. sk_type is 0 for a table without a sort key (sk_value NULL).
** pk_value/sk_value are the inner values ("x" of {"S":"x"}); N values must be
** canonical number strings (any valid number text gives the same key).
** Returns the length written to out (<= KEYCODEC_MAX), 0 if malformed. */
size_t keycodec_item_key(char pk_type, const json_t *pk_value, char sk_type,
                         const json_t *sk_value, uint8_t *out);

/* The prefix shared by every item of one partition (hash ‖ pk part). It is
** never a prefix of another partition's keys. Returns its length, 0 if
** malformed (<= KEYCODEC_HASH_LEN + KEYCODEC_PK_BUDGET). */
size_t keycodec_partition_prefix(char pk_type, const json_t *pk_value, uint8_t *out);

/* The encoding of one sort-key value as it appears after the partition prefix
** (used for Query range bounds). Pass budget KEYCODEC_SK_BUDGET to match item
** keys; budget is raised to KEYCODEC_MIN_BUDGET and capped at KEYCODEC_MAX.
** Any key component can be encoded with it under another budget (e.g. for
** index keys). Returns the length written (<= budget), 0 if malformed. */
size_t keycodec_sort_part(char sk_type, const json_t *sk_value, size_t budget, uint8_t *out);

/* Bytes that begin the sort part of every S or B value that starts with
** value (for begins_with, and for the conservative Query bounds above): the
** escaped value without its terminator, cut to the kept-prefix length of a
** cut value (at most budget - 18 escaped bytes, 361 for KEYCODEC_SK_BUDGET).
** Exact (only values that start with value match) when the escaped value fits
** in budget - 18 bytes. Returns the length, 0 for N or a malformed value. */
size_t keycodec_sort_prefix(char type, const json_t *value, size_t budget, uint8_t *out);

/* Length of the self-delimiting part of type `type` at the start of in (e.g.
** 4 + keycodec_part_len('S', key + 4, len - 4) is the partition prefix of an
** item key), or 0 if in does not start with a well-formed part. */
size_t keycodec_part_len(char type, const uint8_t *in, size_t len);

/* 1 if the well-formed part at in (of length len) is a cut long value, else 0. */
int keycodec_part_is_cut(char type, const uint8_t *in, size_t len);

/* Decode the part at the start of in. S/B: the raw bytes (only the kept
** prefix for a cut part; B not re-encoded in base64); N: canonical number
** text. out must hold KEYCODEC_MAX bytes; *out_len gets the length and *cut
** (may be NULL) whether the part was cut. Returns bytes consumed, 0 if
** malformed. */
size_t keycodec_part_decode(char type, const uint8_t *in, size_t len, uint8_t *out,
                            size_t *out_len, int *cut);

#endif

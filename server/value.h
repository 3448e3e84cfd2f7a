/*
** server/value.h: the AttributeValue model.
**
** Items and AttributeValues are kept as jansson values in DynamoDB's own wire
** shape ({"S":"x"}, {"N":"1.5"}, {"M":{...}}, ...), so a stored item is its
** compact JSON and the common read path never re-encodes it. This module
** validates values exactly as DynamoDB does, puts them in canonical form
** (numbers normalised: "001.500" -> "1.5"), compares them and computes item
** sizes the way DynamoDB bills and limits them.
*/
#ifndef DDB_VALUE_H
#define DDB_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "errors.h"

#define VALUE_MAX_ITEM_SIZE 409600 /* 400 KB */
#define VALUE_MAX_DEPTH 32

enum value_type {
  VT_INVALID = 0,
  VT_S, VT_N, VT_B, VT_BOOL, VT_NULL, VT_M, VT_L, VT_SS, VT_NS, VT_BS,
};

/* The type of a well-formed AttributeValue ({"S":...} -> VT_S), or VT_INVALID. */
enum value_type value_type_of(const json_t *av);
/* "S", "N", ... ; "" for VT_INVALID. */
const char *value_type_name(enum value_type t);
enum value_type value_type_from_name(const char *name);

/* Validate one AttributeValue and canonicalise it in place (numbers
** normalised, number-set members normalised). depth is the nesting level of
** av (1 for a top-level attribute). Returns 0, or -1 with e set to DynamoDB's
** error (ValidationException or SerializationException) for the first problem. */
int value_check(json_t *av, int depth, struct ddb_err *e);

/* Validate and canonicalise every attribute of an item map ({"name": av, ...}),
** including attribute-name rules. Does not check keys or size. */
int value_check_item(json_t *item, struct ddb_err *e);

/* DynamoDB's size of an item: sum over attributes of UTF-8 name length plus
** value size (S: UTF-8 bytes; N: DynamoDB's digit-based size; B: decoded
** bytes; BOOL/NULL: 1; M/L: 3 + members (+ names for M); sets: members). */
size_t value_item_size(const json_t *item);
size_t value_attr_size(const json_t *av);

/* Semantic equality: numbers compared numerically, sets as sets. */
bool value_equal(const json_t *a, const json_t *b);

/* Decoded bytes of a B value (base64); returns malloc'd buffer or NULL when
** not valid base64. */
unsigned char *value_b64_decode(const char *s, size_t len, size_t *out_len);

#endif

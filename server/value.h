/*
** server/value.h: the AttributeValue model.
**
** Items and AttributeValues are kept as jansson values in DynamoDB's own wire
** shape ({"S":"x"}, {"N":"1.5"}, {"M":{...}}, ...), so a stored item is its
** compact JSON and the common read path never re-encodes it. This module
** validates values exactly as DynamoDB does, puts them in canonical form
** (numbers normalised: "001.500" -> "1.5"), compares them and computes item
** sizes the way DynamoDB bills and limits them.
**
** DynamoDB checks a request in two stages, and so do we:
**   1. shape (SerializationException): the JSON types inside each
**      AttributeValue ({"S": 5}, {"M": []}, invalid base64 ...). DynamoDB does
**      this while deserialising the whole body, so a shape error anywhere in a
**      request beats any ValidationException: an operation with several value
**      parameters should run value_check_shape() / value_check_item_shape() on
**      all of them first, then value_check*() with VALUE_SHAPE_DONE.
**   2. validation (ValidationException): exactly one type, numbers, sets,
**      NULL, nesting depth, empty attribute names.
** Unknown type keys and keys whose value is JSON null are ignored by DynamoDB
** ({"S":"x","X":1} is {"S":"x"}); canonicalisation deletes them.
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

/* Options for value_check_ex() and value_check_item_ex().
**
** DynamoDB runs one of two validation layers depending on the operation, and
** they word a bad number or a duplicate set member differently (captured from
** AWS by the paritysuite conformance suite, tests/tier3/error-messages/
** valueLayers.test.ts):
**   current (default): PutItem, UpdateItem, DeleteItem (with VALUE_ENVELOPE),
**     GetItem, BatchGetItem, Query (bare).
**       "The parameter cannot be converted to a numeric value: <text>"
**       "...Input collection [\"a\", \"b\", \"b\"] contains duplicates."
**   older (VALUE_OLDER): BatchWriteItem, TransactWriteItems,
**     TransactGetItems, Scan.
**       "The parameter cannot be converted to a numeric value[: <text>]"
**       "...Input collection [b, a, b] contains duplicates."
*/
#define VALUE_OLDER 0x1      /* the older layer's wording (see above) */
#define VALUE_ENVELOPE 0x2   /* prefix number and duplicate-set errors with
                                "1 validation error detected: " */
#define VALUE_NO_DEPTH 0x4   /* skip the 32-level nesting check (DynamoDB does
                                not check TransactWriteItems expression values) */
#define VALUE_SHAPE_DONE 0x8 /* the caller already ran the shape pass */

/* The type of a well-formed AttributeValue ({"S":...} -> VT_S), or VT_INVALID. */
enum value_type value_type_of(const json_t *av);
/* "S", "N", ... ; "" for VT_INVALID. */
const char *value_type_name(enum value_type t);
enum value_type value_type_from_name(const char *name);

/* Validate one AttributeValue and canonicalise it in place (numbers
** normalised, number-set members normalised). depth is the nesting level of
** av (1 for a top-level attribute). Returns 0, or -1 with e set to DynamoDB's
** error (ValidationException or SerializationException) for the first problem.
** Same as value_check_ex(av, depth, 0, e). */
int value_check(json_t *av, int depth, struct ddb_err *e);
int value_check_ex(json_t *av, int depth, unsigned flags, struct ddb_err *e);

/* Validate and canonicalise every attribute of an item map ({"name": av, ...}),
** including attribute-name rules. Does not check keys or size. Same as
** value_check_item_ex(item, 0, e). Order, as DynamoDB: shape of every value,
** then empty top-level names, then each value in document order, then empty
** names of nested maps. A JSON null item is treated as {} (the caller reports a
** missing required parameter). */
int value_check_item(json_t *item, struct ddb_err *e);
int value_check_item_ex(json_t *item, unsigned flags, struct ddb_err *e);

/* The shape pass alone (SerializationException only; see the file comment).
** Never modifies its argument. A NULL or JSON null av passes (the validation
** pass reports it). value_check_item_shape also checks that item is a map. */
int value_check_shape(const json_t *av, struct ddb_err *e);
int value_check_item_shape(const json_t *item, struct ddb_err *e);

/* DynamoDB's size of an item: sum over attributes of UTF-8 name length plus
** value size (S: UTF-8 bytes; N: DynamoDB's digit-based size; B: decoded
** bytes; BOOL/NULL: 1; M/L: 3 + per member 1 (+ name for M) + member; sets:
** sum of members). Values must have passed value_check. */
size_t value_item_size(const json_t *item);
size_t value_attr_size(const json_t *av);

/* Semantic equality: numbers compared numerically, sets as sets, binaries by
** their bytes. Both must be well-formed (value_check'ed) values. */
bool value_equal(const json_t *a, const json_t *b);

/* Decoded bytes of a B value (base64); returns malloc'd buffer (caller frees;
** non-NULL also for an empty value) or NULL when not valid base64. Strict, as
** DynamoDB: length a multiple of 4, '=' only as padding, unused bits zero. */
unsigned char *value_b64_decode(const char *s, size_t len, size_t *out_len);

/* Decoded length of strict base64 text, or (size_t)-1 when not valid.
** No allocation. */
size_t value_b64_decoded_len(const char *s, size_t len);

/* Length of valid UTF-8 text in UTF-16 code units: Java's String.length(),
** which DynamoDB's messages and limits count in. */
size_t value_utf16_len(const char *s, size_t len);

#endif

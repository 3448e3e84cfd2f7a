/*
** server/number.h: DynamoDB numbers as exact decimals.
**
** A DynamoDB Number has at most 38 significant decimal digits and a magnitude
** between 1E-130 and 9.9999999999999999999999999999999999999E+125 (or is 0).
** Everything here is exact decimal arithmetic: nothing goes through double.
**
** Representation: value = sign * 0.d[0]d[1]...d[n-1] * 10^exp, with d[0] != 0
** and d[n-1] != 0 (normalised: no leading or trailing zeros), n <= 38.
** Zero is sign == 0, n == 0.
*/
#ifndef DDB_NUMBER_H
#define DDB_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#define NUM_MAX_DIGITS 38
/* Longest text num_format can write, including the terminating NUL. */
#define NUM_FORMAT_MAX 180
/* Longest output of num_key_encode. */
#define NUM_KEY_MAX 24

struct ddb_num {
  int8_t sign;     /* -1, 0 or +1 */
  uint8_t n;       /* significant digits in d */
  int16_t exp;     /* decimal exponent, see above */
  uint8_t d[NUM_MAX_DIGITS]; /* digit values 0..9 */
};

enum num_status {
  NUM_OK = 0,
  NUM_SYNTAX,    /* not a number (see num_status_message) */
  NUM_PRECISION, /* > 38 significant digits */
  NUM_OVERFLOW,  /* magnitude > 9.99..E+125 */
  NUM_UNDERFLOW, /* non-zero magnitude < 1E-130 */
};

/* Parse DynamoDB number text (optional sign, digits, optional '.', optional
** exponent; leading/trailing zeros allowed, e.g. "001.500", "-1e5", ".5",
** "5.", "+5"). Whitespace, "+inf", "NaN", hex, "+" and empty strings are
** NUM_SYNTAX; an exponent too long for int64 is NUM_SYNTAX, a shorter one
** out of range is NUM_OVERFLOW/NUM_UNDERFLOW ("1e99999999999" overflows).
** Checks run in the order overflow, underflow, precision. out is written
** only on NUM_OK. s need not be NUL-terminated. */
enum num_status num_parse(const char *s, size_t len, struct ddb_num *out);

/* Canonical text as DynamoDB returns it ("001.500" -> "1.5", "1e3" -> "1000",
** "-0" -> "0"). Writes a NUL-terminated string into buf (>= NUM_FORMAT_MAX
** bytes) and returns its length. */
size_t num_format(const struct ddb_num *a, char *buf);

/* <0, 0, >0 as a <, =, > b numerically. */
int num_cmp(const struct ddb_num *a, const struct ddb_num *b);

/* out = a + b, out = a - b (for ADD and SET a = b + c / b - c). Exact;
** returns NUM_OVERFLOW, NUM_UNDERFLOW or NUM_PRECISION (checked in that order,
** as DynamoDB does) when the exact result is not representable: out is then
** unchanged. No rounding: 1E+37 + 0.1 is NUM_PRECISION. out may alias a or b. */
enum num_status num_add(const struct ddb_num *a, const struct ddb_num *b, struct ddb_num *out);
enum num_status num_sub(const struct ddb_num *a, const struct ddb_num *b, struct ddb_num *out);

/* The number equal to v (always representable). */
void num_from_int64(int64_t v, struct ddb_num *out);
/* *out = a truncated toward zero, saturated to INT64_MIN..INT64_MAX. Returns 0
** when a is an integer in range (exact), -1 otherwise (fraction, too large). */
int num_to_int64(const struct ddb_num *a, int64_t *out);

/* Order-preserving, self-delimiting bytes: memcmp order of the encodings equals
** numeric order, and no encoding is a prefix of another. Returns the length
** (1 for zero, 3..21 otherwise, <= NUM_KEY_MAX); the layout is in number.c.
** num_key_decode reverses it; returns bytes consumed, or 0 when in does not
** start with a valid encoding. */
size_t num_key_encode(const struct ddb_num *a, uint8_t *out);
size_t num_key_decode(const uint8_t *in, size_t len, struct ddb_num *out);

/* DynamoDB's message for a status (for ValidationException); the same texts
** serve parsing and arithmetic (ADD, SET a = b + c). For NUM_SYNTAX it is the
** stem "The parameter cannot be converted to a numeric value", and DynamoDB
** appends the raw text: PutItem, UpdateItem, DeleteItem, GetItem,
** BatchGetItem and Query say "<stem>: <raw>" even for raw "" (so "<stem>: ");
** BatchWriteItem, Transact* and Scan check in an older layer that says just
** "<stem>" for "" (and "<stem>: <raw>" otherwise). Put/Update/DeleteItem wrap
** every number error in "1 validation error detected: ". (Public conformance
** suite captured on real DynamoDB, 2026; DynamoDB Local instead says "A value
** provided cannot be converted into a number" and "DynamoDB only supports
** precision up to 38 digits".) */
const char *num_status_message(enum num_status st);

#endif

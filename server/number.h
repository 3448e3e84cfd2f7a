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
  NUM_SYNTAX,    /* not a number: "A value provided cannot be converted into a number" */
  NUM_PRECISION, /* > 38 significant digits */
  NUM_OVERFLOW,  /* magnitude > 9.99..E+125 */
  NUM_UNDERFLOW, /* non-zero magnitude < 1E-130 */
};

/* Parse DynamoDB number text (optional sign, digits, optional '.', optional
** exponent; leading/trailing zeros allowed, e.g. "001.500", "-1e5", ".5").
** Whitespace, "+inf", "NaN", hex and empty strings are NUM_SYNTAX. */
enum num_status num_parse(const char *s, size_t len, struct ddb_num *out);

/* Canonical text as DynamoDB returns it ("001.500" -> "1.5", "1e3" -> "1000",
** "-0" -> "0"). Writes a NUL-terminated string into buf (>= NUM_FORMAT_MAX
** bytes) and returns its length. */
size_t num_format(const struct ddb_num *a, char *buf);

/* <0, 0, >0 as a <, =, > b numerically. */
int num_cmp(const struct ddb_num *a, const struct ddb_num *b);

/* out = a + b, out = a - b. Exact; returns NUM_PRECISION, NUM_OVERFLOW or
** NUM_UNDERFLOW when the exact result is not representable (out then unchanged). */
enum num_status num_add(const struct ddb_num *a, const struct ddb_num *b, struct ddb_num *out);
enum num_status num_sub(const struct ddb_num *a, const struct ddb_num *b, struct ddb_num *out);

/* Order-preserving, self-delimiting bytes: memcmp order of the encodings equals
** numeric order, and no encoding is a prefix of another. Returns the length
** (<= NUM_KEY_MAX). num_key_decode reverses it; returns bytes consumed or 0. */
size_t num_key_encode(const struct ddb_num *a, uint8_t *out);
size_t num_key_decode(const uint8_t *in, size_t len, struct ddb_num *out);

/* DynamoDB's message for a status (for ValidationException). */
const char *num_status_message(enum num_status st);

#endif

/*
** server/number.c: DynamoDB numbers as exact decimals.
**
** A number is kept as sign, up to 38 significant digits and a decimal
** exponent (see number.h); parsing, printing, comparison, addition and the
** order-preserving key bytes all work on those digits directly, so nothing
** ever goes through double and every result is exact.
**
** What DynamoDB accepts (checked against DynamoDB Local 1.25.1 and a public
** conformance suite recorded against real DynamoDB in four regions):
**   [+|-] digits [. [digits]] | [+|-] . digits, then optionally e|E [+|-] digits.
**   "+5", "5.", ".5", "001.500", "1E+5", "-0.0e-5" are numbers; " 5", "5 ",
**   "", "+", ".", "e5", "1e", ".e3", "0x10", "NaN", "Infinity", "1_000" are not.
** Limits, checked in this order (real DynamoDB answers "Number overflow" for
** 9.9999999999999999999999999999999999999E+125 + 1E+125, whose exact sum
** also has 39 digits, so magnitude comes before precision):
**   magnitude > 9.99..E+125        -> NUM_OVERFLOW
**   0 < magnitude < 1E-130         -> NUM_UNDERFLOW
**   more than 38 significant digits -> NUM_PRECISION (trailing zeros of an
**                                      integer do not count: "123" + 40 zeros is fine)
** An exponent that fits a signed 64-bit integer is range-checked, so
** "1e99999999999" is an overflow, as on DynamoDB; a longer exponent is a
** syntax error.
*/
#include "number.h"

#include <string.h>

/* Valid range of the exponent in value = 0.d[0]d[1].. * 10^exp:
** 1E-130 = 0.1 * 10^-129 and 9.99..E+125 = 0.999.. * 10^126. */
#define NUM_EXP_MIN (-129)
#define NUM_EXP_MAX 126

/* Room for an exact sum of two valid numbers: places 10^125 down to
** 10^-167 (the 38th digit of a number near 1E-130), plus a carry. */
#define NUM_SUM_WIDTH 320

/* Key bytes (see num_key_encode). */
#define NUM_KEY_NEG 0x01
#define NUM_KEY_ZERO 0x02
#define NUM_KEY_POS 0x03

/* True when a is well-formed: zero, or normalised digits within limits. */
static int num_valid(const struct ddb_num *a) {
  if (a->sign == 0) return a->n == 0;
  if (a->sign != 1 && a->sign != -1) return 0;
  if (a->n == 0 || a->n > NUM_MAX_DIGITS) return 0;
  if (a->exp < NUM_EXP_MIN || a->exp > NUM_EXP_MAX) return 0;
  if (a->d[0] == 0 || a->d[a->n - 1] == 0) return 0;
  for (int i = 0; i < a->n; i++)
    if (a->d[i] > 9) return 0;
  return 1;
}

static void num_zero(struct ddb_num *out) {
  memset(out, 0, sizeof *out);
}

/* Store sign * 0.d[0..n-1] * 10^exp (d normalised, non-empty) in out after
** DynamoDB's limit checks, in DynamoDB's order; out is untouched on failure. */
static enum num_status num_set(struct ddb_num *out, int8_t sign, int64_t exp, const uint8_t *d,
                               size_t n) {
  if (exp > NUM_EXP_MAX) return NUM_OVERFLOW;
  if (exp < NUM_EXP_MIN) return NUM_UNDERFLOW;
  if (n > NUM_MAX_DIGITS) return NUM_PRECISION;
  out->sign = sign;
  out->n = (uint8_t)n;
  out->exp = (int16_t)exp;
  memcpy(out->d, d, n);
  memset(out->d + n, 0, NUM_MAX_DIGITS - n);
  return NUM_OK;
}

/*---------------------------- Parsing ------------------------------------*/

/* Parse DynamoDB number text; see the grammar at the top of this file. */
enum num_status num_parse(const char *s, size_t len, struct ddb_num *out) {
  size_t i = 0;
  int8_t sign = 1;
  if (i < len && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') sign = -1;
    i++;
  }

  /* Mantissa: digits with at most one '.'. Record where the significant
  ** digits start and end, counted over the digits only (the '.' skipped). */
  size_t ndigits = 0;       /* mantissa digits seen */
  size_t int_digits = 0;    /* of which before the '.' */
  int seen_point = 0;
  size_t first_nz = 0, last_nz = 0; /* digit indexes, valid when any_nz */
  int any_nz = 0;
  uint8_t d[NUM_MAX_DIGITS];
  for (; i < len; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (c != '0') {
        if (!any_nz) {
          any_nz = 1;
          first_nz = ndigits;
        }
        last_nz = ndigits;
      }
      if (any_nz && ndigits - first_nz < NUM_MAX_DIGITS) d[ndigits - first_nz] = (uint8_t)(c - '0');
      ndigits++;
      if (!seen_point) int_digits++;
    } else if (c == '.' && !seen_point) {
      seen_point = 1;
    } else {
      break;
    }
  }
  if (ndigits == 0) return NUM_SYNTAX;

  /* Exponent: e|E, optional sign, at least one digit, fitting int64. */
  int64_t e = 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    int eneg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
      eneg = s[i] == '-';
      i++;
    }
    size_t estart = i;
    uint64_t mag = 0;
    const uint64_t limit = eneg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
      unsigned dig = (unsigned)(s[i] - '0');
      if (mag > (limit - dig) / 10) return NUM_SYNTAX; /* does not fit int64 */
      mag = mag * 10 + dig;
    }
    if (i == estart) return NUM_SYNTAX;
    /* Far outside the range either way; clamping keeps the sums below exact. */
    if (mag > 1000000000000000000ull) mag = 1000000000000000000ull;
    e = eneg ? -(int64_t)mag : (int64_t)mag;
  }
  if (i != len) return NUM_SYNTAX;

  if (!any_nz) {
    num_zero(out);
    return NUM_OK;
  }
  /* value = 0.<digits from first_nz> * 10^(int_digits - first_nz + e). A
  ** mantissa longer than 2^62 digits cannot arrive in a request. */
  int64_t exp = (int64_t)int_digits - (int64_t)first_nz + e;
  return num_set(out, sign, exp, d, last_nz - first_nz + 1);
}

/*---------------------------- Printing -----------------------------------*/

/* Plain decimal text, as DynamoDB returns numbers: no exponent, no leading
** or trailing zeros, "0." before a fraction, "-" for negatives. */
size_t num_format(const struct ddb_num *a, char *buf) {
  size_t k = 0;
  if (!num_valid(a)) {
    buf[0] = '\0';
    return 0;
  }
  if (a->sign == 0) {
    buf[0] = '0';
    buf[1] = '\0';
    return 1;
  }
  if (a->sign < 0) buf[k++] = '-';
  int n = a->n, exp = a->exp;
  if (exp <= 0) {
    buf[k++] = '0';
    buf[k++] = '.';
    for (int z = 0; z < -exp; z++) buf[k++] = '0';
    for (int j = 0; j < n; j++) buf[k++] = (char)('0' + a->d[j]);
  } else if (exp >= n) {
    for (int j = 0; j < n; j++) buf[k++] = (char)('0' + a->d[j]);
    for (int z = n; z < exp; z++) buf[k++] = '0';
  } else {
    for (int j = 0; j < n; j++) {
      if (j == exp) buf[k++] = '.';
      buf[k++] = (char)('0' + a->d[j]);
    }
  }
  buf[k] = '\0';
  return k;
}

/*---------------------------- Comparison ---------------------------------*/

/* Compare |a| and |b| for non-zero a, b. */
static int num_cmp_mag(const struct ddb_num *a, const struct ddb_num *b) {
  if (a->exp != b->exp) return a->exp < b->exp ? -1 : 1;
  int n = a->n < b->n ? a->n : b->n;
  for (int i = 0; i < n; i++)
    if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
  if (a->n != b->n) return a->n < b->n ? -1 : 1;
  return 0;
}

/* Numeric comparison: <0, 0, >0. */
int num_cmp(const struct ddb_num *a, const struct ddb_num *b) {
  if (a->sign != b->sign) return a->sign < b->sign ? -1 : 1;
  if (a->sign == 0) return 0;
  int c = num_cmp_mag(a, b);
  return a->sign > 0 ? c : -c;
}

/*---------------------------- Arithmetic ---------------------------------*/

/* out = a + bsign*b, exactly, or a status when the result does not fit. */
static enum num_status num_addsub(const struct ddb_num *a, const struct ddb_num *b, int bsign,
                                  struct ddb_num *out) {
  if (!num_valid(a) || !num_valid(b)) return NUM_PRECISION;
  if (b->sign == 0) {
    *out = *a;
    return NUM_OK;
  }
  if (a->sign == 0) {
    *out = *b;
    out->sign = (int8_t)(b->sign * bsign);
    return NUM_OK;
  }
  int8_t bs = (int8_t)(b->sign * bsign);

  /* Digit i of x stands at place x->exp - 1 - i; acc[k] holds place lo + k. */
  int lo_a = a->exp - a->n, lo_b = b->exp - b->n;
  int lo = lo_a < lo_b ? lo_a : lo_b;
  int hi = (a->exp > b->exp ? a->exp : b->exp) - 1;
  int width = hi - lo + 2; /* one more place for a carry */
  if (width > NUM_SUM_WIDTH) return NUM_PRECISION;
  int8_t acc[NUM_SUM_WIDTH];
  memset(acc, 0, (size_t)width);

  int8_t sign;
  const struct ddb_num *big = a, *small = b;
  if (a->sign == bs) {
    sign = a->sign;
  } else {
    int c = num_cmp_mag(a, b);
    if (c == 0) {
      num_zero(out);
      return NUM_OK;
    }
    if (c < 0) {
      big = b;
      small = a;
    }
    sign = big == a ? a->sign : bs;
  }
  for (int i = 0; i < big->n; i++) acc[big->exp - 1 - i - lo] = (int8_t)big->d[i];
  int step = a->sign == bs ? 1 : -1; /* add or subtract the smaller magnitude */
  for (int i = 0; i < small->n; i++) acc[small->exp - 1 - i - lo] += (int8_t)(step * small->d[i]);
  for (int k = 0; k < width - 1; k++) {
    if (acc[k] >= 10) {
      acc[k] -= 10;
      acc[k + 1]++;
    } else if (acc[k] < 0) {
      acc[k] += 10;
      acc[k + 1]--;
    }
  }

  int top = width - 1, bot = 0;
  while (top >= 0 && acc[top] == 0) top--;
  if (top < 0) { /* cannot happen: equal magnitudes were handled above */
    num_zero(out);
    return NUM_OK;
  }
  while (acc[bot] == 0) bot++;
  uint8_t d[NUM_SUM_WIDTH]; /* most significant first */
  int n = top - bot + 1;
  for (int j = 0; j < n; j++) d[j] = (uint8_t)acc[top - j];
  return num_set(out, sign, lo + top + 1, d, (size_t)n);
}

/* out = a + b, exactly. */
enum num_status num_add(const struct ddb_num *a, const struct ddb_num *b, struct ddb_num *out) {
  return num_addsub(a, b, 1, out);
}

/* out = a - b, exactly. */
enum num_status num_sub(const struct ddb_num *a, const struct ddb_num *b, struct ddb_num *out) {
  return num_addsub(a, b, -1, out);
}

/*---------------------------- Integers -----------------------------------*/

/* The number equal to v. */
void num_from_int64(int64_t v, struct ddb_num *out) {
  num_zero(out);
  if (v == 0) return;
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  uint8_t rev[20];
  int k = 0;
  while (m) {
    rev[k++] = (uint8_t)(m % 10);
    m /= 10;
  }
  out->sign = v < 0 ? -1 : 1;
  out->exp = (int16_t)k;
  int lead = k - 1, trail = 0;
  while (rev[trail] == 0) trail++;
  out->n = (uint8_t)(k - trail);
  for (int j = 0; j < out->n; j++) out->d[j] = rev[lead - j];
}

/* a truncated toward zero, saturated to the int64 range. */
int num_to_int64(const struct ddb_num *a, int64_t *out) {
  *out = 0;
  if (!num_valid(a)) return -1;
  if (a->sign == 0) return 0;
  int exact = a->exp >= a->n;
  if (a->exp <= 0) return -1;
  if (a->exp > 19) {
    *out = a->sign > 0 ? INT64_MAX : INT64_MIN;
    return -1;
  }
  uint64_t m = 0;
  for (int j = 0; j < a->exp; j++) m = m * 10 + (j < a->n ? a->d[j] : 0); /* <= 19 digits: fits */
  uint64_t lim = a->sign > 0 ? (uint64_t)INT64_MAX : (uint64_t)INT64_MAX + 1;
  if (m > lim) {
    *out = a->sign > 0 ? INT64_MAX : INT64_MIN;
    return -1;
  }
  *out = a->sign > 0 ? (int64_t)m : (int64_t)(0 - m);
  return exact ? 0 : -1;
}

/*---------------------------- Key bytes ----------------------------------*/

/*
** Layout (at most 21 bytes):
**   zero:     02
**   positive: 03, E = exp + 129 (0..255), then the digits two to a byte
**   negative: 01, then the positive layout's E and digit bytes, each as 255 - b
** A digit byte holds v = 10*d[2j] + d[2j+1] (an odd count is padded with a
** 0 digit) as 2v + 1 when more digit bytes follow and 2v for the last one,
** so it ends itself, and a mantissa that is a prefix of another sorts first.
** Examples: 1 -> 03 82 14 (exp 1, "10" -> v 10 -> 20 = 0x14);
** 12.5 -> 03 83 19 64 ("12" -> 25 = 0x19 and more, "50" -> 100 = 0x64);
** -1 -> 01 7d eb.
*/

/* Order-preserving, self-delimiting key bytes for a. */
size_t num_key_encode(const struct ddb_num *a, uint8_t *out) {
  if (!num_valid(a) || a->sign == 0) {
    out[0] = NUM_KEY_ZERO;
    return 1;
  }
  uint8_t flip = a->sign < 0 ? 0xFF : 0x00;
  size_t k = 0;
  out[k++] = a->sign < 0 ? NUM_KEY_NEG : NUM_KEY_POS;
  out[k++] = (uint8_t)((a->exp - NUM_EXP_MIN) ^ flip);
  int pairs = (a->n + 1) / 2;
  for (int j = 0; j < pairs; j++) {
    int hi = a->d[2 * j], lo = 2 * j + 1 < a->n ? a->d[2 * j + 1] : 0;
    int v = 10 * hi + lo;
    out[k++] = (uint8_t)((2 * v + (j + 1 < pairs ? 1 : 0)) ^ flip);
  }
  return k;
}

/* Reverse num_key_encode; returns bytes consumed, or 0 for bytes that no
** number encodes to. */
size_t num_key_decode(const uint8_t *in, size_t len, struct ddb_num *out) {
  if (len < 1) return 0;
  if (in[0] == NUM_KEY_ZERO) {
    num_zero(out);
    return 1;
  }
  if (in[0] != NUM_KEY_NEG && in[0] != NUM_KEY_POS) return 0;
  uint8_t flip = in[0] == NUM_KEY_NEG ? 0xFF : 0x00;
  if (len < 3) return 0;
  struct ddb_num r;
  num_zero(&r);
  r.sign = in[0] == NUM_KEY_NEG ? -1 : 1;
  r.exp = (int16_t)((in[1] ^ flip) + NUM_EXP_MIN);
  size_t k = 2;
  int n = 0;
  for (;;) {
    if (k >= len || n >= NUM_MAX_DIGITS) return 0;
    int b = in[k++] ^ flip;
    int v = b >> 1, more = b & 1;
    if (v > 99) return 0;
    r.d[n++] = (uint8_t)(v / 10);
    r.d[n++] = (uint8_t)(v % 10);
    if (!more) break;
  }
  if (r.d[n - 1] == 0) n--; /* padding digit */
  r.n = (uint8_t)n;
  if (!num_valid(&r)) return 0;
  *out = r;
  return k;
}

/*---------------------------- Messages -----------------------------------*/

/* DynamoDB's text for a status. */
const char *num_status_message(enum num_status st) {
  switch (st) {
  case NUM_OK:
    return "";
  case NUM_SYNTAX:
    return "The parameter cannot be converted to a numeric value";
  case NUM_PRECISION:
    return "Attempting to store more than 38 significant digits in a Number";
  case NUM_OVERFLOW:
    return "Number overflow. Attempting to store a number with magnitude larger than supported range";
  case NUM_UNDERFLOW:
    return "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  }
  return "";
}

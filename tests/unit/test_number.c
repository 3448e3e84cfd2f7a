/*
** tests/unit/test_number.c: DynamoDB numbers (server/number.c).
**
** Tables of inputs and the answers DynamoDB gives (valid texts and their
** canonical form were checked against DynamoDB Local 1.25.1; messages and the
** overflow-before-precision order follow real DynamoDB, see number.h).
*/
#include <stdint.h>
#include <string.h>

#include "server/number.h"
#include "test.h"

static struct ddb_num num_of(const char *s) {
  struct ddb_num n;
  memset(&n, 0x55, sizeof n);
  if (num_parse(s, strlen(s), &n) != NUM_OK) {
    fprintf(stderr, "bad test number %s\n", s);
    test_failures++;
  }
  return n;
}

/* Valid texts and what DynamoDB returns for them. */
static const struct {
  const char *in, *out;
} valid[] = {
    {"0", "0"},
    {"-0", "0"},
    {"+0", "0"},
    {"00", "0"},
    {"0.0", "0"},
    {"-0.0e-5", "0"},
    {"0e999999", "0"},
    {"0.000e-99999999999", "0"},
    {"1", "1"},
    {"+5", "5"},
    {"5.", "5"},
    {".5", "0.5"},
    {"-.5", "-0.5"},
    {"+.5", "0.5"},
    {"001.500", "1.5"},
    {"1.50", "1.5"},
    {"1e3", "1000"},
    {"1E+5", "100000"},
    {"1.5E+2", "150"},
    {"5.e3", "5000"},
    {"-5e0", "-5"},
    {"0.1e1", "1"},
    {"1e+0", "1"},
    {"1e-5", "0.00001"},
    {"1E-5", "0.00001"},
    {"123.456", "123.456"},
    {"-123.456", "-123.456"},
    {"0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"},
    {"1.0000000000000000000000000000000000000000000000000", "1"},
    {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
    {"-1234567890123456789012345678901234567.8", "-1234567890123456789012345678901234567.8"},
    {"1230000000000000000000000000000000000000000", "1230000000000000000000000000000000000000000"},
    {"1e125",
     "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000"},
    {"9.9999999999999999999999999999999999999E+125",
     "999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000"},
    {"-9.9999999999999999999999999999999999999E+125",
     "-99999999999999999999999999999999999999000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000"},
    {"1e-130",
     "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000000000000001"},
    {"1e-00130",
     "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000000000000001"},
    {"-1.2345678901234567890123456789012345678E-93",
     "-0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000012345678901234567890123456789012345678"},
    {"0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000000000000001000",
     "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000000000000001"},
};

TEST(number_parse_valid) {
  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
    struct ddb_num n;
    char buf[NUM_FORMAT_MAX];
    enum num_status st = num_parse(valid[i].in, strlen(valid[i].in), &n);
    CHECK_INT(st, NUM_OK);
    if (st != NUM_OK) {
      fprintf(stderr, "  input %s\n", valid[i].in);
      continue;
    }
    size_t len = num_format(&n, buf);
    CHECK_STR(buf, valid[i].out);
    CHECK_INT(len, strlen(valid[i].out));
    /* Canonical text parses back to the same number and text. */
    struct ddb_num m;
    char buf2[NUM_FORMAT_MAX];
    CHECK_INT(num_parse(buf, len, &m), NUM_OK);
    CHECK_INT(num_cmp(&n, &m), 0);
    num_format(&m, buf2);
    CHECK_STR(buf2, buf);
  }
}

/* Each invalid class, with DynamoDB's status. */
static const struct {
  const char *in;
  enum num_status st;
} invalid[] = {
    {"", NUM_SYNTAX},
    {" 5", NUM_SYNTAX},
    {"5 ", NUM_SYNTAX},
    {"1 e5", NUM_SYNTAX},
    {"\t5", NUM_SYNTAX},
    {"+", NUM_SYNTAX},
    {"-", NUM_SYNTAX},
    {".", NUM_SYNTAX},
    {"+.", NUM_SYNTAX},
    {"e5", NUM_SYNTAX},
    {".e3", NUM_SYNTAX},
    {"1e", NUM_SYNTAX},
    {"1e+", NUM_SYNTAX},
    {"1e-", NUM_SYNTAX},
    {"1e--1", NUM_SYNTAX},
    {"1e1.5", NUM_SYNTAX},
    {"+-1", NUM_SYNTAX},
    {"--1", NUM_SYNTAX},
    {"1.2.3", NUM_SYNTAX},
    {"NaN", NUM_SYNTAX},
    {"nan", NUM_SYNTAX},
    {"Infinity", NUM_SYNTAX},
    {"-Infinity", NUM_SYNTAX},
    {"+inf", NUM_SYNTAX},
    {"0x10", NUM_SYNTAX},
    {"0b1", NUM_SYNTAX},
    {"1d5", NUM_SYNTAX},
    {"1f", NUM_SYNTAX},
    {"5L", NUM_SYNTAX},
    {"1_000", NUM_SYNTAX},
    {"1,5", NUM_SYNTAX},
    {"\xd9\xa1", NUM_SYNTAX}, /* ARABIC-INDIC DIGIT ONE; DynamoDB Local accepts it */
    {"1e99999999999999999999", NUM_SYNTAX}, /* exponent does not fit int64 */
    {"1e126", NUM_OVERFLOW},
    {"-1e126", NUM_OVERFLOW},
    {"1E+126", NUM_OVERFLOW},
    {"1e0126", NUM_OVERFLOW},
    {"10e125", NUM_OVERFLOW},
    {"1e2147483647", NUM_OVERFLOW},
    {"1e2147483648", NUM_OVERFLOW},
    {"1e99999999999", NUM_OVERFLOW},
    {"-1e99999999999", NUM_OVERFLOW},
    {"1e9223372036854775807", NUM_OVERFLOW},
    {"1e-131", NUM_UNDERFLOW},
    {"-1e-131", NUM_UNDERFLOW},
    {"1.5e-131", NUM_UNDERFLOW},
    {"0.1e-130", NUM_UNDERFLOW},
    {"1e-99999999999", NUM_UNDERFLOW},
    {"1e-2147483648", NUM_UNDERFLOW},
    {"1e-9223372036854775808", NUM_UNDERFLOW},
    {"123456789012345678901234567890123456789", NUM_PRECISION},
    {"1234567890123456789012345678901234567890", NUM_PRECISION},
    {"-1.23456789012345678901234567890123456789", NUM_PRECISION},
    {"12300000000000000000000000000000000000001", NUM_PRECISION},
    {"1.00000000000000000000000000000000000001", NUM_PRECISION},
    {"0.00000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000001234567890123456789012345678901234567891",
     NUM_PRECISION},
    /* Both too many digits and out of range: the range check comes first. */
    {"1234567890123456789012345678901234567891e200", NUM_OVERFLOW},
    {"1234567890123456789012345678901234567891e-200", NUM_UNDERFLOW},
};

TEST(number_parse_invalid) {
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    struct ddb_num n;
    memset(&n, 0x5a, sizeof n);
    struct ddb_num before = n;
    enum num_status st = num_parse(invalid[i].in, strlen(invalid[i].in), &n);
    if (st != invalid[i].st) fprintf(stderr, "  input \"%s\"\n", invalid[i].in);
    CHECK_INT(st, invalid[i].st);
    CHECK(memcmp(&n, &before, sizeof n) == 0); /* out untouched */
  }
  /* Embedded NUL and a length shorter than the text. */
  struct ddb_num n;
  CHECK_INT(num_parse("1\0002", 3, &n), NUM_SYNTAX);
  CHECK_INT(num_parse("12x", 2, &n), NUM_OK);
  CHECK_INT(num_parse(NULL, 0, &n), NUM_SYNTAX);
}

TEST(number_messages) {
  CHECK_STR(num_status_message(NUM_SYNTAX), "The parameter cannot be converted to a numeric value");
  CHECK_STR(num_status_message(NUM_PRECISION),
            "Attempting to store more than 38 significant digits in a Number");
  CHECK_STR(num_status_message(NUM_OVERFLOW),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  CHECK_STR(num_status_message(NUM_UNDERFLOW),
            "Number underflow. Attempting to store a number with magnitude smaller than supported "
            "range");
  CHECK_STR(num_status_message(NUM_OK), "");
}

/* Strictly increasing. */
static const char *const ascending[] = {
    "-9.9999999999999999999999999999999999999E+125",
    "-1e125",
    "-99999999999999999999999999999999999999",
    "-12345678901234567890123456789012345678",
    "-1000",
    "-999.99999999999999999999999999999999999",
    "-100",
    "-10.5",
    "-10.05",
    "-10",
    "-2",
    "-1.0000000000000000000000000000000000001",
    "-1",
    "-0.99999999999999999999999999999999999999",
    "-0.5",
    "-0.1",
    "-0.01",
    "-1e-100",
    "-1.1e-130",
    "-1e-130",
    "0",
    "1e-130",
    "1.0000000000000000000000000000000000001e-130",
    "1.1e-130",
    "2e-130",
    "1e-129",
    "1e-38",
    "0.001",
    "0.01",
    "0.0100000000000000000000000000000000001",
    "0.1",
    "0.12",
    "0.2",
    "0.5",
    "1",
    "1.0000000000000000000000000000000000001",
    "1.5",
    "2",
    "9",
    "9.9",
    "9.99",
    "10",
    "10.05",
    "10.5",
    "99",
    "100",
    "101",
    "110",
    "1000",
    "12345678901234567890123456789012345678",
    "99999999999999999999999999999999999999",
    "1e38",
    "1e100",
    "1e125",
    "1.0000000000000000000000000000000000001e125",
    "9.9999999999999999999999999999999999999E+125",
};

#define ASC_N (sizeof ascending / sizeof ascending[0])

static int sgn(long long v) { return (v > 0) - (v < 0); }

TEST(number_compare_order) {
  for (size_t i = 0; i < ASC_N; i++) {
    struct ddb_num a = num_of(ascending[i]);
    for (size_t j = 0; j < ASC_N; j++) {
      struct ddb_num b = num_of(ascending[j]);
      int want = sgn((long long)i - (long long)j);
      if (sgn(num_cmp(&a, &b)) != want)
        fprintf(stderr, "  cmp(%s, %s)\n", ascending[i], ascending[j]);
      CHECK_INT(sgn(num_cmp(&a, &b)), want);
    }
  }
  /* Equal values written differently compare equal. */
  struct ddb_num x = num_of("1.50"), y = num_of("15e-1"), z = num_of("-0"), w = num_of("0e7");
  CHECK_INT(num_cmp(&x, &y), 0);
  CHECK_INT(num_cmp(&z, &w), 0);
}

/* Key bytes sort like the numbers, end themselves, and decode back. */
TEST(number_key_order_and_roundtrip) {
  uint8_t ka[NUM_KEY_MAX + 4], kb[NUM_KEY_MAX + 4];
  for (size_t i = 0; i < ASC_N; i++) {
    struct ddb_num a = num_of(ascending[i]);
    size_t la = num_key_encode(&a, ka);
    CHECK(la >= 1 && la <= NUM_KEY_MAX);
    /* Round trip, also with trailing bytes after the encoding. */
    ka[la] = 0xAB;
    ka[la + 1] = 0x00;
    struct ddb_num d;
    CHECK_INT(num_key_decode(ka, la + 2, &d), la);
    CHECK_INT(num_cmp(&a, &d), 0);
    char f1[NUM_FORMAT_MAX], f2[NUM_FORMAT_MAX];
    num_format(&a, f1);
    num_format(&d, f2);
    CHECK_STR(f2, f1);
    /* Every strict prefix is rejected. */
    for (size_t cut = 0; cut < la; cut++) CHECK_INT(num_key_decode(ka, cut, &d), 0);
    for (size_t j = 0; j < ASC_N; j++) {
      struct ddb_num b = num_of(ascending[j]);
      size_t lb = num_key_encode(&b, kb);
      size_t l = la < lb ? la : lb;
      int c = memcmp(ka, kb, l);
      if (i != j) {
        CHECK(c != 0); /* neither is a prefix of the other */
        if (sgn(c) != sgn((long long)i - (long long)j))
          fprintf(stderr, "  key order %s vs %s\n", ascending[i], ascending[j]);
        CHECK_INT(sgn(c), sgn((long long)i - (long long)j));
      } else {
        CHECK(la == lb && c == 0);
      }
    }
  }
}

/* The documented worked examples and the longest encoding. */
TEST(number_key_bytes) {
  static const struct {
    const char *num;
    size_t len;
    uint8_t bytes[NUM_KEY_MAX];
  } rows[] = {
      {"0", 1, {0x02}},
      {"1", 3, {0x03, 0x82, 0x14}},
      {"12.5", 4, {0x03, 0x83, 0x19, 0x64}},
      {"-1", 3, {0x01, 0x7d, 0xeb}},
      {"1e-130", 3, {0x03, 0x00, 0x14}},
      {"9e125", 3, {0x03, 0xff, 0xb4}},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    uint8_t k[NUM_KEY_MAX];
    struct ddb_num n = num_of(rows[i].num);
    CHECK_INT(num_key_encode(&n, k), rows[i].len);
    CHECK(memcmp(k, rows[i].bytes, rows[i].len) == 0);
  }
  uint8_t k[NUM_KEY_MAX];
  struct ddb_num n = num_of("-1.2345678901234567890123456789012345678E-93");
  CHECK_INT(num_key_encode(&n, k), 21);
}

/* Bytes that no number encodes to. */
TEST(number_key_decode_malformed) {
  static const struct {
    size_t len;
    uint8_t bytes[8];
  } rows[] = {
      {0, {0}},
      {1, {0x00}},
      {1, {0x04}},
      {2, {0x03, 0x82}},       /* no digits */
      {3, {0x03, 0x82, 0x15}}, /* "more" set on the last byte */
      {3, {0x03, 0x82, 0xc8}}, /* v = 100 */
      {3, {0x03, 0x82, 0x00}}, /* digits "00" */
      {3, {0x03, 0x82, 0x02}}, /* leading zero digit ("01") */
      {4, {0x03, 0x82, 0x15, 0x00}}, /* trailing "00" pair */
      {3, {0x01, 0x7d, 0xea}}, /* negative with "more" on the last byte */
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct ddb_num n;
    CHECK_INT(num_key_decode(rows[i].bytes, rows[i].len, &n), 0);
  }
  /* 20 digit bytes that all say "more": longer than 38 digits. */
  uint8_t many[24];
  many[0] = 0x03;
  many[1] = 0x82;
  for (int i = 2; i < 24; i++) many[i] = 0x15;
  struct ddb_num n;
  CHECK_INT(num_key_decode(many, sizeof many, &n), 0);
}

/* a op b = want (text) or status. */
static const struct {
  const char *a;
  char op;
  const char *b;
  const char *want;
  enum num_status st;
} arith[] = {
    {"1", '+', "2", "3", NUM_OK},
    {"0.5", '+', "0.5", "1", NUM_OK}, /* DynamoDB Local says "1.0" */
    {"0.3", '-', "0.1", "0.2", NUM_OK},
    {"-5", '+', "3", "-2", NUM_OK},
    {"5", '-', "8", "-3", NUM_OK},
    {"-5", '-', "-5", "0", NUM_OK},
    {"0", '-', "7.25", "-7.25", NUM_OK},
    {"7.25", '+', "0", "7.25", NUM_OK},
    {"0", '+', "0", "0", NUM_OK},
    {"999", '+', "1", "1000", NUM_OK},
    {"99999999999999999999999999999999999999", '+', "1", "100000000000000000000000000000000000000",
     NUM_OK},
    {"99999999999999999999999999999999999999", '-', "1", "99999999999999999999999999999999999998",
     NUM_OK},
    {"1000", '-', "0.001", "999.999", NUM_OK},
    {"100000000000000000000.00000001", '-', "1", "99999999999999999999.00000001", NUM_OK},
    {"1e37", '-', "0.1", "9999999999999999999999999999999999999.9", NUM_OK},
    {"1e125", '-', "1e125", "0", NUM_OK},
    {"1e125", '+', "-1e125", "0", NUM_OK},
    {"1e125", '+', "1e125",
     "200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000",
     NUM_OK},
    {"9.9999999999999999999999999999999999999E+125", '-', "9.9999999999999999999999999999999999999E+125",
     "0", NUM_OK},
    {"1e-130", '-', "1e-130", "0", NUM_OK},
    {"2e-130", '-', "1e-130",
     "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000000000000001",
     NUM_OK},
    {"12.5", '-', "12.4", "0.1", NUM_OK},
    {"1.0000000000000000000000000000000000001", '-', "1", "0.0000000000000000000000000000000000001",
     NUM_OK},
    /* Too many digits. */
    {"1e37", '+', "0.1", NULL, NUM_PRECISION},
    {"99999999999999999999999999999999999999", '+', "2", NULL, NUM_PRECISION},
    {"12345678901234567890123456789012345678", '+', "0.5", NULL, NUM_PRECISION},
    {"12345678901234567890123456789012345678", '-', "0.5", NULL, NUM_PRECISION},
    {"1", '+', "1e-40", NULL, NUM_PRECISION},
    {"1", '-', "1e-40", NULL, NUM_PRECISION},
    {"1e125", '+', "1e-130", NULL, NUM_PRECISION},
    /* Out of range (checked before precision, as DynamoDB does). */
    {"9.9999999999999999999999999999999999999E+125", '+', "1e88", NULL, NUM_OVERFLOW},
    {"9.9999999999999999999999999999999999999E+125", '+', "1e125", NULL, NUM_OVERFLOW},
    {"9.9999999999999999999999999999999999999E+125", '+', "9.9999999999999999999999999999999999999E+125",
     NULL, NUM_OVERFLOW},
    {"9.9e125", '+', "9.9e125", NULL, NUM_OVERFLOW},
    {"-9.9e125", '-', "9.9e125", NULL, NUM_OVERFLOW},
    {"1.5e-130", '-', "1e-130", NULL, NUM_UNDERFLOW},
    {"1.5e-130", '+', "-1e-130", NULL, NUM_UNDERFLOW},
    {"1e-129", '-', "9.9e-130", NULL, NUM_UNDERFLOW},
};

TEST(number_arithmetic) {
  for (size_t i = 0; i < sizeof arith / sizeof arith[0]; i++) {
    struct ddb_num a = num_of(arith[i].a), b = num_of(arith[i].b), r;
    memset(&r, 0x77, sizeof r);
    struct ddb_num before = r;
    enum num_status st = arith[i].op == '+' ? num_add(&a, &b, &r) : num_sub(&a, &b, &r);
    if (st != arith[i].st) fprintf(stderr, "  %s %c %s\n", arith[i].a, arith[i].op, arith[i].b);
    CHECK_INT(st, arith[i].st);
    if (arith[i].st != NUM_OK) {
      CHECK(memcmp(&r, &before, sizeof r) == 0);
      continue;
    }
    char buf[NUM_FORMAT_MAX];
    num_format(&r, buf);
    CHECK_STR(buf, arith[i].want);
    /* a + b == b + a; a - b == -(b - a) */
    struct ddb_num r2;
    if (arith[i].op == '+') {
      CHECK_INT(num_add(&b, &a, &r2), NUM_OK);
      CHECK_INT(num_cmp(&r, &r2), 0);
    } else {
      struct ddb_num zero = num_of("0"), neg;
      CHECK_INT(num_sub(&b, &a, &r2), NUM_OK);
      CHECK_INT(num_sub(&zero, &r2, &neg), NUM_OK);
      CHECK_INT(num_cmp(&r, &neg), 0);
    }
  }
  /* The result may be written over an operand. */
  struct ddb_num a = num_of("41"), one = num_of("1");
  CHECK_INT(num_add(&a, &one, &a), NUM_OK);
  char buf[NUM_FORMAT_MAX];
  num_format(&a, buf);
  CHECK_STR(buf, "42");
}

/* Every pair of the ordered list: a + b and a - b either succeed exactly
** (checked by subtracting back) or fail with a status. */
TEST(number_arithmetic_pairs) {
  for (size_t i = 0; i < ASC_N; i++) {
    for (size_t j = 0; j < ASC_N; j++) {
      struct ddb_num a = num_of(ascending[i]), b = num_of(ascending[j]), s, back;
      if (num_add(&a, &b, &s) == NUM_OK) {
        CHECK_INT(num_sub(&s, &b, &back), NUM_OK);
        CHECK_INT(num_cmp(&back, &a), 0);
      }
      if (num_sub(&a, &b, &s) == NUM_OK) {
        CHECK_INT(sgn(num_cmp(&s, &(struct ddb_num){0})), sgn((long long)i - (long long)j));
      }
    }
  }
}

TEST(number_int64) {
  static const struct {
    int64_t v;
    const char *text;
  } rows[] = {
      {0, "0"},
      {1, "1"},
      {-1, "-1"},
      {10, "10"},
      {1000000, "1000000"},
      {-120, "-120"},
      {INT64_MAX, "9223372036854775807"},
      {INT64_MIN, "-9223372036854775808"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct ddb_num n;
    char buf[NUM_FORMAT_MAX];
    num_from_int64(rows[i].v, &n);
    num_format(&n, buf);
    CHECK_STR(buf, rows[i].text);
    int64_t back;
    CHECK_INT(num_to_int64(&n, &back), 0);
    CHECK(back == rows[i].v);
  }
  static const struct {
    const char *text;
    int rc;
    int64_t v;
  } to[] = {
      {"1.9", -1, 1},
      {"-1.9", -1, -1},
      {"0.5", -1, 0},
      {"1e-130", -1, 0},
      {"9223372036854775808", -1, INT64_MAX},
      {"-9223372036854775809", -1, INT64_MIN},
      {"1e30", -1, INT64_MAX},
      {"-1e125", -1, INT64_MIN},
      {"1700000000", 0, 1700000000},
  };
  for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
    struct ddb_num n = num_of(to[i].text);
    int64_t v;
    CHECK_INT(num_to_int64(&n, &v), to[i].rc);
    CHECK(v == to[i].v);
  }
}

/* Structs that num_parse never makes are handled without crashing. */
TEST(number_malformed_struct) {
  struct ddb_num bad;
  memset(&bad, 0, sizeof bad);
  bad.sign = 1;
  bad.n = 200;
  bad.exp = 30000;
  char buf[NUM_FORMAT_MAX];
  CHECK_INT(num_format(&bad, buf), 0);
  struct ddb_num one = num_of("1"), r;
  CHECK(num_add(&bad, &one, &r) != NUM_OK);
  uint8_t k[NUM_KEY_MAX];
  CHECK_INT(num_key_encode(&bad, k), 1);
}

TEST_MAIN(number_parse_valid, number_parse_invalid, number_messages, number_compare_order,
          number_key_order_and_roundtrip, number_key_bytes, number_key_decode_malformed,
          number_arithmetic, number_arithmetic_pairs, number_int64, number_malformed_struct)

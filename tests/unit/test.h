/*
** tests/unit/test.h: a tiny unit-test harness (after libuv's test-list.h and
** h2o's subtest). Each tests/unit/test_*.c is one executable that ctest runs;
** a failed CHECK prints file:line and makes the executable exit non-zero.
**
**   TEST(number_parse) { CHECK(num_parse("1", 1, &n) == NUM_OK); }
**   TEST_MAIN(number_parse, number_format)
*/
#ifndef DDB_TEST_H
#define DDB_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static const char *test_current;

#define TEST(name) static void test_##name(void)

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, test_current, \
              #cond);                                                                 \
      test_failures++;                                                                \
    }                                                                                 \
  } while (0)

#define CHECK_STR(got, want)                                                          \
  do {                                                                                \
    const char *g_ = (got), *w_ = (want);                                             \
    if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                          \
      fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,     \
              test_current, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                  \
      test_failures++;                                                                \
    }                                                                                 \
  } while (0)

#define CHECK_INT(got, want)                                                          \
  do {                                                                                \
    long long g_ = (long long)(got), w_ = (long long)(want);                          \
    if (g_ != w_) {                                                                   \
      fprintf(stderr, "%s:%d: %s: %s = %lld, want %lld\n", __FILE__, __LINE__,        \
              test_current, #got, g_, w_);                                            \
      test_failures++;                                                                \
    }                                                                                 \
  } while (0)

#define TEST_RUN_ONE_(name) \
  do { test_current = #name; test_##name(); } while (0);

/* TEST_MAIN(a, b, c): runs test_a, test_b, test_c in order. */
#define TEST_MAIN(...)                                                                \
  int main(void) {                                                                    \
    TEST_FOREACH_(TEST_RUN_ONE_, __VA_ARGS__)                                         \
    if (test_failures) {                                                              \
      fprintf(stderr, "%d check(s) failed\n", test_failures);                         \
      return 1;                                                                       \
    }                                                                                 \
    return 0;                                                                         \
  }

/* A bounded FOREACH over up to 64 arguments. */
#define TEST_FE_1(m, x) m(x)
#define TEST_FE_2(m, x, ...) m(x) TEST_FE_1(m, __VA_ARGS__)
#define TEST_FE_3(m, x, ...) m(x) TEST_FE_2(m, __VA_ARGS__)
#define TEST_FE_4(m, x, ...) m(x) TEST_FE_3(m, __VA_ARGS__)
#define TEST_FE_5(m, x, ...) m(x) TEST_FE_4(m, __VA_ARGS__)
#define TEST_FE_6(m, x, ...) m(x) TEST_FE_5(m, __VA_ARGS__)
#define TEST_FE_7(m, x, ...) m(x) TEST_FE_6(m, __VA_ARGS__)
#define TEST_FE_8(m, x, ...) m(x) TEST_FE_7(m, __VA_ARGS__)
#define TEST_FE_9(m, x, ...) m(x) TEST_FE_8(m, __VA_ARGS__)
#define TEST_FE_10(m, x, ...) m(x) TEST_FE_9(m, __VA_ARGS__)
#define TEST_FE_11(m, x, ...) m(x) TEST_FE_10(m, __VA_ARGS__)
#define TEST_FE_12(m, x, ...) m(x) TEST_FE_11(m, __VA_ARGS__)
#define TEST_FE_13(m, x, ...) m(x) TEST_FE_12(m, __VA_ARGS__)
#define TEST_FE_14(m, x, ...) m(x) TEST_FE_13(m, __VA_ARGS__)
#define TEST_FE_15(m, x, ...) m(x) TEST_FE_14(m, __VA_ARGS__)
#define TEST_FE_16(m, x, ...) m(x) TEST_FE_15(m, __VA_ARGS__)
#define TEST_FE_17(m, x, ...) m(x) TEST_FE_16(m, __VA_ARGS__)
#define TEST_FE_18(m, x, ...) m(x) TEST_FE_17(m, __VA_ARGS__)
#define TEST_FE_19(m, x, ...) m(x) TEST_FE_18(m, __VA_ARGS__)
#define TEST_FE_20(m, x, ...) m(x) TEST_FE_19(m, __VA_ARGS__)
#define TEST_FE_21(m, x, ...) m(x) TEST_FE_20(m, __VA_ARGS__)
#define TEST_FE_22(m, x, ...) m(x) TEST_FE_21(m, __VA_ARGS__)
#define TEST_FE_23(m, x, ...) m(x) TEST_FE_22(m, __VA_ARGS__)
#define TEST_FE_24(m, x, ...) m(x) TEST_FE_23(m, __VA_ARGS__)
#define TEST_FE_25(m, x, ...) m(x) TEST_FE_24(m, __VA_ARGS__)
#define TEST_FE_26(m, x, ...) m(x) TEST_FE_25(m, __VA_ARGS__)
#define TEST_FE_27(m, x, ...) m(x) TEST_FE_26(m, __VA_ARGS__)
#define TEST_FE_28(m, x, ...) m(x) TEST_FE_27(m, __VA_ARGS__)
#define TEST_FE_29(m, x, ...) m(x) TEST_FE_28(m, __VA_ARGS__)
#define TEST_FE_30(m, x, ...) m(x) TEST_FE_29(m, __VA_ARGS__)
#define TEST_FE_31(m, x, ...) m(x) TEST_FE_30(m, __VA_ARGS__)
#define TEST_FE_32(m, x, ...) m(x) TEST_FE_31(m, __VA_ARGS__)
#define TEST_FE_33(m, x, ...) m(x) TEST_FE_32(m, __VA_ARGS__)
#define TEST_FE_34(m, x, ...) m(x) TEST_FE_33(m, __VA_ARGS__)
#define TEST_FE_35(m, x, ...) m(x) TEST_FE_34(m, __VA_ARGS__)
#define TEST_FE_36(m, x, ...) m(x) TEST_FE_35(m, __VA_ARGS__)
#define TEST_FE_37(m, x, ...) m(x) TEST_FE_36(m, __VA_ARGS__)
#define TEST_FE_38(m, x, ...) m(x) TEST_FE_37(m, __VA_ARGS__)
#define TEST_FE_39(m, x, ...) m(x) TEST_FE_38(m, __VA_ARGS__)
#define TEST_FE_40(m, x, ...) m(x) TEST_FE_39(m, __VA_ARGS__)
#define TEST_FE_41(m, x, ...) m(x) TEST_FE_40(m, __VA_ARGS__)
#define TEST_FE_42(m, x, ...) m(x) TEST_FE_41(m, __VA_ARGS__)
#define TEST_FE_43(m, x, ...) m(x) TEST_FE_42(m, __VA_ARGS__)
#define TEST_FE_44(m, x, ...) m(x) TEST_FE_43(m, __VA_ARGS__)
#define TEST_FE_45(m, x, ...) m(x) TEST_FE_44(m, __VA_ARGS__)
#define TEST_FE_46(m, x, ...) m(x) TEST_FE_45(m, __VA_ARGS__)
#define TEST_FE_47(m, x, ...) m(x) TEST_FE_46(m, __VA_ARGS__)
#define TEST_FE_48(m, x, ...) m(x) TEST_FE_47(m, __VA_ARGS__)
#define TEST_GET_FE_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, \
                     _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, \
                     _31, _32, _33, _34, _35, _36, _37, _38, _39, _40, _41, _42, _43, _44, \
                     _45, _46, _47, _48, NAME, ...)                                       \
  NAME
#define TEST_FOREACH_(m, ...)                                                              \
  TEST_GET_FE_(__VA_ARGS__, TEST_FE_48, TEST_FE_47, TEST_FE_46, TEST_FE_45, TEST_FE_44,    \
               TEST_FE_43, TEST_FE_42, TEST_FE_41, TEST_FE_40, TEST_FE_39, TEST_FE_38,     \
               TEST_FE_37, TEST_FE_36, TEST_FE_35, TEST_FE_34, TEST_FE_33, TEST_FE_32,     \
               TEST_FE_31, TEST_FE_30, TEST_FE_29, TEST_FE_28, TEST_FE_27, TEST_FE_26,     \
               TEST_FE_25, TEST_FE_24, TEST_FE_23, TEST_FE_22, TEST_FE_21, TEST_FE_20,     \
               TEST_FE_19, TEST_FE_18, TEST_FE_17, TEST_FE_16, TEST_FE_15, TEST_FE_14,     \
               TEST_FE_13, TEST_FE_12, TEST_FE_11, TEST_FE_10, TEST_FE_9, TEST_FE_8,       \
               TEST_FE_7, TEST_FE_6, TEST_FE_5, TEST_FE_4, TEST_FE_3, TEST_FE_2, TEST_FE_1) \
  (m, __VA_ARGS__)

#endif

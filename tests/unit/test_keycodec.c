/*
** tests/unit/test_keycodec.c: LMDB item keys (storage/keycodec.c).
**
** Order: memcmp of sort parts must follow DynamoDB's sort-key order (S:
** UTF-8 bytes, B: unsigned bytes, N: numeric); parts must end themselves;
** long values are cut to prefix + marker + digest and stay unique.
*/
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "storage/keycodec.h"
#include "test.h"

/*----------------------------- helpers ------------------------------------*/

/* A JSON string holding arbitrary bytes (S values here may be invalid UTF-8). */
static json_t *jbytes(const void *p, size_t n) { return json_stringn_nocheck(p, n); }

/* The base64 JSON string of bytes (a B value). */
static json_t *jb64(const void *p, size_t n) {
  char *buf = malloc(4 * (n / 3 + 1) + 1);
  int len = EVP_EncodeBlock((unsigned char *)buf, p, (int)n);
  json_t *j = json_stringn(buf, (size_t)len);
  free(buf);
  return j;
}

/* A value given as bytes, in the JSON form its type uses. */
static json_t *jval(char type, const void *p, size_t n) {
  return type == 'B' ? jb64(p, n) : jbytes(p, n);
}

static size_t part_of(char type, const void *p, size_t n, size_t budget, uint8_t *out) {
  json_t *v = jval(type, p, n);
  size_t k = keycodec_sort_part(type, v, budget, out);
  json_decref(v);
  return k;
}

static int starts_with(const uint8_t *a, size_t alen, const uint8_t *p, size_t plen) {
  return alen >= plen && memcmp(a, p, plen) == 0;
}

static int sgn(long long v) { return (v > 0) - (v < 0); }

/* memcmp order with "a prefix sorts first". */
static int bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  if (c) return sgn(c);
  return sgn((long long)alen - (long long)blen);
}

/* A value of n bytes of fill with last byte `last` (n >= 1). */
static uint8_t *filled(size_t n, uint8_t fill, uint8_t last) {
  uint8_t *p = malloc(n);
  memset(p, fill, n);
  p[n - 1] = last;
  return p;
}

/*----------------------------- worked examples ----------------------------*/

static const struct {
  char pkt;
  const char *pk; /* JSON inner value */
  char skt;
  const char *sk;
  size_t len;
  uint8_t bytes[40];
} examples[] = {
    {'S', "a", 0, NULL, 7, {0xca, 0x97, 0x81, 0x12, 0x61, 0x00, 0x01}},
    {'S', "user#1", 'N', "12.5", 16,
     {0x96, 0xc3, 0x3e, 0xf4, 0x75, 0x73, 0x65, 0x72, 0x23, 0x31, 0x00, 0x01, 0x03, 0x83, 0x19, 0x64}},
    {'S', "user#1", 'N', "012.50", 16, /* any number text: same key */
     {0x96, 0xc3, 0x3e, 0xf4, 0x75, 0x73, 0x65, 0x72, 0x23, 0x31, 0x00, 0x01, 0x03, 0x83, 0x19, 0x64}},
    {'N', "1", 'B', "AP8=", 12, {0x6b, 0x86, 0xb2, 0x73, 0x03, 0x82, 0x14, 0x00, 0xff, 0xff, 0x00, 0x01}},
    {'N', "1.0", 'B', "AP8", 12, /* unpadded base64 */
     {0x6b, 0x86, 0xb2, 0x73, 0x03, 0x82, 0x14, 0x00, 0xff, 0xff, 0x00, 0x01}},
    {'S', "a", 'S', "a", 10, {0xca, 0x97, 0x81, 0x12, 0x61, 0x00, 0x01, 0x61, 0x00, 0x01}},
    {'S', "a", 'N', "-1", 10, {0xca, 0x97, 0x81, 0x12, 0x61, 0x00, 0x01, 0x01, 0x7d, 0xeb}},
    {'S', "a", 'N', "0", 8, {0xca, 0x97, 0x81, 0x12, 0x61, 0x00, 0x01, 0x02}},
    {'S', "a", 'N', "1e-130", 10, {0xca, 0x97, 0x81, 0x12, 0x61, 0x00, 0x01, 0x03, 0x00, 0x14}},
};

TEST(keycodec_examples) {
  for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
    json_t *pk = json_string(examples[i].pk);
    json_t *sk = examples[i].sk ? json_string(examples[i].sk) : NULL;
    uint8_t key[KEYCODEC_MAX];
    size_t len = keycodec_item_key(examples[i].pkt, pk, examples[i].skt, sk, key);
    CHECK_INT(len, examples[i].len);
    if (len != examples[i].len || memcmp(key, examples[i].bytes, len) != 0) {
      fprintf(stderr, "  example %zu:", i);
      for (size_t j = 0; j < len; j++) fprintf(stderr, " %02x", key[j]);
      fprintf(stderr, "\n");
      test_failures++;
    }
    json_decref(pk);
    json_decref(sk);
  }
}

/* The hash: first 4 bytes of SHA-256 of the value bytes, big-endian. */
TEST(keycodec_hash_stable) {
  static const struct {
    char type;
    const char *value;
    uint32_t hash;
  } rows[] = {
      {'S', "a", 0xca978112},
      {'N', "1", 0x6b86b273},
      {'N', "1.00", 0x6b86b273}, /* canonical text "1" */
      {'N', "1e0", 0x6b86b273},
      {'S', "user#1", 0x96c33ef4},
      {'B', "YQ==", 0xca978112}, /* bytes "a" */
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    json_t *v = json_string(rows[i].value);
    CHECK(keycodec_hash(rows[i].type, v) == rows[i].hash);
    uint8_t pre[KEYCODEC_MAX];
    size_t n = keycodec_partition_prefix(rows[i].type, v, pre);
    CHECK(n > KEYCODEC_HASH_LEN);
    CHECK(((uint32_t)pre[0] << 24 | (uint32_t)pre[1] << 16 | (uint32_t)pre[2] << 8 | pre[3]) ==
          rows[i].hash);
    json_decref(v);
  }
}

/*----------------------------- order --------------------------------------*/

/* Byte strings in strictly increasing bytewise order; long ones differ from
** their neighbours inside the kept prefix. */
struct bval {
  const char *p;
  size_t n;
};
#define BV(s) {s, sizeof(s) - 1}
static const struct bval byte_order[] = {
    BV(""),
    BV("\x00"),
    BV("\x00\x00"),
    BV("\x00\x00\x00"),
    BV("\x00\x01"),
    BV("\x00\xff"),
    BV("\x01"),
    BV("\x01\x00"),
    BV("\x01\x01"),
    BV("\x02"),
    BV("A"),
    BV("Z"),
    BV("a"),
    BV("a\x00"),
    BV("a\x00\x00"),
    BV("a\x00" "b"),
    BV("a\x01"),
    BV("aa"),
    BV("ab"),
    BV("abc"),
    BV("a\xfe"),
    BV("a\xff"),
    BV("b"),
    BV("z"),
    BV("\x7f"),
    BV("\xc3\xa9"),     /* é */
    BV("\xe2\x82\xac"), /* € */
    BV("\xf0\x9f\x98\x80"),
    BV("\xfe"),
    BV("\xff"),
    BV("\xff\x00"),
    BV("\xff\xff"),
    BV("\xff\xff\xff"),
};
#define BYTE_ORDER_N (sizeof byte_order / sizeof byte_order[0])

static void check_order_bytes(char type) {
  uint8_t a[KEYCODEC_MAX], b[KEYCODEC_MAX];
  for (size_t i = 0; i < BYTE_ORDER_N; i++) {
    size_t la = part_of(type, byte_order[i].p, byte_order[i].n, KEYCODEC_SK_BUDGET, a);
    CHECK(la >= 2);
    CHECK_INT(keycodec_part_len(type, a, la), la);
    for (size_t j = 0; j < BYTE_ORDER_N; j++) {
      size_t lb = part_of(type, byte_order[j].p, byte_order[j].n, KEYCODEC_SK_BUDGET, b);
      int c = memcmp(a, b, la < lb ? la : lb);
      if (i == j) {
        CHECK(la == lb && c == 0);
        continue;
      }
      CHECK(c != 0); /* self-delimiting: no part is a prefix of another */
      if (sgn(c) != sgn((long long)i - (long long)j))
        fprintf(stderr, "  %c order: row %zu vs %zu\n", type, i, j);
      CHECK_INT(sgn(c), sgn((long long)i - (long long)j));
    }
  }
}

TEST(keycodec_order_strings) { check_order_bytes('S'); }
TEST(keycodec_order_binary) { check_order_bytes('B'); }

static const char *const num_order[] = {
    "-9.9999999999999999999999999999999999999E+125", "-1e100", "-1000", "-100.5", "-100",
    "-10", "-1.5", "-1", "-0.5", "-1e-130", "0", "1e-130", "0.001", "0.5", "1", "1.5", "2",
    "10", "10.01", "99", "100", "12345678901234567890123456789012345678", "1e100",
    "9.9999999999999999999999999999999999999E+125",
};
#define NUM_ORDER_N (sizeof num_order / sizeof num_order[0])

TEST(keycodec_order_numbers) {
  json_t *pk = json_string("p");
  uint8_t a[KEYCODEC_MAX], b[KEYCODEC_MAX], pre[KEYCODEC_MAX];
  size_t lp = keycodec_partition_prefix('S', pk, pre);
  for (size_t i = 0; i < NUM_ORDER_N; i++) {
    json_t *vi = json_string(num_order[i]);
    size_t la = keycodec_item_key('S', pk, 'N', vi, a);
    CHECK(la > lp && starts_with(a, la, pre, lp));
    for (size_t j = 0; j < NUM_ORDER_N; j++) {
      json_t *vj = json_string(num_order[j]);
      size_t lb = keycodec_item_key('S', pk, 'N', vj, b);
      CHECK_INT(bytes_cmp(a, la, b, lb), sgn((long long)i - (long long)j));
      json_decref(vj);
    }
    json_decref(vi);
  }
  json_decref(pk);
}

/* Item keys of one partition share its prefix and sort by sort key. */
TEST(keycodec_item_keys_in_partition) {
  json_t *pk = jbytes("tenant\x00" "1", 8);
  uint8_t pre[KEYCODEC_MAX], a[KEYCODEC_MAX], b[KEYCODEC_MAX];
  size_t lp = keycodec_partition_prefix('S', pk, pre);
  CHECK_INT(lp, KEYCODEC_HASH_LEN + 8 + 1 + 2);
  for (size_t i = 0; i < BYTE_ORDER_N; i++) {
    json_t *si = jbytes(byte_order[i].p, byte_order[i].n);
    size_t la = keycodec_item_key('S', pk, 'S', si, a);
    CHECK(starts_with(a, la, pre, lp));
    CHECK_INT(keycodec_part_len('S', a + KEYCODEC_HASH_LEN, la - KEYCODEC_HASH_LEN),
              lp - KEYCODEC_HASH_LEN);
    if (i + 1 < BYTE_ORDER_N) {
      json_t *sj = jbytes(byte_order[i + 1].p, byte_order[i + 1].n);
      size_t lb = keycodec_item_key('S', pk, 'S', sj, b);
      CHECK_INT(bytes_cmp(a, la, b, lb), -1);
      json_decref(sj);
    }
    json_decref(si);
  }
  /* Without a sort key, the item key is the partition prefix. */
  size_t lk = keycodec_item_key('S', pk, 0, NULL, a);
  CHECK(lk == lp && memcmp(a, pre, lp) == 0);
  json_decref(pk);
}

/*----------------------------- long keys ----------------------------------*/

/* Where values are cut, under the sort-key budget (379): kept whole while the
** escaped length is <= 377; a cut keeps <= 361 escaped bytes. */
TEST(keycodec_budget_boundaries) {
  static const struct {
    size_t n;      /* value length */
    uint8_t fill;  /* every byte */
    size_t part;   /* expected part length */
    int cut;
  } rows[] = {
      {1, 'x', 3, 0},
      {377, 'x', 379, 0},
      {378, 'x', 361 + 2 + 16, 1},
      {1024, 'x', 379, 1},
      {188, 0x00, 378, 0}, /* escaped 376 */
      {189, 0x00, 361 + 2 + 16 - 1, 1}, /* escaped 378: cut, keeps 180 zeros (360) */
      {1024, 0x00, 360 + 2 + 16, 1},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    uint8_t *v = filled(rows[i].n, rows[i].fill, rows[i].fill);
    uint8_t part[KEYCODEC_MAX], raw[KEYCODEC_MAX];
    for (char type = 'B'; type; type = type == 'B' ? 'S' : 0) {
      size_t k = part_of(type, v, rows[i].n, KEYCODEC_SK_BUDGET, part);
      CHECK_INT(k, rows[i].part);
      CHECK(k <= KEYCODEC_SK_BUDGET);
      CHECK_INT(keycodec_part_is_cut(type, part, k), rows[i].cut);
      size_t rawlen;
      int cut = -1;
      CHECK_INT(keycodec_part_decode(type, part, k, raw, &rawlen, &cut), k);
      CHECK_INT(cut, rows[i].cut);
      CHECK(rawlen <= rows[i].n && memcmp(raw, v, rawlen) == 0);
      if (!rows[i].cut) CHECK_INT(rawlen, rows[i].n);
    }
    free(v);
  }
  /* The partition-key budget: 2048 'x' -> 110 kept bytes + 00 02 + digest. */
  uint8_t *v = filled(2048, 'x', 'x');
  json_t *pk = jbytes(v, 2048);
  uint8_t pre[KEYCODEC_MAX], md[SHA256_DIGEST_LENGTH];
  CHECK_INT(keycodec_partition_prefix('S', pk, pre), KEYCODEC_HASH_LEN + KEYCODEC_PK_BUDGET);
  SHA256(v, 2048, md);
  CHECK(memcmp(pre, md, 4) == 0);
  CHECK(pre[KEYCODEC_HASH_LEN + 109] == 'x' && pre[KEYCODEC_HASH_LEN + 110] == 0x00 &&
        pre[KEYCODEC_HASH_LEN + 111] == 0x02);
  CHECK(memcmp(pre + KEYCODEC_HASH_LEN + 112, md, KEYCODEC_DIGEST_LEN) == 0);
  json_decref(pk);
  free(v);
}

/* Long partition keys that differ only in the last byte, and the same long
** key twice; the partition prefix stays self-delimiting. */
TEST(keycodec_long_partition_keys) {
  static const struct {
    char type;
    size_t n;
    uint8_t fill;
  } rows[] = {
      {'S', 2048, 'k'}, {'B', 2048, 0x00}, {'B', 2048, 0xff}, {'S', 127, 'k'}, {'S', 600, 'k'},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    uint8_t *v1 = filled(rows[i].n, rows[i].fill, 'a');
    uint8_t *v2 = filled(rows[i].n, rows[i].fill, 'b');
    json_t *p1 = jval(rows[i].type, v1, rows[i].n), *p2 = jval(rows[i].type, v2, rows[i].n);
    json_t *p1again = jval(rows[i].type, v1, rows[i].n);
    json_t *sk = json_string("s");
    uint8_t k1[KEYCODEC_MAX], k2[KEYCODEC_MAX], k3[KEYCODEC_MAX], pre1[KEYCODEC_MAX],
        pre2[KEYCODEC_MAX];
    size_t l1 = keycodec_item_key(rows[i].type, p1, 'S', sk, k1);
    size_t l2 = keycodec_item_key(rows[i].type, p2, 'S', sk, k2);
    size_t l3 = keycodec_item_key(rows[i].type, p1again, 'S', sk, k3);
    CHECK(l1 > 0 && l1 <= KEYCODEC_MAX && l2 > 0);
    CHECK(!(l1 == l2 && memcmp(k1, k2, l1) == 0)); /* different keys */
    CHECK(l1 == l3 && memcmp(k1, k3, l1) == 0);    /* deterministic */
    size_t lp1 = keycodec_partition_prefix(rows[i].type, p1, pre1);
    size_t lp2 = keycodec_partition_prefix(rows[i].type, p2, pre2);
    CHECK(lp1 <= KEYCODEC_HASH_LEN + KEYCODEC_PK_BUDGET);
    CHECK(starts_with(k1, l1, pre1, lp1) && starts_with(k2, l2, pre2, lp2));
    CHECK(!starts_with(k2, l2, pre1, lp1) && !starts_with(k1, l1, pre2, lp2));
    /* The pk parts alone are prefix-free too (what matters under a hash tie). */
    CHECK(!starts_with(k2 + 4, l2 - 4, pre1 + 4, lp1 - 4));
    CHECK(!starts_with(k1 + 4, l1 - 4, pre2 + 4, lp2 - 4));
    json_decref(p1);
    json_decref(p2);
    json_decref(p1again);
    json_decref(sk);
    free(v1);
    free(v2);
  }
}

/* Prefix-freeness of pk parts over a mix of short, boundary and long values,
** with every sort key appended. */
TEST(keycodec_partition_prefix_free) {
  struct bval pks[16];
  size_t npk = 0;
  static const char *shorts[] = {"a", "a\0", "ab", "b", "\xff"};
  static const size_t shortlen[] = {1, 2, 2, 1, 1};
  for (int i = 0; i < 5; i++) pks[npk++] = (struct bval){shorts[i], shortlen[i]};
  uint8_t *longs[6];
  size_t lens[6] = {126, 127, 2048, 2048, 2048, 300};
  for (int i = 0; i < 6; i++) {
    longs[i] = filled(lens[i], 'a', (uint8_t)('a' + i));
    pks[npk++] = (struct bval){(const char *)longs[i], lens[i]};
  }
  uint8_t parts[16][KEYCODEC_MAX];
  size_t plen[16];
  for (size_t i = 0; i < npk; i++) {
    plen[i] = part_of('S', pks[i].p, pks[i].n, KEYCODEC_PK_BUDGET, parts[i]);
    CHECK(plen[i] >= 3 && plen[i] <= KEYCODEC_PK_BUDGET);
  }
  for (size_t i = 0; i < npk; i++) {
    for (size_t j = 0; j < npk; j++) {
      if (i == j) continue;
      for (size_t s = 0; s < BYTE_ORDER_N; s++) {
        uint8_t key[2 * KEYCODEC_MAX];
        memcpy(key, parts[j], plen[j]);
        size_t ls = part_of('S', byte_order[s].p, byte_order[s].n, KEYCODEC_SK_BUDGET, key + plen[j]);
        CHECK(!starts_with(key, plen[j] + ls, parts[i], plen[i]));
      }
    }
  }
  for (int i = 0; i < 6; i++) free(longs[i]);
}

/* Long sort keys: unique, deterministic, ordered when they differ inside the
** kept prefix, and the conservative Query bounds of keycodec.h hold. */
TEST(keycodec_long_sort_keys) {
  enum { N = 14 };
  uint8_t *vals[N];
  size_t lens[N];
  int k = 0;
  /* (fill, length, last byte): differ early, differ only at the end, share prefixes. */
  static const struct {
    uint8_t fill;
    size_t n;
    uint8_t last;
    uint8_t first;
  } rows[N] = {
      {'m', 1024, 'a', 'a'}, {'m', 1024, 'b', 'a'}, {'m', 1024, 'a', 'b'}, {'m', 378, 'a', 'b'},
      {'m', 377, 'a', 'b'},  {'m', 361, 'z', 'b'},  {'m', 10, 'a', 'b'},   {'m', 400, 'c', 'b'},
      {0x00, 1024, 0x00, 'c'}, {0x00, 1024, 0x01, 'c'}, {0xff, 1024, 0xff, 'c'}, {'m', 362, 'a', 'b'},
      {'m', 361, 'm', 'b'},  {'m', 362, 0x00, 'b'},
  };
  for (k = 0; k < N; k++) {
    vals[k] = filled(rows[k].n, rows[k].fill, rows[k].last);
    vals[k][0] = rows[k].first;
    lens[k] = rows[k].n;
  }
  uint8_t enc[N][KEYCODEC_MAX], pfx[N][KEYCODEC_MAX];
  size_t el[N], pl[N];
  int cut[N];
  for (int i = 0; i < N; i++) {
    el[i] = part_of('B', vals[i], lens[i], KEYCODEC_SK_BUDGET, enc[i]);
    json_t *v = jb64(vals[i], lens[i]);
    pl[i] = keycodec_sort_prefix('B', v, KEYCODEC_SK_BUDGET, pfx[i]);
    json_decref(v);
    cut[i] = keycodec_part_is_cut('B', enc[i], el[i]);
    CHECK(starts_with(enc[i], el[i], pfx[i], pl[i]));
    uint8_t again[KEYCODEC_MAX];
    CHECK(part_of('B', vals[i], lens[i], KEYCODEC_SK_BUDGET, again) == el[i] &&
          memcmp(again, enc[i], el[i]) == 0);
  }
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      int truth = bytes_cmp(vals[i], lens[i], vals[j], lens[j]);
      int got = bytes_cmp(enc[i], el[i], enc[j], el[j]);
      if (i == j) continue;
      CHECK(got != 0); /* unique */
      CHECK(memcmp(enc[i], enc[j], el[i] < el[j] ? el[i] : el[j]) != 0); /* prefix-free */
      /* Order holds unless one value is cut and the other starts with its kept prefix. */
      int zone = (cut[i] && starts_with(enc[j], el[j], pfx[i], pl[i])) ||
                 (cut[j] && starts_with(enc[i], el[i], pfx[j], pl[j]));
      if (!zone) CHECK_INT(got, truth);
      /* Lower bound: every value >= vals[j] encodes at or after pfx[j]. */
      if (truth >= 0 && bytes_cmp(enc[i], el[i], pfx[j], pl[j]) < 0) {
        fprintf(stderr, "  lower bound: value %d sorts before prefix of %d\n", i, j);
        test_failures++;
      }
      /* Upper bound: every value <= vals[j] encodes before pfx[j] or starts with it. */
      if (truth <= 0)
        CHECK(bytes_cmp(enc[i], el[i], pfx[j], pl[j]) < 0 || starts_with(enc[i], el[i], pfx[j], pl[j]));
    }
  }
  for (int i = 0; i < N; i++) free(vals[i]);
}

/* The same properties over pseudo-random values near the cut lengths, made
** of few distinct bytes so that long shared prefixes and 0x00 runs are common. */
TEST(keycodec_random_values) {
  enum { N = 160 };
  static const uint8_t alphabet[] = {0x00, 0x01, 'm', 0xff};
  uint32_t seed = 12345;
  uint8_t *vals[N], enc[N][KEYCODEC_MAX], pfx[N][KEYCODEC_MAX];
  size_t lens[N], el[N], pl[N];
  int cut[N];
  for (int i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    lens[i] = 150 + (seed >> 8) % 300; /* 150..449 bytes */
    vals[i] = malloc(lens[i]);
    /* Runs of one byte, so values share long prefixes with their neighbours. */
    uint8_t cur = 'm';
    for (size_t k = 0; k < lens[i]; k++) {
      seed = seed * 1103515245u + 12345u;
      if ((seed >> 16) % 97 == 0) cur = alphabet[(seed >> 24) % 4];
      vals[i][k] = cur;
    }
    el[i] = part_of('B', vals[i], lens[i], KEYCODEC_SK_BUDGET, enc[i]);
    json_t *v = jb64(vals[i], lens[i]);
    pl[i] = keycodec_sort_prefix('B', v, KEYCODEC_SK_BUDGET, pfx[i]);
    json_decref(v);
    cut[i] = keycodec_part_is_cut('B', enc[i], el[i]);
  }
  int bad = 0;
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      int truth = bytes_cmp(vals[i], lens[i], vals[j], lens[j]);
      int got = bytes_cmp(enc[i], el[i], enc[j], el[j]);
      int zone = (cut[i] && starts_with(enc[j], el[j], pfx[i], pl[i])) ||
                 (cut[j] && starts_with(enc[i], el[i], pfx[j], pl[j]));
      if (truth != 0 && (got == 0 || (!zone && got != truth))) bad++;
      if (truth >= 0 && bytes_cmp(enc[i], el[i], pfx[j], pl[j]) < 0) bad++;
      if (truth <= 0 && !(bytes_cmp(enc[i], el[i], pfx[j], pl[j]) < 0 ||
                          starts_with(enc[i], el[i], pfx[j], pl[j])))
        bad++;
    }
  }
  CHECK_INT(bad, 0);
  for (int i = 0; i < N; i++) free(vals[i]);
}

/* begins_with: the sort prefix selects exactly the values that start with it
** when it is not cut. */
TEST(keycodec_sort_prefix_begins_with) {
  static const struct bval prefixes[] = {BV("a"), BV("a\x00"), BV("\x00"), BV("ab"), BV("\xff"), BV("")};
  for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
    for (char type = 'B'; type; type = type == 'B' ? 'S' : 0) {
      uint8_t pre[KEYCODEC_MAX], enc[KEYCODEC_MAX];
      json_t *pj = jval(type, prefixes[p].p, prefixes[p].n);
      size_t lp = keycodec_sort_prefix(type, pj, KEYCODEC_SK_BUDGET, pre);
      json_decref(pj);
      for (size_t i = 0; i < BYTE_ORDER_N; i++) {
        size_t le = part_of(type, byte_order[i].p, byte_order[i].n, KEYCODEC_SK_BUDGET, enc);
        int truth = starts_with((const uint8_t *)byte_order[i].p, byte_order[i].n,
                                (const uint8_t *)prefixes[p].p, prefixes[p].n);
        CHECK_INT(starts_with(enc, le, pre, lp), truth);
      }
    }
  }
  /* Not for numbers. */
  json_t *n = json_string("1");
  uint8_t out[KEYCODEC_MAX];
  CHECK_INT(keycodec_sort_prefix('N', n, KEYCODEC_SK_BUDGET, out), 0);
  json_decref(n);
}

/*----------------------------- decoding -----------------------------------*/

TEST(keycodec_decode_roundtrip) {
  for (size_t i = 0; i < BYTE_ORDER_N; i++) {
    for (char type = 'B'; type; type = type == 'B' ? 'S' : 0) {
      uint8_t part[KEYCODEC_MAX + 8], raw[KEYCODEC_MAX];
      size_t k = part_of(type, byte_order[i].p, byte_order[i].n, KEYCODEC_SK_BUDGET, part);
      part[k] = 0x00; /* trailing bytes after the part are not consumed */
      part[k + 1] = 0x01;
      size_t rawlen;
      int cut = -1;
      CHECK_INT(keycodec_part_decode(type, part, k + 2, raw, &rawlen, &cut), k);
      CHECK_INT(cut, 0);
      CHECK(rawlen == byte_order[i].n && memcmp(raw, byte_order[i].p, rawlen) == 0);
      CHECK_INT(keycodec_part_len(type, part, k + 2), k);
      for (size_t c = 0; c < k; c++) CHECK_INT(keycodec_part_len(type, part, c), 0);
    }
  }
  for (size_t i = 0; i < NUM_ORDER_N; i++) {
    json_t *v = json_string(num_order[i]);
    uint8_t part[KEYCODEC_MAX], text[KEYCODEC_MAX];
    size_t k = keycodec_sort_part('N', v, KEYCODEC_SK_BUDGET, part), tl;
    CHECK_INT(keycodec_part_decode('N', part, k, text, &tl, NULL), k);
    /* Decoded text is canonical and encodes to the same bytes. */
    json_t *back = json_stringn((const char *)text, tl);
    uint8_t again[KEYCODEC_MAX];
    CHECK(keycodec_sort_part('N', back, KEYCODEC_SK_BUDGET, again) == k && memcmp(again, part, k) == 0);
    CHECK_INT(keycodec_part_is_cut('N', part, k), 0);
    json_decref(back);
    json_decref(v);
  }
}

/* Bytes that are not a part. */
TEST(keycodec_decode_malformed) {
  static const struct {
    char type;
    size_t len;
    uint8_t bytes[8];
  } rows[] = {
      {'S', 0, {0}},
      {'S', 1, {0x61}},
      {'S', 2, {0x61, 0x00}},
      {'S', 3, {0x61, 0x00, 0x03}},
      {'S', 3, {0x61, 0x00, 0x00}},
      {'B', 4, {0x00, 0x02, 0x01, 0x02}}, /* cut marker without a full digest */
      {'N', 1, {0x04}},
      {'N', 2, {0x03, 0x82}},
      {'X', 3, {0x61, 0x00, 0x01}},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    uint8_t out[KEYCODEC_MAX];
    size_t ol = 99;
    CHECK_INT(keycodec_part_len(rows[i].type, rows[i].bytes, rows[i].len), 0);
    CHECK_INT(keycodec_part_decode(rows[i].type, rows[i].bytes, rows[i].len, out, &ol, NULL), 0);
    CHECK_INT(ol, 0);
    CHECK_INT(keycodec_part_is_cut(rows[i].type, rows[i].bytes, rows[i].len), 0);
  }
}

/* Values DynamoDB validation rejects give 0, never a crash. */
TEST(keycodec_malformed_values) {
  static const struct {
    char type;
    const char *json; /* a JSON value */
  } rows[] = {
      {'S', "5"},          {'S', "null"},       {'N', "\"abc\""},  {'N', "\"\""},
      {'N', "\"1e999\""},  {'N', "7"},          {'B', "\"A\""},    {'B', "\"A===\""},
      {'B', "\"@@@@\""},   {'B', "\"AB=C\""},   {'B', "\"AAA==\""}, {'B', "\"YQ== \""},
      {'X', "\"a\""},      {0, "\"a\""},
  };
  json_t *good = json_string("ok");
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    json_t *v = json_loads(rows[i].json, JSON_DECODE_ANY, NULL);
    CHECK(v != NULL);
    uint8_t out[KEYCODEC_MAX];
    CHECK(keycodec_hash(rows[i].type, v) == 0);
    CHECK_INT(keycodec_partition_prefix(rows[i].type, v, out), 0);
    CHECK_INT(keycodec_item_key(rows[i].type, v, 0, NULL, out), 0);
    char skt = rows[i].type ? rows[i].type : 'S';
    CHECK_INT(keycodec_item_key('S', good, skt, rows[i].type ? v : NULL, out), 0);
    CHECK_INT(keycodec_sort_part(rows[i].type, v, KEYCODEC_SK_BUDGET, out), 0);
    CHECK_INT(keycodec_sort_prefix(rows[i].type, v, KEYCODEC_SK_BUDGET, out), 0);
    json_decref(v);
  }
  uint8_t out[KEYCODEC_MAX];
  CHECK_INT(keycodec_item_key('S', NULL, 0, NULL, out), 0);
  CHECK_INT(keycodec_item_key('S', good, 'S', NULL, out), 0);
  json_decref(good);
}

/* A budget below the minimum is raised; above the maximum, capped. */
TEST(keycodec_budget_clamp) {
  uint8_t *v = filled(1000, 'q', 'q');
  uint8_t out[KEYCODEC_MAX];
  CHECK_INT(part_of('S', v, 1000, 0, out), KEYCODEC_MIN_BUDGET);
  CHECK_INT(part_of('S', v, 1000, 100000, out), KEYCODEC_MAX);
  json_t *n = json_string("-1.2345678901234567890123456789012345678E-93");
  CHECK_INT(keycodec_sort_part('N', n, 1, out), 21);
  json_decref(n);
  free(v);
}

TEST_MAIN(keycodec_examples, keycodec_hash_stable, keycodec_order_strings, keycodec_order_binary,
          keycodec_order_numbers, keycodec_item_keys_in_partition, keycodec_budget_boundaries,
          keycodec_long_partition_keys, keycodec_partition_prefix_free, keycodec_long_sort_keys,
          keycodec_random_values, keycodec_sort_prefix_begins_with, keycodec_decode_roundtrip,
          keycodec_decode_malformed, keycodec_malformed_values, keycodec_budget_clamp)

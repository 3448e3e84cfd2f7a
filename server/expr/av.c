/*
** server/expr/av.c: small AttributeValue helpers the validator and the
** evaluators share: the type tag, DynamoDB's (Java's) rendering of a value in
** BETWEEN messages, and ordering of S, N and B values.
**
** Ordering follows DynamoDB: numbers numerically (exact, number.h), strings by
** their UTF-8 bytes, binaries by their decoded bytes, unsigned.
*/
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number.h"
#include "value.h"

static const char *const type_tags[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};

const char *expr__av_type(const json_t *av) {
  if (!json_is_object(av)) return NULL;
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)av, k, v) {
    for (size_t i = 0; i < sizeof type_tags / sizeof type_tags[0]; i++)
      if (strcmp(k, type_tags[i]) == 0) return type_tags[i];
  }
  return NULL;
}

char *expr__av_brief(struct arena *a, const json_t *av) {
  const char *t = expr__av_type(av);
  if (!t) return arena_strdup(a, "{}");
  const json_t *v = json_object_get(av, t);
  if (strcmp(t, "B") == 0) {
    /* DynamoDB prints the ByteBuffer object, not its contents. */
    size_t n = 0;
    unsigned char *bytes = value_b64_decode(json_string_value(v), json_string_length(v), &n);
    free(bytes);
    return arena_printf(a, "{B:java.nio.HeapByteBuffer[pos=0 lim=%zu cap=%zu]}", n, n);
  }
  if (json_is_string(v)) return arena_printf(a, "{%s:%s}", t, json_string_value(v));
  char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  char *out = arena_printf(a, "{%s:%s}", t, dump ? dump : "");
  free(dump);
  return out;
}

/* java.lang.String.hashCode over the UTF-16 code units of s[0..len). */
uint32_t expr__java_hash(const char *s, size_t len) {
  const unsigned char *z = (const unsigned char *)s, *end = z + len;
  uint32_t h = 0;
  while (z < end) {
    uint32_t cp;
    size_t n = 1, avail = (size_t)(end - z);
    if (z[0] < 0x80) {
      cp = z[0];
    } else if ((z[0] & 0xE0) == 0xC0 && avail >= 2 && (z[1] & 0xC0) == 0x80) {
      cp = (z[0] & 0x1Fu) << 6 | (z[1] & 0x3Fu);
      n = 2;
    } else if ((z[0] & 0xF0) == 0xE0 && avail >= 3 && (z[1] & 0xC0) == 0x80 && (z[2] & 0xC0) == 0x80) {
      cp = (z[0] & 0x0Fu) << 12 | (z[1] & 0x3Fu) << 6 | (z[2] & 0x3Fu);
      n = 3;
    } else if ((z[0] & 0xF8) == 0xF0 && avail >= 4 && (z[1] & 0xC0) == 0x80 && (z[2] & 0xC0) == 0x80 &&
               (z[3] & 0xC0) == 0x80) {
      cp = (z[0] & 0x07u) << 18 | (z[1] & 0x3Fu) << 12 | (z[2] & 0x3Fu) << 6 | (z[3] & 0x3Fu);
      n = 4;
    } else {
      cp = z[0];
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
    z += n;
  }
  return h;
}

/* The bucket of a key in a java.util.HashMap of capacity cap (a power of 2). */
uint32_t expr__java_bucket(uint32_t hash, uint32_t cap) { return (hash ^ (hash >> 16)) & (cap - 1); }

/* The capacity of a HashMap that received n keys one by one. */
uint32_t expr__java_capacity(size_t n) {
  uint32_t cap = 16;
  while ((double)n > 0.75 * cap) cap *= 2;
  return cap;
}

static int cmp_bytes(const unsigned char *x, size_t xn, const unsigned char *y, size_t yn) {
  size_t n = xn < yn ? xn : yn;
  int c = n ? memcmp(x, y, n) : 0;
  if (c) return c < 0 ? -1 : 1;
  return xn < yn ? -1 : xn > yn;
}

int expr__av_compare(const json_t *x, const json_t *y, bool *ok) {
  const char *tx = expr__av_type(x), *ty = expr__av_type(y);
  *ok = false;
  if (!tx || !ty || strcmp(tx, ty) != 0) return 0;
  const json_t *vx = json_object_get(x, tx), *vy = json_object_get(y, ty);
  if (!json_is_string(vx) || !json_is_string(vy)) return 0;
  if (strcmp(tx, "N") == 0) {
    struct ddb_num a, b;
    if (num_parse(json_string_value(vx), json_string_length(vx), &a) != NUM_OK ||
        num_parse(json_string_value(vy), json_string_length(vy), &b) != NUM_OK)
      return 0;
    *ok = true;
    int c = num_cmp(&a, &b);
    return c < 0 ? -1 : c > 0;
  }
  if (strcmp(tx, "S") == 0) {
    *ok = true;
    return cmp_bytes((const unsigned char *)json_string_value(vx), json_string_length(vx),
                     (const unsigned char *)json_string_value(vy), json_string_length(vy));
  }
  if (strcmp(tx, "B") == 0) {
    size_t nx = 0, ny = 0;
    unsigned char *bx = value_b64_decode(json_string_value(vx), json_string_length(vx), &nx);
    unsigned char *by = value_b64_decode(json_string_value(vy), json_string_length(vy), &ny);
    int c = 0;
    if (bx && by) {
      *ok = true;
      c = cmp_bytes(bx, nx, by, ny);
    }
    free(bx);
    free(by);
    return c;
  }
  return 0;
}

/*
** instrument/jsonw.c: a small append-only JSON writer.
**
** The audit record is written for every request, so it is built as text in a
** reused buffer rather than as a jansson tree: no allocation once the buffer
** has grown, and escaping in one pass. See struct jw in internal.h.
*/
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void jw_grow(struct jw *w, size_t extra) {
  if (w->len + extra + 1 <= w->cap) return;
  size_t cap = w->cap ? w->cap : 1024;
  while (cap < w->len + extra + 1) cap *= 2;
  char *b = realloc(w->buf, cap);
  if (!b) abort();
  w->buf = b;
  w->cap = cap;
}

#define grow jw_grow

void jw_reset(struct jw *w) {
  w->len = 0;
  w->comma = false;
  if (w->buf) w->buf[0] = 0;
}

void jw_free(struct jw *w) {
  free(w->buf);
  memset(w, 0, sizeof *w);
}

static void sep(struct jw *w) {
  if (w->comma) jw_raw(w, ",", 1);
}

void jw_obj(struct jw *w) {
  sep(w);
  jw_raw(w, "{", 1);
  w->comma = false;
}

void jw_obj_end(struct jw *w) {
  jw_raw(w, "}", 1);
  w->comma = true;
}

void jw_arr(struct jw *w) {
  sep(w);
  jw_raw(w, "[", 1);
  w->comma = false;
}

void jw_arr_end(struct jw *w) {
  jw_raw(w, "]", 1);
  w->comma = true;
}

/* 1 for the bytes JSON strings must escape: controls, '"' and '\\'. */
static const unsigned char escape_table[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, ['\\'] = 1};
#define needs_escape(c) escape_table[c]

void jw_str(struct jw *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  sep(w);
  grow(w, n + 2);
  w->buf[w->len++] = '"';
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && !needs_escape((unsigned char)s[j])) j++;
    memcpy(w->buf + w->len, s + i, j - i); /* fits: grown for n + 2 */
    w->len += j - i;
    if (j == n) break;
    unsigned char c = (unsigned char)s[j];
    grow(w, 6 + (n - j));
    w->buf[w->len++] = '\\';
    switch (c) {
    case '"': w->buf[w->len++] = '"'; break;
    case '\\': w->buf[w->len++] = '\\'; break;
    case '\n': w->buf[w->len++] = 'n'; break;
    case '\r': w->buf[w->len++] = 'r'; break;
    case '\t': w->buf[w->len++] = 't'; break;
    default:
      w->buf[w->len++] = 'u';
      w->buf[w->len++] = '0';
      w->buf[w->len++] = '0';
      w->buf[w->len++] = hex[c >> 4];
      w->buf[w->len++] = hex[c & 15];
    }
    i = j + 1;
  }
  w->buf[w->len++] = '"';
  w->buf[w->len] = 0;
  w->comma = true;
}

void jw_safe(struct jw *w, const char *s, size_t n) {
  sep(w);
  if (w->len + n + 3 > w->cap) grow(w, n + 2);
  char *p = w->buf + w->len;
  *p++ = '"';
  memcpy(p, s, n);
  p += n;
  *p++ = '"';
  *p = 0;
  w->len = (size_t)(p - w->buf);
  w->comma = true;
}

void jw_cstr(struct jw *w, const char *s) {
  if (s) jw_str(w, s, strlen(s));
  else jw_null(w);
}

/* Decimal digits of v into the end of b (no sign); returns the start. */
static char *digits(unsigned long long v, char *end) {
  do {
    *--end = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return end;
}

void jw_int(struct jw *w, long long v) {
  char b[24], *end = b + sizeof b, *p;
  p = digits(v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, end);
  if (v < 0) *--p = '-';
  sep(w);
  jw_raw(w, p, (size_t)(end - p));
  w->comma = true;
}

/* Fixed point with three decimals, trailing zeros dropped ("0.125", "3"). */
void jw_num(struct jw *w, double v) {
  if (!(v > -9e15 && v < 9e15)) { /* NaN, infinities and huge values: no JSON number */
    jw_null(w);
    return;
  }
  char b[40], *end = b + sizeof b, *p = end;
  bool neg = v < 0;
  unsigned long long milli = (unsigned long long)((neg ? -v : v) * 1000.0 + 0.5);
  unsigned frac = (unsigned)(milli % 1000);
  if (frac) {
    int keep = frac % 100 == 0 ? 1 : frac % 10 == 0 ? 2 : 3;
    for (int i = 3; i > keep; i--) frac /= 10;
    for (int i = 0; i < keep; i++, frac /= 10) *--p = (char)('0' + frac % 10);
    *--p = '.';
  }
  p = digits(milli / 1000, p);
  if (neg && (milli)) *--p = '-';
  sep(w);
  jw_raw(w, p, (size_t)(end - p));
  w->comma = true;
}

void jw_bool(struct jw *w, bool v) {
  sep(w);
  jw_raw(w, v ? "true" : "false", v ? 4 : 5);
  w->comma = true;
}

void jw_null(struct jw *w) {
  sep(w);
  jw_raw(w, "null", 4);
  w->comma = true;
}

static int dump_cb(const char *buf, size_t size, void *data) {
  jw_raw(data, buf, size);
  return 0;
}

void jw_json(struct jw *w, const json_t *v) {
  if (!v) {
    jw_null(w);
    return;
  }
  sep(w);
  json_dump_callback(v, dump_cb, w, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
  w->comma = true;
}

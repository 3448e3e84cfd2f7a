/*
** instrument/jsonw.c: a small append-only JSON writer.
**
** The audit record is written for every request, so it is built as text in a
** reused buffer rather than as a jansson tree: no allocation once the buffer
** has grown, and escaping in one pass. See struct jw in internal.h.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void grow(struct jw *w, size_t extra) {
  if (w->len + extra + 1 <= w->cap) return;
  size_t cap = w->cap ? w->cap : 1024;
  while (cap < w->len + extra + 1) cap *= 2;
  char *b = realloc(w->buf, cap);
  if (!b) abort();
  w->buf = b;
  w->cap = cap;
}

void jw_reset(struct jw *w) {
  w->len = 0;
  w->comma = false;
  if (w->buf) w->buf[0] = 0;
}

void jw_free(struct jw *w) {
  free(w->buf);
  memset(w, 0, sizeof *w);
}

void jw_raw(struct jw *w, const char *s, size_t n) {
  grow(w, n);
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = 0;
}

static void sep(struct jw *w) {
  if (w->comma) jw_raw(w, ",", 1);
}

void jw_key(struct jw *w, const char *key) {
  size_t n = strlen(key);
  sep(w);
  grow(w, n + 3);
  w->buf[w->len++] = '"';
  memcpy(w->buf + w->len, key, n);
  w->len += n;
  w->buf[w->len++] = '"';
  w->buf[w->len++] = ':';
  w->buf[w->len] = 0;
  w->comma = false;
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

void jw_str(struct jw *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  sep(w);
  grow(w, n + 2);
  w->buf[w->len++] = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') {
      if (w->len + 2 >= w->cap) grow(w, 8);
      w->buf[w->len++] = (char)c;
      continue;
    }
    grow(w, 6);
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
  }
  grow(w, 1);
  w->buf[w->len++] = '"';
  w->buf[w->len] = 0;
  w->comma = true;
}

void jw_cstr(struct jw *w, const char *s) {
  if (s) jw_str(w, s, strlen(s));
  else jw_null(w);
}

void jw_int(struct jw *w, long long v) {
  char b[24];
  int n = snprintf(b, sizeof b, "%lld", v);
  sep(w);
  jw_raw(w, b, (size_t)n);
  w->comma = true;
}

void jw_num(struct jw *w, double v) {
  char b[40];
  long long whole = (long long)v;
  int n;
  if ((double)whole == v) n = snprintf(b, sizeof b, "%lld", whole);
  else n = snprintf(b, sizeof b, "%.3f", v);
  sep(w);
  jw_raw(w, b, (size_t)n);
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

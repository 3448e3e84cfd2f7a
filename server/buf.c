/*
** server/buf.c: a growing byte buffer (see buf.h).
*/
#include "buf.h"

#include <stdlib.h>

void buf_append(struct buf *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) abort();
    b->p = q;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = 0;
}

void buf_uint(struct buf *b, size_t v) {
  char tmp[24];
  size_t n = sizeof tmp;
  do tmp[--n] = (char)('0' + v % 10);
  while (v /= 10);
  buf_append(b, tmp + n, sizeof tmp - n);
}

char *buf_take(struct buf *b, size_t *len) {
  if (!b->p) buf_append(b, "", 0);
  char *p = b->p;
  if (len) *len = b->len;
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

void buf_reset(struct buf *b, size_t keep) {
  b->len = 0;
  if (b->cap > keep) {
    free(b->p);
    b->p = NULL;
    b->cap = 0;
  } else if (b->p) {
    b->p[0] = 0;
  }
}

void buf_free(struct buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/*
** server/buf.h: a growing byte buffer (curl's dynbuf, h2o's buffer).
**
** The bytes are malloc'd and always NUL-terminated after len (so text can be
** used as a C string), and may contain NULs. buf_take() hands the bytes to the
** caller, who frees them; buf_free() drops them. Out of memory aborts.
*/
#ifndef DDB_BUF_H
#define DDB_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
  char *p;         /* NULL until the first append */
  size_t len, cap; /* bytes used; bytes allocated */
};

/* Append n bytes of p. */
void buf_append(struct buf *b, const void *p, size_t n);
/* Append a C string. */
static inline void buf_str(struct buf *b, const char *s) { buf_append(b, s, strlen(s)); }
/* Append the decimal digits of v. */
void buf_uint(struct buf *b, size_t v);
/* The bytes (caller frees), and an empty buffer. Never NULL. */
char *buf_take(struct buf *b, size_t *len);
/* Forget the contents but keep up to keep bytes allocated for reuse. */
void buf_reset(struct buf *b, size_t keep);
void buf_free(struct buf *b);

#endif

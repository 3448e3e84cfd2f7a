/*
** server/arena.c: per-request bump allocator (see arena.h).
*/
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 16384
#define ARENA_ALIGN 16

struct arena_chunk {
  struct arena_chunk *next;
  size_t size, used;
  _Alignas(ARENA_ALIGN) unsigned char mem[];
};

struct arena_link {
  struct arena_link *next;
  json_t *value;
};

void arena_init(struct arena *a) { memset(a, 0, sizeof *a); }

static struct arena_chunk *chunk_new(size_t min, struct arena_chunk *next) {
  size_t size = min > ARENA_CHUNK ? min : ARENA_CHUNK;
  struct arena_chunk *c = malloc(sizeof *c + size);
  if (!c) abort();
  c->next = next;
  c->size = size;
  c->used = 0;
  return c;
}

void *arena_alloc(struct arena *a, size_t size) {
  size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (size == 0) size = ARENA_ALIGN;
  struct arena_chunk *c = a->head;
  if (!c || c->size - c->used < size) {
    if (size > ARENA_CHUNK / 4 && c) {
      /* A big block gets its own chunk behind the current one, so the
      ** current chunk's free space is not wasted. */
      struct arena_chunk *big = chunk_new(size, c->next);
      c->next = big;
      big->used = size;
      memset(big->mem, 0, size);
      a->used_total += size;
      return big->mem;
    }
    c = a->head = chunk_new(size, c);
  }
  void *p = c->mem + c->used;
  c->used += size;
  a->used_total += size;
  memset(p, 0, size);
  return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t size) {
  void *q = arena_alloc(a, size);
  if (size) memcpy(q, p, size);
  return q;
}

char *arena_strndup(struct arena *a, const char *p, size_t size) {
  char *q = arena_alloc(a, size + 1);
  if (size) memcpy(q, p, size);
  q[size] = 0;
  return q;
}

char *arena_strdup(struct arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(struct arena *a, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
  if (n > 0) vsnprintf(s, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

json_t *arena_link_json(struct arena *a, json_t *v) {
  if (!v) return v;
  struct arena_link *l = arena_alloc(a, sizeof *l);
  l->value = v;
  l->next = a->links;
  a->links = l;
  return v;
}

void arena_clear(struct arena *a) {
  for (struct arena_link *l = a->links; l; l = l->next) json_decref(l->value);
  a->links = NULL;
  struct arena_chunk *c = a->head;
  if (!c) return;
  /* Keep the chain's last chunk (the first one allocated) if it is a standard
  ** one, for the next request; free the rest. */
  struct arena_chunk *keep = NULL;
  while (c) {
    struct arena_chunk *next = c->next;
    if (!next && c->size == ARENA_CHUNK)
      keep = c;
    else
      free(c);
    c = next;
  }
  if (keep) {
    keep->used = 0;
    keep->next = NULL;
  }
  a->head = keep;
  a->used_total = 0;
}

void arena_free(struct arena *a) {
  arena_clear(a);
  free(a->head);
  a->head = NULL;
}

/*
** server/arena.h: a per-request bump allocator (h2o's req->pool).
**
** Everything a request allocates for its own use (parsed expressions, key
** buffers, copies of stored items) comes from its arena and is freed at once
** by arena_clear() when the response has been written. jansson values can be
** tied to the arena with arena_link_json(): they are decref'd at clear.
*/
#ifndef DDB_ARENA_H
#define DDB_ARENA_H

#include <stddef.h>
#include <jansson.h>

struct arena_chunk;
struct arena_link;

struct arena {
  struct arena_chunk *head; /* current chunk, older ones chained behind */
  struct arena_link *links; /* json values to decref at clear */
  size_t used_total;        /* bytes handed out since the last clear */
};

void arena_init(struct arena *a);
/* Zeroed memory, aligned for any type. Never returns NULL (aborts on OOM). */
void *arena_alloc(struct arena *a, size_t size);
void *arena_memdup(struct arena *a, const void *p, size_t size);
/* A NUL-terminated copy of p[0..size). */
char *arena_strndup(struct arena *a, const char *p, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Steals the reference: v is decref'd at the next arena_clear. Returns v. */
json_t *arena_link_json(struct arena *a, json_t *v);
/* Free everything; keeps the first chunk for reuse. */
void arena_clear(struct arena *a);
void arena_free(struct arena *a);

#endif

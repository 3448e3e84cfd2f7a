/*
** instrument/state.c: the containers detector state lives in: string-keyed
** maps with bounded size, sliding windows of event times, bounded rings of
** records, and lists of compiled regular expressions.
*/
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*--------------------------------- Maps ------------------------------------*/

struct inst_map_entry {
  struct inst_map_entry *next;
  uint64_t hash;
  char *key;
  _Alignas(max_align_t) unsigned char payload[];
};

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ull;
  }
  return h;
}

void inst_map_init(struct inst_map *m, size_t payload_size, size_t max,
                   void (*free_payload)(void *)) {
  memset(m, 0, sizeof *m);
  m->payload_size = payload_size;
  m->max = max ? max : 4096;
  m->free_payload = free_payload;
}

void *inst_map_get(const struct inst_map *m, const char *key) {
  if (!m->nbuckets || !key) return NULL;
  uint64_t h = hash_str(key);
  for (struct inst_map_entry *e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
    if (e->hash == h && strcmp(e->key, key) == 0) return e->payload;
  return NULL;
}

static void rehash(struct inst_map *m, size_t nb) {
  struct inst_map_entry **b = calloc(nb, sizeof *b);
  if (!b) abort();
  for (size_t i = 0; i < m->nbuckets; i++) {
    struct inst_map_entry *e = m->buckets[i], *next;
    for (; e; e = next) {
      next = e->next;
      e->next = b[e->hash & (nb - 1)];
      b[e->hash & (nb - 1)] = e;
    }
  }
  free(m->buckets);
  m->buckets = b;
  m->nbuckets = nb;
}

void *inst_map_put(struct inst_map *m, const char *key) {
  void *p = inst_map_get(m, key);
  if (p) return p;
  if (m->count >= m->max) inst_map_clear(m);
  if (!m->nbuckets || m->count + 1 > m->nbuckets / 4 * 3)
    rehash(m, m->nbuckets ? m->nbuckets * 2 : 16);
  struct inst_map_entry *e = calloc(1, sizeof *e + m->payload_size);
  if (!e) abort();
  e->hash = hash_str(key);
  e->key = strdup(key);
  if (!e->key) abort();
  e->next = m->buckets[e->hash & (m->nbuckets - 1)];
  m->buckets[e->hash & (m->nbuckets - 1)] = e;
  m->count++;
  return e->payload;
}

void inst_map_clear(struct inst_map *m) {
  for (size_t i = 0; i < m->nbuckets; i++) {
    struct inst_map_entry *e = m->buckets[i], *next;
    for (; e; e = next) {
      next = e->next;
      if (m->free_payload) m->free_payload(e->payload);
      free(e->key);
      free(e);
    }
    m->buckets[i] = NULL;
  }
  m->count = 0;
}

void inst_map_free(struct inst_map *m) {
  inst_map_clear(m);
  free(m->buckets);
  m->buckets = NULL;
  m->nbuckets = 0;
}

void inst_map_each(const struct inst_map *m, void (*fn)(const char *, void *, void *), void *arg) {
  for (size_t i = 0; i < m->nbuckets; i++)
    for (struct inst_map_entry *e = m->buckets[i]; e; e = e->next) fn(e->key, e->payload, arg);
}

/*-------------------------------- Windows ----------------------------------*/

int inst_window_hit(struct inst_window *w, double now, double span) {
  w->t[(w->head + w->n) % INST_WINDOW_MAX] = now;
  if (w->n < INST_WINDOW_MAX) w->n++;
  else w->head = (w->head + 1) % INST_WINDOW_MAX;
  /* Forget what fell out of the window. */
  while (w->n && w->t[w->head] <= now - span) {
    w->head = (w->head + 1) % INST_WINDOW_MAX;
    w->n--;
  }
  return w->n;
}

void inst_window_reset(struct inst_window *w) {
  w->head = 0;
  w->n = 0;
}

/*--------------------------------- Rings -----------------------------------*/

void inst_ring_init(struct inst_ring *r, size_t cap, void (*free_slot)(void *)) {
  memset(r, 0, sizeof *r);
  r->cap = cap ? cap : 1;
  r->slots = calloc(r->cap, sizeof *r->slots);
  if (!r->slots) abort();
  r->free_slot = free_slot;
}

void inst_ring_push(struct inst_ring *r, void *item) {
  if (r->count == r->cap) {
    r->free_slot(r->slots[r->head]);
    r->slots[r->head] = item;
    r->head = (r->head + 1) % r->cap;
    return;
  }
  r->slots[(r->head + r->count) % r->cap] = item;
  r->count++;
}

void **inst_ring_recycle(struct inst_ring *r) {
  if (r->count < r->cap) return NULL;
  void **slot = &r->slots[r->head];
  r->head = (r->head + 1) % r->cap; /* the oldest becomes the newest */
  return slot;
}

void *inst_ring_at(const struct inst_ring *r, size_t i) {
  return i < r->count ? r->slots[(r->head + i) % r->cap] : NULL;
}

void inst_ring_clear(struct inst_ring *r) {
  for (size_t i = 0; i < r->count; i++) r->free_slot(r->slots[(r->head + i) % r->cap]);
  r->head = 0;
  r->count = 0;
}

void inst_ring_free(struct inst_ring *r) {
  if (!r->slots) return;
  inst_ring_clear(r);
  free(r->slots);
  r->slots = NULL;
}

/*--------------------------- Regular expressions ---------------------------*/

bool inst_regexes_match(const struct inst_regexes *r, const char *s) {
  if (!s) return false;
  for (size_t i = 0; i < r->n; i++)
    if (regexec(&r->re[i], s, 0, NULL, 0) == 0) return true;
  return false;
}

void inst_regexes_free(struct inst_regexes *r) {
  for (size_t i = 0; i < r->n; i++) {
    regfree(&r->re[i]);
    free(r->src[i]);
  }
  free(r->re);
  free(r->src);
  memset(r, 0, sizeof *r);
}

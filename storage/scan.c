/*
** storage/scan.c: range cursors over an items or index DBI (see store.h).
**
** A Query reads one partition: the keys that start with its partition prefix,
** narrowed by the sort-key condition; a Scan segment reads the keys whose
** 4-byte hash lies in the segment's range. Both are one contiguous key range
** [lo, hi), read forwards or backwards with an LMDB cursor, so the cost of a
** page depends on what it reads, never on the size of the table.
*/
#include "store_internal.h"

#include <string.h>

#define REC_HEADER 4

/* memcmp order of byte strings, a proper prefix sorting first (LMDB's order). */
static int key_cmp(const void *a, size_t alen, const void *b, size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  if (c) return c;
  return alen < blen ? -1 : alen > blen;
}

int store_cursor_open(struct store_txn *t, MDB_dbi dbi, const uint8_t *lo, size_t lolen,
                      const uint8_t *hi, size_t hilen, bool reverse, struct store_cursor *c,
                      struct ddb_err *e) {
  memset(c, 0, sizeof *c);
  c->lo = lo;
  c->lolen = lolen;
  c->hi = hi;
  c->hilen = hilen;
  c->reverse = reverse;
  int rc = mdb_cursor_open(t->txn, dbi, &c->cur);
  if (rc) {
    c->cur = NULL;
    return store__fail(e, "open cursor", rc);
  }
  return 0;
}

/* Position on the first record of the range in the cursor's direction. */
static int first(struct store_cursor *c, MDB_val *k, MDB_val *v) {
  if (!c->reverse) {
    if (!c->lo) return mdb_cursor_get(c->cur, k, v, MDB_FIRST);
    k->mv_size = c->lolen;
    k->mv_data = (void *)c->lo;
    return mdb_cursor_get(c->cur, k, v, MDB_SET_RANGE);
  }
  if (!c->hi) return mdb_cursor_get(c->cur, k, v, MDB_LAST);
  k->mv_size = c->hilen;
  k->mv_data = (void *)c->hi;
  int rc = mdb_cursor_get(c->cur, k, v, MDB_SET_RANGE);
  if (rc == 0) return mdb_cursor_get(c->cur, k, v, MDB_PREV);
  if (rc == MDB_NOTFOUND) return mdb_cursor_get(c->cur, k, v, MDB_LAST);
  return rc;
}

int store_cursor_next(struct store_cursor *c, MDB_val *key, struct item_rec *rec,
                      struct ddb_err *e) {
  if (c->done || !c->cur) return 1;
  MDB_val k = {0, NULL}, v;
  int rc;
  if (!c->started) {
    c->started = true;
    rc = first(c, &k, &v);
  } else {
    rc = mdb_cursor_get(c->cur, &k, &v, c->reverse ? MDB_PREV : MDB_NEXT);
  }
  if (rc == MDB_NOTFOUND) {
    c->done = true;
    return 1;
  }
  if (rc) return store__fail(e, "read cursor", rc);
  if ((!c->reverse && c->hi && key_cmp(k.mv_data, k.mv_size, c->hi, c->hilen) >= 0) ||
      (c->reverse && c->lo && key_cmp(k.mv_data, k.mv_size, c->lo, c->lolen) < 0)) {
    c->done = true;
    return 1;
  }
  if (v.mv_size < REC_HEADER) return ddb_fail(e, DDB_INTERNAL, "damaged record");
  const unsigned char *p = v.mv_data;
  rec->size = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  rec->json = (const char *)p + REC_HEADER;
  rec->json_len = v.mv_size - REC_HEADER;
  *key = k;
  return 0;
}

void store_cursor_close(struct store_cursor *c) {
  if (c->cur) mdb_cursor_close(c->cur);
  c->cur = NULL;
  c->done = true;
}

size_t store_key_successor(const uint8_t *prefix, size_t n, uint8_t *out) {
  while (n > 0 && prefix[n - 1] == 0xFF) n--;
  if (n == 0) return 0;
  memmove(out, prefix, n);
  out[n - 1]++;
  return n;
}

/*
** storage/items.c: item records in a table's items DBI (see store.h).
*/
#include "store_internal.h"

#include <string.h>

#include "keycodec.h"

#define REC_HEADER 4

size_t items_key(const struct table *tbl, const json_t *item_or_key, uint8_t *out) {
  const json_t *pk = json_object_get(item_or_key, tbl->pk);
  char pkt[2] = {tbl->pk_type, 0};
  const json_t *pkv = json_object_get(pk, pkt);
  const json_t *skv = NULL;
  if (tbl->sk_type) {
    char skt[2] = {tbl->sk_type, 0};
    skv = json_object_get(json_object_get(item_or_key, tbl->sk), skt);
  }
  return keycodec_item_key(tbl->pk_type, pkv, tbl->sk_type, skv, out);
}

static void rec_decode(const MDB_val *v, struct item_rec *rec) {
  const unsigned char *p = v->mv_data;
  rec->size = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  rec->json = (const char *)p + REC_HEADER;
  rec->json_len = v->mv_size - REC_HEADER;
}

int items_get(struct store_txn *t, const struct table *tbl, const uint8_t *key, size_t klen,
              struct item_rec *rec, struct ddb_err *e) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(t->txn, tbl->items, &k, &v);
  if (rc == MDB_NOTFOUND) return 1;
  if (rc) return store__fail(e, "read item", rc);
  if (v.mv_size < REC_HEADER) return ddb_fail(e, DDB_INTERNAL, "damaged item record");
  rec_decode(&v, rec);
  return 0;
}

/* Parse a stored item (new reference; NULL if the record is damaged). */
static json_t *parse_rec(const struct item_rec *rec) {
  return json_loadb(rec->json, rec->json_len, JSON_ALLOW_NUL, NULL);
}

int items_put(struct store_txn *t, struct table *tbl, const uint8_t *key, size_t klen,
              const char *json, size_t json_len, uint32_t size, struct ddb_err *e) {
  MDB_val k = {klen, (void *)key}, v;
  int64_t delta = size;
  json_t *old_item = NULL, *new_item = NULL;
  bool indexed = tbl->nindexes > 0 || tbl->has_lsi;
  int rc = mdb_get(t->txn, tbl->items, &k, &v);
  if (rc == 0 && v.mv_size >= REC_HEADER) {
    struct item_rec old;
    rec_decode(&v, &old);
    delta -= old.size;
    /* Parsed now: the put below may move the old record. */
    if (indexed) old_item = parse_rec(&old);
  } else if (rc != MDB_NOTFOUND && rc != 0) {
    return store__fail(e, "read item", rc);
  }
  if (indexed) {
    new_item = json_loadb(json, json_len, JSON_ALLOW_NUL, NULL);
    if (!new_item) rc = ddb_fail(e, DDB_INTERNAL, "unreadable item");
    else rc = index_check_item(tbl, new_item, e);
    if (rc) {
      json_decref(old_item);
      json_decref(new_item);
      return -1;
    }
  }
  v.mv_size = REC_HEADER + json_len;
  v.mv_data = NULL;
  rc = mdb_put(t->txn, tbl->items, &k, &v, MDB_RESERVE);
  if (rc) {
    json_decref(old_item);
    json_decref(new_item);
    return store__fail(e, "write item", rc);
  }
  unsigned char *p = v.mv_data;
  p[0] = size & 0xff;
  p[1] = (size >> 8) & 0xff;
  p[2] = (size >> 16) & 0xff;
  p[3] = (size >> 24) & 0xff;
  memcpy(p + REC_HEADER, json, json_len);
  store__add_size(t, tbl, delta);
  if (indexed) {
    rc = index__apply(t, tbl, old_item, new_item, json, json_len, size, delta, e);
    json_decref(old_item);
    json_decref(new_item);
    if (rc) return -1;
  }
  return 0;
}

int items_delete(struct store_txn *t, struct table *tbl, const uint8_t *key, size_t klen,
                 struct ddb_err *e) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(t->txn, tbl->items, &k, &v);
  if (rc == MDB_NOTFOUND) return 1;
  if (rc) return store__fail(e, "read item", rc);
  if (v.mv_size < REC_HEADER) return ddb_fail(e, DDB_INTERNAL, "damaged item record");
  struct item_rec old;
  rec_decode(&v, &old);
  json_t *old_item = tbl->nindexes > 0 ? parse_rec(&old) : NULL;
  uint32_t old_size = old.size;
  rc = mdb_del(t->txn, tbl->items, &k, NULL);
  if (rc) {
    json_decref(old_item);
    return store__fail(e, "delete item", rc);
  }
  store__add_size(t, tbl, -(int64_t)old_size);
  if (old_item) {
    rc = index__apply(t, tbl, old_item, NULL, NULL, 0, 0, -(int64_t)old_size, e);
    json_decref(old_item);
    if (rc) return -1;
  }
  return 0;
}

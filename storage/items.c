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

int items_put(struct store_txn *t, struct table *tbl, const uint8_t *key, size_t klen,
              const char *json, size_t json_len, uint32_t size, struct ddb_err *e) {
  MDB_val k = {klen, (void *)key}, v;
  int64_t delta = size;
  int rc = mdb_get(t->txn, tbl->items, &k, &v);
  if (rc == 0 && v.mv_size >= REC_HEADER) {
    struct item_rec old;
    rec_decode(&v, &old);
    delta -= old.size;
  } else if (rc != MDB_NOTFOUND && rc != 0) {
    return store__fail(e, "read item", rc);
  }
  v.mv_size = REC_HEADER + json_len;
  v.mv_data = NULL;
  rc = mdb_put(t->txn, tbl->items, &k, &v, MDB_RESERVE);
  if (rc) return store__fail(e, "write item", rc);
  unsigned char *p = v.mv_data;
  p[0] = size & 0xff;
  p[1] = (size >> 8) & 0xff;
  p[2] = (size >> 16) & 0xff;
  p[3] = (size >> 24) & 0xff;
  memcpy(p + REC_HEADER, json, json_len);
  store__add_size(t, tbl, delta);
  return 0;
}

int items_delete(struct store_txn *t, struct table *tbl, const uint8_t *key, size_t klen,
                 struct ddb_err *e) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(t->txn, tbl->items, &k, &v);
  if (rc == MDB_NOTFOUND) return 1;
  if (rc) return store__fail(e, "read item", rc);
  struct item_rec old;
  rec_decode(&v, &old);
  rc = mdb_del(t->txn, tbl->items, &k, NULL);
  if (rc) return store__fail(e, "delete item", rc);
  store__add_size(t, tbl, -(int64_t)old.size);
  return 0;
}

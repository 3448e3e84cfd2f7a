/*
** storage/catalog.c: table descriptions and the in-memory catalog cache.
**
** A catalog record is {"id": <u64>, "table": <description>} where the
** description holds what DescribeTable needs that does not change with the
** data (TableName, TableId, KeySchema, AttributeDefinitions, billing, indexes,
** CreationDateTime...). Item counts and sizes are live figures, not stored here.
*/
#include "store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned name_bucket(const char *name) {
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 16777619u;
  return h % CATALOG_BUCKETS;
}

struct table *catalog_find(struct store *s, const char *name) {
  if (!name) return NULL;
  for (struct table *t = s->buckets[name_bucket(name)]; t; t = t->hash_next)
    if (strcmp(t->name, name) == 0) return t;
  return NULL;
}

void catalog__insert(struct store *s, struct table *tbl) {
  unsigned b = name_bucket(tbl->name);
  tbl->hash_next = s->buckets[b];
  s->buckets[b] = tbl;
  s->ntables++;
}

void catalog__remove(struct store *s, struct table *tbl) {
  for (struct table **pp = &s->buckets[name_bucket(tbl->name)]; *pp; pp = &(*pp)->hash_next)
    if (*pp == tbl) {
      *pp = tbl->hash_next;
      s->ntables--;
      catalog__free_table(tbl);
      return;
    }
}

void catalog__free_table(struct table *tbl) {
  if (!tbl) return;
  free(tbl->name);
  free(tbl->indexes);
  json_decref(tbl->desc);
  free(tbl);
}

void catalog__free(struct store *s) {
  for (int b = 0; b < CATALOG_BUCKETS; b++) {
    struct table *t = s->buckets[b];
    while (t) {
      struct table *next = t->hash_next;
      catalog__free_table(t);
      t = next;
    }
    s->buckets[b] = NULL;
  }
}

/* Fill tbl's key fields and indexes from its description. Returns 0, or -1 if malformed. */
static int table_keys_from_desc(struct table *tbl) {
  if (index__parse_keys(json_object_get(tbl->desc, "KeySchema"),
                        json_object_get(tbl->desc, "AttributeDefinitions"), tbl->pk, &tbl->pk_type,
                        tbl->sk, &tbl->sk_type))
    return -1;
  return index__from_desc(tbl);
}

/* Open (flags MDB_CREATE: create) the DBI of every index of tbl. */
static int open_index_dbis(MDB_txn *txn, struct table *tbl, unsigned flags) {
  int rc = 0;
  for (int i = 0; i < tbl->nindexes && rc == 0; i++)
    rc = index__open(txn, tbl, &tbl->indexes[i], flags);
  return rc;
}

static int open_items_dbi(MDB_txn *txn, uint64_t id, unsigned flags, MDB_dbi *out) {
  char name[32];
  snprintf(name, sizeof name, "t%" PRIu64, id);
  return mdb_dbi_open(txn, name, flags, out);
}

static int get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *out) {
  MDB_val k = {strlen(key), (void *)key}, v;
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) {
    *out = 0;
    return 0;
  }
  if (rc) return rc;
  if (v.mv_size != 8) return MDB_CORRUPTED;
  memcpy(out, v.mv_data, 8);
  return 0;
}

static int put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t value) {
  MDB_val k = {strlen(key), (void *)key}, v = {8, &value};
  return mdb_put(txn, dbi, &k, &v, 0);
}

int catalog__put_size(struct store_txn *t, struct table *tbl, uint64_t size) {
  char key[40];
  snprintf(key, sizeof key, "size:%" PRIu64, tbl->id);
  return put_u64(t->txn, t->store->meta, key, size);
}

int catalog__load(struct store *s, char *err, size_t errlen) {
  MDB_txn *txn;
  int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, "catalog", MDB_CREATE, &s->catalog);
  if (rc == 0) rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &s->meta);
  MDB_cursor *cur = NULL;
  if (rc == 0) rc = mdb_cursor_open(txn, s->catalog, &cur);
  MDB_val k, v;
  int crc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
  while (rc == 0 && crc == 0) {
    json_error_t jerr;
    json_t *rec = json_loadb(v.mv_data, v.mv_size, 0, &jerr);
    struct table *tbl = calloc(1, sizeof *tbl);
    if (!tbl) abort();
    tbl->name = strndup(k.mv_data, k.mv_size);
    tbl->id = (uint64_t)json_integer_value(json_object_get(rec, "id"));
    tbl->desc = json_incref(json_object_get(rec, "table"));
    json_decref(rec);
    if (!tbl->desc || table_keys_from_desc(tbl) != 0) {
      snprintf(err, errlen, "the catalog entry for table %s is damaged", tbl->name);
      catalog__free_table(tbl);
      rc = MDB_CORRUPTED;
      break;
    }
    rc = open_items_dbi(txn, tbl->id, 0, &tbl->items);
    if (rc == 0) rc = open_index_dbis(txn, tbl, MDB_CREATE);
    char key[40];
    snprintf(key, sizeof key, "size:%" PRIu64, tbl->id);
    if (rc == 0) rc = get_u64(txn, s->meta, key, &tbl->size_bytes);
    if (rc) {
      snprintf(err, errlen, "cannot open the items of table %s: %s", tbl->name, mdb_strerror(rc));
      catalog__free_table(tbl);
      break;
    }
    catalog__insert(s, tbl);
    crc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  if (cur) mdb_cursor_close(cur);
  if (rc == 0) rc = mdb_txn_commit(txn);
  else {
    if (!err[0]) snprintf(err, errlen, "cannot read the catalog: %s", mdb_strerror(rc));
    mdb_txn_abort(txn);
    return -1;
  }
  if (rc) {
    snprintf(err, errlen, "cannot read the catalog: %s", mdb_strerror(rc));
    return -1;
  }
  return 0;
}

/* Write tbl's catalog record {"id": <id>, "table": <description>}. */
static int put_record(struct store_txn *t, const struct table *tbl, unsigned flags) {
  json_t *rec = json_pack("{sI sO}", "id", (json_int_t)tbl->id, "table", tbl->desc);
  char *text = json_dumps(rec, JSON_COMPACT);
  json_decref(rec);
  if (!text) abort();
  MDB_val k = {strlen(tbl->name), tbl->name}, v = {strlen(text), text};
  int rc = mdb_put(t->txn, t->store->catalog, &k, &v, flags);
  free(text);
  return rc;
}

int catalog_create(struct store_txn *t, json_t *desc, struct table **out, struct ddb_err *e) {
  struct store *s = t->store;
  const char *name = json_string_value(json_object_get(desc, "TableName"));
  if (!name) {
    json_decref(desc);
    return ddb_fail(e, DDB_INTERNAL, "table description without a name");
  }
  if (catalog_find(s, name)) {
    json_decref(desc);
    return ddb_fail(e, DDB_RESOURCE_IN_USE, "Table already exists: %s", name);
  }
  struct table *tbl = calloc(1, sizeof *tbl);
  if (!tbl) abort();
  tbl->name = strdup(name);
  tbl->desc = desc;
  if (table_keys_from_desc(tbl) != 0) {
    catalog__free_table(tbl);
    return ddb_fail(e, DDB_INTERNAL, "table description without a usable key schema");
  }
  uint64_t next;
  int rc = get_u64(t->txn, s->meta, "next_id", &next);
  if (rc == 0) {
    tbl->id = next + 1;
    rc = put_u64(t->txn, s->meta, "next_id", tbl->id);
  }
  if (rc == 0) rc = open_items_dbi(t->txn, tbl->id, MDB_CREATE, &tbl->items);
  if (rc == 0) rc = open_index_dbis(t->txn, tbl, MDB_CREATE);
  if (rc == 0) rc = put_record(t, tbl, MDB_NOOVERWRITE);
  if (rc) {
    catalog__free_table(tbl);
    return store__fail(e, "create table", rc);
  }
  t->created = tbl;
  *out = tbl;
  return 0;
}

int catalog_update(struct store_txn *t, struct table *tbl, json_t *desc, struct table **out,
                   struct ddb_err *e) {
  struct table *nt = calloc(1, sizeof *nt);
  if (!nt) abort();
  nt->name = strdup(tbl->name);
  nt->id = tbl->id;
  nt->items = tbl->items;
  nt->size_bytes = tbl->size_bytes;
  nt->desc = desc;
  if (table_keys_from_desc(nt) != 0) {
    catalog__free_table(nt);
    return ddb_fail(e, DDB_INTERNAL, "table description without a usable key schema");
  }
  int rc = 0;
  for (int i = 0; i < nt->nindexes && rc == 0; i++) {
    const struct index *old = catalog_index(tbl, nt->indexes[i].name);
    if (old) nt->indexes[i].dbi = old->dbi;
    else rc = index__open(t->txn, nt, &nt->indexes[i], MDB_CREATE);
  }
  for (int i = 0; i < tbl->nindexes && rc == 0; i++)
    if (!catalog_index(nt, tbl->indexes[i].name)) rc = index__drop(t, tbl, &tbl->indexes[i]);
  if (rc == 0) rc = put_record(t, nt, 0);
  if (rc) {
    catalog__free_table(nt);
    return store__fail(e, "update table", rc);
  }
  catalog__free_table(t->created);
  t->created = nt;
  t->dropped = tbl;
  *out = nt;
  return 0;
}

int catalog_drop(struct store_txn *t, struct table *tbl, struct ddb_err *e) {
  MDB_val k = {strlen(tbl->name), tbl->name};
  int rc = mdb_del(t->txn, t->store->catalog, &k, NULL);
  if (rc == 0) rc = mdb_drop(t->txn, tbl->items, 1);
  if (rc == 0) rc = index__drop_table(t, tbl);
  if (rc == 0) {
    char key[40];
    snprintf(key, sizeof key, "size:%" PRIu64, tbl->id);
    MDB_val sk = {strlen(key), key};
    rc = mdb_del(t->txn, t->store->meta, &sk, NULL);
    if (rc == MDB_NOTFOUND) rc = 0;
  }
  if (rc) return store__fail(e, "delete table", rc);
  t->dropped = tbl;
  return 0;
}

void catalog_each_name(struct store *s, const char *after, int (*fn)(void *, const char *),
                       void *arg) {
  MDB_txn *txn;
  bool own;
  if (store__read_txn(s, &txn, &own)) return;
  MDB_cursor *cur;
  if (mdb_cursor_open(txn, s->catalog, &cur)) {
    store__end_read(s, txn, own);
    return;
  }
  MDB_val k = {0, NULL}, v;
  int rc;
  if (after) {
    k.mv_size = strlen(after);
    k.mv_data = (void *)after;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (rc == 0 && k.mv_size == strlen(after) && memcmp(k.mv_data, after, k.mv_size) == 0)
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  } else {
    rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
  }
  char name[512];
  while (rc == 0) {
    size_t n = k.mv_size < sizeof name - 1 ? k.mv_size : sizeof name - 1;
    memcpy(name, k.mv_data, n);
    name[n] = 0;
    if (fn(arg, name)) break;
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  store__end_read(s, txn, own);
}

uint64_t catalog_item_count(struct store_txn *t, const struct table *tbl) {
  MDB_stat st;
  if (mdb_stat(t->txn, tbl->items, &st)) return 0;
  return st.ms_entries;
}

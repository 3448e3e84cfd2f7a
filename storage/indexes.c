/*
** storage/indexes.c: secondary indexes and item collections (see store.h).
**
** An index is a DBI of the same form as the items DBI. items_put and
** items_delete call index__apply() inside the item's own transaction, which
** brings every index from the old version of the item to the new one and
** records what DynamoDB bills for it:
**   - an entry that appears (new item, or a key attribute now defined) is one
**     write of the entry's size (1 KB units);
**   - an entry that moves (an index key attribute changed) is a delete of the
**     old entry plus a write of the new one;
**   - an entry that disappears (item deleted, key attribute removed) is a
**     delete of the old entry;
**   - an entry whose key stays but whose projected attributes change is one
**     write; an unchanged entry costs nothing.
** (DynamoDB developer guide, "Provisioned throughput considerations for
** Global Secondary Indexes"; DynamoDB Local 1.25 bills the same.)
**
** Meta keys kept here, in the same transaction:
**   "isize:<table id>:<index name>"   sum of the index's entry sizes
**   'c' <table id, 8 bytes BE> <partition prefix>
**                                     size of an item collection (tables with
**                                     an LSI): its items plus LSI entries
*/
#include "store_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keycodec.h"
#include "server/value.h"

#define REC_HEADER 4

/*------------------------------ Definitions --------------------------------*/

static char attr_type(const json_t *defs, const char *name) {
  size_t i;
  json_t *d;
  json_array_foreach(defs, i, d) {
    const char *an = json_string_value(json_object_get(d, "AttributeName"));
    const char *at = json_string_value(json_object_get(d, "AttributeType"));
    if (an && at && strcmp(an, name) == 0) return at[0];
  }
  return 0;
}

int index__parse_keys(const json_t *key_schema, const json_t *defs, char *hash, char *hash_type,
                      char *range, char *range_type) {
  size_t i;
  json_t *k;
  *hash_type = *range_type = 0;
  hash[0] = range[0] = 0;
  json_array_foreach(key_schema, i, k) {
    const char *name = json_string_value(json_object_get(k, "AttributeName"));
    const char *kt = json_string_value(json_object_get(k, "KeyType"));
    if (!name || !kt || strlen(name) >= 256) return -1;
    char type = attr_type(defs, name);
    if (!type) return -1;
    bool is_hash = strcmp(kt, "HASH") == 0;
    strcpy(is_hash ? hash : range, name);
    *(is_hash ? hash_type : range_type) = type;
  }
  return *hash_type ? 0 : -1;
}

/* Fill ix from one LocalSecondaryIndexes / GlobalSecondaryIndexes entry. */
static int index_from_json(struct index *ix, const json_t *j, const json_t *defs, bool global) {
  ix->name = json_string_value(json_object_get(j, "IndexName"));
  ix->global = global;
  const char *status = json_string_value(json_object_get(j, "IndexStatus"));
  ix->status = status && strcmp(status, "CREATING") == 0 ? INDEX_CREATING : INDEX_ACTIVE;
  const json_t *proj = json_object_get(j, "Projection");
  const char *pt = json_string_value(json_object_get(proj, "ProjectionType"));
  ix->proj = !pt || strcmp(pt, "ALL") == 0        ? INDEX_PROJ_ALL
             : strcmp(pt, "KEYS_ONLY") == 0       ? INDEX_PROJ_KEYS_ONLY
                                                  : INDEX_PROJ_INCLUDE;
  ix->non_key = ix->proj == INDEX_PROJ_INCLUDE ? json_object_get(proj, "NonKeyAttributes") : NULL;
  if (!ix->name) return -1;
  return index__parse_keys(json_object_get(j, "KeySchema"), defs, ix->hash, &ix->hash_type,
                           ix->range, &ix->range_type);
}

int index__from_desc(struct table *tbl) {
  free(tbl->indexes);
  tbl->indexes = NULL;
  tbl->nindexes = 0;
  tbl->has_lsi = false;
  const json_t *defs = json_object_get(tbl->desc, "AttributeDefinitions");
  const json_t *lsis = json_object_get(tbl->desc, "LocalSecondaryIndexes");
  const json_t *gsis = json_object_get(tbl->desc, "GlobalSecondaryIndexes");
  size_t n = json_array_size(lsis) + json_array_size(gsis);
  if (!n) return 0;
  tbl->indexes = calloc(n, sizeof *tbl->indexes);
  if (!tbl->indexes) abort();
  const json_t *lists[2] = {lsis, gsis};
  for (int g = 0; g < 2; g++) {
    size_t i;
    json_t *j;
    json_array_foreach(lists[g], i, j) {
      if (index_from_json(&tbl->indexes[tbl->nindexes], j, defs, g == 1)) return -1;
      tbl->nindexes++;
      if (g == 0) tbl->has_lsi = true;
    }
  }
  return 0;
}

struct index *catalog_index(const struct table *tbl, const char *name) {
  for (int i = 0; name && i < tbl->nindexes; i++)
    if (strcmp(tbl->indexes[i].name, name) == 0) return &tbl->indexes[i];
  return NULL;
}

static void dbi_name(const struct table *tbl, const struct index *ix, char *out, size_t n) {
  snprintf(out, n, "t%" PRIu64 ":%s", tbl->id, ix->name);
}

int index__open(MDB_txn *txn, const struct table *tbl, struct index *ix, unsigned flags) {
  char name[300];
  dbi_name(tbl, ix, name, sizeof name);
  return mdb_dbi_open(txn, name, flags, &ix->dbi);
}

/*------------------------------ Meta counters ------------------------------*/

static int meta_get(struct store_txn *t, const void *key, size_t klen, uint64_t *out) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(t->txn, t->store->meta, &k, &v);
  *out = 0;
  if (rc == MDB_NOTFOUND) return 0;
  if (rc) return rc;
  if (v.mv_size != 8) return MDB_CORRUPTED;
  memcpy(out, v.mv_data, 8);
  return 0;
}

/* Add delta to a counter (deleting it when it reaches zero). */
static int meta_add(struct store_txn *t, const void *key, size_t klen, int64_t delta) {
  if (!delta) return 0;
  uint64_t value;
  int rc = meta_get(t, key, klen, &value);
  if (rc) return rc;
  value = delta < 0 && (uint64_t)-delta > value ? 0 : (uint64_t)((int64_t)value + delta);
  MDB_val k = {klen, (void *)key}, v = {8, &value};
  if (value) return mdb_put(t->txn, t->store->meta, &k, &v, 0);
  rc = mdb_del(t->txn, t->store->meta, &k, NULL);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static size_t isize_key(const struct table *tbl, const struct index *ix, char *out, size_t n) {
  return (size_t)snprintf(out, n, "isize:%" PRIu64 ":%s", tbl->id, ix->name);
}

/* 'c' ‖ table id (8 bytes BE) ‖ partition prefix; returns the length, 0 if malformed. */
static size_t collection_key(const struct table *tbl, const json_t *pk_value, uint8_t *out) {
  out[0] = 'c';
  for (int i = 0; i < 8; i++) out[1 + i] = (uint8_t)(tbl->id >> (56 - 8 * i));
  size_t n = keycodec_partition_prefix(tbl->pk_type, pk_value, out + 9);
  return n ? 9 + n : 0;
}

uint64_t items_collection_size(struct store_txn *t, const struct table *tbl,
                               const json_t *pk_value) {
  uint8_t key[9 + KEYCODEC_MAX];
  size_t klen = tbl->has_lsi ? collection_key(tbl, pk_value, key) : 0;
  uint64_t size = 0;
  if (klen) meta_get(t, key, klen, &size);
  return size;
}

void index_stats(struct store_txn *t, const struct table *tbl, const struct index *ix,
                 uint64_t *count, uint64_t *size_bytes) {
  MDB_stat st;
  *count = mdb_stat(t->txn, ix->dbi, &st) == 0 ? st.ms_entries : 0;
  char key[300];
  size_t klen = isize_key(tbl, ix, key, sizeof key);
  if (meta_get(t, key, klen, size_bytes)) *size_bytes = 0;
}

/*------------------------------ Dropping -----------------------------------*/

int index__drop(struct store_txn *t, const struct table *tbl, const struct index *ix) {
  int rc = mdb_drop(t->txn, ix->dbi, 1);
  if (rc) return rc;
  char key[300];
  size_t klen = isize_key(tbl, ix, key, sizeof key);
  MDB_val k = {klen, key};
  rc = mdb_del(t->txn, t->store->meta, &k, NULL);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

int index__drop_table(struct store_txn *t, const struct table *tbl) {
  int rc = 0;
  for (int i = 0; i < tbl->nindexes && rc == 0; i++) rc = index__drop(t, tbl, &tbl->indexes[i]);
  if (rc || !tbl->has_lsi) return rc;
  /* Every collection counter of the table: keys 'c' ‖ id ‖ ... */
  uint8_t prefix[9];
  prefix[0] = 'c';
  for (int i = 0; i < 8; i++) prefix[1 + i] = (uint8_t)(tbl->id >> (56 - 8 * i));
  MDB_cursor *cur;
  rc = mdb_cursor_open(t->txn, t->store->meta, &cur);
  if (rc) return rc;
  for (;;) {
    MDB_val k = {sizeof prefix, prefix}, v;
    int crc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (crc == MDB_NOTFOUND) break;
    if (crc) {
      rc = crc;
      break;
    }
    if (k.mv_size < sizeof prefix || memcmp(k.mv_data, prefix, sizeof prefix) != 0) break;
    rc = mdb_cursor_del(cur, 0);
    if (rc) break;
  }
  mdb_cursor_close(cur);
  return rc;
}

/*------------------------------ Index keys ---------------------------------*/

/* The inner value of attribute attr if it has type `type` ("x" of {"S":"x"}). */
static const json_t *typed_value(const json_t *item, const char *attr, char type) {
  char tn[2] = {type, 0};
  return json_object_get(json_object_get(item, attr), tn);
}

static bool empty_value(char type, const json_t *v) {
  return type != 'N' && json_string_length(v) == 0;
}

size_t index_key(const struct table *tbl, const struct index *ix, const json_t *item,
                 uint8_t *out) {
  const json_t *hv = typed_value(item, ix->hash, ix->hash_type);
  if (!hv || empty_value(ix->hash_type, hv)) return 0;
  size_t n = keycodec_partition_prefix(ix->hash_type, hv, out), m;
  if (!n) return 0;
  if (ix->range_type) {
    const json_t *rv = typed_value(item, ix->range, ix->range_type);
    if (!rv || empty_value(ix->range_type, rv)) return 0;
    m = keycodec_sort_part(ix->range_type, rv, INDEX_SK_BUDGET, out + n);
    if (!m) return 0;
    n += m;
  }
  /* The table key makes the entry unique, unless it is already there. */
  if (strcmp(tbl->pk, ix->hash) != 0 && strcmp(tbl->pk, ix->range) != 0) {
    const json_t *tv = typed_value(item, tbl->pk, tbl->pk_type);
    m = tv ? keycodec_sort_part(tbl->pk_type, tv, INDEX_TB_PK_BUDGET, out + n) : 0;
    if (!m) return 0;
    n += m;
  }
  if (tbl->sk_type && strcmp(tbl->sk, ix->hash) != 0 && strcmp(tbl->sk, ix->range) != 0) {
    const json_t *tv = typed_value(item, tbl->sk, tbl->sk_type);
    m = tv ? keycodec_sort_part(tbl->sk_type, tv, INDEX_TB_SK_BUDGET, out + n) : 0;
    if (!m) return 0;
    n += m;
  }
  return n;
}

/* Check one key attribute of one index (see index_check_item). */
static int check_index_attr(const struct index *ix, const char *attr, char type,
                            const json_t *item, struct ddb_err *e) {
  const json_t *av = json_object_get(item, attr);
  if (!av) return 0;
  char tn[2] = {type, 0};
  const json_t *v = json_object_get(av, tn);
  if (!v) {
    void *it = json_object_iter((json_t *)av);
    return ddb_fail(e, DDB_VALIDATION,
                    "One or more parameter values were invalid: Type mismatch for Index Key %s "
                    "Expected: %s Actual: %s IndexName: %s",
                    attr, tn, it ? json_object_iter_key(it) : "null", ix->name);
  }
  if (empty_value(type, v))
    return ddb_fail(e, DDB_VALIDATION,
                    "One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key "
                    "attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s",
                    type == 'S' ? "string" : "binary", ix->name, attr);
  return 0;
}

int index_check_item(const struct table *tbl, const json_t *item, struct ddb_err *e) {
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < tbl->nindexes; i++) {
      const struct index *ix = &tbl->indexes[i];
      if (ix->global != (pass == 0)) continue;
      if (ix->global && check_index_attr(ix, ix->hash, ix->hash_type, item, e)) return -1;
      if (ix->range_type && check_index_attr(ix, ix->range, ix->range_type, item, e)) return -1;
    }
  return 0;
}

/*------------------------------ Index entries ------------------------------*/

static bool projected(const struct table *tbl, const struct index *ix, const char *attr) {
  if (strcmp(attr, tbl->pk) == 0 || strcmp(attr, tbl->sk) == 0 || strcmp(attr, ix->hash) == 0 ||
      strcmp(attr, ix->range) == 0)
    return true;
  size_t i;
  json_t *a;
  json_array_foreach(ix->non_key, i, a) {
    if (strcmp(json_string_value(a) ?: "", attr) == 0) return true;
  }
  return false;
}

/* An index entry: the projected item (new reference), its stored JSON and size. */
struct entry {
  json_t *item;
  char *json;       /* heap (owned) unless borrowed */
  const char *text; /* the JSON to store */
  size_t len;
  uint32_t size;
};

static void entry_make(const struct table *tbl, const struct index *ix, const json_t *item,
                       const char *json, size_t json_len, uint32_t size, struct entry *en) {
  memset(en, 0, sizeof *en);
  if (ix->proj == INDEX_PROJ_ALL) {
    en->item = json_incref((json_t *)item);
    en->text = json;
    en->len = json_len;
    en->size = size;
    return;
  }
  en->item = json_object();
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)item, k, v) {
    if (projected(tbl, ix, k)) json_object_set(en->item, k, v);
  }
  en->json = json_dumps(en->item, JSON_COMPACT);
  if (!en->json) abort();
  en->text = en->json;
  en->len = strlen(en->json);
  en->size = (uint32_t)value_item_size(en->item);
}

static void entry_free(struct entry *en) {
  json_decref(en->item);
  free(en->json);
}

static uint32_t rec_size(const MDB_val *v) {
  const unsigned char *p = v->mv_data;
  if (v->mv_size < REC_HEADER) return 0;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t write_units(uint32_t size) { return size ? (size + 1023) / 1024 : 1; }

/* True when the stored record v holds the same item as en. */
static bool entry_same(const MDB_val *v, const struct entry *en) {
  if (v->mv_size < REC_HEADER) return false;
  const char *json = (const char *)v->mv_data + REC_HEADER;
  size_t len = v->mv_size - REC_HEADER;
  if (len == en->len && memcmp(json, en->text, len) == 0) return true;
  json_t *old = json_loadb(json, len, JSON_ALLOW_NUL, NULL);
  bool same = old && json_equal(old, en->item);
  json_decref(old);
  return same;
}

/* Write en at key k unless an equal entry is there. Adds the units billed and
** the size change. */
static int entry_put(struct store_txn *t, const struct index *ix, const uint8_t *key, size_t klen,
                     const struct entry *en, uint32_t *units, int64_t *delta) {
  MDB_val k = {klen, (void *)key}, v;
  uint32_t prev = 0;
  int rc = mdb_get(t->txn, ix->dbi, &k, &v);
  if (rc == 0) {
    if (entry_same(&v, en)) return 0;
    prev = rec_size(&v);
  } else if (rc != MDB_NOTFOUND) {
    return rc;
  }
  v.mv_size = REC_HEADER + en->len;
  v.mv_data = NULL;
  rc = mdb_put(t->txn, ix->dbi, &k, &v, MDB_RESERVE);
  if (rc) return rc;
  unsigned char *p = v.mv_data;
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(en->size >> (8 * i));
  memcpy(p + REC_HEADER, en->text, en->len);
  *units += write_units(en->size > prev ? en->size : prev);
  *delta += (int64_t)en->size - (int64_t)prev;
  return 0;
}

static int entry_del(struct store_txn *t, const struct index *ix, const uint8_t *key, size_t klen,
                     uint32_t *units, int64_t *delta) {
  MDB_val k = {klen, (void *)key}, v;
  int rc = mdb_get(t->txn, ix->dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return 0;
  if (rc) return rc;
  uint32_t size = rec_size(&v);
  rc = mdb_del(t->txn, ix->dbi, &k, NULL);
  if (rc) return rc;
  *units += write_units(size);
  *delta -= size;
  return 0;
}

static void record_units(struct store_txn *t, const struct table *tbl, const struct index *ix,
                         uint32_t units) {
  if (!units) return;
  for (int i = 0; i < t->niwrites; i++)
    if (t->iwrites[i].table == tbl && t->iwrites[i].index == ix) {
      t->iwrites[i].units += units;
      return;
    }
  struct store_index_write *w = store__more_iwrites(t);
  w->table = tbl;
  w->index = ix;
  w->units = units;
}

static int adjust_isize(struct store_txn *t, const struct table *tbl, const struct index *ix,
                        int64_t delta) {
  char key[300];
  size_t klen = isize_key(tbl, ix, key, sizeof key);
  return meta_add(t, key, klen, delta);
}

int index__apply(struct store_txn *t, struct table *tbl, const json_t *old_item,
                 const json_t *new_item, const char *new_json, size_t new_json_len,
                 uint32_t new_size, int64_t item_delta, struct ddb_err *e) {
  int64_t collection_delta = item_delta;
  for (int i = 0; i < tbl->nindexes; i++) {
    const struct index *ix = &tbl->indexes[i];
    uint8_t ok[KEYCODEC_MAX], nk[KEYCODEC_MAX];
    size_t ol = old_item ? index_key(tbl, ix, old_item, ok) : 0;
    size_t nl = new_item ? index_key(tbl, ix, new_item, nk) : 0;
    bool same_key = ol && ol == nl && memcmp(ok, nk, ol) == 0;
    uint32_t units = 0;
    int64_t delta = 0;
    int rc = 0;
    if (ol && !same_key) rc = entry_del(t, ix, ok, ol, &units, &delta);
    if (rc == 0 && nl) {
      struct entry en;
      entry_make(tbl, ix, new_item, new_json, new_json_len, new_size, &en);
      rc = entry_put(t, ix, nk, nl, &en, &units, &delta);
      entry_free(&en);
    }
    if (rc == 0) rc = adjust_isize(t, tbl, ix, delta);
    if (rc) return store__fail(e, "write index", rc);
    record_units(t, tbl, ix, units);
    if (!ix->global) collection_delta += delta;
  }
  if (tbl->has_lsi && collection_delta) {
    const json_t *item = new_item ? new_item : old_item;
    uint8_t key[9 + KEYCODEC_MAX];
    size_t klen = collection_key(tbl, typed_value(item, tbl->pk, tbl->pk_type), key);
    int rc = klen ? meta_add(t, key, klen, collection_delta) : 0;
    if (rc) return store__fail(e, "write item collection size", rc);
  }
  return 0;
}

/*------------------------------ Back-fill ----------------------------------*/

int index_backfill(struct store_txn *t, struct table *tbl, const struct index *ix,
                   uint8_t *resume, size_t *resume_len, size_t max_items, bool *done,
                   struct ddb_err *e) {
  uint8_t lo[KEYCODEC_MAX + 1];
  size_t lolen = *resume_len;
  memcpy(lo, resume, lolen);
  lo[lolen++] = 0; /* the smallest key after resume */
  struct store_cursor c;
  if (store_cursor_open(t, tbl->items, *resume_len ? lo : NULL, lolen, NULL, 0, false, &c, e))
    return -1;
  int64_t delta = 0;
  int rc = 0;
  size_t n = 0;
  *done = false;
  while (n < max_items) {
    MDB_val key;
    struct item_rec rec;
    rc = store_cursor_next(&c, &key, &rec, e);
    if (rc) break;
    if (key.mv_size > KEYCODEC_MAX) {
      rc = ddb_fail(e, DDB_INTERNAL, "damaged item key");
      break;
    }
    memcpy(resume, key.mv_data, key.mv_size);
    *resume_len = key.mv_size;
    n++;
    json_t *item = json_loadb(rec.json, rec.json_len, JSON_ALLOW_NUL, NULL);
    uint8_t ik[KEYCODEC_MAX];
    size_t il = item ? index_key(tbl, ix, item, ik) : 0;
    if (il) {
      /* Back-fill writes are not billed to the caller of any request. */
      uint32_t units = 0;
      struct entry en;
      entry_make(tbl, ix, item, rec.json, rec.json_len, rec.size, &en);
      int prc = entry_put(t, ix, ik, il, &en, &units, &delta);
      entry_free(&en);
      if (prc) rc = store__fail(e, "back-fill index", prc);
    }
    json_decref(item);
    if (rc) break;
  }
  store_cursor_close(&c);
  if (rc == 1) {
    *done = true;
    rc = 0;
  }
  if (rc) return -1;
  int arc = adjust_isize(t, tbl, ix, delta);
  if (arc) return store__fail(e, "back-fill index", arc);
  return 0;
}

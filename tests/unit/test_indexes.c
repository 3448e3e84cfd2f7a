/*
** tests/unit/test_indexes.c: storage for Query, Scan and secondary indexes:
** range cursors, index keys (sparse, unique, ordered), index maintenance in
** items_put/items_delete with DynamoDB's write units, item collections,
** back-fill, and adding/dropping indexes with catalog_update.
*/
#include "test.h"

#include "storage/keycodec.h"
#include "storage/store.h"
#include "value.h"

static struct store *s;

static json_t *J(const char *text) {
  json_t *j = json_loads(text, 0, NULL);
  if (!j) {
    fprintf(stderr, "bad JSON in test: %s\n", text);
    abort();
  }
  return j;
}

/* A table: pk S, sk N; LSI "l" on ls (KEYS_ONLY); GSI "g" on gh S / sk (INCLUDE x). */
static struct table *make_table(const char *name) {
  json_t *desc = J("{\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
                   "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
                   "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
                   "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},"
                   "{\"AttributeName\":\"ls\",\"AttributeType\":\"S\"},"
                   "{\"AttributeName\":\"gh\",\"AttributeType\":\"S\"}],"
                   "\"LocalSecondaryIndexes\":[{\"IndexName\":\"l\",\"KeySchema\":["
                   "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"ls\",\"KeyType\":\"RANGE\"}],"
                   "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}],"
                   "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"g\",\"KeySchema\":["
                   "{\"AttributeName\":\"gh\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
                   "\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"x\"]}}]}");
  json_object_set_new(desc, "TableName", json_string(name));
  struct store_txn t;
  struct ddb_err e = {0};
  struct table *tbl = NULL;
  CHECK(store_begin(s, true, &t, &e) == 0);
  CHECK(catalog_create(&t, desc, &tbl, &e) == 0);
  CHECK(store_commit(&t, &e) == 0);
  return tbl;
}

/* Put an item (JSON text); returns items_put's result, iwrites in *units_l/_g. */
static int put(struct table *tbl, const char *text, int *units_l, int *units_g, struct ddb_err *e) {
  json_t *item = J(text);
  if (value_check_item(item, e)) {
    json_decref(item);
    return -1;
  }
  uint8_t key[KEYCODEC_MAX];
  size_t klen = items_key(tbl, item, key);
  char *json = json_dumps(item, JSON_COMPACT);
  struct store_txn t;
  CHECK(store_begin(s, true, &t, e) == 0);
  int rc = items_put(&t, tbl, key, klen, json, strlen(json), (uint32_t)value_item_size(item), e);
  if (units_l) *units_l = 0;
  if (units_g) *units_g = 0;
  for (int i = 0; i < t.niwrites; i++) {
    if (!t.iwrites[i].index->global && units_l) *units_l += (int)t.iwrites[i].units;
    if (t.iwrites[i].index->global && units_g) *units_g += (int)t.iwrites[i].units;
  }
  if (rc == 0) CHECK(store_commit(&t, e) == 0);
  else store_abort(&t);
  free(json);
  json_decref(item);
  return rc;
}

static void del(struct table *tbl, const char *keytext) {
  json_t *k = J(keytext);
  struct ddb_err e = {0};
  CHECK(value_check_item(k, &e) == 0);
  uint8_t key[KEYCODEC_MAX];
  size_t klen = items_key(tbl, k, key);
  struct store_txn t;
  CHECK(store_begin(s, true, &t, &e) == 0);
  CHECK(items_delete(&t, tbl, key, klen, &e) == 0);
  CHECK(store_commit(&t, &e) == 0);
  json_decref(k);
}

static uint64_t entries(struct table *tbl, const char *index) {
  struct store_txn t;
  struct ddb_err e = {0};
  uint64_t n = 0, bytes = 0;
  CHECK(store_begin(s, false, &t, &e) == 0);
  index_stats(&t, tbl, catalog_index(tbl, index), &n, &bytes);
  store_abort(&t);
  return n;
}

TEST(key_successor) {
  uint8_t out[8];
  CHECK_INT(store_key_successor((const uint8_t *)"ab", 2, out), 2);
  CHECK(memcmp(out, "ac", 2) == 0);
  const uint8_t ff[3] = {0x61, 0xFF, 0xFF};
  CHECK_INT(store_key_successor(ff, 3, out), 1);
  CHECK(out[0] == 0x62);
  const uint8_t all[2] = {0xFF, 0xFF};
  CHECK_INT(store_key_successor(all, 2, out), 0);
}

TEST(index_maintenance_and_units) {
  struct table *tbl = make_table("idx");
  struct ddb_err e = {0};
  int ul, ug;
  /* New item in both indexes: one write each. */
  CHECK(put(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"ls\":{\"S\":\"q\"},\"gh\":{\"S\":\"G\"},\"x\":{\"S\":\"x\"}}",
            &ul, &ug, &e) == 0);
  CHECK_INT(ul, 1);
  CHECK_INT(ug, 1);
  /* Sparse: no ls, no gh. */
  CHECK(put(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}}", &ul, &ug, &e) == 0);
  CHECK_INT(ul + ug, 0);
  CHECK_INT(entries(tbl, "l"), 1);
  CHECK_INT(entries(tbl, "g"), 1);
  /* Same item again: nothing written; an unprojected change: nothing for KEYS_ONLY. */
  CHECK(put(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"ls\":{\"S\":\"q\"},\"gh\":{\"S\":\"G\"},\"x\":{\"S\":\"x\"}}",
            &ul, &ug, &e) == 0);
  CHECK_INT(ul + ug, 0);
  CHECK(put(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"ls\":{\"S\":\"q\"},\"gh\":{\"S\":\"G\"},\"x\":{\"S\":\"y\"}}",
            &ul, &ug, &e) == 0);
  CHECK_INT(ul, 0); /* KEYS_ONLY */
  CHECK_INT(ug, 1); /* x is projected */
  /* The LSI key moves: delete + put. */
  CHECK(put(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"ls\":{\"S\":\"r\"},\"gh\":{\"S\":\"G\"},\"x\":{\"S\":\"y\"}}",
            &ul, &ug, &e) == 0);
  CHECK_INT(ul, 2);
  CHECK_INT(ug, 0);
  CHECK_INT(entries(tbl, "l"), 1);
  /* Type mismatch and empty index keys are refused before anything is written. */
  CHECK(put(tbl, "{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"},\"gh\":{\"N\":\"5\"}}", NULL, NULL, &e) == -1);
  CHECK_STR(e.msg, "One or more parameter values were invalid: Type mismatch for Index Key gh "
                   "Expected: S Actual: N IndexName: g");
  ddb_err_clear(&e);
  CHECK(put(tbl, "{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"},\"ls\":{\"S\":\"\"}}", NULL, NULL, &e) == -1);
  CHECK(e.msg && strstr(e.msg, "IndexName: l, IndexKey: ls") != NULL);
  ddb_err_clear(&e);
  /* Item collections count the items and their LSI entries. */
  struct store_txn t;
  CHECK(store_begin(s, false, &t, &e) == 0);
  json_t *pa = json_string("a"), *pb = json_string("b");
  uint64_t ca = items_collection_size(&t, tbl, pa);
  CHECK(ca > 0);
  CHECK_INT(items_collection_size(&t, tbl, pb), 0);
  store_abort(&t);
  del(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}");
  del(tbl, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}}");
  CHECK_INT(entries(tbl, "l"), 0);
  CHECK_INT(entries(tbl, "g"), 0);
  CHECK(store_begin(s, false, &t, &e) == 0);
  CHECK_INT(items_collection_size(&t, tbl, pa), 0);
  store_abort(&t);
  json_decref(pa);
  json_decref(pb);
}

/* Keys of every record in [lo, hi), as "sk" numbers joined by spaces. */
static void walk(struct table *tbl, const struct index *ix, const uint8_t *lo, size_t lolen,
                 const uint8_t *hi, size_t hilen, bool reverse, char *out) {
  struct store_txn t;
  struct ddb_err e = {0};
  struct store_cursor c;
  out[0] = 0;
  CHECK(store_begin(s, false, &t, &e) == 0);
  CHECK(store_cursor_open(&t, ix ? ix->dbi : tbl->items, lo, lolen, hi, hilen, reverse, &c, &e) == 0);
  MDB_val k;
  struct item_rec rec;
  while (store_cursor_next(&c, &k, &rec, &e) == 0) {
    json_t *item = json_loadb(rec.json, rec.json_len, 0, NULL);
    const char *sk = json_string_value(json_object_get(json_object_get(item, "sk"), "N"));
    sprintf(out + strlen(out), "%s%s", out[0] ? " " : "", sk ? sk : "?");
    json_decref(item);
  }
  store_cursor_close(&c);
  store_abort(&t);
}

TEST(cursor_ranges) {
  struct table *tbl = make_table("cur");
  struct ddb_err e = {0};
  char buf[512];
  for (int i = 0; i < 6; i++) {
    sprintf(buf, "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"%d\"},\"gh\":{\"S\":\"%s\"}}", i * 10 - 20,
            i % 2 ? "odd" : "even");
    CHECK(put(tbl, buf, NULL, NULL, &e) == 0);
  }
  CHECK(put(tbl, "{\"pk\":{\"S\":\"other\"},\"sk\":{\"N\":\"0\"}}", NULL, NULL, &e) == 0);
  json_t *p = json_string("p");
  uint8_t prefix[KEYCODEC_MAX], hi[KEYCODEC_MAX], lo[KEYCODEC_MAX];
  size_t plen = keycodec_partition_prefix('S', p, prefix);
  size_t hilen = store_key_successor(prefix, plen, hi);
  walk(tbl, NULL, prefix, plen, hi, hilen, false, buf);
  CHECK_STR(buf, "-20 -10 0 10 20 30");
  walk(tbl, NULL, prefix, plen, hi, hilen, true, buf);
  CHECK_STR(buf, "30 20 10 0 -10 -20");
  /* sk >= 0 AND sk < 20 */
  json_t *zero = json_string("0"), *twenty = json_string("20");
  memcpy(lo, prefix, plen);
  size_t lolen = plen + keycodec_sort_part('N', zero, KEYCODEC_SK_BUDGET, lo + plen);
  uint8_t upper[KEYCODEC_MAX];
  memcpy(upper, prefix, plen);
  size_t ulen = plen + keycodec_sort_part('N', twenty, KEYCODEC_SK_BUDGET, upper + plen);
  walk(tbl, NULL, lo, lolen, upper, ulen, false, buf);
  CHECK_STR(buf, "0 10");
  walk(tbl, NULL, lo, lolen, upper, ulen, true, buf);
  CHECK_STR(buf, "10 0");
  /* The GSI partition "odd", in sort-key order. */
  json_t *odd = json_string("odd");
  plen = keycodec_partition_prefix('S', odd, prefix);
  hilen = store_key_successor(prefix, plen, hi);
  walk(tbl, catalog_index(tbl, "g"), prefix, plen, hi, hilen, false, buf);
  CHECK_STR(buf, "-10 10 30");
  /* A whole scan, and two hash segments that together are the whole table. */
  walk(tbl, NULL, NULL, 0, NULL, 0, false, buf);
  CHECK_INT(strlen(buf) > 0, 1);
  char a[256], b[256];
  const uint8_t mid[4] = {0x80, 0, 0, 0};
  walk(tbl, NULL, NULL, 0, mid, 4, false, a);
  walk(tbl, NULL, mid, 4, NULL, 0, false, b);
  CHECK_INT((int)(strlen(a) + strlen(b) + (a[0] && b[0])), (int)strlen(buf));
  json_decref(p);
  json_decref(zero);
  json_decref(twenty);
  json_decref(odd);
}

TEST(backfill_and_catalog_update) {
  struct table *tbl = make_table("bf");
  struct ddb_err e = {0};
  char buf[256];
  for (int i = 0; i < 25; i++) {
    if (i == 3) sprintf(buf, "{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"1\"},\"t\":{\"N\":\"3\"}}", i);
    else sprintf(buf, "{\"pk\":{\"S\":\"k%d\"},\"sk\":{\"N\":\"1\"},\"t\":{\"S\":\"t%d\"}}", i, i % 4);
    CHECK(put(tbl, buf, NULL, NULL, &e) == 0);
  }
  /* Add GSI "bt" on t (CREATING), back-fill it in batches of 7. */
  json_t *desc = json_deep_copy(tbl->desc);
  json_array_append_new(json_object_get(desc, "AttributeDefinitions"),
                        J("{\"AttributeName\":\"t\",\"AttributeType\":\"S\"}"));
  json_array_append_new(json_object_get(desc, "GlobalSecondaryIndexes"),
                        J("{\"IndexName\":\"bt\",\"IndexStatus\":\"CREATING\",\"KeySchema\":["
                          "{\"AttributeName\":\"t\",\"KeyType\":\"HASH\"}],"
                          "\"Projection\":{\"ProjectionType\":\"ALL\"}}"));
  struct store_txn t;
  struct table *nt;
  CHECK(store_begin(s, true, &t, &e) == 0);
  CHECK(catalog_update(&t, tbl, desc, &nt, &e) == 0);
  CHECK(store_commit(&t, &e) == 0);
  CHECK(catalog_find(s, "bf") == nt);
  tbl = nt;
  const struct index *ix = catalog_index(tbl, "bt");
  CHECK(ix && ix->status == INDEX_CREATING);
  uint8_t resume[KEYCODEC_MAX];
  size_t rlen = 0;
  bool done = false;
  int rounds = 0;
  while (!done && rounds < 10) {
    CHECK(store_begin(s, true, &t, &e) == 0);
    CHECK(index_backfill(&t, tbl, ix, resume, &rlen, 7, &done, &e) == 0);
    CHECK(store_commit(&t, &e) == 0);
    rounds++;
  }
  CHECK(done);
  CHECK_INT(rounds, 4);
  CHECK_INT(entries(tbl, "bt"), 24); /* k3 has t of another type: skipped */
  /* Drop the LSI and the new GSI again. */
  desc = json_deep_copy(tbl->desc);
  json_object_del(desc, "LocalSecondaryIndexes");
  json_array_remove(json_object_get(desc, "GlobalSecondaryIndexes"), 1);
  CHECK(store_begin(s, true, &t, &e) == 0);
  CHECK(catalog_update(&t, tbl, desc, &nt, &e) == 0);
  CHECK(store_commit(&t, &e) == 0);
  tbl = nt;
  CHECK_INT(tbl->nindexes, 1);
  CHECK(!tbl->has_lsi);
  CHECK(catalog_index(tbl, "bt") == NULL);
  CHECK(put(tbl, "{\"pk\":{\"S\":\"z\"},\"sk\":{\"N\":\"1\"},\"t\":{\"N\":\"1\"}}", NULL, NULL, &e) == 0);
  CHECK(store_begin(s, true, &t, &e) == 0);
  CHECK(catalog_drop(&t, tbl, &e) == 0);
  CHECK(store_commit(&t, &e) == 0);
}

static void setup(void) {
  char err[256];
  s = store_open(NULL, STORE_SYNC_NONE, err, sizeof err);
  if (!s) {
    fprintf(stderr, "store_open: %s\n", err);
    exit(1);
  }
}

TEST(open) { setup(); }
TEST(close) {
  store_close(s);
  s = NULL;
}

TEST_MAIN(open, key_successor, index_maintenance_and_units, cursor_ranges, backfill_and_catalog_update,
          close)

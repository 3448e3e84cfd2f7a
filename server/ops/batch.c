/*
** server/ops/batch.c: BatchGetItem and BatchWriteItem.
**
** Checks run in DynamoDB's order (recorded from AWS in dynalite's
** validations/batch*.js): every request's values across all tables first, then
** per table the table itself, each key against the schema, and duplicates.
** BatchGetItem takes ProjectionExpression (with ExpressionAttributeNames) or
** AttributesToGet per table, parsed and applied by server/expr like GetItem's.
** A BatchWriteItem goes through the shared write path (items.c) once every
** request has passed every check, so a refused batch writes nothing; items
** that a TransactWriteItems still holds (transact.c) are not written but
** returned in UnprocessedItems, for the client to retry. Otherwise nothing is
** left unprocessed except when a BatchGetItem answer would pass 16 MB.
** Each write request is billed and reported as the PutItem or DeleteItem it
** stands for: ConsumedCapacity per table counts the index entries written
** (per index under INDEXES), and ReturnItemCollectionMetrics SIZE gives one
** ItemCollectionMetrics entry per item written to a table with an LSI.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "items.h"
#include "legacy.h"
#include "ops.h"
#include "storage/keycodec.h"
#include "storage/store.h"
#include "value.h"

#define BATCH_MAX_GET_KEYS 100
#define BATCH_MAX_RESPONSE (16u * 1024 * 1024)

/* A set of encoded keys seen so far in one table's requests. */
struct key_seen {
  uint8_t (*keys)[KEYCODEC_MAX];
  size_t *lens;
  size_t n;
};

static bool seen_before(struct ddb_request *r, struct key_seen *s, const uint8_t *k, size_t len,
                        size_t cap) {
  if (!s->keys) {
    s->keys = arena_alloc(&r->arena, cap * sizeof *s->keys);
    s->lens = arena_alloc(&r->arena, cap * sizeof *s->lens);
  }
  for (size_t i = 0; i < s->n; i++)
    if (s->lens[i] == len && memcmp(s->keys[i], k, len) == 0) return true;
  if (s->n < cap) {
    memcpy(s->keys[s->n], k, len);
    s->lens[s->n++] = len;
  }
  return false;
}

static json_t *parse_rec(const struct item_rec *rec) {
  return json_loadb(rec->json, rec->json_len, JSON_ALLOW_NUL, NULL);
}

/* Sum per-table capacity into the response's ConsumedCapacity list. */
static void add_capacity(struct ddb_request *r, json_t *list, const char *table, double units) {
  json_t *cc = consumed_capacity(r, table, units);
  if (cc) json_array_append_new(list, cc);
}

/*------------------------------- BatchGetItem ------------------------------*/

int op_batch_get_item(struct ddb_request *r, json_t **out) {
  json_t *items = json_object_get(r->in, "RequestItems");
  const char *tname;
  json_t *treq;
  size_t total = 0;
  if (json_object_size(items) == 0)
    return ddb_fail(&r->err, DDB_VALIDATION, "The requestItems parameter is required for BatchGetItem");

  /* Each table's projection, in RequestItems order. */
  size_t ntables = json_object_size(items), ti = 0;
  const struct expr **projections = arena_alloc(&r->arena, (ntables ? ntables : 1) * sizeof *projections);
  static const char *const pe[] = {"ProjectionExpression", NULL};
  static const char *const atg_only[] = {"AttributesToGet", NULL};
  json_object_foreach(items, tname, treq) {
    if (legacy_check_mixing(r, treq, pe, atg_only, NULL, 0)) return -1;
    json_t *atg = json_object_get(treq, "AttributesToGet");
    if (atg && legacy_check_attributes_to_get(r, atg)) return -1;
    struct item_exprs x;
    if (item_parse_exprs(r, treq, &x, 0, 0)) return -1;
    projections[ti++] = x.projection ? x.projection : legacy_projection_expr(&r->arena, atg);
    expr_ctx_set(x.ctx, EXPR_PROJECTION, projections[ti - 1]); /* instrumentation sees AttributesToGet */
    size_t i;
    json_t *key;
    json_array_foreach(json_object_get(treq, "Keys"), i, key) {
      if (value_check_item(key, &r->err)) return -1;
      if (++total > BATCH_MAX_GET_KEYS)
        return ddb_fail(&r->err, DDB_VALIDATION, "Too many items requested for the BatchGetItem call");
    }
  }

  /* A ProjectionExpression for one table and AttributesToGet for another mix
  ** the two kinds of parameter as much as one table's pair does: real
  ** DynamoDB refuses the call (paritysuite batchGetItem.test.ts). */
  bool any_pe = false, any_atg = false;
  json_object_foreach(items, tname, treq) {
    if (json_object_get(treq, "ProjectionExpression")) any_pe = true;
    if (json_object_get(treq, "AttributesToGet")) any_atg = true;
  }
  if (any_pe && any_atg)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Can not use both expression and non-expression parameters in the same request: "
                    "Non-expression parameters: {AttributesToGet} Expression parameters: "
                    "{ProjectionExpression}");

  /* Tables and keys against their schemas, duplicates. */
  json_object_foreach(items, tname, treq) {
    struct table *tbl = item_find_table(r, tname);
    if (!tbl) return ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
    struct key_seen seen = {0};
    size_t i;
    json_t *key;
    json_array_foreach(json_object_get(treq, "Keys"), i, key) {
      if (key_check_key(r, tbl, key)) return -1;
      uint8_t k[KEYCODEC_MAX];
      size_t klen = items_key(tbl, key, k);
      if (seen_before(r, &seen, k, klen, BATCH_MAX_GET_KEYS))
        return ddb_fail(&r->err, DDB_VALIDATION, "Provided list of item keys contains duplicates");
    }
  }

  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  json_t *responses = json_object(), *unprocessed = json_object(), *capacity = json_array();
  size_t response_bytes = 0;
  ti = 0;
  json_object_foreach(items, tname, treq) {
    struct table *tbl = item_find_table(r, tname);
    const struct expr *projection = projections[ti++];
    bool consistent = json_is_true(json_object_get(treq, "ConsistentRead"));
    json_t *found = json_array();
    json_object_set_new(responses, tname, found);
    double units = 0;
    size_t i;
    json_t *key;
    json_array_foreach(json_object_get(treq, "Keys"), i, key) {
      uint8_t k[KEYCODEC_MAX];
      size_t klen = items_key(tbl, key, k);
      struct item_rec rec;
      int rc = items_get(&t, tbl, k, klen, &rec, &r->err);
      if (rc < 0) goto fail;
      if (rc == 0 && response_bytes + rec.json_len > BATCH_MAX_RESPONSE) {
        /* Past 16 MB the rest waits for the next call, as DynamoDB does. */
        json_t *u = json_object_get(unprocessed, tname);
        if (!u) {
          u = json_object();
          json_object_set_new(u, "Keys", json_array());
          static const char *const carried[] = {"AttributesToGet", "ProjectionExpression",
                                                "ExpressionAttributeNames", NULL};
          for (const char *const *c = carried; *c; c++)
            if (json_object_get(treq, *c)) json_object_set(u, *c, json_object_get(treq, *c));
          if (consistent) json_object_set_new(u, "ConsistentRead", json_true());
          json_object_set_new(unprocessed, tname, u);
        }
        json_array_append(json_object_get(u, "Keys"), key);
        continue;
      }
      double item_units = rc == 0 ? (double)((rec.size + 4095) / 4096) : 1.0;
      if (item_units < 1) item_units = 1;
      units += consistent ? item_units : item_units / 2;
      if (rc != 0) continue;
      response_bytes += rec.json_len;
      json_t *item = parse_rec(&rec);
      if (projection) {
        json_t *p = expr_project(projection, item);
        json_decref(item);
        item = p;
      }
      json_array_append_new(found, item);
    }
    add_capacity(r, capacity, tname, units);
  }
  store_abort(&t);
  *out = json_pack("{so so}", "Responses", responses, "UnprocessedKeys", unprocessed);
  if (json_array_size(capacity)) json_object_set_new(*out, "ConsumedCapacity", capacity);
  else json_decref(capacity);
  return 0;
fail:
  store_abort(&t);
  json_decref(responses);
  json_decref(unprocessed);
  json_decref(capacity);
  return -1;
}

/*------------------------------ BatchWriteItem -----------------------------*/

int op_batch_write_item(struct ddb_request *r, json_t **out) {
  json_t *items = json_object_get(r->in, "RequestItems");
  const char *tname;
  json_t *reqs;
  if (json_object_size(items) == 0)
    return ddb_fail(&r->err, DDB_VALIDATION, "The requestItems parameter is required for BatchWriteItem");

  json_object_foreach(items, tname, reqs) {
    size_t i;
    json_t *w;
    json_array_foreach(reqs, i, w) {
      json_t *put = json_object_get(w, "PutRequest"), *del = json_object_get(w, "DeleteRequest");
      if ((!put && !del) || (put && del))
        return ddb_fail(&r->err, DDB_VALIDATION,
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                        "one of the supported datatypes");
    }
    json_array_foreach(reqs, i, w) {
      json_t *put = json_object_get(w, "PutRequest"), *del = json_object_get(w, "DeleteRequest");
      if (put) {
        json_t *item = json_object_get(put, "Item");
        if (value_check_item_ex(item, VALUE_OLDER, &r->err)) return -1;
        if (value_item_size(item) > VALUE_MAX_ITEM_SIZE)
          return ddb_fail(&r->err, DDB_VALIDATION, "Item size has exceeded the maximum allowed size");
      } else if (value_check_item_ex(json_object_get(del, "Key"), VALUE_OLDER, &r->err)) {
        return -1;
      }
    }
  }

  json_object_foreach(items, tname, reqs) {
    struct table *tbl = item_find_table(r, tname);
    if (!tbl) return ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
    struct key_seen seen = {0};
    size_t i;
    json_t *w;
    json_array_foreach(reqs, i, w) {
      json_t *put = json_object_get(w, "PutRequest");
      json_t *obj = put ? json_object_get(put, "Item") : json_object_get(json_object_get(w, "DeleteRequest"), "Key");
      int rc = put ? key_check_item(r, tbl, obj) : key_check_key(r, tbl, obj);
      if (rc) {
        /* In a batch, a put's missing or mistyped key reads as a schema mismatch. */
        if (r->err.msg && (strstr(r->err.msg, "Missing the key") || strstr(r->err.msg, "Type mismatch for key"))) {
          ddb_err_clear(&r->err);
          ddb_fail(&r->err, DDB_VALIDATION, "The provided key element does not match the schema");
        }
        return -1;
      }
      if (put && index_check_item(tbl, obj, &r->err)) return -1;
      uint8_t k[KEYCODEC_MAX];
      size_t klen = items_key(tbl, obj, k);
      if (seen_before(r, &seen, k, klen, json_array_size(reqs)))
        return ddb_fail(&r->err, DDB_VALIDATION, "Provided list of item keys contains duplicates");
    }
  }

  /* Run every request; remember what each table wrote for the answer. */
  size_t ntables = json_object_size(items), ti = 0;
  struct table_written {
    struct table *tbl;
    double units;     /* the table's own write units */
    json_t *written;  /* the Items and Keys written, for ItemCollectionMetrics */
  } *tw = arena_alloc(&r->arena, ntables * sizeof *tw);
  struct store_txn t;
  if (store_begin(r->srv->store, true, &t, &r->err)) return -1;
  json_t *unprocessed = json_object();
  json_object_foreach(items, tname, reqs) {
    struct table_written *x = &tw[ti++];
    x->tbl = item_find_table(r, tname);
    x->units = 0;
    x->written = arena_link_json(&r->arena, json_array());
    size_t i;
    json_t *req;
    json_array_foreach(reqs, i, req) {
      json_t *put = json_object_get(req, "PutRequest");
      struct item_write *w = arena_alloc(&r->arena, sizeof *w);
      w->kind = put ? ITEM_PUT : ITEM_DELETE;
      w->tbl = x->tbl;
      w->item = put ? json_object_get(put, "Item") : json_object_get(json_object_get(req, "DeleteRequest"), "Key");
      int rc = item_write_run(&t, w, &r->err);
      if (rc < 0 && r->err.code == DDB_TRANSACTION_CONFLICT) {
        /* A transaction holds the item: the client retries it later. */
        ddb_err_clear(&r->err);
        json_t *u = json_object_get(unprocessed, tname);
        if (!u) {
          u = json_array();
          json_object_set_new(unprocessed, tname, u);
        }
        json_array_append(u, req);
        item_write_clear(w);
        continue;
      }
      size_t billed = w->old_size > w->new_size ? w->old_size : w->new_size;
      item_write_clear(w);
      if (rc < 0) goto fail;
      x->units += item_write_units(billed);
      json_array_append(x->written, (json_t *)w->item);
    }
  }
  if (store_commit(&t, &r->err)) goto fail;
  /* Per table, as PutItem and DeleteItem answer: the table's units plus the
  ** index write units its requests caused (t.iwrites), and for a table with
  ** an LSI one ItemCollectionMetrics entry per item written. */
  json_t *capacity = json_array(), *metrics = json_object();
  for (ti = 0; ti < ntables; ti++) {
    json_t *cc = consumed_capacity_detail(r, tw[ti].tbl, tw[ti].units, NULL, 0, &t);
    if (cc) json_array_append_new(capacity, cc);
    size_t i;
    json_t *obj;
    json_array_foreach(tw[ti].written, i, obj) {
      json_t *m = item_collection_metrics(r, tw[ti].tbl, obj);
      if (!m) break; /* not asked for, or no LSI */
      json_t *list = json_object_get(metrics, tw[ti].tbl->name);
      if (!list) {
        list = json_array();
        json_object_set_new(metrics, tw[ti].tbl->name, list);
      }
      json_array_append_new(list, m);
    }
  }
  *out = json_pack("{so}", "UnprocessedItems", unprocessed);
  if (json_object_size(metrics)) json_object_set_new(*out, "ItemCollectionMetrics", metrics);
  else json_decref(metrics);
  if (json_array_size(capacity)) json_object_set_new(*out, "ConsumedCapacity", capacity);
  else json_decref(capacity);
  return 0;
fail:
  store_abort(&t);
  json_decref(unprocessed);
  return -1;
}

/*
** server/ops/items.c: PutItem, GetItem, DeleteItem, and the key rules that every
** item operation shares.
**
** Order of checks, as DynamoDB applies them (recorded from AWS in dynalite's
** validations/<op>.js and db/index.js): legacy-versus-expression parameters,
** AttributeValues, ReturnValues, item size, then the table, then the key
** against the table's key schema.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/keycodec.h"
#include "ops.h"
#include "storage/store.h"
#include "value.h"

#define PREFIX_INVALID "One or more parameter values were invalid: "

/*------------------------------ Shared rules -------------------------------*/

struct table *item_table(struct ddb_request *r) {
  struct table *tbl = catalog_find(r->srv->store, req_str(r->in, "TableName"));
  if (!tbl) ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
  return tbl;
}

/* Byte length of a key value as DynamoDB limits it (B: decoded bytes). */
static size_t key_value_size(char type, const json_t *v) {
  if (type == 'B') {
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    size_t pad = (n > 0 && s[n - 1] == '=') + (n > 1 && s[n - 2] == '=');
    return n / 4 * 3 - pad;
  }
  return json_string_length(v);
}

/* in_item: the value comes from an Item (PutItem), whose empty-key message
** DynamoDB words differently from a Key's. */
static int check_key_value(struct ddb_request *r, const char *attr, char type, const json_t *v,
                           bool is_hash, bool in_item) {
  if (type == 'N') return 0;
  if (json_string_length(v) == 0)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "%s The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s",
                    in_item ? "One or more parameter values are not valid." : "One or more parameter values were invalid:",
                    type == 'S' ? "string" : "binary", attr);
  size_t size = key_value_size(type, v);
  if (is_hash && size > 2048)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  if (!is_hash && size > 1024)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  return 0;
}

/* The first type name of an AttributeValue ("S" of {"S":"x"}). */
static const char *first_type(const json_t *av) {
  void *it = json_object_iter((json_t *)av);
  return it ? json_object_iter_key(it) : "null";
}

int key_check_item(struct ddb_request *r, const struct table *tbl, const json_t *item) {
  const char *names[2] = {tbl->pk, tbl->sk};
  const char types[2] = {tbl->pk_type, tbl->sk_type};
  for (int i = 0; i < 2 && types[i]; i++) {
    const json_t *av = json_object_get(item, names[i]);
    char tn[2] = {types[i], 0};
    if (!av)
      return ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Missing the key %s in the item", names[i]);
    const json_t *v = json_object_get(av, tn);
    if (!v)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Type mismatch for key %s expected: %s actual: %s", names[i], tn,
                      first_type(av));
    if (check_key_value(r, names[i], types[i], v, i == 0, true)) return -1;
  }
  return 0;
}

int key_check_key(struct ddb_request *r, const struct table *tbl, const json_t *key) {
  size_t want = tbl->sk_type ? 2 : 1;
  if (json_object_size(key) != want)
    return ddb_fail(&r->err, DDB_VALIDATION, "The provided key element does not match the schema");
  const char *names[2] = {tbl->pk, tbl->sk};
  const char types[2] = {tbl->pk_type, tbl->sk_type};
  for (size_t i = 0; i < want; i++) {
    char tn[2] = {types[i], 0};
    const json_t *v = json_object_get(json_object_get(key, names[i]), tn);
    if (!v) return ddb_fail(&r->err, DDB_VALIDATION, "The provided key element does not match the schema");
    if (check_key_value(r, names[i], types[i], v, i == 0, false)) return -1;
  }
  return 0;
}

/* Until the expression language lands, refuse what we cannot honour rather
** than ignore a condition. */
static int refuse_unsupported(struct ddb_request *r, const char *const *params) {
  for (; *params; params++)
    if (json_object_get(r->in, *params))
      return ddb_fail(&r->err, DDB_VALIDATION, "ddbwatch does not support %s yet", *params);
  return 0;
}

static int check_return_values(struct ddb_request *r) {
  const char *rv = req_str(r->in, "ReturnValues");
  if (rv && strcmp(rv, "ALL_OLD") != 0 && strcmp(rv, "NONE") != 0)
    return ddb_fail(&r->err, DDB_VALIDATION, "ReturnValues can only be ALL_OLD or NONE");
  return 0;
}

/* Capacity units DynamoDB charges: reads per 4 KB (halved when eventually
** consistent), writes per 1 KB, at least one unit. */
static double read_units(size_t size, bool consistent) {
  double units = size ? (double)((size + 4095) / 4096) : 1.0;
  return consistent ? units : units / 2;
}

static double write_units(size_t size) { return size ? (double)((size + 1023) / 1024) : 1.0; }

json_t *consumed_capacity(struct ddb_request *r, const char *table, double units) {
  const char *mode = req_str(r->in, "ReturnConsumedCapacity");
  if (!mode || strcmp(mode, "NONE") == 0) return NULL;
  json_t *cc = json_pack("{ss sf}", "TableName", table, "CapacityUnits", units);
  if (strcmp(mode, "INDEXES") == 0)
    json_object_set_new(cc, "Table", json_pack("{sf}", "CapacityUnits", units));
  return cc;
}

static json_t *parse_stored(const struct item_rec *rec) {
  return json_loadb(rec->json, rec->json_len, JSON_ALLOW_NUL, NULL);
}

/*------------------------------- Operations --------------------------------*/

int op_put_item(struct ddb_request *r, json_t **out) {
  static const char *const unsupported[] = {"ConditionExpression", "Expected", "ConditionalOperator",
                                            "ExpressionAttributeNames", "ExpressionAttributeValues", NULL};
  if (refuse_unsupported(r, unsupported)) return -1;
  json_t *item = json_object_get(r->in, "Item");
  if (value_check_item_ex(item, VALUE_ENVELOPE, &r->err)) return -1;
  if (check_return_values(r)) return -1;
  size_t size = value_item_size(item);
  if (size > VALUE_MAX_ITEM_SIZE)
    return ddb_fail(&r->err, DDB_VALIDATION, "Item size has exceeded the maximum allowed size");
  struct table *tbl = item_table(r);
  if (!tbl || key_check_item(r, tbl, item)) return -1;

  uint8_t key[KEYCODEC_MAX];
  size_t klen = items_key(tbl, item, key);
  char *json = json_dumps(item, JSON_COMPACT);
  struct store_txn t;
  if (store_begin(r->srv->store, true, &t, &r->err)) {
    free(json);
    return -1;
  }
  struct item_rec old;
  json_t *old_item = NULL;
  int rc = items_get(&t, tbl, key, klen, &old, &r->err);
  if (rc == 0) old_item = parse_stored(&old);
  if (rc >= 0) rc = items_put(&t, tbl, key, klen, json, strlen(json), (uint32_t)size, &r->err);
  free(json);
  if (rc < 0 || store_commit(&t, &r->err)) {
    store_abort(&t);
    json_decref(old_item);
    return -1;
  }
  *out = json_object();
  const char *rv = req_str(r->in, "ReturnValues");
  if (old_item && rv && strcmp(rv, "ALL_OLD") == 0) json_object_set(*out, "Attributes", old_item);
  size_t billed = old_item && old.size > size ? old.size : size;
  json_t *cc = consumed_capacity_detail(r, tbl, write_units(billed), NULL, 0, &t);
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  json_t *icm = item_collection_metrics(r, tbl, item);
  if (icm) json_object_set_new(*out, "ItemCollectionMetrics", icm);
  json_decref(old_item);
  return 0;
}

/* AttributesToGet: a projection onto top-level names, duplicates refused. */
int check_attributes_to_get(struct ddb_request *r, const json_t *atg) {
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(atg, i, a) {
    json_array_foreach(atg, j, b) {
      if (j >= i) break;
      if (json_equal(a, b))
        return ddb_fail(&r->err, DDB_VALIDATION,
                        PREFIX_INVALID "Duplicate value in attribute name: %s", json_string_value(a));
    }
  }
  return 0;
}

static json_t *project_top_level(json_t *item, const json_t *atg) {
  json_t *out = json_object();
  size_t i;
  json_t *a;
  json_array_foreach(atg, i, a) {
    json_t *v = json_object_get(item, json_string_value(a));
    if (v) json_object_set(out, json_string_value(a), v);
  }
  return out;
}

int op_get_item(struct ddb_request *r, json_t **out) {
  static const char *const unsupported[] = {"ProjectionExpression", "ExpressionAttributeNames", NULL};
  if (refuse_unsupported(r, unsupported)) return -1;
  json_t *key = json_object_get(r->in, "Key");
  if (value_check_item(key, &r->err)) return -1;
  const json_t *atg = json_object_get(r->in, "AttributesToGet");
  if (atg && check_attributes_to_get(r, atg)) return -1;
  struct table *tbl = item_table(r);
  if (!tbl || key_check_key(r, tbl, key)) return -1;

  uint8_t k[KEYCODEC_MAX];
  size_t klen = items_key(tbl, key, k);
  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  struct item_rec rec;
  int rc = items_get(&t, tbl, k, klen, &rec, &r->err);
  if (rc < 0) {
    store_abort(&t);
    return -1;
  }
  bool consistent = json_is_true(json_object_get(r->in, "ConsistentRead"));
  json_t *cc = consumed_capacity(r, tbl->name, read_units(rc == 0 ? rec.size : 0, consistent));
  if (rc == 0 && !atg) {
    /* The common case answers from the stored bytes, never re-encoding them. */
    char *tail = cc ? json_dumps(cc, JSON_COMPACT | JSON_REAL_PRECISION(13)) : NULL;
    size_t tail_len = tail ? strlen(tail) : 0;
    char *body = malloc(rec.json_len + tail_len + 32);
    if (!body) abort();
    size_t n = 0;
    memcpy(body + n, "{\"Item\":", 8);
    n += 8;
    memcpy(body + n, rec.json, rec.json_len);
    n += rec.json_len;
    if (tail) {
      memcpy(body + n, ",\"ConsumedCapacity\":", 20);
      n += 20;
      memcpy(body + n, tail, tail_len);
      n += tail_len;
    }
    body[n++] = '}';
    r->raw_out = body;
    r->raw_out_len = n;
    free(tail);
    json_decref(cc);
    store_abort(&t);
    return 0;
  }
  json_t *item = rc == 0 ? parse_stored(&rec) : NULL;
  store_abort(&t);
  *out = json_object();
  if (item) {
    json_object_set_new(*out, "Item", project_top_level(item, atg));
    json_decref(item);
  }
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  return 0;
}

int op_delete_item(struct ddb_request *r, json_t **out) {
  static const char *const unsupported[] = {"ConditionExpression", "Expected", "ConditionalOperator",
                                            "ExpressionAttributeNames", "ExpressionAttributeValues", NULL};
  if (refuse_unsupported(r, unsupported)) return -1;
  json_t *key = json_object_get(r->in, "Key");
  if (value_check_item_ex(key, VALUE_ENVELOPE, &r->err)) return -1;
  if (check_return_values(r)) return -1;
  struct table *tbl = item_table(r);
  if (!tbl || key_check_key(r, tbl, key)) return -1;

  uint8_t k[KEYCODEC_MAX];
  size_t klen = items_key(tbl, key, k);
  struct store_txn t;
  if (store_begin(r->srv->store, true, &t, &r->err)) return -1;
  struct item_rec old;
  json_t *old_item = NULL;
  int rc = items_get(&t, tbl, k, klen, &old, &r->err);
  if (rc == 0) {
    old_item = parse_stored(&old);
    rc = items_delete(&t, tbl, k, klen, &r->err);
  }
  if (rc < 0 || store_commit(&t, &r->err)) {
    store_abort(&t);
    json_decref(old_item);
    return -1;
  }
  *out = json_object();
  const char *rv = req_str(r->in, "ReturnValues");
  if (old_item && rv && strcmp(rv, "ALL_OLD") == 0) json_object_set(*out, "Attributes", old_item);
  json_t *cc = consumed_capacity_detail(r, tbl, write_units(old_item ? old.size : 0), NULL, 0, &t);
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  json_t *icm = item_collection_metrics(r, tbl, key);
  if (icm) json_object_set_new(*out, "ItemCollectionMetrics", icm);
  json_decref(old_item);
  return 0;
}

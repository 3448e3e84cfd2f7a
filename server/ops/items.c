/*
** server/ops/items.c: PutItem, GetItem, UpdateItem, DeleteItem, the key rules
** every item operation shares, and the one write path that PutItem,
** UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems all use
** (item_write_run).
**
** Order of checks, as DynamoDB applies them (recorded from AWS in dynalite's
** validations/<op>.js and db/index.js; the 2026 wording from the paritysuite
** captures, tests/tier3/error-messages/{putItem,updateItem,deleteItem}.test.ts,
** us-east-1 2026-10-09):
**   1. legacy versus expression parameters (Expected / AttributeUpdates /
**      AttributesToGet / ConditionalOperator against the expressions),
**      ExpressionAttributeNames / Values without an expression;
**   2. the Item's or Key's AttributeValues;
**   3. ReturnValues (PutItem, DeleteItem: only NONE and ALL_OLD), item size;
**   4. AttributeUpdates, then Expected and ConditionalOperator;
**   5. ExpressionAttributeNames / Values themselves, then each expression
**      (UpdateExpression before ConditionExpression), then unused names and
**      values;
**   6. the table, the key against its schema, "Cannot update attribute pk";
**   7. the write itself (item_write_run): transaction lock, old item, the
**      UpdateItem statement size, the condition, the change, the finished
**      item's depth and size, the store.
** PutItem, UpdateItem and DeleteItem answer steps 1, 3 (ReturnValues) 4 and 5
** inside "1 validation error detected: " (the 2026 validation layer, which
** us-east-1 runs; see docs/fidelity.md); GetItem keeps the bare texts.
**
** UpdateItem's size limit (paritysuite tests/tier3/limits/
** itemSizeBySurface.test.ts, measured in 22 regions including us-east-1):
** DynamoDB refuses an UpdateExpression when either the finished item or the
** statement's own size passes 400 KB, the latter being 3 bytes plus, per
** action, SET 19 + target + operand, ADD 19 + target + the value it adds (a
** set: only the members not yet present), REMOVE / DELETE 1 + target; a target
** costs its first name plus 4 and the element for each later element, an
** operand path 1 plus 14 and the element per element, a value its size,
** x + y / x - y 34 / 37, if_not_exists 39 and list_append 37 plus their
** operands. AttributeUpdates and TransactWriteItems' Update measure only the
** finished item.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"
#include "items.h"
#include "legacy.h"
#include "ops.h"
#include "storage/keycodec.h"
#include "storage/store.h"
#include "value.h"

#define PREFIX_INVALID "One or more parameter values were invalid: "
#define MSG_ITEM_SIZE "Item size has exceeded the maximum allowed size"
#define MSG_UPDATE_SIZE "Item size to update has exceeded the maximum allowed size"

/*------------------------------ Shared rules -------------------------------*/

struct table *item_find_table(struct ddb_request *r, const char *name) {
  if (name && strncmp(name, "arn:", 4) == 0) {
    /* arn:aws:dynamodb:<region>:<account>:table/<name>, as dispatch.c reads a
    ** top-level TableName; here for the names inside RequestItems and
    ** TransactItems. */
    const char *t = strstr(name, ":table/");
    if (!t || !t[7] || strchr(t + 7, '/')) return NULL;
    name = t + 7;
  }
  return catalog_find(r->srv->store, name);
}

struct table *item_table(struct ddb_request *r) {
  struct table *tbl = item_find_table(r, req_str(r->in, "TableName"));
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

/* DynamoDB's 2026 layer words the empty-key message the same for an Item and
** a Key ("One or more parameter values are not valid."; paritysuite
** error-messages/{updateItem,deleteItem,transactWriteItems}.test.ts). */
static int check_key_value(struct ddb_err *e, const char *attr, char type, const json_t *v, bool is_hash) {
  if (type == 'N') return 0;
  if (json_string_length(v) == 0)
    return ddb_fail(e, DDB_VALIDATION,
                    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                    "contain an empty %s value. Key: %s",
                    type == 'S' ? "string" : "binary", attr);
  size_t size = key_value_size(type, v);
  if (is_hash && size > 2048)
    return ddb_fail(e, DDB_VALIDATION, PREFIX_INVALID "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  if (!is_hash && size > 1024)
    return ddb_fail(e, DDB_VALIDATION,
                    PREFIX_INVALID "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  return 0;
}

/* The first type name of an AttributeValue ("S" of {"S":"x"}). */
static const char *first_type(const json_t *av) {
  void *it = json_object_iter((json_t *)av);
  return it ? json_object_iter_key(it) : "null";
}

int key_check_item_e(struct ddb_err *e, const struct table *tbl, const json_t *item) {
  const char *names[2] = {tbl->pk, tbl->sk};
  const char types[2] = {tbl->pk_type, tbl->sk_type};
  for (int i = 0; i < 2 && types[i]; i++) {
    const json_t *av = json_object_get(item, names[i]);
    char tn[2] = {types[i], 0};
    if (!av) return ddb_fail(e, DDB_VALIDATION, PREFIX_INVALID "Missing the key %s in the item", names[i]);
    const json_t *v = json_object_get(av, tn);
    if (!v)
      return ddb_fail(e, DDB_VALIDATION, PREFIX_INVALID "Type mismatch for key %s expected: %s actual: %s",
                      names[i], tn, first_type(av));
    if (check_key_value(e, names[i], types[i], v, i == 0)) return -1;
  }
  return 0;
}

int key_check_item(struct ddb_request *r, const struct table *tbl, const json_t *item) {
  return key_check_item_e(&r->err, tbl, item);
}

int key_check_key_e(struct ddb_err *e, const struct table *tbl, const json_t *key) {
  size_t want = tbl->sk_type ? 2 : 1;
  if (json_object_size(key) != want)
    return ddb_fail(e, DDB_VALIDATION, "The provided key element does not match the schema");
  const char *names[2] = {tbl->pk, tbl->sk};
  const char types[2] = {tbl->pk_type, tbl->sk_type};
  for (size_t i = 0; i < want; i++) {
    char tn[2] = {types[i], 0};
    const json_t *v = json_object_get(json_object_get(key, names[i]), tn);
    if (!v) return ddb_fail(e, DDB_VALIDATION, "The provided key element does not match the schema");
    if (check_key_value(e, names[i], types[i], v, i == 0)) return -1;
  }
  return 0;
}

int key_check_key(struct ddb_request *r, const struct table *tbl, const json_t *key) {
  return key_check_key_e(&r->err, tbl, key);
}

/* Capacity units DynamoDB charges: reads per 4 KB (halved when eventually
** consistent), writes per 1 KB, at least one unit. */
static double read_units(size_t size, bool consistent) {
  double units = size ? (double)((size + 4095) / 4096) : 1.0;
  return consistent ? units : units / 2;
}

double item_write_units(size_t size) { return size ? (double)((size + 1023) / 1024) : 1.0; }

json_t *consumed_capacity(struct ddb_request *r, const char *table, double units) {
  const char *mode = req_str(r->in, "ReturnConsumedCapacity");
  if (!mode || strcmp(mode, "NONE") == 0) return NULL;
  json_t *cc = json_pack("{ss sf}", "TableName", table, "CapacityUnits", units);
  if (strcmp(mode, "INDEXES") == 0) json_object_set_new(cc, "Table", json_pack("{sf}", "CapacityUnits", units));
  return cc;
}

static json_t *parse_stored(const struct item_rec *rec) {
  return json_loadb(rec->json, rec->json_len, JSON_ALLOW_NUL, NULL);
}

/* A request member, NULL when absent or JSON null (DynamoDB treats both alike). */
static json_t *param(const json_t *in, const char *name) {
  json_t *v = json_object_get(in, name);
  return json_is_null(v) ? NULL : v;
}

/*------------------------------ Expressions --------------------------------*/

int item_parse_exprs(struct ddb_request *r, const json_t *in, struct item_exprs *x, unsigned value_flags,
                     unsigned flags) {
  memset(x, 0, sizeof *x);
  json_t *names = param(in, "ExpressionAttributeNames"), *values = param(in, "ExpressionAttributeValues");
  if (expr_check_attribute_maps(names, values, value_flags, &r->err)) return legacy_envelope(r, flags);
  x->ctx = expr_ctx_new(&r->arena, names, values);
  inst_trace_expr(&r->trace, &r->arena, x->ctx, in); /* instrumentation: templates, diagnostics */
  static const struct {
    const char *param;
    enum expr_kind kind;
  } kinds[] = {
      {"UpdateExpression", EXPR_UPDATE},
      {"ConditionExpression", EXPR_CONDITION},
      {"ProjectionExpression", EXPR_PROJECTION},
  };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    json_t *text = param(in, kinds[i].param);
    if (!text) continue;
    const struct expr *root;
    if (expr_parse(x->ctx, kinds[i].kind, json_string_value(text), json_string_length(text), &root, &r->err))
      return legacy_envelope(r, flags);
    if (kinds[i].kind == EXPR_UPDATE) x->update = root;
    else if (kinds[i].kind == EXPR_CONDITION) x->cond = root;
    else x->projection = root;
  }
  if (expr_ctx_check_unused(x->ctx, &r->err)) return legacy_envelope(r, flags);
  return 0;
}

/*---------------------------- UpdateItem's size ----------------------------*/

static size_t digits(int64_t v) {
  size_t n = 1;
  while (v >= 10) {
    v /= 10;
    n++;
  }
  return n;
}

static size_t elem_bytes(const struct expr_elem *el) {
  return el->kind == EXPR_ELEM_INDEX ? digits(el->index) : el->len;
}

static size_t target_cost(const struct expr *p) {
  size_t n = p->nelems ? elem_bytes(&p->elems[0]) : 0;
  for (uint32_t i = 1; i < p->nelems; i++) n += 4 + elem_bytes(&p->elems[i]);
  return n;
}

static size_t operand_cost(const struct expr *x) {
  switch (x->op) {
  case EXPR_OP_VALUE: return value_attr_size(x->value);
  case EXPR_OP_PATH: {
    size_t n = 1;
    for (uint32_t i = 0; i < x->nelems; i++) n += 14 + elem_bytes(&x->elems[i]);
    return n;
  }
  case EXPR_OP_PLUS: return 34 + operand_cost(x->args[0]) + operand_cost(x->args[1]);
  case EXPR_OP_MINUS: return 37 + operand_cost(x->args[0]) + operand_cost(x->args[1]);
  case EXPR_OP_FUNC: {
    size_t n = x->fn == EXPR_FN_IF_NOT_EXISTS ? 39 : 37;
    for (uint32_t i = 0; i < x->nargs; i++) n += operand_cost(x->args[i]);
    return n;
  }
  default: return 0;
  }
}

/* Bytes of the members of set v that cur (the attribute's current value,
** possibly NULL) lacks. */
static size_t added_members(const json_t *v, const json_t *cur) {
  enum value_type t = value_type_of(v);
  if (t != VT_SS && t != VT_NS && t != VT_BS) return value_attr_size(v);
  const char *tn = value_type_name(t);
  const char *sn = t == VT_SS ? "S" : t == VT_NS ? "N" : "B";
  size_t total = 0, i, j;
  json_t *m, *c;
  json_array_foreach(json_object_get(v, tn), i, m) {
    json_t *wm = json_pack("{sO}", sn, m);
    bool have = false;
    if (value_type_of(cur) == t)
      json_array_foreach(json_object_get(cur, tn), j, c) {
        json_t *wc = json_pack("{sO}", sn, c);
        have = value_equal(wm, wc);
        json_decref(wc);
        if (have) break;
      }
    if (!have) total += value_attr_size(wm);
    json_decref(wm);
  }
  return total;
}

/* The statement size of an UpdateExpression (see the file comment). */
static size_t statement_size(const struct expr *update, const json_t *old_item) {
  size_t n = 3;
  for (uint32_t i = 0; i < update->nargs; i++) {
    const struct expr *clause = update->args[i];
    for (uint32_t j = 0; j < clause->nargs; j++) {
      const struct expr *act = clause->args[j];
      const struct expr *p = act->args[0];
      switch (act->op) {
      case EXPR_OP_SET: n += 19 + target_cost(p) + operand_cost(act->args[1]); break;
      case EXPR_OP_ADD: n += 19 + target_cost(p) + added_members(act->args[1]->value, expr_path_get(p, old_item)); break;
      default: n += 1 + target_cost(p); break;
      }
    }
  }
  return n;
}

/*------------------------------ The write path -----------------------------*/

/* The deepest nesting of an AttributeValue (a scalar is 1). */
static int av_depth(const json_t *av) {
  const char *t = first_type(av);
  const json_t *v = json_object_get(av, t);
  int d = 0;
  if (strcmp(t, "M") == 0) {
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m) {
      int x = av_depth(m);
      if (x > d) d = x;
    }
  } else if (strcmp(t, "L") == 0) {
    size_t i;
    json_t *m;
    json_array_foreach(v, i, m) {
      int x = av_depth(m);
      if (x > d) d = x;
    }
  }
  return d + 1;
}

static int check_depth(const json_t *item, struct ddb_err *e) {
  const char *k;
  json_t *av;
  json_object_foreach((json_t *)item, k, av) {
    if (av_depth(av) > VALUE_MAX_DEPTH)
      return ddb_fail(e, DDB_VALIDATION,
                      "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
                      "levels beyond supported limit");
  }
  return 0;
}

void item_write_clear(struct item_write *w) {
  json_decref(w->old_item);
  json_decref(w->new_item);
  w->old_item = w->new_item = NULL;
}

int item_write_run(struct store_txn *t, struct item_write *w, struct ddb_err *e) {
  struct table *tbl = w->tbl;
  w->old_item = w->new_item = NULL;
  w->old_size = w->new_size = 0;
  w->klen = items_key(tbl, w->item, w->key);
  if (!w->in_transaction && transact_item_locked(t, tbl, w->key, w->klen))
    return ddb_fail(e, DDB_TRANSACTION_CONFLICT, "Transaction is ongoing for the item");
  if (w->kind == ITEM_PUT && index_check_item(tbl, w->item, e)) return -1;

  struct item_rec rec;
  int rc = items_get(t, tbl, w->key, w->klen, &rec, e);
  if (rc < 0) return -1;
  bool exists = rc == 0;
  if (exists) {
    w->old_size = rec.size;
    /* A blind put (no condition, no ReturnValues) never reads the old item. */
    if (w->cond || w->kind != ITEM_PUT || w->want_old) {
      w->old_item = parse_stored(&rec);
      if (!w->old_item) return ddb_fail(e, DDB_INTERNAL, "damaged item record");
    }
  }

  if (w->kind == ITEM_UPDATE && w->update && w->statement_size &&
      statement_size(w->update, w->old_item) > VALUE_MAX_ITEM_SIZE)
    return ddb_fail(e, DDB_VALIDATION, MSG_UPDATE_SIZE);

  if (w->cond) {
    rc = expr_eval_condition(w->cond, w->old_item, e);
    if (rc < 0) return -1;
    if (rc == 0) return ITEM_CONDITION_FAILED;
  }

  switch (w->kind) {
  case ITEM_CHECK: return 0;
  case ITEM_DELETE:
    if (!exists) return 0;
    return items_delete(t, tbl, w->key, w->klen, e) < 0 ? -1 : 0;
  case ITEM_PUT:
    w->new_item = json_incref((json_t *)w->item);
    break;
  case ITEM_UPDATE:
    if (w->attribute_updates && legacy_attribute_updates_precheck(w->attribute_updates, w->old_item, e))
      return -1;
    if (w->update) {
      if (expr_apply_update(w->update, w->old_item ? w->old_item : w->item, &w->new_item, e)) return -1;
    } else {
      w->new_item = json_deep_copy(w->old_item ? w->old_item : w->item);
    }
    /* The key is the item's own, whatever the update did around it. */
    json_object_set(w->new_item, tbl->pk, json_object_get(w->item, tbl->pk));
    if (tbl->sk_type) json_object_set(w->new_item, tbl->sk, json_object_get(w->item, tbl->sk));
    if (check_depth(w->new_item, e)) return -1;
    break;
  }
  size_t size = value_item_size(w->new_item);
  if (size > VALUE_MAX_ITEM_SIZE)
    return ddb_fail(e, DDB_VALIDATION, "%s", w->kind == ITEM_UPDATE ? MSG_UPDATE_SIZE : MSG_ITEM_SIZE);
  w->new_size = (uint32_t)size;
  char *json = json_dumps(w->new_item, JSON_COMPACT);
  if (!json) return ddb_fail(e, DDB_INTERNAL, "cannot encode item");
  rc = items_put(t, tbl, w->key, w->klen, json, strlen(json), w->new_size, e);
  free(json);
  return rc < 0 ? -1 : 0;
}

/* ConditionalCheckFailedException, with the old item when the request asked
** for it (ReturnValuesOnConditionCheckFailure ALL_OLD). */
static int condition_failed(struct ddb_request *r, const struct item_write *w) {
  ddb_fail(&r->err, DDB_CONDITIONAL_CHECK_FAILED, "The conditional request failed");
  const char *rv = req_str(r->in, "ReturnValuesOnConditionCheckFailure");
  if (w->old_item && rv && strcmp(rv, "ALL_OLD") == 0)
    r->err.extra = json_pack("{sO}", "Item", w->old_item);
  return -1;
}

/* Run one plain (non-transactional) write in its own transaction. */
static int run_plain(struct ddb_request *r, struct item_write *w) {
  struct store_txn t;
  if (store_begin(r->srv->store, true, &t, &r->err)) return -1;
  int rc = item_write_run(&t, w, &r->err);
  if (rc == ITEM_CONDITION_FAILED) {
    store_abort(&t);
    return condition_failed(r, w);
  }
  if (rc < 0 || store_commit(&t, &r->err)) {
    store_abort(&t);
    return -1;
  }
  w->txn = t;
  return 0;
}

/* The response's ConsumedCapacity and ItemCollectionMetrics for a write. */
static void write_extras(struct ddb_request *r, const struct item_write *w, json_t *out) {
  size_t billed = w->old_size > w->new_size ? w->old_size : w->new_size;
  json_t *cc = consumed_capacity_detail(r, w->tbl, item_write_units(billed), NULL, 0, &w->txn);
  if (cc) json_object_set_new(out, "ConsumedCapacity", cc);
  json_t *icm = item_collection_metrics(r, w->tbl, w->item);
  if (icm) json_object_set_new(out, "ItemCollectionMetrics", icm);
}

/* PutItem and DeleteItem take only NONE and ALL_OLD. */
static int check_return_old_only(struct ddb_request *r) {
  const char *rv = req_str(r->in, "ReturnValues");
  if (rv && strcmp(rv, "ALL_OLD") != 0 && strcmp(rv, "NONE") != 0) {
    ddb_fail(&r->err, DDB_VALIDATION, "ReturnValues can only be ALL_OLD or NONE");
    return legacy_envelope(r, LEGACY_ENVELOPE);
  }
  return 0;
}

static const char *const COND_EXPRS[] = {"ConditionExpression", NULL};
static const char *const COND_LEGACY[] = {"Expected", "ConditionalOperator", NULL};

/* Expected + ConditionalOperator: check, then translate. */
static int expected_condition(struct ddb_request *r, const struct expr **cond) {
  json_t *expected = param(r->in, "Expected");
  const char *op = json_string_value(param(r->in, "ConditionalOperator"));
  if (legacy_check_expected(r, expected, op, VALUE_ENVELOPE)) return -1;
  *cond = legacy_condition_expr(&r->arena, expected, op && strcmp(op, "OR") == 0);
  return 0;
}

/*------------------------------- Operations --------------------------------*/

/* Is name (len bytes) a key attribute of an index of tbl? Its type then. */
static char index_key_type(const struct table *tbl, const char *name, size_t len) {
  for (int i = 0; i < tbl->nindexes; i++) {
    const struct index *ix = &tbl->indexes[i];
    if (strlen(ix->hash) == len && memcmp(ix->hash, name, len) == 0) return ix->hash_type;
    if (ix->range_type && strlen(ix->range) == len && memcmp(ix->range, name, len) == 0) return ix->range_type;
  }
  return 0;
}

int item_check_index_update(struct ddb_err *e, const struct table *tbl, const struct expr *update) {
  for (uint32_t i = 0; update && i < update->nargs; i++) {
    const struct expr *clause = update->args[i];
    for (uint32_t j = 0; j < clause->nargs; j++) {
      const struct expr *act = clause->args[j];
      if (act->op != EXPR_OP_SET || act->args[0]->nelems != 1 || act->args[1]->op != EXPR_OP_VALUE) continue;
      const struct expr_elem *el = &act->args[0]->elems[0];
      if (el->kind == EXPR_ELEM_INDEX) continue;
      char t = index_key_type(tbl, el->name, el->len);
      char tn[2] = {t, 0};
      const json_t *v = t && t != 'N' ? json_object_get(act->args[1]->value, tn) : NULL;
      if (json_is_string(v) && json_string_length(v) == 0)
        return ddb_fail(e, DDB_VALIDATION,
                        "One or more parameter values are not valid. The update expression attempted to update a "
                        "secondary index key to a value that is not supported. The AttributeValue for a key "
                        "attribute cannot contain an empty %s value.",
                        t == 'S' ? "string" : "binary");
    }
  }
  return 0;
}

/* The Attributes of a write's answer (ReturnValues), or NULL. */
static json_t *returned_values(const char *rv, const struct item_write *w) {
  if (!rv || strcmp(rv, "NONE") == 0) return NULL;
  if (strcmp(rv, "ALL_OLD") == 0) return w->old_item ? json_incref(w->old_item) : NULL;
  if (strcmp(rv, "ALL_NEW") == 0) return json_incref(w->new_item);
  const json_t *from = strcmp(rv, "UPDATED_OLD") == 0 ? w->old_item : w->new_item;
  if (!from) return NULL;
  json_t *got = w->update ? expr_update_returned(w->update, from) : json_object();
  if (json_object_size(got) == 0) {
    json_decref(got);
    return NULL;
  }
  return got;
}

/* Run a plain write and build its answer. */
static int finish_write(struct ddb_request *r, struct item_write *w, json_t **out) {
  if (run_plain(r, w)) {
    item_write_clear(w);
    return -1;
  }
  *out = json_object();
  json_t *attrs = returned_values(req_str(r->in, "ReturnValues"), w);
  if (attrs) json_object_set_new(*out, "Attributes", attrs);
  write_extras(r, w, *out);
  item_write_clear(w);
  return 0;
}

/* PutItem and DeleteItem: the same steps on an Item or a Key. */
static int put_or_delete(struct ddb_request *r, json_t **out, enum item_write_kind kind) {
  bool put = kind == ITEM_PUT;
  if (legacy_check_mixing(r, r->in, COND_EXPRS, COND_LEGACY, COND_EXPRS, LEGACY_ENVELOPE)) return -1;
  json_t *obj = json_object_get(r->in, put ? "Item" : "Key");
  if (value_check_item_ex(obj, VALUE_ENVELOPE, &r->err)) return -1;
  if (check_return_old_only(r)) return -1;
  if (put && value_item_size(obj) > VALUE_MAX_ITEM_SIZE) return ddb_fail(&r->err, DDB_VALIDATION, MSG_ITEM_SIZE);
  const char *rv = req_str(r->in, "ReturnValues");
  struct item_write w = {.kind = kind, .item = obj, .want_old = rv && strcmp(rv, "ALL_OLD") == 0};
  if (expected_condition(r, &w.cond)) return -1;
  struct item_exprs x;
  if (item_parse_exprs(r, r->in, &x, 0, LEGACY_ENVELOPE)) return -1;
  if (x.cond) w.cond = x.cond;
  expr_ctx_set(x.ctx, EXPR_CONDITION, w.cond); /* instrumentation sees Expected as a tree */
  w.tbl = item_table(r);
  if (!w.tbl || (put ? key_check_item(r, w.tbl, obj) : key_check_key(r, w.tbl, obj))) return -1;
  return finish_write(r, &w, out);
}

int op_put_item(struct ddb_request *r, json_t **out) { return put_or_delete(r, out, ITEM_PUT); }

int op_delete_item(struct ddb_request *r, json_t **out) { return put_or_delete(r, out, ITEM_DELETE); }

int item_check_key_update(struct ddb_err *e, const struct table *tbl, const struct expr *update) {
  const char *names[2] = {tbl->pk, tbl->sk};
  for (int i = 0; i < 2 && names[i][0]; i++)
    if (expr_update_touches(update, names[i], strlen(names[i])))
      return ddb_fail(e, DDB_VALIDATION, PREFIX_INVALID "Cannot update attribute %s. This attribute is part of the key",
                      names[i]);
  return 0;
}

int op_update_item(struct ddb_request *r, json_t **out) {
  static const char *const exprs[] = {"UpdateExpression", "ConditionExpression", NULL};
  static const char *const legacy[] = {"AttributeUpdates", "Expected", "ConditionalOperator", NULL};
  if (legacy_check_mixing(r, r->in, exprs, legacy, exprs, LEGACY_ENVELOPE)) return -1;
  json_t *key = json_object_get(r->in, "Key");
  if (value_check_item_ex(key, VALUE_ENVELOPE, &r->err)) return -1;
  struct item_write w = {.kind = ITEM_UPDATE, .item = key, .statement_size = true};
  json_t *au = param(r->in, "AttributeUpdates");
  if (au) {
    if (legacy_check_attribute_updates(r, au, VALUE_ENVELOPE)) return -1;
    w.attribute_updates = au;
    w.update = legacy_update_expr(&r->arena, au);
    w.statement_size = false;
  }
  if (expected_condition(r, &w.cond)) return -1;
  struct item_exprs x;
  if (item_parse_exprs(r, r->in, &x, 0, LEGACY_ENVELOPE)) return -1;
  if (x.cond) w.cond = x.cond;
  if (x.update) w.update = x.update;
  expr_ctx_set(x.ctx, EXPR_CONDITION, w.cond); /* instrumentation sees Expected and */
  expr_ctx_set(x.ctx, EXPR_UPDATE, w.update);  /* AttributeUpdates as trees */
  w.tbl = item_table(r);
  if (!w.tbl || key_check_key(r, w.tbl, key)) return -1;
  if (w.update && item_check_key_update(&r->err, w.tbl, w.update)) return -1;
  if (item_check_index_update(&r->err, w.tbl, w.update)) return -1;
  return finish_write(r, &w, out);
}

int op_get_item(struct ddb_request *r, json_t **out) {
  static const char *const exprs[] = {"ProjectionExpression", NULL};
  static const char *const legacy[] = {"AttributesToGet", NULL};
  if (legacy_check_mixing(r, r->in, exprs, legacy, NULL, 0)) return -1;
  json_t *key = json_object_get(r->in, "Key");
  if (value_check_item(key, &r->err)) return -1;
  const json_t *atg = param(r->in, "AttributesToGet");
  if (atg && legacy_check_attributes_to_get(r, atg)) return -1;
  struct item_exprs x;
  if (item_parse_exprs(r, r->in, &x, 0, 0)) return -1;
  const struct expr *projection = x.projection ? x.projection : legacy_projection_expr(&r->arena, atg);
  expr_ctx_set(x.ctx, EXPR_PROJECTION, projection); /* instrumentation sees AttributesToGet */
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
  if (rc == 0 && !projection) {
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
    r->trace.response_raw = body; /* instrumentation reads what was returned */
    r->trace.response_raw_len = n;
    free(tail);
    json_decref(cc);
    store_abort(&t);
    return 0;
  }
  json_t *item = rc == 0 ? parse_stored(&rec) : NULL;
  store_abort(&t);
  *out = json_object();
  if (item) {
    json_object_set_new(*out, "Item", expr_project(projection, item));
    json_decref(item);
  }
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  return 0;
}

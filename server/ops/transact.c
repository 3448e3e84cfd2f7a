/*
** server/ops/transact.c: TransactWriteItems and TransactGetItems.
**
** TransactWriteItems runs its actions (Put, Update, Delete, ConditionCheck)
** through the shared write path (items.c: item_write_run) inside one atomic
** store transaction (store_begin_atomic: a nested LMDB transaction inside the
** turn's group-commit batch). Every action is evaluated, so that each gets its
** cancellation reason (None, ConditionalCheckFailed, ValidationError,
** TransactionConflict); if any is not None the nested transaction is rolled
** back and the answer is TransactionCanceledException with the reasons in
** request order, else it is merged into the batch: all or nothing.
**
** Order of checks (paritysuite tests/tier3/validation-ordering/
** transactions.test.ts and error-messages/transactWriteItems.test.ts, us-east-1
** and eu-west-2, 2026-10-09; the texts of the older validation layer, without
** the "1 validation error detected: " envelope):
**   1. per action, in request order: exactly one action type; the
**      ExpressionAttributeNames / Values rules; the Item's or Key's values (a
**      too deep item is refused here; expression values are not depth-checked);
**      a Put item over 400 KB; the action's expressions and unused names and
**      values;
**   2. each action's table (ResourceNotFoundException);
**   3. empty or oversized key values (answered at once, in the Item wording);
**   4. two actions on one item ("Transaction request cannot include multiple
**      operations on one item");
**   5. the 4 MB payload limit; the ClientRequestToken;
**   6. the actions. A key that does not match the schema, an update of a key
**      attribute, an item grown past 400 KB or past 32 levels are
**      ValidationError reasons, not request errors.
**
** Idempotency: a ClientRequestToken is remembered for 10 minutes with a SHA-256
** of the request's TransactItems and ReturnItemCollectionMetrics (what
** ReturnConsumedCapacity asks for may change) and the answer of the successful
** call. The same token with the same payload returns that answer again without
** applying anything (ConsumedCapacity then reports the reads DynamoDB charges
** for a replay); a different payload is IdempotentParameterMismatchException.
** Failed calls are not remembered: retrying them runs them again. The same
** tokens serve ExecuteTransaction (partiql.c), whose payload is its
** TransactStatements: a token is one namespace for both operations, as in
** DynamoDB Local 1.25, where a token first used by TransactWriteItems is a
** mismatch for ExecuteTransaction.
**
** Transaction conflicts. ddbwatch runs one request at a time, so two requests
** never overlap inside the server; what can overlap is the window between a
** transaction's answer being decided and it being durable. Answers are held
** until the group commit (server/main.c) that carries their writes has
** committed, so from the clients' side a TransactWriteItems is "in progress"
** until then. We make that window visible as DynamoDB does:
**   - every item a committed TransactWriteItems wrote or checked is locked
**     until the group-commit batch that carries it is durable;
**   - a PutItem, UpdateItem or DeleteItem on a locked item fails with
**     TransactionConflictException ("Transaction is ongoing for the item")
**     and writes nothing; a BatchWriteItem leaves such items unprocessed;
**   - a TransactWriteItems or TransactGetItems touching a locked item is
**     cancelled with the reason TransactionConflict for that action;
**   - GetItem, Query and Scan are never blocked (DynamoDB's reads do not
**     conflict), and see the transaction's writes (their answers wait for the
**     same durable commit).
** The locks need no release step: each carries the LMDB id of the batch
** transaction that holds the writes. A batch that committed writes ends its id
** (the next batch gets a new one), so a lock is live only while the batch id
** it names is the open batch's. A transaction that changed nothing (only
** ConditionChecks, or Deletes of missing items) takes no locks, since its batch
** might then commit nothing and keep its id. ExecuteTransaction takes and
** honours the same locks (ops.h: transact_lock_items).
** Under load (several clients, --sync=full group commits lasting up to 2 ms)
** conflicting requests are refused and retried by the SDKs, as with DynamoDB.
*/
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "items.h"
#include "legacy.h"
#include "ops.h"
#include "value.h"

#define TRANSACT_MAX_PAYLOAD (4u * 1024 * 1024)
#define TOKEN_WINDOW_SECONDS 600.0

/*---------------------------------- Locks -----------------------------------*/

struct lock_ent {
  uint64_t table_id;
  size_t klen;
  uint8_t key[];
};

static struct {
  size_t batch_id;        /* the batch the locks belong to */
  struct lock_ent **slots; /* open addressing, NULL = empty */
  size_t cap, n;
} locks;

static uint64_t lock_hash(uint64_t table_id, const uint8_t *key, size_t klen) {
  uint64_t h = 1469598103934665603ull ^ table_id;
  for (size_t i = 0; i < klen; i++) h = (h ^ key[i]) * 1099511628211ull;
  return h;
}

static void locks_clear(void) {
  for (size_t i = 0; i < locks.cap; i++) {
    free(locks.slots[i]);
    locks.slots[i] = NULL;
  }
  locks.n = 0;
}

/* The open batch's id, or 0 when t does not read a group-commit batch. */
static size_t batch_id_of(const struct store_txn *t) {
  if (!t->txn || (!t->write && !t->borrowed)) return 0;
  return mdb_txn_id(t->txn);
}

/* Drop the locks of an earlier batch; returns the current batch id. */
static size_t locks_sync(const struct store_txn *t) {
  size_t id = batch_id_of(t);
  if (id != locks.batch_id) {
    if (locks.n) locks_clear();
    locks.batch_id = id;
  }
  return id;
}

static struct lock_ent **lock_slot(uint64_t table_id, const uint8_t *key, size_t klen) {
  size_t i = (size_t)lock_hash(table_id, key, klen) & (locks.cap - 1);
  for (;; i = (i + 1) & (locks.cap - 1)) {
    struct lock_ent *e = locks.slots[i];
    if (!e || (e->table_id == table_id && e->klen == klen && memcmp(e->key, key, klen) == 0))
      return &locks.slots[i];
  }
}

bool transact_item_locked(struct store_txn *t, const struct table *tbl, const uint8_t *key, size_t klen) {
  if (!locks_sync(t) || locks.n == 0) return false;
  return *lock_slot(tbl->id, key, klen) != NULL;
}

static void lock_item(const struct table *tbl, const uint8_t *key, size_t klen) {
  if ((locks.n + 1) * 2 > locks.cap) {
    struct lock_ent **old = locks.slots;
    size_t oldcap = locks.cap;
    locks.cap = oldcap ? oldcap * 2 : 256;
    locks.slots = calloc(locks.cap, sizeof *locks.slots);
    if (!locks.slots) abort();
    for (size_t i = 0; i < oldcap; i++)
      if (old[i]) *lock_slot(old[i]->table_id, old[i]->key, old[i]->klen) = old[i];
    free(old);
  }
  struct lock_ent **slot = lock_slot(tbl->id, key, klen);
  if (*slot) return;
  struct lock_ent *e = malloc(sizeof *e + klen);
  if (!e) abort();
  e->table_id = tbl->id;
  e->klen = klen;
  memcpy(e->key, key, klen);
  *slot = e;
  locks.n++;
}

size_t transact_lock_batch(struct store_txn *t) { return locks_sync(t); }

/* Did w change its item? Then the batch that carries it commits, and its id
** advances. */
static bool changed_item(const struct item_write *w) {
  return w->kind == ITEM_PUT || w->kind == ITEM_UPDATE || (w->kind == ITEM_DELETE && w->old_size > 0);
}

void transact_lock_items(size_t batch, struct item_write *const *ws, size_t n) {
  if (!batch || batch != locks.batch_id) return;
  bool any = false;
  for (size_t i = 0; i < n && !any; i++) any = changed_item(ws[i]);
  for (size_t i = 0; any && i < n; i++) lock_item(ws[i]->tbl, ws[i]->key, ws[i]->klen);
}

/*------------------------------ Request tokens ------------------------------*/

struct token {
  char *name;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  double time;           /* monotonic seconds (uv_hrtime) of the call */
  json_t *answer;        /* the successful answer, without ConsumedCapacity */
  json_t *replay_units;  /* {table: read units a replay reports} */
  struct token *next;    /* in arrival order */
  struct token *hnext;   /* in its hash bucket */
};

#define TOKEN_BUCKETS 4096

static struct {
  struct token *head, *tail;
  struct token *buckets[TOKEN_BUCKETS];
} tokens;

static size_t token_bucket(const char *name) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 1099511628211ull;
  return (size_t)(h % TOKEN_BUCKETS);
}

static void token_free(struct token *k) {
  free(k->name);
  json_decref(k->answer);
  json_decref(k->replay_units);
  free(k);
}

/* Forget tokens older than the idempotency window. */
static void tokens_expire(double now) {
  while (tokens.head && now - tokens.head->time >= TOKEN_WINDOW_SECONDS) {
    struct token *k = tokens.head;
    tokens.head = k->next;
    if (!tokens.head) tokens.tail = NULL;
    for (struct token **pp = &tokens.buckets[token_bucket(k->name)]; *pp; pp = &(*pp)->hnext)
      if (*pp == k) {
        *pp = k->hnext;
        break;
      }
    token_free(k);
  }
}

static struct token *token_find(const char *name) {
  for (struct token *k = tokens.buckets[token_bucket(name)]; k; k = k->hnext)
    if (strcmp(k->name, name) == 0) return k;
  return NULL;
}

static void token_add(struct token *k) {
  if (tokens.tail) tokens.tail->next = k;
  else tokens.head = k;
  tokens.tail = k;
  size_t b = token_bucket(k->name);
  k->hnext = tokens.buckets[b];
  tokens.buckets[b] = k;
}

/* SHA-256 of the operation's name and the named members of the request, in
** a canonical form (compact JSON, sorted keys). */
static void payload_digest(const json_t *in, const char *op, const char *const *members,
                           unsigned char out[SHA256_DIGEST_LENGTH]) {
  json_t *p = json_pack("{ss}", "$operation", op);
  for (const char *const *m = members; *m; m++) {
    json_t *v = json_object_get(in, *m);
    if (v) json_object_set(p, *m, v);
  }
  char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
  SHA256((const unsigned char *)(text ? text : ""), text ? strlen(text) : 0, out);
  free(text);
  json_decref(p);
}

static json_t *capacity_list(struct ddb_request *r, json_t *units, const char *kind);
static void units_add(json_t *acc, const char *table, double units);

int transact_token_begin(struct ddb_request *r, const char *op, const char *const *members, const char *kind,
                         struct transact_token *k, json_t **answer) {
  memset(k, 0, sizeof *k);
  k->name = req_str(r->in, "ClientRequestToken");
  if (!k->name) return 0;
  k->time = (double)uv_hrtime() / 1e9; /* monotonic, also under --deterministic */
  tokens_expire(k->time);
  payload_digest(r->in, op, members, k->digest);
  struct token *old = token_find(k->name);
  if (!old) return 0;
  if (memcmp(old->digest, k->digest, sizeof k->digest) != 0)
    return ddb_fail(&r->err, DDB_IDEMPOTENT_MISMATCH,
                    "Request parameters do not match the original request with this ClientRequestToken");
  *answer = json_deep_copy(old->answer);
  json_t *cc = capacity_list(r, old->replay_units, kind ? "ReadCapacityUnits" : NULL);
  if (cc) json_object_set_new(*answer, "ConsumedCapacity", cc);
  return 1;
}

void transact_token_remember(const struct transact_token *k, const json_t *answer, struct item_write *const *ws,
                             size_t n) {
  if (!k->name) return;
  struct token *t = calloc(1, sizeof *t);
  if (!t) abort();
  t->name = strdup(k->name);
  if (!t->name) abort();
  memcpy(t->digest, k->digest, sizeof t->digest);
  t->time = k->time;
  t->answer = json_deep_copy(answer);
  t->replay_units = json_object();
  for (size_t i = 0; i < n; i++) units_add(t->replay_units, ws[i]->tbl->name, 2);
  token_add(t);
}

/*------------------------------ Capacity -----------------------------------*/

/* Per-table units of a transaction, reported as DynamoDB reports them:
** CapacityUnits plus, with kind, ReadCapacityUnits / WriteCapacityUnits. */
static void units_add(json_t *acc, const char *table, double units) {
  json_t *cur = json_object_get(acc, table);
  json_object_set_new(acc, table, json_real((cur ? json_real_value(cur) : 0) + units));
}

/* {"CapacityUnits": v} plus {kind: v} when kind is not NULL (new reference). */
static json_t *units_obj(double v, const char *kind) {
  json_t *o = json_pack("{sf}", "CapacityUnits", v);
  if (kind) json_object_set_new(o, kind, json_real(v));
  return o;
}

/* {"TableName": table, "CapacityUnits": v} plus {kind: v} (new reference). */
static json_t *table_entry(const char *table, double v, const char *kind) {
  json_t *o = json_pack("{ss sf}", "TableName", table, "CapacityUnits", v);
  if (kind) json_object_set_new(o, kind, json_real(v));
  return o;
}

/* The ConsumedCapacity list for units {table: units}: NULL for NONE. */
static json_t *capacity_list(struct ddb_request *r, json_t *units, const char *kind) {
  const char *mode = req_str(r->in, "ReturnConsumedCapacity");
  if (!mode || strcmp(mode, "NONE") == 0 || json_object_size(units) == 0) return NULL;
  json_t *list = json_array();
  const char *table;
  json_t *u;
  json_object_foreach(units, table, u) {
    double v = json_real_value(u);
    json_t *cc = table_entry(table, v, kind);
    if (strcmp(mode, "INDEXES") == 0) json_object_set_new(cc, "Table", units_obj(v, kind));
    json_array_append_new(list, cc);
  }
  return list;
}

json_t *transact_write_capacity(struct ddb_request *r, struct item_write *const *ws, size_t n,
                                const struct store_txn *t, const char *kind) {
  const char *mode = req_str(r->in, "ReturnConsumedCapacity");
  if (!mode || strcmp(mode, "NONE") == 0 || n == 0) return NULL;
  bool indexes = strcmp(mode, "INDEXES") == 0;
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++) {
    const struct table *tbl = ws[i]->tbl;
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) seen = ws[j]->tbl == tbl;
    if (seen) continue;
    double table_units = 0;
    for (size_t j = i; j < n; j++) {
      if (ws[j]->tbl != tbl) continue;
      uint32_t billed = ws[j]->old_size > ws[j]->new_size ? ws[j]->old_size : ws[j]->new_size;
      table_units += 2 * item_write_units(billed);
    }
    double total = table_units;
    json_t *local = json_object(), *global = json_object();
    for (int k = 0; k < t->niwrites; k++) {
      const struct store_index_write *iw = &t->iwrites[k];
      if (iw->table != tbl) continue;
      double u = 2.0 * iw->units;
      total += u;
      json_t *map = iw->index->global ? global : local;
      json_t *cur = json_object_get(map, iw->index->name);
      double prev = cur ? json_real_value(json_object_get(cur, "CapacityUnits")) : 0;
      json_object_set_new(map, iw->index->name, units_obj(prev + u, kind));
    }
    json_t *cc = table_entry(tbl->name, total, kind);
    if (indexes) {
      json_object_set_new(cc, "Table", units_obj(table_units, kind));
      if (json_object_size(local)) json_object_set(cc, "LocalSecondaryIndexes", local);
      if (json_object_size(global)) json_object_set(cc, "GlobalSecondaryIndexes", global);
    }
    json_decref(local);
    json_decref(global);
    json_array_append_new(list, cc);
  }
  return list;
}

/*------------------------------- Actions ------------------------------------*/

static const char *const ACTION_NAMES[4] = {"Put", "Update", "Delete", "ConditionCheck"};
static const enum item_write_kind ACTION_KINDS[4] = {ITEM_PUT, ITEM_UPDATE, ITEM_DELETE, ITEM_CHECK};

struct action {
  json_t *body;             /* the Put / Update / ... member (borrowed) */
  struct item_exprs x;
  bool key_ok;              /* the key attributes have the schema's types */
  const char *key_error;    /* otherwise DynamoDB's reason text (arena) */
  struct item_write w;
};

static json_t *member(const json_t *in, const char *name) {
  json_t *v = json_object_get(in, name);
  return json_is_null(v) ? NULL : v;
}

/* Step 1 for one action. */
static int check_action(struct ddb_request *r, json_t *ti, struct action *a) {
  int found = -1, count = 0;
  for (int k = 0; k < 4; k++)
    if (member(ti, ACTION_NAMES[k])) {
      if (found < 0) found = k;
      count++;
    }
  if (count == 0)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "The action or operation requested is invalid. Verify that the action is typed correctly.");
  if (count > 1)
    return ddb_fail(&r->err, DDB_VALIDATION, "TransactItems can only contain one of Check, Put, Update or Delete");
  a->body = member(ti, ACTION_NAMES[found]);
  a->w.kind = ACTION_KINDS[found];
  a->w.in_transaction = true;
  static const char *const cond[] = {"ConditionExpression", NULL};
  static const char *const upd[] = {"UpdateExpression", "ConditionExpression", NULL};
  const char *const *exprs = a->w.kind == ITEM_UPDATE ? upd : cond;
  if (legacy_check_mixing(r, a->body, exprs, NULL, exprs, 0)) return -1;
  json_t *obj = json_object_get(a->body, a->w.kind == ITEM_PUT ? "Item" : "Key");
  if (value_check_item_ex(obj, VALUE_OLDER, &r->err)) return -1;
  if (a->w.kind == ITEM_PUT && value_item_size(obj) > VALUE_MAX_ITEM_SIZE)
    return ddb_fail(&r->err, DDB_VALIDATION, "Item size has exceeded the maximum allowed size");
  a->w.item = obj;
  if (item_parse_exprs(r, a->body, &a->x, VALUE_OLDER | VALUE_NO_DEPTH, 0)) return -1;
  a->w.cond = a->x.cond;
  a->w.update = a->x.update;
  return 0;
}

/* Step 3 for one action: empty and oversized key values answer at once; a key
** that does not match the schema waits to become a ValidationError reason. */
static int check_action_key(struct ddb_request *r, struct action *a) {
  struct ddb_err e = {0};
  const struct table *tbl = a->w.tbl;
  int rc = a->w.kind == ITEM_PUT ? key_check_item_e(&e, tbl, a->w.item) : key_check_key_e(&e, tbl, a->w.item);
  a->key_ok = rc == 0;
  if (rc) {
    bool request_level = e.msg && (strstr(e.msg, "cannot contain an empty") || strstr(e.msg, "Size of hashkey") ||
                                   strstr(e.msg, "Aggregated size of all range keys"));
    if (request_level) {
      ddb_fail(&r->err, e.code, "%s", e.msg);
      ddb_err_clear(&e);
      return -1;
    }
    a->key_error = arena_strdup(&r->arena, e.msg ? e.msg : "The provided key element does not match the schema");
  }
  ddb_err_clear(&e);
  /* Empty index key values are known from the request too (a mismatched type
  ** waits for its reason). */
  if (a->w.kind == ITEM_PUT && index_check_item(tbl, a->w.item, &e) && e.msg && strstr(e.msg, "cannot contain an empty")) {
    ddb_fail(&r->err, e.code, "%s", e.msg);
    ddb_err_clear(&e);
    return -1;
  }
  ddb_err_clear(&e);
  if (a->w.kind == ITEM_UPDATE && item_check_index_update(&r->err, tbl, a->w.update)) return -1;
  return 0;
}

json_t *transact_reason(const char *code, const char *message) {
  return message ? json_pack("{ss ss}", "Code", code, "Message", message) : json_pack("{ss}", "Code", code);
}

json_t *transact_error_reason(const struct ddb_err *e) {
  const char *msg = e->msg ? e->msg : "";
  if (e->code == DDB_VALIDATION) return transact_reason("ValidationError", msg);
  if (e->code == DDB_ITEM_COLLECTION_SIZE) return transact_reason("ItemCollectionSizeLimitExceeded", msg);
  return NULL;
}

int transact_cancelled(struct ddb_request *r, json_t *reasons) {
  char *codes = arena_strdup(&r->arena, "");
  size_t i;
  json_t *x;
  json_array_foreach(reasons, i, x) {
    codes = arena_printf(&r->arena, "%s%s%s", codes, i ? ", " : "", json_string_value(json_object_get(x, "Code")));
  }
  ddb_fail(&r->err, DDB_TRANSACTION_CANCELED,
           "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", codes);
  r->err.extra = json_pack("{so}", "CancellationReasons", reasons);
  return -1;
}

/* The ItemCollectionMetrics of a transaction: {table: [metrics, ...]}. */
static json_t *collection_metrics(struct ddb_request *r, struct action *acts, size_t n) {
  json_t *out = json_object();
  for (size_t i = 0; i < n; i++) {
    if (acts[i].w.kind == ITEM_CHECK) continue;
    json_t *m = item_collection_metrics(r, acts[i].w.tbl, acts[i].w.item);
    if (!m) continue;
    json_t *list = json_object_get(out, acts[i].w.tbl->name);
    if (!list) {
      list = json_array();
      json_object_set_new(out, acts[i].w.tbl->name, list);
    }
    json_array_append_new(list, m);
  }
  if (json_object_size(out) == 0) {
    json_decref(out);
    return NULL;
  }
  return out;
}

/* Step 6: run every action; 0 when all passed, 1 when some was cancelled
** (reasons filled), -1 on an internal error. */
static int run_actions(struct ddb_request *r, struct store_txn *t, struct action *acts, size_t n, json_t *reasons) {
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    struct action *a = &acts[i];
    struct ddb_err e = {0};
    if (!a->key_ok) {
      json_array_append_new(reasons, transact_reason("ValidationError", a->key_error));
      failed = 1;
      continue;
    }
    if (a->w.kind == ITEM_UPDATE && a->w.update && item_check_key_update(&e, a->w.tbl, a->w.update)) {
      json_array_append_new(reasons, transact_reason("ValidationError", e.msg));
      ddb_err_clear(&e);
      failed = 1;
      continue;
    }
    size_t klen = items_key(a->w.tbl, a->w.item, a->w.key);
    if (transact_item_locked(t, a->w.tbl, a->w.key, klen)) {
      json_array_append_new(reasons, transact_reason("TransactionConflict", TRANSACT_MSG_CONFLICT));
      failed = 1;
      continue;
    }
    int rc = item_write_run(t, &a->w, &e);
    if (rc == 0) {
      json_array_append_new(reasons, transact_reason("None", NULL));
    } else if (rc == ITEM_CONDITION_FAILED) {
      json_t *x = transact_reason("ConditionalCheckFailed", "The conditional request failed");
      const char *rv = req_str(a->body, "ReturnValuesOnConditionCheckFailure");
      if (a->w.old_item && rv && strcmp(rv, "ALL_OLD") == 0) json_object_set(x, "Item", a->w.old_item);
      json_array_append_new(reasons, x);
      failed = 1;
    } else {
      json_t *x = transact_error_reason(&e);
      if (!x) {
        ddb_fail(&r->err, e.code, "%s", e.msg ? e.msg : "");
        ddb_err_clear(&e);
        return -1;
      }
      json_array_append_new(reasons, x);
      failed = 1;
    }
    ddb_err_clear(&e);
  }
  return failed;
}

int op_transact_write_items(struct ddb_request *r, json_t **out) {
  json_t *items = json_object_get(r->in, "TransactItems");
  size_t n = json_array_size(items), i;
  struct action *acts = arena_alloc(&r->arena, (n ? n : 1) * sizeof *acts);
  json_t *ti;
  json_array_foreach(items, i, ti) {
    if (check_action(r, ti, &acts[i])) return -1;
  }
  for (i = 0; i < n; i++) {
    acts[i].w.tbl = item_find_table(r, req_str(acts[i].body, "TableName"));
    if (!acts[i].w.tbl) return ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
  }
  size_t payload = 0;
  for (i = 0; i < n; i++) {
    if (check_action_key(r, &acts[i])) return -1;
    payload += value_item_size(acts[i].w.item);
  }
  for (i = 0; i < n; i++) {
    if (!acts[i].key_ok) continue;
    acts[i].w.klen = items_key(acts[i].w.tbl, acts[i].w.item, acts[i].w.key);
    for (size_t j = 0; j < i; j++)
      if (acts[j].key_ok && acts[j].w.tbl == acts[i].w.tbl && acts[j].w.klen == acts[i].w.klen &&
          memcmp(acts[j].w.key, acts[i].w.key, acts[i].w.klen) == 0)
        return ddb_fail(&r->err, DDB_VALIDATION, "Transaction request cannot include multiple operations on one item");
  }
  if (payload > TRANSACT_MAX_PAYLOAD)
    return ddb_fail(&r->err, DDB_VALIDATION, "Transaction payload size cannot exceed 4MB. Payload Size: %zu", payload);

  static const char *const payload_members[] = {"TransactItems", "ReturnItemCollectionMetrics", NULL};
  struct transact_token token;
  int replay = transact_token_begin(r, "TransactWriteItems", payload_members, "WriteCapacityUnits", &token, out);
  if (replay) return replay < 0 ? -1 : 0;

  struct store_txn t;
  if (store_begin_atomic(r->srv->store, &t, &r->err)) return -1;
  json_t *reasons = json_array();
  int rc = run_actions(r, &t, acts, n, reasons);
  struct item_write **ws = arena_alloc(&r->arena, (n ? n : 1) * sizeof *ws);
  for (i = 0; i < n; i++) ws[i] = &acts[i].w;
  if (rc != 0) {
    store_abort(&t);
    for (i = 0; i < n; i++) item_write_clear(&acts[i].w);
    if (rc < 0) {
      json_decref(reasons);
      return -1;
    }
    return transact_cancelled(r, reasons);
  }
  json_decref(reasons);
  size_t batch = transact_lock_batch(&t);
  if (store_commit(&t, &r->err)) {
    for (i = 0; i < n; i++) item_write_clear(&acts[i].w);
    return -1;
  }
  transact_lock_items(batch, ws, n);
  json_t *cc = transact_write_capacity(r, ws, n, &t, "WriteCapacityUnits");
  *out = json_object();
  json_t *icm = collection_metrics(r, acts, n);
  if (icm) json_object_set_new(*out, "ItemCollectionMetrics", icm);
  transact_token_remember(&token, *out, ws, n);
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  for (i = 0; i < n; i++) item_write_clear(&acts[i].w);
  return 0;
}

/*----------------------------- TransactGetItems -----------------------------*/

int op_transact_get_items(struct ddb_request *r, json_t **out) {
  json_t *items = json_object_get(r->in, "TransactItems");
  size_t n = json_array_size(items), i;
  struct get {
    json_t *body;
    struct table *tbl;
    struct item_exprs x;
    const char *key_error;
    uint8_t key[KEYCODEC_MAX];
    size_t klen;
  } *gets = arena_alloc(&r->arena, (n ? n : 1) * sizeof *gets);
  json_t *ti;
  static const char *const proj[] = {"ProjectionExpression", NULL};
  json_array_foreach(items, i, ti) {
    struct get *g = &gets[i];
    g->body = member(ti, "Get");
    if (!g->body)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "The action or operation requested is invalid. Verify that the action is typed correctly.");
    if (legacy_check_mixing(r, g->body, proj, NULL, NULL, 0)) return -1;
    if (value_check_item_ex(json_object_get(g->body, "Key"), VALUE_OLDER, &r->err)) return -1;
    if (item_parse_exprs(r, g->body, &g->x, VALUE_OLDER, 0)) return -1;
  }
  for (i = 0; i < n; i++) {
    gets[i].tbl = item_find_table(r, req_str(gets[i].body, "TableName"));
    if (!gets[i].tbl) return ddb_fail(&r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
  }
  for (i = 0; i < n; i++) {
    struct get *g = &gets[i];
    struct ddb_err e = {0};
    json_t *key = json_object_get(g->body, "Key");
    if (key_check_key_e(&e, g->tbl, key)) {
      if (e.msg && strstr(e.msg, "cannot contain an empty")) {
        ddb_fail(&r->err, e.code, "%s", e.msg);
        ddb_err_clear(&e);
        return -1;
      }
      g->key_error = arena_strdup(&r->arena, e.msg ? e.msg : "The provided key element does not match the schema");
      ddb_err_clear(&e);
      continue;
    }
    g->klen = items_key(g->tbl, key, g->key);
    for (size_t j = 0; j < i; j++)
      if (!gets[j].key_error && gets[j].tbl == g->tbl && gets[j].klen == g->klen &&
          memcmp(gets[j].key, g->key, g->klen) == 0)
        return ddb_fail(&r->err, DDB_VALIDATION, "Transaction request cannot include multiple operations on one item");
  }

  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  json_t *reasons = json_array(), *responses = json_array(), *units = json_object();
  bool failed = false;
  for (i = 0; i < n && !failed; i++) {
    if (gets[i].key_error || transact_item_locked(&t, gets[i].tbl, gets[i].key, gets[i].klen)) failed = true;
  }
  for (i = 0; i < n; i++) {
    struct get *g = &gets[i];
    if (g->key_error) {
      json_array_append_new(reasons, transact_reason("ValidationError", g->key_error));
      continue;
    }
    if (transact_item_locked(&t, g->tbl, g->key, g->klen)) {
      json_array_append_new(reasons, transact_reason("TransactionConflict", TRANSACT_MSG_CONFLICT));
      continue;
    }
    json_array_append_new(reasons, transact_reason("None", NULL));
    if (failed) continue;
    struct item_rec rec;
    int rc = items_get(&t, g->tbl, g->key, g->klen, &rec, &r->err);
    if (rc < 0) {
      store_abort(&t);
      json_decref(reasons);
      json_decref(responses);
      json_decref(units);
      return -1;
    }
    double u = rc == 0 && rec.size ? (double)((rec.size + 4095) / 4096) : 1.0;
    units_add(units, g->tbl->name, 2 * u);
    json_t *resp = json_object();
    if (rc == 0) {
      json_t *item = json_loadb(rec.json, rec.json_len, JSON_ALLOW_NUL, NULL);
      if (item && g->x.projection) json_object_set_new(resp, "Item", expr_project(g->x.projection, item));
      else if (item) json_object_set(resp, "Item", item);
      json_decref(item);
    }
    json_array_append_new(responses, resp);
  }
  store_abort(&t);
  if (failed) {
    json_decref(responses);
    json_decref(units);
    return transact_cancelled(r, reasons);
  }
  json_decref(reasons);
  *out = json_pack("{so}", "Responses", responses);
  json_t *cc = capacity_list(r, units, "ReadCapacityUnits");
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  json_decref(units);
  return 0;
}

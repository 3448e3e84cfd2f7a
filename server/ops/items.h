/*
** server/ops/items.h: the single-item write path (items.c) that PutItem,
** UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems share, the
** expression parsing they share, and the transaction locks (transact.c) that
** plain writes consult.
*/
#ifndef DDB_OPS_ITEMS_H
#define DDB_OPS_ITEMS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "expr/expr.h"
#include "request.h"
#include "storage/keycodec.h"
#include "storage/store.h"

/* The parsed expressions of one request (or one transaction action). */
struct item_exprs {
  struct expr_ctx *ctx;
  const struct expr *cond, *update, *projection; /* NULL when absent */
};

/* Check ExpressionAttributeNames / Values of in (value_flags for the values),
** parse UpdateExpression, ConditionExpression and ProjectionExpression (those
** present, in that order), then report unused names and values. flags:
** LEGACY_ENVELOPE wraps errors in "1 validation error detected: ". Sets
** r->trace.expr_ctx to the context (the first one of the request, or the one
** that failed). Returns 0 or -1 with r->err set. */
int item_parse_exprs(struct ddb_request *r, const json_t *in, struct item_exprs *x, unsigned value_flags,
                     unsigned flags);

enum item_write_kind { ITEM_PUT, ITEM_UPDATE, ITEM_DELETE, ITEM_CHECK };

/* item_write_run's answer when the condition is false (nothing written). */
#define ITEM_CONDITION_FAILED 1

/* One write (or ConditionCheck) of one item. The caller fills the first
** block; item_write_run fills the rest. */
struct item_write {
  enum item_write_kind kind;
  struct table *tbl;
  const json_t *item;              /* ITEM_PUT: the new item; else the Key (borrowed) */
  const struct expr *cond;         /* the condition, or NULL */
  const struct expr *update;       /* ITEM_UPDATE: the update, or NULL (key only) */
  const json_t *attribute_updates; /* ITEM_UPDATE from AttributeUpdates (their type check) */
  bool statement_size;             /* UpdateItem's statement-sized limit (items.c) */
  bool in_transaction;             /* a TransactWriteItems action: no lock check */
  bool want_old;                   /* ITEM_PUT: the caller reads old_item (ReturnValues
                                      ALL_OLD); other kinds and conditions always get it */

  uint8_t key[KEYCODEC_MAX];       /* the item's storage key */
  size_t klen;
  json_t *old_item, *new_item;     /* owned; NULL when absent / deleted */
  uint32_t old_size, new_size;
  struct store_txn txn;            /* the committed txn (index write units), plain writes */
};

/* Run w inside t: refuse a plain write to an item a transaction holds
** (TransactionConflictException), read the old item, check UpdateItem's
** statement size, evaluate the condition, apply, check the finished item
** (depth, size) and store it (items_put / items_delete, which keep indexes).
** Returns 0, ITEM_CONDITION_FAILED (nothing written; w->old_item set), or -1
** with e set. Call item_write_clear afterwards either way. */
int item_write_run(struct store_txn *t, struct item_write *w, struct ddb_err *e);
void item_write_clear(struct item_write *w);

/* "Cannot update attribute pk. This attribute is part of the key" when update
** touches a key attribute. Returns 0 or -1 with e set. */
int item_check_key_update(struct ddb_err *e, const struct table *tbl, const struct expr *update);

/* DynamoDB's answer, known from the request alone, to an update that SETs a
** secondary-index key attribute to an empty string or binary ("...The update
** expression attempted to update a secondary index key to a value that is not
** supported..."). Returns 0 or -1 with e set. */
int item_check_index_update(struct ddb_err *e, const struct table *tbl, const struct expr *update);

/* key_check_item / key_check_key (ops.h) reporting into e. */
int key_check_item_e(struct ddb_err *e, const struct table *tbl, const json_t *item);
int key_check_key_e(struct ddb_err *e, const struct table *tbl, const json_t *key);

/* The table named name, or by its ARN (arn:aws:dynamodb:<region>:<account>:
** table/<name>); NULL when there is none (no error set). */
struct table *item_find_table(struct ddb_request *r, const char *name);

/* Write capacity units of an item of size bytes (1 KB each, at least 1). */
double item_write_units(size_t size);

/* transact.c: true while a TransactWriteItems that took part in the item
** (table tbl, storage key) is not yet durable; t is the caller's transaction
** (it tells which group-commit batch is open). */
bool transact_item_locked(struct store_txn *t, const struct table *tbl, const uint8_t *key, size_t klen);

#endif

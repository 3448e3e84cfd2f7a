/*
** server/ops/ops.h: every operation handler (one file per family).
*/
#ifndef DDB_OPS_H
#define DDB_OPS_H

#include "request.h"

/* tables.c */
op_fn op_create_table, op_delete_table, op_describe_table, op_list_tables;
/* batch.c */
op_fn op_batch_get_item, op_batch_write_item;
/* items.c */
op_fn op_put_item, op_get_item, op_delete_item;
op_fn op_update_item; /* items.c */
op_fn op_transact_write_items, op_transact_get_items; /* transact.c */
/* partiql.c */
op_fn op_execute_statement, op_batch_execute_statement, op_execute_transaction;
/* query_scan.c */
op_fn op_query, op_scan;
/* tables.c: UpdateTable */
op_fn op_update_table;
struct ddb_server;
struct table;
/* Start (unless running) the back-fill job of each CREATING index of tbl. */
void index_backfill_kick(struct ddb_server *srv, const struct table *tbl);

struct table;
/* The table named by the request's TableName, or NULL with ResourceNotFound
** ("Requested resource not found", the data-plane wording). */
struct table *item_table(struct ddb_request *r);
/* An Item must hold every key attribute with the schema's type, non-empty and
** within the key size limits (DynamoDB's "Missing the key"/"Type mismatch"). */
int key_check_item(struct ddb_request *r, const struct table *tbl, const json_t *item);
/* A Key must hold exactly the key attributes ("The provided key element does
** not match the schema"). */
int key_check_key(struct ddb_request *r, const struct table *tbl, const json_t *key);
/* ConsumedCapacity for ReturnConsumedCapacity TOTAL/INDEXES, or NULL for NONE
** (new reference). */
json_t *consumed_capacity(struct ddb_request *r, const char *table, double units);

struct index;
struct store_txn;
/* ConsumedCapacity for ReturnConsumedCapacity TOTAL/INDEXES, or NULL for NONE
** (new reference; query_scan.c): table_units for the table itself, plus
** index_units read from index ix (NULL: none), plus the index write units
** that writes (NULL: none) recorded for tbl (store_txn.iwrites). INDEXES adds
** "Table" and the LocalSecondaryIndexes / GlobalSecondaryIndexes maps. */
json_t *consumed_capacity_detail(struct ddb_request *r, const struct table *tbl, double table_units,
                                 const struct index *ix, double index_units,
                                 const struct store_txn *writes);
/* ItemCollectionMetrics for ReturnItemCollectionMetrics SIZE on a table with
** an LSI, else NULL (new reference; query_scan.c): the collection of
** item_or_key's partition key after the write, its size as DynamoDB's range
** of whole gigabytes ([0.0, 1.0] below 1 GB). Call after store_commit. */
json_t *item_collection_metrics(struct ddb_request *r, const struct table *tbl,
                                const json_t *item_or_key);

/*------------------------------------------------------------------------------
** transact.c: what every transactional write shares. ExecuteTransaction
** (partiql.c) is TransactWriteItems written in PartiQL, so it uses the same
** idempotency tokens (one namespace: a token first used by one operation is a
** mismatch for the other), the same item locks, the same cancellation and the
** same capacity rules. The transact_item_locked check is in items.h.
*/
struct item_write;

/* TransactionConflict's reason and TransactionConflictException's text. */
#define TRANSACT_MSG_CONFLICT "Transaction is ongoing for the item"

/* One CancellationReasons entry, {"Code": code} or with "Message" when
** message is not NULL (new reference). */
json_t *transact_reason(const char *code, const char *message);

/* The CancellationReasons entry for an error e of one write of a transaction
** (new reference): ValidationError for what the write refuses,
** ItemCollectionSizeLimitExceeded for a full item collection; NULL for an
** error that fails the whole request instead. */
struct ddb_err;
json_t *transact_error_reason(const struct ddb_err *e);

/* TransactionCanceledException "Transaction cancelled, please refer
** cancellation reasons for specific reasons [<the codes, in order>]" with
** reasons (stolen) as its CancellationReasons. Returns -1. */
int transact_cancelled(struct ddb_request *r, json_t *reasons);

/* A ClientRequestToken being honoured. Tokens are remembered for 10 minutes
** after a successful call, with a SHA-256 of the members of the request that
** define it and the call's answer. */
struct transact_token {
  const char *name;        /* the ClientRequestToken (borrowed), NULL: none */
  unsigned char digest[32]; /* SHA-256 of the operation name and the members */
  double time;             /* monotonic seconds of the call */
};

/* Look the request's ClientRequestToken up. members: the NULL-terminated
** names of the request members that make up its payload (what
** ReturnConsumedCapacity asks for is not part of it). Returns 0 when the call
** must run (k filled, for transact_token_remember); 1 for a replay of a
** remembered call, with *answer its answer again (new reference) plus the
** ConsumedCapacity that DynamoDB reports for a replay when the request asks:
** two read units per item, repeated as ReadCapacityUnits when kind is not
** NULL (TransactWriteItems passes "WriteCapacityUnits", ExecuteTransaction
** NULL, as for transact_write_capacity); -1 with
** IdempotentParameterMismatchException when the token was used with another
** payload. Read-only ExecuteTransaction calls take no token (DynamoDB Local
** 1.25 answers them afresh whatever the token). */
int transact_token_begin(struct ddb_request *r, const char *op, const char *const *members, const char *kind,
                         struct transact_token *k, json_t **answer);

/* Remember a successful call: its answer (copied, without ConsumedCapacity)
** and, for a replay's capacity, the tables of its n writes. No-op when k has
** no token. */
void transact_token_remember(const struct transact_token *k, const json_t *answer, struct item_write *const *ws,
                             size_t n);

/* The group-commit batch that the write transaction t writes into (0: none).
** Read it before store_commit(t), which ends t. */
size_t transact_lock_batch(struct store_txn *t);

/* After store_commit succeeded: lock every item of the n writes (those
** written and those only checked) until batch is durable, so that a plain
** write meanwhile fails with TransactionConflictException and another
** transaction is cancelled with a TransactionConflict reason. Nothing is
** locked when none of the writes changed an item, since the batch might then
** commit nothing and keep its id. */
void transact_lock_items(size_t batch, struct item_write *const *ws, size_t n);

/* The ConsumedCapacity list of a committed write transaction t, or NULL for
** ReturnConsumedCapacity NONE (new reference): per table, two units per 1 KB
** of each item written or checked (the larger of its old and new size) plus
** twice the index write units t recorded (store_txn.iwrites); INDEXES adds
** "Table" and the LocalSecondaryIndexes / GlobalSecondaryIndexes maps. kind
** ("WriteCapacityUnits") repeats each figure under that name, as
** TransactWriteItems reports; NULL for ExecuteTransaction. */
json_t *transact_write_capacity(struct ddb_request *r, struct item_write *const *ws, size_t n,
                                const struct store_txn *t, const char *kind);

#endif

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

#endif

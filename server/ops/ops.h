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

#endif

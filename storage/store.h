/*
** storage/store.h: ddbwatch's LMDB storage.
**
** One LMDB environment holds:
**   "catalog"   table name -> stored table description (compact JSON)
**   "meta"      "next_id" -> u64; "size:<id>" -> u64 sum of item sizes
**   "t<id>"     one items DBI per table: keycodec key -> item record
** An item record is a 4-byte little-endian DynamoDB item size followed by the
** item's compact wire JSON ({"pk":{"S":"a"},...}), so a read can answer from
** the stored bytes without re-encoding.
**
** Storage knows nothing about HTTP or request shapes. Every function that
** takes a txn works inside the caller's transaction; the in-memory catalog
** cache is only changed by store_commit() when the transaction committed, so a
** failed request never leaves the cache and the disk out of step.
**
** Memory: MDB_val data returned by LMDB points into the map and is valid only
** until the transaction ends (see lmdb.h); copy what must outlive it.
*/
#ifndef DDB_STORE_H
#define DDB_STORE_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "errors.h"

enum store_sync {
  STORE_SYNC_FULL, /* every acknowledged write is on disk (fsync per commit) */
  STORE_SYNC_NONE, /* no fsync: fast, for throwaway data */
};

/* A table as the server sees it. Owned by the store's catalog cache. */
struct table {
  char *name;
  uint64_t id;      /* names the items DBI "t<id>" */
  MDB_dbi items;    /* open handle of the items DBI */
  json_t *desc;     /* stored description (owned); see catalog.c */
  char pk[256];     /* partition key attribute name */
  char pk_type;     /* 'S', 'N' or 'B' */
  char sk[256];     /* sort key attribute name, "" if none */
  char sk_type;     /* 0 if none */
  uint64_t size_bytes; /* sum of item sizes (persisted in meta) */
  struct table *hash_next;
};

struct store;

/* Open the store. dir NULL means in memory: a private file that is unlinked at
** once, so nothing is left behind even after a crash. Returns NULL with a
** one-line reason in err on failure. */
struct store *store_open(const char *dir, enum store_sync sync, char *err, size_t errlen);
void store_close(struct store *s);

/*----------------------------- Transactions --------------------------------*/

/* A transaction plus the catalog changes to apply if it commits. */
struct store_txn {
  struct store *store;
  MDB_txn *txn;
  bool write;
  bool borrowed;                /* a read using the open batch txn */
  struct table *created;        /* table to add to the cache on commit */
  struct table *dropped;        /* table to remove from the cache on commit */
  struct size_delta {
    struct table *table;
    int64_t delta;
  } sizes[8];                   /* per-table size changes, applied on commit */
  int nsizes;
};

/*
** Group commit. The write transactions of one event-loop turn share one LMDB
** transaction (the batch): store_begin(write) opens a nested transaction inside
** it, store_commit merges that into the batch, and store_flush(), called once
** at the end of the turn, commits the batch (durably, per the sync mode). Reads
** during the turn read the batch, so a client sees its own writes. Whoever
** answers a request must hold the answer until store_flush() succeeded
** (store_batch_open() tells whether that is needed).
*/

/* Begin a read or write transaction. Returns 0 or -1 with e set (InternalServerError). */
int store_begin(struct store *s, bool write, struct store_txn *t, struct ddb_err *e);
/* Commit into the batch and apply catalog changes. */
int store_commit(struct store_txn *t, struct ddb_err *e);
void store_abort(struct store_txn *t);
/* True while a batch holds writes not yet committed. */
bool store_batch_open(const struct store *s);
/* Commit the batch. Returns 0, or -1 with a reason in err (the batch's writes
** are then lost and must not be acknowledged). */
int store_flush(struct store *s, char *err, size_t errlen);

/*-------------------------------- Catalog ----------------------------------*/

/* The cached table named `name`, or NULL. Valid until the table is dropped. */
struct table *catalog_find(struct store *s, const char *name);

/* Create a table from a stored description (steals desc). The description
** must contain TableName, KeySchema and AttributeDefinitions (already
** validated). Fails with ResourceInUse if the name exists. On success *out is
** the new table (visible to catalog_find only after commit). */
int catalog_create(struct store_txn *t, json_t *desc, struct table **out, struct ddb_err *e);

/* Drop a table and all its items. */
int catalog_drop(struct store_txn *t, struct table *tbl, struct ddb_err *e);

/* Table names in byte order, starting after `after` (NULL: from the start);
** calls fn for each until it returns non-zero. */
void catalog_each_name(struct store *s, const char *after, int (*fn)(void *, const char *),
                       void *arg);

/* Number of items in the table (exact, from LMDB's statistics). */
uint64_t catalog_item_count(struct store_txn *t, const struct table *tbl);

/*--------------------------------- Items -----------------------------------*/

/* A stored item record, pointing into the map (valid until the txn ends). */
struct item_rec {
  uint32_t size;    /* DynamoDB item size */
  const char *json; /* compact wire JSON of the item, not NUL-terminated */
  size_t json_len;
};

/* Build the LMDB key of `item_or_key` (a map holding at least the key
** attributes, canonical). Returns its length; out must hold KEYCODEC_MAX. */
size_t items_key(const struct table *tbl, const json_t *item_or_key, uint8_t *out);

/* Returns 0 and fills *rec, 1 if absent, -1 with e set on storage failure. */
int items_get(struct store_txn *t, const struct table *tbl, const uint8_t *key, size_t klen,
              struct item_rec *rec, struct ddb_err *e);
/* Store an item, replacing any old one (json is its compact wire JSON, size
** its DynamoDB size). Keeps the table's size figure up to date. */
int items_put(struct store_txn *t, struct table *tbl, const uint8_t *key, size_t klen,
              const char *json, size_t json_len, uint32_t size, struct ddb_err *e);
/* Delete; returns 0 if deleted, 1 if absent, -1 on failure. */
int items_delete(struct store_txn *t, struct table *tbl, const uint8_t *key, size_t klen,
                 struct ddb_err *e);

#endif

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

/*---------------------------- Secondary indexes -----------------------------
** Each index has its own DBI "t<table id>:<index name>" whose keys have the
** items' form, with the table key appended so that entries are unique:
**   hash(index pk) ‖ index pk part ‖ [index sk part] ‖ table key parts
** (table pk part unless the index's partition key is the table's, table sk
** part unless the table has none or it is an index key attribute). The value
** is a record like an item's: 4-byte size, then the compact JSON of the
** projected item (ALL: the item itself). An item is in an index only when it
** has every index key attribute with the defined type (sparse indexes).
** Index entries are written in the item's own transaction (items_put and
** items_delete), per index: ItemCount is the DBI's entry count, and the sum
** of entry sizes (IndexSizeBytes) is kept in meta "isize:<id>:<name>".
*/
#define INDEX_SK_BUDGET 160 /* bytes of an index sort-key part */
#define INDEX_TB_PK_BUDGET 110 /* bytes of the table pk part in an index key */
#define INDEX_TB_SK_BUDGET 109 /* bytes of the table sk part in an index key */

enum index_projection { INDEX_PROJ_ALL, INDEX_PROJ_KEYS_ONLY, INDEX_PROJ_INCLUDE };
enum index_status {
  INDEX_ACTIVE,
  INDEX_CREATING, /* added by UpdateTable, being back-filled: not readable */
};

struct index {
  const char *name;         /* borrowed from the table's description */
  bool global;              /* GSI (else LSI) */
  enum index_status status;
  enum index_projection proj;
  const json_t *non_key;    /* INCLUDE: NonKeyAttributes (borrowed), else NULL */
  char hash[256];           /* index partition key attribute */
  char hash_type;           /* 'S', 'N' or 'B' */
  char range[256];          /* index sort key attribute, "" if none */
  char range_type;          /* 0 if none */
  MDB_dbi dbi;
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
  struct index *indexes; /* LSIs then GSIs, as in the description (owned) */
  int nindexes;
  bool has_lsi;          /* item collections are tracked (ItemCollectionMetrics) */
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
  bool borrowed;                /* a read, or a plain write, using the batch txn */
  bool nested;                  /* an atomic write: its own nested txn */
  struct table *created;        /* table to add to the cache on commit */
  struct table *dropped;        /* table to remove from the cache on commit */
  /* Per-table size changes, applied on commit, and the write units that item
  ** writes charged to each secondary index (1 KB per entry written or deleted,
  ** for ReturnConsumedCapacity; see items_put). Both arrays belong to the store
  ** (one write transaction is open at a time) and stay readable after commit,
  ** until the next write transaction begins. */
  struct size_delta {
    struct table *table;
    int64_t delta;
  } *sizes;
  int nsizes;
  struct store_index_write {
    const struct table *table;
    const struct index *index;
    uint32_t units;
  } *iwrites;
  int niwrites;
};

/* Room for one more entry in t->sizes / t->iwrites (grows the store's arrays). */
struct size_delta *store__more_sizes(struct store_txn *t);
struct store_index_write *store__more_iwrites(struct store_txn *t);

/*
** Group commit. The write transactions of one event-loop turn share one LMDB
** transaction (the batch), and store_flush(), called once at the end of the
** turn, commits it (durably, per the sync mode). Reads during the turn read the
** batch, so a client sees its own writes. Whoever answers a request must hold
** the answer until store_flush() succeeded (store_batch_open() tells whether
** that is needed).
**
** A plain write transaction (store_begin(s, true, ...)) writes straight into
** the batch: cheap, but store_abort() cannot undo what it already wrote, so
** such a caller checks everything before its first write. An operation that
** may need to undo part of its work (a transaction whose third action fails)
** uses store_begin_atomic(): a nested LMDB transaction that store_abort() rolls
** back on its own (it costs a few hundred thousand instructions to open).
** An LMDB failure inside the batch fails the whole batch at store_flush().
*/

/* Begin a read or write transaction. Returns 0 or -1 with e set (InternalServerError). */
int store_begin(struct store *s, bool write, struct store_txn *t, struct ddb_err *e);
/* Begin a write transaction that store_abort() rolls back on its own. */
int store_begin_atomic(struct store *s, struct store_txn *t, struct ddb_err *e);
/* Make the transaction's writes part of the batch and apply catalog changes. */
int store_commit(struct store_txn *t, struct ddb_err *e);
/* End the transaction: a read is released; an atomic write is rolled back; a
** plain write keeps whatever it wrote (see above). */
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

/* Replace tbl's description with desc (steals it), e.g. for UpdateTable: the
** indexes in desc that tbl lacks get new, empty DBIs; tbl's indexes missing
** from desc are dropped with their entries. On success *out is the new table,
** which replaces tbl in the cache when t commits (tbl is freed then; until
** then both are valid and tbl stays the one catalog_find returns). */
int catalog_update(struct store_txn *t, struct table *tbl, json_t *desc, struct table **out,
                   struct ddb_err *e);

/* The index of tbl named name, or NULL. */
struct index *catalog_index(const struct table *tbl, const char *name);

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
/* items_put and items_delete also maintain the table's secondary indexes
** (entries added, moved, rewritten or removed as DynamoDB bills them; see
** iwrites in struct store_txn) and, for a table with an LSI, the size of the
** item's collection. items_put refuses (ValidationException, nothing written)
** an item that index_check_item refuses. */

/* Size in bytes of the item collection of partition-key value pk_value (the
** inner value: "x" of {"S":"x"}): its items plus their LSI entries. 0 for a
** table without an LSI. */
uint64_t items_collection_size(struct store_txn *t, const struct table *tbl,
                               const json_t *pk_value);

/*------------------------------ Index entries -------------------------------*/

/* DynamoDB's checks of an item's secondary-index key attributes, index by
** index (GSIs, then LSIs): a present key attribute of another type is
** "One or more parameter values were invalid: Type mismatch for Index Key
** <attr> Expected: <T> Actual: <T> IndexName: <index>"; an empty S or B is
** "One or more parameter values are not valid. A value specified for a
** secondary index key is not supported. The AttributeValue for a key
** attribute cannot contain an empty string value. IndexName: <index>,
** IndexKey: <attr>" ("binary value" for B). Returns 0 or -1 with e set. */
int index_check_item(const struct table *tbl, const json_t *item, struct ddb_err *e);

/* The LMDB key of item (or of a key holding the table's and the index's key
** attributes) in index ix; 0 when it has no entry there (a key attribute
** missing, of another type or empty). out must hold KEYCODEC_MAX bytes. */
size_t index_key(const struct table *tbl, const struct index *ix, const json_t *item,
                 uint8_t *out);

/* The index's figures: entries (ItemCount) and their total size. */
void index_stats(struct store_txn *t, const struct table *tbl, const struct index *ix,
                 uint64_t *count, uint64_t *size_bytes);

/* Back-fill a CREATING index: index up to max_items table items, in key order,
** from the item after resume[0..*resume_len) (length 0: from the first item),
** and leave the last one indexed in resume (KEYCODEC_MAX bytes). Items whose
** key attributes violate the index are skipped, as DynamoDB skips them. Sets
** *done when no item is left. Returns 0 or -1 with e set. */
int index_backfill(struct store_txn *t, struct table *tbl, const struct index *ix,
                   uint8_t *resume, size_t *resume_len, size_t max_items, bool *done,
                   struct ddb_err *e);

/*--------------------------------- Cursors ----------------------------------*/

/* Iterate the records of one DBI (items or an index) whose keys lie in
** [lo, hi): lo inclusive (NULL: from the first key), hi exclusive (NULL: to
** the end), in key order or, with reverse, backwards from just below hi. The
** bounds are borrowed and must outlive the cursor. A Query is one partition's
** range, a Scan segment a range of hashes; paging resumes with a new cursor
** whose bound excludes the last key returned. */
struct store_cursor {
  MDB_cursor *cur;
  const uint8_t *lo, *hi;
  size_t lolen, hilen;
  bool reverse;
  bool started;
  bool done;
};

int store_cursor_open(struct store_txn *t, MDB_dbi dbi, const uint8_t *lo, size_t lolen,
                      const uint8_t *hi, size_t hilen, bool reverse, struct store_cursor *c,
                      struct ddb_err *e);
/* The next record: returns 0 with *key (into the map: valid until the txn
** ends or writes) and *rec filled, 1 at the end of the range, -1 with e set. */
int store_cursor_next(struct store_cursor *c, MDB_val *key, struct item_rec *rec,
                      struct ddb_err *e);
void store_cursor_close(struct store_cursor *c);

/* The smallest key greater than every key that starts with prefix[0..n):
** writes it to out (n bytes at most) and returns its length, or 0 when there
** is none (the prefix is all 0xFF bytes). */
size_t store_key_successor(const uint8_t *prefix, size_t n, uint8_t *out);

#endif

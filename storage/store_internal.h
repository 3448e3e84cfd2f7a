/*
** storage/store_internal.h: what the storage files share among themselves.
*/
#ifndef DDB_STORE_INTERNAL_H
#define DDB_STORE_INTERNAL_H

#include "store.h"

#define CATALOG_BUCKETS 256

struct store {
  MDB_env *env;
  bool in_memory;
  MDB_dbi catalog; /* table name -> description JSON */
  MDB_dbi meta;    /* counters and sizes */
  struct table *buckets[CATALOG_BUCKETS];
  uint64_t ntables;
  MDB_txn *batch;     /* the group-commit write txn of this loop turn, or NULL */
  MDB_txn *reader;    /* a reset read-only txn kept for reuse, or NULL */
  bool reader_in_use;
  /* Scratch arrays behind struct store_txn's sizes and iwrites. */
  struct size_delta *sizes;
  int sizes_cap;
  struct store_index_write *iwrites;
  int iwrites_cap;
};

/* A txn to read the latest state with: the open batch if there is one (it
** holds writes not yet committed), else a read-only txn. *own tells whether the
** caller must store__end_read() it. */
int store__read_txn(struct store *s, MDB_txn **txn, bool *own);
void store__end_read(struct store *s, MDB_txn *txn, bool own);

int store__fail(struct ddb_err *e, const char *what, int rc);
void store__add_size(struct store_txn *t, struct table *tbl, int64_t delta);

int catalog__load(struct store *s, char *err, size_t errlen);
void catalog__free(struct store *s);
void catalog__free_table(struct table *tbl);
void catalog__insert(struct store *s, struct table *tbl);
void catalog__remove(struct store *s, struct table *tbl);
int catalog__put_size(struct store_txn *t, struct table *tbl, uint64_t size);

/* indexes.c: secondary indexes and item collections (see store.h). */
/* Names and types ('S', 'N', 'B') of a KeySchema's keys, from the definitions
** (names: 256 bytes; range "" and type 0 when none). -1 if malformed. */
int index__parse_keys(const json_t *key_schema, const json_t *defs, char *hash, char *hash_type,
                      char *range, char *range_type);
int index__from_desc(struct table *tbl);            /* fill tbl->indexes; -1 if malformed */
int index__open(MDB_txn *txn, const struct table *tbl, struct index *ix, unsigned flags);
int index__drop(struct store_txn *t, const struct table *tbl, const struct index *ix);
int index__drop_table(struct store_txn *t, const struct table *tbl); /* all indexes, collections */
/* Bring every index (and the item collection) of tbl from old_item to
** new_item (either may be NULL). new_json/new_size are new_item's stored JSON
** and size; item_delta is the change of the item's own size. */
int index__apply(struct store_txn *t, struct table *tbl, const json_t *old_item,
                 const json_t *new_item, const char *new_json, size_t new_json_len,
                 uint32_t new_size, int64_t item_delta, struct ddb_err *e);

#endif

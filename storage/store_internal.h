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

#endif

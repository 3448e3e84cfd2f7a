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
};

int store__fail(struct ddb_err *e, const char *what, int rc);
void store__add_size(struct store_txn *t, struct table *tbl, int64_t delta);

int catalog__load(struct store *s, char *err, size_t errlen);
void catalog__free(struct store *s);
void catalog__free_table(struct table *tbl);
void catalog__insert(struct store *s, struct table *tbl);
void catalog__remove(struct store *s, struct table *tbl);
int catalog__put_size(struct store_txn *t, struct table *tbl, uint64_t size);

#endif

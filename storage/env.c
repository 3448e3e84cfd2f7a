/*
** storage/env.c: the LMDB environment, transactions and durability modes
** (see store.h).
*/
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_MAP_SIZE (64ull << 30) /* virtual; the file grows as needed */
#define STORE_MIN_MAP_SIZE (1ull << 30) /* the smallest map we settle for */
#define STORE_MAX_DBS 4096

struct store *store_open(const char *dir, enum store_sync sync, char *err, size_t errlen) {
  struct store *s = calloc(1, sizeof *s);
  if (!s) abort();
  char path[4096];
  unsigned flags = MDB_NOTLS;
  char tmpdir[] = "/tmp/ddbwatch-mem-XXXXXX";
  if (dir) {
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
      snprintf(err, errlen, "cannot create data folder %s: %s", dir, strerror(errno));
      free(s);
      return NULL;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
      snprintf(err, errlen, "data folder %s is not a folder", dir);
      free(s);
      return NULL;
    }
    if (access(dir, R_OK | W_OK | X_OK) != 0) {
      snprintf(err, errlen, "data folder %s is not writable: %s", dir, strerror(errno));
      free(s);
      return NULL;
    }
    snprintf(path, sizeof path, "%s", dir);
  } else {
    if (!mkdtemp(tmpdir)) {
      snprintf(err, errlen, "cannot create a temporary folder: %s", strerror(errno));
      free(s);
      return NULL;
    }
    snprintf(path, sizeof path, "%s", tmpdir);
    sync = STORE_SYNC_NONE;
    s->in_memory = true;
  }
  if (sync == STORE_SYNC_NONE) flags |= MDB_NOSYNC | MDB_NOMETASYNC;

  int rc = mdb_env_create(&s->env);
  if (rc == 0) rc = mdb_env_set_maxdbs(s->env, STORE_MAX_DBS);
  if (rc == 0) rc = mdb_env_set_maxreaders(s->env, 126);
  /* Where address space is limited (ulimit -v, valgrind) a 64 GB mapping is
  ** refused: halve it until it fits. */
  for (uint64_t map = STORE_MAP_SIZE; rc == 0; map /= 2) {
    rc = mdb_env_set_mapsize(s->env, map);
    if (rc == 0) rc = mdb_env_open(s->env, path, flags, 0644);
    if ((rc != EINVAL && rc != ENOMEM) || map / 2 < STORE_MIN_MAP_SIZE) break;
    mdb_env_close(s->env); /* a failed open leaves the env unusable */
    rc = mdb_env_create(&s->env);
    if (rc == 0) rc = mdb_env_set_maxdbs(s->env, STORE_MAX_DBS);
    if (rc == 0) rc = mdb_env_set_maxreaders(s->env, 126);
  }
  if (!dir) {
    /* The mapping and descriptors stay valid; the names go now. */
    char f[4200];
    snprintf(f, sizeof f, "%s/data.mdb", tmpdir);
    unlink(f);
    snprintf(f, sizeof f, "%s/lock.mdb", tmpdir);
    unlink(f);
    rmdir(tmpdir);
  }
  if (rc != 0) {
    snprintf(err, errlen, "cannot open the database in %s: %s", dir ? dir : "memory",
             rc == EAGAIN ? "it is in use by another ddbwatch" : mdb_strerror(rc));
    if (s->env) mdb_env_close(s->env);
    free(s);
    return NULL;
  }
  if (catalog__load(s, err, errlen) != 0) {
    store_close(s);
    return NULL;
  }
  return s;
}

void store_close(struct store *s) {
  if (!s) return;
  char err[128];
  store_flush(s, err, sizeof err);
  if (s->reader) mdb_txn_abort(s->reader);
  free(s->sizes);
  free(s->iwrites);
  catalog__free(s);
  mdb_env_close(s->env);
  free(s);
}

int store__fail(struct ddb_err *e, const char *what, int rc) {
  return ddb_fail(e, DDB_INTERNAL, "storage error in %s: %s", what, mdb_strerror(rc));
}

/* Open the turn's batch if it is not open yet. */
static int batch_open(struct store *s, struct ddb_err *e) {
  if (s->batch) return 0;
  int rc = mdb_txn_begin(s->env, NULL, 0, &s->batch);
  if (rc) {
    s->batch = NULL;
    return store__fail(e, "begin", rc);
  }
  return 0;
}

int store_begin(struct store *s, bool write, struct store_txn *t, struct ddb_err *e) {
  memset(t, 0, sizeof *t);
  t->store = s;
  t->write = write;
  int rc;
  if (write) {
    if (batch_open(s, e)) return -1;
    t->txn = s->batch;
    t->borrowed = true;
    return 0;
  }
  if (s->batch) {
    t->txn = s->batch;
    t->borrowed = true;
    return 0;
  }
  if (s->reader && !s->reader_in_use) {
    rc = mdb_txn_renew(s->reader);
    if (rc == 0) {
      s->reader_in_use = true;
      t->txn = s->reader;
      return 0;
    }
    mdb_txn_abort(s->reader);
    s->reader = NULL;
  }
  rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t->txn);
  if (rc) return store__fail(e, "begin", rc);
  if (!s->reader) {
    s->reader = t->txn;
    s->reader_in_use = true;
  }
  return 0;
}

int store_begin_atomic(struct store *s, struct store_txn *t, struct ddb_err *e) {
  memset(t, 0, sizeof *t);
  t->store = s;
  t->write = true;
  t->nested = true;
  if (batch_open(s, e)) return -1;
  int rc = mdb_txn_begin(s->env, s->batch, 0, &t->txn);
  if (rc) {
    t->txn = NULL;
    return store__fail(e, "begin", rc);
  }
  return 0;
}

/* End a read-only transaction, keeping the reusable one for next time. */
static void end_read(struct store_txn *t) {
  struct store *s = t->store;
  if (!t->borrowed) {
    if (t->txn == s->reader) {
      mdb_txn_reset(t->txn);
      s->reader_in_use = false;
    } else {
      mdb_txn_abort(t->txn);
    }
  }
  t->txn = NULL;
}

int store_commit(struct store_txn *t, struct ddb_err *e) {
  if (!t->write) {
    if (t->txn) end_read(t);
    return 0;
  }
  /* Persist the size figures inside the transaction, then merge it. */
  int rc = 0;
  for (int i = 0; i < t->nsizes && rc == 0; i++) {
    struct table *tbl = t->sizes[i].table;
    if (tbl == t->dropped) continue;
    uint64_t size = (uint64_t)((int64_t)tbl->size_bytes + t->sizes[i].delta);
    rc = catalog__put_size(t, tbl, size);
  }
  if (t->nested) {
    if (rc == 0) rc = mdb_txn_commit(t->txn);
    else mdb_txn_abort(t->txn);
  }
  t->txn = NULL;
  if (rc) {
    catalog__free_table(t->created);
    t->created = NULL;
    return store__fail(e, "commit", rc);
  }
  for (int i = 0; i < t->nsizes; i++)
    t->sizes[i].table->size_bytes =
        (uint64_t)((int64_t)t->sizes[i].table->size_bytes + t->sizes[i].delta);
  if (t->created) catalog__insert(t->store, t->created);
  if (t->dropped) catalog__remove(t->store, t->dropped);
  t->created = NULL;
  t->dropped = NULL;
  return 0;
}

void store_abort(struct store_txn *t) {
  if (t->txn) {
    if (t->nested) mdb_txn_abort(t->txn);
    else if (!t->write) end_read(t);
  }
  t->txn = NULL;
  catalog__free_table(t->created);
  t->created = NULL;
}

bool store_batch_open(const struct store *s) { return s->batch != NULL; }

int store_flush(struct store *s, char *err, size_t errlen) {
  if (!s->batch) return 0;
  int rc = mdb_txn_commit(s->batch);
  s->batch = NULL;
  if (rc) {
    snprintf(err, errlen, "commit failed: %s", mdb_strerror(rc));
    /* The cache saw the lost writes (new tables, sizes): re-read it from disk. */
    char lerr[256] = "";
    catalog__free(s);
    if (catalog__load(s, lerr, sizeof lerr) != 0)
      snprintf(err, errlen, "commit failed: %s; then %s", mdb_strerror(rc), lerr);
    return -1;
  }
  return 0;
}

int store__read_txn(struct store *s, MDB_txn **txn, bool *own) {
  if (s->batch) {
    *txn = s->batch;
    *own = false;
    return 0;
  }
  *own = true;
  return mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
}

void store__end_read(struct store *s, MDB_txn *txn, bool own) {
  (void)s;
  if (own) mdb_txn_abort(txn);
}

/* Grow *arr (of elem-size entries, capacity *cap) to hold at least need. */
static void *grow(void *arr, int *cap, int need, size_t elem) {
  if (need <= *cap) return arr;
  int n = *cap ? *cap * 2 : 16;
  while (n < need) n *= 2;
  void *p = realloc(arr, (size_t)n * elem);
  if (!p) abort();
  *cap = n;
  return p;
}

struct size_delta *store__more_sizes(struct store_txn *t) {
  struct store *s = t->store;
  s->sizes = grow(s->sizes, &s->sizes_cap, t->nsizes + 1, sizeof *s->sizes);
  t->sizes = s->sizes;
  return &t->sizes[t->nsizes++];
}

struct store_index_write *store__more_iwrites(struct store_txn *t) {
  struct store *s = t->store;
  s->iwrites = grow(s->iwrites, &s->iwrites_cap, t->niwrites + 1, sizeof *s->iwrites);
  t->iwrites = s->iwrites;
  return &t->iwrites[t->niwrites++];
}

void store__add_size(struct store_txn *t, struct table *tbl, int64_t delta) {
  for (int i = 0; i < t->nsizes; i++)
    if (t->sizes[i].table == tbl) {
      t->sizes[i].delta += delta;
      return;
    }
  struct size_delta *d = store__more_sizes(t);
  d->table = tbl;
  d->delta = delta;
}

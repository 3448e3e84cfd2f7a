/*
** server/ops/query_scan.c: Query and Scan, on tables and secondary indexes.
**
** Both read one contiguous key range of an items or index DBI (storage/
** scan.c): a Query the keys of one partition, narrowed by the sort-key
** condition; a Scan segment the keys whose 4-byte partition hash lies in
**   [floor(i * 2^32 / N), floor((i + 1) * 2^32 / N)).
** A page stops after Limit items or once the items read reach 1 MB (the item
** that crosses the mark is part of the page), measured before the filter, as
** DynamoDB measures it; LastEvaluatedKey then names the last item read, and
** the next page seeks just past it.
**
** Order of checks, as DynamoDB applies them (recorded from AWS in dynalite's
** validations/query.js, scan.js and actions/query.js, scan.js; Select texts
** from DynamoDB Local): legacy-versus-expression parameters, legacy
** conditions, AttributesToGet, ExclusiveStartKey values, expressions,
** Select, then the table, the index and the key schema.
**
** Capacity (ReturnConsumedCapacity): the sizes of the items (or index
** entries) read are summed and rounded up to 4 KB once per page, halved for
** eventually consistent reads, at least one unit. Items that a local index
** query fetches from the table are billed to the table, each rounded up on
** its own (as DynamoDB Local bills them).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expr/expr.h"
#include "legacy.h"
#include "number.h"
#include "ops.h"
#include "storage/keycodec.h"
#include "storage/store.h"
#include "value.h"

#define PREFIX_INVALID "One or more parameter values were invalid: "
#define PAGE_BYTES (1024 * 1024)

/*------------------------------ Comparisons --------------------------------*/

/* Legacy ComparisonOperators, in the order of the service model's enum. */
enum cmp_op {
  CMP_EQ, CMP_NE, CMP_LE, CMP_LT, CMP_GE, CMP_GT, CMP_NOT_NULL, CMP_NULL,
  CMP_CONTAINS, CMP_NOT_CONTAINS, CMP_BEGINS_WITH, CMP_IN, CMP_BETWEEN, CMP_INVALID
};

static const char *const cmp_names[] = {
    "EQ", "NE", "LE", "LT", "GE", "GT", "NOT_NULL", "NULL",
    "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN",
};

static enum cmp_op cmp_from_name(const char *name) {
  for (int i = 0; name && i < CMP_INVALID; i++)
    if (strcmp(cmp_names[i], name) == 0) return (enum cmp_op)i;
  return CMP_INVALID;
}

/* The payload of a scalar AttributeValue ("x" of {"S":"x"}). */
static const json_t *payload(const json_t *av) {
  void *it = json_object_iter((json_t *)av);
  return it ? json_object_iter_value(it) : NULL;
}

/* Decoded bytes of a B payload (malloc'd; NULL and *n = 0 when invalid). */
static unsigned char *b_bytes(const json_t *v, size_t *n) {
  unsigned char *p = value_b64_decode(json_string_value(v) ?: "", json_string_length(v), n);
  if (!p) *n = 0;
  return p;
}

static int bytes_cmp(const void *a, size_t na, const void *b, size_t nb) {
  int c = memcmp(a, b, na < nb ? na : nb);
  if (c) return c;
  return na < nb ? -1 : na > nb;
}

/* Order of two scalar values of one type (S by UTF-8 bytes, N numerically,
** B by bytes): <0, 0, >0. Both must have type t. */
static int scalar_cmp(enum value_type t, const json_t *a, const json_t *b) {
  const json_t *x = payload(a), *y = payload(b);
  if (t == VT_N) {
    struct ddb_num p, q;
    if (num_parse(json_string_value(x), json_string_length(x), &p) != NUM_OK ||
        num_parse(json_string_value(y), json_string_length(y), &q) != NUM_OK)
      return 0;
    return num_cmp(&p, &q);
  }
  if (t == VT_B) {
    size_t na, nb;
    unsigned char *p = b_bytes(x, &na), *q = b_bytes(y, &nb);
    int c = bytes_cmp(p ?: (unsigned char *)"", na, q ?: (unsigned char *)"", nb);
    free(p);
    free(q);
    return c;
  }
  return bytes_cmp(json_string_value(x), json_string_length(x), json_string_value(y),
                   json_string_length(y));
}

static bool is_scalar_key_type(enum value_type t) { return t == VT_S || t == VT_N || t == VT_B; }

/* begins_with for S (bytes) and B (decoded bytes). */
static bool begins_with(enum value_type t, const json_t *a, const json_t *prefix) {
  const json_t *x = payload(a), *y = payload(prefix);
  if (t == VT_B) {
    size_t na, nb;
    unsigned char *p = b_bytes(x, &na), *q = b_bytes(y, &nb);
    bool ok = nb <= na && (nb == 0 || memcmp(p, q, nb) == 0);
    free(p);
    free(q);
    return ok;
  }
  size_t na = json_string_length(x), nb = json_string_length(y);
  return nb <= na && memcmp(json_string_value(x), json_string_value(y), nb) == 0;
}

/* Does a key attribute value (NULL when absent) satisfy a key condition
** (EQ, LT, LE, GT, GE, BETWEEN or BEGINS_WITH with its operand list)? */
static bool key_match(enum cmp_op op, const json_t *attr, const json_t *list) {
  const json_t *v0 = json_array_get(list, 0), *v1 = json_array_get(list, 1);
  enum value_type ta = attr ? value_type_of(attr) : VT_INVALID;
  if (!attr || !v0 || ta != value_type_of(v0) || !is_scalar_key_type(ta)) return false;
  switch (op) {
  case CMP_EQ: return scalar_cmp(ta, attr, v0) == 0;
  case CMP_LE: return scalar_cmp(ta, attr, v0) <= 0;
  case CMP_LT: return scalar_cmp(ta, attr, v0) < 0;
  case CMP_GE: return scalar_cmp(ta, attr, v0) >= 0;
  case CMP_GT: return scalar_cmp(ta, attr, v0) > 0;
  case CMP_BEGINS_WITH: return ta != VT_N && begins_with(ta, attr, v0);
  case CMP_BETWEEN:
    return value_type_of(v1) == ta && scalar_cmp(ta, attr, v0) >= 0 && scalar_cmp(ta, attr, v1) <= 0;
  default: return false;
  }
}

/*--------------------------- Request parameters ----------------------------*/

/* A request member, NULL when absent or JSON null (DynamoDB treats both alike). */
static json_t *param(const struct ddb_request *r, const char *name) {
  json_t *v = json_object_get(r->in, name);
  return json_is_null(v) ? NULL : v;
}

/* Legacy versus expression parameters (dynalite validateExpressionParams):
** KeyConditions may go with FilterExpression and ProjectionExpression. */
static int check_expression_params(struct ddb_request *r, bool query) {
  static const char *const q_expr[] = {"ProjectionExpression", "FilterExpression",
                                       "KeyConditionExpression", NULL};
  static const char *const s_expr[] = {"ProjectionExpression", "FilterExpression", NULL};
  static const char *const q_values[] = {"FilterExpression", "KeyConditionExpression", NULL};
  static const char *const s_values[] = {"FilterExpression", NULL};
  const char *q_legacy[] = {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions",
                            NULL};
  static const char *const s_legacy[] = {"AttributesToGet", "ScanFilter", "ConditionalOperator", NULL};
  if (query && param(r, "KeyConditions") && !param(r, "KeyConditionExpression")) q_legacy[3] = NULL;
  return legacy_check_mixing(r, r->in, query ? q_expr : s_expr, query ? q_legacy : s_legacy,
                             query ? q_values : s_values, 0);
}

/* Re-word the error in r->err as "The provided starting key is invalid: <msg>"
** (DynamoDB keeps number and duplicate-set messages as they are). */
static int start_key_prefix(struct ddb_request *r) {
  static const char *const bare[] = {"contains duplicates", "number set", "numeric value",
                                     "significant digits", "number with magnitude", NULL};
  const char *msg = r->err.msg ? r->err.msg : "";
  for (const char *const *b = bare; *b; b++)
    if (strstr(msg, *b)) return -1;
  if (r->err.code != DDB_VALIDATION) return -1;
  char *text = arena_printf(&r->arena, "The provided starting key is invalid: %s", msg);
  ddb_err_clear(&r->err);
  return ddb_fail(&r->err, DDB_VALIDATION, "%s", text);
}

static int check_start_key_values(struct ddb_request *r, json_t *esk, unsigned value_flags) {
  const char *attr;
  json_t *v;
  json_object_foreach(esk, attr, v) {
    if (value_check_ex(v, 1, value_flags, &r->err)) return start_key_prefix(r);
  }
  return 0;
}

/*------------------------------ Key schemas --------------------------------*/

/* The key schema a request reads: the table's or an index's. */
struct schema {
  const char *hash, *range; /* range "" when none */
  char hash_type, range_type;
};

static void schema_of(const struct table *tbl, const struct index *ix, struct schema *s) {
  if (ix) {
    s->hash = ix->hash;
    s->hash_type = ix->hash_type;
    s->range = ix->range;
    s->range_type = ix->range_type;
  } else {
    s->hash = tbl->pk;
    s->hash_type = tbl->pk_type;
    s->range = tbl->sk;
    s->range_type = tbl->sk_type;
  }
}

/* One key attribute of an ExclusiveStartKey (dynalite validateKeyPiece). */
static int check_start_key_piece(struct ddb_request *r, const json_t *esk, const char *attr,
                                 char type, bool is_hash) {
  char tn[2] = {type, 0};
  const json_t *v = json_object_get(json_object_get(esk, attr), tn);
  if (!v) return ddb_fail(&r->err, DDB_VALIDATION, "The provided key element does not match the schema");
  if (type == 'N') return 0;
  size_t n = json_string_length(v);
  if (n == 0)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "The AttributeValue for a key attribute cannot contain an empty "
                                   "%s value. Key: %s",
                    type == 'S' ? "string" : "binary", attr);
  if (type == 'B') n = value_b64_decoded_len(json_string_value(v), n);
  if (is_hash && n > 2048)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  if (!is_hash && n > 1024)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    PREFIX_INVALID "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  return 0;
}

/* The table-key part of an ExclusiveStartKey (dynalite validateKey), worded
** "The provided starting key is invalid: ...". */
static int check_start_table_key(struct ddb_request *r, const struct table *tbl, const json_t *esk) {
  if (check_start_key_piece(r, esk, tbl->pk, tbl->pk_type, true) ||
      (tbl->sk_type && check_start_key_piece(r, esk, tbl->sk, tbl->sk_type, false)))
    return start_key_prefix(r);
  return 0;
}

/* The attributes an ExclusiveStartKey must have: table key, then index key. */
static size_t start_key_size(const struct table *tbl, const struct index *ix) {
  size_t n = tbl->sk_type ? 2 : 1;
  if (ix) {
    if (strcmp(ix->hash, tbl->pk) != 0 && strcmp(ix->hash, tbl->sk) != 0) n++;
    if (ix->range_type && strcmp(ix->range, tbl->pk) != 0 && strcmp(ix->range, tbl->sk) != 0) n++;
  }
  return n;
}

/* LastEvaluatedKey from a read item or index entry (new reference). */
static json_t *last_key(const struct table *tbl, const struct index *ix, const json_t *item) {
  json_t *k = json_object();
  const char *names[4] = {tbl->pk, tbl->sk, ix ? ix->hash : "", ix ? ix->range : ""};
  for (int i = 0; i < 4; i++) {
    json_t *v = names[i][0] ? json_object_get(item, names[i]) : NULL;
    if (v) json_object_set(k, names[i], v);
  }
  return k;
}

/*------------------------------- Expressions -------------------------------*/

/* Top-level attribute name of a path node. */
static void path_head(const struct expr *p, const char **name, size_t *len) {
  *name = p->nelems ? p->elems[0].name : "";
  *len = p->nelems ? p->elems[0].len : 0;
}

static bool name_is(const char *name, size_t len, const char *attr) {
  return attr[0] && strlen(attr) == len && memcmp(name, attr, len) == 0;
}

/* Does any path of the tree start with attr? nested: only paths that go
** further than the attribute itself ("a.b", "a[1]"). */
static bool tree_uses(const struct expr *e, const char *attr, bool nested) {
  if (!e) return false;
  if (e->op == EXPR_OP_PATH) {
    const char *name;
    size_t len;
    path_head(e, &name, &len);
    return name_is(name, len, attr) && (!nested || e->nelems > 1);
  }
  for (uint32_t i = 0; i < e->nargs; i++)
    if (tree_uses(e->args[i], attr, nested)) return true;
  return false;
}

/* "Key attributes must be scalars; ..." for a nested path into a table or
** index key attribute (dynalite validateKeyPaths). */
static int check_key_paths(struct ddb_request *r, const struct table *tbl, const struct expr *e) {
  if (!e) return 0;
  const char *keys[2] = {tbl->pk, tbl->sk};
  for (int i = 0; i < 2; i++)
    if (tree_uses(e, keys[i], true))
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "Key attributes must be scalars; list random access '[]' and map lookup '.' "
                      "are not allowed: Key: %s",
                      keys[i]);
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < tbl->nindexes; i++) {
      const struct index *ix = &tbl->indexes[i];
      if (ix->global != (pass == 0)) continue;
      const char *ik[2] = {ix->global ? ix->hash : "", ix->range};
      for (int j = 0; j < 2; j++)
        if (tree_uses(e, ik[j], true))
          return ddb_fail(&r->err, DDB_VALIDATION,
                          "Key attributes must be scalars; list random access '[]' and map lookup "
                          "'.' are not allowed: IndexKey: %s",
                          ik[j]);
    }
  return 0;
}

/*------------------------------ Key conditions -----------------------------*/

/* One key condition in the legacy form (from KeyConditions or from a parsed
** KeyConditionExpression). */
struct key_cond {
  const char *name;
  size_t len;
  enum cmp_op op;
  json_t *values; /* AttributeValueList: a borrowed or arena-linked array */
};

static enum cmp_op cmp_from_expr(const struct expr_key_cond *c) {
  switch (c->op) {
  case EXPR_OP_EQ: return CMP_EQ;
  case EXPR_OP_LT: return CMP_LT;
  case EXPR_OP_LE: return CMP_LE;
  case EXPR_OP_GT: return CMP_GT;
  case EXPR_OP_GE: return CMP_GE;
  case EXPR_OP_BETWEEN: return CMP_BETWEEN;
  case EXPR_OP_FUNC: return CMP_BEGINS_WITH;
  default: return CMP_INVALID;
  }
}

static const struct key_cond *find_cond(const struct key_cond *c, int n, const char *attr) {
  for (int i = 0; i < n; i++)
    if (name_is(c[i].name, c[i].len, attr)) return &c[i];
  return NULL;
}

/* The key conditions against the key schema (dynalite actions/query.js). */
static int check_key_conds(struct ddb_request *r, const struct schema *s, const struct key_cond *c,
                           int n) {
  const char *attrs[2] = {s->hash, s->range};
  const char types[2] = {s->hash_type, s->range_type};
  for (int k = 0; k < 2 && types[k]; k++) {
    bool is_hash = k == 0;
    if (is_hash && !s->range_type && n > 1)
      return ddb_fail(&r->err, DDB_VALIDATION, "Query key condition not supported");
    const struct key_cond *kc = find_cond(c, n, attrs[k]);
    if (!kc) {
      if (is_hash || n > 1)
        return ddb_fail(&r->err, DDB_VALIDATION, "Query condition missed key schema element: %s",
                        attrs[k]);
      continue;
    }
    switch (kc->op) {
    case CMP_NULL: case CMP_NOT_NULL: case CMP_NE: case CMP_CONTAINS: case CMP_NOT_CONTAINS:
    case CMP_IN: case CMP_INVALID:
      return ddb_fail(&r->err, DDB_VALIDATION, "Attempted conditional constraint is not an indexable operation");
    default: break;
    }
    size_t i;
    json_t *v;
    char tn[2] = {types[k], 0};
    json_array_foreach(kc->values, i, v) {
      if (!json_object_get(v, tn))
        return ddb_fail(&r->err, DDB_VALIDATION,
                        PREFIX_INVALID "Condition parameter type does not match schema type");
    }
    if (is_hash && kc->op != CMP_EQ)
      return ddb_fail(&r->err, DDB_VALIDATION, "Query key condition not supported");
  }
  return 0;
}

/*------------------------------- Key ranges --------------------------------*/

/* The key range a read covers, and whether items must be checked against the
** exact sort-key condition (when a bound value is too long for its key part
** to order exactly; see storage/keycodec.h). */
struct range {
  uint8_t lo[KEYCODEC_MAX + 1], hi[KEYCODEC_MAX + 1];
  size_t lolen, hilen;
  bool has_lo, has_hi;
  const struct key_cond *exact; /* re-check this condition on each item */
};

/* Encode bound value v of the sort key after prefix p[0..plen): the exact
** part when its order is exact, else the conservative sort prefix (and
** *inexact set). Returns the length of p ‖ part. */
static size_t bound(char type, const json_t *av, size_t budget, const uint8_t *p, size_t plen,
                    uint8_t *out, bool *inexact) {
  char tn[2] = {type, 0};
  const json_t *v = json_object_get(av, tn);
  memcpy(out, p, plen);
  size_t n = keycodec_sort_part(type, v, budget, out + plen);
  if (type == 'N') return plen + n;
  uint8_t sp[KEYCODEC_MAX];
  size_t m = keycodec_sort_prefix(type, v, budget, sp);
  if (keycodec_part_is_cut(type, out + plen, n) || m + 2 != n) {
    *inexact = true;
    memcpy(out + plen, sp, m);
    return plen + m;
  }
  return plen + n;
}

/* lo/hi as the successor of prefix key[0..n). */
static void set_hi_after(struct range *g, const uint8_t *key, size_t n) {
  g->hilen = store_key_successor(key, n, g->hi);
  g->has_hi = g->hilen > 0;
}

static void set_lo_after(struct range *g, const uint8_t *key, size_t n) {
  g->lolen = store_key_successor(key, n, g->lo);
  g->has_lo = g->lolen > 0;
}

/* The range of one partition of a Query, narrowed by the sort-key condition. */
static void query_range(const struct schema *s, const json_t *hash_av, const struct key_cond *rc,
                        size_t budget, struct range *g) {
  char tn[2] = {s->hash_type, 0};
  uint8_t p[KEYCODEC_MAX];
  size_t plen = keycodec_partition_prefix(s->hash_type, json_object_get(hash_av, tn), p);
  memset(g, 0, sizeof *g);
  memcpy(g->lo, p, plen);
  g->lolen = plen;
  g->has_lo = true;
  set_hi_after(g, p, plen);
  if (!rc) return;
  bool inexact = false;
  uint8_t a[KEYCODEC_MAX], b[KEYCODEC_MAX];
  const json_t *v0 = json_array_get(rc->values, 0), *v1 = json_array_get(rc->values, 1);
  size_t al = bound(s->range_type, v0, budget, p, plen, a, &inexact);
  switch (rc->op) {
  case CMP_EQ:
  case CMP_BEGINS_WITH:
    if (rc->op == CMP_BEGINS_WITH && !inexact) al -= 2; /* drop the terminator: a prefix */
    memcpy(g->lo, a, al);
    g->lolen = al;
    set_hi_after(g, a, al);
    break;
  case CMP_LT:
    if (inexact) set_hi_after(g, a, al);
    else memcpy(g->hi, a, g->hilen = al), g->has_hi = true;
    break;
  case CMP_LE: set_hi_after(g, a, al); break;
  case CMP_GT:
    if (inexact) memcpy(g->lo, a, g->lolen = al);
    else set_lo_after(g, a, al);
    break;
  case CMP_GE: memcpy(g->lo, a, g->lolen = al); break;
  case CMP_BETWEEN: {
    memcpy(g->lo, a, g->lolen = al);
    size_t bl = bound(s->range_type, v1, budget, p, plen, b, &inexact);
    set_hi_after(g, b, bl);
    break;
  }
  default: break;
  }
  if (inexact) g->exact = rc;
}

/* Narrow g to the keys after (forward) or before (reverse) key k. */
static void range_after(struct range *g, const uint8_t *k, size_t klen, bool reverse) {
  if (reverse) {
    if (!g->has_hi || bytes_cmp(k, klen, g->hi, g->hilen) < 0) {
      memcpy(g->hi, k, klen);
      g->hilen = klen;
      g->has_hi = true;
    }
    return;
  }
  uint8_t next[KEYCODEC_MAX + 1];
  memcpy(next, k, klen);
  next[klen] = 0; /* the smallest key after k */
  if (!g->has_lo || bytes_cmp(next, klen + 1, g->lo, g->lolen) > 0) {
    memcpy(g->lo, next, klen + 1);
    g->lolen = klen + 1;
    g->has_lo = true;
  }
}

/*------------------------------- Capacity ----------------------------------*/

/* Read units for `bytes` read at once: 4 KB units, at least one, halved for
** eventually consistent reads. */
static double read_units(uint64_t bytes, bool consistent) {
  double units = bytes ? (double)((bytes + 4095) / 4096) : 1.0;
  return consistent ? units : units / 2;
}

json_t *consumed_capacity_detail(struct ddb_request *r, const struct table *tbl, double table_units,
                                 const struct index *ix, double index_units,
                                 const struct store_txn *writes) {
  const char *mode = req_str(r->in, "ReturnConsumedCapacity");
  if (!mode || strcmp(mode, "NONE") == 0) return NULL;
  double total = table_units + (ix ? index_units : 0);
  json_t *local = json_object(), *global = json_object();
  if (ix)
    json_object_set_new(ix->global ? global : local, ix->name,
                        json_pack("{sf}", "CapacityUnits", index_units));
  for (int i = 0; writes && i < writes->niwrites; i++) {
    const struct store_index_write *w = &writes->iwrites[i];
    if (w->table != tbl) continue;
    total += w->units;
    json_t *map = w->index->global ? global : local;
    json_t *cur = json_object_get(map, w->index->name);
    double prev = cur ? json_real_value(json_object_get(cur, "CapacityUnits")) : 0;
    json_object_set_new(map, w->index->name, json_pack("{sf}", "CapacityUnits", prev + w->units));
  }
  json_t *cc = json_pack("{ss sf}", "TableName", tbl->name, "CapacityUnits", total);
  if (strcmp(mode, "INDEXES") == 0) {
    json_object_set_new(cc, "Table", json_pack("{sf}", "CapacityUnits", table_units));
    if (json_object_size(local)) json_object_set(cc, "LocalSecondaryIndexes", local);
    if (json_object_size(global)) json_object_set(cc, "GlobalSecondaryIndexes", global);
  }
  json_decref(local);
  json_decref(global);
  return cc;
}

json_t *item_collection_metrics(struct ddb_request *r, const struct table *tbl,
                                const json_t *item_or_key) {
  const char *mode = req_str(r->in, "ReturnItemCollectionMetrics");
  if (!mode || strcmp(mode, "SIZE") != 0 || !tbl->has_lsi) return NULL;
  json_t *pk = json_object_get(item_or_key, tbl->pk);
  char tn[2] = {tbl->pk_type, 0};
  struct store_txn t;
  struct ddb_err e = {0};
  uint64_t size = 0;
  if (store_begin(r->srv->store, false, &t, &e) == 0) {
    size = items_collection_size(&t, tbl, json_object_get(pk, tn));
    store_abort(&t);
  }
  ddb_err_clear(&e);
  double gb = (double)(size >> 30);
  return json_pack("{s{sO} s[ff]}", "ItemCollectionKey", tbl->pk, pk, "SizeEstimateRangeGB", gb,
                   gb + 1);
}

/*------------------------------- One page ----------------------------------*/

enum select_mode { SEL_ALL, SEL_PROJECTED, SEL_SPECIFIC, SEL_COUNT };

/* Everything a page read needs. */
struct read {
  struct ddb_request *r;
  struct table *tbl;
  const struct index *ix;   /* NULL: the table itself */
  struct schema schema;
  enum select_mode select;
  bool consistent;
  bool reverse;
  bool fetch;               /* LSI: read the item from the table */
  long long limit;          /* 0: none */
  /* FilterExpression or QueryFilter / ScanFilter, ProjectionExpression or
  ** AttributesToGet (legacy parameters translated by legacy.c), or NULL. */
  const struct expr *filter, *projection;
  bool legacy_filter;       /* the filter came from QueryFilter / ScanFilter */
  struct range range;
  /* Resuming inside a group of long sort values (see below): skip the
  ** group's records up to and including the ExclusiveStartKey. */
  uint8_t resume_group[KEYCODEC_MAX];
  size_t resume_group_len;     /* 0: not resuming inside a group */
  uint8_t resume_key[KEYCODEC_MAX];
  size_t resume_key_len;
  const json_t *resume_item;   /* the ExclusiveStartKey */
};

/*----------------------- Records in DynamoDB's order ------------------------
** Key order is DynamoDB's order except among sort values (S or B) too long
** for their key part: values that agree on the kept prefix of a cut value
** form one contiguous key range, the group [G, succ(G)) with G = partition
** prefix ‖ kept prefix, whose key order is not their value order
** (storage/keycodec.h). A group is read whole, ordered by exact value (then
** by key), and served from memory; paging into it resumes at the group's
** start and skips what the ExclusiveStartKey already covered.
*/

struct rec_copy {
  uint8_t *key;
  size_t klen;
  struct item_rec rec; /* json in the arena */
  json_t *item;        /* parsed, for ordering (owned) */
};

struct source {
  struct read *rd;
  struct store_cursor *cur;
  bool have_ahead;           /* a record read past a group, served next */
  struct rec_copy ahead;
  struct rec_copy *group;    /* the current group, ordered */
  size_t ngroup, pos;
};

/* The sort part of key: its offset in *off and its length, 0 when the read
** has no S or B sort key or the key is malformed. */
static size_t sort_part(const struct read *rd, const uint8_t *key, size_t klen, size_t *off) {
  char t = rd->schema.range_type;
  if ((t != 'S' && t != 'B') || klen < KEYCODEC_HASH_LEN) return 0;
  size_t pl = keycodec_part_len(rd->schema.hash_type, key + KEYCODEC_HASH_LEN, klen - KEYCODEC_HASH_LEN);
  if (!pl) return 0;
  *off = KEYCODEC_HASH_LEN + pl;
  return keycodec_part_len(t, key + *off, klen - *off);
}

/* The length of G when key's sort value is long enough to share a group with
** a cut value, else 0. */
static size_t group_len(const struct read *rd, const uint8_t *key, size_t klen) {
  size_t off, n = sort_part(rd, key, klen, &off);
  if (!n) return 0;
  size_t room = (rd->ix ? INDEX_SK_BUDGET : KEYCODEC_SK_BUDGET) - 2 - KEYCODEC_DIGEST_LEN;
  if (!keycodec_part_is_cut(rd->schema.range_type, key + off, n) && n - 2 <= room) return 0;
  const uint8_t *p = key + off;
  size_t i = 0;
  while (i < n) {
    size_t unit = 1;
    if (p[i] == 0) {
      if (i + 1 >= n || p[i + 1] != 0xFF) break; /* end or cut marker */
      unit = 2;
    }
    if (i + unit > room) break;
    i += unit;
  }
  return off + i;
}

static bool has_prefix(const uint8_t *key, size_t klen, const uint8_t *prefix, size_t n) {
  return klen >= n && memcmp(key, prefix, n) == 0;
}

/* Exact order of two records of one read: sort value, then key bytes. */
static int rec_order(const struct read *rd, const json_t *a, const uint8_t *ka, size_t kla,
                     const json_t *b, const uint8_t *kb, size_t klb) {
  const json_t *va = json_object_get(a, rd->schema.range), *vb = json_object_get(b, rd->schema.range);
  enum value_type t = rd->schema.range_type == 'S' ? VT_S : VT_B;
  if (va && vb && value_type_of(va) == t && value_type_of(vb) == t) {
    int c = scalar_cmp(t, va, vb);
    if (c) return c;
  }
  return bytes_cmp(ka, kla, kb, klb);
}

static int rec_copy_cmp(const void *x, const void *y, void *arg) {
  const struct read *rd = arg;
  const struct rec_copy *a = x, *b = y;
  int c = rec_order(rd, a->item, a->key, a->klen, b->item, b->key, b->klen);
  return rd->reverse ? -c : c;
}

static int copy_rec(struct ddb_request *r, const MDB_val *key, const struct item_rec *rec,
                    struct rec_copy *out) {
  out->key = arena_memdup(&r->arena, key->mv_data, key->mv_size);
  out->klen = key->mv_size;
  out->rec = *rec;
  out->rec.json = arena_memdup(&r->arena, rec->json, rec->json_len);
  out->item = json_loadb(rec->json, rec->json_len, JSON_ALLOW_NUL, NULL);
  return out->item ? 0 : ddb_fail(&r->err, DDB_INTERNAL, "damaged item record");
}

static void source_free(struct source *src) {
  for (size_t i = src->pos; i < src->ngroup; i++) json_decref(src->group[i].item);
  free(src->group);
  src->group = NULL;
  src->ngroup = src->pos = 0;
  if (src->have_ahead) json_decref(src->ahead.item);
  src->have_ahead = false;
}

/* Read the whole group of first (prefix G[0..glen)) and order it. */
static int read_group(struct source *src, struct rec_copy *first, const uint8_t *gp, size_t glen) {
  struct ddb_request *r = src->rd->r;
  size_t cap = 16;
  src->group = malloc(cap * sizeof *src->group);
  if (!src->group) abort();
  src->group[0] = *first;
  src->ngroup = 1;
  src->pos = 0;
  for (;;) {
    MDB_val key;
    struct item_rec rec;
    int rc = store_cursor_next(src->cur, &key, &rec, &r->err);
    if (rc == 1) break;
    if (rc) return -1;
    struct rec_copy c;
    if (copy_rec(r, &key, &rec, &c)) return -1;
    if (!has_prefix(c.key, c.klen, gp, glen)) {
      src->ahead = c;
      src->have_ahead = true;
      break;
    }
    if (src->ngroup == cap) {
      cap *= 2;
      src->group = realloc(src->group, cap * sizeof *src->group);
      if (!src->group) abort();
    }
    src->group[src->ngroup++] = c;
  }
  qsort_r(src->group, src->ngroup, sizeof *src->group, rec_copy_cmp, src->rd);
  return 0;
}

/* True when a resumed read must skip this record (covered by the
** ExclusiveStartKey's page). */
static bool resume_skip(const struct read *rd, const struct rec_copy *c) {
  if (!rd->resume_group_len || !has_prefix(c->key, c->klen, rd->resume_group, rd->resume_group_len))
    return false;
  int o = rec_order(rd, c->item, c->key, c->klen, rd->resume_item, rd->resume_key, rd->resume_key_len);
  return rd->reverse ? o >= 0 : o <= 0;
}

/* Resume after ExclusiveStartKey esk, whose key is k; inside a group of long
** sort values, from the group's start (see source_next). */
static void resume_after(struct read *rd, const json_t *esk, const uint8_t *k, size_t klen) {
  size_t glen = group_len(rd, k, klen);
  struct range *g = &rd->range;
  if (!glen) {
    range_after(g, k, klen, rd->reverse);
    return;
  }
  memcpy(rd->resume_group, k, glen);
  rd->resume_group_len = glen;
  memcpy(rd->resume_key, k, klen);
  rd->resume_key_len = klen;
  rd->resume_item = esk;
  if (rd->reverse) {
    uint8_t succ[KEYCODEC_MAX];
    size_t n = store_key_successor(k, glen, succ);
    if (n && (!g->has_hi || bytes_cmp(succ, n, g->hi, g->hilen) < 0)) {
      memcpy(g->hi, succ, n);
      g->hilen = n;
      g->has_hi = true;
    }
  } else if (!g->has_lo || bytes_cmp(k, glen, g->lo, g->lolen) > 0) {
    memcpy(g->lo, k, glen);
    g->lolen = glen;
    g->has_lo = true;
  }
}

/* The next record in DynamoDB's order: 0, 1 at the end, -1 with r->err set.
** *item is the parsed record when at hand (owned by the caller), else NULL. */
static int source_next(struct source *src, MDB_val *key, struct item_rec *rec, json_t **item) {
  struct ddb_request *r = src->rd->r;
  for (;;) {
    *item = NULL;
    struct rec_copy c;
    if (src->pos < src->ngroup) {
      c = src->group[src->pos++];
    } else {
      free(src->group);
      src->group = NULL;
      src->ngroup = src->pos = 0;
      size_t glen;
      if (src->have_ahead) {
        c = src->ahead;
        src->have_ahead = false;
        glen = group_len(src->rd, c.key, c.klen);
      } else {
        int rc = store_cursor_next(src->cur, key, rec, &r->err);
        if (rc) return rc;
        const struct read *rd = src->rd;
        glen = group_len(rd, key->mv_data, key->mv_size);
        bool resuming = rd->resume_group_len &&
                        has_prefix(key->mv_data, key->mv_size, rd->resume_group, rd->resume_group_len);
        if (!glen && !resuming) return 0;
        if (copy_rec(r, key, rec, &c)) return -1;
      }
      if (glen) {
        uint8_t gp[KEYCODEC_MAX];
        memcpy(gp, c.key, glen);
        if (read_group(src, &c, gp, glen)) return -1;
        continue;
      }
    }
    if (resume_skip(src->rd, &c)) {
      json_decref(c.item);
      continue;
    }
    key->mv_data = c.key;
    key->mv_size = c.klen;
    *rec = c.rec;
    *item = c.item;
    return 0;
  }
}

/* Append v as compact JSON to the response body. */
static void sb_json(struct buf *b, const json_t *v) {
  char *text = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(13) | JSON_ENCODE_ANY);
  if (!text) abort();
  buf_str(b, text);
  free(text);
}

/* The attributes of item that the request asked for (new reference). */
static json_t *project(const struct read *rd, json_t *item) {
  return rd->projection ? expr_project(rd->projection, item) : json_incref(item);
}

/* Read one page and write the response body into out. */
static int read_page(struct read *rd, struct buf *out) {
  struct ddb_request *r = rd->r;
  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  struct store_cursor c;
  MDB_dbi dbi = rd->ix ? rd->ix->dbi : rd->tbl->items;
  struct range *g = &rd->range;
  if (store_cursor_open(&t, dbi, g->has_lo ? g->lo : NULL, g->lolen, g->has_hi ? g->hi : NULL,
                        g->hilen, rd->reverse, &c, &r->err)) {
    store_abort(&t);
    return -1;
  }
  bool need_item = rd->filter || rd->projection || g->exact || rd->fetch;
  struct source src = {.rd = rd, .cur = &c};
  bool count_only = rd->select == SEL_COUNT;
  long long scanned = 0, count = 0;
  uint64_t bytes = 0, read_bytes = 0;
  double table_units = 0;
  char *last = NULL; /* JSON of the last item read (arena) */
  size_t last_len = 0;
  bool more = false;
  int rc = 0;
  if (!count_only) buf_str(out, "{\"Items\":[");
  else buf_str(out, "{");
  for (;;) {
    if ((rd->limit && scanned >= rd->limit) || bytes >= PAGE_BYTES) {
      more = scanned > 0;
      break;
    }
    MDB_val key;
    struct item_rec rec;
    json_t *item = NULL, *full = NULL;
    rc = source_next(&src, &key, &rec, &item);
    if (rc == 1) {
      rc = 0;
      break;
    }
    if (rc) break;
    if (need_item && !item) {
      item = json_loadb(rec.json, rec.json_len, JSON_ALLOW_NUL, NULL);
      if (!item) {
        rc = ddb_fail(&r->err, DDB_INTERNAL, "damaged item record");
        break;
      }
    }
    if (g->exact) {
      const json_t *sv = json_object_get(item, rd->schema.range);
      if (!sv || !key_match(g->exact->op, sv, g->exact->values)) {
        json_decref(item);
        continue; /* outside the key condition: not read */
      }
    }
    scanned++;
    bytes += rec.size;
    read_bytes += rec.size;
    last = arena_memdup(&r->arena, rec.json, rec.json_len);
    last_len = rec.json_len;
    if (rd->fetch) {
      uint8_t tk[KEYCODEC_MAX];
      size_t tkl = items_key(rd->tbl, item, tk);
      struct item_rec trec;
      int grc = tkl ? items_get(&t, rd->tbl, tk, tkl, &trec, &r->err) : 1;
      if (grc < 0) {
        json_decref(item);
        rc = -1;
        break;
      }
      if (grc == 0) {
        full = json_loadb(trec.json, trec.json_len, JSON_ALLOW_NUL, NULL);
        table_units += read_units(trec.size, rd->consistent);
      }
    }
    json_t *subject = full ? full : item;
    bool keep = true;
    if (subject && rd->filter) {
      int frc = expr_eval_condition(rd->filter, subject, &r->err);
      if (frc < 0) {
        json_decref(item);
        json_decref(full);
        rc = -1;
        break;
      }
      keep = frc == 1;
    }
    if (keep) {
      count++;
      if (!count_only) {
        if (count > 1) buf_append(out, ",", 1);
        if (subject && (rd->projection || full)) {
          json_t *p = project(rd, subject);
          sb_json(out, p);
          json_decref(p);
        } else {
          buf_append(out, rec.json, rec.json_len);
        }
      }
    }
    json_decref(item);
    json_decref(full);
  }
  source_free(&src);
  store_cursor_close(&c);
  store_abort(&t);
  if (rc) return -1;

  char num[128];
  snprintf(num, sizeof num, "%s\"Count\":%lld,\"ScannedCount\":%lld", count_only ? "" : "],",
           count, scanned);
  buf_str(out, num);
  r->trace.items_scanned = (uint64_t)scanned, r->trace.items_returned = (uint64_t)count, r->trace.counts_set = true;
  if (more && last) {
    json_t *item = json_loadb(last, last_len, JSON_ALLOW_NUL, NULL);
    json_t *lek = last_key(rd->tbl, rd->ix, item);
    buf_str(out, ",\"LastEvaluatedKey\":");
    sb_json(out, lek);
    json_decref(lek);
    json_decref(item);
  }
  double read = read_units(read_bytes, rd->consistent);
  json_t *cc = rd->ix ? consumed_capacity_detail(r, rd->tbl, table_units, rd->ix, read, NULL)
                      : consumed_capacity_detail(r, rd->tbl, read, NULL, 0, NULL);
  if (cc) {
    buf_str(out, ",\"ConsumedCapacity\":");
    sb_json(out, cc);
    json_decref(cc);
  }
  buf_str(out, "}");
  return 0;
}

/*------------------------------ Shared steps -------------------------------*/

/* Parsed expressions of the request (NULL when absent). */
struct exprs {
  const struct expr *key, *filter, *projection;
  struct expr_ctx *ctx;
};

static int parse_expressions(struct ddb_request *r, bool query, struct exprs *x) {
  memset(x, 0, sizeof *x);
  json_t *names = param(r, "ExpressionAttributeNames");
  json_t *values = param(r, "ExpressionAttributeValues");
  if (expr_check_attribute_maps(names, values, query ? 0 : VALUE_OLDER, &r->err)) return -1;
  struct expr_ctx *ctx = expr_ctx_new(&r->arena, names, values);
  x->ctx = ctx;
  inst_trace_expr(&r->trace, &r->arena, ctx, r->in); /* instrumentation: diagnostics, templates */
  static const struct {
    const char *param;
    enum expr_kind kind;
  } kinds[] = {{"KeyConditionExpression", EXPR_KEY_CONDITION},
               {"FilterExpression", EXPR_FILTER},
               {"ProjectionExpression", EXPR_PROJECTION}};
  const struct expr **slots[] = {&x->key, &x->filter, &x->projection};
  for (int i = 0; i < 3; i++) {
    if (!query && i == 0) continue;
    const json_t *text = param(r, kinds[i].param);
    if (!text) continue;
    if (expr_parse(ctx, kinds[i].kind, json_string_value(text), json_string_length(text),
                   slots[i], &r->err))
      return -1;
  }
  return expr_ctx_check_unused(ctx, &r->err);
}

/* Select and its companions (texts as DynamoDB's request validation). */
static int resolve_select(struct ddb_request *r, struct read *rd) {
  const char *select = req_str(r->in, "Select");
  bool atg = param(r, "AttributesToGet") != NULL, pe = param(r, "ProjectionExpression") != NULL;
  bool index = param(r, "IndexName") != NULL;
  if (select && strcmp(select, "SPECIFIC_ATTRIBUTES") != 0 && (atg || pe)) {
    const char *what = strcmp(select, "COUNT") == 0 ? "only the Count" : select;
    return ddb_fail(&r->err, DDB_VALIDATION, "Cannot specify the %s when choosing to get %s",
                    atg ? "AttributesToGet" : "ProjectionExpression", what);
  }
  if (select && strcmp(select, "SPECIFIC_ATTRIBUTES") == 0 && !atg && !pe)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                    "SPECIFIC_ATTRIBUTES");
  if (select && strcmp(select, "ALL_PROJECTED_ATTRIBUTES") == 0 && !index)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  if (!select) rd->select = atg || pe ? SEL_SPECIFIC : index ? SEL_PROJECTED : SEL_ALL;
  else if (strcmp(select, "ALL_ATTRIBUTES") == 0) rd->select = SEL_ALL;
  else if (strcmp(select, "ALL_PROJECTED_ATTRIBUTES") == 0) rd->select = SEL_PROJECTED;
  else if (strcmp(select, "COUNT") == 0) rd->select = SEL_COUNT;
  else rd->select = SEL_SPECIFIC;
  return 0;
}

/* The table, and the index the request names (with its read rules). */
static int resolve_target(struct ddb_request *r, struct read *rd) {
  rd->tbl = item_table(r);
  if (!rd->tbl) return -1;
  const char *name = req_str(r->in, "IndexName");
  rd->consistent = json_is_true(param(r, "ConsistentRead"));
  if (name) {
    rd->ix = catalog_index(rd->tbl, name);
    if (!rd->ix)
      return ddb_fail(&r->err, DDB_VALIDATION, "The table does not have the specified index: %s", name);
    if (rd->ix->status == INDEX_CREATING) {
      index_backfill_kick(r->srv, rd->tbl);
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "Cannot read from backfilling global secondary index: %s", name);
    }
    if (rd->ix->global && rd->consistent)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "Consistent reads are not supported on global secondary indexes");
  }
  schema_of(rd->tbl, rd->ix, &rd->schema);
  return 0;
}

static bool index_projects(const struct table *tbl, const struct index *ix, const char *name,
                           size_t len) {
  if (ix->proj == INDEX_PROJ_ALL) return true;
  const char *keys[4] = {tbl->pk, tbl->sk, ix->hash, ix->range};
  for (int i = 0; i < 4; i++)
    if (name_is(name, len, keys[i])) return true;
  size_t i;
  json_t *a;
  json_array_foreach(ix->non_key, i, a) {
    if (name_is(name, len, json_string_value(a) ?: "")) return true;
  }
  return false;
}

static bool tree_outside_projection(const struct read *rd, const struct expr *e) {
  if (!e) return false;
  if (e->op == EXPR_OP_PATH) {
    const char *name;
    size_t len;
    path_head(e, &name, &len);
    return !index_projects(rd->tbl, rd->ix, name, len);
  }
  for (uint32_t i = 0; i < e->nargs; i++)
    if (tree_outside_projection(rd, e->args[i])) return true;
  return false;
}

/* Select ALL_ATTRIBUTES on a GSI without ALL projection is an error; on an
** LSI it, and any attribute outside the projection, is fetched from the table. */
static int resolve_fetch(struct ddb_request *r, struct read *rd) {
  const struct index *ix = rd->ix;
  if (!ix || ix->proj == INDEX_PROJ_ALL) return 0;
  if (ix->global) {
    if (rd->select == SEL_ALL)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      PREFIX_INVALID "Select type ALL_ATTRIBUTES is not supported for global "
                                     "secondary index %s because its projection type is not ALL",
                      ix->name);
    return 0;
  }
  bool fetch = rd->select == SEL_ALL || tree_outside_projection(rd, rd->projection) ||
               tree_outside_projection(rd, rd->filter);
  rd->fetch = fetch;
  return 0;
}

static int finish(struct ddb_request *r, struct read *rd) {
  struct buf out = {0}; /* the response body, handed to dispatch as raw_out */
  if (read_page(rd, &out)) {
    buf_free(&out);
    return -1;
  }
  r->raw_out = buf_take(&out, &r->raw_out_len);
  r->trace.response_raw = r->raw_out; /* instrumentation reads what was returned */
  r->trace.response_raw_len = r->raw_out_len;
  return 0;
}

static void read_options(struct ddb_request *r, struct read *rd) {
  rd->r = r;
  json_t *limit = param(r, "Limit");
  rd->limit = limit ? json_integer_value(limit) : 0;
}

/* The legacy filter and AttributesToGet as expressions, unless the request
** used the expression parameters (mixing them was refused). */
static void legacy_trees(struct ddb_request *r, struct read *rd, const json_t *filter) {
  const char *op = req_str(r->in, "ConditionalOperator");
  if (!rd->filter && filter && json_object_size(filter)) {
    rd->filter = legacy_condition_expr(&r->arena, filter, op && strcmp(op, "OR") == 0);
    rd->legacy_filter = true;
  }
  if (!rd->projection) rd->projection = legacy_projection_expr(&r->arena, param(r, "AttributesToGet"));
}

/* Instrumentation sees the legacy parameters' trees in the request's context. */
static void legacy_trace(struct ddb_request *r, const struct exprs *x, const struct read *rd) {
  expr_ctx_set(x->ctx, EXPR_FILTER, rd->filter);
  expr_ctx_set(x->ctx, EXPR_PROJECTION, rd->projection);
  if (!x->key) expr_ctx_set(x->ctx, EXPR_KEY_CONDITION, legacy_condition_expr(&r->arena, param(r, "KeyConditions"), false));
}

/*--------------------------------- Query -----------------------------------*/

/* The conditions of a KeyConditionExpression (the leaves of its AND tree). */
static int and_leaves(const struct expr *e) {
  if (e->op != EXPR_OP_AND) return 1;
  return and_leaves(e->args[0]) + and_leaves(e->args[1]);
}

/* Key conditions from KeyConditions or KeyConditionExpression. An expression
** with more conditions than a key can have is refused once the key schema is
** known (*too_many gets their number). */
static int key_conditions(struct ddb_request *r, const struct exprs *x, struct key_cond *c, int *n,
                          int *too_many) {
  *n = 0;
  *too_many = 0;
  if (x->key) {
    struct expr_key_cond kc[2];
    int k = expr_key_conditions(x->key, kc, &r->err);
    if (k < 0 && r->err.msg && strcmp(r->err.msg, "Conditions can be of length 1 or 2 only") == 0) {
      ddb_err_clear(&r->err);
      *too_many = and_leaves(x->key);
      k = 2;
    }
    if (k < 0) return -1;
    for (int i = 0; i < k; i++) {
      c[i].name = kc[i].name;
      c[i].len = kc[i].len;
      c[i].op = cmp_from_expr(&kc[i]);
      c[i].values = arena_link_json(&r->arena, json_array());
      json_array_append(c[i].values, (json_t *)kc[i].v1);
      if (kc[i].v2) json_array_append(c[i].values, (json_t *)kc[i].v2);
    }
    *n = k;
  } else {
    json_t *conds = param(r, "KeyConditions");
    if (legacy_check_conditions(r, conds, 0)) return -1;
    const char *attr;
    json_t *cond;
    json_object_foreach(conds, attr, cond) {
      if (*n < 2) {
        c[*n].name = attr;
        c[*n].len = strlen(attr);
        c[*n].op = cmp_from_name(req_str(cond, "ComparisonOperator"));
        c[*n].values = json_object_get(cond, "AttributeValueList");
      }
      ++*n;
    }
  }
  if (*n != 1 && *n != 2)
    return ddb_fail(&r->err, DDB_VALIDATION, "Conditions can be of length 1 or 2 only");
  return 0;
}

/* ExclusiveStartKey against the key conditions (dynalite actions/query.js). */
static int check_start_in_query(struct ddb_request *r, const struct read *rd, const json_t *esk,
                                const struct key_cond *hc, const struct key_cond *rc) {
  const json_t *hash = json_object_get(esk, rd->schema.hash);
  bool same_hash = value_equal(hash, json_array_get(hc->values, 0));
  if (!rc) {
    if (!same_hash)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "The provided starting key is outside query boundaries based on provided "
                      "conditions");
    return 0;
  }
  if (!key_match(rc->op, json_object_get(esk, rd->schema.range), rc->values))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "The provided starting key does not match the range key predicate");
  if (!same_hash)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "The query can return at most one row and cannot be restarted");
  return 0;
}

int op_query(struct ddb_request *r, json_t **out) {
  (void)out;
  struct read rd;
  memset(&rd, 0, sizeof rd);
  read_options(r, &rd);
  if (check_expression_params(r, true)) return -1;
  json_t *qf = param(r, "QueryFilter"), *atg = param(r, "AttributesToGet");
  if (qf && legacy_check_conditions(r, qf, 0)) return -1;
  if (atg && legacy_check_attributes_to_get(r, atg)) return -1;
  json_t *esk = param(r, "ExclusiveStartKey");
  if (esk && check_start_key_values(r, esk, 0)) return -1;
  if (!param(r, "KeyConditions") && !param(r, "KeyConditionExpression"))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "Either the KeyConditions or KeyConditionExpression parameter must be "
                    "specified in the request.");
  struct exprs x;
  if (parse_expressions(r, true, &x)) return -1;
  rd.filter = x.filter;
  rd.projection = x.projection;
  legacy_trees(r, &rd, qf);
  struct key_cond conds[2];
  int nconds, too_many;
  if (key_conditions(r, &x, conds, &nconds, &too_many)) return -1;
  legacy_trace(r, &x, &rd);
  if (resolve_select(r, &rd)) return -1;

  if (resolve_target(r, &rd)) return -1;
  const struct schema *s = &rd.schema;
  if (too_many)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "The number of query conditions (%d) exceeds the number of key attributes "
                    "defined in the schema (%d)",
                    too_many, s->range_type ? 2 : 1);
  if (esk && json_object_size(esk) != start_key_size(rd.tbl, rd.ix))
    return ddb_fail(&r->err, DDB_VALIDATION, "The provided starting key is invalid");
  const char *attrs[2] = {s->hash, s->range};
  const char types[2] = {s->hash_type, s->range_type};
  for (int k = 0; esk && k < 2 && types[k]; k++) {
    if (!json_object_get(esk, attrs[k]))
      return ddb_fail(&r->err, DDB_VALIDATION, "The provided starting key is invalid");
    if (check_start_key_piece(r, esk, attrs[k], types[k], k == 0)) return -1;
  }
  if (check_key_conds(r, s, conds, nconds)) return -1;
  const struct key_cond *hc = find_cond(conds, nconds, s->hash);
  const struct key_cond *rc = s->range_type ? find_cond(conds, nconds, s->range) : NULL;
  if (esk && (check_start_table_key(r, rd.tbl, esk) || check_start_in_query(r, &rd, esk, hc, rc)))
    return -1;
  if (check_key_paths(r, rd.tbl, rd.projection)) return -1;
  for (int k = 0; rd.filter && k < 2 && types[k]; k++) {
    if (tree_uses(rd.filter, attrs[k], false))
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "%s can only contain non-primary key attributes: Primary key attribute: %s",
                      rd.legacy_filter ? "QueryFilter" : "Filter Expression", attrs[k]);
  }
  if (resolve_fetch(r, &rd)) return -1;
  if (check_key_paths(r, rd.tbl, rd.filter)) return -1;

  const json_t *sif = param(r, "ScanIndexForward");
  rd.reverse = sif && json_is_false(sif);
  query_range(s, json_array_get(hc->values, 0), rc, rd.ix ? INDEX_SK_BUDGET : KEYCODEC_SK_BUDGET,
              &rd.range);
  if (esk) {
    uint8_t k[KEYCODEC_MAX];
    size_t klen = rd.ix ? index_key(rd.tbl, rd.ix, esk, k) : items_key(rd.tbl, esk, k);
    if (klen) resume_after(&rd, esk, k, klen);
  }
  return finish(r, &rd);
}

/*---------------------------------- Scan -----------------------------------*/

/* The hash range of segment seg of total: [floor(seg*2^32/total), floor((seg+1)*2^32/total)). */
static void segment_range(long long seg, long long total, struct range *g) {
  memset(g, 0, sizeof *g);
  if (total <= 1) return;
  uint64_t lo = (uint64_t)((((unsigned __int128)seg) << 32) / (unsigned __int128)total);
  uint64_t hi = (uint64_t)((((unsigned __int128)(seg + 1)) << 32) / (unsigned __int128)total);
  for (int i = 0; i < 4; i++) g->lo[i] = (uint8_t)(lo >> (24 - 8 * i));
  g->lolen = 4;
  g->has_lo = true;
  if (seg + 1 < total) {
    for (int i = 0; i < 4; i++) g->hi[i] = (uint8_t)(hi >> (24 - 8 * i));
    g->hilen = 4;
    g->has_hi = true;
  }
}

int op_scan(struct ddb_request *r, json_t **out) {
  (void)out;
  struct read rd;
  memset(&rd, 0, sizeof rd);
  read_options(r, &rd);
  if (check_expression_params(r, false)) return -1;
  json_t *sf = param(r, "ScanFilter"), *atg = param(r, "AttributesToGet");
  if (atg && legacy_check_attributes_to_get(r, atg)) return -1;
  if (sf && legacy_check_conditions(r, sf, VALUE_OLDER)) return -1;
  json_t *esk = param(r, "ExclusiveStartKey");
  if (esk && check_start_key_values(r, esk, VALUE_OLDER)) return -1;
  json_t *segment = param(r, "Segment"), *total = param(r, "TotalSegments");
  long long seg = json_integer_value(segment), tot = json_integer_value(total);
  if (seg && !total)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "The TotalSegments parameter is required but was not present in the request "
                    "when Segment parameter is present");
  if (tot) {
    if (!segment)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "The Segment parameter is required but was not present in the request when "
                      "parameter TotalSegments is present");
    if (seg >= tot)
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "The Segment parameter is zero-based and must be less than parameter "
                      "TotalSegments: Segment: %lld is not less than TotalSegments: %lld",
                      seg, tot);
  }
  struct exprs x;
  if (parse_expressions(r, false, &x)) return -1;
  rd.filter = x.filter;
  rd.projection = x.projection;
  legacy_trees(r, &rd, sf);
  legacy_trace(r, &x, &rd);
  if (resolve_select(r, &rd)) return -1;

  if (resolve_target(r, &rd)) return -1;
  if (esk && json_object_size(esk) != start_key_size(rd.tbl, rd.ix))
    return ddb_fail(&r->err, DDB_VALIDATION,
                    rd.ix ? "The provided starting key is invalid"
                          : "The provided starting key is invalid: The provided key element does "
                            "not match the schema");
  const struct schema *s = &rd.schema;
  if (esk && rd.ix) {
    const char *attrs[2] = {s->hash, s->range};
    const char types[2] = {s->hash_type, s->range_type};
    for (int k = 0; k < 2 && types[k]; k++) {
      if (!json_object_get(esk, attrs[k]))
        return ddb_fail(&r->err, DDB_VALIDATION, "The provided starting key is invalid");
      if (check_start_key_piece(r, esk, attrs[k], types[k], k == 0)) return -1;
    }
  }
  if (resolve_fetch(r, &rd)) return -1;
  if (esk && check_start_table_key(r, rd.tbl, esk)) return -1;
  segment_range(seg, tot, &rd.range);
  if (esk) {
    uint8_t k[KEYCODEC_MAX];
    size_t klen = rd.ix ? index_key(rd.tbl, rd.ix, esk, k) : items_key(rd.tbl, esk, k);
    if (klen && tot > 1 &&
        ((rd.range.has_lo && bytes_cmp(k, 4, rd.range.lo, 4) < 0) ||
         (rd.range.has_hi && bytes_cmp(k, 4, rd.range.hi, 4) >= 0)))
      return ddb_fail(&r->err, DDB_VALIDATION,
                      "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                      "ExclusiveStartKey with correct Segment. TotalSegments: %lld Segment: %lld",
                      tot, seg);
    if (klen) resume_after(&rd, esk, k, klen);
  }
  if (check_key_paths(r, rd.tbl, rd.projection) || check_key_paths(r, rd.tbl, rd.filter)) return -1;
  return finish(r, &rd);
}

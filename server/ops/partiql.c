/*
** server/ops/partiql.c: ExecuteStatement, BatchExecuteStatement and
** ExecuteTransaction.
**
** A statement goes through the same steps in all three operations (prepare):
**   1. parse (server/partiql/parse.c) and DynamoDB's table-less checks;
**   2. the number of ? against Parameters;
**   3. the table (and index), then what needs its key schema: the key of a
**      write or of a batch / transaction read, which must be the WHERE
**      clause's top-level equalities ("Where clause does not contain a
**      mandatory equality on all key attributes"), the partitions a SELECT
**      reads, ORDER BY, an index's projection;
**   4. the WHERE clause (less a write's key equalities), the SET / REMOVE list
**      and the select list, translated into DynamoDB's expression language and
**      validated by server/expr with one context, so PartiQL and the expression
**      API share one evaluator and one set of messages.
** Then a SELECT reads: the partitions that the WHERE clause pins the partition
** key to (an = or IN at the top level of an AND chain, or every branch of an
** OR), narrowed by a sort-key condition when there is one, else the whole table
** or index; every item read counts against Limit and the 1 MB page whether or
** not the WHERE clause keeps it, as in DynamoDB, and NextToken resumes after the
** last item read. A write goes through the shared single-item write path
** (items.c: item_write_run) in its own write transaction. ExecuteTransaction
** is TransactWriteItems in PartiQL and shares its rules through transact.c
** (ops.h): its writes run in one atomic store transaction, are cancelled with
** one reason per statement, lock their items until durable, are remembered
** under a ClientRequestToken for 10 minutes and are billed as
** TransactWriteItems bills; its reads are cancelled on items a transaction
** in progress holds, as TransactGetItems is.
**
** Semantics and texts: the public Parity Suite's captures of real DynamoDB
** (tests/tier2/partiql, tests/tier3/error-messages/partiql*), then DynamoDB
** Local 1.25 where the suite is silent. Real DynamoDB differs from DynamoDB
** Local in: a DELETE of a missing item whose WHERE has a further condition
** succeeds (no ConditionalCheckFailed); ConsumedCapacity is returned when asked;
** syntax errors carry the parser's detail rather than the statement; a
** duplicate set member names the members.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr/expr.h"
#include "items.h"
#include "ops.h"
#include "partiql/partiql.h"
#include "storage/keycodec.h"
#include "storage/store.h"
#include "value.h"

#define PAGE_BYTES (1024 * 1024)
#define MSG_CCF "The conditional request failed"
#define MSG_DUP "Duplicate primary key exists in table"
#define MSG_KEY_EQ "Where clause does not contain a mandatory equality on all key attributes"
#define MAX_PARTITIONS 100

/* How a statement is run: alone, in a batch, in a transaction. */
enum mode { MODE_SINGLE, MODE_BATCH, MODE_TXN };

/* One statement being prepared and run. */
struct run {
  struct ddb_request *r;
  enum mode mode;
  const char *text;
  size_t len;
  json_t *params;              /* borrowed; may be NULL */
  struct pql_parsed p;
  struct pql_stmt *s;          /* the statement (the SELECT of EXISTS) */
  bool exists;
  struct table *tbl;
  const struct index *ix;      /* SELECT FROM "t"."i" */
  /* Key schema of what is read: the table or the index. */
  const char *hash, *range;    /* range "" when none */
  char hash_type, range_type;
  struct pql_compiler comp;
  struct expr_ctx *ctx;
  const struct expr *cond;     /* NULL: always true */
  bool never;                  /* the condition can never hold */
  const struct expr *update;
  const struct expr *proj;     /* NULL: * */
  char **proj_names;
  json_t *key;                 /* full primary key (arena-linked) or NULL */
  json_t *item;                /* INSERT (arena-linked) */
  /* SELECT plan */
  json_t *parts;               /* hash-key values to read (arena-linked), NULL: scan */
  const struct pql_node *skc;  /* sort-key condition to narrow each partition */
  bool reverse;
  bool fetch;                  /* LSI: read the items from the table */
  struct inst_partiql *tr;     /* the trace record of this statement */
};

/*------------------------------- Helpers ------------------------------------*/

/* Drop server/expr's "Invalid <Kind>: " prefix, which PartiQL's messages lack. */
static void strip_expr_prefix(struct ddb_err *e) {
  static const char *const prefixes[] = {"Invalid ConditionExpression: ", "Invalid UpdateExpression: ",
                                         "Invalid ProjectionExpression: "};
  if (!e->msg) return;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t n = strlen(prefixes[i]);
    if (strncmp(e->msg, prefixes[i], n) == 0) memmove(e->msg, e->msg + n, strlen(e->msg + n) + 1);
  }
}

static int fail(struct run *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct run *u, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ddb_vfail(&u->r->err, DDB_VALIDATION, fmt, ap);
  va_end(ap);
  return -1;
}

static bool name_eq(const char *a, size_t alen, const char *b) {
  return b && strlen(b) == alen && memcmp(a, b, alen) == 0;
}

/* A bare attribute name node (an identifier), or NULL. */
static bool attribute(const struct pql_node *n, const char **name, size_t *len) {
  return pql_is_attribute(n, name, len);
}

/* The type letter of a scalar AttributeValue ('S', 'N', 'B') or 0. */
static char scalar_type(const json_t *av) {
  void *it = json_object_iter((json_t *)av);
  const char *k = it ? json_object_iter_key(it) : "";
  return strlen(k) == 1 && strchr("SNB", k[0]) ? k[0] : 0;
}

static const json_t *inner(const json_t *av) {
  void *it = json_object_iter((json_t *)av);
  return it ? json_object_iter_value(it) : NULL;
}

static json_t *parse_item(const struct item_rec *rec) {
  return json_loadb(rec->json, rec->json_len, JSON_ALLOW_NUL, NULL);
}

static double read_units(uint64_t bytes, bool consistent) {
  double units = bytes ? (double)((bytes + 4095) / 4096) : 1.0;
  return consistent ? units : units / 2;
}


/*------------------------------ Key analysis --------------------------------*/

/* attr = value (either way round): the value's node, or NULL. */
static const struct pql_node *equality_on(const struct pql_node *x, const char *attr) {
  if (x->kind != PQL_N_BINARY || x->op != POP_EQ || !attr || !*attr) return NULL;
  const char *name;
  size_t len;
  for (int side = 0; side < 2; side++) {
    const struct pql_node *a = x->kids[side], *v = x->kids[1 - side];
    if (attribute(a, &name, &len) && name_eq(name, len, attr) && pql_is_value(v) &&
        v->kind != PQL_N_LIST && v->kind != PQL_N_BAG && v->kind != PQL_N_STRUCT)
      return v;
  }
  return NULL;
}

/* attr IN [values]: the list node, or NULL. */
static const struct pql_node *in_on(const struct pql_node *x, const char *attr) {
  const char *name;
  size_t len;
  if (x->kind != PQL_N_BINARY || x->op != POP_IN || (x->flags & PQL_F_NEGATED)) return NULL;
  if (!attribute(x->kids[0], &name, &len) || !name_eq(name, len, attr)) return NULL;
  const struct pql_node *l = x->kids[1];
  if ((l->kind != PQL_N_LIST && l->kind != PQL_N_BAG) || l->nkids == 0) return NULL;
  for (uint32_t i = 0; i < l->nkids; i++)
    if (!pql_is_value(l->kids[i])) return NULL;
  return l;
}

/* A condition on the sort key that narrows a partition's range: =, <, <=,
** >, >=, BETWEEN and begins_with, with the key attribute on the left. */
static bool sort_condition(const struct pql_node *x, const char *attr) {
  const char *name;
  size_t len;
  if (!attr || !*attr) return false;
  if (x->kind == PQL_N_BINARY && x->op >= POP_EQ && x->op <= POP_GE && x->op != POP_NE)
    return attribute(x->kids[0], &name, &len) && name_eq(name, len, attr) && pql_is_value(x->kids[1]);
  if (x->kind == PQL_N_BETWEEN && !(x->flags & PQL_F_NEGATED))
    return attribute(x->kids[0], &name, &len) && name_eq(name, len, attr) &&
           pql_is_value(x->kids[1]) && pql_is_value(x->kids[2]);
  if (x->kind == PQL_N_CALL && x->tlen == 11 && strncasecmp(x->text, "begins_with", 11) == 0 &&
      x->nkids == 2)
    return attribute(x->kids[0], &name, &len) && name_eq(name, len, attr) && pql_is_value(x->kids[1]);
  return false;
}

/* A value of the key's type (new reference), or NULL when it has another type
** (it then matches nothing). Returns -1 on a conversion error. */
static int key_value(struct run *u, const struct pql_node *v, char type, json_t **out) {
  *out = pql_value(&u->r->arena, u->text, u->len, v, u->params, &u->r->err);
  if (!*out) return -1;
  if (scalar_type(*out) != type) {
    json_decref(*out);
    *out = NULL;
  }
  return 0;
}

/* Append the hash-key values that n pins the partition key to into list;
** false when n does not pin it to finitely many. */
static bool partitions_of(struct run *u, const struct pql_node *n, json_t *list, int *err) {
  const struct pql_node *v = equality_on(n, u->hash), *l = in_on(n, u->hash);
  if (v || l) {
    uint32_t count = v ? 1 : l->nkids;
    for (uint32_t i = 0; i < count; i++) {
      json_t *av;
      if (key_value(u, v ? v : l->kids[i], u->hash_type, &av)) {
        *err = -1;
        return false;
      }
      if (av) json_array_append_new(list, av);
    }
    return true;
  }
  if (n->kind == PQL_N_BINARY && n->op == POP_AND) {
    size_t mark = json_array_size(list);
    if (partitions_of(u, n->kids[0], list, err)) return true;
    while (json_array_size(list) > mark) json_array_remove(list, json_array_size(list) - 1);
    return !*err && partitions_of(u, n->kids[1], list, err);
  }
  if (n->kind == PQL_N_BINARY && n->op == POP_OR)
    return partitions_of(u, n->kids[0], list, err) && partitions_of(u, n->kids[1], list, err);
  return false;
}

/* Does n name attribute attr anywhere (as a bare attribute)? */
static bool names_attribute(const struct pql_node *n, const char *attr) {
  const char *name;
  size_t len;
  if (attribute(n, &name, &len)) return name_eq(name, len, attr);
  for (uint32_t i = 0; i < n->nkids; i++)
    if (names_attribute(n->kids[i], attr)) return true;
  return false;
}

/* DynamoDB refuses OR branches that read one partition where one narrows the
** sort key and another does not mention it at all ("pk = 'a' AND x = 1 OR
** pk = 'a' AND sk = 2"); a branch with a negated or <> sort-key condition
** does not count as narrowing, and runs (Parity Suite, real DynamoDB:
** tests/tier2/partiql/whereOverlap, tests/tier3/error-messages/partiqlGrammar). */
static int check_overlap(struct run *u) {
  const struct pql_node *w = u->s->where;
  if (!w || !*u->range || w->kind != PQL_N_BINARY || w->op != POP_OR) return 0;
  const struct pql_node *branches[64];
  uint32_t n = 0;
  const struct pql_node *stack[64];
  int sp = 0;
  stack[sp++] = w;
  while (sp && n < 64) {
    const struct pql_node *x = stack[--sp];
    if (x->kind == PQL_N_BINARY && x->op == POP_OR && sp < 62) {
      stack[sp++] = x->kids[1];
      stack[sp++] = x->kids[0];
    } else {
      branches[n++] = x;
    }
  }
  json_t *parts[64];
  bool ranged[64], mentions[64];
  int err = 0;
  for (uint32_t i = 0; i < n; i++) {
    parts[i] = json_array();
    if (!partitions_of(u, branches[i], parts[i], &err)) json_array_clear(parts[i]);
    const struct pql_node *ops[64];
    uint32_t m = 0;
    pql_and_operands(branches[i], ops, &m, 64);
    ranged[i] = false;
    for (uint32_t k = 0; k < m && k < 64; k++)
      if (sort_condition(ops[k], u->range)) ranged[i] = true;
    mentions[i] = names_attribute(branches[i], u->range);
  }
  int rc = err;
  for (uint32_t i = 0; !rc && i < n; i++) {
    for (uint32_t j = 0; !rc && j < n; j++) {
      if (i == j || !ranged[i] || mentions[j]) continue;
      size_t a, b;
      json_t *x, *y;
      json_array_foreach(parts[i], a, x) {
        json_array_foreach(parts[j], b, y) {
          if (!rc && value_equal(x, y))
            rc = fail(u, "Overlapping conditions with range keys are not supported in where clause");
        }
      }
    }
  }
  for (uint32_t i = 0; i < n; i++) json_decref(parts[i]);
  return rc;
}

struct key_skip {
  const struct pql_node *eq[2];
};

static bool skip_key_eq(void *arg, const struct pql_node *x) {
  struct key_skip *k = arg;
  return x == k->eq[0] || x == k->eq[1];
}

/* The primary key that the WHERE clause's top-level equalities name: every
** key attribute exactly once. Records the equality nodes in skip. */
static int where_key(struct run *u, struct key_skip *skip, bool batch_read) {
  const struct table *tbl = u->tbl;
  const char *names[2] = {tbl->pk, tbl->sk};
  char types[2] = {tbl->pk_type, tbl->sk_type};
  memset(skip, 0, sizeof *skip);
  const char *missing = MSG_KEY_EQ;
  if (batch_read)
    missing = u->mode == MODE_TXN ? "Select statements within ExecuteTransaction must specify the primary key in the where clause."
                                  : "Select statements within BatchExecuteStatement must specify the primary key in the where clause.";
  if (!u->s->where) return fail(u, "%s", missing);
  uint32_t n = 0;
  pql_and_operands(u->s->where, NULL, &n, 0);
  const struct pql_node **ops = arena_alloc(&u->r->arena, (n ? n : 1) * sizeof *ops);
  uint32_t m = 0;
  pql_and_operands(u->s->where, ops, &m, n);
  json_t *key = arena_link_json(&u->r->arena, json_object());
  for (int k = 0; k < 2 && types[k]; k++) {
    for (uint32_t i = 0; i < n; i++) {
      const struct pql_node *v = equality_on(ops[i], names[k]);
      if (!v) continue;
      if (skip->eq[k] && !batch_read)
        return fail(u, "Multiple conditions on same key %s. Only single item Update/Insert/Delete are supported",
                    names[k]);
      if (skip->eq[k]) continue;
      skip->eq[k] = ops[i];
      json_t *av = pql_value(&u->r->arena, u->text, u->len, v, u->params, &u->r->err);
      if (!av) return -1;
      if (scalar_type(av) != types[k]) {
        json_decref(av);
        if (batch_read) return fail(u, "%s", missing);
        return fail(u, "Key attribute's data type should match its data type in table's schema: Key %s",
                    names[k]);
      }
      json_object_set_new(key, names[k], av);
    }
    if (!skip->eq[k]) return fail(u, "%s", missing);
  }
  /* A batch or transaction SELECT is the key equalities and nothing else
  ** (Parity Suite: a further attribute_exists is refused with this text). */
  if (batch_read && n != (uint32_t)(tbl->sk_type ? 2 : 1)) return fail(u, "%s", missing);
  if (key_check_key(u->r, tbl, key)) return -1;
  u->key = key;
  return 0;
}

/*-------------------------------- Prepare -----------------------------------*/

/* Does index ix carry attribute name (top level)? */
static bool projects(const struct table *tbl, const struct index *ix, const char *name, size_t len) {
  if (ix->proj == INDEX_PROJ_ALL) return true;
  const char *keys[4] = {tbl->pk, tbl->sk, ix->hash, ix->range};
  for (int i = 0; i < 4; i++)
    if (name_eq(name, len, keys[i])) return true;
  size_t i;
  json_t *a;
  json_array_foreach(ix->non_key, i, a) {
    if (name_eq(name, len, json_string_value(a))) return true;
  }
  return false;
}

/* The select list: duplicate output names, the projection expression, and an
** index's projection. */
static int plan_projection(struct run *u, char **ptext) {
  const struct pql_stmt *s = u->s;
  *ptext = NULL;
  if (s->nproj == 1 && s->proj[0]->kind == PQL_N_STAR) return 0;
  struct arena *a = &u->r->arena;
  u->proj_names = arena_alloc(a, s->nproj * sizeof *u->proj_names);
  char *text = NULL;
  char *missing = NULL;
  for (uint32_t i = 0; i < s->nproj; i++) {
    char *name;
    char *path = pql_compile_path(&u->comp, s->proj[i], &name, &u->r->err);
    if (!path) return -1;
    for (uint32_t k = 0; k < i; k++)
      if (strcmp(u->proj_names[k], name) == 0)
        return fail(u, "Duplicate identifiers in select clause: %s", name);
    u->proj_names[i] = name;
    /* DynamoDB builds the projection from the last item to the first (its
    ** overlap message names them in that order). */
    text = text ? arena_printf(a, "%s, %s", path, text) : path;
    size_t rlen;
    const char *root = pql_root_name(s->proj[i], &rlen);
    if (u->ix && root && !projects(u->tbl, u->ix, root, rlen)) {
      if (u->ix->global)
        missing = arena_printf(a, "%s%s%.*s", missing ? missing : "", missing ? ", " : "", (int)rlen, root);
      else
        u->fetch = true;
    }
  }
  if (missing)
    return fail(u, "One or more parameter values were invalid: Global secondary index %s does not project [%s]",
                u->ix->name, missing);
  *ptext = text;
  return 0;
}

/* The DynamoDB type letter of value node v ('S', 'N', 'B', or '?' for the
** others) in *type; -1 with r->err set when it does not convert. */
static int value_type_letter(struct run *u, const struct pql_node *v, char *type, bool *empty) {
  json_t *av = pql_value(&u->r->arena, u->text, u->len, v, u->params, &u->r->err);
  if (!av) return -1;
  *type = scalar_type(av) ? scalar_type(av) : '?';
  *empty = *type != 'N' && *type != '?' && json_string_length(inner(av)) == 0;
  json_decref(av);
  return 0;
}

/* A key condition of the read's plan: its values must have the key's type. */
static int check_plan_value(struct run *u, const struct pql_node *v, const char *attr, char want) {
  char type;
  bool empty;
  if (value_type_letter(u, v, &type, &empty)) return -1;
  if (type != want)
    return fail(u, "Key attribute's data type should match its data type in table's schema: Key %s", attr);
  if (empty)
    return fail(u, "One or more parameter values are not valid. The AttributeValue for a key attribute "
                   "cannot contain an empty %s value. Key: %s", want == 'S' ? "string" : "binary", attr);
  return 0;
}

/* Any other comparison of a key attribute with a value of another type. */
static int check_filter_types(struct run *u, const struct pql_node *x) {
  const char *keys[2] = {u->hash, u->range};
  const char types[2] = {u->hash_type, u->range_type};
  const char *name;
  size_t len;
  bool cmp = (x->kind == PQL_N_BINARY && ((x->op >= POP_EQ && x->op <= POP_GE) || x->op == POP_IN)) ||
             x->kind == PQL_N_BETWEEN;
  for (uint32_t side = 0; cmp && side < 2 && side < x->nkids; side++) {
    if (!attribute(x->kids[side], &name, &len)) continue;
    for (int k = 0; k < 2; k++) {
      if (!types[k] || !name_eq(name, len, keys[k])) continue;
      for (uint32_t i = 0; i < x->nkids; i++) {
        const struct pql_node *v = x->kids[i];
        uint32_t nv = v->kind == PQL_N_LIST || v->kind == PQL_N_BAG ? v->nkids : 1;
        for (uint32_t j = 0; i != side && j < nv; j++) {
          const struct pql_node *m = nv == 1 && v->kind != PQL_N_LIST && v->kind != PQL_N_BAG ? v : v->kids[j];
          char type;
          bool empty;
          if (!pql_is_value(m) || m->kind == PQL_N_LIST || m->kind == PQL_N_BAG || m->kind == PQL_N_STRUCT)
            continue;
          if (value_type_letter(u, m, &type, &empty)) return -1;
          if (type != types[k])
            return fail(u, "One or more parameter values were invalid: Condition parameter type does not "
                           "match schema type");
        }
      }
    }
  }
  for (uint32_t i = 0; i < x->nkids; i++)
    if (check_filter_types(u, x->kids[i])) return -1;
  return 0;
}

/* DynamoDB checks the types of a read's key conditions: those of its plan (a
** partition-key = or IN and a sort-key condition in one AND chain) against
** the key, every other comparison of a key attribute too; the branches of an
** OR, each a read of its own, are not checked. */
static int check_key_types(struct run *u) {
  const struct pql_node *w = u->s->where;
  if (!w) return 0;
  bool top_or = w->kind == PQL_N_BINARY && w->op == POP_OR;
  if (u->parts && top_or) return 0;
  if (u->parts) {
    const struct pql_node *ops[64];
    uint32_t n = 0;
    pql_and_operands(w, ops, &n, 64);
    for (uint32_t k = 0; k < n && k < 64; k++) {
      const struct pql_node *v = equality_on(ops[k], u->hash), *l = in_on(ops[k], u->hash);
      if (v && check_plan_value(u, v, u->hash, u->hash_type)) return -1;
      for (uint32_t i = 0; l && i < l->nkids; i++)
        if (check_plan_value(u, l->kids[i], u->hash, u->hash_type)) return -1;
      if (sort_condition(ops[k], u->range)) {
        const struct pql_node *c = ops[k];
        for (uint32_t i = 1; i < c->nkids; i++)
          if (check_plan_value(u, c->kids[i], u->range, u->range_type)) return -1;
      }
    }
  }
  return check_filter_types(u, w);
}

/* A SELECT: which partitions, which range, which order. */
static int plan_select(struct run *u) {
  const struct pql_stmt *s = u->s;
  if (u->ix && u->ix->global && json_is_true(json_object_get(u->r->in, "ConsistentRead")) &&
      u->mode == MODE_SINGLE)
    return fail(u, "Strongly consistent read is not supported on Global Secondary Indexes");
  if (u->ix && u->ix->status != INDEX_ACTIVE)
    return fail(u, "Cannot read from backfilling global secondary index: %s", u->ix->name);
  if (check_overlap(u)) return -1;
  if (s->where) {
    json_t *list = arena_link_json(&u->r->arena, json_array());
    int err = 0;
    if (partitions_of(u, s->where, list, &err)) {
      /* Deduplicate, keeping the statement's order. */
      json_t *uniq = arena_link_json(&u->r->arena, json_array());
      size_t i, j;
      json_t *v, *w;
      json_array_foreach(list, i, v) {
        bool seen = false;
        json_array_foreach(uniq, j, w) {
          if (value_equal(v, w)) seen = true;
        }
        if (!seen) json_array_append(uniq, v);
      }
      u->parts = uniq;
      /* One AND chain: narrow each partition by a sort-key condition. */
      if (!(s->where->kind == PQL_N_BINARY && s->where->op == POP_OR)) {
        const struct pql_node *ops[64];
        uint32_t n = 0;
        pql_and_operands(s->where, ops, &n, 64);
        for (uint32_t k = 0; k < n && k < 64 && !u->skc; k++)
          if (sort_condition(ops[k], u->range)) u->skc = ops[k];
      }
    } else if (err) {
      return -1;
    }
  }
  if (check_key_types(u)) return -1;
  for (uint32_t i = 0; i < s->norder; i++) {
    const struct pql_node *x = s->order[i].expr;
    if (!name_eq(x->text, x->tlen, u->hash) && !name_eq(x->text, x->tlen, u->range))
      return fail(u, "Variable reference %.*s in ORDER BY clause must be part of the primary key",
                  (int)x->tlen, x->text);
    if (!u->parts)
      return fail(u, "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.");
    if (name_eq(x->text, x->tlen, u->range) && i == 0) u->reverse = s->order[i].desc;
    if (name_eq(x->text, x->tlen, u->range) && i > 0 && s->order[0].expr &&
        name_eq(s->order[0].expr->text, s->order[0].expr->tlen, u->hash))
      u->reverse = s->order[i].desc;
  }
  if (u->parts && json_array_size(u->parts) > MAX_PARTITIONS)
    return fail(u, "Too many decomposed read operations for a given query.");
  return 0;
}

/* The statement's table (and index) from its source. */
static int resolve_table(struct run *u) {
  const struct pql_node *src = u->s->source;
  const struct pql_node *t = src->kind == PQL_N_PATH ? src->kids[0] : src;
  char *name = arena_strndup(&u->r->arena, t->text, t->tlen);
  u->tbl = catalog_find(u->r->srv->store, name);
  if (u->tr) u->tr->table = name;
  if (!u->tbl) return ddb_fail(&u->r->err, DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
  u->hash = u->tbl->pk;
  u->hash_type = u->tbl->pk_type;
  u->range = u->tbl->sk;
  u->range_type = u->tbl->sk_type;
  if (src->kind == PQL_N_PATH && u->s->verb == PQL_SELECT) {
    const struct pql_node *ixn = src->kids[1];
    char *ixname = arena_strndup(&u->r->arena, ixn->text, ixn->tlen);
    if (u->tr) u->tr->index = ixname;
    if (u->mode == MODE_BATCH)
      return fail(u, "Select statements within BatchExecuteStatement must specify the primary key in the where clause.");
    if (u->mode == MODE_TXN)
      return fail(u, u->exists ? "Operations on indices are not supported in transactions"
                               : "Reads on indices are not supported within transactions.");
    u->ix = catalog_index(u->tbl, ixname);
    if (!u->ix) return fail(u, "The table does not have the specified index: %s", ixname);
    u->hash = u->ix->hash;
    u->hash_type = u->ix->hash_type;
    u->range = u->ix->range;
    u->range_type = u->ix->range_type;
  }
  return 0;
}

/* Parse the generated expressions with one context. */
static int parse_expr(struct run *u, enum expr_kind kind, const char *text, const struct expr **out) {
  if (!text) return 0;
  if (!u->ctx) u->ctx = expr_ctx_new(&u->r->arena, u->comp.names, u->comp.values);
  if (expr_parse(u->ctx, kind, text, strlen(text), out, &u->r->err)) {
    strip_expr_prefix(&u->r->err);
    return -1;
  }
  return 0;
}

/* The trace's full-scan and top-OR flags of a SELECT (INSTRUMENT.md A3). */
static void trace_scan(struct run *u) {
  if (!u->tr || u->s->verb != PQL_SELECT || u->exists) return;
  const struct pql_node *w = u->s->where;
  u->tr->top_or = w && w->kind == PQL_N_BINARY && w->op == POP_OR;
  bool pinned = false;
  if (w) {
    const struct pql_node *ops[64];
    uint32_t n = 0;
    pql_and_operands(w, ops, &n, 64);
    for (uint32_t i = 0; i < n && i < 64; i++)
      if (equality_on(ops[i], u->hash) || in_on(ops[i], u->hash)) pinned = true;
  }
  u->tr->full_scan = !pinned;
}

/* A write's condition: the WHERE clause's (less the key equalities) and
** PartiQL's rule for the verb: INSERT needs the item absent, UPDATE and EXISTS
** need it present, a DELETE of a missing item succeeds whatever the WHERE. */
static char *write_condition(struct run *u, const struct pql_expr *cond) {
  struct arena *a = &u->r->arena;
  const char *pk = pql_name_ref(&u->comp, u->tbl->pk, strlen(u->tbl->pk));
  if (u->s->verb == PQL_INSERT && !u->exists) return arena_printf(a, "attribute_not_exists(%s)", pk);
  if (u->s->verb == PQL_DELETE) {
    if (cond->never) return arena_printf(a, "attribute_not_exists(%s)", pk);
    return cond->text ? arena_printf(a, "attribute_not_exists(%s) OR (%s)", pk, cond->text) : NULL;
  }
  if (cond->never) return arena_printf(a, "attribute_exists(%s) AND attribute_not_exists(%s)", pk, pk);
  return cond->text ? arena_printf(a, "attribute_exists(%s) AND (%s)", pk, cond->text)
                    : arena_printf(a, "attribute_exists(%s)", pk);
}

/* Everything up to execution. On error r->err is set. */
static int prepare(struct run *u) {
  struct ddb_request *r = u->r;
  struct arena *a = &r->arena;
  if (u->tr) { /* the template also for a statement that does not parse */
    struct pql_parsed raw = {.text = u->text, .len = u->len};
    u->tr->template_text = pql_template(a, &raw);
  }
  if (pql_parse(a, u->text, u->len, &u->p, &r->err)) return -1;
  if (u->tr) {
    u->tr->verb = pql_verb_name(&u->p);
    u->tr->literals = u->p.literals;
    u->tr->parameters = u->p.nparams > 0;
    struct pql_parsed *kept = arena_alloc(a, sizeof *kept); /* for the detectors (arena) */
    *kept = u->p;
    u->tr->parsed = kept;
  }
  if (pql_check(a, &u->p, u->mode == MODE_TXN, &r->err)) return -1;
  u->s = u->p.stmt;
  u->exists = u->p.exists;
  if (u->p.nparams != (uint32_t)json_array_size(u->params))
    return fail(u, "Number of parameters in request and statement don't match.");
  if (resolve_table(u)) return -1;
  if (u->tr) u->tr->hash = u->hash; /* the key the detectors judge conditions by */
  trace_scan(u);
  pql_compiler_init(&u->comp, a, u->text, u->len, u->params);
  struct pql_expr cond = {0}, upd = {0};
  struct key_skip skip = {0};
  char *ptext = NULL;
  const struct pql_stmt *s = u->s;
  switch (s->verb) {
  case PQL_SELECT:
    if (u->mode != MODE_SINGLE || u->exists) {
      if (where_key(u, &skip, !u->exists)) return -1;
      if (u->exists) {
        if (pql_compile_condition(&u->comp, s->where, skip_key_eq, &skip, &cond, &r->err)) return -1;
        if (!cond.text && !cond.never)
          return fail(u, "EXISTS() must contain a single item read with additional condition");
      } else if (pql_compile_condition(&u->comp, s->where, NULL, NULL, &cond, &r->err)) {
        return -1;
      }
    } else {
      if (pql_compile_condition(&u->comp, s->where, NULL, NULL, &cond, &r->err)) return -1;
      if (plan_select(u)) return -1;
    }
    if (plan_projection(u, &ptext)) return -1;
    break;
  case PQL_INSERT: {
    json_t *item = pql_item(a, u->text, u->len, s->value, u->params, &r->err);
    if (!item) return -1;
    u->item = arena_link_json(a, item);
    const char *names[2] = {u->tbl->pk, u->tbl->sk};
    char types[2] = {u->tbl->pk_type, u->tbl->sk_type};
    for (int k = 0; k < 2 && types[k]; k++) {
      const json_t *av = json_object_get(item, names[k]);
      if (!av) return fail(u, "Key attribute should be present in the item: Key %s", names[k]);
      if (scalar_type(av) != types[k])
        return fail(u, "Key attribute's data type should match its data type in table's schema: Key %s",
                    names[k]);
    }
    if (value_check_item_ex(item, VALUE_OLDER | VALUE_SHAPE_DONE, &r->err)) return -1;
    if (key_check_item(r, u->tbl, item)) return -1;
    if (value_item_size(item) > VALUE_MAX_ITEM_SIZE)
      return fail(u, "Item size has exceeded the maximum allowed size");
    u->key = arena_link_json(a, json_object());
    json_object_set(u->key, u->tbl->pk, json_object_get(item, u->tbl->pk));
    if (u->tbl->sk_type) json_object_set(u->key, u->tbl->sk, json_object_get(item, u->tbl->sk));
    break;
  }
  case PQL_UPDATE:
  case PQL_DELETE:
    if (where_key(u, &skip, false)) return -1;
    if (pql_compile_condition(&u->comp, s->where, skip_key_eq, &skip, &cond, &r->err)) return -1;
    if (s->verb == PQL_UPDATE && pql_compile_update(&u->comp, s, &upd, &r->err)) return -1;
    break;
  }
  const char *ctext = cond.text;
  if (s->verb == PQL_SELECT && !u->exists) u->never = cond.never;
  else ctext = write_condition(u, &cond);
  if (parse_expr(u, EXPR_CONDITION, ctext, &u->cond)) return -1;
  if (parse_expr(u, EXPR_UPDATE, upd.text, &u->update)) return -1;
  if (parse_expr(u, EXPR_PROJECTION, ptext, &u->proj)) return -1;
  if (u->update) {
    const char *keys[2] = {u->tbl->pk, u->tbl->sk};
    for (int k = 0; k < 2; k++)
      if (keys[k][0] && expr_update_touches(u->update, keys[k], strlen(keys[k])))
        return fail(u, "One or more parameter values were invalid: Cannot update attribute %s. "
                       "This attribute is part of the key", keys[k]);
  }
  return 0;
}

/*------------------------------ Conditions ----------------------------------*/

/* Does item (NULL: none) satisfy the statement's condition? 1, 0, -1. */
static int holds(struct run *u, const json_t *item) {
  if (u->never) return 0;
  if (!u->cond) return 1;
  return expr_eval_condition(u->cond, item, &u->r->err);
}

/* The select list applied to item (new reference). */
static json_t *project(struct run *u, json_t *item) {
  if (!u->proj) return json_incref(item);
  json_t *out = json_object();
  uint32_t n = u->proj->nargs;
  for (uint32_t i = 0; i < n; i++) { /* the projection is in reverse order */
    const json_t *v = expr_path_get(u->proj->args[n - 1 - i], item);
    if (v) json_object_set_new(out, u->proj_names[i], json_deep_copy(v));
  }
  return out;
}

/*------------------------------- SELECT page --------------------------------*/

struct range {
  uint8_t lo[KEYCODEC_MAX + 2], hi[KEYCODEC_MAX + 2];
  size_t lolen, hilen;
  bool has_lo, has_hi;
};

static void set_hi_after(struct range *g, const uint8_t *k, size_t n) {
  g->hilen = store_key_successor(k, n, g->hi);
  g->has_hi = g->hilen > 0;
}

static void set_lo(struct range *g, const uint8_t *k, size_t n) {
  memcpy(g->lo, k, n);
  g->lolen = n;
  g->has_lo = true;
}

/* p ‖ the sort part of av; 0 when the part is cut (not exact: no narrowing). */
static size_t sort_key(struct run *u, const uint8_t *p, size_t plen, const json_t *av, uint8_t *out) {
  size_t budget = u->ix ? INDEX_SK_BUDGET : KEYCODEC_SK_BUDGET;
  memcpy(out, p, plen);
  size_t n = keycodec_sort_part(u->range_type, inner(av), budget, out + plen);
  if (!n || (u->range_type != 'N' && keycodec_part_is_cut(u->range_type, out + plen, n))) return 0;
  return plen + n;
}

/* The key range of partition hv, narrowed by the sort-key condition. */
static int partition_range(struct run *u, const json_t *hv, struct range *g) {
  uint8_t p[KEYCODEC_MAX];
  size_t plen = keycodec_partition_prefix(u->hash_type, inner(hv), p);
  memset(g, 0, sizeof *g);
  if (!plen) return 0;
  set_lo(g, p, plen);
  set_hi_after(g, p, plen);
  const struct pql_node *c = u->skc;
  if (!c) return 0;
  json_t *v1 = NULL, *v2 = NULL;
  const struct pql_node *n1 = c->kind == PQL_N_CALL ? c->kids[1] : c->kids[1];
  if (key_value(u, n1, u->range_type, &v1)) return -1;
  if (c->kind == PQL_N_BETWEEN && key_value(u, c->kids[2], u->range_type, &v2)) {
    json_decref(v1);
    return -1;
  }
  uint8_t a[KEYCODEC_MAX + 1], b[KEYCODEC_MAX + 1];
  size_t al = v1 ? sort_key(u, p, plen, v1, a) : 0;
  if (c->kind == PQL_N_CALL) {
    if (al && u->range_type != 'N') {
      al -= 2; /* without the terminator: a prefix */
      set_lo(g, a, al);
      set_hi_after(g, a, al);
    }
  } else if (c->kind == PQL_N_BETWEEN) {
    size_t bl = v2 ? sort_key(u, p, plen, v2, b) : 0;
    if (al) set_lo(g, a, al);
    if (bl) set_hi_after(g, b, bl);
  } else if (al) {
    switch (c->op) {
    case POP_EQ:
      set_lo(g, a, al);
      set_hi_after(g, a, al);
      break;
    case POP_LT: memcpy(g->hi, a, g->hilen = al), g->has_hi = true; break;
    case POP_LE: set_hi_after(g, a, al); break;
    case POP_GT: {
      uint8_t s[KEYCODEC_MAX + 1];
      size_t sl = store_key_successor(a, al, s);
      if (sl) set_lo(g, s, sl);
      break;
    }
    case POP_GE: set_lo(g, a, al); break;
    default: break;
    }
  }
  json_decref(v1);
  json_decref(v2);
  return 0;
}

static char hexdig(unsigned v) { return "0123456789abcdef"[v & 15]; }

/* FNV-1a of the statement: a NextToken belongs to its statement. */
static uint32_t stmt_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* NextToken: "v1.<statement hash>.<partition>.<last key in hex>". */
static char *make_token(struct run *u, size_t part, const uint8_t *key, size_t klen) {
  char *hex = arena_alloc(&u->r->arena, klen * 2 + 1);
  for (size_t i = 0; i < klen; i++) {
    hex[2 * i] = hexdig(key[i] >> 4);
    hex[2 * i + 1] = hexdig(key[i]);
  }
  return arena_printf(&u->r->arena, "v1.%08x.%zu.%s", stmt_hash(u->text, u->len), part, hex);
}

static int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static int read_token(struct run *u, const char *tok, size_t *part, uint8_t *key, size_t *klen) {
  unsigned h;
  size_t pp;
  int off = 0;
  if (sscanf(tok, "v1.%8x.%zu.%n", &h, &pp, &off) != 2 || !off || h != stmt_hash(u->text, u->len))
    return fail(u, "Invalid NextToken");
  const char *hex = tok + off;
  size_t n = strlen(hex);
  if (n % 2 || n / 2 > KEYCODEC_MAX || n == 0) return fail(u, "Invalid NextToken");
  for (size_t i = 0; i < n / 2; i++) {
    int hi = unhex(hex[2 * i]), lo = unhex(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return fail(u, "Invalid NextToken");
    key[i] = (uint8_t)(hi << 4 | lo);
  }
  *part = pp;
  *klen = n / 2;
  return 0;
}

/* Narrow g to the keys after k (in the read's direction). */
static void resume_after(struct range *g, const uint8_t *k, size_t klen, bool reverse) {
  if (reverse) {
    memcpy(g->hi, k, klen);
    g->hilen = klen;
    g->has_hi = true;
    return;
  }
  uint8_t next[KEYCODEC_MAX + 2];
  memcpy(next, k, klen);
  next[klen] = 0;
  if (!g->has_lo || memcmp(next, g->lo, g->lolen < klen + 1 ? g->lolen : klen + 1) > 0 ||
      (memcmp(next, g->lo, g->lolen < klen + 1 ? g->lolen : klen + 1) == 0 && klen + 1 > g->lolen))
    set_lo(g, next, klen + 1);
}

/* One page of a SELECT into *out ({"Items": [...], "NextToken"?, ...}). */
static int select_page(struct run *u, json_t **out) {
  struct ddb_request *r = u->r;
  json_int_t limit = json_integer_value(json_object_get(r->in, "Limit"));
  const char *tok = req_str(r->in, "NextToken");
  bool consistent = json_is_true(json_object_get(r->in, "ConsistentRead"));
  size_t nparts = u->parts ? json_array_size(u->parts) : 1;
  size_t part = 0;
  uint8_t rkey[KEYCODEC_MAX + 1];
  size_t rklen = 0;
  if (tok && read_token(u, tok, &part, rkey, &rklen)) return -1;
  if (part >= nparts && nparts) return fail(u, "Invalid NextToken");
  json_t *items = json_array();
  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) {
    json_decref(items);
    return -1;
  }
  MDB_dbi dbi = u->ix ? u->ix->dbi : u->tbl->items;
  uint64_t bytes = 0, read_bytes = 0, fetched = 0;
  json_int_t evaluated = 0;
  uint8_t last[KEYCODEC_MAX];
  size_t lastlen = 0, lastpart = 0;
  bool more = false;
  int rc = 0;
  for (; part < nparts && !rc && !more; part++) {
    struct range g;
    memset(&g, 0, sizeof g);
    if (u->parts && partition_range(u, json_array_get(u->parts, part), &g)) {
      rc = -1;
      break;
    }
    if (u->parts && !g.has_lo) continue;
    if (rklen) {
      resume_after(&g, rkey, rklen, u->reverse);
      rklen = 0;
    }
    struct store_cursor c;
    if (store_cursor_open(&t, dbi, g.has_lo ? g.lo : NULL, g.lolen, g.has_hi ? g.hi : NULL, g.hilen,
                          u->reverse, &c, &r->err)) {
      rc = -1;
      break;
    }
    for (;;) {
      if ((limit && evaluated >= limit) || bytes >= PAGE_BYTES) {
        more = evaluated > 0;
        break;
      }
      MDB_val k;
      struct item_rec rec;
      int n = store_cursor_next(&c, &k, &rec, &r->err);
      if (n == 1) break;
      if (n < 0) {
        rc = -1;
        break;
      }
      evaluated++;
      bytes += rec.size;
      read_bytes += rec.size;
      memcpy(last, k.mv_data, k.mv_size);
      lastlen = k.mv_size;
      lastpart = part;
      json_t *item = parse_item(&rec);
      if (!item) {
        rc = ddb_fail(&r->err, DDB_INTERNAL, "damaged item record");
        break;
      }
      if (u->fetch) { /* an LSI entry: the table's item */
        uint8_t tk[KEYCODEC_MAX];
        size_t tkl = items_key(u->tbl, item, tk);
        struct item_rec trec;
        int g2 = tkl ? items_get(&t, u->tbl, tk, tkl, &trec, &r->err) : 1;
        if (g2 < 0) {
          json_decref(item);
          rc = -1;
          break;
        }
        if (g2 == 0) {
          json_decref(item);
          item = parse_item(&trec);
          fetched += trec.size;
        }
      }
      int h = item ? holds(u, item) : 0;
      if (h < 0) {
        json_decref(item);
        rc = -1;
        break;
      }
      if (h) json_array_append_new(items, project(u, item));
      json_decref(item);
    }
    store_cursor_close(&c);
  }
  store_abort(&t);
  if (rc) {
    json_decref(items);
    return -1;
  }
  r->trace.items_scanned += (uint64_t)evaluated;
  r->trace.items_returned += json_array_size(items);
  r->trace.counts_set = true;
  *out = json_object();
  json_object_set_new(*out, "Items", items);
  if (more && lastlen) json_object_set_new(*out, "NextToken", json_string(make_token(u, lastpart, last, lastlen)));
  double units = read_units(read_bytes, consistent);
  json_t *cc = u->ix ? consumed_capacity_detail(r, u->tbl, fetched ? read_units(fetched, consistent) : 0, u->ix, units, NULL)
                     : consumed_capacity_detail(r, u->tbl, units, NULL, 0, NULL);
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  return 0;
}

/*-------------------------------- Writes ------------------------------------*/

/* A write runs through the shared single-item write path (items.c:
** item_write_run), which refuses items a transaction holds, evaluates the
** condition, applies, checks the result and keeps the indexes. PartiQL's own
** rules are folded into the condition that prepare() composed: INSERT needs
** the item absent (else DuplicateItemException), UPDATE and EXISTS need it
** present, and a DELETE of a missing item succeeds whatever the WHERE says. */

enum outcome { OUT_OK, OUT_CCF, OUT_DUP };

static void write_setup(struct run *u, struct item_write *w, bool in_transaction) {
  memset(w, 0, sizeof *w);
  w->tbl = u->tbl;
  w->cond = u->cond;
  w->in_transaction = in_transaction;
  if (u->exists) {
    w->kind = ITEM_CHECK;
    w->item = u->key;
    return;
  }
  switch (u->s->verb) {
  case PQL_INSERT: w->kind = ITEM_PUT, w->item = u->item; break;
  case PQL_UPDATE: w->kind = ITEM_UPDATE, w->item = u->key, w->update = u->update; break;
  default: w->kind = ITEM_DELETE, w->item = u->key; break;
  }
}

/* Run w in t: the outcome, or -1 with e set. */
static int write_run(struct run *u, struct store_txn *t, struct item_write *w, enum outcome *out,
                     struct ddb_err *e) {
  int rc = item_write_run(t, w, e);
  if (rc < 0) return -1;
  *out = rc == ITEM_CONDITION_FAILED ? (w->kind == ITEM_PUT && !u->exists ? OUT_DUP : OUT_CCF) : OUT_OK;
  return 0;
}

/* The item a RETURNING clause gives (new reference) or NULL for none. */
static json_t *returning(struct run *u, const struct item_write *w) {
  switch (u->s->returning) {
  case PQL_RET_ALL_OLD: return w->old_item ? json_incref(w->old_item) : NULL;
  case PQL_RET_ALL_NEW: return w->new_item ? json_incref(w->new_item) : NULL;
  case PQL_RET_MODIFIED_OLD:
  case PQL_RET_MODIFIED_NEW: {
    const json_t *from = u->s->returning == PQL_RET_MODIFIED_OLD ? w->old_item : w->new_item;
    if (!from || !u->update) return NULL;
    json_t *m = expr_update_returned(u->update, from);
    if (json_object_size(m) == 0) {
      json_decref(m);
      return NULL;
    }
    return m;
  }
  default:
    return NULL;
  }
}

static bool wants_old_on_failure(const json_t *obj) {
  const char *v = req_str(obj, "ReturnValuesOnConditionCheckFailure");
  return v && strcmp(v, "ALL_OLD") == 0;
}

/* Capacity a write is billed: the larger of the old and new item, 1 KB units. */
static double write_cost(const struct item_write *w) {
  return item_write_units(w->old_size > w->new_size ? w->old_size : w->new_size);
}

/* Run one write statement alone (ExecuteStatement, a batch member) in its own
** transaction, returned in *t for its index write units. */
static int run_write(struct run *u, const json_t *member, struct item_write *w, struct store_txn *t) {
  struct ddb_request *r = u->r;
  if (store_begin(r->srv->store, true, t, &r->err)) return -1;
  write_setup(u, w, false);
  enum outcome out;
  int rc = write_run(u, t, w, &out, &r->err);
  if (rc == 0 && out != OUT_OK) {
    store_abort(t);
    if (out == OUT_DUP) return ddb_fail(&r->err, DDB_DUPLICATE_ITEM, MSG_DUP);
    ddb_fail(&r->err, DDB_CONDITIONAL_CHECK_FAILED, MSG_CCF);
    if (w->old_item && wants_old_on_failure(member))
      r->err.extra = json_pack("{sO}", "Item", w->old_item);
    return -1;
  }
  if (rc || store_commit(t, &r->err)) {
    store_abort(t);
    return -1;
  }
  return 0;
}

/* Read the item at u->key (batch and transaction reads): *item is the item
** through the WHERE clause and the select list (new reference) or NULL. */
static int read_key(struct run *u, struct store_txn *t, json_t **item, double *units, bool consistent) {
  uint8_t key[KEYCODEC_MAX];
  size_t klen = items_key(u->tbl, u->key, key);
  struct item_rec rec;
  *item = NULL;
  int g = items_get(t, u->tbl, key, klen, &rec, &u->r->err);
  if (g < 0) return -1;
  *units = read_units(g == 0 ? rec.size : 0, consistent);
  if (g == 1) return 0;
  json_t *stored = parse_item(&rec);
  if (!stored) return ddb_fail(&u->r->err, DDB_INTERNAL, "damaged item record");
  int h = holds(u, stored);
  if (h > 0) *item = project(u, stored);
  json_decref(stored);
  return h < 0 ? -1 : 0;
}

/*------------------------------- Tracing ------------------------------------*/

static struct inst_partiql *trace_slots(struct ddb_request *r, size_t n) {
  struct inst_partiql *tr = arena_alloc(&r->arena, (n ? n : 1) * sizeof *tr);
  r->trace.partiql = tr;
  r->trace.npartiql = (int)n;
  return tr;
}

static void run_init(struct run *u, struct ddb_request *r, enum mode mode, const json_t *member,
                     struct inst_partiql *tr) {
  memset(u, 0, sizeof *u);
  u->r = r;
  u->mode = mode;
  const json_t *st = json_object_get(member, "Statement");
  u->text = json_string_value(st);
  u->len = json_string_length(st);
  u->params = json_object_get(member, "Parameters");
  if (json_is_null(u->params)) u->params = NULL;
  u->tr = tr;
  if (tr) tr->statement = u->text;
}

/*---------------------------- ExecuteStatement ------------------------------*/

int op_execute_statement(struct ddb_request *r, json_t **out) {
  struct run u;
  run_init(&u, r, MODE_SINGLE, r->in, trace_slots(r, 1));
  if (u.params && pql_check_parameters(u.params, &r->err)) return -1;
  if (prepare(&u)) return -1;
  if (u.s->verb == PQL_SELECT) return select_page(&u, out);
  struct item_write w;
  struct store_txn t;
  if (run_write(&u, r->in, &w, &t)) {
    item_write_clear(&w);
    return -1;
  }
  *out = json_object();
  json_t *items = json_array();
  json_t *row = returning(&u, &w);
  if (row) json_array_append_new(items, row);
  json_object_set_new(*out, "Items", items);
  json_t *cc = consumed_capacity_detail(r, u.tbl, write_cost(&w), NULL, 0, &t);
  if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  item_write_clear(&w);
  return 0;
}

/*------------------------- Capacity per table (lists) -----------------------*/

/* Add units for tbl to the per-table ConsumedCapacity list (new entries in
** first-use order). */
static void add_capacity(struct ddb_request *r, json_t *list, const struct table *tbl, double units) {
  const char *mode = req_str(r->in, "ReturnConsumedCapacity");
  if (!mode || strcmp(mode, "NONE") == 0 || !tbl) return;
  size_t i;
  json_t *cc;
  json_array_foreach(list, i, cc) {
    if (strcmp(json_string_value(json_object_get(cc, "TableName")), tbl->name) == 0) {
      double v = json_real_value(json_object_get(cc, "CapacityUnits")) + units;
      json_object_set_new(cc, "CapacityUnits", json_real(v));
      json_t *tcc = json_object_get(cc, "Table");
      if (tcc) json_object_set_new(tcc, "CapacityUnits", json_real(v));
      return;
    }
  }
  cc = json_pack("{ss sf}", "TableName", tbl->name, "CapacityUnits", units);
  if (strcmp(mode, "INDEXES") == 0) json_object_set_new(cc, "Table", json_pack("{sf}", "CapacityUnits", units));
  json_array_append_new(list, cc);
}

/*-------------------------- BatchExecuteStatement ---------------------------*/

/* The BatchStatementError code of an error. */
static const char *batch_code(ddb_code c) {
  switch (c) {
  case DDB_CONDITIONAL_CHECK_FAILED: return "ConditionalCheckFailed";
  case DDB_DUPLICATE_ITEM: return "DuplicateItem";
  case DDB_RESOURCE_NOT_FOUND: return "ResourceNotFound";
  case DDB_ITEM_COLLECTION_SIZE: return "ItemCollectionSizeLimitExceeded";
  case DDB_TRANSACTION_CONFLICT: return "TransactionConflict";
  case DDB_THROUGHPUT_EXCEEDED: return "ProvisionedThroughputExceeded";
  case DDB_REQUEST_LIMIT_EXCEEDED: return "RequestLimitExceeded";
  case DDB_INTERNAL: return "InternalServerError";
  case DDB_ACCESS_DENIED: return "AccessDenied";
  default: return "ValidationError";
  }
}

/* Move r->err into a batch response entry. */
static json_t *batch_error(struct ddb_request *r) {
  json_t *err = json_pack("{ss ss}", "Code", batch_code(r->err.code), "Message", r->err.msg ? r->err.msg : "");
  json_t *item = r->err.extra ? json_object_get(r->err.extra, "Item") : NULL;
  if (item) json_object_set(err, "Item", item);
  ddb_err_clear(&r->err);
  return json_pack("{so}", "Error", err);
}

int op_batch_execute_statement(struct ddb_request *r, json_t **out) {
  const json_t *members = json_object_get(r->in, "Statements");
  size_t n = json_array_size(members);
  struct inst_partiql *tr = trace_slots(r, n);
  struct run *runs = arena_alloc(&r->arena, n * sizeof *runs);
  json_t **errors = arena_alloc(&r->arena, n * sizeof *errors);
  bool reads = false, writes = false;
  for (size_t i = 0; i < n; i++) {
    const json_t *m = json_array_get(members, i);
    run_init(&runs[i], r, MODE_BATCH, m, &tr[i]);
    errors[i] = NULL;
    if ((runs[i].params && pql_check_parameters(runs[i].params, &r->err)) || prepare(&runs[i])) {
      errors[i] = arena_link_json(&r->arena, batch_error(r));
      continue;
    }
    if (runs[i].s->verb == PQL_SELECT) reads = true;
    else writes = true;
  }
  if (reads && writes)
    return ddb_fail(&r->err, DDB_VALIDATION, "Read and write requests together in the same batch is not supported.");
  /* The same item twice among the writes. */
  for (size_t i = 0; writes && i < n; i++) {
    for (size_t j = i + 1; !errors[i] && j < n; j++) {
      if (errors[j] || runs[i].tbl != runs[j].tbl) continue;
      if (json_equal(runs[i].key, runs[j].key))
        return ddb_fail(&r->err, DDB_VALIDATION, "Provided list of item keys contains duplicates");
    }
  }
  json_t *responses = json_array();
  json_t *caps = json_array();
  struct store_txn t;
  bool have_txn = false;
  if (reads) {
    if (store_begin(r->srv->store, false, &t, &r->err)) {
      json_decref(responses);
      json_decref(caps);
      return -1;
    }
    have_txn = true;
  }
  for (size_t i = 0; i < n; i++) {
    struct run *u = &runs[i];
    if (errors[i]) {
      json_array_append(responses, errors[i]);
      continue;
    }
    const json_t *m = json_array_get(members, i);
    json_t *row = NULL;
    double units = 0;
    int rc;
    if (reads) {
      rc = read_key(u, &t, &row, &units, json_is_true(json_object_get(m, "ConsistentRead")));
    } else {
      struct item_write w;
      struct store_txn wt;
      rc = run_write(u, m, &w, &wt);
      if (rc == 0) {
        row = returning(u, &w);
        units = write_cost(&w);
      }
      item_write_clear(&w);
    }
    if (rc) {
      /* An error of the item itself names its table (DynamoDB Local 1.25). */
      bool item_error = r->err.code == DDB_CONDITIONAL_CHECK_FAILED || r->err.code == DDB_DUPLICATE_ITEM;
      json_t *entry = batch_error(r);
      if (item_error) json_object_set_new(entry, "TableName", json_string(u->tbl->name));
      json_array_append_new(responses, entry);
      continue;
    }
    json_t *entry = json_pack("{ss}", "TableName", u->tbl->name);
    if (row) json_object_set_new(entry, "Item", row);
    json_array_append_new(responses, entry);
    add_capacity(r, caps, u->tbl, units);
  }
  if (have_txn) store_abort(&t);
  *out = json_pack("{so}", "Responses", responses);
  if (json_array_size(caps)) json_object_set_new(*out, "ConsumedCapacity", caps);
  else json_decref(caps);
  return 0;
}

/*---------------------------- ExecuteTransaction ----------------------------*/

/* Errors of a member statement's validation carry its place. */
static int txn_member_error(struct ddb_request *r, size_t i) {
  if (r->err.code != DDB_VALIDATION || !r->err.msg) return -1;
  char *msg = NULL;
  if (asprintf(&msg, "Validation failed in TransactStatements[%zu]: %s", i, r->err.msg) < 0) abort();
  free(r->err.msg);
  r->err.msg = msg;
  return -1;
}

/* The reads of a transaction: one consistent snapshot, one entry each. An
** item that a transaction in progress holds cancels the whole read with a
** TransactionConflict reason for it (None for the others), as in
** TransactGetItems. */
static int txn_reads(struct ddb_request *r, struct run *runs, size_t n, json_t *responses, json_t *caps) {
  struct store_txn t;
  if (store_begin(r->srv->store, false, &t, &r->err)) return -1;
  json_t *reasons = json_array();
  bool conflict = false;
  for (size_t i = 0; i < n; i++) {
    uint8_t key[KEYCODEC_MAX];
    size_t klen = items_key(runs[i].tbl, runs[i].key, key);
    bool locked = transact_item_locked(&t, runs[i].tbl, key, klen);
    json_array_append_new(reasons, locked ? transact_reason("TransactionConflict", TRANSACT_MSG_CONFLICT)
                                          : transact_reason("None", NULL));
    conflict |= locked;
  }
  if (conflict) {
    store_abort(&t);
    return transact_cancelled(r, reasons);
  }
  json_decref(reasons);
  for (size_t i = 0; i < n; i++) {
    json_t *item;
    double units = 0;
    if (read_key(&runs[i], &t, &item, &units, true)) {
      store_abort(&t);
      return -1;
    }
    json_array_append_new(responses, item ? json_pack("{so}", "Item", item) : json_object());
    add_capacity(r, caps, runs[i].tbl, 2 * units);
  }
  store_abort(&t);
  return 0;
}

/* The writes of a transaction, all or nothing in one atomic store
** transaction, as TransactWriteItems runs its actions (transact.c): every
** statement is run so that each gets its cancellation reason (None,
** ConditionalCheckFailed, DuplicateItem's ValidationError, TransactionConflict
** for an item another transaction holds, ValidationError for what the write
** refuses); any reason but None rolls everything back. A committed
** transaction locks its items until it is durable and is remembered under its
** ClientRequestToken; its capacity is TransactWriteItems' (an EXISTS is a
** ConditionCheck). *out is the answer. */
static int txn_writes(struct ddb_request *r, struct run *runs, const json_t *members, size_t n, json_t **out) {
  static const char *const payload_members[] = {"TransactStatements", NULL};
  struct transact_token token;
  int replay = transact_token_begin(r, "ExecuteTransaction", payload_members, NULL, &token, out);
  if (replay) return replay < 0 ? -1 : 0;
  struct store_txn t;
  if (store_begin_atomic(r->srv->store, &t, &r->err)) return -1;
  struct item_write *ws = arena_alloc(&r->arena, n * sizeof *ws);
  struct item_write **wp = arena_alloc(&r->arena, n * sizeof *wp);
  json_t *reasons = json_array();
  bool cancelled = false;
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    struct run *u = &runs[i];
    write_setup(u, &ws[i], true);
    wp[i] = &ws[i];
    uint8_t key[KEYCODEC_MAX];
    size_t klen = items_key(u->tbl, u->key, key);
    json_t *reason;
    struct ddb_err e = {0};
    enum outcome out = OUT_OK;
    if (transact_item_locked(&t, u->tbl, key, klen)) {
      reason = transact_reason("TransactionConflict", TRANSACT_MSG_CONFLICT);
    } else if (write_run(u, &t, &ws[i], &out, &e)) {
      reason = transact_error_reason(&e);
      if (!reason) rc = ddb_fail(&r->err, e.code, "%s", e.msg ? e.msg : "");
    } else if (out == OUT_CCF) {
      reason = transact_reason("ConditionalCheckFailed", u->exists ? MSG_CCF "." : MSG_CCF);
      if (ws[i].old_item && wants_old_on_failure(json_array_get(members, i)))
        json_object_set(reason, "Item", ws[i].old_item);
    } else if (out == OUT_DUP) {
      /* DynamoDB Local 1.25's code for it; real DynamoDB's is not recorded. */
      reason = transact_reason("ValidationError", MSG_DUP);
    } else {
      reason = transact_reason("None", NULL);
    }
    ddb_err_clear(&e);
    if (reason) {
      if (strcmp(json_string_value(json_object_get(reason, "Code")), "None") != 0) cancelled = true;
      json_array_append_new(reasons, reason);
    }
  }
  size_t batch = 0;
  if (rc || cancelled) {
    store_abort(&t);
  } else {
    batch = transact_lock_batch(&t);
    if (store_commit(&t, &r->err)) {
      store_abort(&t);
      rc = -1;
    }
  }
  if (!rc && !cancelled) {
    transact_lock_items(batch, wp, n);
    json_t *cc = transact_write_capacity(r, wp, n, &t, NULL);
    *out = json_pack("{s[]}", "Responses");
    transact_token_remember(&token, *out, wp, n);
    if (cc) json_object_set_new(*out, "ConsumedCapacity", cc);
  }
  for (size_t i = 0; i < n; i++) item_write_clear(&ws[i]);
  if (!rc && cancelled) return transact_cancelled(r, reasons);
  json_decref(reasons);
  return rc;
}

int op_execute_transaction(struct ddb_request *r, json_t **out) {
  const json_t *members = json_object_get(r->in, "TransactStatements");
  size_t n = json_array_size(members);
  struct inst_partiql *tr = trace_slots(r, n);
  struct run *runs = arena_alloc(&r->arena, n * sizeof *runs);
  for (size_t i = 0; i < n; i++) {
    const json_t *m = json_array_get(members, i);
    run_init(&runs[i], r, MODE_TXN, m, &tr[i]);
    if (runs[i].params && pql_check_parameters(runs[i].params, &r->err)) return -1;
  }
  bool reads = false, writes = false;
  for (size_t i = 0; i < n; i++) {
    if (prepare(&runs[i])) {
      if (r->err.code == DDB_RESOURCE_NOT_FOUND) return -1;
      return txn_member_error(r, i);
    }
    if (runs[i].s->verb == PQL_SELECT && !runs[i].exists) reads = true;
    else writes = true;
  }
  if (reads && writes)
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "ExecuteTransaction API does not support both read and write operations in the same request.");
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (runs[i].tbl == runs[j].tbl && json_equal(runs[i].key, runs[j].key))
        return ddb_fail(&r->err, DDB_VALIDATION, "Transaction request cannot include multiple operations on one item");
  if (writes) return txn_writes(r, runs, members, n, out);
  json_t *caps = json_array();
  json_t *responses = json_array();
  if (txn_reads(r, runs, n, responses, caps)) {
    json_decref(caps);
    json_decref(responses);
    return -1;
  }
  *out = json_pack("{so}", "Responses", responses);
  if (json_array_size(caps)) json_object_set_new(*out, "ConsumedCapacity", caps);
  else json_decref(caps);
  return 0;
}

/*
** instrument/facts.c: what the baseline records of one request.
**
** A request's facts are the members of the baseline sections it would add to
** (instrument/README.md, "Baselines"): the operation and tables, expression
** and statement templates, the AttributeValue type of each key attribute and
** placeholder, the attribute names (and types) written, the top-level names an
** answer returned, and the legacy operators used. --learn adds them to the
** call site's sections; the baseline detectors (DDB001, DDB004, DDB005,
** DDB011, DDB017, DDB018) compare them with the baseline. inst_each_key(), the
** walk over the key attributes a request sends, also serves DDB010.
**
** Facts are built lazily, once per request, in the request's arena, in two
** stages: from the request's JSON alone (before the operation, for enforce
** mode), and from what the operation parsed and answered. Tables and key
** types are collected only while learning: no check reads them.
*/
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "detectors/detectors.h"
#include "expr/expr.h"
#include "internal.h"
#include "partiql/partiql.h"
#include "storage/store.h"

const char *const inst_fact_sections[INST_FACT_KINDS] = {
    [INST_FACT_OPERATION] = "operations",       [INST_FACT_TABLE] = "tables",
    [INST_FACT_TEMPLATE] = "templates",         [INST_FACT_KEY_TYPE] = "keyTypes",
    [INST_FACT_PLACEHOLDER] = "placeholderTypes", [INST_FACT_WRITTEN] = "writtenAttributes",
    [INST_FACT_RETURNED] = "returnedAttributes", [INST_FACT_LEGACY_OP] = "legacyOperators",
};

bool inst_fact_typed(int kind) {
  return kind == INST_FACT_KEY_TYPE || kind == INST_FACT_PLACEHOLDER || kind == INST_FACT_WRITTEN;
}

const char *inst_av_type(const json_t *av) {
  if (!json_is_object(av) || json_object_size(av) != 1) return NULL;
  return json_object_iter_key(json_object_iter((json_t *)av));
}

bool inst_name_listed(const json_t *list, const char *name) {
  size_t i;
  json_t *s;
  if (!name) return false;
  json_array_foreach(list, i, s) {
    if (strcasecmp(json_string_value(s), name) == 0) return true;
  }
  return false;
}

/*------------------------------- Building ----------------------------------*/

static bool same(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* Add a fact (once); returns it, or NULL when it was already there. */
static struct inst_fact *add(struct inst_trace *t, struct inst_facts *f, int kind, const char *name,
                             const char *type, const char *where) {
  if (!name) return NULL;
  for (int i = 0; i < f->n; i++)
    if (f->v[i].kind == kind && same(f->v[i].type, type) && strcmp(f->v[i].name, name) == 0) return NULL;
  if (f->n == f->cap) {
    int cap = f->cap ? f->cap * 2 : 16;
    struct inst_fact *v = arena_alloc(t->arena, (size_t)cap * sizeof *v);
    if (f->n) memcpy(v, f->v, (size_t)f->n * sizeof *v);
    f->v = v;
    f->cap = cap;
  }
  struct inst_fact *x = &f->v[f->n++];
  memset(x, 0, sizeof *x);
  x->kind = (uint8_t)kind;
  x->name = name;
  x->type = type;
  x->where = where;
  return x;
}

static const char *str(const json_t *obj, const char *key) {
  return json_string_value(json_object_get(obj, key));
}

bool inst_key_schema(struct inst *in, const char *table, const char *index, struct inst_keys *k) {
  memset(k, 0, sizeof *k);
  if (!in->srv || !in->srv->store || !table) return false;
  const struct table *tbl = catalog_find(in->srv->store, table);
  if (!tbl) return false;
  if (index) {
    const struct index *ix = catalog_index(tbl, index);
    if (!ix) return false;
    k->hash = ix->hash;
    k->hash_type = ix->hash_type;
    k->range = ix->range[0] ? ix->range : NULL;
    k->range_type = ix->range_type;
    return true;
  }
  k->hash = tbl->pk;
  k->hash_type = tbl->pk_type;
  k->range = tbl->sk[0] ? tbl->sk : NULL;
  k->range_type = tbl->sk_type;
  return true;
}

/*------------------------------ Key attributes -----------------------------*/

struct key_walk {
  struct inst *in;
  struct inst_trace *t;
  void (*fn)(void *arg, const struct inst_key_use *k);
  void *arg;
};

/* declared: the schema's type of attr when the caller knows it, else 0 (looked up). */
static void key_use(struct key_walk *w, const char *table, const char *index, const char *attr,
                    const char *type, const char *where, char declared) {
  if (!table || !attr) return;
  if (!declared) {
    struct inst_keys s;
    if (inst_key_schema(w->in, table, index, &s))
      declared = strcmp(attr, s.hash) == 0 ? s.hash_type : s.range && strcmp(attr, s.range) == 0 ? s.range_type : 0;
  }
  struct inst_key_use k = {table, index, attr, type, where, declared};
  w->fn(w->arg, &k);
}

/* A Key object: every member is a key attribute (those of the schema when known). */
static void key_object(struct key_walk *w, const char *table, const json_t *key, const char *where) {
  struct inst_keys k;
  bool known = inst_key_schema(w->in, table, NULL, &k);
  const char *attr;
  json_t *av;
  json_object_foreach((json_t *)key, attr, av) {
    if (!known) {
      key_use(w, table, NULL, attr, inst_av_type(av), where, 0);
    } else if (strcmp(attr, k.hash) == 0) {
      key_use(w, table, NULL, attr, inst_av_type(av), where, k.hash_type);
    } else if (k.range && strcmp(attr, k.range) == 0) {
      key_use(w, table, NULL, attr, inst_av_type(av), where, k.range_type);
    }
  }
}

/* An Item's key attributes. */
static void item_keys(struct key_walk *w, const char *table, const json_t *item, const char *where) {
  struct inst_keys k;
  if (!inst_key_schema(w->in, table, NULL, &k)) return;
  key_use(w, table, NULL, k.hash, inst_av_type(json_object_get(item, k.hash)), where, k.hash_type);
  if (k.range) key_use(w, table, NULL, k.range, inst_av_type(json_object_get(item, k.range)), where, k.range_type);
}

/* The action of a TransactItems element (its one member): the body, and *verb
** ("Put", "Update", ...); NULL when empty. */
static const json_t *action_of(const json_t *ti, const char **verb) {
  void *it = json_object_iter((json_t *)ti);
  *verb = it ? json_object_iter_key(it) : NULL;
  return it ? json_object_iter_value(it) : NULL;
}

static void request_keys(struct key_walk *w) {
  struct inst_trace *t = w->t;
  if (t->key) key_object(w, t->table, t->key, "Key");
  if (t->item) item_keys(w, t->table, t->item, "Item");
  const char *table;
  json_t *entry;
  json_object_foreach((json_t *)t->request_items, table, entry) {
    const char *name = inst_table_name(t, table);
    size_t i;
    json_t *x;
    if (json_is_object(entry)) {
      json_array_foreach(json_object_get(entry, "Keys"), i, x) key_object(w, name, x, "RequestItems.Keys");
      continue;
    }
    json_array_foreach(entry, i, x) {
      const json_t *put = json_object_get(json_object_get(x, "PutRequest"), "Item");
      const json_t *del = json_object_get(json_object_get(x, "DeleteRequest"), "Key");
      if (put) item_keys(w, name, put, "RequestItems.PutRequest.Item");
      if (del) key_object(w, name, del, "RequestItems.DeleteRequest.Key");
    }
  }
  size_t i;
  json_t *ti;
  json_array_foreach(t->transact_items, i, ti) {
    const char *verb;
    const json_t *body = action_of(ti, &verb);
    const char *name = inst_table_name(t, str(body, "TableName"));
    const json_t *item = json_object_get(body, "Item"), *key = json_object_get(body, "Key");
    if (item) item_keys(w, name, item, "TransactItems.Put.Item");
    if (key) key_object(w, name, key, "TransactItems.Key");
  }
}

static const char *scope_table(struct inst_trace *t, const json_t *scope);
static const char *pql_type(const struct pql_node *n, const json_t *params);
static const json_t *statement_params(const struct inst_trace *t, int i);

/* Key conditions (KeyConditionExpression or KeyConditions) and PartiQL key
** equalities and INSERT keys. */
static void parsed_keys(struct key_walk *w) {
  struct inst_trace *t = w->t;
  for (const struct inst_expr_use *u = t->exprs; u; u = u->next) {
    const struct expr *root = expr_ctx_get(u->ctx, EXPR_KEY_CONDITION);
    if (!root) continue;
    struct expr_key_cond kc[2];
    struct ddb_err e = {0};
    int n = expr_key_conditions(root, kc, &e);
    ddb_err_clear(&e);
    const char *table = scope_table(t, u->scope), *index = str(u->scope, "IndexName");
    for (int i = 0; i < n; i++)
      key_use(w, table, index, arena_strndup(t->arena, kc[i].name, kc[i].len), inst_av_type(kc[i].v1),
              json_object_get(u->scope, "KeyConditions") ? "KeyConditions" : "KeyConditionExpression", 0);
  }
  for (int i = 0; i < t->npartiql; i++) {
    const struct inst_partiql *p = &t->partiql[i];
    const struct pql_stmt *s = p->parsed ? p->parsed->stmt : NULL;
    if (!s || !p->hash) continue;
    const json_t *params = statement_params(t, i);
    if (s->verb == PQL_INSERT && s->value && s->value->kind == PQL_N_STRUCT) {
      for (uint32_t k = 0; k + 1 < s->value->nkids; k += 2) {
        const struct pql_node *key = s->value->kids[k];
        if (key->kind == PQL_N_STRING && key->tlen == strlen(p->hash) && memcmp(key->text, p->hash, key->tlen) == 0)
          key_use(w, p->table, NULL, p->hash, pql_type(s->value->kids[k + 1], params), "Statement", 0);
      }
    }
    if (!s->where) continue;
    const struct pql_node *ops[64];
    uint32_t n = 0;
    pql_and_operands(s->where, ops, &n, 64);
    for (uint32_t k = 0; k < n && k < 64; k++) {
      const struct pql_node *c = ops[k];
      if (c->kind != PQL_N_BINARY || c->op != POP_EQ || c->nkids != 2) continue;
      for (int side = 0; side < 2; side++) {
        const char *name;
        size_t len;
        if (!pql_is_attribute(c->kids[side], &name, &len) || len != strlen(p->hash) ||
            memcmp(name, p->hash, len) != 0 || !pql_is_value(c->kids[!side]))
          continue;
        key_use(w, p->table, p->index, p->hash, pql_type(c->kids[!side], params), "Statement", 0);
      }
    }
  }
}

void inst_each_key(struct inst *in, struct inst_trace *t, unsigned sources,
                   void (*fn)(void *arg, const struct inst_key_use *k), void *arg) {
  struct key_walk w = {in, t, fn, arg};
  if (sources & INST_KEYS_REQUEST) request_keys(&w);
  if (sources & INST_KEYS_PARSED) parsed_keys(&w);
}

/* "Users.userId" / "Users/byEmail.email" (arena). */
static const char *key_name(struct arena *a, const struct inst_key_use *k) {
  size_t tl = strlen(k->table), il = k->index ? strlen(k->index) + 1 : 0, al = strlen(k->attr);
  char *s = arena_alloc(a, tl + il + al + 2), *p = s;
  memcpy(p, k->table, tl);
  p += tl;
  if (k->index) {
    *p++ = '/';
    memcpy(p, k->index, il - 1);
    p += il - 1;
  }
  *p++ = '.';
  memcpy(p, k->attr, al);
  p[al] = 0;
  return s;
}

struct fact_arg {
  struct inst_trace *t;
  struct inst_facts *f;
};

static void key_fact(void *arg, const struct inst_key_use *k) {
  struct fact_arg *a = arg;
  struct inst_fact *x = add(a->t, a->f, INST_FACT_KEY_TYPE, key_name(a->t->arena, k), k->type, k->where);
  if (!x) return;
  x->table = k->table;
  x->index = k->index;
  x->attr = k->attr;
}

/*------------------------------ Other facts --------------------------------*/

/* Every attribute an Item writes. */
static void item_object(struct inst_trace *t, struct inst_facts *f, const char *table, const json_t *item,
                        const char *where) {
  const char *attr;
  json_t *av;
  json_object_foreach((json_t *)item, attr, av) {
    struct inst_fact *x = add(t, f, INST_FACT_WRITTEN, attr, inst_av_type(av), where);
    if (x) x->table = table;
  }
}

static void placeholders(struct inst_trace *t, struct inst_facts *f, const json_t *values, const char *where) {
  const char *ph;
  json_t *av;
  json_object_foreach((json_t *)values, ph, av) add(t, f, INST_FACT_PLACEHOLDER, ph, inst_av_type(av), where);
}

static void parameters(struct inst_trace *t, struct inst_facts *f, const json_t *params) {
  size_t i;
  json_t *av;
  json_array_foreach(params, i, av) {
    add(t, f, INST_FACT_PLACEHOLDER, arena_printf(t->arena, "?%zu", i + 1), inst_av_type(av), "Parameters");
  }
}

/* "ScanFilter email NOT_NULL" for each condition of a legacy map. */
static void legacy_ops(struct inst_trace *t, struct inst_facts *f, const char *param, const json_t *conds) {
  const char *attr;
  json_t *c;
  json_object_foreach((json_t *)conds, attr, c) {
    const char *op = str(c, "ComparisonOperator");
    if (!op) op = json_is_false(json_object_get(c, "Exists")) ? "NOT_EXISTS" : "EQ";
    add(t, f, INST_FACT_LEGACY_OP, arena_printf(t->arena, "%s %s %s", param, attr, op), NULL, param);
  }
}

static void table_fact(void *arg, const char *name) {
  struct fact_arg *a = arg;
  add(a->t, a->f, INST_FACT_TABLE, name, NULL, "TableName");
}

static struct inst_facts *facts_of(struct inst_trace *t) {
  if (!t->facts) {
    t->facts = arena_alloc(t->arena, sizeof *t->facts);
    memset(t->facts, 0, sizeof *t->facts);
    t->facts->site = inst_baseline_site_key(t);
  }
  return t->facts;
}

struct inst_facts *inst_facts_request(struct inst *in, struct inst_trace *t) {
  struct inst_facts *f = facts_of(t);
  if (f->request_done) return f;
  f->request_done = true;
  const json_t *rq = t->request;
  add(t, f, INST_FACT_OPERATION, t->operation, NULL, "operation");
  /* Tables and key types are recorded for people to review; no baseline
  ** detector compares them (DDB012 and DDB010 judge those), so only learning
  ** collects them. */
  struct fact_arg fa = {t, f};
  bool learning = in->bl.mode == INST_BL_LEARN;
  if (learning) {
    inst_each_table(t, table_fact, &fa);
    inst_each_key(in, t, INST_KEYS_REQUEST, key_fact, &fa);
  }
  placeholders(t, f, t->values, "ExpressionAttributeValues");
  if (t->item) item_object(t, f, t->table, t->item, "Item");
  if (t->legacy) {
    static const char *const maps[] = {"Expected", "ScanFilter", "QueryFilter", "KeyConditions"};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) legacy_ops(t, f, maps[i], json_object_get(rq, maps[i]));
    const char *co = str(rq, "ConditionalOperator");
    if (co) add(t, f, INST_FACT_LEGACY_OP, arena_printf(t->arena, "ConditionalOperator %s", co), NULL,
                "ConditionalOperator");
  }
  /* Batches and transactions: the items written, each action's placeholders. */
  const char *table;
  json_t *entry;
  json_object_foreach((json_t *)t->request_items, table, entry) {
    size_t i;
    json_t *x;
    json_array_foreach(json_is_array(entry) ? entry : NULL, i, x) {
      const json_t *put = json_object_get(json_object_get(x, "PutRequest"), "Item");
      if (put) item_object(t, f, inst_table_name(t, table), put, "RequestItems.PutRequest.Item");
    }
  }
  size_t i;
  json_t *ti;
  json_array_foreach(t->transact_items, i, ti) {
    const char *verb;
    const json_t *body = action_of(ti, &verb);
    const char *where = arena_printf(t->arena, "TransactItems.%s", verb ? verb : "?");
    const json_t *item = json_object_get(body, "Item");
    if (item) item_object(t, f, inst_table_name(t, str(body, "TableName")), item, where);
    placeholders(t, f, json_object_get(body, "ExpressionAttributeValues"), where);
  }
  /* PartiQL parameters. */
  parameters(t, f, t->parameters);
  json_t *st;
  json_array_foreach(t->statements, i, st) parameters(t, f, json_object_get(st, "Parameters"));
  return f;
}

/*--------------------------- Parsed expressions ----------------------------*/

static const char *const expr_params[EXPR_KIND_COUNT] = {
    [EXPR_CONDITION] = "ConditionExpression",   [EXPR_FILTER] = "FilterExpression",
    [EXPR_KEY_CONDITION] = "KeyConditionExpression", [EXPR_PROJECTION] = "ProjectionExpression",
    [EXPR_UPDATE] = "UpdateExpression",
};

/* The request member an expression of kind came from in scope: the
** expression parameter, else the legacy parameter translated into it. */
static const char *param_name(const json_t *scope, int kind) {
  if (json_object_get(scope, expr_params[kind])) return expr_params[kind];
  switch (kind) {
  case EXPR_CONDITION: return "Expected";
  case EXPR_FILTER: return json_object_get(scope, "QueryFilter") ? "QueryFilter" : "ScanFilter";
  case EXPR_KEY_CONDITION: return "KeyConditions";
  case EXPR_PROJECTION: return "AttributesToGet";
  default: return "AttributeUpdates";
  }
}

/* "Update Orders " for a TransactItems action body, "Orders " for a
** RequestItems entry, "" for the request itself. */
static const char *scope_label(struct inst_trace *t, const json_t *scope) {
  if (!scope || scope == t->request) return "";
  size_t i;
  json_t *ti;
  json_array_foreach(t->transact_items, i, ti) {
    const char *verb;
    if (action_of(ti, &verb) == scope)
      return arena_printf(t->arena, "%s %s ", verb, inst_table_name(t, str(scope, "TableName")));
  }
  const char *name;
  json_t *entry;
  json_object_foreach((json_t *)t->request_items, name, entry) {
    if (entry == scope) return arena_printf(t->arena, "%s ", inst_table_name(t, name));
  }
  return "";
}

static const char *scope_table(struct inst_trace *t, const json_t *scope) {
  const char *name = str(scope, "TableName");
  if (name) return inst_table_name(t, name);
  const char *k;
  json_t *entry;
  json_object_foreach((json_t *)t->request_items, k, entry) {
    if (entry == scope) return inst_table_name(t, k);
  }
  return t->table;
}

static void update_names(struct inst_trace *t, struct inst_facts *f, const struct expr *root,
                         const char *table, const char *where) {
  if (!root || root->op != EXPR_OP_UPDATE) return;
  for (uint32_t c = 0; c < root->nargs; c++) {
    const struct expr *clause = root->args[c];
    for (uint32_t i = 0; i < clause->nargs; i++) {
      const struct expr *act = clause->args[i];
      const struct expr *path = act->nargs ? act->args[0] : NULL;
      if (!path || path->op != EXPR_OP_PATH || !path->nelems || path->elems[0].kind == EXPR_ELEM_INDEX) continue;
      const char *name = arena_strndup(t->arena, path->elems[0].name, path->elems[0].len);
      const char *type = NULL;
      if (path->nelems == 1 && act->nargs > 1 && act->args[1]->op == EXPR_OP_VALUE)
        type = inst_av_type(act->args[1]->value);
      struct inst_fact *x = add(t, f, INST_FACT_WRITTEN, name, type, where);
      if (x) {
        x->table = table;
        x->flags |= INST_FACT_UPDATE;
      }
    }
  }
}

static void expression_facts(struct inst_trace *t, struct inst_facts *f) {
  for (const struct inst_expr_use *u = t->exprs; u; u = u->next) {
    const char *label = NULL;
    for (int k = 0; k < EXPR_KIND_COUNT; k++) {
      const struct expr *root = expr_ctx_get(u->ctx, (enum expr_kind)k);
      if (!root) continue;
      if (!label) label = scope_label(t, u->scope);
      const char *param = param_name(u->scope, k);
      add(t, f, INST_FACT_TEMPLATE,
          arena_printf(t->arena, "%s%s=%s", label, param, expr_fingerprint(t->arena, root)), NULL, param);
      if (k == EXPR_UPDATE)
        update_names(t, f, root, scope_table(t, u->scope), arena_printf(t->arena, "%s%s", label, param));
    }
    const struct expr_diag *d = expr_ctx_diag(u->ctx);
    if (d && d->kind < EXPR_KIND_COUNT && d->text) {
      if (!label) label = scope_label(t, u->scope);
      struct jw w = {0};
      const char *text = arena_strndup(t->arena, d->text, d->text_len);
      inst_append_template(&w, text);
      if (w.len > 300) w.len = 300;
      if (w.buf) w.buf[w.len] = 0;
      add(t, f, INST_FACT_TEMPLATE,
          arena_printf(t->arena, "%s%s=%s (malformed)", label, expr_kind_name(d->kind), w.buf ? w.buf : ""),
          NULL, expr_kind_name(d->kind));
      jw_free(&w);
    }
  }
}

/*-------------------------------- PartiQL ----------------------------------*/

/* The AttributeValue type a PartiQL value node stands for, or NULL. */
static const char *pql_type(const struct pql_node *n, const json_t *params) {
  switch (n->kind) {
  case PQL_N_STRING: return "S";
  case PQL_N_NUMBER: return "N";
  case PQL_N_BOOL: return "BOOL";
  case PQL_N_NULL: return "NULL";
  case PQL_N_LIST: return "L";
  case PQL_N_STRUCT: return "M";
  case PQL_N_PARAM: return inst_av_type(json_array_get(params, n->param));
  default: return NULL;
  }
}

static const json_t *statement_params(const struct inst_trace *t, int i) {
  if (t->operation && strcmp(t->operation, "ExecuteStatement") == 0) return json_object_get(t->request, "Parameters");
  const json_t *list = json_object_get(t->request, "Statements");
  if (!list) list = json_object_get(t->request, "TransactStatements");
  return json_object_get(json_array_get(list, (size_t)i), "Parameters");
}

static void partiql_facts(struct inst *in, struct inst_trace *t, struct inst_facts *f) {
  for (int i = 0; i < t->npartiql; i++) {
    const struct inst_partiql *p = &t->partiql[i];
    if (!p->statement) continue;
    add(t, f, INST_FACT_TEMPLATE,
        arena_printf(t->arena, "Statement=%s", p->template_text ? p->template_text : "(does not lex)"), NULL,
        "Statement");
    if (in->bl.mode == INST_BL_LEARN) add(t, f, INST_FACT_TABLE, p->table, NULL, "Statement");
    const struct pql_stmt *s = p->parsed ? p->parsed->stmt : NULL;
    if (!s) continue;
    const json_t *params = statement_params(t, i);
    const char *table = p->table;
    if (s->verb == PQL_INSERT && s->value && s->value->kind == PQL_N_STRUCT) {
      for (uint32_t k = 0; k + 1 < s->value->nkids; k += 2) {
        const struct pql_node *key = s->value->kids[k], *val = s->value->kids[k + 1];
        if (key->kind != PQL_N_STRING) continue;
        const char *name = arena_strndup(t->arena, key->text, key->tlen);
        const char *type = pql_type(val, params);
        struct inst_fact *x = add(t, f, INST_FACT_WRITTEN, name, type, "Statement");
        if (x) x->table = table;
      }
    }
    if (s->verb == PQL_UPDATE) {
      for (uint32_t k = 0; k < s->nactions; k++) {
        size_t len;
        const char *root = pql_root_name(s->actions[k].target, &len);
        if (!root) continue;
        bool whole = s->actions[k].target->kind == PQL_N_ID;
        const char *type = !s->actions[k].remove && whole ? pql_type(s->actions[k].value, params) : NULL;
        struct inst_fact *x = add(t, f, INST_FACT_WRITTEN, arena_strndup(t->arena, root, len), type, "Statement");
        if (x) {
          x->table = table;
          x->flags |= INST_FACT_UPDATE;
        }
      }
    }
  }
}

/*------------------------------ Answers ------------------------------------*/

static void returned_item(struct inst_trace *t, struct inst_facts *f, const json_t *item) {
  const char *name;
  json_t *v;
  json_object_foreach((json_t *)item, name, v) add(t, f, INST_FACT_RETURNED, arena_strdup(t->arena, name), NULL, "answer");
}

static void returned_items(struct inst_trace *t, struct inst_facts *f, const json_t *list) {
  size_t i;
  json_t *x;
  json_array_foreach(list, i, x) {
    const json_t *inner = json_object_get(x, "Item"); /* TransactGetItems, BatchExecuteStatement */
    returned_item(t, f, inner ? inner : x);
  }
}

static void returned_answer(struct inst_trace *t, struct inst_facts *f, const json_t *answer) {
  returned_item(t, f, json_object_get(answer, "Item"));
  returned_items(t, f, json_object_get(answer, "Items"));
  const json_t *responses = json_object_get(answer, "Responses");
  if (json_is_array(responses)) returned_items(t, f, responses);
  const char *table;
  json_t *list;
  json_object_foreach((json_t *)responses, table, list) returned_items(t, f, list);
}

/* Might the raw answer have a member named like a sensitive attribute? One
** pass: a quoted string followed by ':' is a member name, compared only when
** its length and first letter match a listed name's (in->sensitive_*, built
** once). An answer with escapes is always parsed (an escaped quote would
** misalign the pass). */
static bool raw_mentions(struct inst *in, const char *raw, size_t len) {
  const json_t *names = in->cfg.p.sensitive_attributes;
  size_t i;
  json_t *s;
  if (!in->sensitive_ready) {
    json_array_foreach(names, i, s) {
      size_t n = json_string_length(s);
      unsigned char c = (unsigned char)json_string_value(s)[0];
      in->sensitive_lens |= n < 64 ? 1ull << n : 0;
      unsigned char both[2] = {(unsigned char)tolower(c), (unsigned char)toupper(c)};
      for (int k = 0; k < 2; k++) in->sensitive_first[both[k] >> 5] |= 1u << (both[k] & 31);
    }
    in->sensitive_ready = true;
  }
  const char *p = raw, *end = raw + len, *open = NULL;
  for (; p < end; p++) {
    if (*p == '\\') return true;
    if (*p != '"') continue;
    if (!open) {
      open = p;
      continue;
    }
    size_t n = (size_t)(p - open - 1);
    unsigned char c = (unsigned char)open[1];
    if (p + 1 < end && p[1] == ':' && n < 64 && (in->sensitive_lens >> n & 1) &&
        (in->sensitive_first[c >> 5] >> (c & 31) & 1)) {
      json_array_foreach(names, i, s) {
        if (json_string_length(s) == n && strncasecmp(json_string_value(s), open + 1, n) == 0) return true;
      }
    }
    open = NULL;
  }
  return false;
}

static void returned_facts(struct inst *in, struct inst_trace *t, struct inst_facts *f) {
  if (t->status != 200 || in->bl.mode == INST_BL_NONE) return;
  if (!(t->op_class & INST_OP_READ) && !t->npartiql) return;
  if (t->response) {
    returned_answer(t, f, t->response);
    return;
  }
  if (!t->response_raw) return;
  /* Checking only needs the sensitive names: most answers have none. */
  if (in->bl.mode == INST_BL_FROZEN && !raw_mentions(in, t->response_raw, t->response_raw_len)) return;
  json_t *answer = json_loadb(t->response_raw, t->response_raw_len, JSON_ALLOW_NUL, NULL);
  returned_answer(t, f, answer);
  /* Names were copied into the arena; the parsed answer can go. */
  json_decref(answer);
}

struct inst_facts *inst_facts_all(struct inst *in, struct inst_trace *t) {
  struct inst_facts *f = inst_facts_request(in, t);
  if (f->parsed_done) return f;
  f->parsed_done = true;
  expression_facts(t, f);
  partiql_facts(in, t, f);
  struct fact_arg fa = {t, f};
  if (in->bl.mode == INST_BL_LEARN) inst_each_key(in, t, INST_KEYS_PARSED, key_fact, &fa);
  returned_facts(in, t, f);
  return f;
}

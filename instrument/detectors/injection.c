/*
** instrument/detectors/injection.c: input that changed a request's structure.
**   DDB001 legacy conditional parameter  ScanFilter/QueryFilter/Expected, risky operators, drift
**   DDB003 tautology                     conditions always true by their shape
**   DDB004 shape drift                   templates outside the call site's baseline
**   DDB005 PartiQL with inlined literals statements without ? parameters
**   DDB020 fuzz canary                   a canary in a name, expression or statement
** (INSTRUMENT.md A1, A3, A4 and section 2.6.)
*/
#include <stdio.h>
#include <string.h>

#include "detectors.h"
#include "expr/expr.h"
#include "partiql/partiql.h"

static const char *str(const json_t *obj, const char *key) {
  return json_string_value(json_object_get(obj, key));
}

/*---------------------------------- DDB001 ---------------------------------*/

static bool risky_operator(const char *op) {
  static const char *const ops[] = {"NOT_NULL", "NULL", "NE", "NOT_CONTAINS"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(op, ops[i]) == 0) return true;
  return false;
}

/* GT/GE against the smallest string (or the "*" some payloads use): matches everything. */
static bool against_minimum(const char *op, const json_t *cond) {
  if (strcmp(op, "GT") != 0 && strcmp(op, "GE") != 0) return false;
  const json_t *av = json_array_get(json_object_get(cond, "AttributeValueList"), 0);
  const char *s = str(av, "S");
  return s && (!s[0] || strcmp(s, "*") == 0);
}

void det_legacy_pre(struct inst *in, struct inst_trace *t) {
  unsigned mask = INST_LEGACY_EXPECTED | INST_LEGACY_SCAN_FILTER | INST_LEGACY_QUERY_FILTER |
                  INST_LEGACY_KEY_CONDITIONS | INST_LEGACY_CONDITIONAL_OPERATOR;
  if (!(t->legacy & mask) || !t->arena) return;
  static const char *const maps[] = {"Expected", "ScanFilter", "QueryFilter", "KeyConditions"};
  json_t *params = json_array(), *ops = json_array(), *reasons = json_array();
  for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
    const json_t *conds = json_object_get(t->request, maps[m]);
    if (!json_is_object(conds)) continue;
    json_array_append_new(params, json_string(maps[m]));
    const char *attr;
    json_t *c;
    json_object_foreach((json_t *)conds, attr, c) {
      const char *op = str(c, "ComparisonOperator");
      if (!op) op = json_is_false(json_object_get(c, "Exists")) ? "NOT_EXISTS" : "EQ";
      char *desc = arena_printf(t->arena, "%s %s %s", maps[m], attr, op);
      json_array_append_new(ops, json_string(desc));
      if (risky_operator(op))
        json_array_append_new(reasons, json_sprintf("operator %s on %s matches items by absence or negation", op, attr));
      else if (against_minimum(op, c))
        json_array_append_new(reasons, json_sprintf("%s on %s against the smallest string matches everything", op, attr));
    }
  }
  const char *co = str(t->request, "ConditionalOperator");
  if (co) {
    json_array_append_new(params, json_string("ConditionalOperator"));
    if (strcmp(co, "OR") == 0) json_array_append_new(reasons, json_string("ConditionalOperator OR"));
  }
  if (inst_baseline_checks(in, t)) {
    struct inst_facts *f = inst_facts_request(in, t);
    const json_t *site = inst_baseline_site_of(in, f);
    for (int i = 0; site && i < f->n; i++) {
      const struct inst_fact *x = &f->v[i];
      if (x->kind == INST_FACT_LEGACY_OP && !inst_baseline_has(site, INST_FACT_LEGACY_OP, x->name))
        json_array_append_new(reasons, json_sprintf("not in the call site's baseline: %s", x->name));
    }
  }
  size_t nreasons = json_array_size(reasons);
  json_t *ev = json_pack("{so so so}", "parameters", params, "operators", ops, "reasons", reasons);
  const char *first = nreasons ? json_string_value(json_array_get(reasons, 0)) : NULL;
  inst_emit(in, t, DET_DDB001, nreasons ? INST_HIGH : INST_INFO, ev, "%s on %s uses legacy conditional parameters%s%s",
            t->operation ? t->operation : "request", t->table ? t->table : "?", first ? ": " : "",
            first ? first : "");
}

/*---------------------------------- DDB003 ---------------------------------*/

/* Structural equality of two expression subtrees (values by value). */
static bool expr_equal(const struct expr *a, const struct expr *b) {
  if (a->op != b->op || a->nargs != b->nargs) return false;
  switch (a->op) {
  case EXPR_OP_PATH:
    if (a->nelems != b->nelems) return false;
    for (uint32_t i = 0; i < a->nelems; i++) {
      const struct expr_elem *x = &a->elems[i], *y = &b->elems[i];
      if ((x->kind == EXPR_ELEM_INDEX) != (y->kind == EXPR_ELEM_INDEX)) return false;
      if (x->kind == EXPR_ELEM_INDEX ? x->index != y->index
                                     : x->len != y->len || memcmp(x->name, y->name, x->len) != 0)
        return false;
    }
    return true;
  case EXPR_OP_VALUE:
    return a->value && b->value && json_equal(a->value, b->value);
  case EXPR_OP_FUNC:
    if (a->fn != b->fn) return false;
    break;
  default:
    break;
  }
  for (uint32_t i = 0; i < a->nargs; i++)
    if (!expr_equal(a->args[i], b->args[i])) return false;
  return true;
}

static bool is_fn(const struct expr *x, int fn) { return x->op == EXPR_OP_FUNC && x->fn == fn; }

/* Do a and b together cover every item (a OR b always true)? */
static bool complementary(const struct expr *a, const struct expr *b) {
  if (is_fn(a, EXPR_FN_ATTRIBUTE_EXISTS) && is_fn(b, EXPR_FN_ATTRIBUTE_NOT_EXISTS))
    return expr_equal(a->args[0], b->args[0]);
  if (a->op == EXPR_OP_NOT) return expr_equal(a->args[0], b);
  static const uint8_t pairs[][2] = {{EXPR_OP_EQ, EXPR_OP_NE}, {EXPR_OP_LT, EXPR_OP_GE}, {EXPR_OP_GT, EXPR_OP_LE}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    if (a->op == pairs[i][0] && b->op == pairs[i][1])
      return expr_equal(a->args[0], b->args[0]) && expr_equal(a->args[1], b->args[1]);
  return false;
}

static void or_operands(const struct expr *x, const struct expr **out, int *n, int max) {
  if (x->op == EXPR_OP_OR) {
    or_operands(x->args[0], out, n, max);
    or_operands(x->args[1], out, n, max);
  } else if (*n < max) {
    out[(*n)++] = x;
  }
}

struct tautology {
  const struct expr *node; /* the always-true subtree */
  const char *why;
  bool vacuous;            /* it makes the whole condition true */
};

/* Find the first tautology in x; vacuous tells whether x decides the whole condition. */
static bool find_tautology(const struct expr *x, bool vacuous, struct tautology *out) {
  switch (x->op) {
  case EXPR_OP_EQ:
  case EXPR_OP_LE:
  case EXPR_OP_GE:
    if (expr_equal(x->args[0], x->args[1])) {
      *out = (struct tautology){x, x->args[0]->op == EXPR_OP_VALUE ? "a comparison of equal values"
                                                                   : "identical operands", vacuous};
      return true;
    }
    return false;
  case EXPR_OP_NE:
    if (x->args[0]->op == EXPR_OP_VALUE && x->args[1]->op == EXPR_OP_VALUE && !expr_equal(x->args[0], x->args[1])) {
      *out = (struct tautology){x, "a comparison of different values", vacuous};
      return true;
    }
    return false;
  case EXPR_OP_OR: {
    const struct expr *ops[64];
    int n = 0;
    or_operands(x, ops, &n, 64);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        if (i != j && complementary(ops[i], ops[j])) {
          *out = (struct tautology){x, "complementary conditions joined by OR", vacuous};
          return true;
        }
    for (int i = 0; i < n; i++)
      if (find_tautology(ops[i], vacuous, out)) return true;
    return false;
  }
  case EXPR_OP_AND:
  case EXPR_OP_NOT:
    for (uint32_t i = 0; i < x->nargs; i++)
      if (find_tautology(x->args[i], false, out)) return true;
    return false;
  default:
    return false;
  }
}

/* PartiQL: structural equality of value and path nodes. */
static bool pql_equal(const struct pql_node *a, const struct pql_node *b) {
  if (a->kind != b->kind || a->op != b->op || a->flags != b->flags || a->nkids != b->nkids ||
      a->kind == PQL_N_STMT || a->tlen != b->tlen || a->param != b->param)
    return false;
  if (a->tlen && memcmp(a->text, b->text, a->tlen) != 0) return false;
  for (uint32_t i = 0; i < a->nkids; i++)
    if (!pql_equal(a->kids[i], b->kids[i])) return false;
  return true;
}

static bool pql_literal(const struct pql_node *n) {
  return n->kind == PQL_N_STRING || n->kind == PQL_N_NUMBER || n->kind == PQL_N_BOOL || n->kind == PQL_N_NULL;
}

/* An = / IN on the partition key among a branch's top-level AND operands. */
static bool pins_key(const struct pql_node *branch, const char *hash) {
  const struct pql_node *ops[64];
  uint32_t n = 0;
  pql_and_operands(branch, ops, &n, 64);
  for (uint32_t i = 0; i < n && i < 64; i++) {
    const struct pql_node *c = ops[i];
    if (c->kind != PQL_N_BINARY || (c->op != POP_EQ && c->op != POP_IN) || (c->flags & PQL_F_NEGATED)) continue;
    for (int side = 0; side < (c->op == POP_EQ ? 2 : 1); side++) {
      const char *name;
      size_t len;
      if (pql_is_attribute(c->kids[side], &name, &len) && len == strlen(hash) && memcmp(name, hash, len) == 0)
        return true;
    }
  }
  return false;
}

static void pql_or_operands(const struct pql_node *x, const struct pql_node **out, int *n, int max) {
  if (x->kind == PQL_N_BINARY && x->op == POP_OR) {
    pql_or_operands(x->kids[0], out, n, max);
    pql_or_operands(x->kids[1], out, n, max);
  } else if (*n < max) {
    out[(*n)++] = x;
  }
}

/* Why a PartiQL WHERE clause is always true, or NULL. */
static const char *pql_tautology(const struct pql_node *w, const char *hash) {
  if (w->kind == PQL_N_BINARY && w->nkids == 2) {
    const struct pql_node *a = w->kids[0], *b = w->kids[1];
    if ((w->op == POP_EQ || w->op == POP_LE || w->op == POP_GE) && pql_equal(a, b)) return "identical operands";
    if (w->op == POP_NE && pql_literal(a) && pql_literal(b) && !pql_equal(a, b))
      return "a comparison of different literals";
  }
  if (w->kind != PQL_N_BINARY || (w->op != POP_OR && w->op != POP_AND)) return NULL;
  if (w->op == POP_AND) {
    const char *why = pql_tautology(w->kids[0], hash);
    return why ? why : pql_tautology(w->kids[1], hash);
  }
  const struct pql_node *ops[64];
  int n = 0;
  pql_or_operands(w, ops, &n, 64);
  bool pinned = false, unpinned = false;
  for (int i = 0; i < n; i++) {
    const char *why = pql_tautology(ops[i], hash);
    if (why) return why;
    if (hash && pins_key(ops[i], hash)) pinned = true;
    else unpinned = true;
    for (int j = 0; j < n; j++) {
      const struct pql_node *x = ops[i], *y = ops[j];
      if (i != j && x->kind == PQL_N_BINARY && y->kind == PQL_N_BINARY && x->op == POP_EQ && y->op == POP_NE &&
          pql_equal(x->kids[0], y->kids[0]) && pql_equal(x->kids[1], y->kids[1]))
        return "complementary conditions joined by OR";
    }
  }
  if (pinned && unpinned) return "an OR branch without the partition-key equality makes the key condition vacuous";
  return NULL;
}

/* A rejected `a = a`: DynamoDB refuses identical paths, but the attempt is the tautology. */
static bool rejected_identical(const struct expr_diag *d) {
  if (!d || d->cls != EXPR_DIAG_STRUCTURE || !d->token || !d->message ||
      !strstr(d->message, "first operand must be distinct"))
    return false;
  return strcmp(d->token, "=") == 0 || strcmp(d->token, "<=") == 0 || strcmp(d->token, ">=") == 0;
}

void det_tautology_post(struct inst *in, struct inst_trace *t) {
  if (!t->arena) return;
  static const enum expr_kind kinds[] = {EXPR_CONDITION, EXPR_FILTER, EXPR_KEY_CONDITION};
  for (const struct inst_expr_use *u = t->exprs; u; u = u->next) {
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
      const struct expr *root = expr_ctx_get(u->ctx, kinds[k]);
      struct tautology hit;
      if (!root || !find_tautology(root, true, &hit)) continue;
      const char *text = str(u->scope, expr_kind_name(kinds[k]));
      const char *sub = expr_dump(t->arena, hit.node);
      inst_emit(in, t, DET_DDB003, INST_HIGH,
                json_pack("{ss ss? ss ss sb}", "expression", expr_kind_name(kinds[k]), "text", text, "subtree",
                          sub, "reason", hit.why, "vacuous", hit.vacuous),
                "%s %s is always true (%s: %s)%s", t->operation ? t->operation : "request",
                expr_kind_name(kinds[k]), hit.why, sub, hit.vacuous ? ": the condition matches every item" : "");
      return;
    }
    const struct expr_diag *d = expr_ctx_diag(u->ctx);
    if (rejected_identical(d)) {
      const char *text = d->text ? arena_strndup(t->arena, d->text, d->text_len) : NULL;
      inst_emit(in, t, DET_DDB003, INST_HIGH,
                json_pack("{ss ss? ss sb}", "expression", expr_kind_name(d->kind), "text", text, "reason",
                          "identical operands", "rejected", 1),
                "%s %s compares an attribute with itself (refused by DynamoDB): %s",
                t->operation ? t->operation : "request", expr_kind_name(d->kind), text ? text : "");
      return;
    }
  }
  for (int i = 0; i < t->npartiql; i++) {
    const struct inst_partiql *p = &t->partiql[i];
    const struct pql_stmt *s = p->parsed ? p->parsed->stmt : NULL;
    const char *why = s && s->where ? pql_tautology(s->where, p->hash) : NULL;
    if (!why) continue;
    inst_emit(in, t, DET_DDB003, INST_HIGH,
              json_pack("{ss ss? ss? ss}", "statement", "Statement", "template", p->template_text, "table",
                        p->table, "reason", why),
              "PartiQL %s on %s is always true: %s", p->verb ? p->verb : "statement", p->table ? p->table : "?",
              why);
    return;
  }
}

/*---------------------------------- DDB004 ---------------------------------*/

static json_t *section_list(const json_t *site, int kind, size_t max) {
  json_t *out = json_array();
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(site, inst_fact_sections[kind]), k, v) {
    if (json_array_size(out) >= max) break;
    json_array_append_new(out, json_string(k));
  }
  return out;
}

void det_drift_post(struct inst *in, struct inst_trace *t) {
  if (!inst_baseline_checks(in, t) || !t->arena || !t->op_known) return;
  struct inst_facts *f = inst_facts_all(in, t);
  const json_t *site = inst_baseline_site_of(in, f);
  if (!site) {
    if (!in->cfg.p.new_callsites) return;
    json_t *templates = json_array();
    for (int i = 0; i < f->n; i++)
      if (f->v[i].kind == INST_FACT_TEMPLATE) json_array_append_new(templates, json_string(f->v[i].name));
    inst_emit(in, t, DET_DDB004, INST_HIGH,
              json_pack("{ss ss so}", "reason", "new-callsite", "callsite", f->site, "templates", templates),
              "call site %s is not in the baseline (%s)", f->site, t->operation ? t->operation : "?");
    return;
  }
  json_t *fresh = NULL;
  for (int i = 0; i < f->n; i++) {
    const struct inst_fact *x = &f->v[i];
    if ((x->kind != INST_FACT_TEMPLATE && x->kind != INST_FACT_OPERATION) || inst_baseline_knows(in, f, x->kind, x->name))
      continue;
    if (!fresh) fresh = json_array();
    json_array_append_new(fresh, json_string(x->kind == INST_FACT_OPERATION
                                                 ? arena_printf(t->arena, "operation %s", x->name)
                                                 : x->name));
  }
  if (!fresh) return;
  const char *first = json_string_value(json_array_get(fresh, 0));
  inst_emit(in, t, DET_DDB004, INST_HIGH,
            json_pack("{ss ss so so}", "reason", "new-template", "callsite", f->site, "new", fresh, "baseline",
                      section_list(site, INST_FACT_TEMPLATE, 20)),
            "%s sent a shape its baseline does not have: %s", f->site, first);
}

/*---------------------------------- DDB005 ---------------------------------*/

void det_partiql_post(struct inst *in, struct inst_trace *t) {
  if (!t->npartiql || t->principal_class != INST_PRINCIPAL_APP || !t->arena) return;
  bool checks = inst_baseline_checks(in, t);
  const json_t *site = checks ? inst_baseline_site(in, inst_baseline_site_key(t)) : NULL;
  const struct inst_partiql *worst = NULL;
  bool worst_new = false;
  for (int i = 0; i < t->npartiql; i++) {
    const struct inst_partiql *p = &t->partiql[i];
    if (!p->literals || p->parameters) continue;
    bool fresh = checks && !inst_baseline_has(site, INST_FACT_TEMPLATE,
                                              arena_printf(t->arena, "Statement=%s", p->template_text ? p->template_text : ""));
    if (!worst || (fresh && !worst_new)) {
      worst = p;
      worst_new = fresh;
    }
  }
  if (!worst) return;
  inst_emit(in, t, DET_DDB005, worst_new ? INST_HIGH : INST_MEDIUM,
            json_pack("{ss? ss? ss? sb}", "template", worst->template_text, "verb", worst->verb, "table",
                      worst->table, "newTemplate", worst_new),
            "PartiQL %s on %s has literal values and no ? parameters%s: %s", worst->verb ? worst->verb : "statement",
            worst->table ? worst->table : "?", worst_new ? " and a template outside the baseline" : "",
            worst->template_text ? worst->template_text : "");
}

/*---------------------------------- DDB020 ---------------------------------*/

struct canary_walk {
  struct inst_walker w; /* first: the callbacks get it */
  const struct inst_regexes *re;
  int pos;
  const char *path, *canary;
  char match[128];
  struct arena *arena;
};

static void canary_name(struct inst_walker *w, int pos, const char *s, size_t len) {
  struct canary_walk *c = (struct canary_walk *)w;
  for (size_t i = 0; i < c->re->n; i++) {
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)len;
    if (regexec(&c->re->re[i], s, 1, m, REG_STARTEND) != 0) continue;
    size_t n = (size_t)(m[0].rm_eo - m[0].rm_so);
    if (n >= sizeof c->match) n = sizeof c->match - 1;
    memcpy(c->match, s + m[0].rm_so, n);
    c->match[n] = 0;
    c->pos = pos;
    c->path = arena_strdup(c->arena, inst_walk_path(w));
    c->canary = c->re->src[i];
    w->stop = true;
    return;
  }
}

void det_canary_pre(struct inst *in, struct inst_trace *t) {
  const struct inst_regexes *re = &in->cfg.p.canaries;
  if (!re->n || !t->request || !t->arena) return;
  struct canary_walk c;
  memset(&c, 0, sizeof c);
  c.w.name = canary_name;
  c.re = re;
  c.arena = t->arena;
  inst_walk_request(&c.w, t->request);
  if (!c.path) return;
  inst_emit(in, t, DET_DDB020, INST_CRITICAL,
            json_pack("{ss ss ss ss}", "field", c.path, "position", inst_pos_name(c.pos), "canary", c.canary,
                      "match", c.match),
            "fuzz canary '%s' reached the %s at %s: input changed the request's structure", c.match,
            inst_pos_name(c.pos), c.path);
}

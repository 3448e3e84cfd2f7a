/*
** server/partiql/compile.c: PartiQL conditions, SET/REMOVE lists and select
** lists in DynamoDB's expression language.
**
** Every attribute name becomes a #placeholder (so reserved words of the
** expression language need no care; one name gets one placeholder) and every
** value a :placeholder. server/expr then validates the text with DynamoDB's
** messages, which PartiQL shares without the "Invalid <Kind>: " prefix
** ("The first operand must be distinct from the remaining operands for this
** operator or function; operator: =, first operand: [s]"), and evaluates it.
**
** What the expression language cannot say is checked or folded here, with
** DynamoDB's PartiQL messages (DynamoDB Local 1.25 and the Parity Suite's
** captures of real DynamoDB):
**   x IS MISSING        -> attribute_not_exists(x)   (IS NOT: attribute_exists)
**   x IS NULL / STRING  -> attribute_type(x, 'NULL' / 'S'), BOOLEAN, BLOB,
**                          NUMERIC, STRUCT / TUPLE and LIST likewise
**   f(x) = TRUE         -> f(x); = FALSE and <> TRUE -> NOT f(x)
**   'a' = 'a', 'x' IS STRING: constants, folded into the AND / OR around them
**   x NOT IN (...)      -> NOT (x IN (...)), likewise NOT BETWEEN
**   SET a = set_add(a, <<...>>)    -> ADD a :v
**   SET a = set_delete(a, <<...>>) -> DELETE a :v
** Parentheses are written only where precedence needs them: DynamoDB refuses
** doubled ones.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "partiql.h"
#include "value.h"

/*------------------------------- Helpers ------------------------------------*/

static int cfail(struct ddb_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int cfail(struct ddb_err *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ddb_vfail(e, DDB_VALIDATION, fmt, ap);
  va_end(ap);
  return -1;
}

static char *cpos(struct pql_compiler *c, const struct pql_node *n) {
  return pql_position(c->a, c->text, c->text_len, n->pos, n->len);
}

void pql_compiler_init(struct pql_compiler *c, struct arena *a, const char *text, size_t len,
                       const json_t *params) {
  memset(c, 0, sizeof *c);
  c->a = a;
  c->text = text;
  c->text_len = len;
  c->params = params;
  c->names = arena_link_json(a, json_object());
  c->values = arena_link_json(a, json_object());
}

const char *pql_name_ref(struct pql_compiler *c, const char *s, size_t n) {
  const char *k;
  json_t *v;
  json_object_foreach(c->names, k, v) {
    if (json_string_length(v) == n && memcmp(json_string_value(v), s, n) == 0) return k;
  }
  char *ref = arena_printf(c->a, "#n%u", c->nnames++);
  json_object_set_new(c->names, ref, json_stringn(s, n));
  return ref;
}

/* A new placeholder for av (stolen). */
static const char *value_ref(struct pql_compiler *c, json_t *av) {
  char *ref = arena_printf(c->a, ":v%u", c->nvalues++);
  json_object_set_new(c->values, ref, av);
  return ref;
}

static bool is_path(const struct pql_node *n) { return n->kind == PQL_N_ID || n->kind == PQL_N_PATH; }

static bool fn_is(const struct pql_node *n, const char *name) {
  return n->kind == PQL_N_CALL && strlen(name) == n->tlen && strncasecmp(n->text, name, n->tlen) == 0;
}

static char *lower(struct pql_compiler *c, const char *s, size_t n) {
  char *out = arena_strndup(c->a, s, n);
  for (char *p = out; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p += 32;
  return out;
}

/* How DynamoDB names an operator in "Operator: ..." messages. */
static const char *op_name(struct pql_compiler *c, const struct pql_node *n) {
  if (n->kind == PQL_N_BETWEEN) return "between";
  if (n->kind == PQL_N_IS) return "is";
  switch (n->op) {
  case POP_LIKE: return "like";
  case POP_IN: return "in";
  case POP_UNION: return "union";
  case POP_EXCEPT: return "except";
  case POP_INTERSECT: return "intersect";
  case POP_MUL: return "*";
  default: return lower(c, c->text + n->pos, n->len);
  }
}

const char *pql_root_name(const struct pql_node *n, size_t *len) {
  if (n->kind == PQL_N_PATH) n = n->kids[0];
  if (n->kind != PQL_N_ID) return NULL;
  *len = n->tlen;
  return n->text;
}

bool pql_is_attribute(const struct pql_node *n, const char **name, size_t *len) {
  if (n->kind != PQL_N_ID) return false;
  *name = n->text;
  *len = n->tlen;
  return true;
}

/*-------------------------------- Paths -------------------------------------*/

char *pql_compile_path(struct pql_compiler *c, const struct pql_node *path, char **out_name,
                       struct ddb_err *e) {
  const struct pql_node *root = path->kind == PQL_N_PATH ? path->kids[0] : path;
  if (root->kind != PQL_N_ID) {
    cfail(e, "Unexpected path component at %s", cpos(c, root));
    return NULL;
  }
  if (root->tlen == 0) {
    cfail(e, "Path component cannot be an empty string");
    return NULL;
  }
  char *text = arena_strdup(c->a, pql_name_ref(c, root->text, root->tlen));
  char *name = arena_strndup(c->a, root->text, root->tlen);
  uint32_t nsteps = path->kind == PQL_N_PATH ? path->nkids : 1;
  for (uint32_t i = 1; i < nsteps; i++) {
    const struct pql_node *s = path->kids[i];
    if (s->kind == PQL_N_DOT) {
      if (s->flags & PQL_F_STAR) {
        cfail(e, "Unpivot path component like a.*.b are not supported at %s", cpos(c, s));
        return NULL;
      }
      if (s->tlen == 0) {
        cfail(e, "Path component cannot be an empty string");
        return NULL;
      }
      text = arena_printf(c->a, "%s.%s", text, pql_name_ref(c, s->text, s->tlen));
      name = arena_strndup(c->a, s->text, s->tlen);
      continue;
    }
    if (s->flags & PQL_F_STAR) {
      cfail(e, "Wildcard path component like a[*].b are not supported at %s", cpos(c, s));
      return NULL;
    }
    const struct pql_node *x = s->kids[0];
    if (x->kind == PQL_N_STRING) { /* a['b'] is a.b */
      if (x->tlen == 0) {
        cfail(e, "Path component cannot be an empty string");
        return NULL;
      }
      text = arena_printf(c->a, "%s.%s", text, pql_name_ref(c, x->text, x->tlen));
      name = arena_strndup(c->a, x->text, x->tlen);
      continue;
    }
    bool integer = x->kind == PQL_N_NUMBER && !strpbrk(x->text, ".eE");
    if (!integer) {
      cfail(e, "Unexpected path component at %s", cpos(c, x));
      return NULL;
    }
    const char *digits = x->text;
    bool negative = digits[0] == '-';
    size_t nd = strlen(digits + negative);
    if (negative || nd > 10 || (nd == 10 && strcmp(digits, "2147483647") > 0)) {
      cfail(e, "List index is not within the allowable range; index: [%s] at %s", digits, cpos(c, x));
      return NULL;
    }
    long long idx = atoll(digits);
    text = arena_printf(c->a, "%s[%lld]", text, idx);
    name = arena_printf(c->a, "%s[%lld]", name, idx);
  }
  if (out_name) *out_name = name;
  return text;
}

/*------------------------------ Conditions ----------------------------------*/

/* A translated piece of a condition. */
enum frag_kind { FRAG_FALSE, FRAG_TRUE, FRAG_LEAF, FRAG_NOT, FRAG_AND, FRAG_OR };

struct frag {
  enum frag_kind kind;
  char *text;
};

static int cond(struct pql_compiler *c, const struct pql_node *n, struct frag *out, struct ddb_err *e);

/* Conditions that produce a boolean (as opposed to a value or a path). */
static bool is_boolean(const struct pql_node *n) {
  switch (n->kind) {
  case PQL_N_BINARY:
    switch (n->op) {
    case POP_AND: case POP_OR: case POP_EQ: case POP_NE: case POP_LT: case POP_LE: case POP_GT:
    case POP_GE: case POP_IN:
      return true;
    default:
      return false;
    }
  case PQL_N_BETWEEN: case PQL_N_IS: return true;
  case PQL_N_UNARY: return n->op == POP_NOT;
  case PQL_N_CALL:
    return fn_is(n, "attribute_exists") || fn_is(n, "attribute_not_exists") ||
           fn_is(n, "attribute_type") || fn_is(n, "begins_with") || fn_is(n, "contains");
  default:
    return false;
  }
}

/* An operand of a comparison, IN, BETWEEN or function: a path, a value or
** size(...). Returns its text or NULL with e set. */
/* A path, a value or MISSING as an operand: sets *text (NULL with e set on an
** error) and returns true; false for any other node. */
static bool plain_operand(struct pql_compiler *c, const struct pql_node *n, char **text,
                          struct ddb_err *e) {
  *text = NULL;
  if (is_path(n)) {
    *text = pql_compile_path(c, n, NULL, e);
  } else if (n->kind == PQL_N_MISSING) {
    cfail(e, "MISSING must be compared using IS operator");
  } else if (pql_is_value(n)) {
    json_t *av = pql_value(c->a, c->text, c->text_len, n, c->params, e);
    if (av) *text = arena_strdup(c->a, value_ref(c, av));
  } else {
    return false;
  }
  return true;
}

static char *operand(struct pql_compiler *c, const struct pql_node *n, struct ddb_err *e) {
  char *text;
  if (plain_operand(c, n, &text, e)) return text;
  if (n->kind == PQL_N_CALL) {
    if (fn_is(n, "size")) {
      if (n->nkids != 1) {
        cfail(e, "Incorrect number of operands for operator or function; operator or function: "
                "size, number of operands: %u", n->nkids);
        return NULL;
      }
      char *arg = operand(c, n->kids[0], e);
      return arg ? arena_printf(c->a, "size (%s)", arg) : NULL;
    }
    if (is_boolean(n)) {
      cfail(e, "Unsupported operator in Condition Expression. Operator: %s",
           lower(c, n->text, n->tlen));
      return NULL;
    }
    cfail(e, "Unrecognized function: %s at %s", lower(c, n->text, n->tlen), cpos(c, n));
    return NULL;
  }
  if (n->kind == PQL_N_STMT || n->kind == PQL_N_ION || n->kind == PQL_N_STAR) {
    if (n->kind == PQL_N_ION) {
      json_t *av = pql_value(c->a, c->text, c->text_len, n, c->params, e);
      json_decref(av);
      return NULL;
    }
    cfail(e, "Unexpected path component at %s", cpos(c, n));
    return NULL;
  }
  cfail(e, "Unsupported operator in Condition Expression. Operator: %s", op_name(c, n));
  return NULL;
}

static const char *cmp_text(int op) {
  switch (op) {
  case POP_EQ: return "=";
  case POP_NE: return "<>";
  case POP_LT: return "<";
  case POP_LE: return "<=";
  case POP_GT: return ">";
  default: return ">=";
  }
}

static void leaf(struct frag *f, char *text) {
  f->kind = FRAG_LEAF;
  f->text = text;
}

static void constant(struct frag *f, bool v) {
  f->kind = v ? FRAG_TRUE : FRAG_FALSE;
  f->text = NULL;
}

/* NOT of a fragment. */
static void negate(struct pql_compiler *c, struct frag *f) {
  if (f->kind == FRAG_TRUE || f->kind == FRAG_FALSE) {
    f->kind = f->kind == FRAG_TRUE ? FRAG_FALSE : FRAG_TRUE;
    return;
  }
  bool wrap = f->kind == FRAG_AND || f->kind == FRAG_OR;
  f->text = arena_printf(c->a, wrap ? "NOT (%s)" : "NOT %s", f->text);
  f->kind = FRAG_NOT;
}

/* A literal's value for constant folding (new reference) or NULL. */
static json_t *const_value(struct pql_compiler *c, const struct pql_node *n, struct ddb_err *e) {
  return pql_value(c->a, c->text, c->text_len, n, c->params, e);
}

static int compare(struct pql_compiler *c, const struct pql_node *n, struct frag *out,
                   struct ddb_err *e) {
  const struct pql_node *l = n->kids[0], *r = n->kids[1];
  bool eqne = n->op == POP_EQ || n->op == POP_NE;
  /* f(x) = TRUE and the like. */
  if (eqne && (r->kind == PQL_N_BOOL || l->kind == PQL_N_BOOL) &&
      (is_boolean(l) || is_boolean(r))) {
    const struct pql_node *b = r->kind == PQL_N_BOOL ? r : l, *x = b == r ? l : r;
    if (cond(c, x, out, e)) return -1;
    bool truth = (b->flags & PQL_F_TRUE) != 0;
    if (truth != (n->op == POP_EQ)) negate(c, out);
    return 0;
  }
  if (eqne && pql_is_value(l) && pql_is_value(r)) {
    json_t *a = const_value(c, l, e), *b = a ? const_value(c, r, e) : NULL;
    if (!b) {
      json_decref(a);
      return -1;
    }
    bool same = value_equal(a, b);
    json_decref(a);
    json_decref(b);
    constant(out, same == (n->op == POP_EQ));
    return 0;
  }
  char *lt = operand(c, l, e);
  if (!lt) return -1;
  char *rt = operand(c, r, e);
  if (!rt) return -1;
  leaf(out, arena_printf(c->a, "%s %s %s", lt, cmp_text(n->op), rt));
  return 0;
}

static int in_list(struct pql_compiler *c, const struct pql_node *n, struct frag *out,
                   struct ddb_err *e) {
  const struct pql_node *l = n->kids[0], *r = n->kids[1];
  if ((!is_path(l) && !pql_is_value(l)) || (r->kind != PQL_N_LIST && r->kind != PQL_N_BAG) ||
      r->nkids == 0)
    return cfail(e, "IN operator must have a left hand argument of type Variable Reference and "
                   "right hand argument of type Seq with at least one member");
  char *text = operand(c, l, e);
  if (!text) return -1;
  text = arena_printf(c->a, "%s IN (", text);
  for (uint32_t i = 0; i < r->nkids; i++) {
    char *m = operand(c, r->kids[i], e);
    if (!m) return -1;
    text = arena_printf(c->a, "%s%s%s", text, i ? ", " : "", m);
  }
  leaf(out, arena_printf(c->a, "%s)", text));
  if (n->flags & PQL_F_NEGATED) negate(c, out);
  return 0;
}

static int between(struct pql_compiler *c, const struct pql_node *n, struct frag *out,
                   struct ddb_err *e) {
  char *t[3];
  for (int i = 0; i < 3; i++)
    if (!(t[i] = operand(c, n->kids[i], e))) return -1;
  leaf(out, arena_printf(c->a, "%s BETWEEN %s AND %s", t[0], t[1], t[2]));
  if (n->flags & PQL_F_NEGATED) negate(c, out);
  return 0;
}

/* The DynamoDB type that x IS <type> tests, NULL for MISSING, or "" when
** DynamoDB does not support the type. */
static const char *is_type(const char *t) {
  static const struct {
    const char *name, *type;
  } map[] = {
      {"MISSING", NULL}, {"NULL", "NULL"}, {"BOOLEAN", "BOOL"}, {"BLOB", "B"}, {"STRING", "S"},
      {"NUMERIC", "N"}, {"STRUCT", "M"}, {"TUPLE", "M"}, {"LIST", "L"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(map[i].name, t) == 0) return map[i].type;
  return "";
}

static int is_test(struct pql_compiler *c, const struct pql_node *n, struct frag *out,
                   struct ddb_err *e) {
  const struct pql_node *l = n->kids[0];
  const char *type = is_type(n->text);
  bool negated = (n->flags & PQL_F_NEGATED) != 0;
  if (!is_path(l) && !pql_is_value(l) && l->kind != PQL_N_MISSING)
    return cfail(e, "The left hand side argument to IS must be a Variable Reference, Literal, or Path");
  if (type && !*type) {
    const char *shown = strcmp(n->text, "INTEGER4") == 0 || strcmp(n->text, "INTEGER8") == 0
                            ? "INTEGER" : n->text;
    return cfail(e, "Unsupported data type for IS operator: %s. Supported data types are [MISSING, "
                   "NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST] at %s",
                shown, cpos(c, n));
  }
  if (!is_path(l)) { /* a literal: known now */
    bool v;
    if (l->kind == PQL_N_MISSING) {
      v = type == NULL;
    } else {
      json_t *av = const_value(c, l, e);
      if (!av) return -1;
      void *it = json_object_iter(av);
      v = type && it && strcmp(json_object_iter_key(it), type) == 0;
      json_decref(av);
    }
    constant(out, v != negated);
    return 0;
  }
  char *p = pql_compile_path(c, l, NULL, e);
  if (!p) return -1;
  if (!type) {
    leaf(out, arena_printf(c->a, "%s(%s)", negated ? "attribute_exists" : "attribute_not_exists", p));
    return 0;
  }
  const char *v = value_ref(c, json_pack("{ss}", "S", type));
  leaf(out, arena_printf(c->a, "attribute_type(%s, %s)", p, v));
  if (negated) negate(c, out);
  return 0;
}

static int function(struct pql_compiler *c, const struct pql_node *n, struct frag *out,
                    struct ddb_err *e) {
  static const struct {
    const char *name;
    uint32_t nargs;
  } fns[] = {
      {"attribute_exists", 1}, {"attribute_not_exists", 1}, {"attribute_type", 2},
      {"begins_with", 2},      {"contains", 2},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    if (!fn_is(n, fns[i].name)) continue;
    if (n->nkids != fns[i].nargs)
      return cfail(e, "Incorrect number of operands for operator or function; operator or function: "
                     "%s, number of operands: %u", fns[i].name, n->nkids);
    char *text = arena_printf(c->a, "%s(", fns[i].name);
    for (uint32_t k = 0; k < n->nkids; k++) {
      char *a = operand(c, n->kids[k], e);
      if (!a) return -1;
      text = arena_printf(c->a, "%s%s%s", text, k ? ", " : "", a);
    }
    leaf(out, arena_printf(c->a, "%s)", text));
    return 0;
  }
  if (fn_is(n, "size"))
    return cfail(e, "WHERE clause must contain an expression that resolves to a boolean");
  return cfail(e, "Unrecognized function: %s at %s", lower(c, n->text, n->tlen), cpos(c, n));
}

/* One operand of AND / OR, which must itself be a condition. */
static int logic_operand(struct pql_compiler *c, const struct pql_node *x, const char *op,
                         struct frag *f, struct ddb_err *e) {
  if (fn_is(x, "size"))
    return cfail(e, "Incorrect operand type for operator or function; operator or function: %s, "
                   "operand type: N", op);
  if (!is_boolean(x) && x->kind != PQL_N_CALL && x->kind != PQL_N_BINARY && x->kind != PQL_N_UNARY)
    return cfail(e, "The arguments to AND/OR must be Expressions");
  return cond(c, x, f, e);
}

static int logic(struct pql_compiler *c, const struct pql_node *n, struct frag *out,
                 struct ddb_err *e) {
  bool and = n->op == POP_AND;
  struct frag l, r;
  if (logic_operand(c, n->kids[0], and ? "AND" : "OR", &l, e)) return -1;
  if (logic_operand(c, n->kids[1], and ? "AND" : "OR", &r, e)) return -1;
  enum frag_kind absorb = and ? FRAG_FALSE : FRAG_TRUE, neutral = and ? FRAG_TRUE : FRAG_FALSE;
  if (l.kind == absorb || r.kind == absorb) {
    constant(out, !and);
    return 0;
  }
  if (l.kind == neutral) {
    *out = r;
    return 0;
  }
  if (r.kind == neutral) {
    *out = l;
    return 0;
  }
  /* AND binds tighter than OR: only an OR inside an AND needs parentheses. */
  const char *lt = and && l.kind == FRAG_OR ? arena_printf(c->a, "(%s)", l.text) : l.text;
  const char *rt = and && r.kind == FRAG_OR ? arena_printf(c->a, "(%s)", r.text) : r.text;
  if (!and && r.kind == FRAG_OR) rt = arena_printf(c->a, "(%s)", r.text);
  if (and && r.kind == FRAG_AND) rt = arena_printf(c->a, "(%s)", r.text);
  out->kind = and ? FRAG_AND : FRAG_OR;
  out->text = arena_printf(c->a, "%s %s %s", lt, and ? "AND" : "OR", rt);
  return 0;
}

static int cond(struct pql_compiler *c, const struct pql_node *n, struct frag *out, struct ddb_err *e) {
  switch (n->kind) {
  case PQL_N_BINARY:
    switch (n->op) {
    case POP_AND:
    case POP_OR: return logic(c, n, out, e);
    case POP_EQ: case POP_NE: case POP_LT: case POP_LE: case POP_GT: case POP_GE:
      return compare(c, n, out, e);
    case POP_IN: return in_list(c, n, out, e);
    default:
      return cfail(e, "Unsupported operator in Condition Expression. Operator: %s", op_name(c, n));
    }
  case PQL_N_BETWEEN: return between(c, n, out, e);
  case PQL_N_IS: return is_test(c, n, out, e);
  case PQL_N_CALL: return function(c, n, out, e);
  case PQL_N_UNARY:
    if (n->op != POP_NOT)
      return cfail(e, "Unsupported operator in Condition Expression. Operator: %s", op_name(c, n));
    if (!is_boolean(n->kids[0]) && n->kids[0]->kind != PQL_N_BINARY && n->kids[0]->kind != PQL_N_CALL)
      return cfail(e, "The argument to NOT must be a Type or Expression");
    if (cond(c, n->kids[0], out, e)) return -1;
    negate(c, out);
    return 0;
  case PQL_N_MISSING:
    return cfail(e, "MISSING must be compared using IS operator");
  case PQL_N_STMT:
    return cfail(e, "Unexpected path component at %s", cpos(c, n));
  default:
    return cfail(e, "WHERE clause must contain an expression that resolves to a boolean");
  }
}

void pql_and_operands(const struct pql_node *n, const struct pql_node **out, uint32_t *count,
                         uint32_t max) {
  if (n->kind == PQL_N_BINARY && n->op == POP_AND) {
    pql_and_operands(n->kids[0], out, count, max);
    pql_and_operands(n->kids[1], out, count, max);
    return;
  }
  if (*count < max) out[*count] = n;
  (*count)++;
}

int pql_compile_condition(struct pql_compiler *c, const struct pql_node *where,
                          bool (*skip)(void *, const struct pql_node *), void *skip_arg,
                          struct pql_expr *out, struct ddb_err *e) {
  memset(out, 0, sizeof *out);
  out->names = c->names;
  out->values = c->values;
  if (!where) return 0;
  struct frag f;
  if (!skip) {
    if (cond(c, where, &f, e)) return -1;
  } else {
    /* Leave out the operands skip names, then AND the rest together. */
    uint32_t n = 0;
    pql_and_operands(where, NULL, &n, 0);
    const struct pql_node **ops = arena_alloc(c->a, (n ? n : 1) * sizeof *ops);
    uint32_t m = 0;
    pql_and_operands(where, ops, &m, n);
    constant(&f, true);
    for (uint32_t i = 0; i < n; i++) {
      if (skip(skip_arg, ops[i])) continue;
      struct frag g;
      if (n > 1 ? logic_operand(c, ops[i], "AND", &g, e) : cond(c, ops[i], &g, e)) return -1;
      if (f.kind == FRAG_FALSE || g.kind == FRAG_TRUE) continue;
      if (g.kind == FRAG_FALSE || f.kind == FRAG_TRUE) {
        f = g;
        continue;
      }
      const char *rt = g.kind == FRAG_OR ? arena_printf(c->a, "(%s)", g.text) : g.text;
      const char *lt = f.kind == FRAG_OR ? arena_printf(c->a, "(%s)", f.text) : f.text;
      f.text = arena_printf(c->a, "%s AND %s", lt, rt);
      f.kind = FRAG_AND;
    }
  }
  if (f.kind == FRAG_TRUE) return 0;
  if (f.kind == FRAG_FALSE) {
    out->never = true;
    return 0;
  }
  out->text = f.text;
  return 0;
}

/*-------------------------------- Updates -----------------------------------*/

/* An operand of SET's right-hand side: a path, a value, or + / - /
** list_append / if_not_exists of those. */
static char *set_operand(struct pql_compiler *c, const struct pql_node *n, struct ddb_err *e) {
  char *text;
  if (plain_operand(c, n, &text, e)) return text;
  if (n->kind == PQL_N_BINARY && (n->op == POP_PLUS || n->op == POP_MINUS)) {
    char *l = set_operand(c, n->kids[0], e);
    if (!l) return NULL;
    char *r = set_operand(c, n->kids[1], e);
    return r ? arena_printf(c->a, "%s %c %s", l, n->op == POP_PLUS ? '+' : '-', r) : NULL;
  }
  if (n->kind == PQL_N_CALL && (fn_is(n, "list_append") || fn_is(n, "if_not_exists"))) {
    char *text = arena_printf(c->a, "%s(", lower(c, n->text, n->tlen));
    for (uint32_t k = 0; k < n->nkids; k++) {
      char *a = set_operand(c, n->kids[k], e);
      if (!a) return NULL;
      text = arena_printf(c->a, "%s%s%s", text, k ? ", " : "", a);
    }
    return arena_printf(c->a, "%s)", text);
  }
  if (n->kind == PQL_N_CALL) {
    cfail(e, "Unrecognized function: %s at %s", lower(c, n->text, n->tlen), cpos(c, n));
    return NULL;
  }
  if (n->kind == PQL_N_ION) {
    json_decref(pql_value(c->a, c->text, c->text_len, n, c->params, e));
    return NULL;
  }
  if (n->kind == PQL_N_BINARY || n->kind == PQL_N_UNARY || n->kind == PQL_N_BETWEEN ||
      n->kind == PQL_N_IS) {
    cfail(e, "Unsupported operator in Update Expression. Operator: %s", op_name(c, n));
    return NULL;
  }
  cfail(e, "Unexpected path component at %s", cpos(c, n));
  return NULL;
}

/* set_add / set_delete: the ADD / DELETE action for target (text t). */
static char *set_function(struct pql_compiler *c, const struct pql_node *target, const char *t,
                          const struct pql_node *n, bool add, struct ddb_err *e) {
  const char *fn = add ? "SET_ADD" : "SET_DELETE";
  if (n->nkids != 2) {
    cfail(e, "%s must have exactly two arguments at %s", fn, cpos(c, n));
    return NULL;
  }
  const struct pql_node *first = n->kids[0], *second = n->kids[1];
  char *ft = NULL;
  if (is_path(first)) {
    struct ddb_err scratch = {0};
    ft = pql_compile_path(c, first, NULL, &scratch);
    ddb_err_clear(&scratch);
  }
  (void)target;
  if (!ft || strcmp(ft, t) != 0) {
    cfail(e, "The first argument to %s must equal the assignment value at %s", fn, cpos(c, n));
    return NULL;
  }
  bool set = second->kind == PQL_N_BAG;
  if (second->kind == PQL_N_PARAM) {
    const json_t *v = json_array_get(c->params, second->param);
    set = json_object_get(v, "SS") || json_object_get(v, "NS") || json_object_get(v, "BS");
  }
  if (!set) {
    cfail(e, "The second argument to %s must be a value with type SET at %s", fn, cpos(c, first));
    return NULL;
  }
  if (second->kind == PQL_N_BAG && second->nkids == 0) {
    cfail(e, "Empty bags are not supported");
    return NULL;
  }
  json_t *av = pql_value(c->a, c->text, c->text_len, second, c->params, e);
  if (!av) return NULL;
  return arena_printf(c->a, "%s %s", t, value_ref(c, av));
}

int pql_compile_update(struct pql_compiler *c, const struct pql_stmt *s, struct pql_expr *out,
                       struct ddb_err *e) {
  memset(out, 0, sizeof *out);
  out->names = c->names;
  out->values = c->values;
  char *sets = NULL, *removes = NULL, *adds = NULL, *deletes = NULL;
  for (uint32_t i = 0; i < s->nactions; i++) {
    const struct pql_action *a = &s->actions[i];
    if (!is_path(a->target))
      return cfail(e, "Unrecognized assignment target: %.*s", (int)a->target->len,
                  c->text + a->target->pos);
    char *t = pql_compile_path(c, a->target, NULL, e);
    if (!t) return -1;
    char **section = &sets, *action;
    if (a->remove) {
      section = &removes;
      action = t;
    } else if (fn_is(a->value, "set_add") || fn_is(a->value, "set_delete")) {
      bool add = fn_is(a->value, "set_add");
      section = add ? &adds : &deletes;
      action = set_function(c, a->target, t, a->value, add, e);
    } else {
      char *v = set_operand(c, a->value, e);
      action = v ? arena_printf(c->a, "%s = %s", t, v) : NULL;
    }
    if (!action) return -1;
    *section = *section ? arena_printf(c->a, "%s, %s", *section, action) : action;
  }
  char *text = arena_strdup(c->a, "");
  if (sets) text = arena_printf(c->a, "SET %s", sets);
  if (removes) text = arena_printf(c->a, "%s%sREMOVE %s", text, *text ? " " : "", removes);
  if (adds) text = arena_printf(c->a, "%s%sADD %s", text, *text ? " " : "", adds);
  if (deletes) text = arena_printf(c->a, "%s%sDELETE %s", text, *text ? " " : "", deletes);
  out->text = text;
  return 0;
}

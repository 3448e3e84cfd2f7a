/*
** server/ops/legacy.c: the legacy parameters (Expected, ConditionalOperator,
** QueryFilter / ScanFilter, AttributeUpdates, AttributesToGet): DynamoDB's
** checks and their translation into server/expr's AST (see legacy.h).
**
** Validation texts and order were recorded from AWS in dynalite's
** validations/index.js (validateAttributeConditions, validateConditions,
** updateItem.js) and checked against DynamoDB Local 1.25, which also shows
** which AttributeValue types each ComparisonOperator takes:
**   EQ, NE                       any type
**   LT LE GT GE IN BETWEEN       S, N, B
**   BEGINS_WITH                  S, B
**   CONTAINS, NOT_CONTAINS       S, N, B, BOOL, NULL (no sets, lists, maps)
** The 2026 validation layer (PutItem, UpdateItem, DeleteItem) wraps these
** messages in "1 validation error detected: " (paritysuite
** tests/tier3/error-messages/putItem.test.ts and deleteItem.test.ts, us-east-1,
** 2026-10-09); callers pass LEGACY_ENVELOPE for that.
**
** Translation (legacy.h) keeps DynamoDB's semantics on missing attributes: a
** comparison with a missing attribute is false except NE and NULL; NOT_CONTAINS
** of a missing attribute is false (DynamoDB Local 1.25), so it becomes
** attribute_exists(a) AND NOT contains(a, :v).
*/
#include "legacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "value.h"

#define PREFIX_INVALID "One or more parameter values were invalid: "
#define ENVELOPE "1 validation error detected: "

/*------------------------------- Messages ----------------------------------*/

int legacy_envelope(struct ddb_request *r, unsigned flags) {
  if (!(flags & LEGACY_ENVELOPE) || r->err.code != DDB_VALIDATION || !r->err.msg) return -1;
  if (strncmp(r->err.msg, ENVELOPE, strlen(ENVELOPE)) == 0) return -1;
  char *msg = NULL;
  if (asprintf(&msg, ENVELOPE "%s", r->err.msg) < 0) return -1;
  free(r->err.msg);
  r->err.msg = msg;
  return -1;
}

static json_t *member(const json_t *in, const char *name) {
  json_t *v = json_object_get(in, name);
  return json_is_null(v) ? NULL : v;
}

/* "a, b" of the names in list that in has; the count in *n. */
static char *present(struct ddb_request *r, const json_t *in, const char *const *list, int *n) {
  char *out = arena_strdup(&r->arena, "");
  *n = 0;
  for (; list && *list; list++) {
    if (!member(in, *list)) continue;
    out = arena_printf(&r->arena, "%s%s%s", out, *n ? ", " : "", *list);
    (*n)++;
  }
  return out;
}

int legacy_check_mixing(struct ddb_request *r, const json_t *in, const char *const *exprs,
                        const char *const *legacy, const char *const *value_exprs, unsigned flags) {
  int nexpr, nlegacy;
  char *e = present(r, in, exprs, &nexpr);
  char *l = present(r, in, legacy, &nlegacy);
  if (nexpr && nlegacy) {
    ddb_fail(&r->err, DDB_VALIDATION,
             "Can not use both expression and non-expression parameters in the same request: "
             "Non-expression parameters: {%s} Expression parameters: {%s}",
             l, e);
    return legacy_envelope(r, flags);
  }
  if (member(in, "ExpressionAttributeNames") && !nexpr) {
    ddb_fail(&r->err, DDB_VALIDATION, "ExpressionAttributeNames can only be specified when using expressions");
    return legacy_envelope(r, flags);
  }
  int nvalue = 0;
  for (const char *const *v = value_exprs; v && *v; v++) nvalue += member(in, *v) != NULL;
  if (member(in, "ExpressionAttributeValues") && !nvalue) {
    if (flags & LEGACY_ENVELOPE) {
      ddb_fail(&r->err, DDB_VALIDATION, "ExpressionAttributeValues can only be specified when using expressions");
      return legacy_envelope(r, flags);
    }
    char *names = arena_strdup(&r->arena, "");
    int n = 0;
    for (const char *const *v = value_exprs; v && *v; v++, n++)
      names = arena_printf(&r->arena, "%s%s%s", names, n ? " and " : "", *v);
    return ddb_fail(&r->err, DDB_VALIDATION,
                    "ExpressionAttributeValues can only be specified when using expressions: %s %s null",
                    names, n > 1 ? "are" : "is");
  }
  return 0;
}

/*------------------------- ComparisonOperators ----------------------------*/

enum cmp {
  CMP_EQ, CMP_NE, CMP_LE, CMP_LT, CMP_GE, CMP_GT, CMP_NOT_NULL, CMP_NULL,
  CMP_CONTAINS, CMP_NOT_CONTAINS, CMP_BEGINS_WITH, CMP_IN, CMP_BETWEEN, CMP_COUNT
};

static const char *const cmp_names[CMP_COUNT] = {
    "EQ", "NE", "LE", "LT", "GE", "GT", "NOT_NULL", "NULL",
    "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN",
};

static enum cmp cmp_of(const char *name) {
  for (int i = 0; name && i < CMP_COUNT; i++)
    if (strcmp(name, cmp_names[i]) == 0) return (enum cmp)i;
  return CMP_COUNT;
}

static bool count_ok(enum cmp op, size_t n) {
  switch (op) {
  case CMP_NULL:
  case CMP_NOT_NULL: return n == 0;
  case CMP_IN: return n >= 1;
  case CMP_BETWEEN: return n == 2;
  default: return n == 1;
  }
}

static bool type_ok(enum cmp op, enum value_type t) {
  bool scalar = t == VT_S || t == VT_N || t == VT_B;
  switch (op) {
  case CMP_EQ:
  case CMP_NE: return true;
  case CMP_BEGINS_WITH: return t == VT_S || t == VT_B;
  case CMP_CONTAINS:
  case CMP_NOT_CONTAINS: return scalar || t == VT_BOOL || t == VT_NULL;
  default: return scalar;
  }
}

/* Order of two values of one scalar type t: <0, 0, >0. */
static int scalar_cmp(enum value_type t, const json_t *a, const json_t *b) {
  const char *tn = value_type_name(t);
  const json_t *x = json_object_get(a, tn), *y = json_object_get(b, tn);
  const char *xs = json_string_value(x), *ys = json_string_value(y);
  size_t xn = json_string_length(x), yn = json_string_length(y);
  if (!xs || !ys) return 0;
  if (t == VT_N) {
    struct ddb_num p, q;
    if (num_parse(xs, xn, &p) != NUM_OK || num_parse(ys, yn, &q) != NUM_OK) return 0;
    return num_cmp(&p, &q);
  }
  unsigned char *bx = NULL, *by = NULL;
  if (t == VT_B) {
    bx = value_b64_decode(xs, xn, &xn);
    by = value_b64_decode(ys, yn, &yn);
    xs = (const char *)bx;
    ys = (const char *)by;
  }
  int c = xs && ys ? memcmp(xs, ys, xn < yn ? xn : yn) : 0;
  if (c == 0) c = xn < yn ? -1 : xn > yn;
  free(bx);
  free(by);
  return c;
}

/* The operand rules shared by Expected and the filters: values, count, one
** type, the operator's types, BETWEEN bounds. list may be NULL (no values). */
static int check_operands(struct ddb_request *r, const char *opname, json_t *list, unsigned value_flags,
                          unsigned flags) {
  enum cmp op = cmp_of(opname);
  size_t n = json_array_size(list), i;
  json_t *v;
  json_array_foreach(list, i, v) {
    if (value_check_ex(v, 1, value_flags, &r->err)) return legacy_envelope(r, flags);
  }
  if (!count_ok(op, n)) {
    ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Invalid number of argument(s) for the %s ComparisonOperator",
             opname ? opname : "null");
    return legacy_envelope(r, flags);
  }
  if (n == 0) return 0;
  enum value_type t = value_type_of(json_array_get(list, 0));
  json_array_foreach(list, i, v) {
    if (value_type_of(v) != t) {
      ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "AttributeValues inside AttributeValueList must be of same type");
      return legacy_envelope(r, flags);
    }
  }
  if (!type_ok(op, t)) {
    ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "ComparisonOperator %s is not valid for %s AttributeValue type",
             opname, value_type_name(t));
    return legacy_envelope(r, flags);
  }
  if (op == CMP_BETWEEN && scalar_cmp(t, json_array_get(list, 0), json_array_get(list, 1)) > 0) {
    ddb_fail(&r->err, DDB_VALIDATION,
             "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
    return legacy_envelope(r, flags);
  }
  return 0;
}

/* value_flags carries LEGACY_ENVELOPE in its high bits for the callers below. */
#define ENV_FLAG(vf) (((vf) & VALUE_ENVELOPE) ? LEGACY_ENVELOPE : 0u)

int legacy_check_expected(struct ddb_request *r, json_t *expected, const char *conditional_operator,
                          unsigned value_flags) {
  unsigned flags = ENV_FLAG(value_flags);
  const char *attr;
  json_t *cond;
  json_object_foreach(expected, attr, cond) {
    if (!attr[0]) {
      ddb_fail(&r->err, DDB_VALIDATION, "Empty attribute name");
      return legacy_envelope(r, flags);
    }
    json_t *avl = member(cond, "AttributeValueList"), *value = member(cond, "Value");
    json_t *exists = member(cond, "Exists");
    const char *opname = json_string_value(member(cond, "ComparisonOperator"));
    if (avl && value) {
      ddb_fail(&r->err, DDB_VALIDATION,
               PREFIX_INVALID "Value and AttributeValueList cannot be used together for Attribute: %s", attr);
      return legacy_envelope(r, flags);
    }
    if (opname) {
      if (exists) {
        ddb_fail(&r->err, DDB_VALIDATION,
                 PREFIX_INVALID "Exists and ComparisonOperator cannot be used together for Attribute: %s", attr);
        return legacy_envelope(r, flags);
      }
      enum cmp op = cmp_of(opname);
      if (op != CMP_NULL && op != CMP_NOT_NULL && !avl && !value) {
        ddb_fail(&r->err, DDB_VALIDATION,
                 PREFIX_INVALID "Value or AttributeValueList must be used with ComparisonOperator: %s for "
                                "Attribute: %s",
                 opname, attr);
        return legacy_envelope(r, flags);
      }
      json_t *list = avl;
      json_t *tmp = NULL;
      if (!list && value) list = tmp = json_pack("[O]", value);
      int rc = check_operands(r, opname, list, value_flags, flags);
      json_decref(tmp);
      if (rc) return -1;
      continue;
    }
    if (avl) {
      ddb_fail(&r->err, DDB_VALIDATION,
               PREFIX_INVALID "AttributeValueList can only be used with a ComparisonOperator for Attribute: %s", attr);
      return legacy_envelope(r, flags);
    }
    bool want = !exists || json_is_true(exists);
    if (want && !value) {
      ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Value must be provided when Exists is %s for Attribute: %s",
               exists ? "true" : "null", attr);
      return legacy_envelope(r, flags);
    }
    if (!want && value) {
      ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Value cannot be used when Exists is false for Attribute: %s",
               attr);
      return legacy_envelope(r, flags);
    }
    if (value && value_check_ex(value, 1, value_flags, &r->err)) return legacy_envelope(r, flags);
  }
  if (conditional_operator) {
    if (!expected) {
      ddb_fail(&r->err, DDB_VALIDATION, "ConditionalOperator cannot be used without Filter or Expected");
      return legacy_envelope(r, flags);
    }
    if (json_object_size(expected) < 2) {
      ddb_fail(&r->err, DDB_VALIDATION,
               "ConditionalOperator can only be used when Filter or Expected has two or more elements");
      return legacy_envelope(r, flags);
    }
  }
  return 0;
}

int legacy_check_conditions(struct ddb_request *r, json_t *conditions, unsigned value_flags) {
  const char *attr;
  json_t *cond;
  json_object_foreach(conditions, attr, cond) {
    const char *opname = json_string_value(member(cond, "ComparisonOperator"));
    if (check_operands(r, opname, member(cond, "AttributeValueList"), value_flags, ENV_FLAG(value_flags)))
      return -1;
  }
  return 0;
}

/*----------------------------- Building trees -------------------------------*/

static struct expr *node(struct arena *a, uint8_t op, uint32_t nargs) {
  struct expr *x = arena_alloc(a, sizeof *x);
  x->op = op;
  x->nargs = nargs;
  if (nargs) x->args = arena_alloc(a, nargs * sizeof *x->args);
  return x;
}

static struct expr *path(struct arena *a, const char *name) {
  struct expr *x = node(a, EXPR_OP_PATH, 0);
  x->nelems = 1;
  x->elems = arena_alloc(a, sizeof *x->elems);
  x->elems[0].kind = EXPR_ELEM_NAME;
  x->elems[0].name = arena_strdup(a, name);
  x->elems[0].len = strlen(name);
  return x;
}

/* A value node; refs are numbered like an application's :v0, :v1 ... */
static struct expr *value(struct arena *a, const json_t *av, int *nvalues) {
  struct expr *x = node(a, EXPR_OP_VALUE, 0);
  x->ref = arena_printf(a, ":legacy%d", (*nvalues)++);
  x->value = av;
  return x;
}

static struct expr *func(struct arena *a, enum expr_fn fn, const char *name, struct expr *x, struct expr *y) {
  struct expr *f = node(a, EXPR_OP_FUNC, y ? 2 : 1);
  f->fn = (uint8_t)fn;
  f->name = name;
  f->args[0] = x;
  if (y) f->args[1] = y;
  return f;
}

static struct expr *binary(struct arena *a, uint8_t op, struct expr *x, struct expr *y) {
  struct expr *n = node(a, op, 2);
  n->args[0] = x;
  n->args[1] = y;
  return n;
}

static struct expr *not_(struct arena *a, struct expr *x) {
  struct expr *n = node(a, EXPR_OP_NOT, 1);
  n->args[0] = x;
  return n;
}

/* The test of one attribute of an Expected or filter map. */
static struct expr *one_condition(struct arena *a, const char *attr, const json_t *cond, int *nv) {
  const json_t *avl = member(cond, "AttributeValueList"), *val = member(cond, "Value");
  const char *opname = json_string_value(member(cond, "ComparisonOperator"));
  if (!opname) {
    const json_t *exists = member(cond, "Exists");
    if (exists && !json_is_true(exists))
      return func(a, EXPR_FN_ATTRIBUTE_NOT_EXISTS, "attribute_not_exists", path(a, attr), NULL);
    return binary(a, EXPR_OP_EQ, path(a, attr), value(a, val, nv));
  }
  const json_t *v0 = avl ? json_array_get(avl, 0) : val;
  switch (cmp_of(opname)) {
  case CMP_EQ: return binary(a, EXPR_OP_EQ, path(a, attr), value(a, v0, nv));
  case CMP_NE: return binary(a, EXPR_OP_NE, path(a, attr), value(a, v0, nv));
  case CMP_LE: return binary(a, EXPR_OP_LE, path(a, attr), value(a, v0, nv));
  case CMP_LT: return binary(a, EXPR_OP_LT, path(a, attr), value(a, v0, nv));
  case CMP_GE: return binary(a, EXPR_OP_GE, path(a, attr), value(a, v0, nv));
  case CMP_GT: return binary(a, EXPR_OP_GT, path(a, attr), value(a, v0, nv));
  case CMP_NOT_NULL: return func(a, EXPR_FN_ATTRIBUTE_EXISTS, "attribute_exists", path(a, attr), NULL);
  case CMP_NULL: return func(a, EXPR_FN_ATTRIBUTE_NOT_EXISTS, "attribute_not_exists", path(a, attr), NULL);
  case CMP_CONTAINS: return func(a, EXPR_FN_CONTAINS, "contains", path(a, attr), value(a, v0, nv));
  case CMP_NOT_CONTAINS:
    return binary(a, EXPR_OP_AND, func(a, EXPR_FN_ATTRIBUTE_EXISTS, "attribute_exists", path(a, attr), NULL),
                  not_(a, func(a, EXPR_FN_CONTAINS, "contains", path(a, attr), value(a, v0, nv))));
  case CMP_BEGINS_WITH: return func(a, EXPR_FN_BEGINS_WITH, "begins_with", path(a, attr), value(a, v0, nv));
  case CMP_IN: {
    size_t n = avl ? json_array_size(avl) : 1;
    struct expr *in = node(a, EXPR_OP_IN, (uint32_t)n + 1);
    in->args[0] = path(a, attr);
    for (size_t i = 0; i < n; i++) in->args[i + 1] = value(a, avl ? json_array_get(avl, i) : val, nv);
    return in;
  }
  case CMP_BETWEEN: {
    struct expr *b = node(a, EXPR_OP_BETWEEN, 3);
    b->args[0] = path(a, attr);
    b->args[1] = value(a, json_array_get(avl, 0), nv);
    b->args[2] = value(a, json_array_get(avl, 1), nv);
    return b;
  }
  case CMP_COUNT: break;
  }
  /* Unknown operators never pass validation; a false test is the safe side. */
  return binary(a, EXPR_OP_AND, func(a, EXPR_FN_ATTRIBUTE_EXISTS, "attribute_exists", path(a, attr), NULL),
                func(a, EXPR_FN_ATTRIBUTE_NOT_EXISTS, "attribute_not_exists", path(a, attr), NULL));
}

const struct expr *legacy_condition_expr(struct arena *a, const json_t *conditions, bool or_join) {
  struct expr *root = NULL;
  int nv = 0;
  const char *attr;
  json_t *cond;
  json_object_foreach((json_t *)conditions, attr, cond) {
    struct expr *c = one_condition(a, attr, cond, &nv);
    root = root ? binary(a, or_join ? EXPR_OP_OR : EXPR_OP_AND, root, c) : c;
  }
  return root;
}

/*---------------------------- AttributeUpdates ------------------------------*/

/* DynamoDB's (Java) names of AttributeValue types in AttributeUpdates errors. */
static const char *long_type_name(enum value_type t) {
  switch (t) {
  case VT_S: return "STRING";
  case VT_N: return "NUMBER";
  case VT_B: return "BINARY";
  case VT_SS: return "STRING_SET";
  case VT_NS: return "NUMBER_SET";
  case VT_BS: return "BINARY_SET";
  case VT_BOOL: return "BOOLEAN";
  case VT_NULL: return "NULL";
  case VT_L: return "LIST";
  case VT_M: return "MAP";
  default: return "UNKNOWN";
  }
}

static bool is_set(enum value_type t) { return t == VT_SS || t == VT_NS || t == VT_BS; }

int legacy_check_attribute_updates(struct ddb_request *r, json_t *updates, unsigned value_flags) {
  unsigned flags = ENV_FLAG(value_flags);
  const char *attr;
  json_t *u;
  json_object_foreach(updates, attr, u) {
    if (!attr[0]) {
      ddb_fail(&r->err, DDB_VALIDATION, "Empty attribute name");
      return legacy_envelope(r, flags);
    }
    json_t *v = member(u, "Value");
    const char *action = json_string_value(member(u, "Action"));
    if (!action) action = "PUT";
    if (v && value_check_ex(v, 1, value_flags, &r->err)) return legacy_envelope(r, flags);
    if (!v && strcmp(action, "DELETE") != 0) {
      ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Only DELETE action is allowed when no attribute value is specified");
      return legacy_envelope(r, flags);
    }
    if (!v) continue;
    enum value_type t = value_type_of(v);
    if (strcmp(action, "DELETE") == 0 && !is_set(t)) {
      ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "DELETE action with value is not supported for the type %s",
               long_type_name(t));
      return legacy_envelope(r, flags);
    }
    if (strcmp(action, "ADD") == 0 && !is_set(t) && t != VT_N && t != VT_L) {
      ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "ADD action is not supported for the type %s",
               long_type_name(t));
      return legacy_envelope(r, flags);
    }
  }
  return 0;
}

int legacy_attribute_updates_precheck(const json_t *updates, const json_t *old_item, struct ddb_err *e) {
  const char *attr;
  json_t *u;
  json_object_foreach((json_t *)updates, attr, u) {
    const json_t *v = member(u, "Value");
    const char *action = json_string_value(member(u, "Action"));
    if (!v || !action || strcmp(action, "PUT") == 0) continue;
    const json_t *cur = json_object_get(old_item, attr);
    if (cur && value_type_of(cur) != value_type_of(v))
      return ddb_fail(e, DDB_VALIDATION, "Type mismatch for attribute to update");
  }
  return 0;
}

const struct expr *legacy_update_expr(struct arena *a, const json_t *updates) {
  if (!updates) return NULL;
  /* One clause per verb, in SET, REMOVE, ADD, DELETE order. */
  static const uint8_t verbs[4] = {EXPR_OP_SET, EXPR_OP_REMOVE, EXPR_OP_ADD, EXPR_OP_DELETE};
  size_t n = json_object_size(updates);
  struct expr *clauses[4];
  uint32_t counts[4] = {0};
  for (int i = 0; i < 4; i++) {
    clauses[i] = node(a, EXPR_OP_CLAUSE, (uint32_t)(n ? n : 1));
    clauses[i]->clause_op = verbs[i];
  }
  int nv = 0;
  const char *attr;
  json_t *u;
  json_object_foreach((json_t *)updates, attr, u) {
    const json_t *v = member(u, "Value");
    const char *action = json_string_value(member(u, "Action"));
    if (!action) action = "PUT";
    struct expr *act;
    int c;
    if (strcmp(action, "PUT") == 0) {
      act = binary(a, EXPR_OP_SET, path(a, attr), value(a, v, &nv));
      c = 0;
    } else if (strcmp(action, "DELETE") == 0 && !v) {
      act = node(a, EXPR_OP_REMOVE, 1);
      act->args[0] = path(a, attr);
      c = 1;
    } else if (strcmp(action, "ADD") == 0 && value_type_of(v) == VT_L) {
      json_t *empty = arena_link_json(a, json_pack("{s[]}", "L"));
      struct expr *base = func(a, EXPR_FN_IF_NOT_EXISTS, "if_not_exists", path(a, attr), value(a, empty, &nv));
      struct expr *app = func(a, EXPR_FN_LIST_APPEND, "list_append", base, value(a, v, &nv));
      act = binary(a, EXPR_OP_SET, path(a, attr), app);
      c = 0;
    } else {
      act = binary(a, strcmp(action, "ADD") == 0 ? EXPR_OP_ADD : EXPR_OP_DELETE, path(a, attr), value(a, v, &nv));
      c = strcmp(action, "ADD") == 0 ? 2 : 3;
    }
    clauses[c]->args[counts[c]++] = act;
  }
  struct expr *root = node(a, EXPR_OP_UPDATE, 4);
  uint32_t k = 0;
  for (int i = 0; i < 4; i++) {
    if (!counts[i]) continue;
    clauses[i]->nargs = counts[i];
    root->args[k++] = clauses[i];
  }
  root->nargs = k;
  return root;
}

/*----------------------------- AttributesToGet ------------------------------*/

int legacy_check_attributes_to_get(struct ddb_request *r, const json_t *atg) {
  size_t i, j;
  json_t *x, *y;
  json_array_foreach(atg, i, x) {
    json_array_foreach(atg, j, y) {
      if (j >= i) break;
      if (json_equal(x, y))
        return ddb_fail(&r->err, DDB_VALIDATION, PREFIX_INVALID "Duplicate value in attribute name: %s",
                        json_string_value(x));
    }
  }
  return 0;
}

const struct expr *legacy_projection_expr(struct arena *a, const json_t *atg) {
  if (!atg) return NULL;
  size_t n = json_array_size(atg), i;
  struct expr *root = node(a, EXPR_OP_PROJECTION, (uint32_t)(n ? n : 1));
  root->nargs = (uint32_t)n;
  json_t *x;
  json_array_foreach(atg, i, x) root->args[i] = path(a, json_string_value(x) ? json_string_value(x) : "");
  return root;
}

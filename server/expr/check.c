/*
** server/expr/check.c: the validation passes that run after a successful
** syntax parse, in the order DynamoDB reports problems (worked out against
** DynamoDB Local 1.25 and dynalite's texts, which were captured from AWS):
**
**   1. (redundant parentheses, "((a = :v))", are rejected by the parser);
**   2. pre-order: function names, functions not allowed in this kind of
**      expression or in this position, reserved words, list indexes beyond
**      2^31-1, whichever comes first in the text, and an update verb used
**      twice (checked when its second clause ends);
**   3. update and projection only: from the last target path to the first,
**      its #names, then whether it overlaps or conflicts with a later one;
**   4. post-order (update: actions from last to first): #names and :values,
**      the operator count, then each node's own checks (identical first
**      operand, IN operand count, operand counts and types, BETWEEN bounds).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number.h"
#include "value.h"

struct checker {
  struct expr_ctx *c;
  enum expr_kind kind;
  const char *text;
  size_t len;
  struct ddb_err *e;
  int ops;          /* operators and functions seen in pass 4 */
  bool verbs[4];    /* update verbs seen in pass 2 */
};

static int fail(struct checker *k, enum expr_diag_class cls, const char *token, uint32_t offset,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct checker *k, enum expr_diag_class cls, const char *token, uint32_t offset,
                const char *fmt, ...) {
  va_list ap;
  char *msg = NULL;
  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
  va_end(ap);
  char *m = arena_strdup(k->c->arena, msg ? msg : "");
  free(msg);
  return expr__fail(k->c, k->e, k->kind, cls, k->text, k->len, token, offset, "%s", m);
}

static bool is_condition_kind(enum expr_kind kind) {
  return kind == EXPR_CONDITION || kind == EXPR_FILTER || kind == EXPR_KEY_CONDITION;
}

/*------------------------------ Shared helpers ------------------------------*/

static const struct {
  const char *name;
  uint8_t fn;
  uint8_t arity;
  bool update; /* allowed in UpdateExpression (else only in conditions) */
} functions[] = {
    {"attribute_exists", EXPR_FN_ATTRIBUTE_EXISTS, 1, false},
    {"attribute_not_exists", EXPR_FN_ATTRIBUTE_NOT_EXISTS, 1, false},
    {"attribute_type", EXPR_FN_ATTRIBUTE_TYPE, 2, false},
    {"begins_with", EXPR_FN_BEGINS_WITH, 2, false},
    {"contains", EXPR_FN_CONTAINS, 2, false},
    {"size", EXPR_FN_SIZE, 1, false},
    {"if_not_exists", EXPR_FN_IF_NOT_EXISTS, 2, true},
    {"list_append", EXPR_FN_LIST_APPEND, 2, true},
};

static int fn_index(const char *name) {
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
    if (strcmp(functions[i].name, name) == 0) return (int)i;
  return -1;
}

static bool elem_equal(const struct expr_elem *x, const struct expr_elem *y) {
  if ((x->kind == EXPR_ELEM_INDEX) != (y->kind == EXPR_ELEM_INDEX)) return false;
  if (x->kind == EXPR_ELEM_INDEX) return x->index == y->index;
  return x->len == y->len && (x->len == 0 || memcmp(x->name, y->name, x->len) == 0);
}

bool expr__path_equal(const struct expr *a, const struct expr *b) {
  if (a->op != EXPR_OP_PATH || b->op != EXPR_OP_PATH || a->nelems != b->nelems) return false;
  for (uint32_t i = 0; i < a->nelems; i++)
    if (!elem_equal(&a->elems[i], &b->elems[i])) return false;
  return true;
}

/* The type an operand is known to have before evaluation: a value's own type,
** N for size() and arithmetic; NULL when it depends on the item. */
static const char *static_type(const struct expr *x) {
  if (x->op == EXPR_OP_VALUE) return expr__av_type(x->value);
  if (x->op == EXPR_OP_FUNC && x->fn == EXPR_FN_SIZE) return "N";
  if (x->op == EXPR_OP_PLUS || x->op == EXPR_OP_MINUS) return "N";
  return NULL;
}

/* A value's own type only (what DynamoDB checks in update expressions). */
static const char *literal_type(const struct expr *x) {
  return x->op == EXPR_OP_VALUE ? expr__av_type(x->value) : NULL;
}

static bool is_scalar_type(const char *t) {
  return strcmp(t, "S") == 0 || strcmp(t, "N") == 0 || strcmp(t, "B") == 0;
}

/*------------------------- Pass 2: pre-order --------------------------------*/

enum place {
  AT_CONDITION, /* where a condition is expected */
  AT_OPERAND,   /* operand of a comparison or function in a condition */
  AT_SET_VALUE, /* the whole right-hand side of SET */
  AT_UPDATE_OPERAND, /* operand of + / - or of an update function */
  AT_TARGET,    /* a path written to or projected */
};

static int check_path_pre(struct checker *k, const struct expr *x) {
  for (uint32_t i = 0; i < x->nelems; i++) {
    const struct expr_elem *el = &x->elems[i];
    if (el->kind == EXPR_ELEM_NAME && expr_is_reserved(el->name, el->len))
      return fail(k, EXPR_DIAG_RESERVED, el->name, el->pos,
                  "Attribute name is a reserved keyword; reserved keyword: %s", el->name);
    if (el->kind == EXPR_ELEM_INDEX && el->index > EXPR_MAX_LIST_INDEX)
      return fail(k, EXPR_DIAG_LIMIT, el->name, el->pos,
                  "List index is not within the allowable range; index: [%s]", el->name);
  }
  return 0;
}

static int pre_order(struct checker *k, struct expr *x, enum place where) {
  enum place child = AT_OPERAND;
  switch (x->op) {
  case EXPR_OP_PATH:
    return check_path_pre(k, x);
  case EXPR_OP_VALUE:
    return 0;
  case EXPR_OP_FUNC: {
    int fi = fn_index(x->name);
    if (fi < 0)
      return fail(k, EXPR_DIAG_FUNCTION, x->name, x->pos, "Invalid function name; function: %s",
                  x->name);
    x->fn = functions[fi].fn;
    if (is_condition_kind(k->kind) && functions[fi].update)
      return fail(k, EXPR_DIAG_FUNCTION, x->name, x->pos,
                  "The function is not allowed in a condition expression; function: %s", x->name);
    if (k->kind == EXPR_UPDATE && !functions[fi].update)
      return fail(k, EXPR_DIAG_FUNCTION, x->name, x->pos,
                  "The function is not allowed in an update expression; function: %s", x->name);
    bool misused;
    if (k->kind == EXPR_UPDATE)
      misused = x->fn == EXPR_FN_LIST_APPEND && where != AT_SET_VALUE;
    else if (x->fn == EXPR_FN_SIZE)
      misused = where == AT_CONDITION;
    else
      misused = where != AT_CONDITION;
    if (misused)
      return fail(k, EXPR_DIAG_FUNCTION, x->name, x->pos,
                  "The function is not allowed to be used this way in an expression; function: %s",
                  x->name);
    child = k->kind == EXPR_UPDATE ? AT_UPDATE_OPERAND : AT_OPERAND;
    break;
  }
  case EXPR_OP_AND:
  case EXPR_OP_OR:
  case EXPR_OP_NOT:
    child = AT_CONDITION;
    break;
  case EXPR_OP_PLUS:
  case EXPR_OP_MINUS:
    child = AT_UPDATE_OPERAND;
    break;
  case EXPR_OP_CLAUSE: {
    /* The verb is checked after its actions: "SET name = :v SET ..." reports
    ** the reserved word first. */
    for (uint32_t i = 0; i < x->nargs; i++)
      if (pre_order(k, x->args[i], AT_TARGET)) return -1;
    int v = x->clause_op - EXPR_OP_SET;
    if (k->verbs[v]) {
      static const char *const verbs[4] = {"SET", "REMOVE", "ADD", "DELETE"};
      return fail(k, EXPR_DIAG_STRUCTURE, verbs[v], x->pos,
                  "The \"%s\" section can only be used once in an update expression;", verbs[v]);
    }
    k->verbs[v] = true;
    return 0;
  }
  case EXPR_OP_SET:
    if (pre_order(k, x->args[0], AT_TARGET)) return -1;
    return pre_order(k, x->args[1], AT_SET_VALUE);
  case EXPR_OP_REMOVE:
  case EXPR_OP_ADD:
  case EXPR_OP_DELETE:
  case EXPR_OP_UPDATE:
  case EXPR_OP_PROJECTION:
    child = AT_TARGET;
    break;
  default:
    break;
  }
  for (uint32_t i = 0; i < x->nargs; i++)
    if (pre_order(k, x->args[i], child)) return -1;
  return 0;
}

/*----------------------- Pass 3 and 4: resolution ---------------------------*/

static int resolve_path(struct checker *k, struct expr *x) {
  for (uint32_t i = 0; i < x->nelems; i++) {
    struct expr_elem *el = &x->elems[i];
    if (el->kind != EXPR_ELEM_REF) continue;
    /* "a.:v": DynamoDB's parser accepts it; its projection then reports the
    ** :name as an undefined attribute name (DynamoDB Local's conditions and
    ** updates fail with "Internal server error"). */
    struct expr_key *key =
        el->ref[0] == '#' ? expr__lookup(k->c->names, k->c->nnames, el->ref) : NULL;
    if (!key)
      return fail(k, EXPR_DIAG_UNDEFINED_NAME, el->ref, el->pos,
                  "An expression attribute name used in the document path is not defined; "
                  "attribute name: %s", el->ref);
    el->name = json_is_string(key->value) ? json_string_value(key->value) : "";
    el->len = json_is_string(key->value) ? json_string_length(key->value) : 0;
  }
  return 0;
}

static int resolve_value(struct checker *k, struct expr *x) {
  struct expr_key *key = expr__lookup(k->c->values, k->c->nvalues, x->ref);
  if (!key)
    return fail(k, EXPR_DIAG_UNDEFINED_VALUE, x->ref, x->pos,
                "An expression attribute value used in expression is not defined; "
                "attribute value: %s", x->ref);
  x->value = key->value;
  return 0;
}

static int check_distinct(struct checker *k, const struct expr *x, const char *opname) {
  if (x->nargs < 2 || x->args[0]->op != EXPR_OP_PATH) return 0;
  for (uint32_t i = 1; i < x->nargs; i++)
    if (expr__path_equal(x->args[0], x->args[i]))
      return fail(k, EXPR_DIAG_STRUCTURE, opname, x->pos,
                  "The first operand must be distinct from the remaining operands for this "
                  "operator or function; operator: %s, first operand: %s",
                  opname, expr_path_str(k->c->arena, x->args[0]));
  return 0;
}

static int bad_operand_type(struct checker *k, const struct expr *at, const char *opname,
                            const char *type) {
  return fail(k, EXPR_DIAG_TYPE, type, at->pos,
              "Incorrect operand type for operator or function; operator or function: %s, "
              "operand type: %s", opname, type);
}

static int check_between(struct checker *k, const struct expr *x) {
  const struct expr *lo = x->args[1], *hi = x->args[2];
  if (lo->op != EXPR_OP_VALUE || hi->op != EXPR_OP_VALUE) return 0;
  const char *lt = expr__av_type(lo->value), *ht = expr__av_type(hi->value);
  if (!lt || !ht) return 0;
  struct arena *a = k->c->arena;
  if (strcmp(lt, ht) != 0)
    return fail(k, EXPR_DIAG_TYPE, NULL, x->pos,
                "The BETWEEN operator requires same data type for lower and upper bounds; "
                "lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s",
                expr__av_brief(a, lo->value), expr__av_brief(a, hi->value));
  bool ok;
  if (expr__av_compare(lo->value, hi->value, &ok) > 0 && ok)
    return fail(k, EXPR_DIAG_TYPE, NULL, x->pos,
                "The BETWEEN operator requires upper bound to be greater than or equal to lower "
                "bound; lower bound operand: AttributeValue: %s, upper bound operand: "
                "AttributeValue: %s",
                expr__av_brief(a, lo->value), expr__av_brief(a, hi->value));
  return 0;
}

static bool valid_type_name(const char *s) {
  static const char *const names[] = {"S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(s, names[i]) == 0) return true;
  return false;
}

static int check_function(struct checker *k, const struct expr *x) {
  int fi = fn_index(x->name);
  if (x->nargs != functions[fi].arity)
    return fail(k, EXPR_DIAG_FUNCTION, x->name, x->pos,
                "Incorrect number of operands for operator or function; operator or function: %s, "
                "number of operands: %u", x->name, x->nargs);
  /* Identical first operand: every condition function, and if_not_exists. */
  if ((k->kind != EXPR_UPDATE || x->fn == EXPR_FN_IF_NOT_EXISTS) && check_distinct(k, x, x->name))
    return -1;
  switch (x->fn) {
  case EXPR_FN_ATTRIBUTE_EXISTS:
  case EXPR_FN_ATTRIBUTE_NOT_EXISTS:
  case EXPR_FN_IF_NOT_EXISTS:
    if (x->args[0]->op != EXPR_OP_PATH)
      return fail(k, EXPR_DIAG_FUNCTION, x->name, x->pos,
                  "Operator or function requires a document path; operator or function: %s",
                  x->name);
    return 0;
  case EXPR_FN_ATTRIBUTE_TYPE: {
    const char *t = static_type(x->args[1]);
    if (!t) return bad_operand_type(k, x->args[1], x->name, "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
    if (strcmp(t, "S") != 0) return bad_operand_type(k, x->args[1], x->name, t);
    const char *want = json_string_value(json_object_get(x->args[1]->value, "S"));
    if (!want || !valid_type_name(want))
      return fail(k, EXPR_DIAG_TYPE, want ? want : "", x->args[1]->pos,
                  "Invalid attribute type name found; type: %s, valid types: "
                  "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}", want ? want : "");
    return 0;
  }
  case EXPR_FN_BEGINS_WITH:
    for (uint32_t i = 0; i < 2; i++) {
      const char *t = static_type(x->args[i]);
      if (t && strcmp(t, "S") != 0 && strcmp(t, "B") != 0)
        return bad_operand_type(k, x->args[i], x->name, t);
    }
    return 0;
  case EXPR_FN_SIZE: {
    const char *t = static_type(x->args[0]);
    if (t && (strcmp(t, "N") == 0 || strcmp(t, "BOOL") == 0 || strcmp(t, "NULL") == 0))
      return bad_operand_type(k, x->args[0], x->name, t);
    return 0;
  }
  case EXPR_FN_LIST_APPEND:
    for (uint32_t i = 0; i < 2; i++) {
      const char *t = literal_type(x->args[i]);
      if (t && strcmp(t, "L") != 0) return bad_operand_type(k, x->args[i], x->name, t);
    }
    return 0;
  default:
    return 0;
  }
}

static const char *long_type_name(const char *t) {
  static const char *const map[][2] = {{"S", "STRING"}, {"N", "NUMBER"}, {"B", "BINARY"},
                                       {"NULL", "NULL"}, {"BOOL", "BOOLEAN"}, {"L", "LIST"},
                                       {"M", "MAP"}, {"SS", "STRING_SET"}, {"NS", "NUMBER_SET"},
                                       {"BS", "BINARY_SET"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(map[i][0], t) == 0) return map[i][1];
  return t;
}

static bool is_operator(const struct expr *x) {
  switch (x->op) {
  case EXPR_OP_OR: case EXPR_OP_AND: case EXPR_OP_NOT:
  case EXPR_OP_EQ: case EXPR_OP_NE: case EXPR_OP_LT: case EXPR_OP_LE: case EXPR_OP_GT:
  case EXPR_OP_GE: case EXPR_OP_BETWEEN: case EXPR_OP_IN: case EXPR_OP_FUNC:
  case EXPR_OP_PLUS: case EXPR_OP_MINUS:
    return true;
  default:
    return false;
  }
}

static int post_order(struct checker *k, struct expr *x) {
  if (x->op == EXPR_OP_PATH) return resolve_path(k, x);
  if (x->op == EXPR_OP_VALUE) return resolve_value(k, x);
  for (uint32_t i = 0; i < x->nargs; i++)
    if (post_order(k, x->args[i])) return -1;
  if (is_operator(x) && ++k->ops > EXPR_MAX_OPERATORS)
    return fail(k, EXPR_DIAG_LIMIT, NULL, x->pos,
                "The expression contains too many operators; operator count: %d", k->ops);
  switch (x->op) {
  case EXPR_OP_EQ:
  case EXPR_OP_NE:
    return check_distinct(k, x, expr__op_text(x->op));
  case EXPR_OP_LT:
  case EXPR_OP_LE:
  case EXPR_OP_GT:
  case EXPR_OP_GE:
  case EXPR_OP_BETWEEN:
    /* BETWEEN checks operand types before identical operands. */
    if (x->op != EXPR_OP_BETWEEN && check_distinct(k, x, expr__op_text(x->op))) return -1;
    for (uint32_t i = 0; i < x->nargs; i++) {
      const char *t = static_type(x->args[i]);
      if (t && !is_scalar_type(t)) return bad_operand_type(k, x->args[i], expr__op_text(x->op), t);
    }
    if (x->op != EXPR_OP_BETWEEN) return 0;
    if (check_distinct(k, x, "BETWEEN")) return -1;
    return check_between(k, x);
  case EXPR_OP_IN:
    if (check_distinct(k, x, "IN")) return -1;
    if (x->nargs - 1 > EXPR_MAX_IN_OPERANDS)
      return fail(k, EXPR_DIAG_LIMIT, "IN", x->pos,
                  "The IN operator is provided with too many operands; number of operands: %u",
                  x->nargs - 1);
    return 0;
  case EXPR_OP_FUNC:
    return check_function(k, x);
  case EXPR_OP_PLUS:
  case EXPR_OP_MINUS:
    for (uint32_t i = 0; i < 2; i++) {
      const char *t = literal_type(x->args[i]);
      if (t && strcmp(t, "N") != 0) return bad_operand_type(k, x->args[i], expr__op_text(x->op), t);
    }
    return 0;
  default:
    return 0;
  }
}

/* ADD takes a number or a set, DELETE a set. */
static int check_add_delete(struct checker *k, const struct expr *action) {
  const char *t = literal_type(action->args[1]);
  if (!t) return 0;
  bool set = strcmp(t, "SS") == 0 || strcmp(t, "NS") == 0 || strcmp(t, "BS") == 0;
  bool add = action->op == EXPR_OP_ADD;
  if (set || (add && strcmp(t, "N") == 0)) return 0;
  return fail(k, EXPR_DIAG_TYPE, t, action->args[1]->pos,
              "Incorrect operand type for operator or function; operator: %s, operand type: %s, "
              "typeSet: %s", add ? "ADD" : "DELETE", long_type_name(t),
              add ? "ALLOWED_FOR_ADD_OPERAND" : "ALLOWED_FOR_DELETE_OPERAND");
}

/* Two target paths: overlap when one is a prefix of the other, conflict when
** they differ first in the kind of a step (name against index). */
static int check_pair(struct checker *k, const struct expr *one, const struct expr *two) {
  uint32_t n = one->nelems < two->nelems ? one->nelems : two->nelems;
  for (uint32_t i = 0; i < n; i++) {
    const struct expr_elem *x = &one->elems[i], *y = &two->elems[i];
    if ((x->kind == EXPR_ELEM_INDEX) != (y->kind == EXPR_ELEM_INDEX))
      return fail(k, EXPR_DIAG_PATH, NULL, two->pos,
                  "Two document paths conflict with each other; must remove or rewrite one of "
                  "these paths; path one: %s, path two: %s",
                  expr_path_str(k->c->arena, one), expr_path_str(k->c->arena, two));
    if (!elem_equal(x, y)) return 0;
  }
  return fail(k, EXPR_DIAG_PATH, NULL, two->pos,
              "Two document paths overlap with each other; must remove or rewrite one of these "
              "paths; path one: %s, path two: %s",
              expr_path_str(k->c->arena, one), expr_path_str(k->c->arena, two));
}

/* Targets of an update (actions in source order) or a projection's paths,
** walked from the last to the first as DynamoDB does. */
static int check_targets(struct checker *k, struct expr **paths, uint32_t n) {
  for (uint32_t i = n; i-- > 0;) {
    if (resolve_path(k, paths[i])) return -1;
    for (uint32_t j = i + 1; j < n; j++)
      if (check_pair(k, paths[i], paths[j])) return -1;
  }
  return 0;
}

static int validate_update(struct checker *k, struct expr *root) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < root->nargs; i++) n += root->args[i]->nargs;
  struct expr **actions = arena_alloc(k->c->arena, n * sizeof *actions);
  struct expr **targets = arena_alloc(k->c->arena, n * sizeof *targets);
  n = 0;
  for (uint32_t i = 0; i < root->nargs; i++)
    for (uint32_t j = 0; j < root->args[i]->nargs; j++) {
      actions[n] = root->args[i]->args[j];
      targets[n] = actions[n]->args[0];
      n++;
    }
  if (check_targets(k, targets, n)) return -1;
  for (uint32_t i = n; i-- > 0;) {
    struct expr *act = actions[i];
    if (act->nargs > 1 && post_order(k, act->args[1])) return -1;
    if ((act->op == EXPR_OP_ADD || act->op == EXPR_OP_DELETE) && check_add_delete(k, act))
      return -1;
  }
  return 0;
}

int expr__validate(struct expr_ctx *c, enum expr_kind kind, struct expr *root, const char *text,
                   size_t len, struct ddb_err *e) {
  struct checker k = {.c = c, .kind = kind, .text = text, .len = len, .e = e};
  if (pre_order(&k, root, AT_CONDITION)) return -1;
  switch (kind) {
  case EXPR_UPDATE:
    return validate_update(&k, root);
  case EXPR_PROJECTION:
    return check_targets(&k, root->args, root->nargs);
  default:
    return post_order(&k, root);
  }
}

/*
** server/expr/keycond.c: the shape rules of a KeyConditionExpression that do
** not depend on the table's key schema (texts from DynamoDB Local 1.25 and
** dynalite). What is left for Query is matching the names against the key
** schema ("Query condition missed key schema element", "Query key condition
** not supported").
*/
#include <string.h>

#include "internal.h"

struct keywalk {
  struct expr_key_cond *out;
  int n;
  struct ddb_err *e;
};

static int invalid_operator(struct keywalk *w, const char *what) {
  return ddb_fail(w->e, DDB_VALIDATION, "Invalid operator used in KeyConditionExpression: %s", what);
}

/* Swap the sides of a comparison written with the key on the right. */
static int flip(int op) {
  switch (op) {
  case EXPR_OP_LT: return EXPR_OP_GT;
  case EXPR_OP_LE: return EXPR_OP_GE;
  case EXPR_OP_GT: return EXPR_OP_LT;
  case EXPR_OP_GE: return EXPR_OP_LE;
  default: return op;
  }
}

static int walk(struct keywalk *w, const struct expr *x) {
  switch (x->op) {
  case EXPR_OP_OR:
  case EXPR_OP_NOT:
  case EXPR_OP_IN:
  case EXPR_OP_NE:
    return invalid_operator(w, expr__op_text(x->op));
  case EXPR_OP_AND:
    if (walk(w, x->args[0])) return -1;
    return walk(w, x->args[1]);
  case EXPR_OP_FUNC:
    if (x->fn == EXPR_FN_SIZE)
      return ddb_fail(w->e, DDB_VALIDATION, "KeyConditionExpressions cannot contain nested operations");
    if (x->fn != EXPR_FN_BEGINS_WITH) return invalid_operator(w, x->name);
    break;
  default:
    break;
  }
  if ((x->op == EXPR_OP_BETWEEN || x->op == EXPR_OP_FUNC) && x->args[0]->op != EXPR_OP_PATH)
    return ddb_fail(w->e, DDB_VALIDATION,
                    "Invalid condition in KeyConditionExpression: %s operator must have the key "
                    "attribute as its first operand",
                    x->op == EXPR_OP_BETWEEN ? "BETWEEN" : x->name);
  const struct expr *key = NULL;
  uint32_t key_at = 0;
  for (uint32_t i = 0; i < x->nargs; i++) {
    const struct expr *a = x->args[i];
    if (a->op == EXPR_OP_FUNC)
      return ddb_fail(w->e, DDB_VALIDATION, "KeyConditionExpressions cannot contain nested operations");
    if (a->op != EXPR_OP_PATH) continue;
    if (key)
      return ddb_fail(w->e, DDB_VALIDATION,
                      "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                      "one condition");
    if (a->nelems > 1)
      return ddb_fail(w->e, DDB_VALIDATION,
                      "Key attributes must be scalars; list random access '[]' and map lookup '.' "
                      "are not allowed: Key: %.*s",
                      (int)a->elems[0].len, a->elems[0].name);
    key = a;
    key_at = i;
  }
  if (!key)
    return ddb_fail(w->e, DDB_VALIDATION, "Invalid condition in KeyConditionExpression: No key attribute specified");
  const struct expr_elem *el = &key->elems[0];
  for (int i = 0; i < w->n; i++)
    if (w->out[i].len == el->len && memcmp(w->out[i].name, el->name, el->len) == 0)
      return ddb_fail(w->e, DDB_VALIDATION, "KeyConditionExpressions must only contain one condition per key");
  if (w->n == 2) return ddb_fail(w->e, DDB_VALIDATION, "Conditions can be of length 1 or 2 only");
  struct expr_key_cond *kc = &w->out[w->n++];
  memset(kc, 0, sizeof *kc);
  kc->name = el->name;
  kc->len = el->len;
  kc->op = key_at == 0 ? x->op : (uint8_t)flip(x->op);
  const struct expr *v1 = x->args[key_at == 0 ? 1 : 0];
  kc->v1 = v1->value;
  if (x->op == EXPR_OP_BETWEEN) kc->v2 = x->args[2]->value;
  return 0;
}

int expr_key_conditions(const struct expr *root, struct expr_key_cond out[2], struct ddb_err *e) {
  struct keywalk w = {.out = out, .e = e};
  if (!root) return ddb_fail(e, DDB_INTERNAL, "no key condition");
  if (walk(&w, root)) return -1;
  return w.n;
}

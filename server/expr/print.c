/*
** server/expr/print.c: rendering trees as text: DynamoDB's path notation for
** messages, an S-expression dump for tests and logs, and the template
** fingerprint the instrumentation uses to recognise an expression's shape.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A growable string in the arena. */
struct sbuf {
  struct arena *a;
  char *s;
  size_t n, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->n + n + 1) cap *= 2;
    char *bigger = arena_alloc(b->a, cap);
    if (b->n) memcpy(bigger, b->s, b->n);
    b->s = bigger;
    b->cap = cap;
  }
  if (n) memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = 0;
}

static void sb_str(struct sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static char *sb_done(struct sbuf *b) {
  if (!b->s) sb_put(b, "", 0);
  return b->s;
}

char *expr_path_str(struct arena *a, const struct expr *path) {
  struct sbuf b = {.a = a};
  sb_str(&b, "[");
  for (uint32_t i = 0; i < path->nelems; i++) {
    const struct expr_elem *el = &path->elems[i];
    if (i) sb_str(&b, ", ");
    if (el->kind == EXPR_ELEM_INDEX) {
      sb_str(&b, "[");
      sb_str(&b, el->name);
      sb_str(&b, "]");
    } else if (el->name) {
      sb_put(&b, el->name, el->len);
    } else {
      sb_str(&b, el->ref);
    }
  }
  sb_str(&b, "]");
  return sb_done(&b);
}

/* The path as written (template: true maps #refs to '#' and indexes to []). */
static void put_path(struct sbuf *b, const struct expr *x, bool template) {
  for (uint32_t i = 0; i < x->nelems; i++) {
    const struct expr_elem *el = &x->elems[i];
    if (el->kind == EXPR_ELEM_INDEX) {
      sb_str(b, template ? "[]" : "[");
      if (!template) {
        sb_str(b, el->name);
        sb_str(b, "]");
      }
      continue;
    }
    if (i) sb_str(b, ".");
    if (el->kind == EXPR_ELEM_REF) sb_str(b, template ? "#" : el->ref);
    else sb_put(b, el->name, el->len);
  }
}

const char *expr__op_text(int op) {
  switch (op) {
  case EXPR_OP_OR: return "OR";
  case EXPR_OP_AND: return "AND";
  case EXPR_OP_NOT: return "NOT";
  case EXPR_OP_EQ: return "=";
  case EXPR_OP_NE: return "<>";
  case EXPR_OP_LT: return "<";
  case EXPR_OP_LE: return "<=";
  case EXPR_OP_GT: return ">";
  case EXPR_OP_GE: return ">=";
  case EXPR_OP_BETWEEN: return "BETWEEN";
  case EXPR_OP_IN: return "IN";
  case EXPR_OP_PLUS: return "+";
  case EXPR_OP_MINUS: return "-";
  case EXPR_OP_SET: return "SET";
  case EXPR_OP_REMOVE: return "REMOVE";
  case EXPR_OP_ADD: return "ADD";
  case EXPR_OP_DELETE: return "DELETE";
  case EXPR_OP_UPDATE: return "UPDATE";
  case EXPR_OP_PROJECTION: return "PROJECTION";
  default: return "?";
  }
}

/*-------------------------------- Dump -------------------------------------*/

static void dump(struct sbuf *b, const struct expr *x) {
  switch (x->op) {
  case EXPR_OP_PATH:
    put_path(b, x, false);
    return;
  case EXPR_OP_VALUE:
    sb_str(b, x->ref);
    return;
  case EXPR_OP_FUNC:
    sb_str(b, "(");
    sb_str(b, x->name);
    break;
  case EXPR_OP_CLAUSE:
    sb_str(b, "(");
    sb_str(b, expr__op_text(x->clause_op));
    break;
  case EXPR_OP_SET:
  case EXPR_OP_ADD:
  case EXPR_OP_DELETE:
    sb_str(b, "(");
    dump(b, x->args[0]);
    sb_str(b, " ");
    dump(b, x->args[1]);
    sb_str(b, ")");
    return;
  case EXPR_OP_REMOVE:
    dump(b, x->args[0]);
    return;
  default:
    sb_str(b, "(");
    sb_str(b, expr__op_text(x->op));
    break;
  }
  for (uint32_t i = 0; i < x->nargs; i++) {
    sb_str(b, " ");
    dump(b, x->args[i]);
  }
  sb_str(b, ")");
}

char *expr_dump(struct arena *a, const struct expr *root) {
  struct sbuf b = {.a = a};
  dump(&b, root);
  return sb_done(&b);
}

/*----------------------------- Fingerprint ---------------------------------*/

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *fp(struct arena *a, const struct expr *x);

/* Collect the operands of a chain of one associative operator. */
static void flatten(struct arena *a, const struct expr *x, int op, char ***v, size_t *n,
                    size_t *cap) {
  for (uint32_t i = 0; i < x->nargs; i++) {
    const struct expr *y = x->args[i];
    if (y->op == op) {
      flatten(a, y, op, v, n, cap);
      continue;
    }
    if (*n == *cap) {
      size_t c2 = *cap ? *cap * 2 : 8;
      char **bigger = arena_alloc(a, c2 * sizeof *bigger);
      if (*n) memcpy(bigger, *v, *n * sizeof **v);
      *v = bigger;
      *cap = c2;
    }
    char *s = fp(a, y);
    if (y->op == EXPR_OP_AND || y->op == EXPR_OP_OR) s = arena_printf(a, "(%s)", s);
    (*v)[(*n)++] = s;
  }
}

static char *join_sorted(struct arena *a, char **v, size_t n, const char *sep) {
  qsort(v, n, sizeof *v, cmp_str);
  struct sbuf b = {.a = a};
  for (size_t i = 0; i < n; i++) {
    if (i) sb_str(&b, sep);
    sb_str(&b, v[i]);
  }
  return sb_done(&b);
}

static char *fp_list(struct arena *a, struct expr *const *args, uint32_t n, const char *sep,
                     bool sort) {
  char **v = arena_alloc(a, (n ? n : 1) * sizeof *v);
  for (uint32_t i = 0; i < n; i++) v[i] = fp(a, args[i]);
  if (sort) return join_sorted(a, v, n, sep);
  struct sbuf b = {.a = a};
  for (uint32_t i = 0; i < n; i++) {
    if (i) sb_str(&b, sep);
    sb_str(&b, v[i]);
  }
  return sb_done(&b);
}

static char *fp(struct arena *a, const struct expr *x) {
  struct sbuf b = {.a = a};
  switch (x->op) {
  case EXPR_OP_PATH:
    put_path(&b, x, true);
    return sb_done(&b);
  case EXPR_OP_VALUE:
    return arena_strdup(a, ":");
  case EXPR_OP_AND:
  case EXPR_OP_OR: {
    char **v = NULL;
    size_t n = 0, cap = 0;
    flatten(a, x, x->op, &v, &n, &cap);
    return join_sorted(a, v, n, x->op == EXPR_OP_AND ? " AND " : " OR ");
  }
  case EXPR_OP_NOT: {
    const struct expr *y = x->args[0];
    bool wrap = y->op == EXPR_OP_AND || y->op == EXPR_OP_OR;
    return arena_printf(a, wrap ? "NOT (%s)" : "NOT %s", fp(a, y));
  }
  case EXPR_OP_BETWEEN:
    return arena_printf(a, "%s BETWEEN %s AND %s", fp(a, x->args[0]), fp(a, x->args[1]),
                        fp(a, x->args[2]));
  case EXPR_OP_IN:
    return arena_printf(a, "%s IN (%s)", fp(a, x->args[0]),
                        fp_list(a, x->args + 1, x->nargs - 1, ", ", true));
  case EXPR_OP_FUNC:
    return arena_printf(a, "%s(%s)", x->name, fp_list(a, x->args, x->nargs, ", ", false));
  case EXPR_OP_SET:
    return arena_printf(a, "%s = %s", fp(a, x->args[0]), fp(a, x->args[1]));
  case EXPR_OP_REMOVE:
    return fp(a, x->args[0]);
  case EXPR_OP_ADD:
  case EXPR_OP_DELETE:
    return arena_printf(a, "%s %s", fp(a, x->args[0]), fp(a, x->args[1]));
  case EXPR_OP_CLAUSE:
    return arena_printf(a, "%s %s", expr__op_text(x->clause_op), fp_list(a, x->args, x->nargs, ", ", true));
  case EXPR_OP_UPDATE: {
    /* Clauses in the canonical order SET, REMOVE, ADD, DELETE. */
    for (int verb = EXPR_OP_SET; verb <= EXPR_OP_DELETE; verb++)
      for (uint32_t i = 0; i < x->nargs; i++)
        if (x->args[i]->clause_op == verb) {
          if (b.n) sb_str(&b, " ");
          sb_str(&b, fp(a, x->args[i]));
        }
    return sb_done(&b);
  }
  case EXPR_OP_PROJECTION:
    return fp_list(a, x->args, x->nargs, ", ", true);
  default: /* comparisons, + and - */
    return arena_printf(a, "%s %s %s", fp(a, x->args[0]), expr__op_text(x->op), fp(a, x->args[1]));
  }
}

char *expr_fingerprint(struct arena *a, const struct expr *root) { return fp(a, root); }

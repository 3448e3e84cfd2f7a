/*
** server/expr/eval.c: evaluating conditions and filters against an item.
**
** Semantics, as DynamoDB Local 1.25 and DynamoDB's documentation agree:
** an operand is a value or missing (a path that does not resolve, size() of a
** missing attribute or of a N, BOOL or NULL). = is true only when both sides
** are present and equal (numbers numerically, sets as sets); <> is its
** negation, so a missing operand makes <> true. < <= > >= and BETWEEN need
** present S, N or B operands of one type, else false. IN is = against any.
** contains works on strings and binaries (substring), sets (member) and lists
** (element); begins_with on S and B; size is the UTF-16 length of a string,
** the byte count of a binary and the member count of sets, lists and maps.
** Nothing here fails on well-validated trees: type problems make a
** comparison false, as in DynamoDB.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number.h"
#include "value.h"

/*------------------------------- Paths -------------------------------------*/

/* One step down from av (an AttributeValue) by element el; NULL if missing. */
static const json_t *step(const json_t *av, const struct expr_elem *el) {
  if (el->kind == EXPR_ELEM_INDEX) {
    const json_t *l = json_object_get(av, "L");
    if (!json_is_array(l) || el->index < 0 || (uint64_t)el->index >= json_array_size(l)) return NULL;
    return json_array_get(l, (size_t)el->index);
  }
  const json_t *m = json_object_get(av, "M");
  if (!json_is_object(m)) return NULL;
  return json_object_getn(m, el->name, el->len);
}

const json_t *expr_path_get(const struct expr *path, const json_t *item) {
  if (!item || path->op != EXPR_OP_PATH || path->nelems == 0) return NULL;
  const struct expr_elem *el = &path->elems[0];
  if (el->kind == EXPR_ELEM_INDEX || !el->name) return NULL;
  const json_t *av = json_object_getn(item, el->name, el->len);
  for (uint32_t i = 1; av && i < path->nelems; i++) av = step(av, &path->elems[i]);
  return av;
}

/*------------------------------ Operands ------------------------------------*/

/* An operand's value: av is borrowed, or owned (then av == owned). */
struct operand {
  const json_t *av;
  json_t *owned;
};

static void operand_free(struct operand *o) {
  if (o->owned) json_decref(o->owned);
  o->owned = NULL;
  o->av = NULL;
}

/* size() of an AttributeValue, or -1 when it has none. */
static long long av_size(const json_t *av) {
  const char *t = expr__av_type(av);
  if (!t) return -1;
  const json_t *v = json_object_get(av, t);
  if (strcmp(t, "S") == 0) return (long long)expr__utf16_length(json_string_value(v), json_string_length(v));
  if (strcmp(t, "B") == 0) {
    size_t n = value_b64_decoded_len(json_string_value(v), json_string_length(v));
    return n == (size_t)-1 ? -1 : (long long)n;
  }
  if (json_is_array(v)) return (long long)json_array_size(v);
  if (strcmp(t, "M") == 0 && json_is_object(v)) return (long long)json_object_size(v);
  return -1;
}

static void eval_operand(const struct expr *x, const json_t *item, struct operand *out) {
  out->av = NULL;
  out->owned = NULL;
  switch (x->op) {
  case EXPR_OP_VALUE:
    out->av = x->value;
    return;
  case EXPR_OP_PATH:
    out->av = expr_path_get(x, item);
    return;
  case EXPR_OP_FUNC:
    if (x->fn == EXPR_FN_SIZE) {
      struct operand arg;
      eval_operand(x->args[0], item, &arg);
      long long n = arg.av ? av_size(arg.av) : -1;
      operand_free(&arg);
      if (n < 0) return;
      char buf[32];
      snprintf(buf, sizeof buf, "%lld", n);
      out->owned = json_pack("{ss}", "N", buf);
      out->av = out->owned;
    }
    return;
  default:
    return;
  }
}

/*----------------------------- Functions ------------------------------------*/

static const char *payload_str(const json_t *av, const char *type, size_t *len) {
  const json_t *v = json_object_get(av, type);
  *len = json_string_length(v);
  return json_string_value(v);
}

/* Decoded bytes of a B value (malloc'd) or NULL. */
static unsigned char *b_bytes(const json_t *av, size_t *n) {
  size_t len;
  const char *s = payload_str(av, "B", &len);
  return s ? value_b64_decode(s, len, n) : NULL;
}

static bool begins_with(const json_t *x, const json_t *p) {
  const char *tx = expr__av_type(x), *tp = expr__av_type(p);
  if (!tx || !tp || strcmp(tx, tp) != 0) return false;
  if (strcmp(tx, "S") == 0) {
    size_t nx, np;
    const char *sx = payload_str(x, "S", &nx), *sp = payload_str(p, "S", &np);
    return sx && sp && np <= nx && memcmp(sx, sp, np) == 0;
  }
  if (strcmp(tx, "B") == 0) {
    size_t nx = 0, np = 0;
    unsigned char *bx = b_bytes(x, &nx), *bp = b_bytes(p, &np);
    bool r = bx && bp && np <= nx && (np == 0 || memcmp(bx, bp, np) == 0);
    free(bx);
    free(bp);
    return r;
  }
  return false;
}

/* Is needle (n bytes) inside hay (h bytes)? */
static bool has_bytes(const void *hay, size_t h, const void *needle, size_t n) {
  if (n == 0) return true;
  return n <= h && memmem(hay, h, needle, n) != NULL;
}

static bool contains(const json_t *x, const json_t *v) {
  const char *tx = expr__av_type(x), *tv = expr__av_type(v);
  if (!tx || !tv) return false;
  if (strcmp(tx, "S") == 0 && strcmp(tv, "S") == 0) {
    size_t nx, nv;
    const char *sx = payload_str(x, "S", &nx), *sv = payload_str(v, "S", &nv);
    return sx && sv && has_bytes(sx, nx, sv, nv);
  }
  if (strcmp(tx, "B") == 0 && strcmp(tv, "B") == 0) {
    size_t nx = 0, nv = 0;
    unsigned char *bx = b_bytes(x, &nx), *bv = b_bytes(v, &nv);
    bool r = bx && bv && has_bytes(bx, nx, bv, nv);
    free(bx);
    free(bv);
    return r;
  }
  const json_t *members = json_object_get(x, tx);
  size_t i;
  json_t *m;
  if (strcmp(tx, "L") == 0) {
    json_array_foreach(members, i, m) {
      if (value_equal(m, v)) return true;
    }
    return false;
  }
  /* A set holds scalars of its own type: SS holds S, NS N, BS B. */
  if ((strcmp(tx, "SS") == 0 && strcmp(tv, "S") == 0) || (strcmp(tx, "NS") == 0 && strcmp(tv, "N") == 0) ||
      (strcmp(tx, "BS") == 0 && strcmp(tv, "B") == 0)) {
    json_array_foreach(members, i, m) {
      json_t *wrapped = json_pack("{sO}", tv, m);
      bool eq = wrapped && value_equal(wrapped, v);
      json_decref(wrapped);
      if (eq) return true;
    }
  }
  return false;
}

/*------------------------------ Conditions ----------------------------------*/

static bool compare(int op, const json_t *x, const json_t *y) {
  bool ok;
  int c = expr__av_compare(x, y, &ok);
  if (!ok) return false;
  switch (op) {
  case EXPR_OP_LT: return c < 0;
  case EXPR_OP_LE: return c <= 0;
  case EXPR_OP_GT: return c > 0;
  default: return c >= 0;
  }
}

static bool eval(const struct expr *x, const json_t *item) {
  struct operand a = {0}, b = {0}, c = {0};
  bool r = false;
  switch (x->op) {
  case EXPR_OP_AND: return eval(x->args[0], item) && eval(x->args[1], item);
  case EXPR_OP_OR: return eval(x->args[0], item) || eval(x->args[1], item);
  case EXPR_OP_NOT: return !eval(x->args[0], item);
  case EXPR_OP_EQ:
  case EXPR_OP_NE:
    eval_operand(x->args[0], item, &a);
    eval_operand(x->args[1], item, &b);
    r = a.av && b.av && value_equal(a.av, b.av);
    if (x->op == EXPR_OP_NE) r = !r;
    break;
  case EXPR_OP_LT:
  case EXPR_OP_LE:
  case EXPR_OP_GT:
  case EXPR_OP_GE:
    eval_operand(x->args[0], item, &a);
    eval_operand(x->args[1], item, &b);
    r = a.av && b.av && compare(x->op, a.av, b.av);
    break;
  case EXPR_OP_BETWEEN:
    eval_operand(x->args[0], item, &a);
    eval_operand(x->args[1], item, &b);
    eval_operand(x->args[2], item, &c);
    r = a.av && b.av && c.av && compare(EXPR_OP_GE, a.av, b.av) && compare(EXPR_OP_LE, a.av, c.av);
    break;
  case EXPR_OP_IN:
    eval_operand(x->args[0], item, &a);
    for (uint32_t i = 1; a.av && !r && i < x->nargs; i++) {
      eval_operand(x->args[i], item, &b);
      r = b.av && value_equal(a.av, b.av);
      operand_free(&b);
    }
    break;
  case EXPR_OP_FUNC:
    eval_operand(x->args[0], item, &a);
    if (x->nargs > 1) eval_operand(x->args[1], item, &b);
    switch (x->fn) {
    case EXPR_FN_ATTRIBUTE_EXISTS: r = a.av != NULL; break;
    case EXPR_FN_ATTRIBUTE_NOT_EXISTS: r = a.av == NULL; break;
    case EXPR_FN_ATTRIBUTE_TYPE: {
      const char *t = a.av ? expr__av_type(a.av) : NULL;
      const char *want = b.av ? json_string_value(json_object_get(b.av, "S")) : NULL;
      r = t && want && strcmp(t, want) == 0;
      break;
    }
    case EXPR_FN_BEGINS_WITH: r = a.av && b.av && begins_with(a.av, b.av); break;
    case EXPR_FN_CONTAINS: r = a.av && b.av && contains(a.av, b.av); break;
    default: r = false; break;
    }
    break;
  default:
    break;
  }
  operand_free(&a);
  operand_free(&b);
  operand_free(&c);
  return r;
}

int expr_eval_condition(const struct expr *cond, const json_t *item, struct ddb_err *e) {
  if (!cond || cond->op >= EXPR_OP_PLUS) return ddb_fail(e, DDB_INTERNAL, "not a condition");
  return eval(cond, item) ? 1 : 0;
}

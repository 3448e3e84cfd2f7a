/*
** server/expr/update.c: applying an UpdateExpression to an item.
**
** DynamoDB's rules (checked against DynamoDB Local 1.25):
**   - every operand is read from the item as it was before the update
**     ("SET a = b, b = a" swaps), and list indexes in targets refer to the
**     lists as they were: "REMOVE l[0], l[1]" removes the first two elements;
**   - actions run in the order of DynamoDB's hash maps (see the ordering
**     below), which decides which error is reported when several fail; an
**     action checks its target path before it computes its value;
**   - SET needs every step above the last to exist with the right type ("The
**     document path provided in the update expression is invalid for
**     update"); an index past the end of a list appends, several appends to
**     one list go in index order;
**   - REMOVE of a missing map member or an index past the end does nothing,
**     but its parent must exist;
**   - ADD to a missing attribute sets it; N + N adds exactly, a set gains the
**     members it lacks; DELETE takes members away from a set of the same type,
**     and a set left empty is removed; DELETE of a missing attribute does
**     nothing;
**   - operands that do not exist ("The provided expression refers to an
**     attribute that does not exist in the item") and wrong types ("An operand
**     in the update expression has an incorrect data type") are errors.
** The old item is never modified: the result is a deep copy.
*/
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number.h"
#include "value.h"

#define MSG_BAD_PATH "The document path provided in the update expression is invalid for update"
#define MSG_MISSING "The provided expression refers to an attribute that does not exist in the item"
#define MSG_BAD_TYPE "An operand in the update expression has an incorrect data type"

/* A change deferred so that list indexes keep referring to the old lists. */
struct pending {
  json_t *container; /* an array (list payload) or object (map payload or item) */
  const struct expr_elem *el;
  json_t *value;     /* appends: owned; removals: NULL */
};

struct updater {
  const json_t *old;     /* the item before the update (operands read here) */
  json_t *item;          /* the copy being changed */
  struct pending *appends, *removes;
  size_t nappends, nremoves, cap_appends, cap_removes;
  struct ddb_err *e;
};

static void push(struct pending **v, size_t *n, size_t *cap, struct pending p) {
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    *v = realloc(*v, *cap * sizeof **v);
    if (!*v) abort();
  }
  (*v)[(*n)++] = p;
}

/*------------------------------- Operands -----------------------------------*/

static bool is_type(const json_t *av, const char *t) {
  const char *at = expr__av_type(av);
  return at && strcmp(at, t) == 0;
}

static int num_of(const json_t *av, struct ddb_num *n) {
  const json_t *s = json_object_get(av, "N");
  return json_is_string(s) && num_parse(json_string_value(s), json_string_length(s), n) == NUM_OK ? 0 : -1;
}

static json_t *num_av(const struct ddb_num *n) {
  char buf[NUM_FORMAT_MAX];
  num_format(n, buf);
  return json_pack("{ss}", "N", buf);
}

/* Arithmetic on two N values; a new AttributeValue or NULL with e set. */
static json_t *arith(const json_t *x, const json_t *y, bool plus, struct ddb_err *e) {
  struct ddb_num a, b, r;
  if (!is_type(x, "N") || !is_type(y, "N") || num_of(x, &a) || num_of(y, &b)) {
    ddb_fail(e, DDB_VALIDATION, MSG_BAD_TYPE);
    return NULL;
  }
  enum num_status st = plus ? num_add(&a, &b, &r) : num_sub(&a, &b, &r);
  if (st != NUM_OK) {
    ddb_fail(e, DDB_VALIDATION, "%s", num_status_message(st));
    return NULL;
  }
  return num_av(&r);
}

/* The value of a SET operand, read from the old item: a new reference or
** NULL with e set. */
static json_t *eval_value(struct updater *u, const struct expr *x) {
  switch (x->op) {
  case EXPR_OP_VALUE:
    return json_deep_copy(x->value);
  case EXPR_OP_PATH: {
    const json_t *av = expr_path_get(x, u->old);
    if (!av) ddb_fail(u->e, DDB_VALIDATION, MSG_MISSING);
    return av ? json_deep_copy(av) : NULL;
  }
  case EXPR_OP_PLUS:
  case EXPR_OP_MINUS: {
    json_t *a = eval_value(u, x->args[0]);
    if (!a) return NULL;
    json_t *b = eval_value(u, x->args[1]);
    json_t *r = b ? arith(a, b, x->op == EXPR_OP_PLUS, u->e) : NULL;
    json_decref(a);
    json_decref(b);
    return r;
  }
  case EXPR_OP_FUNC:
    if (x->fn == EXPR_FN_IF_NOT_EXISTS) {
      const json_t *av = expr_path_get(x->args[0], u->old);
      return av ? json_deep_copy(av) : eval_value(u, x->args[1]);
    }
    if (x->fn == EXPR_FN_LIST_APPEND) {
      json_t *a = eval_value(u, x->args[0]);
      if (!a) return NULL;
      json_t *b = eval_value(u, x->args[1]);
      json_t *r = NULL;
      if (b && (!is_type(a, "L") || !is_type(b, "L"))) {
        ddb_fail(u->e, DDB_VALIDATION, MSG_BAD_TYPE);
      } else if (b) {
        json_t *l = json_deep_copy(json_object_get(a, "L"));
        json_array_extend(l, json_object_get(b, "L"));
        r = json_pack("{so}", "L", l);
      }
      json_decref(a);
      json_decref(b);
      return r;
    }
    break;
  default:
    break;
  }
  ddb_fail(u->e, DDB_INTERNAL, "unexpected update operand");
  return NULL;
}

/*-------------------------------- Targets -----------------------------------*/

/* Find the container that holds the last step of path in the working copy:
** the item itself, a map's member object or a list's array. NULL with e set
** when a step above the last is missing or of the wrong type. */
static json_t *parent_of(struct updater *u, const struct expr *path) {
  json_t *container = u->item;
  for (uint32_t i = 0; i + 1 < path->nelems; i++) {
    const struct expr_elem *el = &path->elems[i], *next = &path->elems[i + 1];
    json_t *av;
    if (json_is_array(container))
      av = el->index >= 0 && (uint64_t)el->index < json_array_size(container)
               ? json_array_get(container, (size_t)el->index)
               : NULL;
    else
      av = el->kind == EXPR_ELEM_INDEX ? NULL : json_object_getn(container, el->name, el->len);
    container = av ? json_object_get(av, next->kind == EXPR_ELEM_INDEX ? "L" : "M") : NULL;
    if (!container || (next->kind == EXPR_ELEM_INDEX ? !json_is_array(container) : !json_is_object(container))) {
      ddb_fail(u->e, DDB_VALIDATION, MSG_BAD_PATH);
      return NULL;
    }
  }
  return container;
}

/* The current value at the last step (borrowed) or NULL. */
static json_t *target_get(json_t *container, const struct expr_elem *el) {
  if (json_is_array(container))
    return el->index >= 0 && (uint64_t)el->index < json_array_size(container)
               ? json_array_get(container, (size_t)el->index)
               : NULL;
  return json_object_getn(container, el->name, el->len);
}

/* Store value (stolen) at the last step: replace, add a member, or append. */
static void target_put(struct updater *u, json_t *container, const struct expr_elem *el, json_t *value) {
  if (!json_is_array(container)) {
    json_object_setn_new(container, el->name, el->len, value);
  } else if ((uint64_t)el->index < json_array_size(container)) {
    json_array_set_new(container, (size_t)el->index, value);
  } else {
    push(&u->appends, &u->nappends, &u->cap_appends,
         (struct pending){.container = container, .el = el, .value = value});
  }
}

static void target_remove(struct updater *u, json_t *container, const struct expr_elem *el) {
  if (!target_get(container, el)) return;
  push(&u->removes, &u->nremoves, &u->cap_removes, (struct pending){.container = container, .el = el});
}

/*--------------------------------- Sets -------------------------------------*/

static bool member_equal(const char *set_type, const json_t *x, const json_t *y) {
  if (strcmp(set_type, "NS") == 0) {
    struct ddb_num a, b;
    if (num_parse(json_string_value(x), json_string_length(x), &a) != NUM_OK ||
        num_parse(json_string_value(y), json_string_length(y), &b) != NUM_OK)
      return false;
    return num_cmp(&a, &b) == 0;
  }
  return json_string_length(x) == json_string_length(y) &&
         memcmp(json_string_value(x), json_string_value(y), json_string_length(x)) == 0;
}

static bool set_has(const char *t, const json_t *members, const json_t *m) {
  size_t i;
  json_t *x;
  json_array_foreach(members, i, x) {
    if (member_equal(t, x, m)) return true;
  }
  return false;
}

/* A new set value: cur plus (add) or minus (!add) the members of v. */
static json_t *set_combine(const char *t, const json_t *cur, const json_t *v, bool add) {
  const json_t *cm = json_object_get(cur, t), *vm = json_object_get(v, t);
  json_t *out = json_array();
  size_t i;
  json_t *m;
  json_array_foreach(cm, i, m) {
    if (add || !set_has(t, vm, m)) json_array_append(out, m);
  }
  if (add)
    json_array_foreach(vm, i, m) {
      if (!set_has(t, out, m)) json_array_append(out, m);
    }
  return json_pack("{so}", t, out);
}

static bool is_set_type(const char *t) {
  return t && (strcmp(t, "SS") == 0 || strcmp(t, "NS") == 0 || strcmp(t, "BS") == 0);
}

/*-------------------------------- Actions -----------------------------------*/

static int apply_action(struct updater *u, const struct expr *act) {
  const struct expr *path = act->args[0];
  const struct expr_elem *last = &path->elems[path->nelems - 1];
  /* The target path is checked before the value is computed. */
  json_t *container = parent_of(u, path);
  if (!container) return -1;
  switch (act->op) {
  case EXPR_OP_SET: {
    json_t *value = eval_value(u, act->args[1]);
    if (!value) return -1;
    target_put(u, container, last, value);
    return 0;
  }
  case EXPR_OP_REMOVE:
    target_remove(u, container, last);
    return 0;
  default:
    break;
  }
  /* ADD and DELETE. */
  const json_t *v = act->args[1]->value;
  const char *vt = expr__av_type(v);
  json_t *cur = target_get(container, last);
  const char *ct = cur ? expr__av_type(cur) : NULL;
  if (act->op == EXPR_OP_ADD) {
    if (!cur) {
      target_put(u, container, last, json_deep_copy(v));
      return 0;
    }
    if (vt && ct && strcmp(vt, "N") == 0 && strcmp(ct, "N") == 0) {
      json_t *sum = arith(cur, v, true, u->e);
      if (!sum) return -1;
      target_put(u, container, last, sum);
      return 0;
    }
    if (!is_set_type(ct) || !vt || strcmp(ct, vt) != 0)
      return ddb_fail(u->e, DDB_VALIDATION, MSG_BAD_TYPE);
    target_put(u, container, last, set_combine(ct, cur, v, true));
    return 0;
  }
  if (!cur) return 0;
  if (!is_set_type(ct) || !vt || strcmp(ct, vt) != 0) return ddb_fail(u->e, DDB_VALIDATION, MSG_BAD_TYPE);
  json_t *rest = set_combine(ct, cur, v, false);
  if (json_array_size(json_object_get(rest, ct)) == 0) {
    json_decref(rest);
    target_remove(u, container, last);
  } else {
    target_put(u, container, last, rest);
  }
  return 0;
}

static int cmp_pending(const void *a, const void *b) {
  const struct pending *x = a, *y = b;
  if (x->container != y->container) return (uintptr_t)x->container < (uintptr_t)y->container ? -1 : 1;
  return x->el->index < y->el->index ? -1 : x->el->index > y->el->index;
}

/* Removals, by container; list elements from the highest index down. */
static void finish_removes(struct updater *u) {
  if (u->nremoves) qsort(u->removes, u->nremoves, sizeof *u->removes, cmp_pending);
  for (size_t i = u->nremoves; i-- > 0;) {
    struct pending *p = &u->removes[i];
    if (json_is_array(p->container)) json_array_remove(p->container, (size_t)p->el->index);
    else json_object_deln(p->container, p->el->name, p->el->len);
  }
}

/* Appends past the end of a list, in index order. */
static void finish_appends(struct updater *u) {
  if (u->nappends) qsort(u->appends, u->nappends, sizeof *u->appends, cmp_pending);
  for (size_t i = 0; i < u->nappends; i++) {
    json_array_append_new(u->appends[i].container, u->appends[i].value);
    u->appends[i].value = NULL;
  }
}

/*------------------------------- Ordering -----------------------------------*/

/* DynamoDB applies the actions grouped in a tree of Java hash maps keyed by
** the path steps, walked in the reverse of the maps' iteration order: at each
** level, higher hash buckets first and, within a bucket, the step written
** later first; list indexes from the highest down. Only which error wins
** depends on it ("SET a = zz, b = s + :v" reports b's error). */
struct ordkey {
  uint32_t src;            /* position in the source */
  const struct expr *path; /* the action's target */
  uint32_t *bucket, *first; /* per step: hash bucket, first source position of
                               that name among its siblings */
};

static bool same_step(const struct expr_elem *x, const struct expr_elem *y) {
  if ((x->kind == EXPR_ELEM_INDEX) != (y->kind == EXPR_ELEM_INDEX)) return false;
  if (x->kind == EXPR_ELEM_INDEX) return x->index == y->index;
  return x->len == y->len && memcmp(x->name, y->name, x->len) == 0;
}

/* Order of two steps for grouping: indexes before names, then by value. */
static int cmp_step(const struct expr_elem *x, const struct expr_elem *y) {
  bool xi = x->kind == EXPR_ELEM_INDEX, yi = y->kind == EXPR_ELEM_INDEX;
  if (xi != yi) return xi ? -1 : 1;
  if (xi) return x->index < y->index ? -1 : x->index > y->index;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = n ? memcmp(x->name, y->name, n) : 0;
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

/* Paths compared on their first *depth+1 steps, then by source position
** (qsort_r comparator). */
static int cmp_prefix(const void *pa, const void *pb, void *depth) {
  const struct ordkey *a = *(const struct ordkey *const *)pa, *b = *(const struct ordkey *const *)pb;
  for (uint32_t i = 0; i <= *(uint32_t *)depth; i++) {
    int c = cmp_step(&a->path->elems[i], &b->path->elems[i]);
    if (c) return c;
  }
  return a->src < b->src ? -1 : a->src > b->src;
}

static bool same_prefix(const struct ordkey *a, const struct ordkey *b, uint32_t upto) {
  for (uint32_t i = 0; i <= upto; i++)
    if (!same_step(&a->path->elems[i], &b->path->elems[i])) return false;
  return true;
}

/* For every named step: the hash bucket of its name in the map of its
** siblings (sized by how many distinct names share the parent) and the first
** source position of that name there. Sorting per depth keeps this
** O(n log n) per level. */
static void ordkey_fill(struct ordkey *k, size_t n) {
  uint32_t maxdepth = 0;
  for (size_t a = 0; a < n; a++)
    if (k[a].path->nelems > maxdepth) maxdepth = k[a].path->nelems;
  struct ordkey **v = malloc((n ? n : 1) * sizeof *v);
  if (!v) abort();
  for (uint32_t d = 0; d < maxdepth; d++) {
    size_t m = 0;
    for (size_t a = 0; a < n; a++)
      if (k[a].path->nelems > d) v[m++] = &k[a];
    qsort_r(v, m, sizeof *v, cmp_prefix, &d);
    /* Runs with one parent (same first d steps), split into runs of one step. */
    for (size_t i = 0; i < m;) {
      size_t j = i + 1;
      while (j < m && (d == 0 || same_prefix(v[i], v[j], d - 1))) j++;
      size_t distinct = 0;
      for (size_t x = i; x < j; x++)
        if (v[x]->path->elems[d].kind != EXPR_ELEM_INDEX &&
            (x == i || !same_step(&v[x]->path->elems[d], &v[x - 1]->path->elems[d])))
          distinct++;
      uint32_t cap = expr__java_capacity(distinct), first = 0;
      for (size_t x = i; x < j; x++) {
        const struct expr_elem *el = &v[x]->path->elems[d];
        if (x == i || !same_step(el, &v[x - 1]->path->elems[d])) first = v[x]->src;
        if (el->kind == EXPR_ELEM_INDEX) continue;
        v[x]->bucket[d] = expr__java_bucket(expr__java_hash(el->name, el->len), cap);
        v[x]->first[d] = first;
      }
      i = j;
    }
  }
  free(v);
}

static int cmp_ordkey(const void *pa, const void *pb) {
  const struct ordkey *a = pa, *b = pb;
  uint32_t n = a->path->nelems < b->path->nelems ? a->path->nelems : b->path->nelems;
  for (uint32_t d = 0; d < n; d++) {
    const struct expr_elem *x = &a->path->elems[d], *y = &b->path->elems[d];
    if (same_step(x, y)) continue;
    if (x->kind == EXPR_ELEM_INDEX && y->kind == EXPR_ELEM_INDEX) return x->index > y->index ? -1 : 1;
    if (x->kind != EXPR_ELEM_INDEX && y->kind != EXPR_ELEM_INDEX) {
      if (a->bucket[d] != b->bucket[d]) return a->bucket[d] > b->bucket[d] ? -1 : 1;
      if (a->first[d] != b->first[d]) return a->first[d] > b->first[d] ? -1 : 1;
    }
    break;
  }
  return a->src > b->src ? -1 : a->src < b->src;
}

int expr_apply_update(const struct expr *update, const json_t *old_item, json_t **new_item,
                      struct ddb_err *e) {
  *new_item = NULL;
  if (!update || update->op != EXPR_OP_UPDATE) return ddb_fail(e, DDB_INTERNAL, "not an update");
  size_t n = 0, steps = 0;
  for (uint32_t i = 0; i < update->nargs; i++)
    for (uint32_t j = 0; j < update->args[i]->nargs; j++) {
      n++;
      steps += update->args[i]->args[j]->args[0]->nelems;
    }
  struct ordkey *keys = calloc(n ? n : 1, sizeof *keys);
  const struct expr **acts = calloc(n ? n : 1, sizeof *acts);
  uint32_t *cells = calloc(2 * (steps ? steps : 1), sizeof *cells);
  if (!keys || !acts || !cells) abort();
  n = 0;
  steps = 0;
  for (uint32_t i = 0; i < update->nargs; i++)
    for (uint32_t j = 0; j < update->args[i]->nargs; j++) {
      acts[n] = update->args[i]->args[j];
      keys[n].src = (uint32_t)n;
      keys[n].path = acts[n]->args[0];
      keys[n].bucket = cells + 2 * steps;
      keys[n].first = cells + 2 * steps + keys[n].path->nelems;
      steps += keys[n].path->nelems;
      n++;
    }
  ordkey_fill(keys, n);
  if (n > 1) qsort(keys, n, sizeof *keys, cmp_ordkey);

  struct updater u = {.old = old_item, .e = e};
  u.item = old_item ? json_deep_copy(old_item) : json_object();
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) rc = apply_action(&u, acts[keys[i].src]);
  if (rc == 0) {
    finish_removes(&u);
    finish_appends(&u);
    *new_item = u.item;
  } else {
    json_decref(u.item);
  }
  for (size_t i = 0; i < u.nappends; i++) json_decref(u.appends[i].value);
  free(u.appends);
  free(u.removes);
  free(keys);
  free(acts);
  free(cells);
  return rc;
}

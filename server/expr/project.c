/*
** server/expr/project.c: ProjectionExpression, and the attributes an update
** returns for ReturnValues UPDATED_OLD / UPDATED_NEW.
**
** DynamoDB's projection keeps the item's shape: a path a.b[2].c yields
** {"a":{"M":{"b":{"L":[{"M":{"c":...}}]}}}}. Elements picked from one list
** are kept in index order and compacted; parts of the item that a path does
** not reach (missing attributes, a name step into a non-map, an index past
** the end) contribute nothing, and a map or list that ends up empty is left
** out. Paths of one projection never overlap (the parser rejects that), so a
** selection node is either taken whole or has children of one kind.
*/
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A node of the selection tree built from the paths. */
struct sel {
  const struct expr_elem *el; /* the step that leads here (NULL at the root) */
  bool whole;                 /* a path ends here: copy the value */
  struct sel *child, *next;   /* children, in insertion order */
};

static struct sel *sel_child(struct sel *parent, const struct expr_elem *el) {
  struct sel **link = &parent->child;
  for (struct sel *c = parent->child; c; link = &c->next, c = c->next) {
    if ((c->el->kind == EXPR_ELEM_INDEX) != (el->kind == EXPR_ELEM_INDEX)) continue;
    if (el->kind == EXPR_ELEM_INDEX ? c->el->index == el->index
                                    : c->el->len == el->len && memcmp(c->el->name, el->name, el->len) == 0)
      return c;
  }
  struct sel *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->el = el;
  *link = c;
  return c;
}

static void sel_free(struct sel *s) {
  while (s) {
    struct sel *next = s->next;
    sel_free(s->child);
    free(s);
    s = next;
  }
}

static void sel_add(struct sel *root, const struct expr *path) {
  struct sel *s = root;
  for (uint32_t i = 0; i < path->nelems && !s->whole; i++) s = sel_child(s, &path->elems[i]);
  s->whole = true;
}

static int cmp_index(const void *a, const void *b) {
  int64_t x = (*(struct sel *const *)a)->el->index, y = (*(struct sel *const *)b)->el->index;
  return x < y ? -1 : x > y;
}

/* The projection of av (an AttributeValue) under selection s: a new reference,
** or NULL when nothing selected exists. */
static json_t *render(const struct sel *s, const json_t *av) {
  if (!av) return NULL;
  if (s->whole) return json_deep_copy(av);
  if (!s->child) return NULL;
  if (s->child->el->kind == EXPR_ELEM_INDEX) {
    const json_t *l = json_object_get(av, "L");
    if (!json_is_array(l)) return NULL;
    size_t n = 0;
    for (const struct sel *c = s->child; c; c = c->next) n++;
    struct sel **v = malloc(n * sizeof *v);
    if (!v) abort();
    n = 0;
    for (struct sel *c = s->child; c; c = c->next) v[n++] = c;
    qsort(v, n, sizeof *v, cmp_index);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
      int64_t ix = v[i]->el->index;
      if (ix < 0 || (uint64_t)ix >= json_array_size(l)) continue;
      json_t *x = render(v[i], json_array_get(l, (size_t)ix));
      if (x) json_array_append_new(out, x);
    }
    free(v);
    if (json_array_size(out) == 0) {
      json_decref(out);
      return NULL;
    }
    return json_pack("{so}", "L", out);
  }
  const json_t *m = json_object_get(av, "M");
  if (!json_is_object(m)) return NULL;
  json_t *out = json_object();
  for (const struct sel *c = s->child; c; c = c->next) {
    json_t *x = render(c, json_object_getn(m, c->el->name, c->el->len));
    if (x) json_object_setn_new(out, c->el->name, c->el->len, x);
  }
  if (json_object_size(out) == 0) {
    json_decref(out);
    return NULL;
  }
  return json_pack("{so}", "M", out);
}

/* Project item onto paths[0..n). */
static json_t *project_paths(struct expr *const *paths, uint32_t n, const json_t *item) {
  struct sel root = {0};
  for (uint32_t i = 0; i < n; i++)
    if (paths[i]->nelems > 0 && paths[i]->elems[0].kind != EXPR_ELEM_INDEX) sel_add(&root, paths[i]);
  json_t *out = json_object();
  for (const struct sel *c = root.child; item && c; c = c->next) {
    json_t *x = render(c, json_object_getn(item, c->el->name, c->el->len));
    if (x) json_object_setn_new(out, c->el->name, c->el->len, x);
  }
  sel_free(root.child);
  return out;
}

json_t *expr_project(const struct expr *projection, const json_t *item) {
  if (!projection || projection->op != EXPR_OP_PROJECTION) return json_object();
  return project_paths(projection->args, projection->nargs, item);
}

json_t *expr_update_returned(const struct expr *update, const json_t *item) {
  if (!update || update->op != EXPR_OP_UPDATE) return json_object();
  uint32_t n = 0;
  for (uint32_t i = 0; i < update->nargs; i++) n += update->args[i]->nargs;
  struct expr **paths = malloc((n ? n : 1) * sizeof *paths);
  if (!paths) abort();
  n = 0;
  for (uint32_t i = 0; i < update->nargs; i++)
    for (uint32_t j = 0; j < update->args[i]->nargs; j++) paths[n++] = update->args[i]->args[j]->args[0];
  json_t *out = project_paths(paths, n, item);
  free(paths);
  return out;
}

bool expr_update_touches(const struct expr *update, const char *name, size_t len) {
  if (!update || update->op != EXPR_OP_UPDATE) return false;
  for (uint32_t i = 0; i < update->nargs; i++)
    for (uint32_t j = 0; j < update->args[i]->nargs; j++) {
      const struct expr *path = update->args[i]->args[j]->args[0];
      const struct expr_elem *el = &path->elems[0];
      if (el->kind != EXPR_ELEM_INDEX && el->len == len && memcmp(el->name, name, len) == 0)
        return true;
    }
  return false;
}

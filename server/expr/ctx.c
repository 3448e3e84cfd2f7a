/*
** server/expr/ctx.c: the per-request expression context: the request's
** ExpressionAttributeNames / ExpressionAttributeValues, which of them the
** expressions used, the parsed trees, and the diagnostic of a failure.
**
** DynamoDB lists unused keys in the iteration order of a java.util.HashSet
** copied from the request's map: buckets in index order, where the index is the
** low bits of String.hashCode() ^ (hashCode >>> 16) for a table of
** max(n / 0.75 + 1, 16) rounded up to a power of two (n = all keys of the map),
** and the request's order within a bucket. DynamoDB Local 1.25 agrees
** ("{#c, #a1, #a, #b}").
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "value.h"

static const char *const kind_names[EXPR_KIND_COUNT] = {
    "ConditionExpression", "FilterExpression", "KeyConditionExpression",
    "ProjectionExpression", "UpdateExpression",
};

const char *expr_kind_name(enum expr_kind kind) {
  return kind < EXPR_KIND_COUNT ? kind_names[kind] : "";
}

const char *expr_diag_class_name(enum expr_diag_class c) {
  switch (c) {
  case EXPR_DIAG_NONE: return "none";
  case EXPR_DIAG_EMPTY: return "empty";
  case EXPR_DIAG_TOO_LONG: return "too-long";
  case EXPR_DIAG_SYNTAX: return "syntax";
  case EXPR_DIAG_STRUCTURE: return "structure";
  case EXPR_DIAG_RESERVED: return "reserved-word";
  case EXPR_DIAG_FUNCTION: return "function";
  case EXPR_DIAG_UNDEFINED_NAME: return "undefined-name";
  case EXPR_DIAG_UNDEFINED_VALUE: return "undefined-value";
  case EXPR_DIAG_UNUSED_NAME: return "unused-name";
  case EXPR_DIAG_UNUSED_VALUE: return "unused-value";
  case EXPR_DIAG_PATH: return "path";
  case EXPR_DIAG_LIMIT: return "limit";
  case EXPR_DIAG_TYPE: return "type";
  }
  return "none";
}

static int cmp_key(const void *a, const void *b) {
  return strcmp(((const struct expr_key *)a)->key, ((const struct expr_key *)b)->key);
}

static struct expr_key *load_keys(struct arena *a, const json_t *obj, size_t *n) {
  *n = json_is_object(obj) ? json_object_size(obj) : 0;
  if (*n == 0) return NULL;
  struct expr_key *keys = arena_alloc(a, *n * sizeof *keys);
  const char *k;
  json_t *v;
  size_t i = 0;
  json_object_foreach((json_t *)obj, k, v) {
    keys[i].key = k;
    keys[i].value = v;
    keys[i].order = (uint32_t)i;
    i++;
  }
  qsort(keys, *n, sizeof *keys, cmp_key);
  return keys;
}

struct expr_ctx *expr_ctx_new(struct arena *a, const json_t *names, const json_t *values) {
  struct expr_ctx *c = arena_alloc(a, sizeof *c);
  c->arena = a;
  c->names = load_keys(a, names, &c->nnames);
  c->values = load_keys(a, values, &c->nvalues);
  c->diag.offset = UINT32_MAX;
  c->diag.kind = EXPR_KIND_COUNT;
  return c;
}

struct expr_key *expr__lookup(struct expr_key *keys, size_t n, const char *key) {
  if (!keys) return NULL;
  struct expr_key probe = {.key = key};
  struct expr_key *k = bsearch(&probe, keys, n, sizeof *keys, cmp_key);
  if (k) k->used = true;
  return k;
}

const struct expr_diag *expr_ctx_diag(const struct expr_ctx *c) {
  return c->failed ? &c->diag : NULL;
}

const struct expr *expr_ctx_get(const struct expr_ctx *c, enum expr_kind kind) {
  return kind < EXPR_KIND_COUNT ? c->parsed[kind] : NULL;
}

void expr_ctx_set(struct expr_ctx *c, enum expr_kind kind, const struct expr *root) {
  if (c && root && kind < EXPR_KIND_COUNT && !c->parsed[kind]) c->parsed[kind] = root;
}

/* Record the diagnostic and fail e with msg (already formatted, arena). */
static int record(struct expr_ctx *c, struct ddb_err *e, enum expr_kind kind,
                  enum expr_diag_class cls, const char *text, size_t len, const char *token,
                  uint32_t offset, const char *msg) {
  c->failed = true;
  c->diag.cls = cls;
  c->diag.kind = kind;
  c->diag.text = text ? arena_strndup(c->arena, text, len) : NULL;
  c->diag.text_len = text ? len : 0;
  c->diag.token = token ? arena_strdup(c->arena, token) : NULL;
  c->diag.offset = offset;
  c->diag.message = msg;
  return ddb_fail(e, DDB_VALIDATION, "%s", msg);
}

int expr__fail(struct expr_ctx *c, struct ddb_err *e, enum expr_kind kind,
               enum expr_diag_class cls, const char *text, size_t len, const char *token,
               uint32_t offset, const char *fmt, ...) {
  va_list ap;
  char *body = NULL;
  va_start(ap, fmt);
  if (vasprintf(&body, fmt, ap) < 0) body = NULL;
  va_end(ap);
  char *msg = arena_printf(c->arena, "Invalid %s: %s", expr_kind_name(kind), body ? body : "");
  free(body);
  return record(c, e, kind, cls, text, len, token, offset, msg);
}

int expr_parse(struct expr_ctx *c, enum expr_kind kind, const char *text, size_t len,
               const struct expr **out, struct ddb_err *e) {
  *out = NULL;
  if (kind >= EXPR_KIND_COUNT) return ddb_fail(e, DDB_INTERNAL, "bad expression kind");
  if (len == 0)
    return expr__fail(c, e, kind, EXPR_DIAG_EMPTY, text, len, NULL, UINT32_MAX,
                      "The expression can not be empty;");
  size_t units = expr__utf16_length(text, len);
  if (units > EXPR_MAX_LENGTH) {
    /* DynamoDB adds the size for the condition-like kinds only. */
    if (kind == EXPR_UPDATE || kind == EXPR_PROJECTION)
      return expr__fail(c, e, kind, EXPR_DIAG_TOO_LONG, text, len, NULL, UINT32_MAX,
                        "Expression size has exceeded the maximum allowed size;");
    return expr__fail(c, e, kind, EXPR_DIAG_TOO_LONG, text, len, NULL, UINT32_MAX,
                      "Expression size has exceeded the maximum allowed size; expression size: %zu",
                      units);
  }
  struct expr *root = expr__parse_syntax(c, kind, text, len, e);
  if (!root) return -1;
  if (expr__validate(c, kind, root, text, len, e)) return -1;
  c->parsed[kind] = root;
  *out = root;
  return 0;
}

/*---------------------------- Unused keys ----------------------------------*/

struct unused_ent {
  const char *key;
  uint32_t bucket, order;
};

static int cmp_unused(const void *a, const void *b) {
  const struct unused_ent *x = a, *y = b;
  if (x->bucket != y->bucket) return x->bucket < y->bucket ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The "{#a, #b}" list of unused keys in HashSet order, or NULL if none. */
static char *unused_list(struct arena *a, const struct expr_key *keys, size_t n) {
  size_t nunused = 0;
  for (size_t i = 0; i < n; i++) nunused += !keys[i].used;
  if (nunused == 0) return NULL;
  size_t want = (size_t)((float)n / 0.75f) + 1, cap = 1;
  if (want < 16) want = 16;
  while (cap < want) cap <<= 1;
  struct unused_ent *u = arena_alloc(a, nunused * sizeof *u);
  size_t j = 0, total = 0;
  for (size_t i = 0; i < n; i++) {
    if (keys[i].used) continue;
    uint32_t h = expr__java_hash(keys[i].key, strlen(keys[i].key));
    u[j].key = keys[i].key;
    u[j].bucket = expr__java_bucket(h, (uint32_t)cap);
    u[j].order = keys[i].order;
    total += strlen(keys[i].key) + 2;
    j++;
  }
  qsort(u, nunused, sizeof *u, cmp_unused);
  char *out = arena_alloc(a, total + 1), *w = out;
  for (size_t i = 0; i < nunused; i++) {
    if (i) { *w++ = ','; *w++ = ' '; }
    size_t kl = strlen(u[i].key);
    memcpy(w, u[i].key, kl);
    w += kl;
  }
  *w = 0;
  return out;
}

int expr_ctx_check_unused(struct expr_ctx *c, struct ddb_err *e) {
  char *list = unused_list(c->arena, c->names, c->nnames);
  if (list)
    return record(c, e, EXPR_KIND_COUNT, EXPR_DIAG_UNUSED_NAME, NULL, 0, list, UINT32_MAX,
                  arena_printf(c->arena,
                               "Value provided in ExpressionAttributeNames unused in expressions: "
                               "keys: {%s}", list));
  list = unused_list(c->arena, c->values, c->nvalues);
  if (list)
    return record(c, e, EXPR_KIND_COUNT, EXPR_DIAG_UNUSED_VALUE, NULL, 0, list, UINT32_MAX,
                  arena_printf(c->arena,
                               "Value provided in ExpressionAttributeValues unused in expressions: "
                               "keys: {%s}", list));
  return 0;
}

/*----------------------- ExpressionAttribute* maps --------------------------*/

/* #name / :name with one or more [0-9A-Za-z_] after the sigil. */
static bool key_ok(const char *k, char sigil) {
  if (k[0] != sigil || !k[1]) return false;
  for (const char *z = k + 1; *z; z++) {
    char ch = *z;
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'))
      return false;
  }
  return true;
}

int expr_check_attribute_maps(const json_t *names, json_t *values, unsigned value_flags,
                              struct ddb_err *e) {
  const char *k;
  json_t *v;
  if (names) {
    if (json_object_size(names) == 0)
      return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeNames must not be empty");
    json_object_foreach((json_t *)names, k, v) {
      if (!key_ok(k, '#'))
        return ddb_fail(e, DDB_VALIDATION,
                        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k);
    }
    json_object_foreach((json_t *)names, k, v) {
      if (json_is_string(v) && json_string_length(v) == 0)
        return ddb_fail(e, DDB_VALIDATION,
                        "ExpressionAttributeNames contains invalid value: Empty attribute name for key %s",
                        k);
    }
  }
  if (values) {
    if (json_object_size(values) == 0)
      return ddb_fail(e, DDB_VALIDATION, "ExpressionAttributeValues must not be empty");
    json_object_foreach(values, k, v) {
      if (!key_ok(k, ':'))
        return ddb_fail(e, DDB_VALIDATION,
                        "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", k);
    }
    json_object_foreach(values, k, v) {
      struct ddb_err sub = {0};
      if (value_check_ex(v, 1, value_flags, &sub)) {
        if (sub.code != DDB_VALIDATION) { /* shape errors pass through unchanged */
          int rc = ddb_fail(e, sub.code, "%s", sub.msg ? sub.msg : "");
          ddb_err_clear(&sub);
          return rc;
        }
        int rc = ddb_fail(e, sub.code, "ExpressionAttributeValues contains invalid value: %s for key %s",
                          sub.msg ? sub.msg : "", k);
        ddb_err_clear(&sub);
        return rc;
      }
    }
  }
  return 0;
}

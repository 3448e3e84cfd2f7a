/*
** server/partiql/value.c: PartiQL literals as AttributeValues, and the checks
** DynamoDB runs on a request's Parameters.
**
** Literals map as DynamoDB maps them: 'text' -> S, numbers -> N (canonical),
** TRUE/FALSE -> BOOL, NULL -> NULL, [..] -> L, {'k': v} -> M, <<'a','b'>> -> SS
** and <<1, 2>> -> NS (the first member decides), ? -> the parameter's value.
** DynamoDB's messages name where a bad value sits, relative to the attribute's
** value ("root", "root.x", "root[1]"); the ones its PartiQL layer raises carry
** the token's position too (texts from the public Parity Suite's captures of
** real DynamoDB, and from DynamoDB Local 1.25 where the suite has none):
**   "Number overflow. Attempting to store a number ... range under root.x"
**   "Duplicate keys in tuple. Key: a under root at 1:43:3"
**   "Tuple keys must be of type String. Actual type: INT under root at 1:35:1"
**   "Unsupported data type: MISSING under key root at 1:40:7"
**   "Empty bags are not supported at 1:41:2"
**
** Parameters are read the way Java's BigDecimal reads a string: an exponent or
** a scale (digits after the point minus the exponent) outside a 32-bit integer
** cannot be converted at all, and the magnitude check on precision minus scale
** wraps in 32-bit arithmetic, so 1e2147483647 is an underflow (Parity Suite,
** tests/tier3/error-messages/partiqlParameterNumbers.test.ts).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "partiql.h"
#include "value.h"

#define MSG_NOT_NUMERIC "The parameter cannot be converted to a numeric value"
#define MSG_BAG_TYPE "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"

struct conv {
  struct arena *a;
  const char *text;
  size_t text_len;
  const json_t *params;
  struct ddb_err *e;
};

static char *conv_pos(struct conv *c, const struct pql_node *n) {
  return pql_position(c->a, c->text, c->text_len, n->pos, n->len);
}

static json_t *conv_fail(struct conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_t *conv_fail(struct conv *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ddb_vfail(c->e, DDB_VALIDATION, fmt, ap);
  va_end(ap);
  return NULL;
}

/* The Ion type of a node that is no string, for "Actual type: ...". */
static const char *ion_type(const struct pql_node *n) {
  switch (n->kind) {
  case PQL_N_NUMBER:
    return strpbrk(n->text, ".eE") ? "DECIMAL" : "INT";
  case PQL_N_BOOL: return "BOOL";
  case PQL_N_NULL: return "NULL";
  case PQL_N_MISSING: return "MISSING";
  case PQL_N_LIST: return "LIST";
  case PQL_N_BAG: return "BAG";
  case PQL_N_STRUCT: return "STRUCT";
  default: return "SYMBOL";
  }
}

/* The Ion type of an Ion literal's text (`1` -> INT). */
static const char *ion_literal_type(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '"' || *s == '\'') return "STRING";
  if (*s == '{') return s[1] == '{' ? "BLOB" : "STRUCT";
  if (*s == '[') return "LIST";
  if (*s == '(') return "SEXP";
  if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) return "BOOL";
  if (strncmp(s, "null", 4) == 0) return "NULL";
  const char *p = s;
  if (*p == '-') p++;
  if (*p >= '0' && *p <= '9') {
    while (*p >= '0' && *p <= '9') p++;
    return *p == '.' || *p == 'd' || *p == 'D' ? "DECIMAL" : *p == 'e' || *p == 'E' ? "FLOAT" : "INT";
  }
  return "SYMBOL";
}

/* The text of a node's main token as written ("||", "y", "\"c\"" ...). */
static char *token_text(struct conv *c, const struct pql_node *n) {
  if (n->kind == PQL_N_MISSING) return "MISSING";
  if (n->kind == PQL_N_ID || n->kind == PQL_N_CALL) return arena_strndup(c->a, n->text, n->tlen);
  return arena_strndup(c->a, c->text + n->pos, n->len);
}

static json_t *number(struct conv *c, const struct pql_node *n, const char *path) {
  struct ddb_num num;
  enum num_status st = num_parse(n->text, n->tlen, &num);
  if (st != NUM_OK) return conv_fail(c, "%s under %s", num_status_message(st), path);
  if (num.sign == 0 && n->text[0] == '-' && strpbrk(n->text, ".eE"))
    return conv_fail(c, "Negative zero decimal is not supported under key %s at %s", path, conv_pos(c, n));
  char buf[NUM_FORMAT_MAX];
  num_format(&num, buf);
  return json_pack("{ss}", "N", buf);
}

static json_t *convert(struct conv *c, const struct pql_node *n, const char *path);

/* <<...>>: a string or number set. */
static json_t *bag(struct conv *c, const struct pql_node *n, const char *path) {
  if (n->nkids == 0) return conv_fail(c, "Empty bags are not supported at %s", conv_pos(c, n));
  const char *type = NULL;
  json_t *members = json_array();
  for (uint32_t i = 0; i < n->nkids; i++) {
    const struct pql_node *m = n->kids[i];
    json_t *v = NULL;
    const char *t = NULL;
    if (m->kind == PQL_N_STRING || m->kind == PQL_N_NUMBER) {
      v = convert(c, m, path);
      if (!v) {
        json_decref(members);
        return NULL;
      }
      t = m->kind == PQL_N_STRING ? "S" : "N";
    } else if (m->kind == PQL_N_PARAM) {
      const json_t *pv = json_array_get(c->params, m->param);
      if (json_object_get(pv, "S")) t = "S";
      else if (json_object_get(pv, "N")) t = "N";
      if (t) v = json_deep_copy(pv);
    }
    if (!t || (type && strcmp(type, t) != 0)) {
      json_decref(v);
      json_decref(members);
      if (type && strcmp(type, "N") == 0) return conv_fail(c, MSG_BAG_TYPE);
      return conv_fail(c, MSG_BAG_TYPE " at %s", conv_pos(c, m));
    }
    type = t;
    json_array_append(members, json_object_get(v, t));
    json_decref(v);
  }
  /* Duplicates, compared as DynamoDB compares set members. */
  size_t count = json_array_size(members);
  for (size_t i = 0; i < count; i++) {
    for (size_t j = i + 1; j < count; j++) {
      json_t *x = json_pack("{sO}", type, json_array_get(members, i));
      json_t *y = json_pack("{sO}", type, json_array_get(members, j));
      bool same = value_equal(x, y);
      json_decref(x);
      json_decref(y);
      if (!same) continue;
      char *list = arena_strdup(c->a, "[");
      for (size_t k = 0; k < count; k++)
        list = arena_printf(c->a, "%s%s%s", list, k ? ", " : "",
                            json_string_value(json_array_get(members, k)));
      json_decref(members);
      return conv_fail(c, "One or more parameter values were invalid: Input collection %s] contains "
                     "duplicates.", list);
    }
  }
  return json_pack("{so}", strcmp(type, "S") == 0 ? "SS" : "NS", members);
}

/* {k: v, ...} as a map payload ({"k": av}); item: the INSERT's item itself,
** whose duplicate key DynamoDB points at rather than at the struct. */
static json_t *members(struct conv *c, const struct pql_node *n, const char *path, bool item) {
  json_t *m = json_object();
  for (uint32_t i = 0; i + 1 < n->nkids; i += 2) {
    const struct pql_node *k = n->kids[i], *v = n->kids[i + 1];
    const char *key = NULL;
    size_t klen = 0;
    if (k->kind == PQL_N_STRING) {
      key = k->text;
      klen = k->tlen;
    } else if (k->kind == PQL_N_PARAM) {
      const json_t *s = json_object_get(json_array_get(c->params, k->param), "S");
      key = json_string_value(s);
      klen = json_string_length(s);
    }
    if (!key) {
      json_decref(m);
      return conv_fail(c, "Tuple keys must be of type String. Actual type: %s under %s at %s",
                  ion_type(k), path, conv_pos(c, k));
    }
    if (json_object_getn(m, key, klen)) {
      json_decref(m);
      return conv_fail(c, "Duplicate keys in tuple. Key: %.*s under %s at %s", (int)klen, key, path,
                  conv_pos(c, item ? k : n));
    }
    char *sub = item ? "root" : arena_printf(c->a, "%s.%.*s", path, (int)klen, key);
    json_t *av = convert(c, v, sub);
    if (!av) {
      json_decref(m);
      return NULL;
    }
    json_object_setn_new(m, key, klen, av);
  }
  return m;
}

static json_t *convert(struct conv *c, const struct pql_node *n, const char *path) {
  switch (n->kind) {
  case PQL_N_STRING: return json_pack("{ss%}", "S", n->text, n->tlen);
  case PQL_N_NUMBER: return number(c, n, path);
  case PQL_N_BOOL: return json_pack("{sb}", "BOOL", (n->flags & PQL_F_TRUE) != 0);
  case PQL_N_NULL: return json_pack("{sb}", "NULL", 1);
  case PQL_N_PARAM: {
    const json_t *v = json_array_get(c->params, n->param);
    if (!v) return conv_fail(c, "Number of parameters in request and statement don't match.");
    return json_deep_copy(v);
  }
  case PQL_N_ION:
    return conv_fail(c, "Ion Literals are not supported: %s under key %s at %s", ion_literal_type(n->text),
                path, conv_pos(c, n));
  case PQL_N_LIST: {
    json_t *l = json_array();
    for (uint32_t i = 0; i < n->nkids; i++) {
      json_t *av = convert(c, n->kids[i], arena_printf(c->a, "%s[%u]", path, i));
      if (!av) {
        json_decref(l);
        return NULL;
      }
      json_array_append_new(l, av);
    }
    return json_pack("{so}", "L", l);
  }
  case PQL_N_BAG: return bag(c, n, path);
  case PQL_N_STRUCT: {
    json_t *m = members(c, n, path, false);
    return m ? json_pack("{so}", "M", m) : NULL;
  }
  default:
    return conv_fail(c, "Unsupported data type: %s under key %s at %s", token_text(c, n), path, conv_pos(c, n));
  }
}

json_t *pql_value(struct arena *a, const char *text, size_t text_len, const struct pql_node *n,
                  const json_t *params, struct ddb_err *e) {
  struct conv c = {a, text, text_len, params, e};
  return convert(&c, n, "root");
}

json_t *pql_item(struct arena *a, const char *text, size_t text_len, const struct pql_node *n,
                 const json_t *params, struct ddb_err *e) {
  struct conv c = {a, text, text_len, params, e};
  return members(&c, n, "root", true);
}

bool pql_is_value(const struct pql_node *n) {
  switch (n->kind) {
  case PQL_N_STRING: case PQL_N_NUMBER: case PQL_N_BOOL: case PQL_N_NULL: case PQL_N_PARAM:
    return true;
  case PQL_N_LIST: case PQL_N_BAG: case PQL_N_STRUCT:
    for (uint32_t i = 0; i < n->nkids; i++)
      if (!pql_is_value(n->kids[i])) return false;
    return true;
  default:
    return false;
  }
}

/*------------------------------ Parameters ----------------------------------*/

/* Java's BigDecimal on number text s: 0 when it converts, else -1 with e set
** (cannot be converted, or the wrapped magnitude check's verdict). Text that
** is no number at all is left to value_check. */
static int java_number(const char *s, size_t n, struct ddb_err *e) {
  size_t i = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  int64_t digits = 0, frac = 0, lead = 0;
  bool seen_nonzero = false, any = false;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, any = true) {
    if (s[i] != '0') seen_nonzero = true;
    if (seen_nonzero) digits++;
  }
  if (i < n && s[i] == '.') {
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, any = true) {
      frac++;
      if (s[i] != '0') seen_nonzero = true;
      if (seen_nonzero) digits++;
      else lead++;
    }
  }
  if (!any) return 0;
  int64_t exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i >= n) return 0;
    bool big = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
      if (exp < 100000000000LL) exp = exp * 10 + (s[i] - '0');
      else big = true;
    }
    if (neg) exp = -exp;
    if (big || exp > INT32_MAX || exp < INT32_MIN)
      return ddb_fail(e, DDB_VALIDATION, MSG_NOT_NUMERIC ": %.*s", (int)n, s);
  }
  if (i != n) return 0;
  int64_t scale = frac - exp;
  if (scale > INT32_MAX || scale < INT32_MIN)
    return ddb_fail(e, DDB_VALIDATION, MSG_NOT_NUMERIC ": %.*s", (int)n, s);
  if (!seen_nonzero) return 0;
  /* precision - scale in 32-bit arithmetic: when it wraps, DynamoDB's range
  ** check sees the wrapped value. */
  int64_t exact = digits - scale;
  int32_t wrapped = (int32_t)(uint32_t)(uint64_t)exact;
  if (wrapped == exact) return 0;
  if ((int64_t)wrapped - 1 > 125) return ddb_fail(e, DDB_VALIDATION, "%s", num_status_message(NUM_OVERFLOW));
  return ddb_fail(e, DDB_VALIDATION, "%s", num_status_message(NUM_UNDERFLOW));
}

/* The BigDecimal pass over one value, in document order, down to DynamoDB's
** nesting limit (deeper values get the nesting error from value_check). */
static int java_numbers(const json_t *av, int depth, struct ddb_err *e) {
  if (!json_is_object(av) || depth > VALUE_MAX_DEPTH) return 0;
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)av, k, v) {
    if (strcmp(k, "N") == 0 && json_is_string(v)) {
      if (java_number(json_string_value(v), json_string_length(v), e)) return -1;
    } else if (strcmp(k, "NS") == 0 && json_is_array(v)) {
      size_t i;
      json_t *m;
      json_array_foreach(v, i, m) {
        if (json_is_string(m) && java_number(json_string_value(m), json_string_length(m), e))
          return -1;
      }
    } else if (strcmp(k, "L") == 0 && json_is_array(v)) {
      size_t i;
      json_t *m;
      json_array_foreach(v, i, m) {
        if (java_numbers(m, depth + 1, e)) return -1;
      }
    } else if (strcmp(k, "M") == 0 && json_is_object(v)) {
      const char *mk;
      json_t *m;
      json_object_foreach(v, mk, m) {
        if (java_numbers(m, depth + 1, e)) return -1;
      }
    }
  }
  return 0;
}

int pql_check_parameters(json_t *params, struct ddb_err *e) {
  size_t i;
  json_t *v;
  json_array_foreach(params, i, v) {
    if (value_check_shape(v, e)) return -1;
  }
  json_array_foreach(params, i, v) {
    if (java_numbers(v, 1, e)) return -1;
    if (value_check_ex(v, 1, VALUE_OLDER | VALUE_SHAPE_DONE, e)) return -1;
  }
  return 0;
}

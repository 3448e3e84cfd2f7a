/*
** server/validate.c: DynamoDB's generic request-shape validation (validate.h).
**
** Two walks over the request, driven by the generated model (model/model.h):
**
**   type_*()   the deserialiser's view: walks the JSON in document order and
**              stops at the first type mismatch (SerializationException).
**              Texts come from dynalite's captures (validations/index.js);
**              which text applies depends on where a value sits: a structure
**              member ("field"), a list element or a map value ("value").
**   check_*()  the validator's view: walks the model in DynamoDB's member
**              order and collects constraint violations into a validate_list.
**              Paths are lowerCamel with ".<n>.member" for list elements
**              (1-based) and ".<key>.member" for map values.
**
** Nothing is allocated unless something is wrong (or a scalar has to be
** converted, see validate.h); patterns are matched by hand-written functions.
*/
#include "validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/model.h"
#include "value.h"

/* SerializationException texts (dynalite validations/index.js, from AWS). */
#define SER_START_MAP "Start of structure or map found where not expected"
#define SER_FIELD_TYPE "Unexpected field type"
#define SER_VALUE_TYPE "Unexpected value type in payload"
#define SER_BOOL_TOKEN "Unexpected token received from parser"
#define SER_BLOB_SCALAR "only base-64-encoded strings are convertible to bytes"
#define SER_BLOB_LENGTH "Base64 encoded length is expected a multiple of 4 bytes but found: %zu"
#define SER_BLOB_INVALID "Invalid last non-pad Base64 character dectected" /* sic */
#define SER_CAST                                                                   \
  "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be " \
  "cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects."        \
  "ParameterizedTypeImpl and java.lang.Class are in module java.base of loader "  \
  "'bootstrap')"
#define JAVA_PKG "com.amazonaws.dynamodb.v20120810."

/* Table names (TableName shape) and, since 2024, table ARNs (TableArn). */
#define TABLE_NAME_PATTERN "[a-zA-Z0-9_.-]+"
#define TABLE_NAME_MIN 3
#define TABLE_NAME_MAX 255
#define TABLE_ARN_MAX 1024

/* Where a value sits, which decides the wording of a type error. */
enum where {
  AT_FIELD, /* member of a structure (or the body itself) */
  AT_ELEM,  /* element of a list */
  AT_VALUE, /* value of a map */
};

/*---------------------------- Small helpers -------------------------------*/


static const struct model_shape *shape_at(uint16_t ix) { return &model_shapes[ix]; }

/* Java's name for a scalar type in "... cannot be converted to <T>". */
static const char *scalar_java(uint8_t type) {
  switch (type) {
  case MT_INTEGER: return "Integer";
  case MT_LONG: return "Long";
  case MT_DOUBLE: return "Double";
  case MT_BOOLEAN: return "Boolean";
  case MT_TIMESTAMP: return "Date";
  default: return "String";
  }
}

static const char *scalar_java_class(uint8_t type) {
  switch (type) {
  case MT_INTEGER: return "java.lang.Integer";
  case MT_LONG: return "java.lang.Long";
  case MT_DOUBLE: return "java.lang.Double";
  case MT_BOOLEAN: return "java.lang.Boolean";
  case MT_TIMESTAMP: return "java.util.Date";
  case MT_BLOB: return "java.nio.ByteBuffer";
  default: return "java.lang.String";
  }
}

static int ser(struct ddb_err *e, const char *msg) {
  return ddb_fail(e, DDB_SERIALIZATION, "%s", msg);
}

/* The deserialiser's token name for a JSON scalar. */
static const char *token_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_TRUE: return "TRUE_VALUE";
  case JSON_FALSE: return "FALSE_VALUE";
  case JSON_INTEGER: return "NUMBER_VALUE";
  case JSON_REAL: return "DECIMAL_VALUE";
  default: return "STRING_VALUE";
  }
}

/* "true", "1", "yes" -> 1; "false", "0", "no" -> 0 (any case); else -1. */
static int bool_word(const char *s, size_t len) {
  static const char *const words[] = {"true", "1", "yes", "false", "0", "no"};
  for (int i = 0; i < 6; i++)
    if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0) return i < 3;
  return -1;
}

/*---------------------------- Type phase ----------------------------------*/

static int type_value(const struct model_shape *s, json_t *v, enum where at, json_t **repl,
                      struct ddb_err *e);

/* A JSON value where the model has a scalar. Sets *repl (new reference) when
** DynamoDB converts the value. */
static int type_scalar(const struct model_shape *s, json_t *v, json_t **repl, struct ddb_err *e) {
  const char *java = scalar_java(s->type);
  switch (json_typeof(v)) {
  case JSON_ARRAY:
    return ddb_fail(e, DDB_SERIALIZATION, "Unrecognized collection type class %s",
                    scalar_java_class(s->type));
  case JSON_OBJECT: return ser(e, SER_START_MAP);
  case JSON_NULL: return 0;
  default: break;
  }
  switch (s->type) {
  case MT_STRING:
    if (json_is_string(v)) return 0;
    return ddb_fail(e, DDB_SERIALIZATION, "%s cannot be converted to String", token_name(v));
  case MT_BOOLEAN:
    if (json_is_boolean(v)) return 0;
    if (json_is_string(v)) {
      int b = bool_word(json_string_value(v), json_string_length(v));
      if (b < 0) return ser(e, SER_BOOL_TOKEN);
      *repl = json_boolean(b);
      return 0;
    }
    return ddb_fail(e, DDB_SERIALIZATION, "%s cannot be converted to Boolean", token_name(v));
  case MT_INTEGER:
  case MT_LONG:
    if (json_is_integer(v)) return 0;
    if (json_is_real(v)) {
      double d = floor(json_real_value(v));
      json_int_t i = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (json_int_t)d;
      *repl = json_integer(i);
      return 0;
    }
    return ddb_fail(e, DDB_SERIALIZATION, "%s cannot be converted to %s", token_name(v), java);
  case MT_DOUBLE:
  case MT_TIMESTAMP:
    if (json_is_number(v)) return 0;
    return ddb_fail(e, DDB_SERIALIZATION, "%s cannot be converted to %s", token_name(v), java);
  case MT_BLOB: {
    if (!json_is_string(v)) return ser(e, SER_BLOB_SCALAR);
    const char *t = json_string_value(v);
    size_t len = json_string_length(v);
    if (len % 4) return ddb_fail(e, DDB_SERIALIZATION, SER_BLOB_LENGTH, value_utf16_len(t, len));
    if (value_b64_decoded_len(t, len) == (size_t)-1) return ser(e, SER_BLOB_INVALID);
    return 0;
  }
  }
  return 0;
}

/* A structure's members, type-checked. A member set to JSON null counts as
** absent, as in DynamoDB: it is removed, so operations never see it. */
static int type_struct(const struct model_shape *s, json_t *obj, struct ddb_err *e) {
  bool saw_null = false;
  for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
    json_t *v = json_object_iter_value(it);
    if (json_is_null(v)) {
      saw_null = true;
      continue;
    }
    const struct model_member *m =
        model_member_find(s, json_object_iter_key(it), json_object_iter_key_len(it));
    if (!m) continue; /* unknown members are ignored, as DynamoDB does */
    json_t *repl = NULL;
    if (type_value(shape_at(m->shape), v, AT_FIELD, &repl, e)) return -1;
    if (repl) json_object_iter_set_new(obj, it, repl);
  }
  while (saw_null) { /* deleting invalidates iterators: one at a time */
    saw_null = false;
    for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it))
      if (json_is_null(json_object_iter_value(it))) {
        json_object_deln(obj, json_object_iter_key(it), json_object_iter_key_len(it));
        saw_null = true;
        break;
      }
  }
  return 0;
}

/* A value of any model type at `at`. */
static int type_value(const struct model_shape *s, json_t *v, enum where at, json_t **repl,
                      struct ddb_err *e) {
  if (json_is_null(v)) return 0;
  switch (s->type) {
  case MT_STRUCT:
    if (json_is_object(v)) return type_struct(s, v, e);
    if (json_is_array(v))
      return ddb_fail(e, DDB_SERIALIZATION, "Unrecognized collection type class " JAVA_PKG "%s",
                      s->name);
    return ser(e, at == AT_FIELD ? SER_FIELD_TYPE : SER_VALUE_TYPE);
  case MT_LIST: {
    if (json_is_object(v)) return ser(e, SER_START_MAP);
    if (!json_is_array(v)) return ser(e, at == AT_FIELD ? SER_FIELD_TYPE : SER_CAST);
    const struct model_shape *es = shape_at(s->elem);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      json_t *r = NULL;
      if (type_value(es, x, AT_ELEM, &r, e)) return -1;
      if (r) json_array_set_new(v, i, r);
    }
    return 0;
  }
  case MT_MAP: {
    if (json_is_array(v))
      return ddb_fail(e, DDB_SERIALIZATION, "Unrecognized collection type %s", s->java);
    if (!json_is_object(v)) return ser(e, at == AT_FIELD ? SER_FIELD_TYPE : SER_CAST);
    const struct model_shape *vs = shape_at(s->elem);
    for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
      json_t *r = NULL;
      if (type_value(vs, json_object_iter_value(it), AT_VALUE, &r, e)) return -1;
      if (r) json_object_iter_set_new(v, it, r);
    }
    return 0;
  }
  default: return type_scalar(s, v, repl, e);
  }
}

/*---------------------------- Pattern matchers ----------------------------*/

static bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_lower_hex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
static bool is_name_char(unsigned char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }

/* Next code point of valid UTF-8 at s[*i] (advances *i). */
static uint32_t next_cp(const unsigned char *s, size_t len, size_t *i) {
  uint32_t c = s[(*i)++];
  int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  c &= extra == 3 ? 0x07 : extra == 2 ? 0x0f : extra == 1 ? 0x1f : 0x7f;
  while (extra-- > 0 && *i < len) c = (c << 6) | (s[(*i)++] & 0x3f);
  return c;
}

/* Whole-string match of pattern p (Java regex semantics). */
static bool pattern_match(uint8_t p, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i;
  switch (p) {
  case MP_NAME:
    if (!len) return false;
    for (i = 0; i < len; i++)
      if (!is_name_char(s[i])) return false;
    return true;
  case MP_PRINT: /* \p{Print}: ASCII 0x20-0x7E */
    if (!len) return false;
    for (i = 0; i < len; i++)
      if (s[i] < 0x20 || s[i] > 0x7e) return false;
    return true;
  case MP_XML_TEXT:
    for (i = 0; i < len;) {
      uint32_t c = next_cp(s, len, &i);
      if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xd7ff) ||
            (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000))
        return false;
    }
    return true;
  case MP_NO_DOLLAR:
    return len > 0 && !memchr(s, '$', len);
  case MP_CI_RULE:
    if (len < 2 || len > 128 || !is_alnum(s[0]) || !is_alnum(s[len - 1])) return false;
    for (i = 1; i + 1 < len; i++)
      if (!is_name_char(s[i])) return false;
    return true;
  case MP_CSV_DELIMITER:
    return len == 1 && strchr(",;:|\t ", s[0]) && s[0];
  case MP_CSV_HEADER:
    for (i = 0; i < len; i++)
      if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == ',') return false;
    return true;
  case MP_HEX16:
    if (!len || len % 16) return false;
    for (i = 0; i < len; i++)
      if (!is_lower_hex(s[i])) return false;
    return true;
  case MP_S3_BUCKET: /* ^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$ */
    if (len < 2 || !is_alnum(s[0]) || !is_alnum(s[len - 1])) return false;
    for (i = 1; i + 1 < len; i++)
      if (!is_name_char(s[i])) return false;
    return true;
  case MP_ACCOUNT_ID:
    if (len != 12) return false;
    for (i = 0; i < len; i++)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  case MP_UUID:
    if (len != 36) return false;
    for (i = 0; i < len; i++) {
      bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? s[i] != '-' : !is_lower_hex(s[i])) return false;
    }
    return true;
  }
  return true;
}

/*---------------------------- Growable text -------------------------------*/

struct sbuf {
  char *p;
  size_t len, cap;
  bool oom;
};

static void sb_reserve(struct sbuf *b, size_t more) {
  if (b->oom || b->len + more + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 128;
  while (cap < b->len + more + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = true;
    return;
  }
  b->p = p;
  b->cap = cap;
}

static void sb_add(struct sbuf *b, const char *s, size_t n) {
  sb_reserve(b, n);
  if (b->oom) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  sb_reserve(b, (size_t)n);
  if (b->oom) return;
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

/*---------------------------- Rendering values ----------------------------*/

/* Java's Double.toString, closely enough: shortest round-trip digits, and a
** ".0" on integral values. */
static void render_double(struct sbuf *b, double d) {
  char tmp[40];
  if (d == floor(d) && fabs(d) < 1e7) {
    snprintf(tmp, sizeof tmp, "%.1f", d);
  } else {
    for (int prec = 1; prec <= 17; prec++) {
      snprintf(tmp, sizeof tmp, "%.*g", prec, d);
      if (strtod(tmp, NULL) == d) break;
    }
  }
  sb_str(b, tmp);
}

/* A JSON value without a model shape: strings bare, lists [a, b], objects
** {k=v}, the way Java collections print. */
static void render_json(struct sbuf *b, const json_t *v) {
  size_t i;
  const char *k;
  json_t *x;
  switch (json_typeof(v)) {
  case JSON_NULL: sb_str(b, "null"); break;
  case JSON_TRUE: sb_str(b, "true"); break;
  case JSON_FALSE: sb_str(b, "false"); break;
  case JSON_INTEGER: sb_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
  case JSON_REAL: render_double(b, json_real_value(v)); break;
  case JSON_STRING: sb_add(b, json_string_value(v), json_string_length(v)); break;
  case JSON_ARRAY:
    sb_str(b, "[");
    json_array_foreach((json_t *)v, i, x) {
      if (i) sb_str(b, ", ");
      render_json(b, x);
    }
    sb_str(b, "]");
    break;
  case JSON_OBJECT:
    sb_str(b, "{");
    i = 0;
    json_object_foreach((json_t *)v, k, x) {
      if (i++) sb_str(b, ", ");
      sb_printf(b, "%s=", k);
      render_json(b, x);
    }
    sb_str(b, "}");
    break;
  }
}

/* A value the way DynamoDB's Java objects print it: structures as Lombok's
** ClassName(field=value, ...), blobs as a HeapByteBuffer. */
static void render(struct sbuf *b, const struct model_shape *s, const json_t *v) {
  size_t i;
  const char *k;
  json_t *x;
  if (!v || json_is_null(v)) {
    sb_str(b, "null");
    return;
  }
  switch (s->type) {
  case MT_STRUCT:
    if (!json_is_object(v)) break;
    sb_printf(b, "%s(", s->name);
    for (uint16_t f = 0; f < s->nfields; f++) {
      const struct model_field *fd = &s->fields[f];
      sb_printf(b, "%s%s=", f ? ", " : "", fd->name);
      if (fd->member < 0) {
        sb_str(b, "null");
      } else {
        const struct model_member *m = &s->members[fd->member];
        render(b, shape_at(m->shape), json_object_get(v, m->name));
      }
    }
    sb_str(b, ")");
    return;
  case MT_LIST:
    if (!json_is_array(v)) break;
    sb_str(b, "[");
    json_array_foreach((json_t *)v, i, x) {
      if (i) sb_str(b, ", ");
      render(b, shape_at(s->elem), x);
    }
    sb_str(b, "]");
    return;
  case MT_MAP:
    if (!json_is_object(v)) break;
    sb_str(b, "{");
    i = 0;
    json_object_foreach((json_t *)v, k, x) {
      if (i++) sb_str(b, ", ");
      sb_printf(b, "%s=", k);
      render(b, shape_at(s->elem), x);
    }
    sb_str(b, "}");
    return;
  case MT_BLOB:
    if (!json_is_string(v)) break;
    size_t n = value_b64_decoded_len(json_string_value(v), json_string_length(v));
    sb_printf(b, "java.nio.HeapByteBuffer[pos=0 lim=%zu cap=%zu]", n, n);
    return;
  case MT_DOUBLE:
    if (!json_is_number(v)) break;
    render_double(b, json_number_value(v));
    return;
  }
  render_json(b, v);
}

/*---------------------------- The list ------------------------------------*/

void validate_list_init(struct validate_list *l) { memset(l, 0, sizeof *l); }

void validate_list_free(struct validate_list *l) {
  free(l->text);
  validate_list_init(l);
}

/* Start a new entry: returns false when the list is full. */
static bool list_open(struct validate_list *l, struct sbuf *b) {
  if (l->count >= VALIDATE_MAX_LISTED) return false;
  *b = (struct sbuf){l->text, l->len, l->cap, false};
  if (l->count) sb_str(b, "; ");
  return true;
}

static void list_close(struct validate_list *l, struct sbuf *b) {
  if (b->oom) { /* keep what was there; drop the entry */
    if (b->p && b->cap) b->p[l->len] = 0;
    l->text = b->p;
    l->cap = b->cap;
    return;
  }
  l->text = b->p;
  l->len = b->len;
  l->cap = b->cap;
  l->count++;
}

int validate_list_add(struct validate_list *l, const char *fmt, ...) {
  struct sbuf b;
  if (!list_open(l, &b)) return l->count;
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  list_close(l, &b);
  return l->count;
}

int validate_list_add_value(struct validate_list *l, const json_t *value, const char *path,
                            const char *constraint) {
  struct sbuf b;
  if (!list_open(l, &b)) return l->count;
  if (value && !json_is_null(value)) {
    sb_str(&b, "Value '");
    render_json(&b, value);
    sb_str(&b, "'");
  } else {
    sb_str(&b, "Value null");
  }
  sb_printf(&b, " at '%s' failed to satisfy constraint: %s", path, constraint);
  list_close(l, &b);
  return l->count;
}

int validate_list_finish(struct validate_list *l, struct ddb_err *e) {
  if (!l->count) {
    validate_list_free(l);
    return 0;
  }
  ddb_fail(e, DDB_VALIDATION, "%d validation error%s detected: %s", l->count,
           l->count == 1 ? "" : "s", l->text);
  validate_list_free(l);
  return -1;
}

/*---------------------------- Constraint phase ----------------------------*/

/* One step of the path from the body to the value being checked, kept on the
** C stack. */
struct seg {
  const struct seg *up;
  const struct model_member *m; /* a structure member, or NULL */
  const char *key;              /* a map key (with keylen), or NULL */
  size_t keylen;
  size_t index;                 /* a list position, 1-based (m, key NULL) */
};

static void render_path(struct sbuf *b, const struct seg *s, bool wire) {
  if (!s) return;
  if (s->up) {
    render_path(b, s->up, wire);
    sb_str(b, ".");
  }
  if (s->m) {
    sb_str(b, wire ? s->m->name : s->m->path);
  } else if (s->key) {
    sb_add(b, s->key, s->keylen);
    sb_str(b, ".member");
  } else {
    sb_printf(b, "%zu.member", s->index);
  }
}

/* "Value '<v>' at '<path>' failed to satisfy constraint: <fmt...>". s is the
** shape v is printed with; bare: DynamoDB's newer form without the value and
** with wire names. */
static void violation(struct validate_list *l, const struct seg *at, const struct model_shape *s,
                      const json_t *v, bool bare, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void violation(struct validate_list *l, const struct seg *at, const struct model_shape *s,
                      const json_t *v, bool bare, const char *fmt, ...) {
  struct sbuf b;
  if (!list_open(l, &b)) return;
  if (bare) {
    sb_str(&b, "Value");
  } else if (!v || json_is_null(v)) {
    sb_str(&b, "Value null");
  } else if (strcmp(s->name, "BatchGetRequestMap") == 0) {
    /* BatchGetItem echoes its RequestItems map as compact JSON, not as Java
    ** objects (paritysuite tests/tier3/error-messages/batchGetItem.test.ts,
    ** us-east-1 and eu-west-2, 2026-10-09). */
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    sb_printf(&b, "Value '%s'", text ? text : "");
    free(text);
  } else {
    sb_str(&b, "Value '");
    render(&b, s, v);
    sb_str(&b, "'");
  }
  sb_str(&b, " at '");
  render_path(&b, at, bare);
  sb_str(&b, "' failed to satisfy constraint: ");
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  list_close(l, &b);
}

/* Is t[0..n) one of s's enum values? */
static bool enum_has(const struct model_shape *s, const char *t, size_t n) {
  for (uint16_t i = 0; i < s->nenums; i++)
    if (strlen(s->enums[i]) == n && memcmp(s->enums[i], t, n) == 0) return true;
  return false;
}

/* Is s a table ARN rather than a table name? */
static bool is_arn(const char *s, size_t len) { return len >= 4 && memcmp(s, "arn:", 4) == 0; }

/* The constraints of a scalar or collection shape, in the order DynamoDB
** prints them inside "Member must satisfy constraint: [...]", "Map keys must
** satisfy constraint: [...]" and "Map value must satisfy constraint: [...]"
** (captured: [max, min] and [max, min, pattern]). The failing text t[0..n)
** picks the table-name or the table-ARN set for MS_TABLE_OR_ARN. */
static void constraint_set(struct sbuf *b, const struct model_shape *s, const char *t, size_t n) {
  const char *sep = "";
  bool number = s->type == MT_INTEGER || s->type == MT_LONG || s->type == MT_DOUBLE;
  const char *what = number ? "value" : "length";
  sb_str(b, "[");
  if (s->flags & MS_TABLE_OR_ARN) {
    if (n == 0 || is_arn(t, n))
      sb_printf(b, "Member must have length less than or equal to %d, "
                   "Member must have length greater than or equal to 1",
                TABLE_ARN_MAX);
    else
      sb_printf(b, "Member must have length less than or equal to %d, "
                   "Member must have length greater than or equal to %d, "
                   "Member must satisfy regular expression pattern: %s",
                TABLE_NAME_MAX, TABLE_NAME_MIN, TABLE_NAME_PATTERN);
    sb_str(b, "]");
    return;
  }
  if (s->flags & MS_MAX) {
    sb_printf(b, "%sMember must have %s less than or equal to %lld", sep, what, (long long)s->max);
    sep = ", ";
  }
  if (s->flags & MS_MIN) {
    sb_printf(b, "%sMember must have %s greater than or equal to %lld", sep, what,
              (long long)s->min);
    sep = ", ";
  }
  if (s->pattern) {
    sb_printf(b, "%sMember must satisfy regular expression pattern: %s", sep, s->pattern_text);
    sep = ", ";
  }
  if (s->enums) {
    sb_printf(b, "%sMember must satisfy enum value set: [", sep);
    for (uint16_t i = 0; i < s->nenums; i++) sb_printf(b, "%s%s", i ? ", " : "", s->enums[i]);
    sb_str(b, "]");
  }
  sb_str(b, "]");
}

/* Does the text t[0..n) satisfy every constraint of string shape s? */
static bool string_ok(const struct model_shape *s, const char *t, size_t n) {
  if (s->flags & MS_TABLE_OR_ARN) {
    if (n == 0) return false;
    if (is_arn(t, n)) return value_utf16_len(t, n) <= TABLE_ARN_MAX;
    return pattern_match(MP_NAME, t, n) && n >= TABLE_NAME_MIN &&
           value_utf16_len(t, n) <= TABLE_NAME_MAX;
  }
  if (s->pattern && !pattern_match(s->pattern, t, n)) return false;
  if (s->flags & (MS_MIN | MS_MAX)) {
    /* UTF-16 length <= byte length: skip the count when bytes settle it. */
    size_t u = (s->flags & MS_MIN) || n > (size_t)s->max ? value_utf16_len(t, n) : n;
    if ((s->flags & MS_MIN) && (int64_t)u < s->min) return false;
    if ((s->flags & MS_MAX) && (int64_t)u > s->max) return false;
  }
  if (s->enums) return enum_has(s, t, n);
  return true;
}

/* Does v satisfy every constraint of s on the value itself (not below it)? */
static bool own_ok(const struct model_shape *s, const json_t *v) {
  if (json_is_null(v)) return true;
  switch (s->type) {
  case MT_STRING:
    if (!json_is_string(v)) return true;
    return string_ok(s, json_string_value(v), json_string_length(v));
  case MT_INTEGER:
  case MT_LONG:
  case MT_DOUBLE: {
    if (!json_is_number(v)) return true;
    double d = json_number_value(v);
    if ((s->flags & MS_MIN) && d < (double)s->min) return false;
    if ((s->flags & MS_MAX) && d > (double)s->max) return false;
    return true;
  }
  case MT_LIST:
  case MT_MAP: {
    size_t n = json_is_array(v) ? json_array_size(v) : json_is_object(v) ? json_object_size(v) : 0;
    if ((s->flags & MS_MIN) && (int64_t)n < s->min) return false;
    if ((s->flags & MS_MAX) && (int64_t)n > s->max) return false;
    return true;
  }
  }
  return true;
}

/* Has s constraints of its own (as opposed to only below it)? */
static bool has_own(const struct model_shape *s) {
  return (s->flags & (MS_MIN | MS_MAX | MS_TABLE_OR_ARN)) || s->pattern || s->enums;
}

/* Report x (a length, or a number's value) if it breaks a bound of s:
** "Member must have <what> greater than or equal to <min>", then the maximum. */
static void check_bounds(struct validate_list *l, const struct seg *at, const struct model_shape *s,
                         const json_t *v, bool bare, const char *what, double x, int64_t min,
                         int64_t max) {
  if (min != INT64_MIN && x < (double)min)
    violation(l, at, s, v, bare, "Member must have %s greater than or equal to %lld", what,
              (long long)min);
  if (max != INT64_MAX && x > (double)max)
    violation(l, at, s, v, bare, "Member must have %s less than or equal to %lld", what,
              (long long)max);
}

/* Report each failing constraint of a scalar or collection v at `at`, one
** entry per constraint: pattern, then minimum, then maximum, then enum. */
static void check_own(struct validate_list *l, const struct model_shape *s, const json_t *v,
                      const struct seg *at, bool bare) {
  if (own_ok(s, v)) return;
  int64_t min = (s->flags & MS_MIN) ? s->min : INT64_MIN;
  int64_t max = (s->flags & MS_MAX) ? s->max : INT64_MAX;
  switch (s->type) {
  case MT_STRING: {
    const char *t = json_string_value(v);
    size_t n = json_string_length(v);
    double u = (double)value_utf16_len(t, n);
    if (s->flags & MS_TABLE_OR_ARN) {
      if (n == 0) {
        check_bounds(l, at, s, v, bare, "length", u, 1, INT64_MAX);
      } else if (is_arn(t, n)) {
        check_bounds(l, at, s, v, bare, "length", u, INT64_MIN, TABLE_ARN_MAX);
      } else {
        if (!pattern_match(MP_NAME, t, n))
          violation(l, at, s, v, bare, "Member must satisfy regular expression pattern: %s",
                    TABLE_NAME_PATTERN);
        check_bounds(l, at, s, v, bare, "length", u, TABLE_NAME_MIN, TABLE_NAME_MAX);
      }
      return;
    }
    if (s->pattern && !pattern_match(s->pattern, t, n))
      violation(l, at, s, v, bare, "Member must satisfy regular expression pattern: %s",
                s->pattern_text);
    check_bounds(l, at, s, v, bare, "length", u, min, max);
    if (s->enums && !enum_has(s, t, n)) {
      struct sbuf b = {0};
      for (uint16_t i = 0; i < s->nenums; i++)
        sb_printf(&b, "%s%s", i ? ", " : "", s->enums[i]);
      if (!b.oom)
        violation(l, at, s, v, bare, "Member must satisfy enum value set: [%s]", b.p ? b.p : "");
      free(b.p);
    }
    return;
  }
  case MT_INTEGER:
  case MT_LONG:
  case MT_DOUBLE:
    check_bounds(l, at, s, v, bare, "value", json_number_value(v), min, max);
    return;
  default:
    check_bounds(l, at, s, v, bare, "length",
                 (double)(json_is_array(v) ? json_array_size(v) : json_object_size(v)), min, max);
    return;
  }
}

/* An aggregated entry for a container whose element, key or value failed:
** "<intro> must satisfy constraint: [<all constraints of s>]". */
static void violation_set(struct validate_list *l, const struct seg *at,
                          const struct model_shape *container, const json_t *cv, bool bare,
                          const char *intro, const struct model_shape *s, const char *t,
                          size_t n) {
  struct sbuf set = {0};
  constraint_set(&set, s, t, n);
  if (!set.oom)
    violation(l, at, container, cv, bare, "%s must satisfy constraint: %s", intro, set.p);
  free(set.p);
}

static void check_value(struct validate_list *l, const struct model_shape *s, const json_t *v,
                        const struct seg *at, bool bare, bool own_done);

/* Member m of a structure, with value v (NULL if absent). */
static void check_member(struct validate_list *l, const struct model_member *m, const json_t *v,
                         const struct seg *up, bool bare) {
  const struct model_shape *ms = shape_at(m->shape);
  struct seg at = {.up = up, .m = m};
  bool b = bare || (m->flags & MM_BARE);
  if (!v || json_is_null(v)) {
    if (m->flags & MM_REQUIRED) violation(l, &at, ms, NULL, b, "Member must not be null");
    return;
  }
  if (ms->flags & MS_DEEP) check_value(l, ms, v, &at, b, false);
}

#define SPARSE_MAX 8 /* present and required members looked at directly (see check_struct) */

/* Insert (m, v) into ms/vs[0..*k), kept in members[] order. */
static void sparse_insert(const struct model_member **ms, const json_t **vs, size_t *k,
                          const struct model_member *m, const json_t *v) {
  size_t j = (*k)++;
  while (j > 0 && ms[j - 1] > m) {
    ms[j] = ms[j - 1];
    vs[j] = vs[j - 1];
    j--;
  }
  ms[j] = m;
  vs[j] = v;
}

static void check_struct(struct validate_list *l, const struct model_shape *s, const json_t *obj,
                         const struct seg *up, bool bare) {
  /* A structure that carries few of its members (an AttributeValue has one of
  ** ten, a GetItem three of eleven): visit the members present, plus the
  ** required ones that are absent, in DynamoDB's order, instead of looking
  ** every member up. */
  size_t n = json_object_size(obj);
  if (n <= SPARSE_MAX / 2 && n * 2 < s->nmembers) {
    const struct model_member *ms[SPARSE_MAX];
    const json_t *vs[SPARSE_MAX];
    size_t k = 0;
    for (void *it = json_object_iter((json_t *)obj); it;
         it = json_object_iter_next((json_t *)obj, it)) {
      const struct model_member *m =
          model_member_find(s, json_object_iter_key(it), json_object_iter_key_len(it));
      if (m) sparse_insert(ms, vs, &k, m, json_object_iter_value(it));
    }
    bool fits = true;
    if (s->flags & MS_REQUIRED_MEMBERS) {
      for (uint16_t i = 0; i < s->nmembers && fits; i++) {
        const struct model_member *m = &s->members[i];
        if (!(m->flags & MM_REQUIRED)) continue;
        bool present = false;
        for (size_t j = 0; j < k && !present; j++) present = ms[j] == m;
        if (present) continue;
        if (k == SPARSE_MAX) fits = false;
        else sparse_insert(ms, vs, &k, m, NULL);
      }
    }
    if (fits) {
      for (size_t i = 0; i < k && l->count < VALIDATE_MAX_LISTED; i++)
        check_member(l, ms[i], vs[i], up, bare);
      return;
    }
  }
  for (uint16_t i = 0; i < s->nmembers && l->count < VALIDATE_MAX_LISTED; i++)
    check_member(l, &s->members[i], json_object_get(obj, s->members[i].name), up, bare);
}

/* Check v (of shape s, at `at`): its own constraints unless own_done, then
** everything below it. */
static void check_value(struct validate_list *l, const struct model_shape *s, const json_t *v,
                        const struct seg *at, bool bare, bool own_done) {
  if (l->count >= VALIDATE_MAX_LISTED) return;
  if (!own_done && has_own(s)) check_own(l, s, v, at, bare);
  switch (s->type) {
  case MT_STRUCT:
    if (json_is_object(v)) check_struct(l, s, v, at, bare);
    return;
  case MT_LIST: {
    if (!json_is_array(v)) return;
    const struct model_shape *es = shape_at(s->elem);
    if (!(es->flags & MS_DEEP)) return;
    size_t i;
    json_t *x;
    if (has_own(es)) {
      json_array_foreach(v, i, x) {
        if (!own_ok(es, x))
          violation_set(l, at, s, v, bare, "Member", es, json_string_value(x),
                        json_string_length(x));
      }
    }
    if (es->type == MT_STRUCT || es->type == MT_LIST || es->type == MT_MAP) {
      json_array_foreach(v, i, x) {
        if (json_is_null(x)) continue;
        struct seg el = {.up = at, .index = i + 1};
        check_value(l, es, x, &el, bare, true);
        if (l->count >= VALIDATE_MAX_LISTED) return;
      }
    }
    return;
  }
  case MT_MAP: {
    if (!json_is_object(v)) return;
    const struct model_shape *ks = shape_at(s->key);
    const struct model_shape *vs = shape_at(s->elem);
    json_t *obj = (json_t *)v;
    if (has_own(ks)) {
      for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        const char *k = json_object_iter_key(it);
        size_t kn = json_object_iter_key_len(it);
        if (!string_ok(ks, k, kn)) violation_set(l, at, s, v, bare, "Map keys", ks, k, kn);
        if (l->count >= VALIDATE_MAX_LISTED) return;
      }
    }
    if (!(vs->flags & MS_DEEP)) return;
    if (has_own(vs)) {
      for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        const json_t *x = json_object_iter_value(it);
        if (!own_ok(vs, x))
          violation_set(l, at, s, v, bare, "Map value", vs, json_string_value(x),
                        json_string_length(x));
      }
    }
    if (vs->type == MT_STRUCT || vs->type == MT_LIST || vs->type == MT_MAP) {
      for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        const json_t *x = json_object_iter_value(it);
        if (json_is_null(x)) continue;
        struct seg el = {.up = at, .key = json_object_iter_key(it),
                         .keylen = json_object_iter_key_len(it)};
        check_value(l, vs, x, &el, bare, true);
        if (l->count >= VALIDATE_MAX_LISTED) return;
      }
    }
    return;
  }
  default: return;
  }
}

static bool legacy_cohort; /* see "The newer front layer" below */

/* An empty BatchGetItem RequestItems: the framework's constraint text in
** every region but me-central-1 since the 2026-09 sweeps (paritysuite
** tests/tier3/error-messages/batchGetItem.test.ts, registry row
** batch-get-item-empty-request-items-message); the classic sentence is the
** model's msg. BatchWriteItem keeps the sentence in us-east-1
** (captures/2026-10-07-batch-empty-request-items.json). */
#define BGI_EMPTY_2026                                                                    \
  "1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: " \
  "Member must have length greater than or equal to 1"

/* Checks DynamoDB makes before the list, each answering alone. */
static int prechecks(const struct model_shape *s, const json_t *body, struct ddb_err *e) {
  for (uint16_t i = 0; i < s->nmembers; i++) {
    const struct model_member *m = &s->members[i];
    if (!(m->flags & (MM_REQUIRED_MSG | MM_EMPTY_MSG))) continue;
    json_t *v = json_object_get(body, m->name);
    bool absent = !v || json_is_null(v);
    if ((m->flags & MM_REQUIRED_MSG) && absent)
      return ddb_fail(e, DDB_VALIDATION, "%s", m->msg);
    if ((m->flags & MM_EMPTY_MSG) && !absent &&
        ((json_is_object(v) && json_object_size(v) == 0) ||
         (json_is_array(v) && json_array_size(v) == 0))) {
      if (!legacy_cohort && strcmp(s->name, "BatchGetItemInput") == 0)
        return ddb_fail(e, DDB_VALIDATION, BGI_EMPTY_2026);
      return ddb_fail(e, DDB_VALIDATION, "%s", m->msg);
    }
  }
  return 0;
}

/*---------------------------- The newer front layer -----------------------*/

/* From June 2026 DynamoDB rolled out, region by region, a new validation layer
** in front of PutItem, UpdateItem and DeleteItem; us-east-1 had it by the
** 2026-10 sweeps (paritysuite dynamodb-conformance, registry/splits.json
** "put-item-validation-error-aggregation" and "update-item-validation-error-
** aggregation"; docs/fidelity.md: ddbwatch follows the new cohort). What the
** captures show:
**   - a request missing a required member still gets the classic list, in
**     the classic texts (UpdateItem without Key, us-east-1 and eu-west-2,
**     2026-10-09: "4 validation errors detected: ... returnConsumedCapacity;
**     ... tableName; ... returnValues ...; Value null at 'key' ...");
**   - otherwise the table name is checked first and alone: an empty one is
**     "Value at 'TableName' failed to satisfy constraint: Member must have
**     length greater than or equal to 1", a long or malformed one keeps the
**     classic text;
**   - then ReturnConsumedCapacity (classic text), ReturnValues ("Failed to
**     satisfy constraint: Member must satisfy enum value set: [ALL_OLD,
**     UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE]", sic) and
**     ReturnItemCollectionMetrics ("ReturnItemCollectionMetrics can only be
**     SIZE or NONE"), listed together by PutItem and DeleteItem; UpdateItem
**     reports only the first, ReturnValues first.
** Everything else keeps the classic checks. legacy_cohort selects the classic
** behaviour throughout (eu-south-2 and me-central-1 as of 2026-10). */

void validate_set_legacy_cohort(bool on) { legacy_cohort = on; }

#define NEW_RV_ENUM                                                               \
  "Failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, " \
  "UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE]"
#define NEW_RICM "ReturnItemCollectionMetrics can only be SIZE or NONE"

/* Which operations have the front layer: 1 lists the enums together, 2 stops
** at the first; 0: none. */
static int front_layer_kind(const char *op) {
  if (strcmp(op, "PutItem") == 0 || strcmp(op, "DeleteItem") == 0) return 1;
  if (strcmp(op, "UpdateItem") == 0) return 2;
  return 0;
}

static bool required_present(const struct model_shape *s, const json_t *obj) {
  for (uint16_t i = 0; i < s->nmembers; i++) {
    const struct model_member *m = &s->members[i];
    if (!(m->flags & MM_REQUIRED)) continue;
    const json_t *v = json_object_get(obj, m->name);
    if (!v || json_is_null(v)) return false;
  }
  return true;
}

/* Is member m of s present and outside its enum? */
static bool enum_bad(const struct model_member *m, const json_t *obj) {
  const json_t *v = json_object_get(obj, m->name);
  return v && json_is_string(v) && !own_ok(shape_at(m->shape), v);
}

/* The front layer; kind from front_layer_kind(). Fills l like check_struct. */
static void front_layer(struct validate_list *l, const struct model_shape *in, const json_t *body,
                        int kind) {
  const struct model_member *tn = model_member_find(in, "TableName", 9);
  const struct model_member *rcc = model_member_find(in, "ReturnConsumedCapacity", 22);
  const struct model_member *rv = model_member_find(in, "ReturnValues", 12);
  const struct model_member *ricm = model_member_find(in, "ReturnItemCollectionMetrics", 27);
  const json_t *name = json_object_get(body, "TableName");
  if (json_is_string(name) && json_string_length(name) == 0) {
    validate_list_add(l, "Value at 'TableName' failed to satisfy constraint: Member must have "
                         "length greater than or equal to 1");
    return;
  }
  struct seg at = {.m = tn};
  check_own(l, shape_at(tn->shape), name, &at, false);
  if (l->count) return;
  if (kind == 2 && enum_bad(rv, body)) {
    validate_list_add(l, NEW_RV_ENUM);
    return;
  }
  if (enum_bad(rcc, body)) {
    struct seg a = {.m = rcc};
    check_own(l, shape_at(rcc->shape), json_object_get(body, rcc->name), &a, false);
    if (kind == 2) return;
  }
  if (kind == 1 && enum_bad(rv, body)) validate_list_add(l, NEW_RV_ENUM);
  if (enum_bad(ricm, body)) {
    validate_list_add(l, NEW_RICM);
    if (kind == 2) return;
  }
  for (uint16_t i = 0; i < in->nmembers && l->count < VALIDATE_MAX_LISTED; i++) {
    const struct model_member *m = &in->members[i];
    if (m == tn || m == rcc || m == rv || m == ricm) continue;
    check_member(l, m, json_object_get(body, m->name), NULL, false);
  }
}

/*---------------------------- Entry points --------------------------------*/

int validate_request_collect(const char *operation, json_t *body, struct validate_list *l,
                             struct ddb_err *e) {
  const struct model_op *op = model_op_find(operation);
  if (!op) return 0;
  const struct model_shape *in = shape_at(op->input);
  json_t *empty = NULL;
  if (!body || json_is_null(body)) body = empty = json_object();
  int rc = 0;
  if (json_is_array(body)) {
    rc = ddb_fail(e, DDB_SERIALIZATION, "Unrecognized collection type class " JAVA_PKG "%s",
                  in->name);
  } else if (!json_is_object(body)) {
    rc = ser(e, SER_VALUE_TYPE);
  } else {
    rc = type_struct(in, body, e);
    if (!rc) rc = prechecks(in, body, e);
    if (!rc) {
      int kind = legacy_cohort ? 0 : front_layer_kind(operation);
      if (kind && required_present(in, body))
        front_layer(l, in, body, kind);
      else
        check_struct(l, in, body, NULL, false);
    }
  }
  json_decref(empty);
  return rc;
}

int validate_request(const char *operation, json_t *body, struct ddb_err *e) {
  struct validate_list l = {0};
  if (validate_request_collect(operation, body, &l, e)) {
    validate_list_free(&l);
    return -1;
  }
  return validate_list_finish(&l, e);
}

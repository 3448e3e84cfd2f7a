/*
** server/value.c: the AttributeValue model (see value.h).
**
** Validation runs in passes over the jansson tree, in the order DynamoDB
** reports problems:
**   shape_*     SerializationException texts for wrong JSON types (DynamoDB's
**               Java deserialiser; texts from dynalite, captured from AWS);
**   check_*     ValidationException texts, canonicalising as it goes;
**   names_*     empty attribute names inside maps.
** The common path (a well-formed scalar) allocates nothing: numbers are parsed
** into a stack struct ddb_num and the string is rewritten only when its text
** is not already canonical. Sets allocate only when large (duplicate search)
** or on the error path (messages).
**
** Sizes follow DynamoDB's storage format: a number is an exponent byte plus
** one byte per base-100 digit pair of its significant digits, aligned on the
** decimal point, plus a terminator byte when negative. This matches dynalite's
** implementation and the paritysuite capture of 23 literals against AWS
** (src/item-size.ts: "3.14159" -> 5, "123456" -> 4, "100.5" -> 4, "-42" -> 3).
*/
#include "value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/*---------------------------- Messages -----------------------------------*/

#define MSG_INVALID "One or more parameter values were invalid: "
#define MSG_ENVELOPE "1 validation error detected: "
#define MSG_EMPTY_AV "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
#define MSG_MULTI_AV                                                                 \
  "Supplied AttributeValue has more than one datatypes set, must contain exactly one " \
  "of the supported datatypes"
#define MSG_NULL_AV "The supplied Item contains a null AttributeValue"
#define MSG_NULL_FALSE MSG_INVALID "Null attribute value types must have the value of true"
#define MSG_EMPTY_SS MSG_INVALID "An string set  may not be empty"
#define MSG_EMPTY_NS MSG_INVALID "An number set  may not be empty"
#define MSG_EMPTY_BS MSG_INVALID "Binary sets should not be empty"
#define MSG_NULL_SS MSG_INVALID "An string set may not have a null string as a member"
#define MSG_NESTING                                                              \
  "Nesting Levels have exceeded supported limits: Attributes in the item have " \
  "nested levels beyond supported limit"
#define MSG_EMPTY_NAME "Empty attribute name"
#define MSG_NOT_NUMERIC "The parameter cannot be converted to a numeric value"
#define MSG_PRECISION "Attempting to store more than 38 significant digits in a Number"
#define MSG_OVERFLOW \
  "Number overflow. Attempting to store a number with magnitude larger than supported range"
#define MSG_UNDERFLOW \
  "Number underflow. Attempting to store a number with magnitude smaller than supported range"

/* SerializationException texts (DynamoDB's deserialiser). */
#define SER_START_MAP "Start of structure or map found where not expected"
#define SER_FIELD_TYPE "Unexpected field type"
#define SER_VALUE_TYPE "Unexpected value type in payload"
#define SER_AV_COLLECTION "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"
#define SER_MAP_COLLECTION \
  "Unrecognized collection type java.util.Map<java.lang.String, " \
  "com.amazonaws.dynamodb.v20120810.AttributeValue>"
#define SER_BLOB_SCALAR "only base-64-encoded strings are convertible to bytes"
#define SER_BLOB_COLLECTION "Unrecognized collection type class java.nio.ByteBuffer"
#define SER_BLOB_LENGTH "Base64 encoded length is expected a multiple of 4 bytes but found: %zu"
#define SER_BLOB_INVALID "Invalid last non-pad Base64 character dectected" /* sic */
#define SER_BOOL_TOKEN "Unexpected token received from parser"

/*---------------------------- Type names ---------------------------------*/

static const char *const type_names[] = {
    [VT_INVALID] = "", [VT_S] = "S",   [VT_N] = "N",   [VT_B] = "B",   [VT_BOOL] = "BOOL",
    [VT_NULL] = "NULL", [VT_M] = "M", [VT_L] = "L", [VT_SS] = "SS", [VT_NS] = "NS",
    [VT_BS] = "BS",
};

/* The type named by key[0..len), or VT_INVALID. */
static enum value_type type_from_key(const char *k, size_t len) {
  switch (len) {
  case 1:
    switch (k[0]) {
    case 'S': return VT_S;
    case 'N': return VT_N;
    case 'B': return VT_B;
    case 'M': return VT_M;
    case 'L': return VT_L;
    }
    return VT_INVALID;
  case 2:
    if (k[1] != 'S') return VT_INVALID;
    switch (k[0]) {
    case 'S': return VT_SS;
    case 'N': return VT_NS;
    case 'B': return VT_BS;
    }
    return VT_INVALID;
  case 4:
    if (memcmp(k, "BOOL", 4) == 0) return VT_BOOL;
    if (memcmp(k, "NULL", 4) == 0) return VT_NULL;
    return VT_INVALID;
  }
  return VT_INVALID;
}

const char *value_type_name(enum value_type t) {
  if ((unsigned)t >= sizeof type_names / sizeof type_names[0]) return "";
  return type_names[t];
}

enum value_type value_type_from_name(const char *name) {
  if (!name) return VT_INVALID;
  return type_from_key(name, strlen(name));
}

enum value_type value_type_of(const json_t *av) {
  if (!json_is_object(av) || json_object_size(av) != 1) return VT_INVALID;
  void *it = json_object_iter((json_t *)av);
  return type_from_key(json_object_iter_key(it), json_object_iter_key_len(it));
}

/* The single member of a well-formed AttributeValue, or NULL. */
static json_t *av_payload(const json_t *av, enum value_type *t) {
  *t = value_type_of(av);
  if (*t == VT_INVALID) return NULL;
  return json_object_iter_value(json_object_iter((json_t *)av));
}

/*---------------------------- Base64 -------------------------------------*/

/* 0..63 for the standard alphabet, 64 for '=', 255 otherwise. */
static const uint8_t b64_val[256] = {
    ['A'] = 0,  ['B'] = 1,  ['C'] = 2,  ['D'] = 3,  ['E'] = 4,  ['F'] = 5,  ['G'] = 6,
    ['H'] = 7,  ['I'] = 8,  ['J'] = 9,  ['K'] = 10, ['L'] = 11, ['M'] = 12, ['N'] = 13,
    ['O'] = 14, ['P'] = 15, ['Q'] = 16, ['R'] = 17, ['S'] = 18, ['T'] = 19, ['U'] = 20,
    ['V'] = 21, ['W'] = 22, ['X'] = 23, ['Y'] = 24, ['Z'] = 25, ['a'] = 26, ['b'] = 27,
    ['c'] = 28, ['d'] = 29, ['e'] = 30, ['f'] = 31, ['g'] = 32, ['h'] = 33, ['i'] = 34,
    ['j'] = 35, ['k'] = 36, ['l'] = 37, ['m'] = 38, ['n'] = 39, ['o'] = 40, ['p'] = 41,
    ['q'] = 42, ['r'] = 43, ['s'] = 44, ['t'] = 45, ['u'] = 46, ['v'] = 47, ['w'] = 48,
    ['x'] = 49, ['y'] = 50, ['z'] = 51, ['0'] = 52, ['1'] = 53, ['2'] = 54, ['3'] = 55,
    ['4'] = 56, ['5'] = 57, ['6'] = 58, ['7'] = 59, ['8'] = 60, ['9'] = 61, ['+'] = 62,
    ['/'] = 63, ['='] = 64,
};

/* Is c a base64 character ('=' included)? The table's zero entries are 'A'
** and every non-alphabet byte, so test 'A' explicitly. */
static int b64_class(unsigned char c) {
  if (c == 'A') return 0;
  return b64_val[c] ? b64_val[c] : 255;
}

size_t value_b64_decoded_len(const char *s, size_t len) {
  if (len % 4) return (size_t)-1;
  if (len == 0) return 0;
  size_t pad = 0;
  if (s[len - 1] == '=') pad = s[len - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i < len - pad; i++)
    if (b64_class((unsigned char)s[i]) > 63) return (size_t)-1;
  /* Unused low bits of the last data character must be zero. */
  if (pad == 1 && (b64_class((unsigned char)s[len - 2]) & 0x3)) return (size_t)-1;
  if (pad == 2 && (b64_class((unsigned char)s[len - 3]) & 0xf)) return (size_t)-1;
  return len / 4 * 3 - pad;
}

unsigned char *value_b64_decode(const char *s, size_t len, size_t *out_len) {
  size_t n = value_b64_decoded_len(s, len);
  if (n == (size_t)-1) return NULL;
  unsigned char *out = malloc(n ? n : 1);
  if (!out) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len; i += 4) {
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = v << 6 | (b64_class((unsigned char)s[i + k]) & 0x3f);
    if (o < n) out[o++] = v >> 16;
    if (o < n) out[o++] = v >> 8 & 0xff;
    if (o < n) out[o++] = v & 0xff;
  }
  if (out_len) *out_len = n;
  return out;
}

/* B's byte count for sizes; assumes well-formed text. */
static size_t b64_size(const json_t *str) {
  size_t len = json_string_length(str), n = value_b64_decoded_len(json_string_value(str), len);
  return n == (size_t)-1 ? len / 4 * 3 : n;
}

/*---------------------------- Shape pass ---------------------------------*/

size_t value_utf16_len(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xc0) != 0x80) n += c >= 0xf0 ? 2 : 1;
  }
  return n;
}

static int ser(struct ddb_err *e, const char *msg) {
  return ddb_fail(e, DDB_SERIALIZATION, "%s", msg);
}

/* A JSON value where the model has a String (S, N, set members). */
static int shape_string(const json_t *v, const char *type, struct ddb_err *e) {
  switch (json_typeof(v)) {
  case JSON_STRING:
  case JSON_NULL: return 0;
  case JSON_TRUE: return ddb_fail(e, DDB_SERIALIZATION, "TRUE_VALUE cannot be converted to %s", type);
  case JSON_FALSE: return ddb_fail(e, DDB_SERIALIZATION, "FALSE_VALUE cannot be converted to %s", type);
  case JSON_INTEGER: return ddb_fail(e, DDB_SERIALIZATION, "NUMBER_VALUE cannot be converted to %s", type);
  case JSON_REAL: return ddb_fail(e, DDB_SERIALIZATION, "DECIMAL_VALUE cannot be converted to %s", type);
  case JSON_ARRAY:
    return ddb_fail(e, DDB_SERIALIZATION, "Unrecognized collection type class java.lang.%s", type);
  case JSON_OBJECT: return ser(e, SER_START_MAP);
  }
  return 0;
}

/* A JSON value where the model has a Blob (B, BS members). */
static int shape_blob(const json_t *v, struct ddb_err *e) {
  switch (json_typeof(v)) {
  case JSON_NULL: return 0;
  case JSON_TRUE:
  case JSON_FALSE:
  case JSON_INTEGER:
  case JSON_REAL: return ser(e, SER_BLOB_SCALAR);
  case JSON_ARRAY: return ser(e, SER_BLOB_COLLECTION);
  case JSON_OBJECT: return ser(e, SER_START_MAP);
  case JSON_STRING: break;
  }
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  if (len % 4) return ddb_fail(e, DDB_SERIALIZATION, SER_BLOB_LENGTH, value_utf16_len(s, len));
  if (value_b64_decoded_len(s, len) == (size_t)-1) return ser(e, SER_BLOB_INVALID);
  return 0;
}

/* Parse the string forms the deserialiser accepts for a Boolean: TRUE, 1, YES
** and FALSE, 0, NO in any case. Returns 1, 0, or -1. */
static int bool_word(const char *s, size_t len) {
  static const char *const words[] = {"true", "1", "yes", "false", "0", "no"};
  for (int i = 0; i < 6; i++)
    if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0) return i < 3;
  return -1;
}

/* A JSON value where the model has a Boolean (BOOL, NULL). */
static int shape_bool(const json_t *v, struct ddb_err *e) {
  switch (json_typeof(v)) {
  case JSON_NULL:
  case JSON_TRUE:
  case JSON_FALSE: return 0;
  case JSON_INTEGER: return ser(e, "NUMBER_VALUE cannot be converted to Boolean");
  case JSON_REAL: return ser(e, "DECIMAL_VALUE cannot be converted to Boolean");
  case JSON_ARRAY: return ser(e, "Unrecognized collection type class java.lang.Boolean");
  case JSON_OBJECT: return ser(e, SER_START_MAP);
  case JSON_STRING:
    if (bool_word(json_string_value(v), json_string_length(v)) < 0) return ser(e, SER_BOOL_TOKEN);
    return 0;
  }
  return 0;
}

/* A JSON value where the model has a List (SS, NS, BS, L). */
static int shape_list(const json_t *v, struct ddb_err *e) {
  if (json_is_array(v)) return 0;
  if (json_is_object(v)) return ser(e, SER_START_MAP);
  return ser(e, SER_FIELD_TYPE);
}

static int shape_av(const json_t *av, struct ddb_err *e);

/* The members of an M: a map of AttributeValues. */
static int shape_map(const json_t *v, struct ddb_err *e) {
  if (json_is_array(v)) return ser(e, SER_MAP_COLLECTION);
  if (!json_is_object(v)) return ser(e, SER_FIELD_TYPE);
  const char *k;
  json_t *m;
  json_object_foreach((json_t *)v, k, m) {
    if (shape_av(m, e)) return -1;
  }
  return 0;
}

/* One AttributeValue structure. */
static int shape_av(const json_t *av, struct ddb_err *e) {
  if (!av || json_is_null(av)) return 0;
  if (json_is_array(av)) return ser(e, SER_AV_COLLECTION);
  if (!json_is_object(av)) return ser(e, SER_VALUE_TYPE);
  void *it;
  for (it = json_object_iter((json_t *)av); it; it = json_object_iter_next((json_t *)av, it)) {
    enum value_type t = type_from_key(json_object_iter_key(it), json_object_iter_key_len(it));
    json_t *v = json_object_iter_value(it);
    size_t i;
    json_t *m;
    if (json_is_null(v)) continue;
    switch (t) {
    case VT_INVALID: continue;
    case VT_S:
    case VT_N:
      if (shape_string(v, "String", e)) return -1;
      break;
    case VT_B:
      if (shape_blob(v, e)) return -1;
      break;
    case VT_BOOL:
    case VT_NULL:
      if (shape_bool(v, e)) return -1;
      break;
    case VT_SS:
    case VT_NS:
      if (shape_list(v, e)) return -1;
      json_array_foreach(v, i, m) {
        if (shape_string(m, "String", e)) return -1;
      }
      break;
    case VT_BS:
      if (shape_list(v, e)) return -1;
      json_array_foreach(v, i, m) {
        if (shape_blob(m, e)) return -1;
      }
      break;
    case VT_L:
      if (shape_list(v, e)) return -1;
      json_array_foreach(v, i, m) {
        if (shape_av(m, e)) return -1;
      }
      break;
    case VT_M:
      if (shape_map(v, e)) return -1;
      break;
    }
  }
  return 0;
}

int value_check_shape(const json_t *av, struct ddb_err *e) { return shape_av(av, e); }

int value_check_item_shape(const json_t *item, struct ddb_err *e) {
  if (!item || json_is_null(item)) return 0;
  return shape_map(item, e);
}

/*---------------------------- Validation pass ----------------------------*/

struct vctx {
  unsigned flags;     /* VALUE_* */
  struct ddb_err *e;
};

static const char *envelope(const struct vctx *c) {
  return (c->flags & VALUE_ENVELOPE) ? MSG_ENVELOPE : "";
}

/* Validate number text in str and rewrite it canonically. */
static int check_number(struct vctx *c, json_t *str) {
  if (!json_is_string(str)) /* a null set member */
    return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_NOT_NUMERIC, envelope(c));
  const char *s = json_string_value(str);
  size_t len = json_string_length(str);
  struct ddb_num num;
  switch (num_parse(s, len, &num)) {
  case NUM_OK: break;
  case NUM_SYNTAX:
    if (len == 0 && (c->flags & VALUE_OLDER))
      return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_NOT_NUMERIC, envelope(c));
    return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_NOT_NUMERIC ": %.*s", envelope(c), (int)len, s);
  case NUM_PRECISION: return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_PRECISION, envelope(c));
  case NUM_OVERFLOW: return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_OVERFLOW, envelope(c));
  case NUM_UNDERFLOW: return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_UNDERFLOW, envelope(c));
  }
  char buf[NUM_FORMAT_MAX];
  size_t n = num_format(&num, buf);
  if (n != len || memcmp(buf, s, len) != 0) json_string_setn(str, buf, n);
  return 0;
}

/* A set member's text for duplicate search and messages. */
struct member {
  const char *s;
  size_t len;
  size_t idx; /* position in the set as sent */
  unsigned char *bytes; /* BS: decoded, for byte order; else NULL */
  size_t nbytes;
};

static int member_cmp_text(const struct member *a, const struct member *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->s, b->s, n);
  if (r) return r;
  return (a->len > b->len) - (a->len < b->len);
}

static int member_cmp_text_idx(const void *pa, const void *pb) {
  const struct member *a = pa, *b = pb;
  int r = member_cmp_text(a, b);
  if (r) return r;
  return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Byte order, as DynamoDB lists set members in its message. */
static int member_cmp_bytes(const void *pa, const void *pb) {
  const struct member *a = pa, *b = pb;
  if (!a->bytes || !b->bytes) return member_cmp_text(a, b);
  size_t n = a->nbytes < b->nbytes ? a->nbytes : b->nbytes;
  int r = memcmp(a->bytes, b->bytes, n);
  if (r) return r;
  return (a->nbytes > b->nbytes) - (a->nbytes < b->nbytes);
}

static int str_eq(const json_t *a, const json_t *b) {
  size_t n = json_string_length(a);
  return n == json_string_length(b) && memcmp(json_string_value(a), json_string_value(b), n) == 0;
}

/* The index of the first member (in request order) equal to an earlier one,
** or (size_t)-1. Members are strings; equal text means equal value because S
** is compared bytewise, N is canonical by now and base64 is strict. */
static size_t first_repeat(const json_t *set) {
  size_t n = json_array_size(set);
  if (n <= 16) {
    for (size_t i = 1; i < n; i++)
      for (size_t j = 0; j < i; j++)
        if (str_eq(json_array_get(set, i), json_array_get(set, j))) return i;
    return (size_t)-1;
  }
  struct member *m = malloc(n * sizeof *m);
  if (!m) return (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    json_t *v = json_array_get(set, i);
    m[i] = (struct member){json_string_value(v), json_string_length(v), i, NULL, 0};
  }
  qsort(m, n, sizeof *m, member_cmp_text_idx);
  size_t best = (size_t)-1;
  for (size_t i = 1; i < n; i++)
    if (member_cmp_text(&m[i], &m[i - 1]) == 0 && (i < 2 || member_cmp_text(&m[i - 1], &m[i - 2]) != 0))
      if (m[i].idx < best) best = m[i].idx; /* second member of its group */
  free(m);
  return best;
}

/* Write s[0..len) as a JSON string literal. */
static void put_quoted(FILE *f, const char *s, size_t len) {
  json_t *j = json_stringn_nocheck(s, len);
  char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
  fputs(q ? q : "\"\"", f);
  free(q);
  json_decref(j);
}

/* The duplicate-member message for SS (type VT_SS) or BS, whose first repeat
** is member rep. Current layer: the members before the repeat in byte order,
** then the repeat, then the rest as sent, quoted. Older layer: all members as
** sent, unquoted. */
static int fail_duplicates(struct vctx *c, const json_t *set, enum value_type t, size_t rep) {
  const char *bs = t == VT_BS ? "of type BS " : " ";
  size_t n = json_array_size(set);
  char *text = NULL;
  size_t textlen = 0;
  FILE *f = open_memstream(&text, &textlen);
  if (!f) return ddb_fail(c->e, DDB_INTERNAL, "out of memory");
  fputc('[', f);
  if (c->flags & VALUE_OLDER) {
    for (size_t i = 0; i < n; i++) {
      json_t *v = json_array_get(set, i);
      if (i) fputs(", ", f);
      fwrite(json_string_value(v), 1, json_string_length(v), f);
    }
  } else {
    const char *sep = t == VT_BS ? "," : ", ";
    struct member *m = calloc(rep ? rep : 1, sizeof *m);
    for (size_t i = 0; m && i < rep; i++) {
      json_t *v = json_array_get(set, i);
      m[i] = (struct member){json_string_value(v), json_string_length(v), i, NULL, 0};
      if (t == VT_BS) m[i].bytes = value_b64_decode(m[i].s, m[i].len, &m[i].nbytes);
    }
    if (m) qsort(m, rep, sizeof *m, member_cmp_bytes);
    for (size_t i = 0; i < n; i++) {
      if (i) fputs(sep, f);
      if (m && i < rep) {
        put_quoted(f, m[i].s, m[i].len);
      } else {
        json_t *v = json_array_get(set, i);
        put_quoted(f, json_string_value(v), json_string_length(v));
      }
    }
    for (size_t i = 0; m && i < rep; i++) free(m[i].bytes);
    free(m);
  }
  fputc(']', f);
  fclose(f);
  int rc = ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_INVALID "Input collection %s%scontains duplicates.",
                    envelope(c), text ? text : "[]", bs);
  free(text);
  return rc;
}

/* SS, NS or BS (shape already checked: an array of strings or nulls). */
static int check_set(struct vctx *c, json_t *set, enum value_type t) {
  size_t i, n = json_array_size(set);
  json_t *m;
  if (n == 0)
    return ddb_fail(c->e, DDB_VALIDATION, "%s",
                    t == VT_SS ? MSG_EMPTY_SS : t == VT_NS ? MSG_EMPTY_NS : MSG_EMPTY_BS);
  json_array_foreach(set, i, m) {
    if (t == VT_NS) {
      if (check_number(c, m)) return -1;
    } else if (!json_is_string(m)) {
      return ddb_fail(c->e, DDB_VALIDATION, "%s", t == VT_SS ? MSG_NULL_SS : MSG_NULL_AV);
    }
  }
  size_t rep = first_repeat(set);
  if (rep == (size_t)-1) return 0;
  if (t != VT_NS) return fail_duplicates(c, set, t, rep);
  if (c->flags & VALUE_OLDER) return ddb_fail(c->e, DDB_VALIDATION, "Input collection contains duplicates");
  return ddb_fail(c->e, DDB_VALIDATION, "%s" MSG_INVALID "Input collection contains duplicates.",
                  envelope(c));
}

/* BOOL or NULL: turn an accepted string form into true/false. Returns the
** boolean, after replacing av[key] when it was a string. */
static int take_bool(json_t *av, const char *key, json_t *v) {
  if (!json_is_string(v)) return json_is_true(v);
  int b = bool_word(json_string_value(v), json_string_length(v)) == 1;
  json_object_set_new(av, key, json_boolean(b));
  return b;
}

static int check_av(struct vctx *c, json_t *av, int depth);

static int check_depth(struct vctx *c, int depth) {
  /* A map or list at level 32 would hold values at level 33 (DynamoDB Local
  ** rejects even an empty one there). */
  if (!(c->flags & VALUE_NO_DEPTH) && depth >= VALUE_MAX_DEPTH)
    return ddb_fail(c->e, DDB_VALIDATION, MSG_NESTING);
  return 0;
}

/* The order in which DynamoDB validates the members of an AttributeValue
** that has several types set (it reports "more than one" only afterwards). */
static const enum value_type check_order[] = {VT_S,  VT_B,  VT_N,  VT_BOOL, VT_NULL,
                                              VT_BS, VT_NS, VT_SS, VT_L,    VT_M};

static int check_av(struct vctx *c, json_t *av, int depth) {
  if (!av || json_is_null(av)) return ddb_fail(c->e, DDB_VALIDATION, MSG_NULL_AV);
  if (!json_is_object(av)) return ser(c->e, json_is_array(av) ? SER_AV_COLLECTION : SER_VALUE_TYPE);

  json_t *slot[VT_BS + 1] = {0};
  int ntypes = 0, junk = 0;
  void *it;
  for (it = json_object_iter(av); it; it = json_object_iter_next(av, it)) {
    enum value_type t = type_from_key(json_object_iter_key(it), json_object_iter_key_len(it));
    json_t *v = json_object_iter_value(it);
    if (t == VT_INVALID || json_is_null(v)) {
      junk++;
      continue;
    }
    slot[t] = v;
    ntypes++;
  }
  if (ntypes == 0) return ddb_fail(c->e, DDB_VALIDATION, MSG_EMPTY_AV);

  for (size_t k = 0; k < sizeof check_order / sizeof check_order[0]; k++) {
    enum value_type t = check_order[k];
    json_t *v = slot[t], *m;
    const char *name;
    size_t i;
    if (!v) continue;
    switch (t) {
    case VT_S:
    case VT_B:
    case VT_INVALID: break;
    case VT_N:
      if (check_number(c, v)) return -1;
      break;
    case VT_BOOL: take_bool(av, "BOOL", v); break;
    case VT_NULL:
      if (!take_bool(av, "NULL", v)) return ddb_fail(c->e, DDB_VALIDATION, MSG_NULL_FALSE);
      break;
    case VT_SS:
    case VT_NS:
    case VT_BS:
      if (check_set(c, v, t)) return -1;
      break;
    case VT_L:
      if (check_depth(c, depth)) return -1;
      json_array_foreach(v, i, m) {
        if (check_av(c, m, depth + 1)) return -1;
      }
      break;
    case VT_M:
      if (check_depth(c, depth)) return -1;
      json_object_foreach(v, name, m) {
        if (!json_is_null(m)) {
          if (check_av(c, m, depth + 1)) return -1;
        } else {
          return ddb_fail(c->e, DDB_VALIDATION, MSG_NULL_AV ": %s is null", name);
        }
      }
      break;
    }
  }
  if (ntypes > 1) return ddb_fail(c->e, DDB_VALIDATION, MSG_MULTI_AV);

  if (junk) {
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(av, tmp, key, v) {
      size_t klen = json_object_iter_key_len(json_object_key_to_iter(key));
      if (type_from_key(key, klen) == VT_INVALID || json_is_null(v)) json_object_deln(av, key, klen);
    }
  }
  return 0;
}

/* Empty attribute names in maps nested inside av (a validated value). */
static int check_names(struct vctx *c, const json_t *av) {
  enum value_type t;
  json_t *v = av_payload(av, &t), *m;
  const char *k;
  size_t i;
  if (t == VT_L) {
    json_array_foreach(v, i, m) {
      if (check_names(c, m)) return -1;
    }
  } else if (t == VT_M) {
    json_object_foreach(v, k, m) {
      if (json_object_iter_key_len(json_object_key_to_iter(k)) == 0)
        return ddb_fail(c->e, DDB_VALIDATION, MSG_EMPTY_NAME);
      if (check_names(c, m)) return -1;
    }
  }
  return 0;
}

int value_check_ex(json_t *av, int depth, unsigned flags, struct ddb_err *e) {
  struct vctx c = {flags, e};
  if (!(flags & VALUE_SHAPE_DONE) && shape_av(av, e)) return -1;
  if (check_av(&c, av, depth)) return -1;
  return check_names(&c, av);
}

int value_check(json_t *av, int depth, struct ddb_err *e) { return value_check_ex(av, depth, 0, e); }

int value_check_item_ex(json_t *item, unsigned flags, struct ddb_err *e) {
  struct vctx c = {flags, e};
  const char *name;
  json_t *v;
  if (!item || json_is_null(item)) return 0;
  if (!(flags & VALUE_SHAPE_DONE) && value_check_item_shape(item, e)) return -1;
  json_object_foreach(item, name, v) {
    if (json_object_iter_key_len(json_object_key_to_iter(name)) == 0)
      return ddb_fail(e, DDB_VALIDATION, MSG_EMPTY_NAME);
  }
  json_object_foreach(item, name, v) {
    if (json_is_null(v)) return ddb_fail(e, DDB_VALIDATION, MSG_NULL_AV ": %s is null", name);
    if (check_av(&c, v, 1)) return -1;
  }
  json_object_foreach(item, name, v) {
    if (check_names(&c, v)) return -1;
  }
  return 0;
}

int value_check_item(json_t *item, struct ddb_err *e) { return value_check_item_ex(item, 0, e); }

/*---------------------------- Sizes --------------------------------------*/

static long floor_div2(long x) { return x >= 0 ? x / 2 : -((-x + 1) / 2); }

/* Exponent byte + base-100 digit pairs + a terminator byte when negative.
** Digit d[k] stands for 10^(exp-1-k); pairs are aligned on even powers. */
static size_t num_size(const struct ddb_num *a) {
  if (a->sign == 0 || a->n == 0) return 1;
  long hi = a->exp - 1, lo = (long)a->exp - a->n;
  size_t pairs = (size_t)(floor_div2(hi) - floor_div2(lo) + 1);
  return 1 + pairs + (a->sign < 0);
}

static size_t number_text_size(const json_t *str) {
  struct ddb_num a;
  const char *s = json_string_value(str);
  size_t len = json_string_length(str);
  if (!s || num_parse(s, len, &a) != NUM_OK) return 1 + (len + 1) / 2; /* not validated */
  return num_size(&a);
}

/* UTF-8 length of an object key (keys may hold NUL bytes). */
static size_t key_len(const char *key) {
  return json_object_iter_key_len(json_object_key_to_iter(key));
}

size_t value_attr_size(const json_t *av) {
  enum value_type t;
  json_t *v = av_payload(av, &t), *m;
  const char *k;
  size_t i, size = 0;
  switch (t) {
  case VT_INVALID: return 0;
  case VT_S: return json_string_length(v);
  case VT_N: return number_text_size(v);
  case VT_B: return b64_size(v);
  case VT_BOOL:
  case VT_NULL: return 1;
  case VT_SS:
    json_array_foreach(v, i, m) size += json_string_length(m);
    return size;
  case VT_NS:
    json_array_foreach(v, i, m) size += number_text_size(m);
    return size;
  case VT_BS:
    json_array_foreach(v, i, m) size += b64_size(m);
    return size;
  case VT_L:
    size = 3;
    json_array_foreach(v, i, m) size += 1 + value_attr_size(m);
    return size;
  case VT_M:
    size = 3;
    json_object_foreach(v, k, m) size += 1 + key_len(k) + value_attr_size(m);
    return size;
  }
  return 0;
}

size_t value_item_size(const json_t *item) {
  const char *k;
  json_t *v;
  size_t size = 0;
  if (!json_is_object(item)) return 0;
  json_object_foreach((json_t *)item, k, v) size += key_len(k) + value_attr_size(v);
  return size;
}

/*---------------------------- Equality -----------------------------------*/

static bool num_text_equal(const json_t *a, const json_t *b) {
  if (str_eq(a, b)) return true;
  struct ddb_num x, y;
  if (num_parse(json_string_value(a), json_string_length(a), &x) != NUM_OK) return false;
  if (num_parse(json_string_value(b), json_string_length(b), &y) != NUM_OK) return false;
  return num_cmp(&x, &y) == 0;
}

static bool b64_text_equal(const json_t *a, const json_t *b) {
  if (str_eq(a, b)) return true;
  size_t na, nb;
  unsigned char *x = value_b64_decode(json_string_value(a), json_string_length(a), &na);
  unsigned char *y = value_b64_decode(json_string_value(b), json_string_length(b), &nb);
  bool eq = x && y && na == nb && memcmp(x, y, na) == 0;
  free(x);
  free(y);
  return eq;
}

static bool member_equal(const json_t *a, const json_t *b, enum value_type t) {
  if (!json_is_string(a) || !json_is_string(b)) return false;
  if (t == VT_NS) return num_text_equal(a, b);
  if (t == VT_BS) return b64_text_equal(a, b);
  return str_eq(a, b);
}

/* Sets have no duplicates, so equal size and a ⊆ b means a == b. Members
** are canonical after value_check, so sorted text comparison decides it for
** large sets; small sets use the pairwise test, which also tolerates
** non-canonical text. */
static bool set_equal(const json_t *a, const json_t *b, enum value_type t) {
  size_t n = json_array_size(a), i, j;
  if (n != json_array_size(b)) return false;
  if (n <= 16) {
    for (i = 0; i < n; i++) {
      const json_t *x = json_array_get(a, i);
      for (j = 0; j < n; j++)
        if (member_equal(x, json_array_get(b, j), t)) break;
      if (j == n) return false;
    }
    return true;
  }
  struct member *ma = malloc(n * sizeof *ma), *mb = malloc(n * sizeof *mb);
  bool eq = ma && mb;
  for (i = 0; eq && i < n; i++) {
    const json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
    if (!json_is_string(x) || !json_is_string(y)) eq = false;
    else {
      ma[i] = (struct member){json_string_value(x), json_string_length(x), 0, NULL, 0};
      mb[i] = (struct member){json_string_value(y), json_string_length(y), 0, NULL, 0};
    }
  }
  if (eq) {
    qsort(ma, n, sizeof *ma, member_cmp_text_idx);
    qsort(mb, n, sizeof *mb, member_cmp_text_idx);
    for (i = 0; eq && i < n; i++) eq = member_cmp_text(&ma[i], &mb[i]) == 0;
  }
  free(ma);
  free(mb);
  return eq;
}

bool value_equal(const json_t *a, const json_t *b) {
  enum value_type ta, tb;
  json_t *x = av_payload(a, &ta), *y = av_payload(b, &tb), *m;
  const char *k;
  size_t i;
  if (ta == VT_INVALID || ta != tb) return false;
  switch (ta) {
  case VT_INVALID: return false;
  case VT_S: return json_is_string(x) && json_is_string(y) && str_eq(x, y);
  case VT_N: return member_equal(x, y, VT_NS);
  case VT_B: return member_equal(x, y, VT_BS);
  case VT_BOOL: return json_is_true(x) == json_is_true(y);
  case VT_NULL: return true;
  case VT_SS:
  case VT_NS:
  case VT_BS: return json_is_array(x) && json_is_array(y) && set_equal(x, y, ta);
  case VT_L:
    if (!json_is_array(x) || !json_is_array(y) || json_array_size(x) != json_array_size(y))
      return false;
    json_array_foreach(x, i, m) {
      if (!value_equal(m, json_array_get(y, i))) return false;
    }
    return true;
  case VT_M:
    if (!json_is_object(x) || !json_is_object(y) || json_object_size(x) != json_object_size(y))
      return false;
    json_object_foreach(x, k, m) {
      const json_t *other = json_object_getn(y, k, key_len(k));
      if (!other || !value_equal(m, other)) return false;
    }
    return true;
  }
  return false;
}

/*
** instrument/redact.c: a request body as CloudTrail shows it in
** requestParameters, written straight from the body's JSON text.
**
** The audit writer thread has only the bytes the client sent (parsing them
** again into a jansson tree cost more than the rest of the record), so this
** is a small scanner over JSON text that copies what may be shown and
** replaces the rest, in one pass:
**   - member names become lowerCamelCase ("TableName" -> "tableName"), except
**     inside maps keyed by data (RequestItems, ScanFilter, Expected,
**     ExpressionAttributeNames...), whose keys are table or attribute names;
**   - Key, ExclusiveStartKey and each of Keys: {"attr": "value"} for S, N and B
**     keys; any other AttributeValue is kept whole (a key of the wrong type is
**     an attack's fingerprint);
**   - Item: the list of its attribute names, plus, at the top level, "key"
**     with the item's key attributes (names given by the caller);
**   - ExpressionAttributeValues, AttributeValueList, Parameters, legacy Value:
**     every value becomes "***(Redacted)";
**   - Statement: PartiQL with every '...' literal replaced by ***(Redacted).
** The input must be valid JSON (the loop thread parsed it); anything else
** writes null, never a broken record.
*/
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define REDACTED "***(Redacted)"
#define MAX_DEPTH 12

struct scan {
  const char *p, *end;
  bool bad;
};

/* A span of the input: a whole value, or a string's text without quotes. */
struct span {
  const char *s;
  size_t n;
};

static void ws(struct scan *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

static char peek(struct scan *c) {
  ws(c);
  return c->p < c->end ? *c->p : 0;
}

static bool eat(struct scan *c, char ch) {
  if (peek(c) != ch) {
    c->bad = true;
    return false;
  }
  c->p++;
  return true;
}

/* A string token; *inner gets its text without the quotes (still escaped). */
static bool string_token(struct scan *c, struct span *inner) {
  if (peek(c) != '"') return !(c->bad = true);
  const char *s = ++c->p;
  while (c->p < c->end && *c->p != '"') c->p += *c->p == '\\' ? 2 : 1;
  if (c->p >= c->end) return !(c->bad = true);
  inner->s = s;
  inner->n = (size_t)(c->p - s);
  c->p++;
  return true;
}

/* Skip one value of any type; *whole gets its text. */
static void skip_value(struct scan *c, struct span *whole) {
  char ch = peek(c);
  const char *start = c->p;
  if (ch == '"') {
    struct span ignored;
    string_token(c, &ignored);
  } else if (ch == '{' || ch == '[') {
    int depth = 0;
    while (c->p < c->end) {
      char d = *c->p;
      if (d == '"') {
        struct span ignored;
        if (!string_token(c, &ignored)) return;
        continue;
      }
      c->p++;
      if (d == '{' || d == '[') depth++;
      else if ((d == '}' || d == ']') && --depth == 0) break;
    }
    if (depth) c->bad = true;
  } else {
    while (c->p < c->end && !strchr(",}] \t\r\n", *c->p)) c->p++;
    if (c->p == start) c->bad = true;
  }
  if (whole) {
    whole->s = start;
    whole->n = (size_t)(c->p - start);
  }
}

/* After a member or element: true when another follows (eats the comma). */
static bool more(struct scan *c, char close) {
  char ch = peek(c);
  if (ch == ',') {
    c->p++;
    return true;
  }
  if (ch != close) c->bad = true;
  else c->p++;
  return false;
}

/* Opening bracket; false (and the closing one eaten) when the container is empty. */
static bool open_container(struct scan *c, char o, char close) {
  if (!eat(c, o)) return false;
  if (peek(c) == close) {
    c->p++;
    return false;
  }
  return true;
}

static bool span_is(struct span s, const char *lit) {
  size_t n = strlen(lit);
  return s.n == n && memcmp(s.s, lit, n) == 0;
}

/* A value's text copied as it is. */
static void raw_value(struct jw *w, struct span v) {
  if (w->comma) jw_raw(w, ",", 1);
  jw_raw(w, v.s, v.n);
  w->comma = true;
}

/* A key written from its escaped text. */
static void raw_key(struct jw *w, struct span k) { jw_keyn(w, k.s, k.n); }

/*------------------------------- Keys and items -----------------------------*/

/* One key attribute's AttributeValue: its S/N/B string, or the whole value. */
static void flat_av(struct jw *w, struct span av) {
  struct scan c = {av.s, av.s + av.n, false};
  struct span type, value;
  if (open_container(&c, '{', '}') && string_token(&c, &type) && eat(&c, ':')) {
    bool str = peek(&c) == '"';
    skip_value(&c, &value);
    if (!c.bad && str && peek(&c) == '}' && type.n == 1 && strchr("SNB", type.s[0])) {
      raw_value(w, value);
      return;
    }
  }
  raw_value(w, av);
}

static void red_key(struct scan *c, struct jw *w) {
  if (peek(c) != '{') {
    struct span v;
    skip_value(c, &v);
    raw_value(w, v);
    return;
  }
  jw_obj(w);
  if (open_container(c, '{', '}')) {
    do {
      struct span k, av;
      if (!string_token(c, &k) || !eat(c, ':')) return;
      skip_value(c, &av);
      raw_key(w, k);
      flat_av(w, av);
    } while (!c->bad && more(c, '}'));
  }
  jw_obj_end(w);
}

/* Item: its attribute names; with key_names, also "key" for the key attributes. */
static void red_item(struct scan *c, struct jw *w, const char *const key_names[2]) {
  struct span found[2] = {{NULL, 0}, {NULL, 0}};
  jw_arr(w);
  if (open_container(c, '{', '}')) {
    do {
      struct span k, av;
      if (!string_token(c, &k) || !eat(c, ':')) return;
      skip_value(c, &av);
      raw_value(w, (struct span){k.s - 1, k.n + 2});
      for (int i = 0; i < 2 && key_names; i++)
        if (key_names[i] && span_is(k, key_names[i])) found[i] = av;
    } while (!c->bad && more(c, '}'));
  }
  jw_arr_end(w);
  if (!key_names) return;
  jw_key(w, "key");
  jw_obj(w);
  for (int i = 0; i < 2; i++) {
    if (!found[i].s) continue;
    jw_key(w, key_names[i]);
    flat_av(w, found[i]);
  }
  jw_obj_end(w);
}

/*-------------------------------- Statements --------------------------------*/

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* A JSON string's text decoded into out (UTF-8); \u0000 becomes a space. */
static void decode_string(struct span s, struct jw *out) {
  for (size_t i = 0; i < s.n; i++) {
    char ch = s.s[i];
    if (ch != '\\' || i + 1 >= s.n) {
      jw_raw(out, &ch, 1);
      continue;
    }
    static const char escapes[] = "\"\\/bfnrt", decoded[] = "\"\\/\b\f\n\r\t";
    char e = s.s[++i];
    const char *simple = e ? strchr(escapes, e) : NULL;
    if (simple) {
      jw_raw(out, &decoded[simple - escapes], 1);
      continue;
    }
    if (e != 'u' || i + 4 >= s.n) continue;
    unsigned cp = 0;
    for (int k = 1; k <= 4; k++) cp = cp * 16 + (unsigned)(hexval(s.s[i + k]) & 15);
    i += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < s.n && s.s[i + 1] == '\\' && s.s[i + 2] == 'u') {
      unsigned lo = 0;
      for (int k = 3; k <= 6; k++) lo = lo * 16 + (unsigned)(hexval(s.s[i + k]) & 15);
      if (lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      }
    }
    char u[4];
    int n;
    if (cp == 0) u[0] = ' ', n = 1;
    else if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
    else if (cp < 0x10000)
      u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)), u[2] = (char)(0x80 | (cp & 63)), n = 3;
    else
      u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)),
      u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), n = 4;
    jw_raw(out, u, (size_t)n);
  }
}

/* A PartiQL statement with every '...' literal replaced. */
static void red_statement(struct jw *w, struct span text) {
  struct jw dec = {0}, out = {0};
  decode_string(text, &dec);
  const char *s = dec.buf ? dec.buf : "", *end = s + dec.len;
  while (s < end) {
    if (*s != '\'') {
      const char *q = memchr(s, '\'', (size_t)(end - s));
      size_t n = q ? (size_t)(q - s) : (size_t)(end - s);
      jw_raw(&out, s, n);
      s += n;
      continue;
    }
    for (s++; s < end; s++) {
      if (*s == '\'' && s + 1 < end && s[1] == '\'') s++;
      else if (*s == '\'') {
        s++;
        break;
      }
    }
    jw_raw(&out, REDACTED, strlen(REDACTED));
  }
  jw_str(w, out.buf ? out.buf : "", out.len);
  jw_free(&dec);
  jw_free(&out);
}

/*--------------------------------- Members ----------------------------------*/

/* How a request member is written; found by name once per member. */
enum member {
  M_PLAIN,      /* lowerCamelCase name, value written as it is (objects recursed) */
  M_KEY,        /* Key, ExclusiveStartKey: key values shown */
  M_KEYS,       /* Keys: a list of keys */
  M_ITEM,       /* Item: attribute names only */
  M_VALUES,     /* ExpressionAttributeValues: every value redacted */
  M_VALUE_LIST, /* AttributeValueList, Parameters: a list, every element redacted */
  M_VALUE,      /* Value (legacy conditions and updates): redacted */
  M_STATEMENT,  /* Statement: PartiQL with literals redacted */
  M_DATA_KEYS,  /* maps keyed by table or attribute names: keys kept as they are */
};

static enum member member_kind(struct span key) {
  static const struct {
    const char *name;
    enum member kind;
  } members[] = {
      {"Key", M_KEY},
      {"ExclusiveStartKey", M_KEY},
      {"Keys", M_KEYS},
      {"Item", M_ITEM},
      {"ExpressionAttributeValues", M_VALUES},
      {"AttributeValueList", M_VALUE_LIST},
      {"Parameters", M_VALUE_LIST},
      {"Value", M_VALUE},
      {"Statement", M_STATEMENT},
      {"RequestItems", M_DATA_KEYS},
      {"ScanFilter", M_DATA_KEYS},
      {"QueryFilter", M_DATA_KEYS},
      {"KeyConditions", M_DATA_KEYS},
      {"Expected", M_DATA_KEYS},
      {"AttributeUpdates", M_DATA_KEYS},
      {"ExpressionAttributeNames", M_DATA_KEYS},
  };
  /* Only these first letters start a special member. */
  if (!key.n || !strchr("KEIAPVSRQ", key.s[0])) return M_PLAIN;
  for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
    if (members[i].name[0] == key.s[0] && span_is(key, members[i].name)) return members[i].kind;
  return M_PLAIN;
}

static void red_object(struct scan *c, struct jw *w, bool data_keys, int depth,
                       const char *const key_names[2]);

/* The value of member `key` (NULL inside data-keyed maps). */
static void red_value(struct scan *c, struct jw *w, const struct span *key, int depth,
                      const char *const key_names[2]) {
  enum member kind = key ? member_kind(*key) : M_PLAIN;
  char ch = peek(c);
  struct span v;
  if (depth > MAX_DEPTH) {
    skip_value(c, NULL);
    jw_null(w);
    return;
  }
  switch (kind) {
  case M_KEY:
    red_key(c, w);
    return;
  case M_KEYS:
    if (ch != '[') break;
    jw_arr(w);
    if (open_container(c, '[', ']'))
      do red_key(c, w);
      while (!c->bad && more(c, ']'));
    jw_arr_end(w);
    return;
  case M_ITEM:
    if (ch != '{') break;
    red_item(c, w, depth == 1 ? key_names : NULL);
    return;
  case M_VALUES:
    if (ch != '{') break;
    jw_obj(w);
    if (open_container(c, '{', '}')) {
      do {
        struct span k;
        if (!string_token(c, &k) || !eat(c, ':')) return;
        skip_value(c, NULL);
        raw_key(w, k);
        jw_lit(w, REDACTED);
      } while (!c->bad && more(c, '}'));
    }
    jw_obj_end(w);
    return;
  case M_VALUE_LIST:
    if (ch != '[') break;
    jw_arr(w);
    if (open_container(c, '[', ']')) {
      do {
        skip_value(c, NULL);
        jw_lit(w, REDACTED);
      } while (!c->bad && more(c, ']'));
    }
    jw_arr_end(w);
    return;
  case M_VALUE:
    if (ch != '{') break;
    skip_value(c, NULL);
    jw_lit(w, REDACTED);
    return;
  case M_STATEMENT:
    if (ch != '"' || !string_token(c, &v)) break;
    red_statement(w, v);
    return;
  default:
    break;
  }
  if (ch == '{') {
    red_object(c, w, kind == M_DATA_KEYS, depth, NULL);
  } else if (ch == '[') {
    jw_arr(w);
    if (open_container(c, '[', ']')) {
      do {
        if (peek(c) == '{') red_object(c, w, false, depth + 1, NULL);
        else {
          skip_value(c, &v);
          raw_value(w, v);
        }
      } while (!c->bad && more(c, ']'));
    }
    jw_arr_end(w);
  } else {
    skip_value(c, &v);
    raw_value(w, v);
  }
}

static void red_object(struct scan *c, struct jw *w, bool data_keys, int depth,
                       const char *const key_names[2]) {
  if (depth > MAX_DEPTH) {
    skip_value(c, NULL);
    jw_null(w);
    return;
  }
  jw_obj(w);
  if (open_container(c, '{', '}')) {
    do {
      struct span k;
      if (!string_token(c, &k) || !eat(c, ':')) return;
      if (data_keys) {
        raw_key(w, k);
        red_value(c, w, NULL, depth + 1, NULL);
        continue;
      }
      /* lowerCamelCase: only the first letter changes. */
      char first = k.n && k.s[0] >= 'A' && k.s[0] <= 'Z' ? (char)(k.s[0] - 'A' + 'a') : 0;
      if (first) {
        if (w->comma) jw_raw(w, ",", 1);
        jw_raw(w, "\"", 1);
        jw_raw(w, &first, 1);
        jw_raw(w, k.s + 1, k.n - 1);
        jw_raw(w, "\":", 2);
        w->comma = false;
      } else {
        raw_key(w, k);
      }
      red_value(c, w, &k, depth + 1, key_names);
    } while (!c->bad && more(c, '}'));
  }
  jw_obj_end(w);
}

void inst_redact_params(struct jw *w, const char *body, size_t len, const char *pk, const char *sk) {
  struct scan c = {body, body + len, false};
  const char *key_names[2] = {pk, sk};
  size_t start = w->len;
  bool comma = w->comma;
  if (peek(&c) == '{') red_object(&c, w, false, 0, pk ? key_names : NULL);
  else c.bad = true;
  if (c.bad || peek(&c)) { /* not the valid JSON object promised: show nothing */
    w->len = start;
    if (w->buf) w->buf[start] = 0;
    w->comma = comma;
    jw_null(w);
  }
}

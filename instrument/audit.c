/*
** instrument/audit.c: one audit record per request, shaped like a CloudTrail
** DynamoDB data event, kept in the events ring (GET /_ddbwatch/events) and
** appended to the --audit-log file as JSON Lines.
**
**   {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accessKeyId":...},
**    "eventTime":"2026-01-02T03:04:05Z","eventSource":"dynamodb.amazonaws.com",
**    "eventName":"GetItem","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1",
**    "userAgent":"...","requestParameters":{"tableName":"Users","key":{"userId":"u1"}},
**    "responseElements":null,"requestID":"<x-amzn-RequestId>","eventID":"<uuid>",
**    "readOnly":true,"resources":[...],"eventType":"AwsApiCall","apiVersion":"2012-08-10",
**    "managementEvent":false,"recipientAccountId":"000000000000","eventCategory":"Data",
**    "errorCode":"...","errorMessage":"...",                      (failures only)
**    "additionalEventData":{"ddbwatchFindings":[{...}]},           (findings only)
**    "ddbwatch":{"seq":1,"principalType":"app","callsite":null,"latencyMs":0.1,
**                "httpStatus":200,"requestBytes":64,"findings":["DDB006"],
**                "expressionError":{...}}}
**
** Redaction follows CloudTrail: key attribute values are shown, other values
** are not (an Item becomes the list of its attribute names; expression
** attribute values, legacy comparison values and PartiQL literals and
** parameters become "***(Redacted)"). Expression texts and names are shown.
**
** The record is written as text with struct jw (no jansson tree) because it is
** built for every request. The file is written from a buffer: when it holds
** 64 KB, on the flush timer, and at shutdown; never fsync'd.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detectors/detectors.h"
#include "internal.h"
#include "request.h"
#include "storage/store.h"

#define REDACTED "***(Redacted)"
#define FLUSH_AT (64 * 1024)
#define MAX_PARAM_DEPTH 12

/*--------------------------- Request parameters ----------------------------*/

/* {"attr": "value"} for S/N/B keys; other types keep their AttributeValue so a
** key of the wrong type (an attack's fingerprint) stays visible. */
static void write_key(struct jw *w, const json_t *key) {
  if (!json_is_object(key)) {
    jw_json(w, key);
    return;
  }
  jw_obj(w);
  const char *name;
  json_t *av;
  json_object_foreach((json_t *)key, name, av) {
    jw_key(w, name);
    json_t *s = json_object_size(av) == 1 ? json_object_iter_value(json_object_iter(av)) : NULL;
    const char *type = json_object_size(av) == 1 ? json_object_iter_key(json_object_iter(av)) : "";
    if (json_is_string(s) && type[1] == 0 && (type[0] == 'S' || type[0] == 'N' || type[0] == 'B'))
      jw_str(w, json_string_value(s), json_string_length(s));
    else
      jw_json(w, av);
  }
  jw_obj_end(w);
}

static void write_names(struct jw *w, const json_t *item) {
  jw_arr(w);
  const char *name;
  json_t *av;
  json_object_foreach((json_t *)item, name, av) jw_cstr(w, name);
  jw_arr_end(w);
}

/* A PartiQL statement with every '...' literal replaced. */
static void write_statement(struct jw *w, const char *s) {
  struct jw tmp = {0};
  while (*s) {
    if (*s != '\'') {
      size_t n = strcspn(s, "'");
      jw_raw(&tmp, s, n);
      s += n;
      continue;
    }
    s++;
    while (*s) {
      if (*s == '\'' && s[1] == '\'') s += 2;
      else if (*s == '\'') {
        s++;
        break;
      } else s++;
    }
    jw_raw(&tmp, REDACTED, strlen(REDACTED));
  }
  jw_str(w, tmp.buf ? tmp.buf : "", tmp.len);
  jw_free(&tmp);
}

static void write_value(struct jw *w, const char *key, const json_t *v, int depth);

/* The members of a request object; user_keys: the keys are data (table or
** attribute names) and are written as they are, not in lowerCamelCase. */
static void write_object(struct jw *w, const json_t *obj, bool user_keys, int depth,
                         const struct table *tbl) {
  if (depth > MAX_PARAM_DEPTH) {
    jw_null(w);
    return;
  }
  jw_obj(w);
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    if (user_keys) {
      jw_key(w, key);
      write_value(w, NULL, v, depth + 1);
      continue;
    }
    char camel[64];
    size_t n = strlen(key);
    if (n >= sizeof camel) n = sizeof camel - 1;
    memcpy(camel, key, n);
    camel[n] = 0;
    if (camel[0] >= 'A' && camel[0] <= 'Z') camel[0] = (char)(camel[0] - 'A' + 'a');
    jw_key(w, camel);
    if (key[0] == 'I' && strcmp(key, "Item") == 0 && json_is_object(v)) {
      write_names(w, v);
      if (tbl) {
        /* CloudTrail also shows the key of a written item. */
        jw_key(w, "key");
        jw_obj(w);
        const char *kn[2] = {tbl->pk, tbl->sk};
        for (int i = 0; i < 2; i++) {
          json_t *av = kn[i][0] ? json_object_get(v, kn[i]) : NULL;
          if (!av) continue;
          json_t *s = json_object_size(av) == 1 ? json_object_iter_value(json_object_iter(av)) : NULL;
          jw_key(w, kn[i]);
          if (json_is_string(s)) jw_str(w, json_string_value(s), json_string_length(s));
          else jw_json(w, av);
        }
        jw_obj_end(w);
      }
    } else {
      write_value(w, key, v, depth + 1);
    }
  }
  jw_obj_end(w);
}

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

static enum member member_kind(const char *key) {
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
  if (!key || !strchr("KEIAPVSRQ", key[0])) return M_PLAIN;
  for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
    if (members[i].name[0] == key[0] && strcmp(members[i].name, key) == 0) return members[i].kind;
  return M_PLAIN;
}

static void write_scalar(struct jw *w, const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_STRING: jw_str(w, json_string_value(v), json_string_length(v)); break;
  case JSON_INTEGER: jw_int(w, (long long)json_integer_value(v)); break;
  case JSON_TRUE: jw_bool(w, true); break;
  case JSON_FALSE: jw_bool(w, false); break;
  case JSON_NULL: jw_null(w); break;
  default: jw_json(w, v);
  }
}

static void write_value(struct jw *w, const char *key, const json_t *v, int depth) {
  enum member kind = member_kind(key);
  size_t i;
  json_t *el;
  const char *name;
  switch (kind) {
  case M_KEY:
    write_key(w, v);
    return;
  case M_KEYS:
    if (!json_is_array(v)) break;
    jw_arr(w);
    json_array_foreach(v, i, el) write_key(w, el);
    jw_arr_end(w);
    return;
  case M_ITEM:
    if (!json_is_object(v)) break;
    write_names(w, v);
    return;
  case M_VALUES:
    if (!json_is_object(v)) break;
    jw_obj(w);
    json_object_foreach((json_t *)v, name, el) {
      jw_key(w, name);
      jw_cstr(w, REDACTED);
    }
    jw_obj_end(w);
    return;
  case M_VALUE_LIST:
    if (!json_is_array(v)) break;
    jw_arr(w);
    for (i = 0; i < json_array_size(v); i++) jw_cstr(w, REDACTED);
    jw_arr_end(w);
    return;
  case M_VALUE:
    if (!json_is_object(v)) break;
    jw_cstr(w, REDACTED);
    return;
  case M_STATEMENT:
    if (!json_is_string(v)) break;
    write_statement(w, json_string_value(v));
    return;
  default:
    break;
  }
  if (json_is_object(v)) {
    write_object(w, v, kind == M_DATA_KEYS, depth, NULL);
  } else if (json_is_array(v)) {
    jw_arr(w);
    json_array_foreach(v, i, el) {
      if (json_is_object(el)) write_object(w, el, false, depth + 1, NULL);
      else write_scalar(w, el);
    }
    jw_arr_end(w);
  } else {
    write_scalar(w, v);
  }
}

/*--------------------------------- Record ----------------------------------*/

/* splitmix64: event ids need to be unique, not secret. */
static uint64_t next_rand(struct inst *in) {
  uint64_t z = (in->rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void write_event_id(struct inst *in, struct jw *w) {
  static const char hex[] = "0123456789abcdef";
  uint64_t a = next_rand(in), b = next_rand(in);
  char id[37];
  int k = 0;
  for (int i = 0; i < 32; i++) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id[k++] = '-';
    uint64_t src = i < 16 ? a : b;
    int nib = (int)((src >> ((i % 16) * 4)) & 15);
    if (i == 12) nib = 4;                /* version 4 */
    if (i == 16) nib = 8 | (nib & 3);    /* variant */
    id[k++] = hex[nib];
  }
  id[36] = 0;
  jw_str(w, id, 36);
}

static bool prefix_matches(const struct inst *in, const char *const parts[4]) {
  if (!in->prefix_key) return false;
  const char *k = in->prefix_key, *end = in->prefix_key + in->prefix_key_len;
  for (int i = 0; i < 4; i++) {
    size_t n = strlen(parts[i]);
    if ((size_t)(end - k) < n + 1 || memcmp(k, parts[i], n) != 0 || k[n] != '\n') return false;
    k += n + 1;
  }
  return k == end;
}

/* The record's opening: identity, source and the constant CloudTrail fields,
** rendered once per client (principal, user agent, address, region). */
static void write_prefix(struct inst *in, struct inst_trace *t, const char *acct) {
  char ip[80] = "";
  if (t->peer) {
    const char *colon = strrchr(t->peer, ':');
    size_t n = colon ? (size_t)(colon - t->peer) : strlen(t->peer);
    if (n >= 2 && t->peer[0] == '[' && t->peer[n - 1] == ']') n -= 2;
    if (n < sizeof ip) memcpy(ip, t->peer[0] == '[' ? t->peer + 1 : t->peer, n), ip[n] = 0;
  }
  const char *akid = t->principal ? t->principal : "";
  const char *parts[4] = {akid, t->user_agent ? t->user_agent : "", ip, t->region ? t->region : ""};
  if (prefix_matches(in, parts)) {
    jw_raw(&in->line, in->prefix.buf, in->prefix.len);
    in->line.comma = true;
    return;
  }
  struct jw *w = &in->prefix;
  jw_reset(w);
  jw_obj(w);
  jw_key(w, "eventVersion"), jw_cstr(w, "1.08");
  jw_key(w, "userIdentity");
  jw_obj(w);
  jw_key(w, "type"), jw_cstr(w, "IAMUser");
  jw_key(w, "principalId"), jw_cstr(w, akid);
  jw_key(w, "accountId"), jw_cstr(w, acct);
  jw_key(w, "accessKeyId"), jw_cstr(w, akid);
  jw_obj_end(w);
  jw_key(w, "eventSource"), jw_cstr(w, "dynamodb.amazonaws.com");
  jw_key(w, "awsRegion"), jw_cstr(w, t->region);
  jw_key(w, "sourceIPAddress");
  if (t->peer) jw_cstr(w, ip);
  else jw_null(w);
  jw_key(w, "userAgent"), jw_cstr(w, t->user_agent);
  jw_key(w, "eventType"), jw_cstr(w, "AwsApiCall");
  jw_key(w, "apiVersion"), jw_cstr(w, "2012-08-10");
  jw_key(w, "recipientAccountId"), jw_cstr(w, acct);
  free(in->prefix_key);
  in->prefix_key_len = 0;
  for (int i = 0; i < 4; i++) in->prefix_key_len += strlen(parts[i]) + 1;
  in->prefix_key = malloc(in->prefix_key_len + 1);
  if (!in->prefix_key) abort();
  char *k = in->prefix_key;
  for (int i = 0; i < 4; i++) k += sprintf(k, "%s\n", parts[i]);
  jw_raw(&in->line, w->buf, w->len);
  in->line.comma = true;
}

/* "resources":[...] for the request's table (the last table's text is kept). */
static void write_resources(struct inst *in, struct inst_trace *t, const char *acct) {
  struct jw *w = &in->line;
  jw_key(w, "resources");
  if (!t->table) {
    jw_raw(w, "[]", 2);
    w->comma = true;
    return;
  }
  if (!in->resources_table || strcmp(in->resources_table, t->table) != 0) {
    struct jw *r = &in->resources;
    jw_reset(r);
    jw_arr(r);
    jw_obj(r);
    jw_key(r, "accountId"), jw_cstr(r, acct);
    jw_key(r, "type"), jw_cstr(r, "AWS::DynamoDB::Table");
    jw_key(r, "ARN");
    jw_raw(r, "\"arn:aws:dynamodb:", 18);
    jw_raw(r, t->region ? t->region : "us-east-1", strlen(t->region ? t->region : "us-east-1"));
    jw_raw(r, ":", 1);
    jw_raw(r, acct, strlen(acct));
    jw_raw(r, ":table/", 7);
    r->comma = false;
    size_t before = r->len;
    jw_cstr(r, t->table); /* escaped, then its opening quote dropped */
    memmove(r->buf + before, r->buf + before + 1, r->len - before - 1);
    r->len--;
    r->buf[r->len] = 0;
    jw_obj_end(r);
    jw_arr_end(r);
    free(in->resources_table);
    in->resources_table = strdup(t->table);
  }
  jw_raw(w, in->resources.buf, in->resources.len);
  w->comma = true;
}

void inst_audit_record(struct inst *in, struct inst_trace *t) {
  struct jw *w = &in->line;
  const char *acct = in->srv && in->srv->account_id ? in->srv->account_id : "000000000000";
  jw_reset(w);
  write_prefix(in, t, acct);
  long long sec = (long long)t->time;
  if (sec != in->time_cache_sec) {
    inst_format_time(t->time, in->time_cache, false);
    in->time_cache_sec = sec;
  }
  jw_key(w, "eventTime"), jw_cstr(w, in->time_cache);
  jw_key(w, "eventName"), jw_cstr(w, t->operation);
  jw_key(w, "requestParameters");
  if (json_is_object(t->request)) {
    const struct table *tbl = NULL;
    if (t->table && json_object_get(t->request, "Item") && in->srv && in->srv->store)
      tbl = catalog_find(in->srv->store, t->table);
    write_object(w, t->request, false, 0, tbl);
  } else {
    jw_null(w);
  }
  jw_key(w, "responseElements"), jw_null(w);
  jw_key(w, "requestID"), jw_cstr(w, t->request_id);
  jw_key(w, "eventID"), write_event_id(in, w);
  jw_key(w, "readOnly"), jw_bool(w, (t->op_class & INST_OP_READ) || (t->op_flags & 0x01));
  write_resources(in, t, acct);
  bool data = t->op_class & INST_OP_DATA;
  jw_key(w, "managementEvent"), jw_bool(w, !data);
  jw_key(w, "eventCategory"), jw_cstr(w, data ? "Data" : "Management");
  if (t->error_type) {
    jw_key(w, "errorCode"), jw_cstr(w, t->error_type);
    jw_key(w, "errorMessage"), jw_cstr(w, t->error_message ? t->error_message : "");
  }
  if (t->nfound) {
    jw_key(w, "additionalEventData");
    jw_obj(w);
    jw_key(w, "ddbwatchFindings");
    jw_arr(w);
    /* The findings of this request are the newest in the ring. */
    for (int i = 0; i < t->nfound; i++) {
      for (size_t k = in->findings.count; k-- > 0;) {
        const struct inst_finding *f = inst_ring_at(&in->findings, k);
        if (f->id == t->found[i].id) {
          inst_finding_write(w, f);
          break;
        }
        if (f->id < t->found[i].id) break;
      }
    }
    jw_arr_end(w);
    jw_obj_end(w);
  }
  uint64_t seq = in->next_event++;
  jw_key(w, "ddbwatch");
  jw_obj(w);
  jw_key(w, "seq"), jw_int(w, (long long)seq);
  jw_key(w, "principalType"),
      jw_cstr(w, t->principal_class == INST_PRINCIPAL_SETUP ? "setup" : "app");
  jw_key(w, "callsite"), jw_cstr(w, t->callsite);
  jw_key(w, "latencyMs"), jw_num(w, t->latency_ms);
  jw_key(w, "httpStatus"), jw_int(w, t->status);
  jw_key(w, "requestBytes"), jw_int(w, (long long)t->request_bytes);
  if (t->counts_set) {
    jw_key(w, "itemsScanned"), jw_int(w, (long long)t->items_scanned);
    jw_key(w, "itemsReturned"), jw_int(w, (long long)t->items_returned);
  }
  jw_key(w, "findings");
  jw_arr(w);
  for (int i = 0; i < t->nfound; i++) jw_cstr(w, inst_detectors[t->found[i].detector].id);
  jw_arr_end(w);
  struct inst_expr_error ee;
  if ((t->expr_ctx || t->error_type) && inst_expr_error(t, &ee)) {
    jw_key(w, "expressionError");
    jw_obj(w);
    jw_key(w, "expression"), jw_cstr(w, ee.expression);
    jw_key(w, "class"), jw_cstr(w, ee.cls);
    jw_key(w, "text"), jw_cstr(w, ee.text);
    jw_key(w, "token"), jw_cstr(w, ee.token);
    jw_key(w, "offset");
    if (ee.offset >= 0) jw_int(w, ee.offset);
    else jw_null(w);
    jw_key(w, "message"), jw_cstr(w, ee.message);
    jw_obj_end(w);
  }
  jw_obj_end(w);
  jw_obj_end(w);

  /* Once the ring is full, the oldest record's buffer is reused. */
  void **slot = inst_ring_recycle(&in->events);
  struct inst_event *ev = slot ? *slot : NULL;
  if (!ev || ev->cap < w->len + 1) {
    size_t cap = w->len + 1 + 256;
    ev = realloc(ev, sizeof *ev + cap);
    if (!ev) abort();
    ev->cap = cap;
    if (slot) *slot = ev;
    else inst_ring_push(&in->events, ev);
  }
  ev->seq = seq;
  ev->len = w->len;
  memcpy(ev->text, w->buf, w->len + 1);

  if (in->audit_fd >= 0) {
    jw_raw(&in->audit_buf, w->buf, w->len);
    jw_raw(&in->audit_buf, "\n", 1);
    if (in->audit_buf.len >= FLUSH_AT) inst_audit_flush(in);
  }
}

void inst_audit_flush(struct inst *in) {
  if (in->audit_fd < 0 || !in->audit_buf.len) return;
  size_t off = 0;
  while (off < in->audit_buf.len) {
    ssize_t n = write(in->audit_fd, in->audit_buf.buf + off, in->audit_buf.len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!in->audit_error_reported)
        fprintf(stderr, "ddbwatch: audit log %s: %s (records are being lost)\n",
                in->audit_path ? in->audit_path : "", strerror(errno));
      in->audit_error_reported = true;
      break;
    }
    off += (size_t)n;
  }
  jw_reset(&in->audit_buf);
}

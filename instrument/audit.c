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
    if (strcmp(key, "Item") == 0 && json_is_object(v)) {
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

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

static void write_value(struct jw *w, const char *key, const json_t *v, int depth) {
  if (is(key, "Key") || is(key, "ExclusiveStartKey")) {
    write_key(w, v);
  } else if (is(key, "Keys") && json_is_array(v)) {
    size_t i;
    json_t *k;
    jw_arr(w);
    json_array_foreach(v, i, k) write_key(w, k);
    jw_arr_end(w);
  } else if (is(key, "Item") && json_is_object(v)) {
    write_names(w, v);
  } else if (is(key, "ExpressionAttributeValues") && json_is_object(v)) {
    const char *name;
    json_t *av;
    jw_obj(w);
    json_object_foreach((json_t *)v, name, av) {
      jw_key(w, name);
      jw_cstr(w, REDACTED);
    }
    jw_obj_end(w);
  } else if ((is(key, "AttributeValueList") || is(key, "Parameters")) && json_is_array(v)) {
    jw_arr(w);
    for (size_t i = 0; i < json_array_size(v); i++) jw_cstr(w, REDACTED);
    jw_arr_end(w);
  } else if (is(key, "Value") && json_is_object(v)) {
    jw_cstr(w, REDACTED);
  } else if (is(key, "Statement") && json_is_string(v)) {
    write_statement(w, json_string_value(v));
  } else if (json_is_object(v)) {
    bool user_keys = is(key, "RequestItems") || is(key, "ScanFilter") || is(key, "QueryFilter") ||
                     is(key, "KeyConditions") || is(key, "Expected") || is(key, "AttributeUpdates") ||
                     is(key, "ExpressionAttributeNames");
    write_object(w, v, user_keys, depth, NULL);
  } else if (json_is_array(v)) {
    size_t i;
    json_t *el;
    jw_arr(w);
    json_array_foreach(v, i, el) {
      if (json_is_object(el)) write_object(w, el, false, depth + 1, NULL);
      else jw_json(w, el);
    }
    jw_arr_end(w);
  } else {
    jw_json(w, v);
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

static bool read_only(const struct inst_trace *t) {
  const char *op = t->operation;
  if (!op) return false;
  if (t->op_flags & 0x01 /* OP_READ */) return true;
  return strcmp(op, "GetItem") == 0 || strcmp(op, "Query") == 0 || strcmp(op, "Scan") == 0 ||
         strcmp(op, "BatchGetItem") == 0 || strcmp(op, "TransactGetItems") == 0 ||
         inst_op_is_recon(op);
}

void inst_audit_record(struct inst *in, struct inst_trace *t) {
  struct jw *w = &in->line;
  const char *acct = in->srv && in->srv->account_id ? in->srv->account_id : "000000000000";
  const char *akid = t->principal ? t->principal : "";
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
  long long sec = (long long)t->time;
  if (sec != in->time_cache_sec) {
    inst_format_time(t->time, in->time_cache, false);
    in->time_cache_sec = sec;
  }
  jw_key(w, "eventTime"), jw_cstr(w, in->time_cache);
  jw_key(w, "eventSource"), jw_cstr(w, "dynamodb.amazonaws.com");
  jw_key(w, "eventName"), jw_cstr(w, t->operation);
  jw_key(w, "awsRegion"), jw_cstr(w, t->region);
  jw_key(w, "sourceIPAddress");
  if (t->peer) {
    const char *colon = strrchr(t->peer, ':');
    size_t n = colon ? (size_t)(colon - t->peer) : strlen(t->peer);
    if (n >= 2 && t->peer[0] == '[' && t->peer[n - 1] == ']') jw_str(w, t->peer + 1, n - 2);
    else jw_str(w, t->peer, n);
  } else {
    jw_null(w);
  }
  jw_key(w, "userAgent"), jw_cstr(w, t->user_agent);
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
  jw_key(w, "readOnly"), jw_bool(w, read_only(t));
  jw_key(w, "resources");
  jw_arr(w);
  if (t->table) {
    jw_obj(w);
    jw_key(w, "accountId"), jw_cstr(w, acct);
    jw_key(w, "type"), jw_cstr(w, "AWS::DynamoDB::Table");
    char arn[400];
    snprintf(arn, sizeof arn, "arn:aws:dynamodb:%s:%s:table/%s", t->region ? t->region : "us-east-1",
             acct, t->table);
    jw_key(w, "ARN"), jw_cstr(w, arn);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  bool data = t->operation && inst_op_is_data(t->operation);
  jw_key(w, "eventType"), jw_cstr(w, "AwsApiCall");
  jw_key(w, "apiVersion"), jw_cstr(w, "2012-08-10");
  jw_key(w, "managementEvent"), jw_bool(w, !data);
  jw_key(w, "recipientAccountId"), jw_cstr(w, acct);
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

  struct inst_event *ev = malloc(sizeof *ev + w->len + 1);
  if (!ev) abort();
  ev->seq = seq;
  ev->len = w->len;
  memcpy(ev->text, w->buf, w->len + 1);
  inst_ring_push(&in->events, ev);

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

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
** Cost: the loop thread only copies what the record needs (strings and the
** request body's bytes) into one queued struct audit_item; a writer thread
** redacts the body's text (redact.c) and renders the JSON text (with struct jw, no jansson tree), keeps it in the
** events ring and appends it to the file from a buffer: when it holds 64 KB,
** every audit.flushSeconds, on POST /_ddbwatch/flush and at shutdown; never
** fsync'd. Findings and malformed-expression details, which only the loop
** thread may read, are rendered there, and only when a request has them.
*/
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detectors/detectors.h"
#include "internal.h"
#include "request.h"
#include "storage/store.h"

#define FLUSH_AT (64 * 1024)
#define WAKE_AT 512 /* queued records that wake the writer (fewer: its timer does) */

/* One request's record, as the writer thread needs it (strings packed after it). */
struct audit_item {
  struct audit_item *next;
  uint64_t seq;
  const char *body; /* the request body as sent (packed below; may hold NULs) */
  size_t body_len;
  size_t bytes;     /* allocated for the item, strings and body */
  double time, latency_ms;
  int status;
  size_t request_bytes;
  uint64_t items_scanned, items_returned;
  bool counts_set, op_known, read_only, data, setup;
  const char *operation, *principal, *region, *peer, *user_agent, *callsite, *table, *request_id,
      *error_type, *error_message, *pk, *sk;
  const char *top_extra; /* ,"additionalEventData":{...} or NULL */
  const char *dw_extra;  /* "findings":[...],"expressionError":{...} or NULL */
  char strings[];
};

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
  jw_safe(w, id, 36);
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

/*------------------------------ Queued items -------------------------------*/

/* The record's opening: identity, source and the constant CloudTrail fields,
** rendered once per client (principal, user agent, address, region). */
static void write_prefix(struct inst *in, const struct audit_item *e, const char *acct) {
  char ip[80] = "";
  if (e->peer) {
    const char *colon = strrchr(e->peer, ':');
    size_t n = colon ? (size_t)(colon - e->peer) : strlen(e->peer);
    bool bracket = n >= 2 && e->peer[0] == '[' && e->peer[n - 1] == ']';
    if (bracket) n -= 2;
    if (n < sizeof ip) {
      memcpy(ip, bracket ? e->peer + 1 : e->peer, n);
      ip[n] = 0;
    }
  }
  const char *parts[4] = {e->principal, e->user_agent ? e->user_agent : "", ip, e->region};
  if (prefix_matches(in, parts)) {
    jw_raw(&in->line, in->prefix.buf, in->prefix.len);
    in->line.comma = true;
    return;
  }
  struct jw *w = &in->prefix;
  jw_reset(w);
  jw_obj(w);
  jw_key(w, "eventVersion"), jw_lit(w, "1.08");
  jw_key(w, "userIdentity");
  jw_obj(w);
  jw_key(w, "type"), jw_lit(w, "IAMUser");
  jw_key(w, "principalId"), jw_cstr(w, e->principal);
  jw_key(w, "accountId"), jw_cstr(w, acct);
  jw_key(w, "accessKeyId"), jw_cstr(w, e->principal);
  jw_obj_end(w);
  jw_key(w, "eventSource"), jw_lit(w, "dynamodb.amazonaws.com");
  jw_key(w, "awsRegion"), jw_cstr(w, e->region);
  jw_key(w, "sourceIPAddress");
  if (e->peer) jw_cstr(w, ip);
  else jw_null(w);
  jw_key(w, "userAgent"), jw_cstr(w, e->user_agent);
  jw_key(w, "eventType"), jw_lit(w, "AwsApiCall");
  jw_key(w, "apiVersion"), jw_lit(w, "2012-08-10");
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
static void write_resources(struct inst *in, const struct audit_item *e, const char *acct) {
  struct jw *w = &in->line;
  jw_key(w, "resources");
  if (!e->table) {
    jw_raw(w, "[]", 2);
    w->comma = true;
    return;
  }
  if (!in->resources_table || strcmp(in->resources_table, e->table) != 0) {
    struct jw *r = &in->resources;
    jw_reset(r);
    jw_arr(r);
    jw_obj(r);
    jw_key(r, "accountId"), jw_cstr(r, acct);
    jw_key(r, "type"), jw_lit(r, "AWS::DynamoDB::Table");
    char *arn;
    if (asprintf(&arn, "arn:aws:dynamodb:%s:%s:table/%s", e->region, acct, e->table) < 0) abort();
    jw_key(r, "ARN"), jw_cstr(r, arn);
    free(arn);
    jw_obj_end(r);
    jw_arr_end(r);
    free(in->resources_table);
    in->resources_table = strdup(e->table);
  }
  jw_raw(w, in->resources.buf, in->resources.len);
  w->comma = true;
}

/* Render one record into in->line (writer thread). */
static void render(struct inst *in, const struct audit_item *e) {
  struct jw *w = &in->line;
  const char *acct = in->srv && in->srv->account_id ? in->srv->account_id : "000000000000";
  jw_reset(w);
  write_prefix(in, e, acct);
  long long sec = (long long)e->time;
  if (sec != in->time_cache_sec) {
    inst_format_time(e->time, in->time_cache, false);
    in->time_cache_sec = sec;
  }
  jw_key(w, "eventTime"), jw_safe(w, in->time_cache, strlen(in->time_cache));
  jw_key(w, "eventName");
  if (e->op_known) jw_safe(w, e->operation, strlen(e->operation));
  else jw_cstr(w, e->operation);
  jw_key(w, "requestParameters");
  /* From the body's text (redact.c): no tree is shared with the loop thread. */
  if (e->body_len) inst_redact_params(w, e->body, e->body_len, e->pk, e->sk);
  else jw_null(w);
  jw_key(w, "responseElements"), jw_null(w);
  jw_key(w, "requestID"), jw_safe(w, e->request_id, strlen(e->request_id)); /* [A-Z0-9] */
  jw_key(w, "eventID"), write_event_id(in, w);
  jw_key(w, "readOnly"), jw_bool(w, e->read_only);
  write_resources(in, e, acct);
  jw_key(w, "managementEvent"), jw_bool(w, !e->data);
  jw_key(w, "eventCategory");
  if (e->data) jw_lit(w, "Data");
  else jw_lit(w, "Management");
  if (e->error_type) {
    jw_key(w, "errorCode"), jw_cstr(w, e->error_type);
    jw_key(w, "errorMessage"), jw_cstr(w, e->error_message ? e->error_message : "");
  }
  if (e->top_extra) jw_raw(w, e->top_extra, strlen(e->top_extra));
  jw_key(w, "ddbwatch");
  jw_obj(w);
  jw_key(w, "seq"), jw_int(w, (long long)e->seq);
  jw_key(w, "principalType");
  if (e->setup) jw_lit(w, "setup");
  else jw_lit(w, "app");
  jw_key(w, "callsite"), jw_cstr(w, e->callsite);
  jw_key(w, "latencyMs"), jw_num(w, e->latency_ms);
  jw_key(w, "httpStatus"), jw_int(w, e->status);
  jw_key(w, "requestBytes"), jw_int(w, (long long)e->request_bytes);
  if (e->counts_set) {
    jw_key(w, "itemsScanned"), jw_int(w, (long long)e->items_scanned);
    jw_key(w, "itemsReturned"), jw_int(w, (long long)e->items_returned);
  }
  if (e->dw_extra) {
    jw_raw(w, ",", 1);
    jw_raw(w, e->dw_extra, strlen(e->dw_extra));
  } else {
    jw_raw(w, ",\"findings\":[]", 14);
  }
  jw_obj_end(w);
  jw_obj_end(w);
}

/* Keep the rendered record in the events ring (the oldest buffer is reused). */
static void keep_event(struct inst *in, uint64_t seq) {
  const struct jw *w = &in->line;
  pthread_mutex_lock(&in->events_mu);
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
  pthread_mutex_unlock(&in->events_mu);
}

/* Write the file buffer out (writer thread, or after it stopped). */
static void write_out(struct inst *in) {
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

/* Render, keep and buffer one record. The item goes back to the loop thread,
** which allocated it, to be freed. */
static void process(struct inst *in, struct audit_item *e) {
  render(in, e);
  keep_event(in, e->seq);
  if (in->audit_fd >= 0) {
    jw_raw(&in->audit_buf, in->line.buf, in->line.len);
    jw_raw(&in->audit_buf, "\n", 1);
    if (in->audit_buf.len >= FLUSH_AT) write_out(in);
  }
}

/* Free items the writer is done with (loop thread; list taken under in->mu). */
static void release(struct audit_item *list) {
  while (list) {
    struct audit_item *next = list->next;
    free(list);
    list = next;
  }
}

/* Take the items the writer is done with (caller holds in->mu). */
static struct audit_item *take_released(struct inst *in) {
  struct audit_item *list = in->released;
  in->released = NULL;
  return list;
}

/*------------------------------ Writer thread ------------------------------*/

static void *writer_main(void *arg) {
  struct inst *in = arg;
  pthread_mutex_lock(&in->mu);
  for (;;) {
    /* Sleep until a batch is worth it (the loop thread signals at WAKE_AT
    ** queued records), a flush or stop is asked for, or the flush timer. */
    bool timer = false;
    while (in->queued < WAKE_AT && !in->stop && !in->flush_now && !timer) {
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      double s = in->cfg.flush_seconds;
      until.tv_sec += (time_t)s;
      until.tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
      if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
      timer = pthread_cond_timedwait(&in->work, &in->mu, &until) == ETIMEDOUT;
    }
    struct audit_item *list = in->qhead;
    in->qhead = in->qtail = NULL;
    bool flush = in->flush_now;
    size_t n = in->queued;
    in->queued = 0;
    in->queued_bytes = 0;
    pthread_mutex_unlock(&in->mu);
    struct audit_item *done = list, *last = NULL;
    for (struct audit_item *e = list; e; e = e->next) {
      process(in, e);
      last = e;
    }
    if (flush || timer) write_out(in);
    pthread_mutex_lock(&in->mu);
    if (last) {
      last->next = in->released;
      in->released = done;
    }
    in->processed += n;
    if (flush) in->flush_now = false;
    pthread_cond_broadcast(&in->done);
    if (in->stop && !in->qhead) break;
  }
  pthread_mutex_unlock(&in->mu);
  write_out(in);
  return NULL;
}

void inst_audit_init(struct inst *in) {
  pthread_mutex_init(&in->mu, NULL);
  pthread_mutex_init(&in->events_mu, NULL);
  pthread_cond_init(&in->work, NULL);
  pthread_cond_init(&in->done, NULL);
}

void inst_audit_destroy(struct inst *in) {
  pthread_cond_destroy(&in->work);
  pthread_cond_destroy(&in->done);
  pthread_mutex_destroy(&in->mu);
  pthread_mutex_destroy(&in->events_mu);
}

int inst_audit_start(struct inst *in) {
  if (pthread_create(&in->writer, NULL, writer_main, in)) return -1;
  in->writer_started = true;
  return 0;
}

void inst_audit_stop(struct inst *in) {
  if (!in->writer_started) return;
  pthread_mutex_lock(&in->mu);
  in->stop = true;
  pthread_cond_signal(&in->work);
  pthread_mutex_unlock(&in->mu);
  pthread_join(in->writer, NULL);
  in->writer_started = false;
  release(take_released(in));
}

void inst_audit_sync(struct inst *in, bool flush) {
  if (!in->writer_started) return;
  pthread_mutex_lock(&in->mu);
  uint64_t target = in->enqueued;
  if (in->processed < target || flush) {
    in->flush_now = true; /* wake it now (it also writes the file buffer out) */
    pthread_cond_signal(&in->work);
  }
  while (in->processed < target || (flush && in->flush_now)) pthread_cond_wait(&in->done, &in->mu);
  struct audit_item *done = take_released(in);
  pthread_mutex_unlock(&in->mu);
  release(done);
}

void inst_audit_flush(struct inst *in) {
  if (in->writer_started) inst_audit_sync(in, true);
  else write_out(in);
}

/*------------------------------ Loop thread --------------------------------*/

/* The parts only the loop thread may read (findings ring, expression
** context), rendered for the writer: the top-level additionalEventData member
** and the ddbwatch.findings / expressionError members. */
static void render_extras(struct inst *in, struct inst_trace *t, struct jw *top, struct jw *dw) {
  if (t->nfound) {
    top->comma = true;
    jw_key(top, "additionalEventData");
    jw_obj(top);
    jw_key(top, "ddbwatchFindings");
    jw_arr(top);
    /* The findings of this request are the newest in the ring. */
    for (int i = 0; i < t->nfound; i++) {
      for (size_t k = in->findings.count; k-- > 0;) {
        const struct inst_finding *f = inst_ring_at(&in->findings, k);
        if (f->id == t->found[i].id) {
          inst_finding_write(top, f);
          break;
        }
        if (f->id < t->found[i].id) break;
      }
    }
    jw_arr_end(top);
    jw_obj_end(top);
  }
  jw_key(dw, "findings");
  jw_arr(dw);
  for (int i = 0; i < t->nfound; i++) jw_cstr(dw, inst_detectors[t->found[i].detector].id);
  jw_arr_end(dw);
  struct inst_expr_error ee;
  if ((t->exprs || t->error_type) && inst_expr_error(t, &ee)) {
    jw_key(dw, "expressionError");
    jw_obj(dw);
    jw_key(dw, "expression"), jw_cstr(dw, ee.expression);
    jw_key(dw, "class"), jw_cstr(dw, ee.cls);
    jw_key(dw, "text"), jw_cstr(dw, ee.text);
    jw_key(dw, "token"), jw_cstr(dw, ee.token);
    jw_key(dw, "offset");
    if (ee.offset >= 0) jw_int(dw, ee.offset);
    else jw_null(dw);
    jw_key(dw, "message"), jw_cstr(dw, ee.message);
    jw_obj_end(dw);
  }
}

/* The loop waits for the writer beyond either bound (memory stays bounded). */
#define MAX_QUEUED 65536
#define MAX_QUEUED_BYTES (64u << 20)

void inst_audit_record(struct inst *in, struct inst_trace *t) {
  struct jw top = {0}, dw = {0};
  bool extras = t->nfound || ((t->exprs || t->error_type) && t->error_type);
  if (extras) render_extras(in, t, &top, &dw);
  const char *pk = NULL, *sk = NULL;
  if (t->item && t->table && in->srv && in->srv->store) {
    const struct table *tbl = catalog_find(in->srv->store, t->table);
    if (tbl) {
      pk = tbl->pk;
      sk = tbl->sk[0] ? tbl->sk : NULL;
    }
  }
  /* One allocation: the item, then its strings. */
  const char *src[] = {t->operation, t->principal ? t->principal : "", t->region ? t->region : "us-east-1",
                       t->peer, t->user_agent, t->callsite, t->table, t->request_id, t->error_message,
                       pk, sk, top.buf, dw.len ? dw.buf : NULL};
  enum { NSRC = sizeof src / sizeof src[0] };
  size_t len[NSRC], total = 0;
  for (int i = 0; i < NSRC; i++) total += src[i] ? (len[i] = strlen(src[i])) + 1 : (len[i] = 0);
  size_t body_len = t->body && t->request ? t->request_bytes : 0;
  struct audit_item *e = malloc(sizeof *e + total + body_len);
  if (!e) abort();
  const char **dst[] = {&e->operation, &e->principal, &e->region, &e->peer, &e->user_agent,
                        &e->callsite, &e->table, &e->request_id, &e->error_message, &e->pk,
                        &e->sk, &e->top_extra, &e->dw_extra};
  char *p = e->strings;
  for (int i = 0; i < NSRC; i++) {
    if (!src[i]) {
      *dst[i] = NULL;
      continue;
    }
    memcpy(p, src[i], len[i] + 1);
    *dst[i] = p;
    p += len[i] + 1;
  }
  memcpy(p, t->body, body_len);
  e->body = p;
  e->body_len = body_len;
  jw_free(&top);
  jw_free(&dw);
  e->next = NULL;
  e->time = t->time;
  e->latency_ms = t->latency_ms;
  e->status = t->status;
  e->request_bytes = t->request_bytes;
  e->items_scanned = t->items_scanned;
  e->items_returned = t->items_returned;
  e->counts_set = t->counts_set;
  e->op_known = t->op_known;
  e->read_only = (t->op_class & INST_OP_READ) || (t->op_flags & 0x01 /* OP_READ */);
  e->data = t->op_class & INST_OP_DATA;
  e->setup = t->principal_class == INST_PRINCIPAL_SETUP;
  e->error_type = t->error_type; /* a static string */
  e->seq = in->next_event++;
  if (!in->writer_started) {
    process(in, e);
    release(e);
    return;
  }
  pthread_mutex_lock(&in->mu);
  size_t bytes = sizeof *e + total + body_len;
  while (in->queued >= MAX_QUEUED || (in->queued && in->queued_bytes + bytes > MAX_QUEUED_BYTES)) {
    in->flush_now = true; /* wake it: the queue is full */
    pthread_cond_signal(&in->work);
    pthread_cond_wait(&in->done, &in->mu);
  }
  e->bytes = bytes;
  in->queued_bytes += bytes;
  bool wake = in->queued + 1 == WAKE_AT;
  if (in->qtail) in->qtail->next = e;
  else in->qhead = e;
  in->qtail = e;
  in->queued++;
  in->enqueued++;
  if (wake) pthread_cond_signal(&in->work);
  struct audit_item *done = take_released(in);
  pthread_mutex_unlock(&in->mu);
  release(done);
}

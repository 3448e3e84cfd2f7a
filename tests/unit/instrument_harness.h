/*
** tests/unit/instrument_harness.h: requests through the real dispatch_http()
** against an in-memory store, with instrumentation configured from a JSON
** text, for the instrument/ tests (test_instrument*.c). One server per test
** executable: start() replaces it, stop() ends it.
*/
#ifndef DDB_TEST_INSTRUMENT_HARNESS_H
#define DDB_TEST_INSTRUMENT_HARNESS_H

#include <stdarg.h>
#include <strings.h>
#include <unistd.h>

#include "instrument/detectors/detectors.h"
#include "instrument/internal.h"
#include "server/dispatch.h"
#include "server/request.h"
#include "storage/store.h"

/*-------------------------------- Harness ----------------------------------*/

static struct ddb_server srv;
static struct http_response last;   /* the last answer (body kept until the next) */
static json_t *last_body;           /* parsed body of the last answer */
static const char *audit_path = NULL;

static inline void reset_last(void) {
  free(last.body);
  for (size_t i = 0; i < last.nheaders; i++) free((char *)last.headers[i].value);
  memset(&last, 0, sizeof last);
  json_decref(last_body);
  last_body = NULL;
}

static inline void stop(void) {
  reset_last();
  if (srv.inst) {
    inst_shutdown(srv.inst);
    inst_free(srv.inst);
  }
  if (srv.store) store_close(srv.store);
  arena_free(&srv.arena);
  memset(&srv, 0, sizeof srv);
}

/* A fresh server with instrumentation configured by `config` (JSON text). */
static inline void start(const char *config) {
  stop();
  char path[] = "/tmp/ddbwatch-test-config-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(write(fd, config, strlen(config)) == (ssize_t)strlen(config));
  close(fd);
  char err[512] = "";
  srv.account_id = "000000000000";
  srv.default_region = "us-east-1";
  srv.rng = 42;
  srv.inst = inst_new(path, audit_path, err, sizeof err);
  unlink(path);
  if (!srv.inst) fprintf(stderr, "inst_new: %s\n", err);
  CHECK(srv.inst != NULL);
  srv.store = store_open(NULL, STORE_SYNC_NONE, err, sizeof err);
  CHECK(srv.store != NULL);
  int rc = inst_start(srv.inst, &srv, err, sizeof err);
  if (rc) fprintf(stderr, "inst_start: %s\n", err);
  CHECK(rc == 0);
}

/* Send one DynamoDB request; returns the HTTP status. */
static inline int call(const char *principal, const char *op, const char *callsite, const char *body) {
  reset_last();
  char target[96], auth[256];
  snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
  snprintf(auth, sizeof auth,
           "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/dynamodb/aws4_request, "
           "SignedHeaders=host;x-amz-date, Signature=00",
           principal);
  struct http_request h;
  memset(&h, 0, sizeof h);
  h.method = "POST";
  h.url = "/";
  h.peer = "127.0.0.1:40000";
  h.body = body;
  h.body_len = strlen(body);
  h.headers[h.nheaders++] = (struct http_header){"Content-Type", "application/x-amz-json-1.0"};
  h.headers[h.nheaders++] = (struct http_header){"X-Amz-Target", target};
  h.headers[h.nheaders++] = (struct http_header){"X-Amz-Date", "20260101T000000Z"};
  h.headers[h.nheaders++] = (struct http_header){"Authorization", auth};
  h.headers[h.nheaders++] = (struct http_header){"User-Agent", "unit-test/1.0"};
  if (callsite) h.headers[h.nheaders++] = (struct http_header){"x-ddbwatch-callsite", callsite};
  dispatch_http(&srv, &h, &last);
  if (store_batch_open(srv.store)) {
    char err[256];
    CHECK(store_flush(srv.store, err, sizeof err) == 0);
  }
  last_body = json_loadb(last.body ? last.body : "", last.body_len, 0, NULL);
  return last.status;
}

static inline const char *last_header(const char *name) {
  for (size_t i = 0; i < last.nheaders; i++)
    if (strcasecmp(last.headers[i].name, name) == 0) return last.headers[i].value;
  return NULL;
}

/* An admin request; returns the status, the body in last_body. */
static inline int admin(const char *method, const char *url) {
  reset_last();
  struct http_request h;
  memset(&h, 0, sizeof h);
  h.method = method;
  h.url = url;
  h.peer = "127.0.0.1:40000";
  h.body = "";
  dispatch_http(&srv, &h, &last);
  last_body = json_loadb(last.body ? last.body : "", last.body_len, 0, NULL);
  return last.status;
}

/* Findings of detector id raised so far (all severities). */
static inline int count(const char *id) {
  int n = 0;
  for (size_t i = 0; i < srv.inst->findings.count; i++) {
    const struct inst_finding *f = inst_ring_at(&srv.inst->findings, i);
    if (strcmp(inst_detectors[f->detector].id, id) == 0) n++;
  }
  return n;
}

static inline const struct inst_finding *newest(void) {
  size_t n = srv.inst->findings.count;
  return n ? inst_ring_at(&srv.inst->findings, n - 1) : NULL;
}

/* The newest audit record, parsed (new reference). */
static inline json_t *last_event(void) {
  inst_audit_sync(srv.inst, false);
  size_t n = srv.inst->events.count;
  if (!n) return NULL;
  const struct inst_event *ev = inst_ring_at(&srv.inst->events, n - 1);
  return json_loads(ev->text, 0, NULL);
}

#define TABLE(name)                                                                            \
  "{\"TableName\":\"" name "\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]," \
  "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"              \
  "\"BillingMode\":\"PAY_PER_REQUEST\"}"


/* start(), then --learn learn / --baseline frozen (either may be NULL). */
static inline void start_baseline(const char *config, const char *learn, const char *frozen) {
  start(config);
  char err[512] = "";
  int rc = inst_baseline_start(srv.inst, learn, frozen, err, sizeof err);
  if (rc) fprintf(stderr, "inst_baseline_start: %s\n", err);
  CHECK(rc == 0);
}

/* The finding of detector id on the last request (by its x-amzn-RequestId), or NULL. */
static inline const struct inst_finding *found(const char *id) {
  const char *rid = last_header("x-amzn-RequestId");
  for (size_t i = 0; rid && i < srv.inst->findings.count; i++) {
    const struct inst_finding *f = inst_ring_at(&srv.inst->findings, i);
    if (strcmp(inst_detectors[f->detector].id, id) == 0 && f->request_id && strcmp(f->request_id, rid) == 0)
      return f;
  }
  return NULL;
}

/* The severity of detector id's finding on the last request, -1 when none. */
static inline int severity_of(const char *id) {
  const struct inst_finding *f = found(id);
  return f ? f->severity : -1;
}

#endif

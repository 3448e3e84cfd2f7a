/*
** server/request.h: the server and one DynamoDB request as operations see them.
*/
#ifndef DDB_REQUEST_H
#define DDB_REQUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <uv.h>

#include "arena.h"
#include "auth.h"
#include "errors.h"
#include "http.h"
#include "instrument/trace.h"

struct store;
struct op_def;
struct inst;

/* Process-wide state; one per ddbwatch process. */
struct ddb_server {
  uv_loop_t *loop;
  struct store *store;
  struct http_server *http;
  const char *account_id;     /* in ARNs: "000000000000", as DynamoDB Local */
  const char *default_region; /* when a request names none */
  bool deterministic;         /* fixed request ids and clock (tests, fuzzing) */
  uint64_t rng;               /* xorshift state for request ids */
  uint64_t seq;               /* requests served */
  struct arena arena;         /* reused by every request: handlers run one at a time */
  struct inst *inst;          /* instrumentation (instrument/inst.h), or NULL */
};

/* One request, from the parsed body to the response. */
struct ddb_request {
  struct ddb_server *srv;
  const struct http_request *http;
  const struct op_def *op;
  struct auth_info auth;
  char request_id[53];
  double now;        /* seconds since the epoch, fixed for the request */
  json_t *in;        /* the request body (owned) */
  char *raw_out;     /* a handler may answer with ready JSON text instead of a
                        json_t (malloc'd; dispatch sends and frees it) */
  size_t raw_out_len;
  struct arena arena;
  struct ddb_err err;
  struct inst_trace trace; /* what instrumentation sees (instrument/trace.h) */
};

/* An operation handler: reads r->in (validated against the service model),
** sets *out to a new reference to the response body, or returns -1 with
** r->err set. */
typedef int op_fn(struct ddb_request *r, json_t **out);

/* A table's ARN for this request's region: arn:aws:dynamodb:<region>:<acct>:table/<name> */
char *req_table_arn(struct ddb_request *r, const char *table); /* in r->arena */
const char *req_region(const struct ddb_request *r);

/* Small readers for validated input: NULL / default when absent. */
const char *req_str(const json_t *obj, const char *key);

#endif

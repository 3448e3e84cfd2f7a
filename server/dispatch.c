/*
** server/dispatch.c: from an HTTP request to a DynamoDB operation and back.
**
** The checks run in the order DynamoDB applies them (as recorded from AWS in
** dynalite's index.js): method and content type, JSON syntax, X-Amz-Target,
** the Authorization header, the request shape against the service model, and
** finally the operation, which validates its own semantics. Whatever
** happens, the answer carries x-amzn-RequestId and x-amz-crc32.
*/
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <zlib.h>

#include "instrument/inst.h"
#include "ops/ops.h"
#include "storage/store.h"
#include "validate.h"

/* Kept sorted by name: op_lookup uses bsearch. */
static const struct op_def op_table[] = {
    {"BatchExecuteStatement", op_batch_execute_statement, OP_READ | OP_WRITE},
    {"BatchGetItem", op_batch_get_item, OP_READ},
    {"BatchWriteItem", op_batch_write_item, OP_WRITE},
    {"CreateTable", op_create_table, OP_CONTROL},
    {"DeleteItem", op_delete_item, OP_WRITE},
    {"DeleteTable", op_delete_table, OP_CONTROL},
    {"DescribeTable", op_describe_table, OP_CONTROL},
    {"ExecuteStatement", op_execute_statement, OP_READ | OP_WRITE},
    {"ExecuteTransaction", op_execute_transaction, OP_READ | OP_WRITE},
    {"GetItem", op_get_item, OP_READ},
    {"ListTables", op_list_tables, OP_CONTROL},
    {"PutItem", op_put_item, OP_WRITE},
    {"Query", op_query, OP_READ},
    {"Scan", op_scan, OP_READ},
    {"TransactGetItems", op_transact_get_items, OP_READ},
    {"TransactWriteItems", op_transact_write_items, OP_WRITE},
    {"UpdateItem", op_update_item, OP_WRITE},
    {"UpdateTable", op_update_table, OP_CONTROL},
};

struct op_key {
  const char *name;
  size_t len;
};

static int op_cmp(const void *key, const void *elem) {
  const struct op_key *k = key;
  const struct op_def *d = elem;
  size_t dlen = strlen(d->name);
  int c = memcmp(k->name, d->name, k->len < dlen ? k->len : dlen);
  if (c) return c;
  return k->len < dlen ? -1 : k->len > dlen;
}

const struct op_def *op_lookup(const char *name, size_t len) {
  struct op_key k = {name, len};
  return bsearch(&k, op_table, sizeof op_table / sizeof op_table[0], sizeof op_table[0], op_cmp);
}

/*------------------------------ Request ids --------------------------------*/

static uint64_t rng_next(struct ddb_server *s) {
  uint64_t x = s->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  s->rng = x;
  return x * 0x2545F4914F6CDD1Dull;
}

/* DynamoDB's request ids are 52 characters of [A-Z0-9]. */
static void make_request_id(struct ddb_server *s, char out[53]) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  uint64_t bits = 0;
  int left = 0;
  for (int i = 0; i < 52; i++) {
    if (left < 6) {
      bits = rng_next(s);
      left = 64;
    }
    out[i] = alphabet[(bits & 63) % 36];
    bits >>= 6;
    left -= 6;
  }
  out[52] = 0;
}

/*-------------------------------- Helpers ----------------------------------*/

const char *req_str(const json_t *obj, const char *key) {
  return json_string_value(json_object_get(obj, key));
}

const char *req_region(const struct ddb_request *r) {
  return r->auth.region[0] ? r->auth.region : r->srv->default_region;
}

char *req_table_arn(struct ddb_request *r, const char *table) {
  return arena_printf(&r->arena, "arn:aws:dynamodb:%s:%s:table/%s", req_region(r),
                      r->srv->account_id, table);
}

static double now_seconds(const struct ddb_server *s) {
  if (s->deterministic) return 1700000000.0 + (double)s->seq;
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + (double)(tv.tv_usec / 1000) / 1000.0;
}

/* DynamoDB accepts a table's ARN wherever a data-plane request names a table
** (arn:aws:dynamodb:<region>:<account>:table/<name>). Operations work with the
** bare name, which is also what DynamoDB's messages then name. */
static void table_arn_to_name(json_t *in) {
  json_t *tn = json_object_get(in, "TableName");
  const char *v = json_string_value(tn);
  if (!v || strncmp(v, "arn:", 4) != 0) return;
  const char *slash = strstr(v, ":table/");
  if (!slash || !slash[7] || strchr(slash + 7, '/')) return;
  json_string_set(tn, slash + 7);
}

/*------------------------------- Responses ---------------------------------*/

static void respond_bytes(struct http_response *resp, int status, const char *content_type,
                          const char *request_id, char *body, size_t len) {
  char crc[16];
  resp->status = status;
  resp->content_type = content_type;
  if (request_id) http_response_header(resp, "x-amzn-RequestId", request_id);
  unsigned long v = crc32(0L, (const Bytef *)body, (uInt)len);
  char *p = crc + sizeof crc - 1; /* decimal, by hand: snprintf costs more than the CRC */
  *p = 0;
  do *--p = (char)('0' + v % 10);
  while (v /= 10);
  memmove(crc, p, (size_t)(crc + sizeof crc - p));
  http_response_header(resp, "x-amz-crc32", crc);
  resp->body = body;
  resp->body_len = len;
}

static void respond_json(struct http_response *resp, int status, const char *content_type,
                         const char *request_id, json_t *body) {
  char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(13));
  if (!text) text = strdup("{}");
  respond_bytes(resp, status, content_type, request_id, text, strlen(text));
}

static void respond_error(struct http_response *resp, const char *content_type,
                          const char *request_id, const struct ddb_err *e) {
  json_t *body = ddb_err_body(e);
  respond_json(resp, ddb_code_status(e->code), content_type, request_id, body);
  json_decref(body);
}

/*------------------------------ Admin API ----------------------------------*/

static void dispatch_admin(struct ddb_server *s, const struct http_request *req,
                           struct http_response *resp) {
  if (s->inst) {
    inst_admin(s->inst, req, resp); /* the full admin API (instrument/admin.c) */
    return;
  }
  json_t *body;
  int status = 200;
  if (strcmp(req->method, "GET") == 0 && strcmp(req->url, "/_ddbwatch/health") == 0) {
    body = json_pack("{ss ss}", "status", "ok", "version", DDBWATCH_VERSION);
  } else {
    status = 404;
    body = json_pack("{ss}", "error", "no such admin endpoint");
  }
  respond_json(resp, status, "application/json", NULL, body);
  json_decref(body);
}

/*---------------------------- The entry point ------------------------------*/

void dispatch_http(void *ctx, const struct http_request *hreq, struct http_response *resp) {
  struct ddb_server *s = ctx;
  s->seq++;
  if (strncmp(hreq->url, "/_ddbwatch/", 11) == 0) {
    dispatch_admin(s, hreq, resp);
    return;
  }

  struct ddb_request r;
  memset(&r, 0, sizeof r);
  r.srv = s;
  r.http = hreq;
  r.now = now_seconds(s);
  make_request_id(s, r.request_id);
  inst_begin(s->inst, &r);
  r.arena = s->arena; /* reuse the chunk kept from the last request */

  if (strcmp(hreq->method, "GET") == 0) {
    /* DynamoDB's health answer, trailing space included. */
    const char *text = "healthy: dynamodb.us-east-1.amazonaws.com ";
    respond_bytes(resp, 200, "text/plain", r.request_id, strdup(text), strlen(text));
    return;
  }

  const char *ct_header = http_header_get(hreq, "content-type");
  char ct[64] = "";
  if (ct_header) {
    size_t n = strcspn(ct_header, ";");
    while (n && ct_header[n - 1] == ' ') n--;
    if (n < sizeof ct) {
      memcpy(ct, ct_header, n);
      ct[n] = 0;
    }
  }
  bool amz_json = strcasecmp(ct, "application/x-amz-json-1.0") == 0;
  if (strcmp(hreq->method, "POST") != 0 ||
      (hreq->body_len && !amz_json && strcasecmp(ct, "application/json") != 0)) {
    const char *text = "<UnknownOperationException/>\n";
    respond_bytes(resp, 404, "text/plain", r.request_id, strdup(text), strlen(text));
    return;
  }
  const char *content_type = amz_json ? "application/x-amz-json-1.0" : "application/json";
  json_t *out = NULL;

  /* JSON syntax first, then the target, then authentication. */
  if (hreq->body_len) {
    json_error_t jerr;
    r.in = json_loadb(hreq->body, hreq->body_len, JSON_ALLOW_NUL, &jerr);
    if (!r.in || !json_is_object(r.in)) {
      /* Unparseable JSON gets a bare __type, as DynamoDB answers it. */
      ddb_fail(&r.err, DDB_SERIALIZATION, "%s", r.in ? "Start of list found where not expected" : "");
      goto done;
    }
  }
  const char *target = http_header_get(hreq, "x-amz-target");
  const char *dot = target ? strchr(target, '.') : NULL;
  if (dot && (size_t)(dot - target) == strlen("DynamoDB_20120810") &&
      strncmp(target, "DynamoDB_20120810", (size_t)(dot - target)) == 0)
    r.op = op_lookup(dot + 1, strlen(dot + 1));
  if (!r.op) {
    ddb_fail(&r.err, DDB_UNKNOWN_OPERATION, "%s", "");
    goto done;
  }
  if (auth_parse(hreq, &r.auth, &r.err)) goto done;
  if (!r.in) {
    ddb_fail(&r.err, DDB_SERIALIZATION, "%s", "");
    goto done;
  }
  if (validate_request(r.op->name, r.in, &r.err)) goto done;
  table_arn_to_name(r.in);
  if (inst_precheck(s->inst, &r)) goto done; /* enforce mode may refuse */

  if (r.op->fn(&r, &out) == 0) {
    if (r.raw_out) {
      respond_bytes(resp, 200, content_type, r.request_id, r.raw_out, r.raw_out_len);
      r.raw_out = NULL;
    } else {
      if (!out) out = json_object();
      respond_json(resp, 200, content_type, r.request_id, out);
    }
  }

done:
  if (r.err.code != DDB_OK) {
    /* Errors without a message (protocol errors) carry only __type. */
    if (r.err.msg && !r.err.msg[0]) {
      free(r.err.msg);
      r.err.msg = NULL;
    }
    respond_error(resp, content_type, r.request_id, &r.err);
  }
  inst_observe(s->inst, &r, resp->status, out);
  json_decref(out);
  /* Writes are durable only once the turn's group commit is done (main.c). */
  resp->hold = store_batch_open(s->store);
  ddb_err_clear(&r.err);
  json_decref(r.in);
  free(r.raw_out);
  arena_clear(&r.arena);
  s->arena = r.arena;
}

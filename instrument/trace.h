/*
** instrument/trace.h: what a finished request looks like to a detector.
**
** dispatch.c starts a trace for every DynamoDB request that has a request id
** (inst_precheck fills the common part from the request: principal, call
** site, table, index, Limit, Segment...), and ends it with inst_observe once
** the response is known. Operation handlers add what only they know through
** r->trace: the expression context they parsed with, items scanned and
** returned. Detectors read traces; they never reach into handlers and, unless
** enforcement is on, never change a response.
**
** Everything a trace points to is borrowed (from the request, its arena or
** the HTTP request) and valid only until inst_observe() returns.
**
** For operation authors, the one-line additions:
**   inst_trace_expr(&r->trace, &r->arena, c, scope);   after expr_ctx_new()
**   expr_ctx_set(c, kind, root);               a legacy parameter's translated tree
**   r->trace.items_scanned = n; r->trace.items_returned = m;
**   r->trace.counts_set = true;                Query, Scan
**   r->trace.response_raw = body;              an answer sent as raw bytes
*/
#ifndef DDB_TRACE_H
#define DDB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct expr_ctx;
struct arena;
struct pql_parsed;
struct inst_facts;

/* Most findings one request can carry (more are counted but not linked). */
#define INST_TRACE_MAX_FOUND 16

/* How ddbwatch sees a principal (see instrument/README.md, "Principals"). */
enum inst_principal_class {
  INST_PRINCIPAL_APP,   /* the code under test */
  INST_PRINCIPAL_SETUP, /* creates and manages tables */
};

/* One finding raised on this request (the full record is in the findings ring). */
struct inst_found {
  uint64_t id;       /* finding id */
  int detector;      /* index in the detector table */
  int severity;      /* enum inst_severity */
};

/* One PartiQL statement of ExecuteStatement, BatchExecuteStatement or
** ExecuteTransaction, as server/ops/partiql.c parsed it (all borrowed). */
struct inst_partiql {
  const char *statement;   /* the statement as sent */
  const char *template_text; /* literals and ?s written as ?, names and tables kept
                              (server/partiql/template.c); NULL when it does not lex */
  const char *verb;        /* "SELECT", "INSERT", "UPDATE", "DELETE", "EXISTS" or NULL */
  const char *table;       /* target table, or NULL */
  const char *index;       /* SELECT ... FROM "t"."index": the index, or NULL */
  bool literals;           /* strings, numbers or Ion literals written in the statement */
  bool parameters;         /* ? placeholders */
  bool full_scan;          /* a SELECT whose WHERE has no partition-key = or IN at the
                              top level of an AND chain (of the table or the index) */
  bool top_or;             /* the WHERE clause's top level is an OR */
  const struct pql_parsed *parsed; /* the parse (arena), or NULL when it failed */
  const char *hash;        /* partition key of what the statement reads or writes, or NULL */
};

/* One expression context of the request, in parse order: the request's own,
** or one per action of a transaction or per table of a BatchGetItem. */
struct inst_expr_use {
  const struct expr_ctx *ctx;
  const json_t *scope;     /* the object the expressions came from: the request,
                              a TransactItems action body, a RequestItems entry */
  struct inst_expr_use *next;
};

/* Bits of inst_trace.legacy: the legacy (pre-expression) parameters present. */
#define INST_LEGACY_EXPECTED 0x01
#define INST_LEGACY_SCAN_FILTER 0x02
#define INST_LEGACY_QUERY_FILTER 0x04
#define INST_LEGACY_KEY_CONDITIONS 0x08
#define INST_LEGACY_CONDITIONAL_OPERATOR 0x10
#define INST_LEGACY_ATTRIBUTE_UPDATES 0x20
#define INST_LEGACY_ATTRIBUTES_TO_GET 0x40

struct inst_trace {
  /* ---- Filled by inst_precheck() from the request ---- */
  bool started;              /* precheck ran (request reached validation) */
  bool pre_done;             /* request-only detectors ran */
  const char *request_id;    /* equals the x-amzn-RequestId sent */
  const char *operation;     /* "GetItem" from X-Amz-Target, even when unknown; or NULL */
  bool op_known;             /* the operation exists in dispatch's table */
  unsigned op_flags;         /* OP_READ / OP_WRITE / OP_CONTROL (dispatch.h) */
  unsigned op_class;         /* INST_OP_* (instrument/detectors/detectors.h) */
  const char *principal;     /* SigV4 access key id, "" when unauthenticated */
  enum inst_principal_class principal_class;
  const char *region;
  const char *peer;          /* "ip:port" */
  const char *user_agent;
  const char *callsite;      /* x-ddbwatch-callsite header, or NULL */
  const json_t *request;     /* parsed request body, or NULL */
  const char *body;          /* the body as received (request_bytes long) */
  size_t request_bytes;
  double time;               /* request start, seconds since the epoch */
  uint64_t start_ns;         /* monotonic start (uv_hrtime) */
  struct arena *arena;       /* the request's arena, for lazily built strings */

  /* Request parameters detectors read (from the body; NULL / -1 when absent). */
  const char *table;         /* TableName (an ARN is reduced to its table name) */
  const char *index;         /* IndexName */
  int64_t limit;             /* Limit, -1 when absent */
  int64_t segment;           /* Segment, -1 when absent */
  int64_t total_segments;    /* TotalSegments, -1 when absent */
  bool exclusive_start_key;  /* ExclusiveStartKey present */
  const char *select;        /* Select */
  const json_t *item;        /* Item (PutItem), or NULL */
  const json_t *key;         /* Key, or NULL */
  const json_t *values;      /* ExpressionAttributeValues, or NULL */
  const json_t *names;       /* ExpressionAttributeNames, or NULL */
  unsigned legacy;           /* INST_LEGACY_* */
  const json_t *parameters;  /* Parameters (ExecuteStatement), or NULL */
  const json_t *statements;  /* Statements / TransactStatements, or NULL */
  const json_t *request_items;  /* RequestItems (batches), or NULL */
  const json_t *transact_items; /* TransactItems, or NULL */

  /* ---- Filled by operations ---- */
  struct inst_expr_use *exprs;     /* parsed expressions and the diagnostic of a
                                      malformed one (server/expr/expr.h), in parse order */
  struct inst_expr_use *exprs_last;
  const struct inst_partiql *partiql; /* PartiQL statements, in request order (arena) */
  int npartiql;
  bool counts_set;           /* items_scanned / items_returned are meaningful */
  uint64_t items_scanned;
  uint64_t items_returned;
  const char *response_raw;  /* an answer sent as bytes (GetItem, Query, Scan), or NULL */
  size_t response_raw_len;

  /* ---- Filled by inst_observe() ---- */
  int status;                /* HTTP status sent */
  const char *error_type;    /* "ValidationException", or NULL on success */
  const char *error_message;
  const json_t *response;    /* response body when the handler built one, or NULL */
  double latency_ms;
  const char *shape;         /* op + table + index + expression templates (lazy) */
  struct inst_facts *facts;  /* what the baseline records of this request (lazy, arena) */

  /* Findings raised on this request, in order. */
  struct inst_found found[INST_TRACE_MAX_FOUND];
  int nfound;
  int max_severity;          /* highest severity found, -1 for none */
};

/* Add an expression context to the trace (an operation calls it right after
** expr_ctx_new(); a context already listed is not added twice). scope is the
** JSON object whose expression members the context parses (borrowed). */
void inst_trace_expr(struct inst_trace *t, struct arena *a, const struct expr_ctx *c,
                     const json_t *scope);

/* The first context of the trace whose parse failed, or NULL. */
const struct expr_ctx *inst_trace_failed_expr(const struct inst_trace *t);

#endif

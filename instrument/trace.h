/*
** instrument/trace.h: what a finished request looks like to a detector.
**
** dispatch.c fills the common part of a trace for every DynamoDB request;
** operation handlers add what only they know (table, index, parsed
** expressions, items scanned...) through r->trace. Detectors read traces;
** they never reach into handlers and, unless enforcement is on, never change a
** response. Everything a trace points to is borrowed and valid only during
** inst_observe().
*/
#ifndef DDB_TRACE_H
#define DDB_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct inst_trace {
  const char *request_id;    /* equals the x-amzn-RequestId sent */
  const char *operation;     /* "GetItem"; NULL when the target was unknown */
  unsigned op_flags;         /* OP_READ / OP_WRITE / OP_CONTROL (dispatch.h) */
  const char *principal;     /* SigV4 access key id, "" when unauthenticated */
  const char *region;
  const char *peer;          /* "ip:port" */
  const char *user_agent;
  const char *callsite;      /* x-ddbwatch-callsite header, or NULL */
  const json_t *request;     /* parsed request body, or NULL */
  size_t request_bytes;
  double time;               /* request start, seconds since the epoch */
  double latency_ms;
  int status;                /* HTTP status sent */
  const char *error_type;    /* "ValidationException", or NULL on success */
  const char *error_message;
  /* Filled by operations where they apply. */
  const char *table;
  const char *index;
  uint64_t items_scanned;
  uint64_t items_returned;
};

#endif

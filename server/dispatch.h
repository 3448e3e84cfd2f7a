/*
** server/dispatch.h: the operation table and the HTTP entry point.
*/
#ifndef DDB_DISPATCH_H
#define DDB_DISPATCH_H

#include "http.h"
#include "request.h"

/* Operation flags, read in one place (dispatch_http). */
#define OP_READ 0x01    /* reads items */
#define OP_WRITE 0x02   /* writes items */
#define OP_CONTROL 0x04 /* control plane: creates, changes or describes tables */

struct op_def {
  const char *name; /* "GetItem" */
  op_fn *fn;
  unsigned flags;
};

/* The operation named `name` (exact case), or NULL. */
const struct op_def *op_lookup(const char *name, size_t len);

/* The http_handler_fn for ddbwatch; ctx is the struct ddb_server. */
void dispatch_http(void *ctx, const struct http_request *req, struct http_response *resp);

#endif

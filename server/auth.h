/*
** server/auth.h: the SigV4 Authorization header.
**
** DynamoDB refuses requests without an AWS4 Authorization header and checks the
** header's shape before anything else. We parse it, in the order DynamoDB
** checks it, far enough to know the principal (access key id) and region; the
** signature itself is not verified yet (any credentials are accepted).
*/
#ifndef DDB_AUTH_H
#define DDB_AUTH_H

#include "errors.h"
#include "http.h"

struct auth_info {
  char access_key_id[129];
  char region[64];
  char date[9];            /* YYYYMMDD from the credential scope */
  char signed_headers[512];
  char signature[129];
};

/* Parse and check req's Authorization header. Returns 0 and fills *out, or -1
** with e set to MissingAuthenticationToken / IncompleteSignature /
** InvalidSignature exactly as DynamoDB reports them. */
int auth_parse(const struct http_request *req, struct auth_info *out, struct ddb_err *e);

#endif

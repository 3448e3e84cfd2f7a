/*
** server/auth.c: SigV4 Authorization header parsing (see auth.h).
**
** Header shape:
**   AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/aws4_request,
**     SignedHeaders=host;x-amz-date, Signature=<hex>
** Check order and texts follow what DynamoDB answers (recorded in dynalite's
** index.js comments): missing parts, date header, algorithm, credential shape,
** credential scope.
*/
#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copy the value of `key=` from the comma/space separated parameter list. */
static int auth_param(const char *params, const char *key, char *out, size_t outlen) {
  size_t klen = strlen(key);
  const char *p = params;
  while (*p) {
    while (*p == ' ' || *p == ',') p++;
    const char *start = p;
    while (*p && *p != ' ' && *p != ',') p++;
    size_t len = (size_t)(p - start);
    if (len > klen && strncmp(start, key, klen) == 0 && start[klen] == '=') {
      size_t vlen = len - klen - 1;
      if (vlen == 0) return 0;
      if (vlen >= outlen) vlen = outlen - 1;
      memcpy(out, start + klen + 1, vlen);
      out[vlen] = 0;
      return 1;
    }
  }
  return 0;
}

/* Copy src into a fixed field, cut to fit. */
static void copy_field(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) n = size - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
}

int auth_parse(const struct http_request *req, struct auth_info *out, struct ddb_err *e) {
  memset(out, 0, sizeof *out);
  const char *h = http_header_get(req, "authorization");
  if (!h || strncmp(h, "AWS4-", 5) != 0)
    return ddb_fail(e, DDB_MISSING_AUTH_TOKEN, "Request is missing Authentication Token");

  const char *sp = strchr(h, ' ');
  const char *params = sp ? sp : "";
  char credential[512] = "";
  char msg[2048] = "";
  size_t m = 0;
  if (!auth_param(params, "Credential", credential, sizeof credential))
    m += (size_t)snprintf(msg + m, sizeof msg - m, "Authorization header requires 'Credential' parameter. ");
  if (!auth_param(params, "Signature", out->signature, sizeof out->signature))
    m += (size_t)snprintf(msg + m, sizeof msg - m, "Authorization header requires 'Signature' parameter. ");
  if (!auth_param(params, "SignedHeaders", out->signed_headers, sizeof out->signed_headers))
    m += (size_t)snprintf(msg + m, sizeof msg - m, "Authorization header requires 'SignedHeaders' parameter. ");
  const char *amz_date = http_header_get(req, "x-amz-date");
  const char *date = amz_date ? amz_date : http_header_get(req, "date");
  if (!date && m < sizeof msg)
    m += (size_t)snprintf(msg + m, sizeof msg - m,
                          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
  if (m) return ddb_fail(e, DDB_INCOMPLETE_SIGNATURE, "%sAuthorization=%s", msg, h);

  size_t alglen = sp ? (size_t)(sp - h) : strlen(h);
  if (alglen != strlen("AWS4-HMAC-SHA256") || strncmp(h, "AWS4-HMAC-SHA256", alglen) != 0)
    return ddb_fail(e, DDB_INCOMPLETE_SIGNATURE,
                    "Unsupported AWS 'algorithm': '%.*s' (only AWS4-HMAC-SHA256 for now). ",
                    (int)alglen, h);

  /* Credential: keyid/date/region/service/terminator (trailing slashes ignored). */
  size_t clen = strlen(credential);
  while (clen && credential[clen - 1] == '/') credential[--clen] = 0;
  char *parts[6] = {0};
  int nparts = 0;
  for (char *p = credential, *tok; nparts < 6 && (tok = strsep(&p, "/"));) parts[nparts++] = tok;
  if (nparts != 5) {
    /* Re-read the original for the message: strsep cut it up. */
    char orig[512];
    auth_param(params, "Credential", orig, sizeof orig);
    return ddb_fail(e, DDB_INCOMPLETE_SIGNATURE,
                    "Credential must have exactly 5 slash-delimited elements, e.g. "
                    "keyid/date/region/service/term, got '%s'",
                    orig);
  }
  m = 0;
  msg[0] = 0;
  if (parts[2][0] == 0)
    m += (size_t)snprintf(msg + m, sizeof msg - m,
                          "Credential should be scoped to a valid region, not '%s'. ", parts[2]);
  if (strcmp(parts[3], "dynamodb") != 0)
    m += (size_t)snprintf(msg + m, sizeof msg - m,
                          "Credential should be scoped to correct service: 'dynamodb'. ");
  if (strcmp(parts[4], "aws4_request") != 0)
    m += (size_t)snprintf(msg + m, sizeof msg - m,
                          "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. ",
                          parts[4]);
  if (m) {
    msg[m - 1] = 0; /* drop the trailing space */
    return ddb_fail(e, DDB_INVALID_SIGNATURE, "%s", msg);
  }
  copy_field(out->access_key_id, sizeof out->access_key_id, parts[0]);
  copy_field(out->date, sizeof out->date, parts[1]);
  copy_field(out->region, sizeof out->region, parts[2]);
  return 0;
}

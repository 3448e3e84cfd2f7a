/*
** server/errors.c: DynamoDB error values (see errors.h).
*/
#include "errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  int status;
  const char *ns;
  const char *name;
} error_table[DDB_ERROR_COUNT] = {
    [DDB_OK] = {200, "", ""},
#define X(code, status, ns, name) [code] = {status, ns, name},
    DDB_ERRORS(X)
#undef X
};

int ddb_vfail(struct ddb_err *e, ddb_code code, const char *fmt, va_list ap) {
  if (e->code != DDB_OK) return -1;
  e->code = code;
  free(e->msg);
  e->msg = NULL;
  if (vasprintf(&e->msg, fmt, ap) < 0) e->msg = NULL;
  return -1;
}

int ddb_fail(struct ddb_err *e, ddb_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ddb_vfail(e, code, fmt, ap);
  va_end(ap);
  return -1;
}

void ddb_err_clear(struct ddb_err *e) {
  free(e->msg);
  if (e->extra) json_decref(e->extra);
  e->code = DDB_OK;
  e->msg = NULL;
  e->extra = NULL;
}

int ddb_code_status(ddb_code code) { return error_table[code].status; }
const char *ddb_code_name(ddb_code code) { return error_table[code].name; }
const char *ddb_code_ns(ddb_code code) { return error_table[code].ns; }

json_t *ddb_err_body(const struct ddb_err *e) {
  char type[160];
  snprintf(type, sizeof type, "%s%s", error_table[e->code].ns, error_table[e->code].name);
  json_t *body = json_object();
  json_object_set_new(body, "__type", json_string(type));
  /* The protocol layer that raises SerializationException capitalises its key
  ** (recorded from AWS in dynalite's validations/index.js). */
  const char *key = e->code == DDB_SERIALIZATION ? "Message" : "message";
  if (e->msg) json_object_set_new(body, key, json_string(e->msg));
  if (e->extra) json_object_update(body, e->extra);
  return body;
}

/*
** tests/fuzz/fuzz_expr.c: libFuzzer target for the expression language.
**
** Every input is parsed as each of the five expression kinds against one fixed
** set of ExpressionAttributeNames / Values; what parses is then evaluated,
** projected, applied as an update, dumped and fingerprinted against a fixed
** item, and the unused-key check runs. A crash, a leak or a sanitizer report is
** a failure. Built only with -DDDB_FUZZ=ON and clang:
**   CC=clang cmake -S . -B /tmp/build-fuzz -DDDB_FUZZ=ON -DDDB_SANITIZE=ON
**   /tmp/build-fuzz/fuzz_expr -max_total_time=60 <corpus dir>
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"

static json_t *names, *values, *item;

static const char names_json[] =
    "{\"#n\":\"nn\",\"#m\":\"m\",\"#a\":\"a\",\"#k\":\"name\",\"#l\":\"l\",\"#d\":\"a.b\"}";
static const char values_json[] =
    "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"-9.9999999999999999999999999999999999999E+125\"},"
    "\":s\":{\"S\":\"x\"},\":t\":{\"S\":\"S\"},\":b\":{\"B\":\"AAE=\"},\":n\":{\"NULL\":true},"
    "\":ss\":{\"SS\":[\"a\",\"b\"]},\":ns\":{\"NS\":[\"1\",\"2\"]},\":bs\":{\"BS\":[\"AQ==\"]},"
    "\":l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]},\":m\":{\"M\":{\"k\":{\"S\":\"v\"}}},"
    "\":bool\":{\"BOOL\":false},\":e\":{\"S\":\"\"}}";
static const char item_json[] =
    "{\"pk\":{\"S\":\"k\"},\"a\":{\"N\":\"5\"},\"s\":{\"S\":\"hello\"},\"nn\":{\"N\":\"2\"},"
    "\"l\":{\"L\":[{\"N\":\"1\"},{\"L\":[{\"S\":\"x\"}]},{\"M\":{\"q\":{\"N\":\"3\"}}}]},"
    "\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"SS\":[\"a\"]}}}}},"
    "\"ss\":{\"SS\":[\"a\",\"c\"]},\"ns\":{\"NS\":[\"1\",\"5\"]},\"b\":{\"B\":\"AAEC\"},"
    "\"a.b\":{\"BOOL\":true},\"e\":{\"M\":{}}}";

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  names = json_loads(names_json, 0, NULL);
  values = json_loads(values_json, 0, NULL);
  item = json_loads(item_json, 0, NULL);
  if (!names || !values || !item) abort();
  return 0;
}

static void exercise(struct arena *a, enum expr_kind kind, const struct expr *x) {
  struct ddb_err e = {0};
  (void)expr_dump(a, x);
  (void)expr_fingerprint(a, x);
  switch (kind) {
  case EXPR_CONDITION:
  case EXPR_FILTER:
    if (expr_eval_condition(x, item, &e) < 0) abort();
    if (expr_eval_condition(x, NULL, &e) < 0) abort();
    break;
  case EXPR_KEY_CONDITION: {
    struct expr_key_cond kc[2];
    (void)expr_key_conditions(x, kc, &e);
    break;
  }
  case EXPR_PROJECTION:
    json_decref(expr_project(x, item));
    break;
  case EXPR_UPDATE: {
    json_t *out = NULL;
    if (expr_apply_update(x, item, &out, &e) == 0) {
      if (!out) abort();
      json_decref(expr_update_returned(x, item));
      json_decref(expr_update_returned(x, out));
      (void)expr_update_touches(x, "pk", 2);
      json_decref(out);
    } else if (out || !e.msg) {
      abort();
    }
    out = NULL;
    ddb_err_clear(&e);
    if (expr_apply_update(x, NULL, &out, &e) == 0) json_decref(out);
    break;
  }
  default:
    break;
  }
  ddb_err_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct arena a;
  arena_init(&a);
  struct expr_ctx *all = expr_ctx_new(&a, names, values);
  for (int k = 0; k < EXPR_KIND_COUNT; k++) {
    struct ddb_err e = {0};
    struct expr_ctx *c = expr_ctx_new(&a, names, values);
    const struct expr *x = NULL;
    int rc = expr_parse(c, (enum expr_kind)k, (const char *)data, size, &x, &e);
    if (rc == 0) {
      if (!x || expr_ctx_diag(c)) abort();
      exercise(&a, (enum expr_kind)k, x);
    } else {
      const struct expr_diag *d = expr_ctx_diag(c);
      if (!d || !e.msg || x || strcmp(d->message, e.msg) != 0) abort();
    }
    ddb_err_clear(&e);
    /* The same text through one shared context, then the unused check. */
    (void)expr_parse(all, (enum expr_kind)k, (const char *)data, size, &x, &e);
    ddb_err_clear(&e);
  }
  struct ddb_err e = {0};
  (void)expr_ctx_check_unused(all, &e);
  ddb_err_clear(&e);
  arena_free(&a);
  return 0;
}

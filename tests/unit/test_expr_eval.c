/*
** tests/unit/test_expr_eval.c: evaluating expressions: conditions and filters
** over an item, projections, updates (new item or DynamoDB's error), the
** attributes ReturnValues UPDATED_* returns, and key-condition shapes.
**
** The condition, projection and update rows were recorded from DynamoDB
** Local 1.25 with the same items and values (notes mark where we follow
** DynamoDB rather than DynamoDB Local).
*/
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"
#include "test.h"
#include "value.h"

static const char cond_item[] =
    "{\"b\":{\"B\":\"AQID\"},\"bs\":{\"BS\":[\"AQ==\",\"Ag==\"]},\"e\":{\"S\":\"\"},\"el\":{\"L\":[]},\"em\":{\"M\":{}},\""
    "f\":{\"BOOL\":false},\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"},{\"L\":[{\"N\":\"2\"}]},{\"M\":{\"k\":{\"S\":\"v\"}}},"
    "{\"SS\":[\"q\"]}]},\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"S\":\"x\"}}},\"l\":{\"L\":[{\"S\":\"y\"}]}}}"
    ",\"n\":{\"N\":\"5\"},\"nf\":{\"N\":\"-1.5\"},\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"nul\":{\"NULL\":true},\"pk\":{\"S\":\""
    "ev1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true},\"u\":{\"S\":\"h\\u00e9llo\\ud8"
    "3d\\ude00\"}}";
static const char cond_values[] =
    "{\":B\":{\"S\":\"B\"},\":BOOL\":{\"S\":\"BOOL\"},\":BS\":{\"S\":\"BS\"},\":L\":{\"S\":\"L\"},\":M\":{\"S\":\"M\"},\":N\""
    ":{\"S\":\"N\"},\":NS\":{\"S\":\"NS\"},\":NULL\":{\"S\":\"NULL\"},\":S\":{\"S\":\"S\"},\":SS\":{\"S\":\"SS\"},\":a\":{\""
    "S\":\"a\"},\":b\":{\"B\":\"AQID\"},\":bp\":{\"B\":\"AQ==\"},\":bq\":{\"B\":\"Ag==\"},\":e\":{\"S\":\"\"},\":h\":{\"S\":"
    "\"he\"},\":hello2\":{\"S\":\"hello!\"},\":hx\":{\"S\":\"hx\"},\":l2\":{\"L\":[{\"N\":\"2\"}]},\":mk\":{\"M\":{\"k\":"
    "{\"S\":\"v\"}}},\":n0\":{\"N\":\"0\"},\":n10\":{\"N\":\"10\"},\":n2\":{\"N\":\"2\"},\":n25\":{\"N\":\"2.50\"},\":n3\":"
    "{\"N\":\"3\"},\":n4\":{\"N\":\"4\"},\":n5\":{\"N\":\"5\"},\":n50\":{\"N\":\"5.00\"},\":n6\":{\"N\":\"6\"},\":n7\":{\"N\""
    ":\"7\"},\":n9\":{\"N\":\"9\"},\":nm2\":{\"N\":\"-2\"},\":ns2\":{\"NS\":[\"2.50\",\"1.0\"]},\":nul\":{\"NULL\":true"
    "},\":one\":{\"N\":\"1\"},\":q\":{\"S\":\"q\"},\":qs\":{\"SS\":[\"q\"]},\":s\":{\"S\":\"hello\"},\":ss\":{\"SS\":[\"b\""
    ",\"a\"]},\":ssa\":{\"SS\":[\"a\"]},\":t\":{\"BOOL\":true},\":x\":{\"S\":\"x\"}}";
static const char upd_item[] =
    "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C"
    "\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S"
    "\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}";
static const char upd_values[] =
    "{\":big\":{\"N\":\"9.9999999999999999999999999999999999999E+125\"},\":bsx\":{\"BS\":[\"Ag==\"]},\":e4"
    "0\":{\"N\":\"1E+40\"},\":l\":{\"L\":[{\"S\":\"D\"}]},\":m\":{\"M\":{\"q\":{\"N\":\"1\"}}},\":neg\":{\"N\":\"-9.99999"
    "99999999999999999999999999999999E+125\"},\":nsx\":{\"NS\":[\"2\",\"3\"]},\":one\":{\"N\":\"1\"},\":s\":{\""
    "S\":\"z\"},\":ssa\":{\"SS\":[\"a\",\"b\"]},\":ssx\":{\"SS\":[\"b\",\"c\"]},\":tiny\":{\"N\":\"1E-130\"},\":v\":{\"N\""
    ":\"9\"},\":w\":{\"N\":\"7\"}}";

/* Parse text as kind against names (may be NULL) and values; NULL on error
** (message in *err, arena). */
static const struct expr *parse(struct arena *a, enum expr_kind kind, const char *text,
                                const json_t *names, const json_t *values, const char **err) {
  struct ddb_err e = {0};
  struct expr_ctx *c = expr_ctx_new(a, names, values);
  const struct expr *x = NULL;
  if (expr_parse(c, kind, text, strlen(text), &x, &e)) {
    *err = arena_strdup(a, e.msg);
    x = NULL;
  }
  ddb_err_clear(&e);
  return x;
}

/* Items compared as maps: numbers numerically, sets as sets. */
static bool same_item(const json_t *x, const json_t *y) {
  json_t *mx = json_pack("{sO}", "M", x), *my = json_pack("{sO}", "M", y);
  bool eq = value_equal(mx, my);
  json_decref(mx);
  json_decref(my);
  return eq;
}

static void fail_item(const char *what, const char *text, const json_t *got, const char *want) {
  char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
  fprintf(stderr, "%s \"%s\"\n  got  %s\n  want %s\n", what, text, g ? g : "(null)", want);
  free(g);
  test_failures++;
}

/*------------------------------ Conditions ---------------------------------*/

static const struct {
  const char *text;
  int want; /* 1 true, 0 false */
} cond_rows[] = {
    {"s = :s", 1},
    {"s <> :s", 0},
    {"s = :n5", 0},
    {"s <> :n5", 1},
    {"nope = :s", 0},
    {"nope <> :s", 1},
    {"NOT nope = :s", 1},
    {"nope < :s", 0},
    {"NOT nope < :s", 1},
    {"nope IN (:s)", 0},
    {"NOT nope BETWEEN :n4 AND :n5", 1},
    {"nope <> nope2", 1},
    {"n <> nope", 1},
    {"nope = nope2", 0},
    {"n = :n50", 1},
    {"n < :n6", 1},
    {"n > :n4", 1},
    {"n >= :n5", 1},
    {"n <= :n5", 1},
    {"n > :n5", 0},
    {"nf < :n0", 1},
    {"nf > :nm2", 1},
    {"s > :h", 1},
    {"s < :hx", 1},
    {"s >= :hello2", 0},
    {"s < :n5", 0},
    {"NOT s < :n5", 1},
    {"t < :s", 0},
    {"t = :t", 1},
    {"f = :t", 0},
    {"f <> :t", 1},
    {"nul = :nul", 1},
    {"ss = :ss", 1},
    {"ss <> :ss", 0},
    {"ss = :ssa", 0},
    {"ns = :ns2", 1},
    {"b = :b", 1},
    {"b > :bp", 1},
    {"b < :bq", 1},
    {"b >= :b", 1},
    {"l[2] = :l2", 1},
    {"l[3] = :mk", 1},
    {"l[9] = :one", 0},
    {"l[9] <> :one", 1},
    {"m.a = :one", 1},
    {"m.b.c = :x", 1},
    {"m.b.c.d = :x", 0},
    {"s.x = :s", 0},
    {"s[0] = :s", 0},
    {"l[0] = :one", 1},
    {"m[0] = :one", 0},
    {"l.a = :one", 0},
    {"m.l[0] = :s", 0},
    {"n BETWEEN :n4 AND :n6", 1},
    {"n BETWEEN :n5 AND :n5", 1},
    {"n BETWEEN :n6 AND :n9", 0},
    {"s BETWEEN :n4 AND :n6", 0},
    {"s BETWEEN :h AND :hx", 1},
    {"n BETWEEN nope AND :n6", 0},
    {"n BETWEEN :n4 AND nope", 0},
    {"size(s) BETWEEN :n4 AND :n6", 1},
    {"n IN (:n4, :n50)", 1},
    {"n IN (:s, :n4)", 0},
    {"s IN (:s)", 1},
    {"ss IN (:ss)", 1},
    {"n IN (nope, :n5)", 1},
    {"nope IN (nope2)", 0},
    {"contains(s, :h)", 1},
    {"contains(s, :e)", 1},
    {"contains(s, :x)", 0},
    {"contains(s, :n5)", 0},
    {"contains(ss, :a)", 1},
    {"contains(ss, :x)", 0},
    {"contains(ns, :n25)", 1},
    {"contains(bs, :bp)", 1},
    {"contains(l, :one)", 1},
    {"contains(l, :x)", 1},
    {"contains(l, :l2)", 1},
    {"contains(l, :mk)", 1},
    {"contains(l, :qs)", 1},
    {"contains(l, :q)", 0},
    {"contains(ss, :ssa)", 0},
    {"contains(m, :a)", 0},
    {"contains(n, :n5)", 0},
    {"contains(b, :bp)", 1},
    {"contains(b, :bq)", 1},
    {"contains(nope, :a)", 0},
    {"NOT contains(nope, :a)", 1},
    {"contains(:s, s)", 1},
    {"contains(ss, s)", 0},
    {"contains(l, l[0])", 1},
    {"begins_with(s, :h)", 1},
    {"begins_with(s, :e)", 1},
    {"begins_with(s, :hello2)", 0},
    {"begins_with(b, :bp)", 1},
    {"begins_with(b, :bq)", 0},
    {"begins_with(n, :h)", 0},
    {"begins_with(ss, :a)", 0},
    {"begins_with(s, b)", 0},
    {"begins_with(nope, :h)", 0},
    {"NOT begins_with(nope, :h)", 1},
    {"size(s) = :n5", 1},
    {"size(u) = :n7", 1},
    {"size(e) = :n0", 1},
    {"size(b) = :n3", 1},
    {"size(ss) = :n2", 1},
    {"size(ns) = :n2", 1},
    {"size(l) = :n5", 1},
    {"size(m) = :n3", 1},
    {"size(el) = :n0", 1},
    {"size(em) = :n0", 1},
    {"size(n) = :one", 0},
    {"NOT size(n) = :one", 1},
    {"size(t) = :one", 0},
    {"size(nul) = :one", 0},
    {"size(nope) = :n0", 0},
    {"NOT size(nope) = :n0", 1},
    {"size(nope) <> :n0", 1},
    {"size(s) < :s", 0},
    {"size(s) = size(s)", 1},
    {"size(s) > n", 0},
    {"size(s) >= n", 1},
    {"size(l[2]) = :one", 1},
    {"attribute_exists(s)", 1},
    {"attribute_exists(nope)", 0},
    {"attribute_not_exists(nope)", 1},
    {"attribute_not_exists(s)", 0},
    {"attribute_exists(m.b.c)", 1},
    {"attribute_exists(l[4])", 1},
    {"attribute_exists(l[5])", 0},
    {"attribute_exists(nul)", 1},
    {"attribute_exists(m.l[0])", 1},
    {"attribute_type(s, :S)", 1},
    {"attribute_type(n, :N)", 1},
    {"attribute_type(ss, :SS)", 1},
    {"attribute_type(l, :L)", 1},
    {"attribute_type(m, :M)", 1},
    {"attribute_type(nul, :NULL)", 1},
    {"attribute_type(t, :BOOL)", 1},
    {"attribute_type(b, :B)", 1},
    {"attribute_type(bs, :BS)", 1},
    {"attribute_type(ns, :NS)", 1},
    {"attribute_type(s, :N)", 0},
    {"attribute_type(nope, :S)", 0},
    {"NOT attribute_type(nope, :S)", 1},
    {"t = :t AND NOT f = :t", 1},
    {"s = :s AND n = :n4", 0},
    {"s = :s OR n = :n4", 1},
    {"nope = :s OR n = :n5", 1},
    {"NOT (s = :s AND n = :n4)", 1},
    {"(s = :x OR n = :n5) AND attribute_exists(m)", 1},
};

TEST(conditions) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(cond_item, 0, NULL), *values = json_loads(cond_values, 0, NULL);
  CHECK(item && values);
  for (size_t i = 0; i < sizeof cond_rows / sizeof cond_rows[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_FILTER, cond_rows[i].text, NULL, values, &err);
    if (!x) {
      fprintf(stderr, "cond row %zu \"%s\": %s\n", i, cond_rows[i].text, err);
      test_failures++;
      continue;
    }
    struct ddb_err e = {0};
    int got = expr_eval_condition(x, item, &e);
    if (got != cond_rows[i].want) {
      fprintf(stderr, "cond row %zu \"%s\": got %d want %d\n", i, cond_rows[i].text, got, cond_rows[i].want);
      test_failures++;
    }
    /* Without an item every path is missing. */
    got = expr_eval_condition(x, NULL, &e);
    CHECK(got == 0 || got == 1);
    ddb_err_clear(&e);
    arena_clear(&a);
  }
  /* No item: attribute_not_exists is true, = false, <> true. */
  static const struct {
    const char *text;
    int want;
  } none[] = {{"attribute_not_exists(pk)", 1}, {"attribute_exists(pk)", 0}, {"s = :s", 0},
              {"s <> :s", 1}, {"NOT contains(s, :h)", 1}, {"size(s) < :n5", 0}};
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_CONDITION, none[i].text, NULL, values, &err);
    struct ddb_err e = {0};
    CHECK(x && expr_eval_condition(x, NULL, &e) == none[i].want);
  }
  arena_free(&a);
  json_decref(item);
  json_decref(values);
}

/*------------------------------ Projection ---------------------------------*/

static const struct {
  const char *text, *want;
} proj_rows[] = {
    {"s", "{\"s\":{\"S\":\"hello\"}}"},
    {"m.a", "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"}}}}"},
    {"m.b.c, m.a", "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"S\":\"x\"}}}}}}"},
    {"l[3], l[0]", "{\"l\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"k\":{\"S\":\"v\"}}}]}}"},
    {"l[2][0], l[3].k", "{\"l\":{\"L\":[{\"L\":[{\"N\":\"2\"}]},{\"M\":{\"k\":{\"S\":\"v\"}}}]}}"},
    {"l[1].x", "{}"},
    {"l[9]", "{}"},
    {"m.nope", "{}"},
    {"m.b.c.d", "{}"},
    {"s[0]", "{}"},
    {"l[0], nope, m.l[0]", "{\"l\":{\"L\":[{\"N\":\"1\"}]},\"m\":{\"M\":{\"l\":{\"L\":[{\"S\":\"y\"}]}}}}"},
    {"pk", "{\"pk\":{\"S\":\"ev1\"}}"},
    {"l[3].k, l[1]", "{\"l\":{\"L\":[{\"S\":\"x\"},{\"M\":{\"k\":{\"S\":\"v\"}}}]}}"},
    {"l[4]", "{\"l\":{\"L\":[{\"SS\":[\"q\"]}]}}"},
    {"em, el", "{\"el\":{\"L\":[]},\"em\":{\"M\":{}}}"},
    {"m.b, m.l[0]", "{\"m\":{\"M\":{\"b\":{\"M\":{\"c\":{\"S\":\"x\"}}},\"l\":{\"L\":[{\"S\":\"y\"}]}}}}"},
    {"ss[0]", "{}"},
    {"l[2][5], l[1]", "{\"l\":{\"L\":[{\"S\":\"x\"}]}}"},
    {"m.b.nope, m.a", "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"}}}}"},
    {"nope", "{}"},
    {"ss, ns, bs, t, f, nul, b, n, nf, e, u", "{\"b\":{\"B\":\"AQID\"},\"bs\":{\"BS\":[\"AQ==\",\"Ag==\"]},\"e\":{\"S\":\"\"},\"f\":{\"BOOL\":false},\"n\":{\"N\":\"5\"},\"nf\":{\"N\":\"-1.5\"},\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"nul\":{\"NULL\":true},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true},\"u\":{\"S\":\"h\\u00e9llo\\ud83d\\ude00\"}}"},
    {"m", "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"S\":\"x\"}}},\"l\":{\"L\":[{\"S\":\"y\"}]}}}}"},
    {"l", "{\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"},{\"L\":[{\"N\":\"2\"}]},{\"M\":{\"k\":{\"S\":\"v\"}}},{\"SS\":[\"q\"]}]}}"},
};

TEST(projection) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(cond_item, 0, NULL);
  json_t *names = json_pack("{ss ss}", "#n", "m", "#d", "a.b");
  for (size_t i = 0; i < sizeof proj_rows / sizeof proj_rows[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_PROJECTION, proj_rows[i].text, NULL, NULL, &err);
    CHECK(x != NULL);
    if (!x) continue;
    json_t *got = expr_project(x, item), *want = json_loads(proj_rows[i].want, 0, NULL);
    if (!want || !same_item(got, want)) fail_item("projection", proj_rows[i].text, got, proj_rows[i].want);
    json_decref(got);
    json_decref(want);
    arena_clear(&a);
  }
  /* Names from ExpressionAttributeNames are taken literally (a dot is no step). */
  const char *err = NULL;
  json_t *odd = json_pack("{s{ss}s{ss}}", "a.b", "S", "dotted", "a", "S", "plain");
  const struct expr *x = parse(&a, EXPR_PROJECTION, "#d", names, NULL, &err);
  json_t *got = x ? expr_project(x, odd) : NULL;
  CHECK(got && json_object_size(got) == 1 && json_object_get(got, "a.b"));
  json_decref(got);
  x = parse(&a, EXPR_PROJECTION, "#n.a, #n.l[0]", names, NULL, &err);
  got = x ? expr_project(x, item) : NULL;
  json_t *want = json_loads("{\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"l\":{\"L\":[{\"S\":\"y\"}]}}}}", 0, NULL);
  CHECK(got && same_item(got, want));
  json_decref(got);
  json_decref(want);
  /* No item: an empty object. */
  got = x ? expr_project(x, NULL) : NULL;
  CHECK(got && json_object_size(got) == 0);
  json_decref(got);
  json_decref(odd);
  json_decref(names);
  json_decref(item);
  arena_free(&a);
}

/*-------------------------------- Update -----------------------------------*/

/* want: the whole new item as DynamoDB returned it, or "ERR <message>". */
static const struct {
  const char *text, *want;
} upd_rows[] = {
    {"SET a = :v", "{\"a\":{\"N\":\"9\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET q = :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"q\":{\"N\":\"9\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET q.b = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET l[10] = :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"N\":\"9\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[1] = :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"N\":\"9\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[3] = :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"N\":\"9\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET m.y.z.w = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET m[0] = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET s.x = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET l[0].x = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET m.zz = :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}},\"zz\":{\"N\":\"9\"}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET m.y.deep = m.x", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{\"deep\":{\"N\":\"1\"}}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[1] = :v, l[10] = :w", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"N\":\"9\"},{\"S\":\"C\"},{\"N\":\"7\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[5][0] = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET l[5] = :v, l[6] = :w", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"N\":\"9\"},{\"N\":\"7\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[6] = :v, l[5] = :w", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"N\":\"7\"},{\"N\":\"9\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = b2, b2 = a", "{\"a\":{\"N\":\"2\"},\"b2\":{\"N\":\"1\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[0] = l[2], l[2] = l[0]", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"C\"},{\"S\":\"B\"},{\"S\":\"A\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET n = n + n", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"10\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = q + :v", "ERR The provided expression refers to an attribute that does not exist in the item"},
    {"SET a = s + :v", "ERR An operand in the update expression has an incorrect data type"},
    {"SET a = :v - n", "{\"a\":{\"N\":\"4\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = n - :v", "{\"a\":{\"N\":\"-4\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = :v + :w", "{\"a\":{\"N\":\"16\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = list_append(q, :l)", "ERR The provided expression refers to an attribute that does not exist in the item"},
    {"SET a = list_append(s, :l)", "ERR An operand in the update expression has an incorrect data type"},
    {"SET a = list_append(l, :l)", "{\"a\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"S\":\"D\"}]},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = list_append(:l, l)", "{\"a\":{\"L\":[{\"S\":\"D\"},{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l = list_append(l, :l)", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"S\":\"D\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = if_not_exists(a, :v)", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = if_not_exists(q, :v)", "{\"a\":{\"N\":\"9\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = if_not_exists(q.r, :v)", "{\"a\":{\"N\":\"9\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = if_not_exists(s.r, :v)", "{\"a\":{\"N\":\"9\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = if_not_exists(q, :v) + :w", "{\"a\":{\"N\":\"16\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = if_not_exists(q, s)", "{\"a\":{\"S\":\"hello\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET m.x = m.x + :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"10\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET a = :v, b = :w REMOVE s ADD n :v", "{\"a\":{\"N\":\"9\"},\"b\":{\"N\":\"7\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"14\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE s", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE l[1], l[0]", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE l[0], l[2]", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"B\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE l[10]", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE q.b", "ERR The document path provided in the update expression is invalid for update"},
    {"REMOVE m.q.r", "ERR The document path provided in the update expression is invalid for update"},
    {"REMOVE s.x", "ERR The document path provided in the update expression is invalid for update"},
    {"REMOVE l[0].x", "ERR The document path provided in the update expression is invalid for update"},
    {"REMOVE l[1].x", "ERR The document path provided in the update expression is invalid for update"},
    {"REMOVE m.zz", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE m.x, m.y", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE nonexist", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"REMOVE pk2, s", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[1] = :v REMOVE l[0]", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"N\":\"9\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"SET l[5] = :v REMOVE l[0]", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"B\"},{\"S\":\"C\"},{\"N\":\"9\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD q :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"q\":{\"N\":\"9\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD s :v", "ERR An operand in the update expression has an incorrect data type"},
    {"ADD n :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"14\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD ss :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\",\"c\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD q :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"q\":{\"SS\":[\"b\",\"c\"]},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD ss :nsx", "ERR An operand in the update expression has an incorrect data type"},
    {"ADD ns :nsx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\",\"3\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD bs :bsx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\",\"Ag==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD n :ssx", "ERR An operand in the update expression has an incorrect data type"},
    {"ADD ss :ssa", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD m.x :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"10\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD m.q :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"q\":{\"N\":\"9\"},\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD m.y.q :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{\"q\":{\"SS\":[\"b\",\"c\"]}}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"ADD q.r :v", "ERR The document path provided in the update expression is invalid for update"},
    {"ADD l[0] :v", "ERR An operand in the update expression has an incorrect data type"},
    {"ADD l[5] :v", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"},{\"N\":\"9\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE ss :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE ss :ssa", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"t\":{\"BOOL\":true}}"},
    {"DELETE q :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE n :ssx", "ERR An operand in the update expression has an incorrect data type"},
    {"DELETE ss :nsx", "ERR An operand in the update expression has an incorrect data type"},
    {"DELETE ns :nsx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE bs :bsx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE m.q :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE l[5] :ssx", "{\"a\":{\"N\":\"1\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
    {"DELETE l[0] :ssx", "ERR An operand in the update expression has an incorrect data type"},
    {"SET a = q + :v, q.b = :v", "ERR The document path provided in the update expression is invalid for update"},
    {"SET q.b = :v, a = q + :v", "ERR The provided expression refers to an attribute that does not exist in the item"},
    /* DynamoDB Local says "DynamoDB only supports precision up to 38 digits"; AWS
    ** words it as its Number validation does. */
    {"SET a = :e40 + :one", "ERR Attempting to store more than 38 significant digits in a Number"},
    {"SET a = :big - :big", "{\"a\":{\"N\":\"0\"},\"b2\":{\"N\":\"2\"},\"bs\":{\"BS\":[\"AQ==\"]},\"l\":{\"L\":[{\"S\":\"A\"},{\"S\":\"B\"},{\"S\":\"C\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{}}}},\"n\":{\"N\":\"5\"},\"ns\":{\"NS\":[\"1\",\"2\"]},\"pk\":{\"S\":\"up1\"},\"s\":{\"S\":\"hello\"},\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true}}"},
};

TEST(update) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(upd_item, 0, NULL), *values = json_loads(upd_values, 0, NULL);
  CHECK(item && values);
  char *before = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
  for (size_t i = 0; i < sizeof upd_rows / sizeof upd_rows[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_UPDATE, upd_rows[i].text, NULL, values, &err);
    if (!x) {
      fprintf(stderr, "update row %zu \"%s\": %s\n", i, upd_rows[i].text, err);
      test_failures++;
      continue;
    }
    struct ddb_err e = {0};
    json_t *got = NULL;
    int rc = expr_apply_update(x, item, &got, &e);
    const char *want = upd_rows[i].want;
    if (strncmp(want, "ERR ", 4) == 0) {
      if (rc != -1 || !e.msg || strcmp(e.msg, want + 4) != 0) {
        fprintf(stderr, "update row %zu \"%s\": got rc %d \"%s\", want \"%s\"\n", i, upd_rows[i].text, rc,
                e.msg ? e.msg : "", want + 4);
        test_failures++;
      }
      CHECK(got == NULL);
    } else {
      json_t *w = json_loads(want, 0, NULL);
      if (rc != 0 || !w || !same_item(got, w)) {
        if (rc) fprintf(stderr, "  error: %s\n", e.msg);
        fail_item("update", upd_rows[i].text, got, want);
      }
      json_decref(w);
    }
    json_decref(got);
    ddb_err_clear(&e);
    arena_clear(&a);
  }
  /* The old item is never modified. */
  char *after = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
  CHECK_STR(after, before);
  free(before);
  free(after);
  arena_free(&a);
  json_decref(item);
  json_decref(values);
}

/* Which error wins when several actions fail follows DynamoDB's hash-map order
** of the target steps, not the text (recorded from DynamoDB Local). */
TEST(update_error_order) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(upd_item, 0, NULL), *values = json_loads(upd_values, 0, NULL);
  static const char *const path = "The document path provided in the update expression is invalid for update";
  static const char *const missing = "The provided expression refers to an attribute that does not exist in the item";
  static const char *const type = "An operand in the update expression has an incorrect data type";
  const struct {
    const char *text, *want;
  } rows[] = {
      {"SET a = zz, b = s + :v", type},   {"SET b = zz, a = s + :v", missing},
      {"SET x = zz, y = s + :v", type},   {"SET y = zz, x = s + :v", missing},
      {"SET a = zz, aa = s + :v", missing}, {"SET aa = zz, a = s + :v", type},
      {"SET A = zz, a = s + :v", type},   {"SET a = zz, A = s + :v", type},
      {"SET n0 = zz, a = s + :v", missing}, {"SET q.b = :v, a = q + :v", missing},
      {"SET a = q + :v, q.b = :v", path}, {"SET m.x = zz, m.y = s + :v", type},
      {"SET m.y = zz, m.x = s + :v", missing}, {"SET l[0] = zz, l[1] = s + :v", type},
      {"SET l[1] = zz, l[0] = s + :v", missing}, {"SET n[0] = :v, x = zz", path},
      {"SET x = zz, n[0] = :v", path},    {"SET n[1] = zz", path},
      {"ADD zz.a :v, s :v", type},        {"DELETE zz.a :ssx ADD s :v", type},
      {"REMOVE zz.a SET x = s + :v", type},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_UPDATE, rows[i].text, NULL, values, &err);
    struct ddb_err e = {0};
    json_t *got = NULL;
    CHECK(x != NULL);
    if (x && (expr_apply_update(x, item, &got, &e) != -1 || !e.msg || strcmp(e.msg, rows[i].want) != 0)) {
      fprintf(stderr, "order row %zu \"%s\": got \"%s\"\n  want \"%s\"\n", i, rows[i].text,
              e.msg ? e.msg : "(success)", rows[i].want);
      test_failures++;
    }
    json_decref(got);
    ddb_err_clear(&e);
    arena_clear(&a);
  }
  json_decref(item);
  json_decref(values);
  arena_free(&a);
}

TEST(update_new_item) {
  struct arena a;
  arena_init(&a);
  json_t *values = json_loads(upd_values, 0, NULL);
  const char *err = NULL;
  struct ddb_err e = {0};
  json_t *got = NULL;
  /* No item: start from nothing (the caller passes the key when it has one). */
  const struct expr *x = parse(&a, EXPR_UPDATE, "SET a = :v, b = if_not_exists(b, :w) ADD c :v, s :ssx", NULL, values, &err);
  CHECK(x && expr_apply_update(x, NULL, &got, &e) == 0);
  json_t *want = json_loads("{\"a\":{\"N\":\"9\"},\"b\":{\"N\":\"7\"},\"c\":{\"N\":\"9\"},\"s\":{\"SS\":[\"b\",\"c\"]}}", 0, NULL);
  CHECK(got && same_item(got, want));
  json_decref(got);
  json_decref(want);
  /* REMOVE and DELETE of nothing leave nothing. */
  got = NULL;
  x = parse(&a, EXPR_UPDATE, "REMOVE a DELETE s :ssx", NULL, values, &err);
  CHECK(x && expr_apply_update(x, NULL, &got, &e) == 0 && json_object_size(got) == 0);
  json_decref(got);
  /* Starting from a key. */
  json_t *key = json_pack("{s{ss}}", "pk", "S", "k1");
  got = NULL;
  x = parse(&a, EXPR_UPDATE, "SET a.b = :v", NULL, values, &err);
  CHECK(x && expr_apply_update(x, key, &got, &e) == -1 && got == NULL);
  CHECK_STR(e.msg, "The document path provided in the update expression is invalid for update");
  ddb_err_clear(&e);
  x = parse(&a, EXPR_UPDATE, "SET a = :m", NULL, values, &err);
  CHECK(x && expr_apply_update(x, key, &got, &e) == 0);
  want = json_loads("{\"pk\":{\"S\":\"k1\"},\"a\":{\"M\":{\"q\":{\"N\":\"1\"}}}}", 0, NULL);
  CHECK(got && same_item(got, want));
  json_decref(want);
  /* Changing the result does not reach into the values. */
  json_object_set_new(json_object_get(json_object_get(got, "a"), "M"), "z", json_pack("{ss}", "S", "x"));
  CHECK(json_object_size(json_object_get(json_object_get(values, ":m"), "M")) == 1);
  json_decref(got);
  json_decref(key);
  /* Arithmetic overflow uses the Number validation texts. */
  x = parse(&a, EXPR_UPDATE, "SET a = :big + :big", NULL, values, &err);
  CHECK(x && expr_apply_update(x, NULL, &got, &e) == -1);
  CHECK_STR(e.msg, "Number overflow. Attempting to store a number with magnitude larger than supported range");
  ddb_err_clear(&e);
  x = parse(&a, EXPR_UPDATE, "SET a = :tiny - :tiny", NULL, values, &err);
  CHECK(x && expr_apply_update(x, NULL, &got, &e) == 0);
  CHECK_STR(json_string_value(json_object_get(json_object_get(got, "a"), "N")), "0");
  json_decref(got);
  json_decref(values);
  arena_free(&a);
}

TEST(updated_attributes) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(upd_item, 0, NULL), *values = json_loads(upd_values, 0, NULL);
  static const struct {
    const char *text, *old_want, *new_want;
  } rows[] = {
      /* Only the updated paths, in projection shape (AWS, as dynalite models it;
      ** DynamoDB Local returns whole top-level attributes). */
      {"SET m.x = :v, l[1] = :v", "{\"l\":{\"L\":[{\"S\":\"B\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"1\"}}}}",
       "{\"l\":{\"L\":[{\"N\":\"9\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"9\"}}}}"},
      {"SET q = :v REMOVE nonexist", "{}", "{\"q\":{\"N\":\"9\"}}"},
      {"ADD n :v", "{\"n\":{\"N\":\"5\"}}", "{\"n\":{\"N\":\"14\"}}"},
      {"REMOVE s", "{\"s\":{\"S\":\"hello\"}}", "{}"},
      {"SET l[9] = :v", "{}", "{}"},
      {"SET m.y.z = :v", "{}", "{\"m\":{\"M\":{\"y\":{\"M\":{\"z\":{\"N\":\"9\"}}}}}}"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_UPDATE, rows[i].text, NULL, values, &err);
    struct ddb_err e = {0};
    json_t *after = NULL;
    CHECK(x && expr_apply_update(x, item, &after, &e) == 0);
    if (!after) continue;
    json_t *old_got = expr_update_returned(x, item), *new_got = expr_update_returned(x, after);
    json_t *ow = json_loads(rows[i].old_want, 0, NULL), *nw = json_loads(rows[i].new_want, 0, NULL);
    if (!same_item(old_got, ow)) fail_item("UPDATED_OLD", rows[i].text, old_got, rows[i].old_want);
    if (!same_item(new_got, nw)) fail_item("UPDATED_NEW", rows[i].text, new_got, rows[i].new_want);
    json_decref(old_got);
    json_decref(new_got);
    json_decref(ow);
    json_decref(nw);
    json_decref(after);
    arena_clear(&a);
  }
  const char *err = NULL;
  const struct expr *x = parse(&a, EXPR_UPDATE, "SET a.b = :v REMOVE pk2[1] ADD c :v", NULL, values, &err);
  CHECK(x && expr_update_touches(x, "a", 1));
  CHECK(x && expr_update_touches(x, "pk2", 3));
  CHECK(x && expr_update_touches(x, "c", 1));
  CHECK(x && !expr_update_touches(x, "pk", 2));
  CHECK(x && !expr_update_touches(x, "b", 1));
  json_decref(item);
  json_decref(values);
  arena_free(&a);
}

/*---------------------------- Key conditions --------------------------------*/

TEST(key_conditions) {
  struct arena a;
  arena_init(&a);
  json_t *values = json_loads("{\":v\":{\"S\":\"1\"},\":n\":{\"N\":\"1\"},\":m\":{\"N\":\"2\"}}", 0, NULL);
  json_t *names = json_pack("{ss}", "#p", "pk");
  /* Texts recorded from DynamoDB Local's Query. */
  static const struct {
    const char *text, *want;
  } rows[] = {
      {"pk = :v", "pk = :v"},
      {"#p = :v", "pk = :v"},
      {":v = pk", "pk = :v"},
      {":n < sk AND pk = :v", "sk > :n; pk = :v"},
      {"pk = :v AND :n >= sk", "pk = :v; sk <= :n"},
      {"pk = :v AND begins_with(sk, :v)", "pk = :v; sk begins_with :v"},
      {"pk = :v AND sk BETWEEN :n AND :m", "pk = :v; sk BETWEEN :n :m"},
      {"(pk = :v AND sk > :n)", "pk = :v; sk > :n"},
      {"pk = :v OR sk = :n", "Invalid operator used in KeyConditionExpression: OR"},
      {"NOT pk = :v", "Invalid operator used in KeyConditionExpression: NOT"},
      {"pk = :v AND NOT sk = :n", "Invalid operator used in KeyConditionExpression: NOT"},
      {"attribute_exists(pk)", "Invalid operator used in KeyConditionExpression: attribute_exists"},
      {"contains(pk, :v)", "Invalid operator used in KeyConditionExpression: contains"},
      {"pk IN (:v)", "Invalid operator used in KeyConditionExpression: IN"},
      {"pk <> :v", "Invalid operator used in KeyConditionExpression: <>"},
      {"size(pk) = :n", "KeyConditionExpressions cannot contain nested operations"},
      {"pk = :v AND size(sk) > :n", "KeyConditionExpressions cannot contain nested operations"},
      {"pk.b = :v", "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk"},
      {"pk = :v AND sk[0] = :n", "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: sk"},
      {"pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
      {"begins_with(:v, pk)", "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"},
      {"pk = :v AND :n = :n", "Invalid condition in KeyConditionExpression: No key attribute specified"},
      {"pk = :v AND pk = :v", "KeyConditionExpressions must only contain one condition per key"},
      {"pk = :v AND sk = :n AND x = :n", "Conditions can be of length 1 or 2 only"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *err = NULL;
    const struct expr *x = parse(&a, EXPR_KEY_CONDITION, rows[i].text, names, values, &err);
    if (!x) {
      fprintf(stderr, "key row %zu: %s\n", i, err);
      test_failures++;
      continue;
    }
    struct expr_key_cond kc[2];
    struct ddb_err e = {0};
    int n = expr_key_conditions(x, kc, &e);
    char got[256] = "";
    if (n < 0) {
      snprintf(got, sizeof got, "%s", e.msg);
    } else {
      for (int k = 0; k < n; k++) {
        const char *v1 = NULL, *v2 = NULL, *key;
        json_t *val;
        json_object_foreach(values, key, val) {
          if (val == kc[k].v1) v1 = key;
          if (val == kc[k].v2) v2 = key;
        }
        static const char *const ops[] = {[3] = "=", [5] = "<", [6] = "<=", [7] = ">", [8] = ">=",
                                          [9] = "BETWEEN", [11] = "begins_with"};
        size_t used = strlen(got);
        snprintf(got + used, sizeof got - used, "%s%.*s %s %s%s%s", k ? "; " : "", (int)kc[k].len,
                 kc[k].name, ops[kc[k].op] ? ops[kc[k].op] : "?", v1 ? v1 : "?", v2 ? " " : "", v2 ? v2 : "");
      }
    }
    if (strcmp(got, rows[i].want) != 0) {
      fprintf(stderr, "key row %zu \"%s\"\n  got  %s\n  want %s\n", i, rows[i].text, got, rows[i].want);
      test_failures++;
    }
    ddb_err_clear(&e);
    arena_clear(&a);
  }
  json_decref(names);
  json_decref(values);
  arena_free(&a);
}

TEST_MAIN(conditions, projection, update, update_error_order, update_new_item, updated_attributes, key_conditions)

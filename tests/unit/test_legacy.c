/*
** tests/unit/test_legacy.c: the legacy parameters translated into
** server/expr's AST (server/ops/legacy.c): the tree each Expected /
** QueryFilter condition becomes (expr_dump), its value against an item
** (expr_eval_condition), AttributeUpdates applied through expr_apply_update,
** and AttributesToGet as a projection.
**
** The truth values were recorded from DynamoDB Local 1.25 with the same item
** (an UpdateItem carrying only Expected; see tests/e2e/js/test/legacy.test.mjs).
*/
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "expr/expr.h"
#include "ops/legacy.h"
#include "test.h"

static const char item_text[] =
    "{\"pk\":{\"S\":\"e1\"},\"s\":{\"S\":\"abc\"},\"n\":{\"N\":\"5\"},\"ss\":{\"SS\":[\"a\",\"b\"]},"
    "\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"}]}}";

static struct {
  const char *expected; /* an Expected map */
  const char *op;       /* ConditionalOperator or NULL */
  const char *dump;     /* expr_dump of the tree, or NULL to skip */
  int holds;            /* on item_text */
} cond_rows[] = {
    {"{\"s\":{\"Value\":{\"S\":\"abc\"}}}", NULL, "(= s :legacy0)", 1},
    {"{\"s\":{\"Exists\":true,\"Value\":{\"S\":\"abd\"}}}", NULL, NULL, 0},
    {"{\"zz\":{\"Exists\":false}}", NULL, "(attribute_not_exists zz)", 1},
    {"{\"s\":{\"Exists\":false}}", NULL, NULL, 0},
    {"{\"n\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"N\":\"5.0\"}]}}", NULL, NULL, 1},
    {"{\"zz\":{\"ComparisonOperator\":\"NE\",\"AttributeValueList\":[{\"S\":\"a\"}]}}", NULL, "(<> zz :legacy0)", 1},
    {"{\"s\":{\"ComparisonOperator\":\"NE\",\"AttributeValueList\":[{\"N\":\"1\"}]}}", NULL, NULL, 1},
    {"{\"n\":{\"ComparisonOperator\":\"LT\",\"AttributeValueList\":[{\"S\":\"9\"}]}}", NULL, NULL, 0},
    {"{\"n\":{\"ComparisonOperator\":\"GE\",\"AttributeValueList\":[{\"N\":\"5\"}]}}", NULL, "(>= n :legacy0)", 1},
    {"{\"n\":{\"ComparisonOperator\":\"NOT_NULL\"}}", NULL, "(attribute_exists n)", 1},
    {"{\"zz\":{\"ComparisonOperator\":\"NULL\"}}", NULL, NULL, 1},
    {"{\"l\":{\"ComparisonOperator\":\"CONTAINS\",\"AttributeValueList\":[{\"N\":\"1\"}]}}", NULL, "(contains l :legacy0)", 1},
    {"{\"ss\":{\"ComparisonOperator\":\"CONTAINS\",\"AttributeValueList\":[{\"S\":\"a\"}]}}", NULL, NULL, 1},
    /* NOT_CONTAINS of a missing attribute is false, as DynamoDB answers. */
    {"{\"zz\":{\"ComparisonOperator\":\"NOT_CONTAINS\",\"AttributeValueList\":[{\"S\":\"a\"}]}}", NULL,
     "(AND (attribute_exists zz) (NOT (contains zz :legacy0)))", 0},
    {"{\"s\":{\"ComparisonOperator\":\"NOT_CONTAINS\",\"AttributeValueList\":[{\"S\":\"z\"}]}}", NULL, NULL, 1},
    {"{\"s\":{\"ComparisonOperator\":\"BEGINS_WITH\",\"AttributeValueList\":[{\"S\":\"ab\"}]}}", NULL,
     "(begins_with s :legacy0)", 1},
    {"{\"n\":{\"ComparisonOperator\":\"IN\",\"AttributeValueList\":[{\"N\":\"1\"},{\"N\":\"5\"}]}}", NULL,
     "(IN n :legacy0 :legacy1)", 1},
    {"{\"n\":{\"ComparisonOperator\":\"BETWEEN\",\"AttributeValueList\":[{\"N\":\"6\"},{\"N\":\"9\"}]}}", NULL,
     "(BETWEEN n :legacy0 :legacy1)", 0},
    {"{\"ss\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"SS\":[\"b\",\"a\"]}]}}", NULL, NULL, 1},
    {"{\"n\":{\"ComparisonOperator\":\"EQ\",\"Value\":{\"N\":\"5\"}}}", NULL, NULL, 1},
    {"{\"s\":{\"Value\":{\"S\":\"abc\"}},\"zz\":{\"Exists\":true,\"Value\":{\"S\":\"q\"}}}", NULL,
     "(AND (= s :legacy0) (= zz :legacy1))", 0},
    {"{\"s\":{\"Value\":{\"S\":\"abc\"}},\"zz\":{\"Exists\":true,\"Value\":{\"S\":\"q\"}}}", "OR",
     "(OR (= s :legacy0) (= zz :legacy1))", 1},
};

TEST(legacy_conditions) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(item_text, 0, NULL);
  CHECK(item != NULL);
  for (size_t i = 0; i < sizeof cond_rows / sizeof cond_rows[0]; i++) {
    json_t *expected = json_loads(cond_rows[i].expected, 0, NULL);
    CHECK(expected != NULL);
    const char *op = cond_rows[i].op;
    const struct expr *root = legacy_condition_expr(&a, expected, op && strcmp(op, "OR") == 0);
    CHECK(root != NULL);
    if (cond_rows[i].dump) CHECK_STR(expr_dump(&a, root), cond_rows[i].dump);
    struct ddb_err e = {0};
    int got = expr_eval_condition(root, item, &e);
    if (got != cond_rows[i].holds)
      fprintf(stderr, "row %zu (%s): got %d, want %d\n", i, cond_rows[i].expected, got, cond_rows[i].holds);
    CHECK_INT(got, cond_rows[i].holds);
    ddb_err_clear(&e);
    json_decref(expected);
    arena_clear(&a);
  }
  CHECK(legacy_condition_expr(&a, NULL, false) == NULL);
  json_decref(item);
  arena_free(&a);
}

TEST(legacy_attribute_updates) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(item_text, 0, NULL);
  json_t *updates = json_loads(
      "{\"s\":{\"Action\":\"PUT\",\"Value\":{\"S\":\"y\"}},\"p\":{\"Value\":{\"N\":\"1\"}},"
      "\"n\":{\"Action\":\"ADD\",\"Value\":{\"N\":\"-7.5\"}},\"ss\":{\"Action\":\"DELETE\",\"Value\":{\"SS\":[\"a\"]}},"
      "\"l\":{\"Action\":\"ADD\",\"Value\":{\"L\":[{\"N\":\"2\"}]}},\"newl\":{\"Action\":\"ADD\",\"Value\":{\"L\":[]}},"
      "\"pk2\":{\"Action\":\"DELETE\"}}",
      0, NULL);
  CHECK(updates != NULL);
  struct ddb_err e = {0};
  CHECK_INT(legacy_attribute_updates_precheck(updates, item, &e), 0);
  const struct expr *u = legacy_update_expr(&a, updates);
  CHECK(u != NULL);
  json_t *out = NULL;
  CHECK_INT(expr_apply_update(u, item, &out, &e), 0);
  json_t *want = json_loads(
      "{\"pk\":{\"S\":\"e1\"},\"s\":{\"S\":\"y\"},\"n\":{\"N\":\"-2.5\"},\"ss\":{\"SS\":[\"b\"]},"
      "\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"},{\"N\":\"2\"}]},\"p\":{\"N\":\"1\"},\"newl\":{\"L\":[]}}",
      0, NULL);
  CHECK(out && json_equal(out, want));
  /* UPDATED_NEW returns the attributes named in AttributeUpdates. */
  json_t *ret = expr_update_returned(u, out);
  CHECK_INT(json_object_size(ret), 6);
  json_decref(ret);
  json_decref(out);
  json_decref(want);

  /* The stored item decides: ADD onto another type. */
  json_t *bad = json_loads("{\"s\":{\"Action\":\"ADD\",\"Value\":{\"N\":\"1\"}}}", 0, NULL);
  CHECK_INT(legacy_attribute_updates_precheck(bad, item, &e), -1);
  CHECK_STR(e.msg, "Type mismatch for attribute to update");
  ddb_err_clear(&e);
  CHECK_INT(legacy_attribute_updates_precheck(bad, NULL, &e), 0);
  json_decref(bad);
  json_decref(updates);
  json_decref(item);
  arena_free(&a);
}

TEST(legacy_attributes_to_get) {
  struct arena a;
  arena_init(&a);
  json_t *item = json_loads(item_text, 0, NULL);
  json_t *atg = json_loads("[\"s\",\"ss\",\"nosuch\"]", 0, NULL);
  const struct expr *p = legacy_projection_expr(&a, atg);
  json_t *got = expr_project(p, item);
  json_t *want = json_loads("{\"s\":{\"S\":\"abc\"},\"ss\":{\"SS\":[\"a\",\"b\"]}}", 0, NULL);
  CHECK(json_equal(got, want));
  CHECK(legacy_projection_expr(&a, NULL) == NULL);
  json_decref(got);
  json_decref(want);
  json_decref(atg);
  json_decref(item);
  arena_free(&a);
}

TEST_MAIN(legacy_conditions, legacy_attribute_updates, legacy_attributes_to_get)

/*
** tests/unit/test_instrument_injection.c: baselines (--learn / --baseline) and
** the injection detectors of issue 8 through dispatch_http(): DDB001, DDB003,
** DDB004, DDB005, DDB010, DDB011, DDB017, DDB018, DDB020. Each detector has rows
** that make it fire (with its severity, on the request that caused it) and rows
** that show it silent on benign traffic; the baseline file's format is checked
** byte for byte.
*/
#include "test.h"

#include "instrument_harness.h"

/* Users (pk S) and Orders (pk S, sk N, index byStatus on status S). "setup"
** manages tables; every other principal is app code. */
#define CONFIG_HEAD                                                                                      \
  "{\"tables\":[{\"TableName\":\"Users\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]," \
  "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"                        \
  "\"BillingMode\":\"PAY_PER_REQUEST\"},"                                                                  \
  "{\"TableName\":\"Orders\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"              \
  "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","  \
  "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},{\"AttributeName\":"         \
  "\"status\",\"AttributeType\":\"S\"}],\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byStatus\","          \
  "\"KeySchema\":[{\"AttributeName\":\"status\",\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":" \
  "\"ALL\"}}],\"BillingMode\":\"PAY_PER_REQUEST\"}],\"principals\":{\"setup\":[\"setup\"]}"

static const char *const config = CONFIG_HEAD ",\"detectors\":{\"DDB020\":{\"canaries\":[\"ZQX[0-9]{4}\"]}}}";

static void seed(void) {
  CHECK(call("setup", "PutItem", NULL,
             "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"name\":{\"S\":\"Alice\"},"
             "\"passwordHash\":{\"S\":\"x\"},\"role\":{\"S\":\"user\"},\"kind\":{\"S\":\"user\"}}}") == 200);
  CHECK(call("setup", "PutItem", NULL,
             "{\"TableName\":\"Orders\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"sk\":{\"N\":\"1\"},\"status\":{\"S\":\"open\"}}}") ==
        200);
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return buf;
}

/* A temporary path for a baseline file (static buffer). */
static const char *temp_path(void) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/ddbwatch-baseline-XXXXXX");
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  unlink(path);
  return path;
}

/*-------------------------------- Baselines --------------------------------*/

TEST(baseline_file_is_sorted_and_stable) {
  char learn[64];
  snprintf(learn, sizeof learn, "%s", temp_path());
  start_baseline(config, learn, NULL);
  seed();
  /* Two requests of one call site, out of order, and a header-less one. */
  CHECK(call("app", "Scan", "GET /search", "{\"TableName\":\"Users\",\"Limit\":5,\"FilterExpression\":\"#n = :v\","
             "\"ExpressionAttributeNames\":{\"#n\":\"name\"},\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"}}}") == 200);
  CHECK(call("app", "Scan", "GET /search", "{\"TableName\":\"Users\",\"Limit\":5,\"FilterExpression\":\"begins_with(#n, :v) AND kind = :r\","
             "\"ExpressionAttributeNames\":{\"#n\":\"name\"},\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"},\":r\":{\"S\":\"user\"}}}") == 200);
  CHECK(call("app", "GetItem", NULL, "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}") == 200);
  CHECK(call("app", "GetItem", NULL, "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"L\":[]}}}") == 400); /* not learned */
  CHECK(admin("POST", "/_ddbwatch/baseline") == 200);
  CHECK_STR(json_string_value(json_object_get(last_body, "status")), "written");
  CHECK_INT(json_integer_value(json_object_get(last_body, "callsites")), 2);
  const char *want =
      "{\n"
      "  \"callsites\": {\n"
      "    \"GET /search\": {\n"
      "      \"operations\": [\n        \"Scan\"\n      ],\n"
      "      \"placeholderTypes\": {\n        \":r\": [\n          \"S\"\n        ],\n"
      "        \":v\": [\n          \"S\"\n        ]\n      },\n"
      "      \"returnedAttributes\": [\n        \"kind\",\n        \"name\",\n        \"passwordHash\",\n        \"pk\",\n        \"role\"\n      ],\n"
      "      \"tables\": [\n        \"Users\"\n      ],\n"
      "      \"templates\": [\n        \"FilterExpression=# = :\",\n"
      "        \"FilterExpression=begins_with(#, :) AND kind = :\"\n      ]\n"
      "    },\n"
      "    \"GetItem Users\": {\n"
      "      \"keyTypes\": {\n        \"Users.pk\": [\n          \"S\"\n        ]\n      },\n"
      "      \"operations\": [\n        \"GetItem\"\n      ],\n"
      "      \"returnedAttributes\": [\n        \"kind\",\n        \"name\",\n        \"passwordHash\",\n        \"pk\",\n        \"role\"\n      ],\n"
      "      \"tables\": [\n        \"Users\"\n      ]\n"
      "    }\n"
      "  },\n"
      "  \"ddbwatchBaseline\": 1\n"
      "}\n";
  char *text = read_text(learn);
  CHECK_STR(text, want);
  /* Written again at shutdown: the same bytes. */
  stop();
  CHECK_STR(read_text(learn), want);

  /* Frozen: GET shows it; POST refuses (nothing is being learned). */
  start_baseline(config, NULL, learn);
  CHECK(admin("GET", "/_ddbwatch/baseline") == 200);
  CHECK_STR(json_string_value(json_object_get(last_body, "mode")), "frozen");
  CHECK(json_object_get(json_object_get(last_body, "callsites"), "GET /search") != NULL);
  CHECK(admin("POST", "/_ddbwatch/baseline") == 409);
  stop();
  unlink(learn);
}

TEST(baseline_file_errors) {
  static const struct {
    const char *text, *want;
  } rows[] = {
      {"[]", "not a ddbwatch baseline"},
      {"{\"ddbwatchBaseline\":2,\"callsites\":{}}", "not a ddbwatch baseline"},
      {"{\"ddbwatchBaseline\":1}", "\"callsites\" must be an object"},
      {"{\"ddbwatchBaseline\":1,\"callsites\":{\"x\":{\"colors\":[]}}}", "callsites[\"x\"].colors: unknown section"},
      {"{\"ddbwatchBaseline\":1,\"callsites\":{\"x\":{\"tables\":[1]}}}", "callsites[\"x\"].tables must be an array of strings"},
      {"{\"ddbwatchBaseline\":1,\"callsites\":{\"x\":{\"keyTypes\":{\"T.k\":\"S\"}}}}",
       "callsites[\"x\"].keyTypes[\"T.k\"] must be an array of type names"},
      {"{\"ddbwatchBaseline\":1,", "baseline"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *path = temp_path();
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(rows[i].text, f);
    fclose(f);
    start(config);
    char err[512] = "";
    CHECK(inst_baseline_start(srv.inst, NULL, path, err, sizeof err) == -1);
    if (!strstr(err, rows[i].want)) fprintf(stderr, "row %zu: %s\n", i, err);
    CHECK(strstr(err, rows[i].want) != NULL);
    unlink(path);
  }
  start(config);
  char err[512] = "";
  CHECK(inst_baseline_start(srv.inst, "/nonexistent/dir/baseline.json", NULL, err, sizeof err) == -1);
  CHECK(strstr(err, "--learn /nonexistent/dir/baseline.json") != NULL);
  stop();
}

/* Learn from the given requests (app principal, call site "site"), then start frozen. */
static void learn_then_freeze(const char *cfg, const char *const *ops, const char *const *bodies, int n) {
  char path[64];
  snprintf(path, sizeof path, "%s", temp_path());
  start_baseline(cfg, path, NULL);
  seed();
  for (int i = 0; i < n; i++) CHECK(call("app", ops[i], "site", bodies[i]) < 500);
  stop(); /* writes the baseline */
  start_baseline(cfg, NULL, path);
  seed();
  unlink(path);
}

TEST(every_context_of_a_request_is_seen) {
  /* A transaction's actions, a BatchGetItem's tables and legacy parameters all reach the trace. */
  char path[64];
  snprintf(path, sizeof path, "%s", temp_path());
  start_baseline(config, path, NULL);
  seed();
  CHECK(call("app", "TransactWriteItems", "tx",
             "{\"TransactItems\":[{\"Put\":{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"}},"
             "\"ConditionExpression\":\"attribute_not_exists(pk)\"}},{\"Update\":{\"TableName\":\"Orders\","
             "\"Key\":{\"pk\":{\"S\":\"u1\"},\"sk\":{\"N\":\"1\"}},\"UpdateExpression\":\"SET #s = :s\","
             "\"ExpressionAttributeNames\":{\"#s\":\"status\"},\"ExpressionAttributeValues\":{\":s\":{\"S\":\"paid\"}}}}]}") == 200);
  CHECK(call("app", "BatchGetItem", "batch",
             "{\"RequestItems\":{\"Users\":{\"Keys\":[{\"pk\":{\"S\":\"u1\"}}],\"ProjectionExpression\":\"#n\","
             "\"ExpressionAttributeNames\":{\"#n\":\"name\"}},\"Orders\":{\"Keys\":[{\"pk\":{\"S\":\"u1\"},\"sk\":{\"N\":\"1\"}}],"
             "\"ProjectionExpression\":\"sk\"}}}") == 200);
  CHECK(call("app", "GetItem", "legacy-get", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"AttributesToGet\":[\"name\"]}") == 200);
  CHECK(call("app", "PutItem", "legacy-put",
             "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u3\"}},\"Expected\":{\"pk\":{\"Exists\":false}}}") == 200);
  CHECK(call("app", "UpdateItem", "legacy-update",
             "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u3\"}},\"AttributeUpdates\":{\"name\":{\"Action\":\"PUT\","
             "\"Value\":{\"S\":\"Cy\"}}}}") == 200);
  CHECK(call("app", "Query", "legacy-query",
             "{\"TableName\":\"Orders\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":"
             "[{\"S\":\"u1\"}]}},\"QueryFilter\":{\"status\":{\"ComparisonOperator\":\"BEGINS_WITH\",\"AttributeValueList\":"
             "[{\"S\":\"p\"}]}}}") == 200);
  CHECK(admin("GET", "/_ddbwatch/baseline") == 200);
  json_t *sites = json_object_get(last_body, "callsites");
  char *tx = json_dumps(json_object_get(json_object_get(sites, "tx"), "templates"), JSON_COMPACT);
  CHECK_STR(tx, "[\"Put Users ConditionExpression=attribute_not_exists(pk)\",\"Update Orders UpdateExpression=SET # = :\"]");
  free(tx);
  char *written = json_dumps(json_object_get(json_object_get(sites, "tx"), "writtenAttributes"), JSON_COMPACT);
  CHECK_STR(written, "{\"pk\":[\"S\"],\"status\":[\"S\"]}");
  free(written);
  char *batch = json_dumps(json_object_get(json_object_get(sites, "batch"), "templates"), JSON_COMPACT);
  CHECK_STR(batch, "[\"Orders ProjectionExpression=sk\",\"Users ProjectionExpression=#\"]");
  char *get = json_dumps(json_object_get(json_object_get(sites, "legacy-get"), "templates"), JSON_COMPACT);
  CHECK_STR(get, "[\"AttributesToGet=name\"]");
  free(get);
  free(batch);
  char *put = json_dumps(json_object_get(json_object_get(sites, "legacy-put"), "templates"), JSON_COMPACT);
  CHECK_STR(put, "[\"Expected=attribute_not_exists(pk)\"]");
  free(put);
  char *upd = json_dumps(json_object_get(sites, "legacy-update"), JSON_COMPACT | JSON_SORT_KEYS);
  CHECK(strstr(upd, "\"templates\":[\"AttributeUpdates=SET name = :\"]") != NULL);
  CHECK(strstr(upd, "\"writtenAttributes\":{\"name\":[\"S\"]}") != NULL);
  free(upd);
  char *q = json_dumps(json_object_get(sites, "legacy-query"), JSON_COMPACT | JSON_SORT_KEYS);
  CHECK(strstr(q, "\"KeyConditions=pk = :\"") != NULL);
  CHECK(strstr(q, "\"QueryFilter=begins_with(status, :)\"") != NULL);
  CHECK(strstr(q, "\"legacyOperators\":[\"KeyConditions pk EQ\",\"QueryFilter status BEGINS_WITH\"]") != NULL);
  CHECK(strstr(q, "\"keyTypes\":{\"Orders.pk\":[\"S\"]}") != NULL);
  free(q);
  stop();
  unlink(path);
}

/*---------------------------------- DDB001 ---------------------------------*/

TEST(ddb001_legacy_conditional_parameters) {
  start(config);
  seed();
  static const struct {
    const char *op, *body;
    int severity;
  } rows[] = {
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"A\"}]}}}", INST_INFO},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"NE\",\"AttributeValueList\":[{\"S\":\"A\"}]}}}", INST_HIGH},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"passwordHash\":{\"ComparisonOperator\":\"NOT_NULL\"}}}", INST_HIGH},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"role\":{\"ComparisonOperator\":\"NULL\"}}}", INST_HIGH},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"NOT_CONTAINS\",\"AttributeValueList\":[{\"S\":\"z\"}]}}}", INST_HIGH},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"GT\",\"AttributeValueList\":[{\"S\":\"*\"}]}}}", INST_HIGH},
      {"Scan", "{\"TableName\":\"Users\",\"ConditionalOperator\":\"OR\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"EQ\","
               "\"AttributeValueList\":[{\"S\":\"A\"}]},\"role\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"x\"}]}}}", INST_HIGH},
      {"Query", "{\"TableName\":\"Orders\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"u1\"}]}}}", INST_INFO},
      /* the conditional create is ordinary legacy code */
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u9\"}},\"Expected\":{\"pk\":{\"Exists\":false}}}", INST_INFO},
      /* silent: the expression API */
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n <> :v\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
               "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"}}}", -1},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    call("app", rows[i].op, NULL, rows[i].body);
    if (severity_of("DDB001") != rows[i].severity) fprintf(stderr, "row %zu\n", i);
    CHECK_INT(severity_of("DDB001"), rows[i].severity);
  }
  const struct inst_finding *f = NULL;
  call("app", "Scan", NULL, rows[2].body);
  f = found("DDB001");
  CHECK(f && strstr(f->message, "operator NOT_NULL on passwordHash"));
  CHECK_STR(json_string_value(json_array_get(json_object_get(f->evidence, "operators"), 0)), "ScanFilter passwordHash NOT_NULL");

  /* Frozen: an operator the call site never used is high even when harmless alone. */
  const char *ops[] = {"Scan"};
  const char *bodies[] = {rows[0].body};
  learn_then_freeze(config, ops, bodies, 1);
  call("app", "Scan", "site", rows[0].body);
  CHECK_INT(severity_of("DDB001"), INST_INFO);
  call("app", "Scan", "site", "{\"TableName\":\"Users\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"BEGINS_WITH\",\"AttributeValueList\":[{\"S\":\"A\"}]}}}");
  CHECK_INT(severity_of("DDB001"), INST_HIGH);
  CHECK(strstr(found("DDB001")->message, "not in the call site's baseline: ScanFilter name BEGINS_WITH") != NULL);
  stop();
}

/*---------------------------------- DDB003 ---------------------------------*/

TEST(ddb003_tautologies) {
  start(config);
  seed();
  static const struct {
    const char *op, *body;
    bool fires;
  } rows[] = {
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v AND passwordHash = size(passwordHash) OR size(passwordHash) = size(passwordHash)\","
               "\"ExpressionAttributeNames\":{\"#n\":\"name\"},\"ExpressionAttributeValues\":{\":v\":{\"S\":\"admin\"}}}", true},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"attribute_exists(kind) OR attribute_not_exists(kind)\"}", true},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v OR #n <> :w\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
               "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"},\":w\":{\"S\":\"A\"}}}", true},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\":a = :b\",\"ExpressionAttributeValues\":{\":a\":{\"S\":\"1\"},\":b\":{\"S\":\"1\"}}}", true},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"kind = :r OR NOT kind = :r\",\"ExpressionAttributeValues\":{\":r\":{\"S\":\"x\"}}}", true},
      {"DeleteItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"ConditionExpression\":\"kind = kind\"}", true}, /* refused */
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'x' OR pk <> 'x'\"}", true},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE '1' = '1'\"}", true},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'u1' OR begins_with(name, 'A')\"}", true},
      /* benign */
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v AND kind = :r\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
               "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"},\":r\":{\"S\":\"user\"}}}", false},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"version\":{\"N\":\"2\"}},"
                  "\"ConditionExpression\":\"attribute_not_exists(pk) OR version = :v\",\"ExpressionAttributeValues\":{\":v\":{\"N\":\"1\"}}}", false},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\":a <> :b\",\"ExpressionAttributeValues\":{\":a\":{\"S\":\"1\"},\":b\":{\"S\":\"1\"}}}", false},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'a' OR pk = 'b'\"}", false},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"S\":\"u1\"}]}", false},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    call("app", rows[i].op, NULL, rows[i].body);
    int want = rows[i].fires ? INST_HIGH : -1;
    if (severity_of("DDB003") != want) fprintf(stderr, "row %zu: status %d\n", i, last.status);
    CHECK_INT(severity_of("DDB003"), want);
  }
  call("app", "Scan", NULL, rows[0].body);
  const struct inst_finding *f = found("DDB003");
  CHECK(f != NULL);
  if (f) {
    CHECK_STR(json_string_value(json_object_get(f->evidence, "subtree")), "(= (size passwordHash) (size passwordHash))");
    CHECK(json_is_true(json_object_get(f->evidence, "vacuous")));
  }
  call("app", "DeleteItem", NULL, rows[5].body);
  CHECK_INT(last.status, 400);
  f = found("DDB003");
  CHECK(f && json_is_true(json_object_get(f->evidence, "rejected")));
  stop();
}

/*---------------------------------- DDB004 ---------------------------------*/

TEST(ddb004_shape_drift) {
  const char *ops[] = {"Scan", "Scan", "UpdateItem"};
  const char *bodies[] = {
      "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v AND kind = :r\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
      "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"},\":r\":{\"S\":\"u\"}}}",
      "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
      "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"}}}",
      "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET #a = :a\","
      "\"ExpressionAttributeNames\":{\"#a\":\"name\"},\"ExpressionAttributeValues\":{\":a\":{\"S\":\"x\"}}}",
  };
  learn_then_freeze(config, ops, bodies, 3);
  /* The same shapes, other names and values, AND operands swapped: silent. */
  call("app", "Scan", "site", "{\"TableName\":\"Users\",\"FilterExpression\":\"kind = :x AND #m = :y\",\"ExpressionAttributeNames\":{\"#m\":\"name\"},"
                              "\"ExpressionAttributeValues\":{\":x\":{\"S\":\"B\"},\":y\":{\"S\":\"v\"}}}");
  CHECK(found("DDB004") == NULL);
  call("app", "UpdateItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET #z = :z\","
                                    "\"ExpressionAttributeNames\":{\"#z\":\"theme\"},\"ExpressionAttributeValues\":{\":z\":{\"S\":\"x\"}}}");
  CHECK(found("DDB004") == NULL);
  /* An OR the code never sent; an extra SET clause; another operation; a malformed text. */
  call("app", "Scan", "site", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v OR kind = :r\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
                              "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"},\":r\":{\"S\":\"u\"}}}");
  CHECK_INT(severity_of("DDB004"), INST_HIGH);
  CHECK_STR(json_string_value(json_array_get(json_object_get(found("DDB004")->evidence, "new"), 0)),
            "FilterExpression=# = : OR kind = :");
  call("app", "UpdateItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET #a = :a, #b = :b\","
                                    "\"ExpressionAttributeNames\":{\"#a\":\"name\",\"#b\":\"isAdmin\"},"
                                    "\"ExpressionAttributeValues\":{\":a\":{\"S\":\"x\"},\":b\":{\"BOOL\":true}}}");
  CHECK_INT(severity_of("DDB004"), INST_HIGH);
  call("app", "DeleteItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}");
  CHECK(strstr(found("DDB004")->message, "operation DeleteItem") != NULL);
  call("app", "Scan", "site", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v OR\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
                              "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"A\"}}}");
  CHECK(strstr(found("DDB004")->message, "FilterExpression=# = : OR (malformed)") != NULL);
  /* A call site the baseline does not know; setup principals are not judged. */
  call("app", "Scan", "elsewhere", bodies[1]);
  CHECK_STR(json_string_value(json_object_get(found("DDB004")->evidence, "reason")), "new-callsite");
  call("setup", "Scan", "elsewhere", bodies[1]);
  CHECK(found("DDB004") == NULL);
  stop();
  /* newCallsites off: only known call sites are judged. */
  learn_then_freeze(CONFIG_HEAD ",\"detectors\":{\"DDB004\":{\"newCallsites\":false}}}", ops, bodies, 1);
  call("app", "Scan", "elsewhere", bodies[1]);
  CHECK(found("DDB004") == NULL);
  stop();
  /* Without a baseline, DDB004 never fires. */
  start(config);
  call("app", "Scan", "site", bodies[0]);
  CHECK(found("DDB004") == NULL);
  stop();
}

/*---------------------------------- DDB005 ---------------------------------*/

TEST(ddb005_partiql_literals) {
  start(config);
  seed();
  call("app", "ExecuteStatement", NULL, "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'u1'\"}");
  CHECK_INT(severity_of("DDB005"), INST_MEDIUM);
  CHECK_STR(json_string_value(json_object_get(found("DDB005")->evidence, "template")), "SELECT * FROM Users WHERE pk = ?");
  call("app", "ExecuteStatement", NULL, "{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"S\":\"u1\"}]}");
  CHECK(found("DDB005") == NULL);
  call("app", "ExecuteStatement", NULL, "{\"Statement\":\"SELECT * FROM Users WHERE pk = ? AND role = 'user'\",\"Parameters\":[{\"S\":\"u1\"}]}");
  CHECK(found("DDB005") == NULL); /* a constant next to parameters */
  call("setup", "ExecuteStatement", NULL, "{\"Statement\":\"INSERT INTO Users VALUE {'pk': 'u7'}\"}");
  CHECK(found("DDB005") == NULL); /* fixtures */
  call("app", "BatchExecuteStatement", NULL, "{\"Statements\":[{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"S\":\"u1\"}]},"
                                             "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'u1'\"}]}");
  CHECK_INT(severity_of("DDB005"), INST_MEDIUM);
  stop();
  /* Frozen: the same template stays medium; a new one is high. */
  const char *ops[] = {"ExecuteStatement"};
  const char *bodies[] = {"{\"Statement\":\"SELECT * FROM Users WHERE pk = 'u1'\"}"};
  learn_then_freeze(config, ops, bodies, 1);
  call("app", "ExecuteStatement", "site", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'u2'\"}");
  CHECK_INT(severity_of("DDB005"), INST_MEDIUM);
  call("app", "ExecuteStatement", "site", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'x' OR pk <> 'x'\"}");
  CHECK_INT(severity_of("DDB005"), INST_HIGH);
  CHECK_INT(severity_of("DDB006"), INST_HIGH); /* the full-table read, too */
  stop();
}

/*---------------------------------- DDB010 ---------------------------------*/

TEST(ddb010_key_type_confusion) {
  start(config);
  seed();
  static const struct {
    const char *op, *body;
    const char *sent; /* NULL: silent */
  } rows[] = {
      {"GetItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"L\":[{\"S\":\"u1\"}]}}}", "L"},
      {"GetItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"M\":{\"S\":{\"S\":\"u1\"}}}}}", "M"},
      {"DeleteItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"N\":\"1\"}}}", "N"},
      {"PutItem", "{\"TableName\":\"Orders\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"sk\":{\"S\":\"1\"}}}", "S"},
      {"Query", "{\"TableName\":\"Orders\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"SS\":[\"u1\"]}}}", "SS"},
      {"Query", "{\"TableName\":\"Orders\",\"IndexName\":\"byStatus\",\"KeyConditionExpression\":\"#s = :s\","
                "\"ExpressionAttributeNames\":{\"#s\":\"status\"},\"ExpressionAttributeValues\":{\":s\":{\"N\":\"1\"}}}", "N"},
      {"BatchGetItem", "{\"RequestItems\":{\"Users\":{\"Keys\":[{\"pk\":{\"BOOL\":true}}]}}}", "BOOL"},
      {"TransactWriteItems", "{\"TransactItems\":[{\"Delete\":{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"L\":[]}}}}]}", "L"},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"M\":{}}]}", "M"},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 5\"}", "N"},
      /* benign */
      {"GetItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}", NULL},
      {"GetItem", "{\"TableName\":\"Users\",\"Key\":{\"nope\":{\"S\":\"u1\"}}}", NULL}, /* wrong name, not type */
      {"Query", "{\"TableName\":\"Orders\",\"KeyConditionExpression\":\"pk = :p AND sk > :s\",\"ExpressionAttributeValues\":"
                "{\":p\":{\"S\":\"u1\"},\":s\":{\"N\":\"0\"}}}", NULL},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"S\":\"u1\"}]}", NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    call("app", rows[i].op, NULL, rows[i].body);
    const struct inst_finding *f = found("DDB010");
    if (!rows[i].sent != !f) fprintf(stderr, "row %zu: status %d\n", i, last.status);
    CHECK(!rows[i].sent == !f);
    if (f && rows[i].sent) {
      CHECK_INT(f->severity, INST_HIGH);
      CHECK_STR(json_string_value(json_object_get(f->evidence, "sent")), rows[i].sent);
    }
  }
  call("app", "Query", NULL, rows[5].body);
  CHECK_STR(json_string_value(json_object_get(found("DDB010")->evidence, "index")), "byStatus");
  stop();
}

/*---------------------------------- DDB011 ---------------------------------*/

TEST(ddb011_attacker_shaped_values) {
  start(config);
  seed();
  static const struct {
    const char *op, *body;
    const char *reason; /* NULL: silent */
  } rows[] = {
      {"UpdateItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET theme = :t\","
                     "\"ExpressionAttributeValues\":{\":t\":{\"M\":{\"S\":{\"S\":\"dark\"}}}}}", "type-tag-map"},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"p\":{\"L\":[{\"M\":{\"N\":{\"N\":\"1\"}}}]}}}", "type-tag-map"},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"__proto__\":{\"M\":{}}}}", "prototype-name"},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"a\":{\"M\":{\"constructor\":{\"M\":{}}}}}}", "prototype-name"},
      {"UpdateItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET #k = :v\","
                     "\"ExpressionAttributeNames\":{\"#k\":\"prototype\"},\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}", "prototype-name"},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"M\":{\"S\":{\"S\":\"u1\"}}}]}", "type-tag-map"},
      /* benign: maps with ordinary members, a map with two members one of which is "S" */
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"a\":{\"M\":{\"x\":{\"S\":\"1\"}}}}}", NULL},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"a\":{\"M\":{\"S\":{\"S\":\"1\"},\"N\":{\"N\":\"2\"}}}}}", NULL},
      {"GetItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"__proto__\"}}}", NULL}, /* a value, not a name */
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    call("app", rows[i].op, NULL, rows[i].body);
    const struct inst_finding *f = found("DDB011");
    if (!rows[i].reason != !f) fprintf(stderr, "row %zu: status %d\n", i, last.status);
    CHECK(!rows[i].reason == !f);
    if (f && rows[i].reason) CHECK_STR(json_string_value(json_object_get(f->evidence, "reason")), rows[i].reason);
  }
  call("app", "UpdateItem", NULL, rows[0].body);
  CHECK_STR(json_string_value(json_object_get(found("DDB011")->evidence, "field")), "ExpressionAttributeValues.:t");
  stop();
  /* Frozen: a placeholder or attribute of a type the call site never sent. */
  const char *ops[] = {"UpdateItem", "PutItem"};
  const char *bodies[] = {
      "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET theme = :t\","
      "\"ExpressionAttributeValues\":{\":t\":{\"S\":\"dark\"}}}",
      "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"age\":{\"N\":\"3\"}}}",
  };
  learn_then_freeze(config, ops, bodies, 2);
  call("app", "UpdateItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET theme = :t\","
                                    "\"ExpressionAttributeValues\":{\":t\":{\"S\":\"light\"}}}");
  CHECK(found("DDB011") == NULL);
  call("app", "UpdateItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET theme = :t\","
                                    "\"ExpressionAttributeValues\":{\":t\":{\"L\":[{\"S\":\"x\"}]}}}");
  CHECK_INT(severity_of("DDB011"), INST_HIGH);
  CHECK_STR(json_string_value(json_object_get(found("DDB011")->evidence, "name")), ":t");
  call("app", "PutItem", "site", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"age\":{\"S\":\"3\"}}}");
  CHECK_STR(json_string_value(json_object_get(found("DDB011")->evidence, "kind")), "attribute");
  stop();
}

/*---------------------------------- DDB017 ---------------------------------*/

TEST(ddb017_mass_assignment) {
  start(config);
  seed();
  call("app", "PutItem", NULL, "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"name\":{\"S\":\"B\"},\"isAdmin\":{\"BOOL\":true}}}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(found("DDB017")->evidence, "attributes"), 0), "reason")),
            "deny-listed attribute");
  call("app", "PutItem", NULL, "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"name\":{\"S\":\"B\"}}}");
  CHECK(found("DDB017") == NULL);
  call("setup", "PutItem", NULL, "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"role\":{\"S\":\"admin\"}}}");
  CHECK(found("DDB017") == NULL); /* fixtures */
  call("app", "UpdateItem", NULL, "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"UpdateExpression\":\"SET #k0 = :v0\","
                                  "\"ExpressionAttributeNames\":{\"#k0\":\"pk\"},\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"u9\"}}}");
  CHECK_INT(last.status, 400);
  CHECK(strstr(found("DDB017")->message, "pk (key attribute updated)") != NULL);
  call("app", "UpdateItem", NULL, "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"AttributeUpdates\":{\"balance\":{\"Action\":\"ADD\","
                                  "\"Value\":{\"N\":\"100\"}}}}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  call("app", "BatchWriteItem", NULL, "{\"RequestItems\":{\"Users\":[{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"u5\"},\"permissions\":{\"SS\":[\"*\"]}}}}]}}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  call("app", "TransactWriteItems", NULL, "{\"TransactItems\":[{\"Update\":{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},"
                                          "\"UpdateExpression\":\"SET #o = :o\",\"ExpressionAttributeNames\":{\"#o\":\"owner\"},"
                                          "\"ExpressionAttributeValues\":{\":o\":{\"S\":\"me\"}}}}]}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  call("app", "ExecuteStatement", NULL, "{\"Statement\":\"INSERT INTO Users VALUE {'pk': ?, 'tenantId': ?}\",\"Parameters\":[{\"S\":\"u8\"},{\"S\":\"t\"}]}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  call("app", "ExecuteStatement", NULL, "{\"Statement\":\"UPDATE Users SET verified = true WHERE pk = ?\",\"Parameters\":[{\"S\":\"u1\"}]}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  stop();

  /* Learning: deny-listed names are normal traffic being recorded. */
  const char *ops[] = {"PutItem"};
  const char *bodies[] = {"{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"name\":{\"S\":\"B\"},\"role\":{\"S\":\"user\"}}}"};
  char path[64];
  snprintf(path, sizeof path, "%s", temp_path());
  start_baseline(config, path, NULL);
  call("app", "PutItem", "site", bodies[0]);
  CHECK(found("DDB017") == NULL);
  stop();
  unlink(path);
  /* Frozen: the baseline allows role at this call site; a new name is high. */
  learn_then_freeze(config, ops, bodies, 1);
  call("app", "PutItem", "site", bodies[0]);
  CHECK(found("DDB017") == NULL);
  call("app", "PutItem", "site", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"name\":{\"S\":\"B\"},\"nickname\":{\"S\":\"b\"}}}");
  CHECK(strstr(found("DDB017")->message, "nickname (attribute outside the call site's baseline)") != NULL);
  call("app", "PutItem", "other", bodies[0]);
  CHECK(strstr(found("DDB017")->message, "role (deny-listed attribute)") != NULL);
  stop();
}

/*---------------------------------- DDB018 ---------------------------------*/

TEST(ddb018_sensitive_projection) {
  const char *ops[] = {"GetItem", "Query"};
  const char *bodies[] = {
      "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"ProjectionExpression\":\"#n\",\"ExpressionAttributeNames\":{\"#n\":\"name\"}}",
      "{\"TableName\":\"Users\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"u1\"}},"
      "\"ProjectionExpression\":\"#n\",\"ExpressionAttributeNames\":{\"#n\":\"name\"}}",
  };
  learn_then_freeze(config, ops, bodies, 2);
  call("app", "GetItem", "site", bodies[0]);
  CHECK(found("DDB018") == NULL);
  call("app", "GetItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"ProjectionExpression\":\"#n\","
                                 "\"ExpressionAttributeNames\":{\"#n\":\"passwordHash\"}}");
  CHECK_INT(severity_of("DDB018"), INST_MEDIUM);
  CHECK_STR(json_string_value(json_array_get(json_object_get(found("DDB018")->evidence, "attributes"), 0)), "passwordHash");
  /* Raw answers (no projection: the stored bytes are sent). */
  call("app", "GetItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}");
  CHECK_INT(severity_of("DDB018"), INST_MEDIUM);
  call("app", "Query", "site", "{\"TableName\":\"Users\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"u1\"}}}");
  CHECK_INT(severity_of("DDB018"), INST_MEDIUM);
  /* A sensitive name asked for but absent from the item returns nothing. */
  call("app", "GetItem", "site", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},\"ProjectionExpression\":\"#n, apiKey\","
                                 "\"ExpressionAttributeNames\":{\"#n\":\"name\"}}");
  CHECK(found("DDB018") == NULL);
  stop();
  /* The call site that always returned the hash is not judged for it. */
  const char *ops2[] = {"GetItem"};
  const char *bodies2[] = {"{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}"};
  learn_then_freeze(config, ops2, bodies2, 1);
  call("app", "GetItem", "site", bodies2[0]);
  CHECK(found("DDB018") == NULL);
  stop();
}

/*---------------------------------- DDB020 ---------------------------------*/

TEST(ddb020_canaries) {
  start(config);
  seed();
  static const struct {
    const char *op, *body;
    const char *field; /* NULL: silent */
  } rows[] = {
      {"GetItem", "{\"TableName\":\"UsersZQX0001\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}", "TableName"},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"ZQX0002 = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"a\"}}}", "FilterExpression"},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v\",\"ExpressionAttributeNames\":{\"#n\":\"ZQX0003\"},"
               "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"a\"}}}", "ExpressionAttributeNames.#n"},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"ZQX0004\":{\"S\":\"a\"}}}", "Item.ZQX0004"},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = 'ZQX0005'\"}", "Statement"},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"ZQX0006\":{\"ComparisonOperator\":\"NOT_NULL\"}}}", "ScanFilter.ZQX0006"},
      {"TransactWriteItems", "{\"TransactItems\":[{\"Update\":{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}},"
                             "\"UpdateExpression\":\"SET a = :v, ZQX0007 = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"a\"}}}}]}",
       "TransactItems[0].Update.UpdateExpression"},
      {"BatchGetItem", "{\"RequestItems\":{\"Users\":{\"Keys\":[{\"pk\":{\"S\":\"u1\"}}],\"AttributesToGet\":[\"ZQX0008\"]}}}",
       "RequestItems.Users.AttributesToGet[0]"},
      /* values: where input belongs */
      {"GetItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"ZQX0011\"}}}", NULL},
      {"Scan", "{\"TableName\":\"Users\",\"FilterExpression\":\"#n = :v\",\"ExpressionAttributeNames\":{\"#n\":\"name\"},"
               "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"ZQX0012\"}}}", NULL},
      {"PutItem", "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u1\"},\"bio\":{\"M\":{\"x\":{\"L\":[{\"S\":\"ZQX0013\"}]}}}}}", NULL},
      {"ExecuteStatement", "{\"Statement\":\"SELECT * FROM Users WHERE pk = ?\",\"Parameters\":[{\"S\":\"ZQX0014\"}]}", NULL},
      {"Scan", "{\"TableName\":\"Users\",\"ScanFilter\":{\"name\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"ZQX0015\"}]}}}", NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    call("app", rows[i].op, NULL, rows[i].body);
    const struct inst_finding *f = found("DDB020");
    if (!rows[i].field != !f) fprintf(stderr, "row %zu: status %d\n", i, last.status);
    CHECK(!rows[i].field == !f);
    if (f && rows[i].field) {
      CHECK_INT(f->severity, INST_CRITICAL);
      CHECK_STR(json_string_value(json_object_get(f->evidence, "field")), rows[i].field);
    }
  }
  call("app", "Scan", NULL, rows[1].body);
  const struct inst_finding *f = found("DDB020");
  CHECK_STR(json_string_value(json_object_get(f->evidence, "position")), "expression text");
  CHECK_STR(json_string_value(json_object_get(f->evidence, "match")), "ZQX0002");
  stop();
  /* Without canaries, nothing; in enforce mode the request is refused and nothing written. */
  start(CONFIG_HEAD "}");
  call("app", "PutItem", NULL, rows[3].body);
  CHECK(found("DDB020") == NULL);
  start(CONFIG_HEAD ",\"mode\":\"enforce\",\"enforce\":{\"minSeverity\":\"critical\"},"
                    "\"detectors\":{\"DDB020\":{\"canaries\":[\"ZQX[0-9]{4}\"]}}}");
  CHECK(call("app", "PutItem", NULL, rows[3].body) == 400);
  CHECK(strstr(last.body, "AccessDeniedException") && strstr(last.body, "DDB020"));
  CHECK(call("app", "GetItem", NULL, "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"u1\"}}}") == 200);
  CHECK_STR(last.body, "{}");
  stop();
}

TEST(detector_settings) {
  static const struct {
    const char *detectors, *want;
  } rows[] = {
      {"{\"DDB020\":{\"canaries\":[\"(\"]}}", "detectors.DDB020.canaries[0]: bad regular expression '('"},
      {"{\"DDB020\":{\"canaries\":\"ZQX\"}}", "detectors.DDB020.canaries must be an array of strings"},
      {"{\"DDB017\":{\"denyAttributes\":\"role\"}}", "detectors.DDB017.denyAttributes must be an array of strings"},
      {"{\"DDB018\":{\"sensitiveAttributes\":[1]}}", "detectors.DDB018.sensitiveAttributes[0] must be a non-empty string"},
      {"{\"DDB004\":{\"newCallsites\":1}}", "detectors.DDB004.newCallsites must be true or false"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct inst_config c;
    inst_config_defaults(&c);
    char text[512], err[512] = "";
    snprintf(text, sizeof text, "{\"detectors\":%s}", rows[i].detectors);
    json_t *root = json_loads(text, 0, NULL);
    CHECK(inst_config_from_json(&c, root, "config", err, sizeof err) == -1);
    if (!strstr(err, rows[i].want)) fprintf(stderr, "row %zu: %s\n", i, err);
    CHECK(strstr(err, rows[i].want) != NULL);
    json_decref(root);
    inst_config_free(&c);
  }
  /* Custom lists replace the defaults; an empty deny-list turns that part off. */
  start(CONFIG_HEAD ",\"detectors\":{\"DDB017\":{\"denyAttributes\":[]}}}");
  call("app", "PutItem", NULL, "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"isAdmin\":{\"BOOL\":true}}}");
  CHECK(found("DDB017") == NULL);
  start(CONFIG_HEAD ",\"detectors\":{\"DDB017\":{\"denyAttributes\":[\"plan\"]}}}");
  call("app", "PutItem", NULL, "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"u2\"},\"PLAN\":{\"S\":\"gold\"}}}");
  CHECK_INT(severity_of("DDB017"), INST_HIGH);
  /* The detectors are listed by the admin API. */
  CHECK(admin("GET", "/_ddbwatch/detectors") == 200);
  char *text = json_dumps(last_body, JSON_COMPACT);
  const char *ids[] = {"DDB001", "DDB003", "DDB004", "DDB005", "DDB010", "DDB011", "DDB017", "DDB018", "DDB020"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) CHECK(strstr(text, ids[i]) != NULL);
  free(text);
  stop();
}

static void cleanup(void) { stop(); }

TEST(done) { cleanup(); }

TEST_MAIN(baseline_file_is_sorted_and_stable, baseline_file_errors, every_context_of_a_request_is_seen,
          ddb001_legacy_conditional_parameters, ddb003_tautologies, ddb004_shape_drift, ddb005_partiql_literals,
          ddb010_key_type_confusion, ddb011_attacker_shaped_values, ddb017_mass_assignment,
          ddb018_sensitive_projection, ddb020_canaries, detector_settings, done)

/*
** tests/unit/test_value.c: the AttributeValue model (server/value.c).
**
** Table-driven: each row is a JSON input and either DynamoDB's exact error
** (type + message) or the canonical value it must become. Messages come from
** dynalite's validations (captured from AWS), the paritysuite conformance suite
** (recorded against AWS) and, where AWS is silent, DynamoDB Local 1.25.1.
*/
#include "test.h"

#include "server/value.h"

#define OK DDB_OK
#define VAL DDB_VALIDATION
#define SER DDB_SERIALIZATION

#define NEST                                                                     \
  "Nesting Levels have exceeded supported limits: Attributes in the item have " \
  "nested levels beyond supported limit"

static json_t *parse(const char *text) {
  json_error_t jerr;
  json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (!j) fprintf(stderr, "bad test JSON: %s: %s\n", text, jerr.text);
  return j;
}

/* Compact JSON text of j (caller frees). */
static char *dump(const json_t *j) { return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY); }

struct row {
  const char *in;   /* one AttributeValue (or item, for item rows) */
  int code;         /* expected ddb_code */
  const char *want; /* error message, or canonical JSON when code == OK */
  unsigned flags;   /* VALUE_* */
};

/* Run value_check_ex (or value_check_item_ex) over rows. */
static void run_rows(const struct row *rows, size_t n, int item, int line) {
  for (size_t i = 0; i < n; i++) {
    const struct row *r = &rows[i];
    struct ddb_err e = {0};
    json_t *j = parse(r->in);
    if (!j) {
      test_failures++;
      continue;
    }
    int rc = item ? value_check_item_ex(j, r->flags, &e) : value_check_ex(j, 1, r->flags, &e);
    if (r->code == OK) {
      char *got = dump(j);
      if (rc != 0 || strcmp(got, r->want) != 0) {
        fprintf(stderr, "%s:%d: %s: %s -> rc %d [%s] %s, want %s\n", __FILE__, line, test_current,
                r->in, rc, e.msg ? e.msg : "", got, r->want);
        test_failures++;
      }
      free(got);
    } else if (rc != -1 || (int)e.code != r->code || !e.msg || strcmp(e.msg, r->want) != 0) {
      fprintf(stderr, "%s:%d: %s: %s -> rc %d %s \"%s\", want %s \"%s\"\n", __FILE__, line,
              test_current, r->in, rc, ddb_code_name(e.code), e.msg ? e.msg : "(null)",
              ddb_code_name(r->code), r->want);
      test_failures++;
    }
    ddb_err_clear(&e);
    json_decref(j);
  }
}
#define RUN(rows) run_rows(rows, sizeof rows / sizeof rows[0], 0, __LINE__)
#define RUN_ITEMS(rows) run_rows(rows, sizeof rows / sizeof rows[0], 1, __LINE__)

/* {"M":{"n": ... {"S":"leaf"} ...}} with `wraps` map levels around the leaf. */
static char *deep_map(int wraps, const char *leaf) {
  size_t cap = strlen(leaf) + (size_t)wraps * 16 + 1;
  char *s = malloc(cap), *p = s;
  for (int i = 0; i < wraps; i++) p += sprintf(p, "{\"M\":{\"n\":");
  p += sprintf(p, "%s", leaf);
  for (int i = 0; i < wraps; i++) p += sprintf(p, "}}");
  return s;
}

/*------------------------------------------------------------------------*/

TEST(type_names) {
  CHECK_STR(value_type_name(VT_S), "S");
  CHECK_STR(value_type_name(VT_BOOL), "BOOL");
  CHECK_STR(value_type_name(VT_BS), "BS");
  CHECK_STR(value_type_name(VT_INVALID), "");
  CHECK_INT(value_type_from_name("NULL"), VT_NULL);
  CHECK_INT(value_type_from_name("NS"), VT_NS);
  CHECK_INT(value_type_from_name("L"), VT_L);
  CHECK_INT(value_type_from_name("X"), VT_INVALID);
  CHECK_INT(value_type_from_name("SSS"), VT_INVALID);
  CHECK_INT(value_type_from_name(""), VT_INVALID);
  static const struct {
    const char *in;
    enum value_type t;
  } of[] = {
      {"{\"S\":\"x\"}", VT_S},          {"{\"N\":\"1\"}", VT_N},   {"{\"B\":\"\"}", VT_B},
      {"{\"BOOL\":true}", VT_BOOL},     {"{\"NULL\":true}", VT_NULL}, {"{\"M\":{}}", VT_M},
      {"{\"L\":[]}", VT_L},             {"{\"SS\":[\"a\"]}", VT_SS}, {"{\"NS\":[\"1\"]}", VT_NS},
      {"{\"BS\":[\"\"]}", VT_BS},       {"{}", VT_INVALID},        {"{\"S\":\"x\",\"N\":\"1\"}", VT_INVALID},
      {"{\"X\":\"x\"}", VT_INVALID},    {"[]", VT_INVALID},        {"\"S\"", VT_INVALID},
  };
  for (size_t i = 0; i < sizeof of / sizeof of[0]; i++) {
    json_t *j = parse(of[i].in);
    CHECK_INT(value_type_of(j), of[i].t);
    json_decref(j);
  }
  CHECK_INT(value_type_of(NULL), VT_INVALID);
}

/* Exactly one type; unknown and null keys are dropped. */
TEST(check_types) {
  static const struct row rows[] = {
      {"{}", VAL, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes", 0},
      {"{\"X\":\"y\"}", VAL, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes", 0},
      {"{\"S\":null}", VAL, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes", 0},
      {"{\"S\":\"x\",\"N\":\"1\"}", VAL,
       "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes", 0},
      {"{\"BOOL\":true,\"NULL\":true}", VAL,
       "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes", 0},
      /* each type's own check comes before "more than one" (dynalite; DDB Local agrees) */
      {"{\"S\":\"x\",\"N\":\"abc\"}", VAL, "The parameter cannot be converted to a numeric value: abc", 0},
      {"{\"SS\":[\"a\",\"a\"],\"NS\":[\"x\"]}", VAL, "The parameter cannot be converted to a numeric value: x", 0},
      {"{\"S\":\"x\",\"X\":\"y\"}", OK, "{\"S\":\"x\"}", 0},
      {"{\"X\":1,\"S\":\"x\",\"SS\":null}", OK, "{\"S\":\"x\"}", 0},
      {"{\"S\":\"x\",\"s\":\"y\"}", OK, "{\"S\":\"x\"}", 0},
      {"{\"S\":\"\"}", OK, "{\"S\":\"\"}", 0},
      {"{\"S\":\"h\\u00e9llo\"}", OK, "{\"S\":\"h\xc3\xa9" "llo\"}", 0},
      {"{\"BOOL\":false}", OK, "{\"BOOL\":false}", 0},
      {"{\"NULL\":true}", OK, "{\"NULL\":true}", 0},
      {"{\"M\":{}}", OK, "{\"M\":{}}", 0},
      {"{\"L\":[]}", OK, "{\"L\":[]}", 0},
      {"{\"B\":\"\"}", OK, "{\"B\":\"\"}", 0},
      {"{\"B\":\"YQ==\"}", OK, "{\"B\":\"YQ==\"}", 0},
      {"null", VAL, "The supplied Item contains a null AttributeValue", 0},
  };
  RUN(rows);
}

/* Wrong JSON types inside an AttributeValue: SerializationException, texts
** from dynalite's validations/index.js and its test helpers (captured from AWS). */
TEST(check_shapes) {
  static const struct row rows[] = {
      /* the AttributeValue itself */
      {"5", SER, "Unexpected value type in payload", 0},
      {"\"x\"", SER, "Unexpected value type in payload", 0},
      {"true", SER, "Unexpected value type in payload", 0},
      {"[]", SER, "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue", 0},
      /* String (S, N) */
      {"{\"S\":5}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"S\":5.5}", SER, "DECIMAL_VALUE cannot be converted to String", 0},
      {"{\"S\":true}", SER, "TRUE_VALUE cannot be converted to String", 0},
      {"{\"S\":false}", SER, "FALSE_VALUE cannot be converted to String", 0},
      {"{\"S\":[]}", SER, "Unrecognized collection type class java.lang.String", 0},
      {"{\"S\":{}}", SER, "Start of structure or map found where not expected", 0},
      {"{\"N\":5}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"N\":[\"1\"]}", SER, "Unrecognized collection type class java.lang.String", 0},
      /* Blob */
      {"{\"B\":5}", SER, "only base-64-encoded strings are convertible to bytes", 0},
      {"{\"B\":34.56}", SER, "only base-64-encoded strings are convertible to bytes", 0},
      {"{\"B\":true}", SER, "only base-64-encoded strings are convertible to bytes", 0},
      {"{\"B\":[]}", SER, "Unrecognized collection type class java.nio.ByteBuffer", 0},
      {"{\"B\":{}}", SER, "Start of structure or map found where not expected", 0},
      {"{\"B\":\"23456\"}", SER, "Base64 encoded length is expected a multiple of 4 bytes but found: 5", 0},
      {"{\"B\":\"abc\"}", SER, "Base64 encoded length is expected a multiple of 4 bytes but found: 3", 0},
      {"{\"B\":\"\\u00e9\\u00e9a\"}", SER, "Base64 encoded length is expected a multiple of 4 bytes but found: 3", 0},
      {"{\"B\":\"=+/=\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"+/+=\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"YR==\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"YWJ=\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"!!!!\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"YQ==YQ==\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"====\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      {"{\"B\":\"YQ-_\"}", SER, "Invalid last non-pad Base64 character dectected", 0},
      /* Boolean (BOOL, NULL) */
      {"{\"BOOL\":23}", SER, "NUMBER_VALUE cannot be converted to Boolean", 0},
      {"{\"BOOL\":34.56}", SER, "DECIMAL_VALUE cannot be converted to Boolean", 0},
      {"{\"BOOL\":\"23\"}", SER, "Unexpected token received from parser", 0},
      {"{\"BOOL\":\"maybe\"}", SER, "Unexpected token received from parser", 0},
      {"{\"BOOL\":[]}", SER, "Unrecognized collection type class java.lang.Boolean", 0},
      {"{\"BOOL\":{}}", SER, "Start of structure or map found where not expected", 0},
      {"{\"NULL\":1}", SER, "NUMBER_VALUE cannot be converted to Boolean", 0},
      {"{\"NULL\":\"x\"}", SER, "Unexpected token received from parser", 0},
      /* Lists (SS, NS, BS, L) */
      {"{\"SS\":\"x\"}", SER, "Unexpected field type", 0},
      {"{\"SS\":5}", SER, "Unexpected field type", 0},
      {"{\"SS\":true}", SER, "Unexpected field type", 0},
      {"{\"SS\":{}}", SER, "Start of structure or map found where not expected", 0},
      {"{\"SS\":[5]}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"SS\":[\"a\",[]]}", SER, "Unrecognized collection type class java.lang.String", 0},
      {"{\"NS\":\"1\"}", SER, "Unexpected field type", 0},
      {"{\"NS\":[1]}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"BS\":\"YQ==\"}", SER, "Unexpected field type", 0},
      {"{\"BS\":[5]}", SER, "only base-64-encoded strings are convertible to bytes", 0},
      {"{\"BS\":[\"abc\"]}", SER, "Base64 encoded length is expected a multiple of 4 bytes but found: 3", 0},
      {"{\"L\":{}}", SER, "Start of structure or map found where not expected", 0},
      {"{\"L\":\"x\"}", SER, "Unexpected field type", 0},
      {"{\"L\":[5]}", SER, "Unexpected value type in payload", 0},
      {"{\"L\":[\"x\"]}", SER, "Unexpected value type in payload", 0},
      {"{\"L\":[[]]}", SER, "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue", 0},
      {"{\"L\":[{\"BS\":[true]}]}", SER, "only base-64-encoded strings are convertible to bytes", 0},
      /* Map (M) */
      {"{\"M\":[]}", SER,
       "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>", 0},
      {"{\"M\":\"x\"}", SER, "Unexpected field type", 0},
      {"{\"M\":5}", SER, "Unexpected field type", 0},
      {"{\"M\":{\"a\":5}}", SER, "Unexpected value type in payload", 0},
      {"{\"M\":{\"a\":{\"BS\":[\"YQ==\",1]}}}", SER, "only base-64-encoded strings are convertible to bytes", 0},
      /* unknown keys are not type-checked; shape errors beat validation errors */
      {"{\"X\":[],\"S\":\"x\"}", OK, "{\"S\":\"x\"}", 0},
      {"{\"N\":\"abc\",\"S\":5}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"L\":[{\"N\":\"x\"},{\"S\":1}]}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"M\":{\"a\":{},\"b\":{\"B\":\"a\"}}}", SER,
       "Base64 encoded length is expected a multiple of 4 bytes but found: 1", 0},
  };
  RUN(rows);
}

/* BOOL and NULL accept the deserialiser's string forms and canonicalise them. */
TEST(check_booleans) {
  static const struct row rows[] = {
      {"{\"BOOL\":\"true\"}", OK, "{\"BOOL\":true}", 0},
      {"{\"BOOL\":\"YES\"}", OK, "{\"BOOL\":true}", 0},
      {"{\"BOOL\":\"1\"}", OK, "{\"BOOL\":true}", 0},
      {"{\"BOOL\":\"False\"}", OK, "{\"BOOL\":false}", 0},
      {"{\"BOOL\":\"no\"}", OK, "{\"BOOL\":false}", 0},
      {"{\"BOOL\":\"0\"}", OK, "{\"BOOL\":false}", 0},
      {"{\"NULL\":\"true\"}", OK, "{\"NULL\":true}", 0},
      {"{\"NULL\":false}", VAL, "One or more parameter values were invalid: Null attribute value types must have the value of true", 0},
      {"{\"NULL\":\"false\"}", VAL, "One or more parameter values were invalid: Null attribute value types must have the value of true", 0},
      {"{\"NULL\":\"no\"}", VAL, "One or more parameter values were invalid: Null attribute value types must have the value of true", 0},
  };
  RUN(rows);
}

/* Numbers: canonical text, and the current and older layers' messages. */
TEST(check_numbers) {
  static const struct row rows[] = {
      {"{\"N\":\"001.500\"}", OK, "{\"N\":\"1.5\"}", 0},
      {"{\"N\":\"0042.1200\"}", OK, "{\"N\":\"42.12\"}", 0},
      {"{\"N\":\"-0\"}", OK, "{\"N\":\"0\"}", 0},
      {"{\"N\":\"1e3\"}", OK, "{\"N\":\"1000\"}", 0},
      {"{\"N\":\"-1.5E-3\"}", OK, "{\"N\":\"-0.0015\"}", 0},
      {"{\"N\":\"+7\"}", OK, "{\"N\":\"7\"}", 0},
      {"{\"N\":\".5\"}", OK, "{\"N\":\"0.5\"}", 0},
      {"{\"N\":\"123\"}", OK, "{\"N\":\"123\"}", 0},
      {"{\"N\":\"abc\"}", VAL, "The parameter cannot be converted to a numeric value: abc", 0},
      {"{\"N\":\"1.2.3\"}", VAL, "The parameter cannot be converted to a numeric value: 1.2.3", 0},
      {"{\"N\":\"\"}", VAL, "The parameter cannot be converted to a numeric value: ", 0},
      {"{\"N\":\" 1\"}", VAL, "The parameter cannot be converted to a numeric value:  1", 0},
      {"{\"N\":\"1 \"}", VAL, "The parameter cannot be converted to a numeric value: 1 ", 0},
      {"{\"N\":\"0x10\"}", VAL, "The parameter cannot be converted to a numeric value: 0x10", 0},
      {"{\"N\":\"1e\"}", VAL, "The parameter cannot be converted to a numeric value: 1e", 0},
      {"{\"N\":\"NaN\"}", VAL, "The parameter cannot be converted to a numeric value: NaN", 0},
      {"{\"N\":\"Infinity\"}", VAL, "The parameter cannot be converted to a numeric value: Infinity", 0},
      {"{\"N\":\"1e126\"}", VAL, "Number overflow. Attempting to store a number with magnitude larger than supported range", 0},
      {"{\"N\":\"-1e126\"}", VAL, "Number overflow. Attempting to store a number with magnitude larger than supported range", 0},
      {"{\"N\":\"1e-131\"}", VAL, "Number underflow. Attempting to store a number with magnitude smaller than supported range", 0},
      {"{\"N\":\"1234567890123456789012345678901234567890\"}", VAL,
       "Attempting to store more than 38 significant digits in a Number", 0},
      /* the envelope PutItem, UpdateItem and DeleteItem put around number errors */
      {"{\"N\":\"abc\"}", VAL, "1 validation error detected: The parameter cannot be converted to a numeric value: abc",
       VALUE_ENVELOPE},
      {"{\"N\":\"1e126\"}", VAL,
       "1 validation error detected: Number overflow. Attempting to store a number with magnitude larger than supported range",
       VALUE_ENVELOPE},
      /* the older layer (BatchWriteItem, transactions, Scan): no colon for "" */
      {"{\"N\":\"\"}", VAL, "The parameter cannot be converted to a numeric value", VALUE_OLDER},
      {"{\"N\":\"abc\"}", VAL, "The parameter cannot be converted to a numeric value: abc", VALUE_OLDER},
      /* nested numbers are canonicalised too */
      {"{\"M\":{\"a\":{\"N\":\"01\"},\"b\":{\"L\":[{\"N\":\"2.0\"},{\"NS\":[\"3.00\",\"4\"]}]}}}", OK,
       "{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"L\":[{\"N\":\"2\"},{\"NS\":[\"3\",\"4\"]}]}}}", 0},
      {"{\"M\":{\"x\":{\"L\":[{\"N\":\"abc\"}]}}}", VAL, "The parameter cannot be converted to a numeric value: abc", 0},
  };
  RUN(rows);
}

/* SS, NS, BS: non-empty, no duplicates (numbers compare numerically). */
TEST(check_sets) {
  static const struct row rows[] = {
      {"{\"SS\":[]}", VAL, "One or more parameter values were invalid: An string set  may not be empty", 0},
      {"{\"NS\":[]}", VAL, "One or more parameter values were invalid: An number set  may not be empty", 0},
      {"{\"BS\":[]}", VAL, "One or more parameter values were invalid: Binary sets should not be empty", 0},
      {"{\"SS\":[\"b\",\"a\"]}", OK, "{\"SS\":[\"b\",\"a\"]}", 0},
      {"{\"SS\":[\"\",\"a\"]}", OK, "{\"SS\":[\"\",\"a\"]}", 0},
      {"{\"NS\":[\"01\",\"2.50\"]}", OK, "{\"NS\":[\"1\",\"2.5\"]}", 0},
      {"{\"BS\":[\"YQ==\",\"\"]}", OK, "{\"BS\":[\"YQ==\",\"\"]}", 0},
      /* current layer: members before the first repeat in byte order, the
      ** repeat, then the rest as sent (paritysuite valueLayers.test.ts) */
      {"{\"SS\":[\"b\",\"a\",\"b\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"a\", \"b\", \"b\"] contains duplicates.", 0},
      {"{\"SS\":[\"a\",\"a\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"a\", \"a\"] contains duplicates.", 0},
      {"{\"SS\":[\"c\",\"b\",\"c\",\"a\",\"b\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"b\", \"c\", \"c\", \"a\", \"b\"] contains duplicates.", 0},
      {"{\"SS\":[\"\",\"\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"\", \"\"] contains duplicates.", 0},
      {"{\"SS\":[\"q\\\"\",\"q\\\"\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"q\\\"\", \"q\\\"\"] contains duplicates.", 0},
      {"{\"BS\":[\"/w==\",\"AA==\",\"AA==\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"AA==\",\"/w==\",\"AA==\"]of type BS contains duplicates.", 0},
      {"{\"BS\":[\"\",\"\"]}", VAL,
       "One or more parameter values were invalid: Input collection [\"\",\"\"]of type BS contains duplicates.", 0},
      {"{\"NS\":[\"2\",\"1\",\"2\"]}", VAL, "One or more parameter values were invalid: Input collection contains duplicates.", 0},
      {"{\"NS\":[\"1\",\"1.0\"]}", VAL, "One or more parameter values were invalid: Input collection contains duplicates.", 0},
      {"{\"NS\":[\"1\",\"2\",\"01\"]}", VAL, "One or more parameter values were invalid: Input collection contains duplicates.", 0},
      {"{\"NS\":[\"100\",\"1e2\"]}", VAL, "One or more parameter values were invalid: Input collection contains duplicates.", 0},
      {"{\"SS\":[\"b\",\"a\",\"b\"]}", VAL,
       "1 validation error detected: One or more parameter values were invalid: Input collection [\"a\", \"b\", \"b\"] contains duplicates.",
       VALUE_ENVELOPE},
      {"{\"NS\":[\"2\",\"1\",\"2\"]}", VAL,
       "1 validation error detected: One or more parameter values were invalid: Input collection contains duplicates.",
       VALUE_ENVELOPE},
      /* older layer: members as sent, unquoted; NS bare */
      {"{\"SS\":[\"b\",\"a\",\"b\"]}", VAL,
       "One or more parameter values were invalid: Input collection [b, a, b] contains duplicates.", VALUE_OLDER},
      {"{\"BS\":[\"/w==\",\"AA==\",\"AA==\"]}", VAL,
       "One or more parameter values were invalid: Input collection [/w==, AA==, AA==]of type BS contains duplicates.",
       VALUE_OLDER},
      {"{\"NS\":[\"2\",\"1\",\"2\"]}", VAL, "Input collection contains duplicates", VALUE_OLDER},
      /* a bad number member is reported before duplicates */
      {"{\"NS\":[\"1\",\"1\",\"x\"]}", VAL, "The parameter cannot be converted to a numeric value: x", 0},
      {"{\"NS\":[\"1\",\"1e126\"]}", VAL, "Number overflow. Attempting to store a number with magnitude larger than supported range", 0},
      {"{\"NS\":[\"\"]}", VAL, "The parameter cannot be converted to a numeric value: ", 0},
      /* null members (DynamoDB Local's texts) */
      {"{\"SS\":[\"a\",null]}", VAL, "One or more parameter values were invalid: An string set may not have a null string as a member", 0},
      {"{\"BS\":[null]}", VAL, "The supplied Item contains a null AttributeValue", 0},
      {"{\"NS\":[null]}", VAL, "The parameter cannot be converted to a numeric value", 0},
  };
  RUN(rows);
}

/* Duplicate search in large sets (the sorted path). */
TEST(check_large_sets) {
  json_t *ss = json_array(), *ns = json_array();
  char buf[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(buf, sizeof buf, "m%04d", i);
    json_array_append_new(ss, json_string(buf));
    snprintf(buf, sizeof buf, "%d.000", i);
    json_array_append_new(ns, json_string(buf));
  }
  json_t *av = json_pack("{s:o}", "SS", ss), *an = json_pack("{s:o}", "NS", ns);
  struct ddb_err e = {0};
  CHECK_INT(value_check(av, 1, &e), 0);
  CHECK_INT(value_check(an, 1, &e), 0);
  CHECK_STR(json_string_value(json_array_get(ns, 7)), "7");
  /* numbers 5 and 5.000 (canonical "5") collide only after canonicalisation */
  json_array_append_new(ns, json_string("5"));
  CHECK_INT(value_check(an, 1, &e), -1);
  CHECK_STR(e.msg, "One or more parameter values were invalid: Input collection contains duplicates.");
  ddb_err_clear(&e);
  /* the first repeat in request order is m0003 (index 1001), not m0900 (1002) */
  json_array_append_new(ss, json_string("m0003"));
  json_array_append_new(ss, json_string("m0900"));
  CHECK_INT(value_check_ex(av, 1, VALUE_OLDER, &e), -1);
  CHECK(e.msg && strstr(e.msg, ", m0999, m0003, m0900] contains duplicates.") != NULL);
  ddb_err_clear(&e);
  CHECK_INT(value_check(av, 1, &e), -1);
  CHECK(e.msg && strstr(e.msg, "\"m0999\", \"m0003\", \"m0900\"] contains duplicates.") != NULL);
  ddb_err_clear(&e);
  json_decref(av);
  json_decref(an);
}

/* Nesting: a leaf at level 32 is accepted, at 33 rejected; a map or list at
** level 32 is rejected even when empty (DynamoDB Local). */
TEST(check_depth) {
  static const struct {
    int wraps;
    const char *leaf;
    int ok;
  } cases[] = {
      {31, "{\"S\":\"leaf\"}", 1}, {32, "{\"S\":\"leaf\"}", 0}, {31, "{\"SS\":[\"a\"]}", 1},
      {30, "{\"M\":{}}", 1},      {31, "{\"M\":{}}", 0},      {31, "{\"L\":[]}", 0},
      {100, "{\"S\":\"x\"}", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *text = deep_map(cases[i].wraps, cases[i].leaf);
    json_t *j = parse(text);
    struct ddb_err e = {0};
    int rc = value_check(j, 1, &e);
    CHECK_INT(rc, cases[i].ok ? 0 : -1);
    if (!cases[i].ok) CHECK_STR(e.msg, NEST);
    ddb_err_clear(&e);
    /* VALUE_NO_DEPTH: no limit */
    CHECK_INT(value_check_ex(j, 1, VALUE_NO_DEPTH, &e), 0);
    ddb_err_clear(&e);
    json_decref(j);
    free(text);
  }
  /* depth counts from the caller's level */
  json_t *j = parse("{\"L\":[{\"S\":\"x\"}]}");
  struct ddb_err e = {0};
  CHECK_INT(value_check(j, 31, &e), 0);
  CHECK_INT(value_check(j, 32, &e), -1);
  CHECK_STR(e.msg, NEST);
  ddb_err_clear(&e);
  json_decref(j);
  /* depth and number errors: whichever comes first in document order */
  char *deep = deep_map(32, "{\"S\":\"x\"}"), text[4096];
  snprintf(text, sizeof text, "{\"M\":{\"a\":{\"N\":\"abc\"},\"b\":%s}}", deep);
  j = parse(text);
  CHECK_INT(value_check(j, 1, &e), -1);
  CHECK_STR(e.msg, "The parameter cannot be converted to a numeric value: abc");
  ddb_err_clear(&e);
  json_decref(j);
  snprintf(text, sizeof text, "{\"M\":{\"b\":%s,\"a\":{\"N\":\"abc\"}}}", deep);
  j = parse(text);
  CHECK_INT(value_check(j, 1, &e), -1);
  CHECK_STR(e.msg, NEST);
  ddb_err_clear(&e);
  json_decref(j);
  /* a number at the bottom of a too-deep value: the depth */
  free(deep);
  deep = deep_map(40, "{\"N\":\"abc\"}");
  j = parse(deep);
  CHECK_INT(value_check(j, 1, &e), -1);
  CHECK_STR(e.msg, NEST);
  ddb_err_clear(&e);
  json_decref(j);
  free(deep);
}

/* Items: names, null values, and the order of checks. */
TEST(check_items) {
  static const struct row rows[] = {
      {"{\"pk\":{\"S\":\"k\"},\"n\":{\"N\":\"01.0\"}}", OK, "{\"pk\":{\"S\":\"k\"},\"n\":{\"N\":\"1\"}}", 0},
      {"{}", OK, "{}", 0},
      {"{\"\":{\"S\":\"x\"}}", VAL, "Empty attribute name", 0},
      {"{\"a\":{\"M\":{\"\":{\"S\":\"x\"}}}}", VAL, "Empty attribute name", 0},
      {"{\"a\":{\"L\":[{\"M\":{\"\":{\"S\":\"x\"}}}]}}", VAL, "Empty attribute name", 0},
      {"{\"a\":null}", VAL, "The supplied Item contains a null AttributeValue: a is null", 0},
      {"{\"a\":{\"M\":{\"x\":null}}}", VAL, "The supplied Item contains a null AttributeValue: x is null", 0},
      {"{\"a\":{\"L\":[{\"S\":\"x\"},null]}}", VAL, "The supplied Item contains a null AttributeValue", 0},
      {"[]", SER, "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>", 0},
      {"\"x\"", SER, "Unexpected field type", 0},
      {"{\"a\":5}", SER, "Unexpected value type in payload", 0},
      /* a shape error anywhere beats a validation error earlier in the item */
      {"{\"a\":{\"N\":\"x\"},\"b\":{\"S\":5}}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      {"{\"\":{\"S\":\"x\"},\"b\":{\"S\":5}}", SER, "NUMBER_VALUE cannot be converted to String", 0},
      /* a top-level empty name is reported before any value's problem */
      {"{\"a\":{\"N\":\"x\"},\"\":{\"S\":\"x\"}}", VAL, "Empty attribute name", 0},
      /* values in document order, before nested empty names */
      {"{\"a\":{\"N\":\"x\"},\"b\":{\"NS\":[]}}", VAL, "The parameter cannot be converted to a numeric value: x", 0},
      {"{\"a\":{\"M\":{\"\":{\"S\":\"x\"}}},\"b\":{\"N\":\"x\"}}", VAL,
       "The parameter cannot be converted to a numeric value: x", 0},
      {"{\"a\":{\"N\":\"x\"}}", VAL, "1 validation error detected: The parameter cannot be converted to a numeric value: x",
       VALUE_ENVELOPE},
      {"{\"a\":{\"X\":1,\"S\":\"y\"},\"b\":{\"BOOL\":\"yes\"}}", OK, "{\"a\":{\"S\":\"y\"},\"b\":{\"BOOL\":true}}", 0},
  };
  RUN_ITEMS(rows);

  /* a value nested too deep beats an empty map key earlier in the item (AWS) */
  char *deep = deep_map(40, "{\"S\":\"x\"}"), text[4096];
  snprintf(text, sizeof text, "{\"m\":{\"M\":{\"\":{\"S\":\"x\"}}},\"d\":%s}", deep);
  json_t *j = parse(text);
  struct ddb_err e = {0};
  CHECK_INT(value_check_item(j, &e), -1);
  CHECK_STR(e.msg, NEST);
  ddb_err_clear(&e);
  json_decref(j);
  /* a top-level empty name beats a deep value, in either order */
  snprintf(text, sizeof text, "{\"\":{\"S\":\"x\"},\"d\":%s}", deep);
  j = parse(text);
  CHECK_INT(value_check_item(j, &e), -1);
  CHECK_STR(e.msg, "Empty attribute name");
  ddb_err_clear(&e);
  json_decref(j);
  snprintf(text, sizeof text, "{\"d\":%s,\"\":{\"S\":\"x\"}}", deep);
  j = parse(text);
  CHECK_INT(value_check_item(j, &e), -1);
  CHECK_STR(e.msg, "Empty attribute name");
  ddb_err_clear(&e);
  json_decref(j);
  free(deep);
}

/* The shape pass alone, and VALUE_SHAPE_DONE. */
TEST(check_shape_api) {
  struct ddb_err e = {0};
  json_t *j = parse("{\"N\":\"abc\",\"X\":[]}");
  CHECK_INT(value_check_shape(j, &e), 0);
  CHECK_INT(value_check_shape(NULL, &e), 0);
  CHECK_INT(e.code, DDB_OK);
  json_decref(j);
  j = parse("{\"a\":{\"M\":{\"b\":{\"SS\":[\"x\",{}]}}}}");
  CHECK_INT(value_check_item_shape(j, &e), -1);
  CHECK_INT(e.code, DDB_SERIALIZATION);
  CHECK_STR(e.msg, "Start of structure or map found where not expected");
  ddb_err_clear(&e);
  json_decref(j);
  j = parse("{\"S\":\"x\"}");
  CHECK_INT(value_check_ex(j, 1, VALUE_SHAPE_DONE, &e), 0);
  /* a junk key that only differs from "S" after a NUL byte is dropped, not "S" */
  json_object_setn_new(j, "S\0", 2, json_integer(1));
  CHECK_INT(value_check(j, 1, &e), 0);
  CHECK_INT(json_object_size(j), 1);
  CHECK_INT(value_type_of(j), VT_S);
  json_decref(j);
}

/*------------------------------ Sizes -----------------------------------*/

static size_t attr_size_of(const char *text) {
  json_t *j = parse(text);
  struct ddb_err e = {0};
  if (value_check(j, 1, &e)) fprintf(stderr, "size row invalid: %s: %s\n", text, e.msg);
  ddb_err_clear(&e);
  size_t n = value_attr_size(j);
  json_decref(j);
  return n;
}

/* Number sizes captured against AWS at the 400 KB gate (paritysuite
** src/item-size.ts, CAPTURED_NUMBER_BYTES). */
TEST(size_numbers) {
  static const struct {
    const char *n;
    size_t bytes;
  } rows[] = {
      {"0", 1},       {"1", 2},           {"12", 2},        {"123", 3},     {"1234", 3},
      {"12345678901234567890123456789012345678", 20},         {"0042", 2},    {"100", 2},
      {"1010", 3},    {"0.0000001", 2},   {"1E125", 2},     {"1E-100", 2},  {"1.5", 3},
      {"15", 2},      {"1.2", 3},         {"1.200", 3},     {"1.234", 4},   {"3.14159", 5},
      {"123456", 4},  {"100.5", 4},       {"0.15", 2},      {"-42", 3},     {"-0", 1},
      /* base-100 pairs aligned on the point (dynalite's rule) */
      {"110", 3},     {"1100", 2},        {"-1.5", 4},      {"0.5", 2},     {"5E-130", 2},
  };
  char text[128];
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    snprintf(text, sizeof text, "{\"N\":\"%s\"}", rows[i].n);
    size_t got = attr_size_of(text);
    if (got != rows[i].bytes) {
      fprintf(stderr, "%s:%d: N %s: size %zu, want %zu\n", __FILE__, __LINE__, rows[i].n, got,
              rows[i].bytes);
      test_failures++;
    }
  }
}

/* The developer guide's rules ("DynamoDB item sizes and formats"). */
TEST(size_values) {
  CHECK_INT(attr_size_of("{\"S\":\"abc\"}"), 3);
  CHECK_INT(attr_size_of("{\"S\":\"\"}"), 0);
  CHECK_INT(attr_size_of("{\"S\":\"h\\u00e9\\u20ac\"}"), 6); /* UTF-8: 1 + 2 + 3 */
  CHECK_INT(attr_size_of("{\"S\":\"\\ud83d\\ude00\"}"), 4);
  CHECK_INT(attr_size_of("{\"B\":\"\"}"), 0);
  CHECK_INT(attr_size_of("{\"B\":\"YQ==\"}"), 1);
  CHECK_INT(attr_size_of("{\"B\":\"YWI=\"}"), 2);
  CHECK_INT(attr_size_of("{\"B\":\"YWJj\"}"), 3);
  CHECK_INT(attr_size_of("{\"BOOL\":true}"), 1);
  CHECK_INT(attr_size_of("{\"NULL\":true}"), 1);
  CHECK_INT(attr_size_of("{\"SS\":[\"ab\",\"c\",\"\"]}"), 3);
  CHECK_INT(attr_size_of("{\"NS\":[\"1\",\"-42\",\"0\"]}"), 2 + 3 + 1);
  CHECK_INT(attr_size_of("{\"BS\":[\"YQ==\",\"YWJj\"]}"), 4);
  CHECK_INT(attr_size_of("{\"L\":[]}"), 3);
  CHECK_INT(attr_size_of("{\"M\":{}}"), 3);
  CHECK_INT(attr_size_of("{\"L\":[{\"S\":\"ab\"},{\"N\":\"1\"}]}"), 3 + (1 + 2) + (1 + 2));
  CHECK_INT(attr_size_of("{\"M\":{\"k\":{\"S\":\"ab\"},\"\\u00e9\":{\"BOOL\":false}}}"),
            3 + (1 + 1 + 2) + (1 + 2 + 1));
  CHECK_INT(attr_size_of("{\"M\":{\"a\":{\"L\":[{\"M\":{}}]}}}"), 3 + (1 + 1 + (3 + (1 + 3))));
  CHECK_INT(value_attr_size(NULL), 0);
}

TEST(size_items) {
  json_t *j = parse("{\"id\":{\"S\":\"abc\"},\"n\":{\"N\":\"12345\"},\"\\u00e9t\\u00e9\":{\"BOOL\":true}}");
  CHECK_INT(value_item_size(j), (2 + 3) + (1 + 4) + (5 + 1));
  json_decref(j);
  j = parse("{}");
  CHECK_INT(value_item_size(j), 0);
  json_decref(j);
  CHECK_INT(value_item_size(NULL), 0);
  /* an item built to exactly the 400 KB limit */
  json_t *item = json_object();
  json_object_set_new(item, "pk", json_pack("{s:s}", "S", "k"));
  size_t pad = VALUE_MAX_ITEM_SIZE - (2 + 1) - 1;
  char *s = malloc(pad + 1);
  memset(s, 'x', pad);
  s[pad] = 0;
  json_object_set_new(item, "p", json_pack("{s:s}", "S", s));
  CHECK_INT(value_item_size(item), VALUE_MAX_ITEM_SIZE);
  free(s);
  json_decref(item);
}

/*------------------------------ Equality --------------------------------*/

TEST(equality) {
  static const struct {
    const char *a, *b;
    bool eq;
  } rows[] = {
      {"{\"S\":\"a\"}", "{\"S\":\"a\"}", true},
      {"{\"S\":\"a\"}", "{\"S\":\"b\"}", false},
      {"{\"S\":\"1\"}", "{\"N\":\"1\"}", false},
      {"{\"S\":\"a\\u0000b\"}", "{\"S\":\"a\\u0000c\"}", false},
      {"{\"N\":\"1\"}", "{\"N\":\"1.0\"}", true},
      {"{\"N\":\"100\"}", "{\"N\":\"1e2\"}", true},
      {"{\"N\":\"-0\"}", "{\"N\":\"0\"}", true},
      {"{\"N\":\"1\"}", "{\"N\":\"-1\"}", false},
      {"{\"N\":\"0.1\"}", "{\"N\":\"0.10000000000000000000000000000000000001\"}", false},
      {"{\"B\":\"YQ==\"}", "{\"B\":\"YQ==\"}", true},
      {"{\"B\":\"YQ==\"}", "{\"B\":\"Yg==\"}", false},
      {"{\"B\":\"\"}", "{\"B\":\"\"}", true},
      {"{\"BOOL\":true}", "{\"BOOL\":true}", true},
      {"{\"BOOL\":true}", "{\"BOOL\":false}", false},
      {"{\"NULL\":true}", "{\"NULL\":true}", true},
      {"{\"NULL\":true}", "{\"BOOL\":true}", false},
      {"{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"b\",\"a\"]}", true},
      {"{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"a\"]}", false},
      {"{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"a\",\"c\"]}", false},
      {"{\"NS\":[\"1\",\"2.5\"]}", "{\"NS\":[\"2.50\",\"1.0\"]}", true},
      {"{\"NS\":[\"1\"]}", "{\"NS\":[\"2\"]}", false},
      {"{\"BS\":[\"YQ==\",\"Yg==\"]}", "{\"BS\":[\"Yg==\",\"YQ==\"]}", true},
      {"{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]}", "{\"L\":[{\"N\":\"1.0\"},{\"S\":\"x\"}]}", true},
      {"{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]}", "{\"L\":[{\"S\":\"x\"},{\"N\":\"1\"}]}", false},
      {"{\"L\":[]}", "{\"L\":[{\"S\":\"x\"}]}", false},
      {"{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"}}}", "{\"M\":{\"b\":{\"S\":\"x\"},\"a\":{\"N\":\"1.00\"}}}", true},
      {"{\"M\":{\"a\":{\"N\":\"1\"}}}", "{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"}}}", false},
      {"{\"M\":{\"a\":{\"N\":\"1\"}}}", "{\"M\":{\"c\":{\"N\":\"1\"}}}", false},
      {"{\"M\":{}}", "{\"L\":[]}", false},
      {"{}", "{}", false},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    json_t *a = parse(rows[i].a), *b = parse(rows[i].b);
    if (value_equal(a, b) != rows[i].eq || value_equal(b, a) != rows[i].eq) {
      fprintf(stderr, "%s:%d: equal(%s, %s) != %d\n", __FILE__, __LINE__, rows[i].a, rows[i].b,
              rows[i].eq);
      test_failures++;
    }
    json_decref(a);
    json_decref(b);
  }
  /* large sets: order-independent */
  json_t *x = json_array(), *y = json_array();
  char buf[16];
  for (int i = 0; i < 100; i++) {
    snprintf(buf, sizeof buf, "%d", i);
    json_array_append_new(x, json_string(buf));
    snprintf(buf, sizeof buf, "%d", 99 - i);
    json_array_append_new(y, json_string(buf));
  }
  json_t *ax = json_pack("{s:O}", "NS", x), *ay = json_pack("{s:O}", "NS", y);
  CHECK(value_equal(ax, ay));
  json_array_set_new(y, 0, json_string("100"));
  CHECK(!value_equal(ax, ay));
  json_decref(ax);
  json_decref(ay);
  json_decref(x);
  json_decref(y);
}

/*------------------------------ Base64 ----------------------------------*/

TEST(base64) {
  static const struct {
    const char *in;
    const char *out; /* NULL: invalid */
    size_t n;
  } rows[] = {
      {"", "", 0},           {"YQ==", "a", 1},     {"YWI=", "ab", 2},   {"YWJj", "abc", 3},
      {"YWJjZA==", "abcd", 4}, {"AA==", "\0", 1},  {"/w==", "\xff", 1}, {"+/+/", "\xfb\xff\xbf", 3},
      {"YQ", NULL, 0},       {"YR==", NULL, 0},    {"YWJ=", NULL, 0},   {"Y===", NULL, 0},
      {"====", NULL, 0},     {"YQ==YQ==", NULL, 0}, {"YQ-_", NULL, 0},  {"YW\nJ", NULL, 0},
      {"=YWJ", NULL, 0},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    size_t n = 12345;
    unsigned char *d = value_b64_decode(rows[i].in, strlen(rows[i].in), &n);
    size_t len = value_b64_decoded_len(rows[i].in, strlen(rows[i].in));
    if (!rows[i].out) {
      CHECK(d == NULL);
      CHECK(len == (size_t)-1);
    } else {
      CHECK(d != NULL);
      CHECK_INT(n, rows[i].n);
      CHECK_INT(len, rows[i].n);
      CHECK(d && memcmp(d, rows[i].out, rows[i].n) == 0);
    }
    free(d);
  }
}

TEST_MAIN(type_names, check_types, check_shapes, check_booleans, check_numbers, check_sets,
          check_large_sets, check_depth, check_items, check_shape_api, size_numbers, size_values,
          size_items, equality, base64)

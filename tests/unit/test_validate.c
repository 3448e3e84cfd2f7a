/*
** tests/unit/test_validate.c: generic request validation (server/validate.c)
** over the generated model (server/model/).
**
** Table-driven: each row is an operation, a JSON body and DynamoDB's exact
** answer (error type + message), or OK. Sources for the expected texts:
**   [D]  dynalite's validations and tests (captured from AWS, ~2014-2019)
**   [C]  conformance suites recorded against AWS (nubo-db and paritysuite
**        dynamodb-conformance, us-east-1, 2026)
**   [M]  derived from the model and the rules those captures establish
**        (member order = Java 8 HashMap order, see tools/gen_model.py)
*/
#include "test.h"

#include "server/model/model.h"
#include "server/validate.h"

#define OK DDB_OK
#define VAL DDB_VALIDATION
#define SER DDB_SERIALIZATION

#define CAST                                                                       \
  "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be " \
  "cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects."        \
  "ParameterizedTypeImpl and java.lang.Class are in module java.base of loader "  \
  "'bootstrap')"
#define NOTNULL "failed to satisfy constraint: Member must not be null"
#define NAME_PATTERN "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"

struct row {
  const char *op;
  const char *body;
  int code;
  const char *want; /* message; for OK rows NULL, or the body after validation */
};

static json_t *parse(const char *text) {
  json_error_t jerr;
  json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (!j) fprintf(stderr, "bad test JSON: %s: %s\n", text, jerr.text);
  return j;
}

static void run_rows(const struct row *rows, size_t n, int line) {
  for (size_t i = 0; i < n; i++) {
    const struct row *r = &rows[i];
    struct ddb_err e = {0};
    json_t *j = parse(r->body);
    if (!j) {
      test_failures++;
      continue;
    }
    int rc = validate_request(r->op, j, &e);
    if (r->code == OK) {
      char *got = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
      if (rc != 0 || (r->want && strcmp(got, r->want) != 0)) {
        fprintf(stderr, "%s:%d: %s: row %zu %s %s -> rc %d %s \"%s\" body %s\n", __FILE__, line,
                test_current, i, r->op, r->body, rc, ddb_code_name(e.code), e.msg ? e.msg : "",
                got);
        test_failures++;
      }
      free(got);
    } else if (rc != -1 || (int)e.code != r->code || !e.msg || strcmp(e.msg, r->want) != 0) {
      fprintf(stderr, "%s:%d: %s: row %zu %s %s\n   got rc %d %s \"%s\"\n  want %s \"%s\"\n",
              __FILE__, line, test_current, i, r->op, r->body, rc, ddb_code_name(e.code),
              e.msg ? e.msg : "(null)", ddb_code_name(r->code), r->want);
      test_failures++;
    }
    ddb_err_clear(&e);
    json_decref(j);
  }
}

#define RUN(rows) run_rows(rows, sizeof rows / sizeof rows[0], __LINE__)

/*---------------------------- Type phase ----------------------------------*/

TEST(type_string) { /* [D] assertType 'String' */
  static const struct row rows[] = {
      {"GetItem", "{\"TableName\": true}", SER, "TRUE_VALUE cannot be converted to String"},
      {"GetItem", "{\"TableName\": false}", SER, "FALSE_VALUE cannot be converted to String"},
      {"GetItem", "{\"TableName\": 23}", SER, "NUMBER_VALUE cannot be converted to String"},
      {"GetItem", "{\"TableName\": -2147483648}", SER, "NUMBER_VALUE cannot be converted to String"},
      {"GetItem", "{\"TableName\": 34.56}", SER, "DECIMAL_VALUE cannot be converted to String"},
      {"GetItem", "{\"TableName\": []}", SER, "Unrecognized collection type class java.lang.String"},
      {"GetItem", "{\"TableName\": {}}", SER, "Start of structure or map found where not expected"},
      /* list members and map values of type String */
      {"GetItem", "{\"AttributesToGet\": [\"a\", 1]}", SER,
       "NUMBER_VALUE cannot be converted to String"},
      {"GetItem", "{\"ExpressionAttributeNames\": {\"#a\": false}}", SER,
       "FALSE_VALUE cannot be converted to String"},
  };
  RUN(rows);
}

TEST(type_numbers) { /* [D] assertType 'Integer' / 'Long' */
  static const struct row rows[] = {
      {"ListTables", "{\"Limit\": \"23\"}", SER, "STRING_VALUE cannot be converted to Integer"},
      {"ListTables", "{\"Limit\": true}", SER, "TRUE_VALUE cannot be converted to Integer"},
      {"ListTables", "{\"Limit\": false}", SER, "FALSE_VALUE cannot be converted to Integer"},
      {"ListTables", "{\"Limit\": []}", SER, "Unrecognized collection type class java.lang.Integer"},
      {"ListTables", "{\"Limit\": {}}", SER, "Start of structure or map found where not expected"},
      {"CreateTable", "{\"ProvisionedThroughput\": {\"ReadCapacityUnits\": \"1\"}}", SER,
       "STRING_VALUE cannot be converted to Long"},
      {"CreateTable", "{\"ProvisionedThroughput\": {\"WriteCapacityUnits\": []}}", SER,
       "Unrecognized collection type class java.lang.Long"},
      /* decimals are floored, as DynamoDB's deserialiser does */
      {"ListTables", "{\"Limit\": 2.9}", OK, "{\"Limit\":2}"},
      {"ListTables", "{\"Limit\": 0.5}", VAL,
       "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1"},
  };
  RUN(rows);
}

TEST(type_boolean) { /* [D] assertType 'Boolean' */
  static const struct row rows[] = {
      {"GetItem", "{\"ConsistentRead\": \"23\"}", SER, "Unexpected token received from parser"},
      {"GetItem", "{\"ConsistentRead\": 23}", SER, "NUMBER_VALUE cannot be converted to Boolean"},
      {"GetItem", "{\"ConsistentRead\": 34.56}", SER, "DECIMAL_VALUE cannot be converted to Boolean"},
      {"GetItem", "{\"ConsistentRead\": []}", SER, "Unrecognized collection type class java.lang.Boolean"},
      {"GetItem", "{\"ConsistentRead\": {}}", SER, "Start of structure or map found where not expected"},
      /* the words DynamoDB converts, in any case */
      {"ListTables", "{\"ConsistentRead\": \"yes\"}", OK, "{\"ConsistentRead\":\"yes\"}"},
      {"Scan", "{\"TableName\": \"abc\", \"ConsistentRead\": \"YES\"}", OK,
       "{\"TableName\":\"abc\",\"ConsistentRead\":true}"},
      {"Scan", "{\"TableName\": \"abc\", \"ConsistentRead\": \"False\"}", OK,
       "{\"TableName\":\"abc\",\"ConsistentRead\":false}"},
      {"Scan", "{\"TableName\": \"abc\", \"ConsistentRead\": \"1\"}", OK,
       "{\"TableName\":\"abc\",\"ConsistentRead\":true}"},
      {"PutItem", "{\"TableName\": \"abc\", \"Item\": {\"a\": {\"BOOL\": \"no\"}}}", OK,
       "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"BOOL\":false}}}"},
  };
  RUN(rows);
}

TEST(type_blob) { /* [D] assertType 'Blob', via AttributeValue B / BS */
  static const struct row rows[] = {
      {"PutItem", "{\"Item\": {\"a\": {\"B\": true}}}", SER,
       "only base-64-encoded strings are convertible to bytes"},
      {"PutItem", "{\"Item\": {\"a\": {\"B\": 23}}}", SER,
       "only base-64-encoded strings are convertible to bytes"},
      {"PutItem", "{\"Item\": {\"a\": {\"B\": []}}}", SER,
       "Unrecognized collection type class java.nio.ByteBuffer"},
      {"PutItem", "{\"Item\": {\"a\": {\"B\": {}}}}", SER,
       "Start of structure or map found where not expected"},
      {"PutItem", "{\"Item\": {\"a\": {\"B\": \"23456\"}}}", SER,
       "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
      {"PutItem", "{\"Item\": {\"a\": {\"B\": \"=+/=\"}}}", SER,
       "Invalid last non-pad Base64 character dectected"},
      {"PutItem", "{\"Item\": {\"a\": {\"BS\": [\"YWJj\", \"+/+=\"]}}}", SER,
       "Invalid last non-pad Base64 character dectected"},
      {"PutItem", "{\"TableName\": \"abc\", \"Item\": {\"a\": {\"B\": \"YWJj\"}, \"b\": {\"B\": \"\"}}}",
       OK, NULL},
  };
  RUN(rows);
}

TEST(type_collections) { /* [D] List, Map, FieldStruct, ValueStruct, Parameterized* */
  static const struct row rows[] = {
      /* list as a structure member */
      {"GetItem", "{\"AttributesToGet\": \"23\"}", SER, "Unexpected field type"},
      {"GetItem", "{\"AttributesToGet\": 23}", SER, "Unexpected field type"},
      {"GetItem", "{\"AttributesToGet\": {}}", SER, "Start of structure or map found where not expected"},
      /* map as a structure member */
      {"GetItem", "{\"Key\": true}", SER, "Unexpected field type"},
      {"GetItem", "{\"Key\": []}", SER,
       "Unrecognized collection type java.util.Map<java.lang.String, "
       "com.amazonaws.dynamodb.v20120810.AttributeValue>"},
      {"GetItem", "{\"ExpressionAttributeNames\": []}", SER,
       "Unrecognized collection type java.util.Map<java.lang.String, java.lang.String>"},
      /* structure as a structure member (FieldStruct) */
      {"CreateTable", "{\"ProvisionedThroughput\": 34.56}", SER, "Unexpected field type"},
      {"CreateTable", "{\"ProvisionedThroughput\": []}", SER,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ProvisionedThroughput"},
      /* structure as a list element (ValueStruct) */
      {"CreateTable", "{\"KeySchema\": [\"23\"]}", SER, "Unexpected value type in payload"},
      {"CreateTable", "{\"KeySchema\": [[]]}", SER,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement"},
      /* AttributeValue as a map value and as a structure member */
      {"PutItem", "{\"Item\": {\"a\": 5}}", SER, "Unexpected value type in payload"},
      {"PutItem", "{\"Item\": {\"a\": []}}", SER,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"},
      {"PutItem", "{\"Expected\": {\"a\": {\"Value\": 5}}}", SER, "Unexpected field type"},
      {"PutItem", "{\"Expected\": {\"a\": []}}", SER,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue"},
      /* inside AttributeValues */
      {"GetItem", "{\"Key\": {\"a\": {\"S\": 5}}}", SER, "NUMBER_VALUE cannot be converted to String"},
      {"GetItem", "{\"Key\": {\"a\": {\"N\": 1.5}}}", SER, "DECIMAL_VALUE cannot be converted to String"},
      {"GetItem", "{\"Key\": {\"a\": {\"SS\": \"a\"}}}", SER, "Unexpected field type"},
      {"GetItem", "{\"Key\": {\"a\": {\"L\": [{\"M\": {\"b\": {\"NS\": [1]}}}]}}}", SER,
       "NUMBER_VALUE cannot be converted to String"},
      {"GetItem", "{\"Key\": {\"a\": {\"M\": []}}}", SER,
       "Unrecognized collection type java.util.Map<java.lang.String, "
       "com.amazonaws.dynamodb.v20120810.AttributeValue>"},
      /* a map as a list element, a list as a map value */
      {"BatchGetItem", "{\"RequestItems\": {\"abc\": {\"Keys\": [5]}}}", SER, CAST},
      {"BatchGetItem", "{\"RequestItems\": {\"abc\": {\"Keys\": [[]]}}}", SER,
       "Unrecognized collection type java.util.Map<java.lang.String, "
       "com.amazonaws.dynamodb.v20120810.AttributeValue>"},
      {"BatchWriteItem", "{\"RequestItems\": {\"abc\": true}}", SER, CAST},
      {"BatchWriteItem", "{\"RequestItems\": {\"abc\": {}}}", SER,
       "Start of structure or map found where not expected"},
      {"BatchWriteItem", "{\"RequestItems\": []}", SER,
       "Unrecognized collection type java.util.Map<java.lang.String, "
       "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>"},
      /* the body itself */
      {"GetItem", "[]", SER,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.GetItemInput"},
  };
  RUN(rows);
}

TEST(type_order_and_nulls) {
  static const struct row rows[] = {
      /* the first mismatch in document order wins [M] */
      {"GetItem", "{\"Key\": 5, \"TableName\": 5}", SER, "Unexpected field type"},
      {"GetItem", "{\"TableName\": 5, \"Key\": 5}", SER, "NUMBER_VALUE cannot be converted to String"},
      /* a type error beats any constraint error [D] */
      {"GetItem", "{\"ReturnConsumedCapacity\": \"bad\", \"ConsistentRead\": 5}", SER,
       "NUMBER_VALUE cannot be converted to Boolean"},
      /* JSON null is absence; unknown members are ignored, whatever their type */
      {"Scan", "{\"TableName\": \"abc\", \"Limit\": null, \"Bogus\": [1, {}], \"select\": 5}", OK,
       NULL},
      {"Scan", "{\"TableName\": null}", VAL,
       "1 validation error detected: Value null at 'tableName' " NOTNULL},
      {"GetItem", "{\"TableName\": \"abc\", \"Key\": {\"a\": null, \"b\": {\"S\": null, \"N\": \"1\"}}}",
       OK, NULL},
      /* an operation the model does not know passes */
      {"NoSuchOperation", "{\"TableName\": 5}", OK, NULL},
  };
  RUN(rows);
}

/*---------------------------- Constraint phase ----------------------------*/

TEST(required_and_table_names) {
  static const struct row rows[] = {
      /* [C] PutItem TableName missing / '' / 256 chars / bad characters */
      {"PutItem", "{\"Item\": {}}", VAL,
       "1 validation error detected: Value null at 'tableName' " NOTNULL},
      {"PutItem", "{\"TableName\": \"\", \"Item\": {}}", VAL,
       "1 validation error detected: Value at 'TableName' failed to satisfy constraint: "
       "Member must have length greater than or equal to 1"},
      {"PutItem", "{\"TableName\": \"bad table!@#\", \"Item\": {}}", VAL,
       "1 validation error detected: Value 'bad table!@#' at 'tableName' failed to satisfy "
       "constraint: " NAME_PATTERN},
      /* [M] both of a table name's rules, pattern first [D] */
      {"GetItem", "{\"TableName\": \"a;\", \"Key\": {}}", VAL,
       "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: "
       NAME_PATTERN "; Value 'a;' at 'tableName' failed to satisfy constraint: "
       "Member must have length greater than or equal to 3"},
      /* a table ARN: only its length counts here */
      {"GetItem", "{\"TableName\": \"arn:aws:dynamodb:us-east-1:123456789012:table/t\", \"Key\": {}}",
       OK, NULL},
      /* [M] two required members, in DynamoDB's order */
      {"GetItem", "{}", VAL,
       "2 validation errors detected: Value null at 'key' " NOTNULL
       "; Value null at 'tableName' " NOTNULL},
      /* [C] CreateTable: a short name; a missing name is a message of its own */
      {"CreateTable",
       "{\"TableName\": \"ab\", \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
       "\"AttributeType\": \"S\"}], \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": "
       "\"HASH\"}], \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5, \"WriteCapacityUnits\": 5}}",
       VAL,
       "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
       "Member must have length greater than or equal to 3"},
      {"CreateTable", "{\"KeySchema\": 5}", SER, "Unexpected field type"},
      {"CreateTable", "{\"KeySchema\": []}", VAL,
       "The parameter 'TableName' is required but was not present in the request"},
      {"DescribeTable", "{}", VAL,
       "The parameter 'TableName' is required but was not present in the request"},
      {"DescribeTable", "{\"TableName\": \"\"}", VAL,
       "1 validation error detected: Value '' at 'tableName' failed to satisfy constraint: "
       "Member must have length greater than or equal to 1"},
      /* [D] a bad table name and missing members: one list; [M] for the order */
      {"CreateTable", "{\"TableName\": \"abc;\"}", VAL,
       "3 validation errors detected: Value null at 'keySchema' " NOTNULL
       "; Value 'abc;' at 'tableName' failed to satisfy constraint: " NAME_PATTERN
       "; Value null at 'attributeDefinitions' " NOTNULL},
      /* [D] tag operations check the ARN themselves */
      {"TagResource", "{}", VAL, "Invalid TableArn"},
      {"TagResource", "{\"ResourceArn\": \"\"}", VAL,
       "1 validation error detected: Value null at 'tags' " NOTNULL},
  };
  RUN(rows);
}

TEST(enums_in_dynamodb_order) {
  static const struct row rows[] = {
      /* [C] */
      {"Query", "{\"TableName\": \"abc\", \"Select\": \"INVALID_VALUE\"}", VAL,
       "1 validation error detected: Value 'INVALID_VALUE' at 'select' failed to satisfy "
       "constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
       "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"},
      /* [D] */
      {"Scan", "{\"TableName\": \"abc\", \"ScanFilter\": {\"a\": {\"ComparisonOperator\": \"\"}}}",
       VAL,
       "1 validation error detected: Value '' at 'scanFilter.a.member.comparisonOperator' failed "
       "to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, "
       "NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
      {"Scan", "{\"TableName\": \"abc\", \"ConditionalOperator\": \"AN\"}", VAL,
       "1 validation error detected: Value 'AN' at 'conditionalOperator' failed to satisfy "
       "constraint: Member must satisfy enum value set: [OR, AND]"},
      /* enum values are case-sensitive */
      {"Scan", "{\"TableName\": \"abc\", \"Select\": \"count\"}", VAL,
       "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: "
       "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
       "ALL_PROJECTED_ATTRIBUTES]"},
  };
  RUN(rows);
}

/* [C] PutItem, UpdateItem, DeleteItem in DynamoDB's newer validation layer
** (us-east-1 and eu-west-2 2026-10; eu-west-2 2026-06 for the enum lists). */
TEST(item_writes_new_cohort) {
  static const struct row rows[] = {
      /* the table name first, alone */
      {"PutItem", "{\"TableName\": \"\", \"ReturnValues\": \"INVALID\", \"Item\": {}}", VAL,
       "1 validation error detected: Value at 'TableName' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1"},
      {"DeleteItem", "{\"TableName\": \"\", \"Key\": {}}", VAL,
       "1 validation error detected: Value at 'TableName' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1"},
      {"PutItem", "{\"TableName\": \"bad table!@#\", \"ReturnValues\": \"INVALID\", \"Item\": {}}",
       VAL,
       "1 validation error detected: Value 'bad table!@#' at 'tableName' failed to satisfy "
       "constraint: " NAME_PATTERN},
      /* the enums, in the new texts */
      {"PutItem",
       "{\"TableName\": \"abc\", \"Item\": {\"pk\": {\"S\": \"test\"}}, \"ReturnConsumedCapacity\": "
       "\"INVALID\", \"ReturnItemCollectionMetrics\": \"INVALID\", \"ReturnValues\": \"INVALID\"}",
       VAL,
       "3 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to "
       "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Failed to "
       "satisfy constraint: Member must satisfy enum value set: [ALL_OLD, UPDATED_OLD, ALL_NEW, "
       "UPDATE_NEW, NONE]; ReturnItemCollectionMetrics can only be SIZE or NONE"},
      {"DeleteItem",
       "{\"TableName\": \"abc\", \"Key\": {}, \"ReturnConsumedCapacity\": \"INVALID\", "
       "\"ReturnValues\": \"INVALID\"}",
       VAL,
       "2 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to "
       "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Failed to "
       "satisfy constraint: Member must satisfy enum value set: [ALL_OLD, UPDATED_OLD, ALL_NEW, "
       "UPDATE_NEW, NONE]"},
      {"UpdateItem",
       "{\"TableName\": \"abc\", \"Key\": {\"pk\": {\"S\": \"test\"}}, \"ReturnValues\": "
       "\"INVALID\", \"ReturnConsumedCapacity\": \"INVALID\"}",
       VAL,
       "1 validation error detected: Failed to satisfy constraint: Member must satisfy enum value "
       "set: [ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE]"},
      /* a missing required member: the classic list, classic texts, member order */
      {"UpdateItem",
       "{\"TableName\": \"\", \"UpdateExpression\": \"SET a = :a\", \"ExpressionAttributeValues\": "
       "{\":a\": {\"S\": \"x\"}}}",
       VAL,
       "2 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1; Value null at 'key' " NOTNULL},
      {"UpdateItem",
       "{\"TableName\": \"\", \"UpdateExpression\": \"SET a = :a\", \"ExpressionAttributeValues\": "
       "{\":a\": {\"S\": \"x\"}}, \"ReturnConsumedCapacity\": \"INVALID\", \"ReturnValues\": "
       "\"INVALID\"}",
       VAL,
       "4 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to "
       "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value '' at "
       "'tableName' failed to satisfy constraint: Member must have length greater than or equal "
       "to 1; Value 'INVALID' at 'returnValues' failed to satisfy constraint: Member must satisfy "
       "enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; Value null at 'key' "
       NOTNULL},
      {"UpdateItem",
       "{\"TableName\": \"abc\", \"AttributeUpdates\": {\"x\": {\"Action\": \"PUT\", \"Value\": "
       "{\"S\": \"1\"}}}, \"Expected\": {\"a\": {\"Exists\": false}, \"b\": {\"Exists\": false}}, "
       "\"ConditionalOperator\": \"XOR\"}",
       VAL,
       "2 validation errors detected: Value 'XOR' at 'conditionalOperator' failed to satisfy "
       "constraint: Member must satisfy enum value set: [OR, AND]; Value null at 'key' " NOTNULL},
      {"PutItem", "{\"Item\": {\"pk\": {\"S\": \"test\"}}}", VAL,
       "1 validation error detected: Value null at 'tableName' " NOTNULL},
  };
  RUN(rows);
}

/* The same operations in the classic cohort (regions not yet moved). */
TEST(item_writes_legacy_cohort) {
  static const struct row rows[] = {
      /* [C] us-east-1 2026-06 (then the classic cohort), exact */
      {"PutItem", "{\"TableName\": \"\", \"ReturnValues\": \"INVALID\", \"Item\": {}}", VAL,
       "2 validation errors detected: Value 'INVALID' at 'returnValues' failed to satisfy "
       "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
       "UPDATED_NEW]; Value '' at 'tableName' failed to satisfy constraint: Member must have "
       "length greater than or equal to 1"},
      {"PutItem",
       "{\"TableName\": \"abc\", \"Item\": {\"pk\": {\"S\": \"test\"}}, \"ReturnConsumedCapacity\": "
       "\"INVALID\", \"ReturnItemCollectionMetrics\": \"INVALID\", \"ReturnValues\": \"INVALID\"}",
       VAL,
       "3 validation errors detected: Value 'INVALID' at 'returnValues' failed to satisfy "
       "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
       "UPDATED_NEW]; Value 'INVALID' at 'returnConsumedCapacity' failed to satisfy constraint: "
       "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value 'INVALID' at "
       "'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value "
       "set: [SIZE, NONE]"},
      {"DeleteItem",
       "{\"TableName\": \"abc\", \"Key\": {}, \"ReturnConsumedCapacity\": \"INVALID\", "
       "\"ReturnValues\": \"INVALID\"}",
       VAL,
       "2 validation errors detected: Value 'INVALID' at 'returnValues' failed to satisfy "
       "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
       "UPDATED_NEW]; Value 'INVALID' at 'returnConsumedCapacity' failed to satisfy constraint: "
       "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"},
      {"UpdateItem",
       "{\"TableName\": \"abc\", \"Key\": {}, \"ReturnValues\": \"INVALID\", "
       "\"ReturnConsumedCapacity\": \"INVALID\"}",
       VAL,
       "2 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to "
       "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value "
       "'INVALID' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value "
       "set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"},
      /* [C] me-central-1 (FIDELITY.md row 25) */
      {"BatchGetItem", "{\"RequestItems\": {}}", VAL,
       "The requestItems parameter is required for BatchGetItem"},
  };
  validate_set_legacy_cohort(true);
  RUN(rows);
  validate_set_legacy_cohort(false);
}

TEST(ranges_and_lengths) {
  static const struct row rows[] = {
      /* [C] */
      {"Scan", "{\"TableName\": \"abc\", \"Limit\": 0}", VAL,
       "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1"},
      /* [C] Query's Limit is reported without the value, by its wire name */
      {"Query", "{\"TableName\": \"abc\", \"Limit\": 0}", VAL,
       "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1"},
      {"Scan", "{\"TableName\": \"abc\", \"Segment\": -1, \"TotalSegments\": 1000001}", VAL,
       "2 validation errors detected: Value '1000001' at 'totalSegments' failed to satisfy "
       "constraint: Member must have value less than or equal to 1000000; Value '-1' at 'segment' "
       "failed to satisfy constraint: Member must have value greater than or equal to 0"},
      {"ListTables", "{\"Limit\": 101, \"ExclusiveStartTableName\": \"a\"}", VAL,
       "2 validation errors detected: Value 'a' at 'exclusiveStartTableName' failed to satisfy "
       "constraint: Member must have length greater than or equal to 3; Value '101' at 'limit' "
       "failed to satisfy constraint: Member must have value less than or equal to 100"},
      /* [D] */
      {"GetItem", "{\"TableName\": \"abc\", \"Key\": {}, \"AttributesToGet\": []}", VAL,
       "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
       "constraint: Member must have length greater than or equal to 1"},
      /* [C] FIDELITY.md row 8 */
      {"TransactWriteItems", "{\"TransactItems\": []}", VAL,
       "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
       "Member must have length greater than or equal to 1"},
      /* lengths count UTF-16 code units, as Java's String.length() */
      {"Query", "{\"TableName\": \"abc\", \"IndexName\": \"\xc3\xa9\xc3\xa9\xc3\xa9\"}", VAL,
       "1 validation error detected: Value '\xc3\xa9\xc3\xa9\xc3\xa9' at 'indexName' failed to "
       "satisfy constraint: " NAME_PATTERN},
      {"CreateTable", "{\"TableName\": \"abc\", \"Tags\": [{\"Key\": \"\xf0\x9f\x98\x80\", "
                      "\"Value\": \"v\"}], \"AttributeDefinitions\": [], \"KeySchema\": "
                      "[{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}]}",
       OK, NULL},
  };
  RUN(rows);
}

TEST(nested_paths) {
  static const struct row rows[] = {
      /* [C] exact */
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
       "\"AttributeType\": \"S\"}], \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": "
       "\"INVALID\"}]}",
       VAL,
       "1 validation error detected: Value 'INVALID' at 'keySchema.1.member.keyType' failed to "
       "satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"},
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
       "\"AttributeType\": \"INVALID\"}], \"KeySchema\": [{\"AttributeName\": \"pk\", "
       "\"KeyType\": \"HASH\"}]}",
       VAL,
       "1 validation error detected: Value 'INVALID' at 'attributeDefinitions.1.member."
       "attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"},
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [], \"KeySchema\": [{\"AttributeName\": "
       "\"pk\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}, "
       "{\"AttributeName\": \"extra\", \"KeyType\": \"RANGE\"}]}",
       VAL,
       "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), "
       "KeySchemaElement(attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName=extra, "
       "keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length "
       "less than or equal to 2"},
      /* [C] paritysuite 2026-10-09: the GSI's error first, whatever the request order */
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [], \"KeySchema\": [{\"AttributeName\": "
       "\"pk\", \"KeyType\": \"HASH\"}], \"LocalSecondaryIndexes\": [{\"IndexName\": \"aa\", "
       "\"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}], \"Projection\": "
       "{\"ProjectionType\": \"ALL\"}}], \"GlobalSecondaryIndexes\": [{\"IndexName\": \"zz\", "
       "\"KeySchema\": [{\"AttributeName\": \"gh\", \"KeyType\": \"HASH\"}], \"Projection\": "
       "{\"ProjectionType\": \"ALL\"}}]}",
       VAL,
       "2 validation errors detected: Value 'zz' at 'globalSecondaryIndexes.1.member.indexName' "
       "failed to satisfy constraint: Member must have length greater than or equal to 3; Value "
       "'aa' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member "
       "must have length greater than or equal to 3"},
      /* [M] deeper: a GSI's projection type */
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [], \"KeySchema\": [{\"AttributeName\": "
       "\"pk\", \"KeyType\": \"HASH\"}], \"GlobalSecondaryIndexes\": [{\"IndexName\": \"gsi\", "
       "\"KeySchema\": [{\"AttributeName\": \"gh\", \"KeyType\": \"HASH\"}], \"Projection\": "
       "{\"ProjectionType\": \"SOME\"}}]}",
       VAL,
       "1 validation error detected: Value 'SOME' at 'globalSecondaryIndexes.1.member.projection."
       "projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, "
       "INCLUDE, KEYS_ONLY]"},
      /* [D] values written -1 in the request print as DynamoDB's Long */
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [], \"KeySchema\": [], "
       "\"ProvisionedThroughput\": {\"ReadCapacityUnits\": -1, \"WriteCapacityUnits\": -1.5}}",
       VAL,
       "3 validation errors detected: Value '[]' at 'keySchema' failed to satisfy constraint: "
       "Member must have length greater than or equal to 1; Value '-2' at "
       "'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have "
       "value greater than or equal to 1; Value '-1' at 'provisionedThroughput.readCapacityUnits' "
       "failed to satisfy constraint: Member must have value greater than or equal to 1"},
      /* [M] list elements with constraints of their own are reported at the list */
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [], \"KeySchema\": [{\"AttributeName\": "
       "\"pk\", \"KeyType\": \"HASH\"}], \"GlobalSecondaryIndexes\": [{\"IndexName\": \"gsi\", "
       "\"KeySchema\": [{\"AttributeName\": \"gh\", \"KeyType\": \"HASH\"}], \"Projection\": "
       "{\"ProjectionType\": \"INCLUDE\", \"NonKeyAttributes\": [\"a\", \"\"]}}]}",
       VAL,
       "1 validation error detected: Value '[a, ]' at 'globalSecondaryIndexes.1.member.projection."
       "nonKeyAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member "
       "must have length less than or equal to 255, Member must have length greater than or equal "
       "to 1]"},
  };
  RUN(rows);
}

TEST(maps_and_batches) {
  static const struct row rows[] = {
      /* [C] BatchGetItem: every region but me-central-1 since the 2026-09
      ** sweeps (paritysuite batchGetItem.test.ts); BatchWriteItem: us-east-1
      ** 2026-10-07 (captures/2026-10-07-batch-empty-request-items.json) */
      {"BatchGetItem", "{\"RequestItems\": {}}", VAL,
       "1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1"},
      {"BatchWriteItem", "{\"RequestItems\": {}}", VAL,
       "The requestItems parameter is required for BatchWriteItem"},
      /* [D] */
      {"BatchWriteItem", "{}", VAL,
       "1 validation error detected: Value null at 'requestItems' " NOTNULL},
      /* [C] per-table Keys: no value, wire names */
      {"BatchGetItem", "{\"RequestItems\": {\"abc\": {\"Keys\": []}}}", VAL,
       "1 validation error detected: Value at 'RequestItems.abc.member.Keys' failed to satisfy "
       "constraint: Member must have length greater than or equal to 1"},
      {"BatchGetItem", "{\"RequestItems\": {\"abc\": {}}}", VAL,
       "1 validation error detected: Value at 'RequestItems.abc.member.Keys' failed to satisfy "
       "constraint: Member must not be null"},
      /* [C] map keys (table names): BatchGetItem echoes the map as compact JSON
      ** (paritysuite batchGetItem.test.ts, us-east-1 2026-10-09; dynalite
      ** recorded Java's toString) */
      {"BatchGetItem", "{\"RequestItems\": {\"a;\": {\"Keys\": [{}]}}}", VAL,
       "1 validation error detected: Value '{\"a;\":{\"Keys\":[{}]}}' at "
       "'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member "
       "must have length less than or equal to 255, Member must have length greater than or equal "
       "to 3, " NAME_PATTERN "]"},
      /* [C] map values: an empty write list */
      {"BatchWriteItem", "{\"RequestItems\": {\"abc\": []}}", VAL,
       "1 validation error detected: Value '{abc=[]}' at 'requestItems' failed to satisfy "
       "constraint: Map value must satisfy constraint: [Member must have length less than or "
       "equal to 25, Member must have length greater than or equal to 1]"},
      /* [D] nested required member inside a list inside a map */
      {"BatchWriteItem", "{\"RequestItems\": {\"abc\": [{\"DeleteRequest\": {}}]}}", VAL,
       "1 validation error detected: Value null at 'requestItems.abc.member.1.member."
       "deleteRequest.key' " NOTNULL},
      /* [D] a map value's required member */
      {"Scan", "{\"TableName\": \"abc\", \"ScanFilter\": {\"a\": {}}}", VAL,
       "1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' " NOTNULL},
  };
  RUN(rows);
}

/* [C] BatchWriteItem with 26 puts: the whole message, byte for byte. */
TEST(batch_write_over_25_exact) {
  char body[8192], want[16384];
  size_t bl = 0, wl = 0;
  bl += (size_t)snprintf(body + bl, sizeof body - bl, "{\"RequestItems\": {\"tbl\": [");
  wl += (size_t)snprintf(want + wl, sizeof want - wl, "1 validation error detected: Value '{tbl=[");
  for (int i = 0; i < 26; i++) {
    bl += (size_t)snprintf(body + bl, sizeof body - bl,
                           "%s{\"PutRequest\": {\"Item\": {\"pk\": {\"S\": \"bw-%d\"}}}}",
                           i ? ", " : "", i);
    wl += (size_t)snprintf(
        want + wl, sizeof want - wl,
        "%sWriteRequest(putRequest=PutRequest(item={pk=AttributeValue(s=bw-%d, n=null, b=null, "
        "iNT=null, dECIMAL=null, dOUBLE=null, sS=null, nS=null, bS=null, iNTSET=null, "
        "dECIMALSET=null, dOUBLESET=null, m=null, l=null, nULL=null, bOOL=null)}, "
        "workloadProfileName=null), deleteRequest=null)",
        i ? ", " : "", i);
  }
  snprintf(body + bl, sizeof body - bl, "]}}");
  snprintf(want + wl, sizeof want - wl,
           "]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
           "constraint: [Member must have length less than or equal to 25, Member must have "
           "length greater than or equal to 1]");
  struct row rows[] = {{"BatchWriteItem", body, VAL, want}};
  RUN(rows);
}

/* [C] BatchGetItem with 101 keys for one table (FIDELITY.md row 24). */
TEST(batch_get_over_100_exact) {
  char body[8192];
  size_t bl = (size_t)snprintf(body, sizeof body, "{\"RequestItems\": {\"tbl\": {\"Keys\": [");
  for (int i = 0; i < 101; i++)
    bl += (size_t)snprintf(body + bl, sizeof body - bl, "%s{\"pk\": {\"S\": \"bg-%d\"}}",
                           i ? ", " : "", i);
  snprintf(body + bl, sizeof body - bl, "]}}}");
  struct row rows[] = {{"BatchGetItem", body, VAL,
                        "1 validation error detected: Value at 'RequestItems.tbl.member.Keys' "
                        "failed to satisfy constraint: Member must have length less than or "
                        "equal to 100"}};
  RUN(rows);
}

/* [D] nine empty LSIs: 27 violations, DynamoDB lists the first 10. */
TEST(at_most_ten) {
  static const struct row rows[] = {
      {"CreateTable",
       "{\"TableName\": \"abc\", \"AttributeDefinitions\": [], \"KeySchema\": [{\"AttributeName\": "
       "\"a\", \"KeyType\": \"HASH\"}], \"LocalSecondaryIndexes\": [{}, {}, {}, {}, {}, {}, {}, "
       "{}, {}]}",
       VAL,
       "10 validation errors detected: "
       "Value null at 'localSecondaryIndexes.1.member.keySchema' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.1.member.projection' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.1.member.indexName' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.2.member.keySchema' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.2.member.projection' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.2.member.indexName' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.3.member.keySchema' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.3.member.projection' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.3.member.indexName' " NOTNULL "; "
       "Value null at 'localSecondaryIndexes.4.member.keySchema' " NOTNULL},
  };
  RUN(rows);
}

TEST(streams_operations) { /* [M] */
  static const struct row rows[] = {
      {"GetShardIterator", "{\"ShardIteratorType\": \"NOW\"}", VAL,
       "3 validation errors detected: Value null at 'shardId' " NOTNULL
       "; Value 'NOW' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy "
       "enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"
       "; Value null at 'streamArn' " NOTNULL},
      {"GetRecords", "{\"ShardIterator\": \"x\", \"Limit\": 0}", VAL,
       "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member "
       "must have value greater than or equal to 1"},
  };
  RUN(rows);
}

/* Operation code can add its own entries to the same list. */
TEST(list_api) {
  struct validate_list l;
  struct ddb_err e = {0};
  json_t *body = parse("{\"TableName\": \"abc\", \"Limit\": 0}");
  validate_list_init(&l);
  CHECK_INT(validate_request_collect("Scan", body, &l, &e), 0);
  CHECK_INT(l.count, 1);
  json_t *v = parse("[\"a\", 2]");
  CHECK_INT(validate_list_add_value(&l, v, "attributesToGet", "Member must be odd"), 2);
  CHECK_INT(validate_list_add_value(&l, NULL, "segment", "Member must not be null"), 3);
  CHECK_INT(validate_list_finish(&l, &e), -1);
  CHECK_INT(e.code, DDB_VALIDATION);
  CHECK_STR(e.msg,
            "3 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1; Value '[a, 2]' at "
            "'attributesToGet' failed to satisfy constraint: Member must be odd; Value null at "
            "'segment' failed to satisfy constraint: Member must not be null");
  CHECK(l.text == NULL && l.count == 0);
  ddb_err_clear(&e);

  /* empty list: nothing to report */
  validate_list_init(&l);
  CHECK_INT(validate_list_finish(&l, &e), 0);
  CHECK_INT(e.code, DDB_OK);

  /* at most ten */
  for (int i = 0; i < 12; i++) validate_list_add(&l, "e%d", i);
  CHECK_INT(l.count, VALIDATE_MAX_LISTED);
  CHECK_INT(validate_list_finish(&l, &e), -1);
  CHECK_STR(e.msg, "10 validation errors detected: e0; e1; e2; e3; e4; e5; e6; e7; e8; e9");
  ddb_err_clear(&e);

  /* a serialisation error leaves the list empty */
  json_t *bad = parse("{\"TableName\": 1}");
  CHECK_INT(validate_request_collect("Scan", bad, &l, &e), -1);
  CHECK_INT(e.code, DDB_SERIALIZATION);
  CHECK_INT(l.count, 0);
  validate_list_free(&l);
  ddb_err_clear(&e);
  json_decref(bad);
  json_decref(v);
  json_decref(body);
}

/* Every operation in the model accepts a minimal valid body or reports a
** ValidationException: never a crash, never a serialisation error for {}. */
TEST(every_operation_empty_body) {
  static const char *const ops[] = {
      "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "CreateBackup",
      "CreateGlobalTable", "CreateTable", "DeleteBackup", "DeleteItem", "DeleteTable",
      "DescribeBackup", "DescribeContinuousBackups", "DescribeContributorInsights",
      "DescribeEndpoints", "DescribeExport", "DescribeGlobalTable", "DescribeGlobalTableSettings",
      "DescribeImport", "DescribeKinesisStreamingDestination", "DescribeLimits",
      "DescribeStream", "DescribeTable", "DescribeTableReplicaAutoScaling", "DescribeTimeToLive",
      "DisableKinesisStreamingDestination", "EnableKinesisStreamingDestination",
      "ExecuteStatement", "ExecuteTransaction", "ExportTableToPointInTime", "GetItem",
      "GetRecords", "GetShardIterator", "ImportTable", "ListBackups", "ListContributorInsights",
      "ListExports", "ListGlobalTables", "ListImports", "ListStreams", "ListTables",
      "ListTagsOfResource", "PutItem", "Query", "RestoreTableFromBackup",
      "RestoreTableToPointInTime", "Scan", "TagResource", "TransactGetItems",
      "TransactWriteItems", "UntagResource", "UpdateContinuousBackups",
      "UpdateContributorInsights", "UpdateGlobalTable", "UpdateGlobalTableSettings", "UpdateItem",
      "UpdateTable", "UpdateTableReplicaAutoScaling", "UpdateTimeToLive",
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    struct ddb_err e = {0};
    json_t *j = json_object();
    int rc = validate_request(ops[i], j, &e);
    if (rc != 0 && e.code != DDB_VALIDATION) {
      fprintf(stderr, "%s: %s {} -> %s %s\n", test_current, ops[i], ddb_code_name(e.code), e.msg);
      test_failures++;
    }
    ddb_err_clear(&e);
    json_decref(j);
  }
}

/* Random bodies shaped like each operation's input, with wrong types mixed
** in: every answer is 0 or an error with a message (run under ASan for leaks
** and overflows). */
static unsigned rng_state = 12345;
static unsigned rnd(unsigned n) {
  rng_state = rng_state * 1103515245u + 12345u;
  return (rng_state >> 16) % n;
}

static json_t *random_value(const struct model_shape *s, int depth);

static json_t *random_scalar(void) {
  switch (rnd(7)) {
  case 0: return json_integer((json_int_t)rnd(300) - 100);
  case 1: return json_real(rnd(1000) / 7.0);
  case 2: return json_boolean(rnd(2));
  case 3: return json_null();
  case 4: return json_string("");
  case 5: return json_string("a;b");
  default: return json_string("abc");
  }
}

static json_t *random_value(const struct model_shape *s, int depth) {
  if (depth > 6 || rnd(10) == 0) return random_scalar();
  switch (s->type) {
  case MT_STRUCT: {
    json_t *o = json_object();
    for (uint16_t i = 0; i < s->nmembers; i++)
      if (rnd(3)) json_object_set_new(o, s->members[i].name, random_value(&model_shapes[s->members[i].shape], depth + 1));
    if (rnd(5) == 0) json_object_set_new(o, "Unknown", random_scalar());
    return o;
  }
  case MT_LIST: {
    json_t *a = json_array();
    unsigned n = rnd(4);
    for (unsigned i = 0; i < n; i++) json_array_append_new(a, random_value(&model_shapes[s->elem], depth + 1));
    return a;
  }
  case MT_MAP: {
    json_t *o = json_object();
    static const char *const keys[] = {"abc", "a", "", "#n", ":v", "Tbl_1"};
    unsigned n = rnd(4);
    for (unsigned i = 0; i < n; i++) json_object_set_new(o, keys[rnd(6)], random_value(&model_shapes[s->elem], depth + 1));
    return o;
  }
  case MT_STRING:
    if (s->enums && rnd(2)) return json_string(s->enums[rnd(s->nenums)]);
    return rnd(4) ? json_string(rnd(2) ? "abcd" : "x") : random_scalar();
  case MT_BLOB: return rnd(2) ? json_string("YWJj") : json_string("YWJ");
  case MT_BOOLEAN: return rnd(2) ? json_true() : json_string("yes");
  default: return rnd(2) ? json_integer((json_int_t)rnd(20) - 5) : json_real(1.5);
  }
}

TEST(random_bodies) {
  for (size_t o = 0; o < model_nops; o++) {
    for (int i = 0; i < 200; i++) {
      json_t *body = random_value(&model_shapes[model_ops[o].input], 0);
      struct ddb_err e = {0};
      int rc = validate_request(model_ops[o].name, body, &e);
      if (rc != 0 && (rc != -1 || !e.msg || !e.code)) {
        fprintf(stderr, "%s: %s -> rc %d\n", test_current, model_ops[o].name, rc);
        test_failures++;
      }
      ddb_err_clear(&e);
      json_decref(body);
    }
  }
}

TEST_MAIN(type_string, type_numbers, type_boolean, type_blob, type_collections,
          type_order_and_nulls, required_and_table_names, enums_in_dynamodb_order,
          item_writes_new_cohort, item_writes_legacy_cohort,
          ranges_and_lengths, nested_paths, maps_and_batches, batch_write_over_25_exact, batch_get_over_100_exact,
          at_most_ten, streams_operations, list_api, every_operation_empty_body, random_bodies)

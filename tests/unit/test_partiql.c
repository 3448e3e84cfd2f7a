/*
** tests/unit/test_partiql.c: the PartiQL lexer, parser, DynamoDB's table-less
** checks, literals, templates and the translation into expression text.
**
** Rows are (statement, expected message or result). Messages are real
** DynamoDB's as the public Parity Suite recorded them (tests/tier3/
** error-messages/partiqlGrammar.test.ts, partiqlFunctions.test.ts), or
** DynamoDB Local 1.25's for checks made after parsing.
*/
#include "test.h"

#include "arena.h"
#include "partiql/partiql.h"

#define NWF "Statement wasn't well formed, can't be processed: "

static struct arena A;

/* Parse and check text; returns the error message or "" (arena). */
static const char *outcome(const char *text, bool txn) {
  struct pql_parsed p;
  struct ddb_err e = {0};
  const char *msg = "";
  if (pql_parse(&A, text, strlen(text), &p, &e) || pql_check(&A, &p, txn, &e))
    msg = arena_strdup(&A, e.msg ? e.msg : "(null)");
  ddb_err_clear(&e);
  return msg;
}

static const struct {
  const char *stmt, *message;
} syntax_rows[] = {
    {"SELECT * FROM \"N\" WHERE pk = 1 foo", NWF "Unexpected token after expression"},
    {"SELECT * FROM \"N\" WHERE pk = 1 e5", NWF "Unexpected token after expression"},
    {"INSERT INTO \"N\" VALUE {'pk': 970001} foo", NWF "Unexpected token after expression"},
    {"UPDATE \"N\" SET a = 9 WHERE pk = 970002 foo", NWF "Unexpected token after expression"},
    {"DELETE FROM \"N\" WHERE pk = 970003 foo", NWF "Unexpected token after expression"},
    {"SELECT * FROM \"N\" WHERE pk = 1)", NWF "Unexpected token after expression"},
    {"DELETE FROM \"N\" WHERE pk = 970004 ORDER BY pk", NWF "Unexpected token after expression"},
    {"SELECT * FROM \"N\" ORDER BY pk WHERE pk = 1", NWF "Unexpected token after expression"},
    {"SELECT * FROM \"N\" WHERE pk = 1e2147483648", NWF},
    {"SELECT * FROM \"N\" WHERE pk = 1e99999999999", NWF},
    {"SELECT * FROM \"N\" WHERE pk = 1.5e-2147483647", NWF},
    {"SELECT * FROM \"N\" WHERE pk = 1 # note", NWF},
    {"SELECT * FROM \"N\" WHERE pk = 1 /* note", NWF},
    {"SELECT * FROM \"S\" t WHERE pk = 'x'", "Aliasing is not supported"},
    {"SELECT * FROM \"S\" AS t WHERE pk = 'x'", "Aliasing is not supported"},
    {"UPDATE \"S\" t SET a = 3 WHERE pk = 'x'", "Aliasing is not supported"},
    {"DELETE FROM \"S\" t WHERE pk = 'x'", "Aliasing is not supported"},
    {"INSERT INTO \"S\" t VALUE {'pk': 'x'}", NWF "Unexpected token after expression"},
    {"SELECT * FROM \"S\" WHERE", NWF "Unexpected term"},
    {"SELECT * FROM \"S\" WHERE;", NWF "Unexpected term"},
    {"SELECT * FROM \"S\" WHERE   ", NWF "Unexpected term"},
    {"SELECT pk FROM \"S\" WHERE", NWF "Unexpected term"},
    {"UPDATE \"S\" SET a = 1 WHERE", NWF "Unexpected term"},
    {"DELETE FROM \"S\" WHERE", NWF "Unexpected term"},
    {"SELECT * FROM \"S\" WHERE NOT", NWF "Unexpected term"},
    {"SELECT * FROM \"S\" WHERE (", NWF "Unexpected term"},
    {"SELECT * FROM \"S\" WHERE pk = 'p1' AND", NWF "Missing right-hand side expression of infix operator"},
    {"SELECT * FROM \"S\" WHERE pk = 'p1' OR", NWF "Missing right-hand side expression of infix operator"},
    {"SELECT * FROM \"S\" WHERE ORDER BY pk", NWF "Unexpected keyword"},
    {"x IS INT4", "Unsupported operation: IsType"},
    {"x IS INT8", "Unsupported operation: IsType"},
    {"x IS DOUBLE PRECISION", "Unsupported operation: IsType"},
    {"x IS CHARACTER VARYING", "Unsupported operation: IsType"},
    {"SELECT * FROM \"S\" WHERE pk = 'a' AND x IS FOO", NWF "Expected type name"},
    {"SELECT * FROM \"S\" WHERE IS NULL", NWF "Unexpected operator"},
    {"SELECT * FROM \"S\" WHERE pk = LIKE", NWF "Unexpected operator"},
    {"DELETE FROM", NWF "Expected identifier for simple path"},
    {"DELETE FROM   ", NWF "Expected identifier for simple path"},
    {"DELETE FROM;", NWF "Expected identifier for simple path"},
    {"DELETE FROM WHERE pk = 'a'", NWF "Expected identifier for simple path"},
    {"SELECT * FROM", NWF "Unexpected term"},
    {"FROM \"S\" SET c = 1 WHERE pk = 'x'", NWF "Unexpected token after expression"},
    {"FROM \"S\" SET c = 1 WHERE pk = 'x' SET d = 2", NWF "Unexpected token after expression"},
    {"SLECT * FROM \"S\" WHERE pk = 'x'", NWF "Expected data manipulation"},
    {"SELECT * FROM \"S\" WHERE pk = 'a' AND attribute_exists(m.inner)", NWF "Invalid path dot component"},
    {"SELECT * FROM \"S\" WHERE pk = 'a' AND size = 1", NWF "Unexpected keyword"},
    {"SELECT * FROM \"S\" WHERE pk = 'a' AND name = 1", ""},
    {"SELECT attribute_exists(ss) FROM \"S\" WHERE pk = 'a'", "Unexpected path component at 1:8:16"},
    {"SELECT count(*) FROM \"S\"", "Unexpected path component at 1:8:5"},
    {"SELECT pk FROM \"S\" WHERE pk = 'b' LIMIT 1", "Unsupported clause: LIMIT at 1:41:1"},
    {"SELECT pk FROM \"S\" WHERE pk = 'b' HAVING pk", "Unsupported clause: HAVING at 1:42:2"},
    {"SELECT pk FROM \"S\" WHERE pk = 'b' GROUP BY pk", "Unsupported clause: GROUP BY"},
    {"SELECT VALUE pk FROM \"S\"", "Select projection doesn't support value or pivot keywords"},
    {"SELECT DISTINCT pk FROM \"S\"", "Unsupported token in expression: DISTINCT"},
    {"SELECT * FROM \"S\", \"N\"", "Only select from a single table or index is supported."},
    {"SELECT * FROM \"S\".a.b", "A path may contain at most 2 components in the FROM clause"},
    {"SELECT * FROM 'S'", "Unexpected from source"},
    {"SELECT * FROM \"S\"[0]", "Invalid list expression in source."},
    {"SELECT *, pk FROM \"S\"", NWF "Other expressions may not be present in the select list when "
                               "'*' is used without dot notation."},
    {"SELECT * FROM \"S\" ORDER BY pk", "Must have WHERE clause in the statement when using ORDER BY clause."},
    {"INSERT INTO \"S\" VALUE {'pk': 'c'} AT 'x'", "AT is not supported in insert statements. at 1:1:6"},
    {"INSERT INTO \"S\" VALUES ({'pk': 'c'})", "Unsupported operation: InsertOp"},
    {"INSERT INTO \"S\" VALUE ['pk', 'c']", "Unsupported format in item expression. Please use struct "
                                          "format {...} to express item values for insert statement. at 1:23:1"},
    {"INSERT INTO \"S\" VALUE {'pk': 'c'} RETURNING ALL OLD *", "RETURNING is not supported in INSERT"},
    {"INSERT INTO \"S\".idx VALUE {'pk': 'x'}", "FROM clause may only contain a single table name in data "
                                              "manipulation statements"},
    {"DELETE FROM \"S\".idx WHERE pk = 'x'", "This operation is not supported on an index"},
    {"UPDATE \"S\" INSERT INTO x VALUE 1 WHERE pk = 'c'",
     "Unsupported FROM ... WHERE ... clause in INSERT statement. at 1:1:6"},
    {"DELETE FROM \"S\" WHERE pk = 'c' RETURNING MODIFIED OLD *",
     "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE "
     "statements."},
    {"SLECT", "Unsupported operation: VariableReference"},
    {"'a' = 'b'", "EXISTS can only be used in ExecuteTransaction write requests."},
    {"EXISTS(SELECT * FROM \"S\" WHERE pk = 'a')", "EXISTS can only be used in ExecuteTransaction write requests."},
    {"SELECT * FROM \"S\" WHERE pk = 'b';", ""},
    {"SELECT * FROM \"S\" WHERE pk = 'b';;", NWF "Unexpected token after expression"},
    {"(SELECT * FROM \"S\" WHERE pk = 'b')", ""},
    {"-- a note\nSELECT * FROM \"S\" WHERE pk = 'a'", ""},
    {"SELECT * FROM \"S\" -- a note\nWHERE pk = 'b'", ""},
    {"SELECT * FROM \"S\" /* a note */ WHERE pk = 'c' /* a note */", ""},
    {"FROM \"S\" WHERE pk = 'x' SET c = 1 REMOVE a RETURNING ALL NEW *", ""},
    {"SELECT * FROM \"S\" WHERE pk = 'x' ORDER BY sk DESC", ""},
};

TEST(syntax_and_checks) {
  for (size_t i = 0; i < sizeof syntax_rows / sizeof syntax_rows[0]; i++) {
    test_current = syntax_rows[i].stmt;
    CHECK_STR(outcome(syntax_rows[i].stmt, false), syntax_rows[i].message);
  }
  arena_clear(&A);
}

TEST(transaction_checks) {
  CHECK_STR(outcome("UPDATE \"S\" SET x=1 WHERE pk='a' RETURNING ALL NEW *", true),
            "RETURNING clause is not supported in ExecuteTransaction.");
  CHECK_STR(outcome("EXISTS(SELECT * FROM \"S\" WHERE pk = 'a' AND x = 1)", true), "");
  CHECK_STR(outcome("EXISTS(1)", true), "EXISTS() must contain a single item read with additional condition");
  CHECK_STR(outcome("'a' = 'b'", true), "Unsupported operation in transaction.");
  arena_clear(&A);
}

TEST(parameters_and_literals) {
  struct pql_parsed p;
  struct ddb_err e = {0};
  const char *s = "SELECT * FROM t WHERE a = ? AND b IN [?, 'x', 5] AND c = TRUE";
  CHECK(pql_parse(&A, s, strlen(s), &p, &e) == 0);
  CHECK_INT(p.nparams, 2);
  CHECK(p.literals);
  s = "SELECT * FROM t WHERE a = ? AND c = TRUE";
  CHECK(pql_parse(&A, s, strlen(s), &p, &e) == 0);
  CHECK(!p.literals); /* booleans are not what an injection splices */
  arena_clear(&A);
}

/* A literal's AttributeValue as compact JSON, or the error. */
static const char *literal(const char *lit) {
  char *s = arena_printf(&A, "x = %s", lit);
  struct pql_parsed p;
  struct ddb_err e = {0};
  const char *out;
  if (pql_parse(&A, s, strlen(s), &p, &e)) {
    out = arena_strdup(&A, e.msg);
  } else {
    json_t *v = pql_value(&A, s, strlen(s), p.root->kids[1], NULL, &e);
    char *d = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    out = arena_strdup(&A, d ? d : e.msg);
    free(d);
    json_decref(v);
  }
  ddb_err_clear(&e);
  return out;
}

TEST(literal_values) {
  CHECK_STR(literal("'it''s'"), "{\"S\":\"it's\"}");
  CHECK_STR(literal("00012.500"), "{\"N\":\"12.5\"}");
  CHECK_STR(literal("7.31e6"), "{\"N\":\"7310000\"}");
  CHECK_STR(literal("-.73e1"), "{\"N\":\"-7.3\"}");
  CHECK_STR(literal("-0"), "{\"N\":\"0\"}");
  CHECK_STR(literal("TRUE"), "{\"BOOL\":true}");
  CHECK_STR(literal("NULL"), "{\"NULL\":true}");
  CHECK_STR(literal("[1, 'a']"), "{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}");
  CHECK_STR(literal("{'a': <<1, 2>>}"), "{\"M\":{\"a\":{\"NS\":[\"1\",\"2\"]}}}");
  CHECK_STR(literal("<<'b', 'a'>>"), "{\"SS\":[\"b\",\"a\"]}");
  CHECK_STR(literal("1e126"), "Number overflow. Attempting to store a number with magnitude larger "
                              "than supported range under root");
  CHECK_STR(literal("1e-131"), "Number underflow. Attempting to store a number with magnitude smaller "
                               "than supported range under root");
  CHECK_STR(literal("123456789012345678901234567890123456789"),
            "Attempting to store more than 38 significant digits in a Number under root");
  CHECK_STR(literal("{'x': 1e126}"), "Number overflow. Attempting to store a number with magnitude "
                                     "larger than supported range under root.x");
  CHECK_STR(literal("[1, 1e126]"), "Number overflow. Attempting to store a number with magnitude "
                                   "larger than supported range under root[1]");
  CHECK_STR(literal("<<'x', 'x'>>"), "One or more parameter values were invalid: Input collection [x, x] "
                                     "contains duplicates.");
  CHECK_STR(literal("<<>>"), "Empty bags are not supported at 1:5:2");
  CHECK_STR(literal("<<'x', 1>>"), "Unsupported data type in Bag. DynamoDB only supports either numbers "
                                   "or strings in bags at 1:12:1");
  CHECK_STR(literal("{'a': 1, 'a': 2}"), "Duplicate keys in tuple. Key: a under root at 1:5:1");
  CHECK_STR(literal("{1: 2}"), "Tuple keys must be of type String. Actual type: INT under root at 1:6:1");
  CHECK_STR(literal("-0.0"), "Negative zero decimal is not supported under key root at 1:6:3");
  CHECK_STR(literal("`1`"), "Ion Literals are not supported: INT under key root at 1:5:3");
  arena_clear(&A);
}

static const char *param_check(const char *json) {
  json_t *params = json_loads(json, 0, NULL);
  struct ddb_err e = {0};
  const char *out = pql_check_parameters(params, &e) ? arena_strdup(&A, e.msg) : "";
  ddb_err_clear(&e);
  json_decref(params);
  return out;
}

TEST(parameter_numbers) {
  CHECK_STR(param_check("[{\"N\": \"1e99999999999\"}]"),
            "The parameter cannot be converted to a numeric value: 1e99999999999");
  CHECK_STR(param_check("[{\"N\": \"1e2147483648\"}]"),
            "The parameter cannot be converted to a numeric value: 1e2147483648");
  CHECK_STR(param_check("[{\"N\": \"1e-2147483648\"}]"),
            "The parameter cannot be converted to a numeric value: 1e-2147483648");
  CHECK_STR(param_check("[{\"N\": \"1e2147483647\"}]"),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  CHECK_STR(param_check("[{\"N\": \"\"}]"), "The parameter cannot be converted to a numeric value");
  CHECK_STR(param_check("[{\"L\": [{\"N\": \"1\"}, {\"N\": \"1e99999999999\"}]}]"),
            "The parameter cannot be converted to a numeric value: 1e99999999999");
  CHECK_STR(param_check("[{\"NS\": [\"1\", \"1e99999999999\"]}]"),
            "The parameter cannot be converted to a numeric value: 1e99999999999");
  CHECK_STR(param_check("[{\"N\": \"abc\"}]"), "The parameter cannot be converted to a numeric value: abc");
  CHECK_STR(param_check("[{\"S\": \"x\"}, {\"N\": \"007\"}]"), "");
  arena_clear(&A);
}

static const char *tmpl(const char *text) {
  struct pql_parsed p;
  struct ddb_err e = {0};
  if (pql_parse(&A, text, strlen(text), &p, &e)) {
    ddb_err_clear(&e);
    return "(parse error)";
  }
  return pql_template(&A, &p);
}

TEST(templates) {
  CHECK_STR(tmpl("SELECT * FROM \"Users\" WHERE userId = 'x' OR userId <> 'x'"),
            "SELECT * FROM \"Users\" WHERE userId = ? OR userId <> ?");
  CHECK_STR(tmpl("select * from \"Users\"  where userId=?"), "SELECT * FROM \"Users\" WHERE userId = ?");
  CHECK_STR(tmpl("SELECT a.b[2], size(c) FROM t WHERE k IN ['a', 'b', 'c'] AND n > -5"),
            "SELECT a.b[?], SIZE(c) FROM t WHERE k IN [?] AND n > ?");
  CHECK_STR(tmpl("SELECT * FROM t WHERE k IN (?, ?) AND n - 5 > 1"),
            "SELECT * FROM t WHERE k IN (?) AND n - ? > ?");
  CHECK_STR(tmpl("INSERT INTO \"T\" VALUE {'pk': 'a', 'tags': <<'x', 'y'>>, 'isAdmin': TRUE}"),
            "INSERT INTO \"T\" VALUE {'pk': ?, 'tags': <<?>>, 'isAdmin': ?}");
  CHECK_STR(tmpl("UPDATE t SET a = a + 1 WHERE pk = 7 AND b IS NOT NULL RETURNING ALL NEW *"),
            "UPDATE t SET a = a + ? WHERE pk = ? AND b IS NOT NULL RETURNING ALL NEW *");
  arena_clear(&A);
}

/* The condition of WHERE as expression text with its maps. */
static const char *where_text(const char *text) {
  struct pql_parsed p;
  struct ddb_err e = {0};
  const char *out;
  if (pql_parse(&A, text, strlen(text), &p, &e)) {
    out = arena_strdup(&A, e.msg);
  } else {
    struct pql_compiler c;
    struct pql_expr x;
    pql_compiler_init(&c, &A, text, strlen(text), NULL);
    if (pql_compile_condition(&c, p.stmt->where, NULL, NULL, &x, &e)) {
      out = arena_strdup(&A, e.msg);
    } else {
      char *names = json_dumps(x.names, JSON_COMPACT | JSON_SORT_KEYS);
      out = arena_printf(&A, "%s %s", x.never ? "(never)" : x.text ? x.text : "(always)", names);
      free(names);
    }
  }
  ddb_err_clear(&e);
  return out;
}

TEST(conditions) {
  CHECK_STR(where_text("SELECT * FROM t WHERE pk = 'a' AND s = s"),
            "#n0 = :v0 AND #n1 = #n1 {\"#n0\":\"pk\",\"#n1\":\"s\"}");
  CHECK_STR(where_text("SELECT * FROM t WHERE (a = 1 OR b = 2) AND NOT c IN [1, 2]"),
            "(#n0 = :v0 OR #n1 = :v1) AND NOT #n2 IN (:v2, :v3) {\"#n0\":\"a\",\"#n1\":\"b\",\"#n2\":\"c\"}");
  CHECK_STR(where_text("SELECT * FROM t WHERE a IS MISSING AND b IS NOT NULL AND c IS STRING"),
            "attribute_not_exists(#n0) AND NOT attribute_type(#n1, :v0) AND attribute_type(#n2, :v1) "
            "{\"#n0\":\"a\",\"#n1\":\"b\",\"#n2\":\"c\"}");
  CHECK_STR(where_text("SELECT * FROM t WHERE attribute_exists(a) = false AND size(m.x[2]) > 3"),
            "NOT attribute_exists(#n0) AND size (#n1.#n2[2]) > :v0 {\"#n0\":\"a\",\"#n1\":\"m\",\"#n2\":\"x\"}");
  CHECK_STR(where_text("SELECT * FROM t WHERE 1 = 1 AND 'x' IS STRING"), "(always) {}");
  CHECK_STR(where_text("SELECT * FROM t WHERE a = 1 AND 'x' IS NULL"), "(never) {\"#n0\":\"a\"}");
  CHECK_STR(where_text("SELECT * FROM t WHERE s LIKE 'x%'"),
            "Unsupported operator in Condition Expression. Operator: like");
  CHECK_STR(where_text("SELECT * FROM t WHERE a = 1 AND s"), "The arguments to AND/OR must be Expressions");
  CHECK_STR(where_text("SELECT * FROM t WHERE a = 1 AND size(s)"),
            "Incorrect operand type for operator or function; operator or function: AND, operand type: N");
  CHECK_STR(where_text("SELECT * FROM t WHERE NOT s"), "The argument to NOT must be a Type or Expression");
  CHECK_STR(where_text("SELECT * FROM t WHERE pk"), "WHERE clause must contain an expression that resolves to a boolean");
  CHECK_STR(where_text("SELECT * FROM t WHERE a = MISSING"), "MISSING must be compared using IS operator");
  CHECK_STR(where_text("SELECT * FROM t WHERE EXISTS(ss)"), "Unrecognized function: exists at 1:23:6");
  CHECK_STR(where_text("SELECT * FROM t WHERE attribute_exists()"),
            "Incorrect number of operands for operator or function; operator or function: "
            "attribute_exists, number of operands: 0");
  CHECK_STR(where_text("SELECT * FROM t WHERE s IS DECIMAL"),
            "Unsupported data type for IS operator: DECIMAL. Supported data types are [MISSING, NULL, "
            "BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST] at 1:25:2");
  CHECK_STR(where_text("SELECT * FROM t WHERE l[-1] = 1"),
            "List index is not within the allowable range; index: [-1] at 1:26:1");
  CHECK_STR(where_text("SELECT * FROM t WHERE m.* = 1"),
            "Unpivot path component like a.*.b are not supported at 1:25:1");
  CHECK_STR(where_text("SELECT * FROM t WHERE \"\" = 1"), "Path component cannot be an empty string");
  CHECK_STR(where_text("SELECT * FROM t WHERE s IN []"),
            "IN operator must have a left hand argument of type Variable Reference and right hand "
            "argument of type Seq with at least one member");
  arena_clear(&A);
}

static const char *update_text(const char *text) {
  struct pql_parsed p;
  struct ddb_err e = {0};
  const char *out;
  if (pql_parse(&A, text, strlen(text), &p, &e)) {
    out = arena_strdup(&A, e.msg);
  } else {
    struct pql_compiler c;
    struct pql_expr x;
    pql_compiler_init(&c, &A, text, strlen(text), NULL);
    out = pql_compile_update(&c, p.stmt, &x, &e) ? arena_strdup(&A, e.msg) : x.text;
  }
  ddb_err_clear(&e);
  return out;
}

TEST(updates) {
  CHECK_STR(update_text("UPDATE t SET a = a + 1, b = list_append(b, [1]) SET c = 'x' REMOVE d WHERE k = 1"),
            "SET #n0 = #n0 + :v0, #n1 = list_append(#n1, :v1), #n2 = :v2 REMOVE #n3");
  CHECK_STR(update_text("UPDATE t SET ss = set_add(ss, <<'x'>>) SET ns = SET_DELETE(ns, <<1>>) WHERE k = 1"),
            "ADD #n0 :v0 DELETE #n1 :v1");
  CHECK_STR(update_text("UPDATE t SET t = set_add(ss, <<'x'>>) WHERE k = 1"),
            "The first argument to SET_ADD must equal the assignment value at 1:18:7");
  CHECK_STR(update_text("UPDATE t SET ss = set_add(ss, 'x') WHERE k = 1"),
            "The second argument to SET_ADD must be a value with type SET at 1:27:2");
  CHECK_STR(update_text("UPDATE t SET ss = set_add(ss) WHERE k = 1"),
            "SET_ADD must have exactly two arguments at 1:19:7");
  CHECK_STR(update_text("UPDATE t SET ss = set_add(ss, <<>>) WHERE k = 1"), "Empty bags are not supported");
  CHECK_STR(update_text("UPDATE t SET q = x * 2 WHERE k = 1"),
            "Unsupported operator in Update Expression. Operator: *");
  arena_clear(&A);
}

TEST_MAIN(syntax_and_checks, transaction_checks, parameters_and_literals, literal_values,
          parameter_numbers, templates, conditions, updates)

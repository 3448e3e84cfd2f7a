/*
** tests/unit/test_expr_parse.c: the expression parser and validator, table
** driven (SQLite's testcase habit: one row per branch).
**
** Each row is an expression of one kind and either DynamoDB's exact error
** message or, for a well-formed expression, its expr_dump(). Error rows were
** recorded from DynamoDB Local 1.25 (see the note on rows where we follow
** DynamoDB's documentation or AWS's captured texts instead). Every row is
** parsed against the same ExpressionAttributeNames / Values:
**   #n nn, #m mm, #a a, #k name, #z z;
**   :v N 1, :w N 5, :s S x, :s2 S y, :t S "S", :b B AAE=, :n NULL, :ss SS [a],
**   :l L [], :m M {}, :bool BOOL true, :ns NS [1].
** Set EXPR_TEST_PRINT=1 to print the actual result of every row.
*/
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"
#include "test.h"

struct row {
  enum expr_kind kind;
  const char *text;
  const char *want; /* "Invalid ..." message, or the expr_dump() */
};

static const char names_json[] = "{\"#n\":\"nn\",\"#m\":\"mm\",\"#a\":\"a\",\"#k\":\"name\",\"#z\":\"z\"}";
static const char values_json[] =
    "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"5\"},\":s\":{\"S\":\"x\"},\":s2\":{\"S\":\"y\"},"
    "\":t\":{\"S\":\"S\"},\":b\":{\"B\":\"AAE=\"},\":n\":{\"NULL\":true},\":ss\":{\"SS\":[\"a\"]},"
    "\":l\":{\"L\":[]},\":m\":{\"M\":{}},\":bool\":{\"BOOL\":true},\":ns\":{\"NS\":[\"1\"]}}";

static const struct row rows[] = {
    /* Tokenizer: names, placeholders, numbers, keywords, unknown characters */
    {EXPR_CONDITION, "a = :v", "(= a :v)"},
    {EXPR_CONDITION, "a1_b = :v", "(= a1_b :v)"},
    {EXPR_CONDITION, "_a = :v", "Invalid ConditionExpression: Syntax error; token: \"_\", near: \"_a\""},
    {EXPR_CONDITION, "1a = :v", "Invalid ConditionExpression: Syntax error; token: \"1\", near: \"1a\""},
    {EXPR_CONDITION, "#n = :v", "(= #n :v)"},
    {EXPR_CONDITION, "# = :v", "Invalid ConditionExpression: Syntax error; token: \"#\", near: \"# =\""},
    {EXPR_CONDITION, "a = :", "Invalid ConditionExpression: Syntax error; token: \":\", near: \"= :\""},
    {EXPR_CONDITION, "a = :v_1", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v_1"},
    {EXPR_CONDITION, "a = :v#n", "Invalid ConditionExpression: Syntax error; token: \"#n\", near: \":v#n\""},
    {EXPR_CONDITION, "a !=", "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a !=\""},
    {EXPR_CONDITION, "a = :v ;", "Invalid ConditionExpression: Syntax error; token: \";\", near: \":v ;\""},
    {EXPR_CONDITION, "a = \"x\"", "Invalid ConditionExpression: Syntax error; token: \"\"\", near: \"= \"x\""},
    {EXPR_CONDITION, "a = 5", "Invalid ConditionExpression: Syntax error; token: \"5\", near: \"= 5\""},
    {EXPR_CONDITION, "a = :véé", "Invalid ConditionExpression: Syntax error; token: \"é\", near: \":véé\""},
    {EXPR_CONDITION, "a = :v éx", "Invalid ConditionExpression: Syntax error; token: \"é\", near: \":v éx\""},
    {EXPR_CONDITION, "a = :v\014", "Invalid ConditionExpression: Syntax error; token: \"\014\", near: \":v\014\""},
    {EXPR_CONDITION, "A = :V", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :V"},
    {EXPR_CONDITION, "a = :v\n AND\tb = :w\r", "(AND (= a :v) (= b :w))"},
    {EXPR_CONDITION, "a=:v", "(= a :v)"},
    {EXPR_CONDITION, "a <> :v", "(<> a :v)"},
    {EXPR_CONDITION, "a<:v", "(< a :v)"},
    {EXPR_CONDITION, "a <= :v", "(<= a :v)"},
    {EXPR_CONDITION, "a>:v", "(> a :v)"},
    {EXPR_CONDITION, "a >= :v", "(>= a :v)"},
    {EXPR_CONDITION, "a > = :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"> = :v\""},
    {EXPR_CONDITION, "a == :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== :v\""},
    {EXPR_CONDITION, "a =< :v", "Invalid ConditionExpression: Syntax error; token: \"<\", near: \"=< :v\""},
    {EXPR_CONDITION, "a.b.c[0][12] = :v", "(= a.b.c[0][12] :v)"},
    {EXPR_CONDITION, "a[01] = :v", "Invalid ConditionExpression: Syntax error; token: \"1\", near: \"01]\""},
    {EXPR_CONDITION, "a[00] = :v", "Invalid ConditionExpression: Syntax error; token: \"0\", near: \"00]\""},
    {EXPR_CONDITION, "a[012] = :v", "Invalid ConditionExpression: Syntax error; token: \"12\", near: \"012]\""},
    {EXPR_CONDITION, "a[1.5] = :v", "Invalid ConditionExpression: Syntax error; token: \".\", near: \"1.5\""},
    {EXPR_CONDITION, "a[-1] = :v", "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"[-1\""},
    {EXPR_CONDITION, "a[x] = :v", "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\""},
    {EXPR_CONDITION, "a [ 0 ] . b = :v", "(= a[0].b :v)"},
    {EXPR_CONDITION, "a.1 = :v", "Invalid ConditionExpression: Syntax error; token: \"1\", near: \".1 =\""},
    {EXPR_CONDITION, "a. b = :v", "(= a.b :v)"},
    {EXPR_CONDITION, "a.#n[0].#m = :v", "(= a.#n[0].#m :v)"},
    {EXPR_CONDITION, "#n[0] = :v", "(= #n[0] :v)"},
    {EXPR_CONDITION, "a[0 = :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"0 = :v\""},
    {EXPR_CONDITION, "a[] = :v", "Invalid ConditionExpression: Syntax error; token: \"]\", near: \"[] =\""},
    {EXPR_CONDITION, "a.[0] = :v", "Invalid ConditionExpression: Syntax error; token: \"[\", near: \".[0\""},
    {EXPR_CONDITION, "a..b = :v", "Invalid ConditionExpression: Syntax error; token: \".\", near: \"..b\""},
    {EXPR_CONDITION, "a. = :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \". = :v\""},
    {EXPR_CONDITION, ".a = :v", "Invalid ConditionExpression: Syntax error; token: \".\", near: \".a\""},
    /* Syntax errors and "near" */
    {EXPR_CONDITION, "a", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_CONDITION, "a b", "Invalid ConditionExpression: Syntax error; token: \"b\", near: \"a b\""},
    {EXPR_CONDITION, "a = :v b", "Invalid ConditionExpression: Syntax error; token: \"b\", near: \":v b\""},
    {EXPR_CONDITION, "a = :v :v", "Invalid ConditionExpression: Syntax error; token: \":v\", near: \":v :v\""},
    {EXPR_CONDITION, "a = :v)", "Invalid ConditionExpression: Syntax error; token: \")\", near: \":v)\""},
    {EXPR_CONDITION, ")", "Invalid ConditionExpression: Syntax error; token: \")\", near: \")\""},
    {EXPR_CONDITION, "()", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\""},
    {EXPR_CONDITION, "(", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"(\""},
    {EXPR_CONDITION, "= :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= :v\""},
    {EXPR_CONDITION, "a =", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""},
    {EXPR_CONDITION, "a <", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"<\""},
    {EXPR_CONDITION, "a <>", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"<>\""},
    {EXPR_CONDITION, "  ", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"  \""},
    {EXPR_CONDITION, "  SETT a", "Invalid ConditionExpression: Syntax error; token: \"a\", near: \"SETT a\""},
    {EXPR_CONDITION, "  )", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"  )\""},
    {EXPR_CONDITION, "AND", "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"AND\""},
    {EXPR_CONDITION, "a AND", "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND\""},
    {EXPR_CONDITION, "a = :v AND", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""},
    {EXPR_CONDITION, "a = :v AND OR b = :v", "Invalid ConditionExpression: Syntax error; token: \"OR\", near: \"AND OR b\""},
    {EXPR_CONDITION, "a = :v OR", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"OR\""},
    {EXPR_CONDITION, "NOT", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"NOT\""},
    {EXPR_CONDITION, "NOT a", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_CONDITION, "not = :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"not = :v\""},
    {EXPR_CONDITION, "a = :v and not = :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"not = :v\""},
    {EXPR_CONDITION, "between = :v", "Invalid ConditionExpression: Syntax error; token: \"between\", near: \"between =\""},
    {EXPR_CONDITION, "in = :v", "Invalid ConditionExpression: Syntax error; token: \"in\", near: \"in =\""},
    {EXPR_CONDITION, "set = :v", "Invalid ConditionExpression: Syntax error; token: \"set\", near: \"set =\""},
    {EXPR_CONDITION, "remove = :v", "Invalid ConditionExpression: Syntax error; token: \"remove\", near: \"remove =\""},
    {EXPR_CONDITION, "add = :v", "Invalid ConditionExpression: Syntax error; token: \"add\", near: \"add =\""},
    {EXPR_CONDITION, "delete = :v", "Invalid ConditionExpression: Syntax error; token: \"delete\", near: \"delete =\""},
    {EXPR_CONDITION, "a = :v = :w", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \":v = :w\""},
    {EXPR_CONDITION, "a < b < c", "Invalid ConditionExpression: Syntax error; token: \"<\", near: \"b < c\""},
    {EXPR_CONDITION, "a BETWEEN :v", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\""},
    {EXPR_CONDITION, "a BETWEEN :v OR :w", "Invalid ConditionExpression: Syntax error; token: \"OR\", near: \":v OR :w\""},
    {EXPR_CONDITION, "a BETWEEN :v AND", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""},
    {EXPR_CONDITION, "(a BETWEEN :v) AND :w", "Invalid ConditionExpression: Syntax error; token: \")\", near: \":v) AND\""},
    {EXPR_CONDITION, "a IN :v", "Invalid ConditionExpression: Syntax error; token: \":v\", near: \"IN :v\""},
    {EXPR_CONDITION, "a IN ()", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\""},
    {EXPR_CONDITION, "a IN (:v, :w", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":w\""},
    {EXPR_CONDITION, "a IN (:v,)", "Invalid ConditionExpression: Syntax error; token: \")\", near: \",)\""},
    {EXPR_CONDITION, "a IN (:v :w)", "Invalid ConditionExpression: Syntax error; token: \":w\", near: \":v :w)\""},
    {EXPR_CONDITION, "a IN (b, c) AND", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""},
    {EXPR_CONDITION, "attribute_exists a", "Invalid ConditionExpression: Syntax error; token: \"a\", near: \"attribute_exists a\""},
    {EXPR_CONDITION, "attribute_exists(a", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_CONDITION, "attribute_exists(a b)", "Invalid ConditionExpression: Syntax error; token: \"b\", near: \"a b)\""},
    {EXPR_CONDITION, "attribute_exists()", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\""},
    {EXPR_CONDITION, "attribute_exists(a,)", "Invalid ConditionExpression: Syntax error; token: \")\", near: \",)\""},
    {EXPR_CONDITION, "contains(a :v)", "Invalid ConditionExpression: Syntax error; token: \":v\", near: \"a :v)\""},
    {EXPR_CONDITION, "size", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"size\""},
    {EXPR_CONDITION, "size(a", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_CONDITION, "size(a) =", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""},
    {EXPR_CONDITION, ":v", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\""},
    {EXPR_CONDITION, ":v =", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""},
    {EXPR_CONDITION, "a = #", "Invalid ConditionExpression: Syntax error; token: \"#\", near: \"= #\""},
    {EXPR_CONDITION, "a = b + :v", "Invalid ConditionExpression: Syntax error; token: \"+\", near: \"b + :v\""},
    {EXPR_CONDITION, "a = :v + :v", "Invalid ConditionExpression: Syntax error; token: \"+\", near: \":v + :v\""},
    {EXPR_CONDITION, "a IN (:v, b + :v)", "Invalid ConditionExpression: Syntax error; token: \"+\", near: \"b + :v\""},
    {EXPR_CONDITION, "a = -:v", "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"= -:v\""},
    /* Parentheses: conditions and operands */
    {EXPR_CONDITION, "(a = :v)", "(= a :v)"},
    {EXPR_CONDITION, "(a) = :v", "(= a :v)"},
    {EXPR_CONDITION, "a = (:v)", "(= a :v)"},
    {EXPR_CONDITION, "((a) = :v)", "(= a :v)"},
    {EXPR_CONDITION, "(a = :v AND b = :w)", "(AND (= a :v) (= b :w))"},
    {EXPR_CONDITION, "((a = :v) AND b = :w)", "(AND (= a :v) (= b :w))"},
    {EXPR_CONDITION, "(a)", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \")\""},
    {EXPR_CONDITION, "(a) AND b = :v", "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \") AND b\""},
    {EXPR_CONDITION, "(a AND b)", "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND b\""},
    {EXPR_CONDITION, "(a = :v AND b)", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"b)\""},
    {EXPR_CONDITION, "(a, b) = :v", "Invalid ConditionExpression: Syntax error; token: \",\", near: \"a, b\""},
    {EXPR_CONDITION, "(a = :v) = :v", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \") = :v\""},
    {EXPR_CONDITION, "(a = :v", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\""},
    {EXPR_CONDITION, "((a) = :v", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\""},
    {EXPR_CONDITION, "(a = ", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \""},
    {EXPR_CONDITION, "(a", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_CONDITION, "a = :v AND (b", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"b\""},
    {EXPR_CONDITION, "(a).b = :v", "Invalid ConditionExpression: Syntax error; token: \".\", near: \").b\""},
    {EXPR_CONDITION, "a.(b) = :v", "Invalid ConditionExpression: Syntax error; token: \"(\", near: \".(b\""},
    {EXPR_CONDITION, "a = (b = :v)", "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"b = :v\""},
    {EXPR_CONDITION, "((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "(((a = :v)))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "((a)) = :v", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a = ((:v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "NOT ((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "((a = :v)) AND b = :v", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "(a = :v) AND ((b = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    /* Doubled parentheses against a later syntax error: reported once the parser
    ** has chosen what it parses (see close_paren in parse.c). */
    {EXPR_CONDITION, "NOT c.#n[2] = :ss OR ((a)) :n AND :zz", "Invalid ConditionExpression: Syntax error; token: \":n\", near: \") :n AND\""},
    {EXPR_CONDITION, "size(((a))) :v", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "size(((a))) = :v :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "contains(((a)), :s) :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a IN (((b)) :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a BETWEEN ((b)) :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a = ((b)) AND :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "((a)) = :v AND :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "NOT ((a)) :w", "Invalid ConditionExpression: Syntax error; token: \":w\", near: \") :w\""},
    {EXPR_CONDITION, "size(((a)) :v", "Invalid ConditionExpression: Syntax error; token: \":v\", near: \") :v\""},
    {EXPR_CONDITION, "a = size(((b))) :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a = size(((b)), :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "((a) = :v) :w", "Invalid ConditionExpression: Syntax error; token: \":w\", near: \") :w\""},
    {EXPR_CONDITION, "(((a) = :v)) :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a IN (((b)), :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = ((b)) + :v :w", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = if_not_exists(((b)), :v) :w", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = ((b)) + :v, c", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = list_append(((b)) :w", "Invalid UpdateExpression: Syntax error; token: \":w\", near: \") :w\""},
    {EXPR_UPDATE, "SET a = (((b)) :w", "Invalid UpdateExpression: Syntax error; token: \":w\", near: \") :w\""},
    {EXPR_CONDITION, "( ((size(:ss, :b)))", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \")\""},
    {EXPR_CONDITION, "(size(((a)))) :w", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    /* ":name" after a dot parses; DynamoDB's projection then reports an undefined name
    ** (DynamoDB Local's conditions and updates answer "Internal server error"). */
    {EXPR_PROJECTION, "a.:v", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: :v"},
    {EXPR_PROJECTION, "a.:v b", "Invalid ProjectionExpression: Syntax error; token: \"b\", near: \":v b\""},
    {EXPR_CONDITION, "a.:v = :w", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: :v"},
    {EXPR_UPDATE, "SET a . :s + #x, b = if_not_exists(#n, (:s)), b = l[0]", "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":s + #x\""},
    {EXPR_UPDATE, "DELETE a . :l, #x :s", "Invalid UpdateExpression: Syntax error; token: \",\", near: \":l, #x\""},
    {EXPR_CONDITION, "((size(:zz))) :v <= size((#n))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, ":t = ((c.#n[2])) AND attribute_type(:t, a.b, :t :w)", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a = :v b AND ((c = :v))", "Invalid ConditionExpression: Syntax error; token: \"b\", near: \":v b AND\""},
    {EXPR_CONDITION, "((a = :v b))", "Invalid ConditionExpression: Syntax error; token: \"b\", near: \":v b)\""},
    {EXPR_UPDATE, "SET a = ((:v)) :w", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "size((a)) = :v", "(= (size a) :v)"},
    {EXPR_CONDITION, "((size(a))) = :v", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "(size(a)) = :v", "(= (size a) :v)"},
    {EXPR_CONDITION, "attribute_exists((a))", "(attribute_exists a)"},
    {EXPR_CONDITION, "(attribute_exists(a))", "(attribute_exists a)"},
    {EXPR_CONDITION, "((attribute_exists(a)))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "a IN ((:v), :w)", "(IN a :v :w)"},
    {EXPR_CONDITION, "a BETWEEN (:v) AND (:w)", "(BETWEEN a :v :w)"},
    {EXPR_CONDITION, "(NOT a = :v)", "(NOT (= a :v))"},
    {EXPR_CONDITION, "NOT (NOT (a = :v))", "(NOT (NOT (= a :v)))"},
    /* Precedence */
    {EXPR_CONDITION, "a = :v OR b = :v AND c = :v", "(OR (= a :v) (AND (= b :v) (= c :v)))"},
    {EXPR_CONDITION, "a = :v AND b = :v OR c = :v", "(OR (AND (= a :v) (= b :v)) (= c :v))"},
    {EXPR_CONDITION, "NOT a = :v AND b = :v", "(AND (NOT (= a :v)) (= b :v))"},
    {EXPR_CONDITION, "NOT a = :v OR NOT b = :v", "(OR (NOT (= a :v)) (NOT (= b :v)))"},
    {EXPR_CONDITION, "NOT NOT a = :v", "(NOT (NOT (= a :v)))"},
    {EXPR_CONDITION, "a = :v OR NOT b = :v AND c = :v", "(OR (= a :v) (AND (NOT (= b :v)) (= c :v)))"},
    {EXPR_CONDITION, "(a = :v OR b = :v) AND c = :v", "(AND (OR (= a :v) (= b :v)) (= c :v))"},
    {EXPR_CONDITION, "a = :v AND b = :v AND c = :v", "(AND (AND (= a :v) (= b :v)) (= c :v))"},
    {EXPR_CONDITION, "a = :v OR b = :v OR c = :v", "(OR (OR (= a :v) (= b :v)) (= c :v))"},
    {EXPR_CONDITION, "a BETWEEN :v AND :w AND b = :v", "(AND (BETWEEN a :v :w) (= b :v))"},
    {EXPR_CONDITION, "a IN (:v, :w) OR b IN (:s)", "(OR (IN a :v :w) (IN b :s))"},
    /* Functions in conditions */
    {EXPR_CONDITION, "attribute_exists(a)", "(attribute_exists a)"},
    {EXPR_CONDITION, "attribute_not_exists(a.b[1])", "(attribute_not_exists a.b[1])"},
    {EXPR_CONDITION, "attribute_type(a, :t)", "(attribute_type a :t)"},
    {EXPR_CONDITION, "begins_with(a, :s)", "(begins_with a :s)"},
    {EXPR_CONDITION, "contains(a, :s)", "(contains a :s)"},
    {EXPR_CONDITION, "size(a) = :v", "(= (size a) :v)"},
    {EXPR_CONDITION, "a = size(b)", "(= a (size b))"},
    {EXPR_CONDITION, "size(a) < size(b)", "(< (size a) (size b))"},
    {EXPR_CONDITION, "contains(size(a), :s)", "(contains (size a) :s)"},
    {EXPR_CONDITION, "contains(a, size(b))", "(contains a (size b))"},
    {EXPR_CONDITION, "foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "Size(a) = :v", "Invalid ConditionExpression: Invalid function name; function: Size"},
    {EXPR_CONDITION, "ATTRIBUTE_EXISTS(a)", "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS"},
    {EXPR_CONDITION, "size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
    {EXPR_CONDITION, "size(a) AND b = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
    {EXPR_CONDITION, "attribute_exists(a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"},
    {EXPR_CONDITION, "begins_with(a, :s) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: begins_with"},
    {EXPR_CONDITION, "contains(a, contains(a, :s))", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: contains"},
    {EXPR_CONDITION, "size(contains(a, :s)) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: contains"},
    {EXPR_CONDITION, "if_not_exists(a, :v) = :v", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
    {EXPR_CONDITION, "list_append(a, :v) = :v", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: list_append"},
    {EXPR_CONDITION, "a = :v AND if_not_exists(a)", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
    {EXPR_CONDITION, "size(if_not_exists(a, :v)) = :v", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
    {EXPR_CONDITION, "a = if_not_exists(a, :v)", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
    {EXPR_CONDITION, "attribute_exists(:v)", "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
    {EXPR_CONDITION, "attribute_exists(size(a))", "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
    {EXPR_CONDITION, "attribute_exists(a, b)", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
    {EXPR_CONDITION, "size(a, b) > :v", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
    {EXPR_CONDITION, "size() = :v", "Invalid ConditionExpression: Syntax error; token: \")\", near: \"() =\""},
    {EXPR_CONDITION, "size(size(a)) = :v", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
    {EXPR_CONDITION, "size(:s) = :v", "(= (size :s) :v)"},
    {EXPR_CONDITION, "size(:v) = :v", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
    {EXPR_CONDITION, "size(:n) = :v", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: NULL"},
    {EXPR_CONDITION, "size(:bool) = :v", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: BOOL"},
    {EXPR_CONDITION, "size(:b) = :v", "(= (size :b) :v)"},
    {EXPR_CONDITION, "size(:ss) = :v", "(= (size :ss) :v)"},
    {EXPR_CONDITION, "size(:l) = :v", "(= (size :l) :v)"},
    {EXPR_CONDITION, "size(:m) = :v", "(= (size :m) :v)"},
    {EXPR_CONDITION, "attribute_type(a, :v)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
    /* AWS's order (dynalite); DynamoDB Local prints {N,BS,L,B,NULL,M,S,SS,NS,BOOL}. */
    {EXPR_CONDITION, "attribute_type(a, :s)", "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
    {EXPR_CONDITION, "attribute_type(:t, :t)", "(attribute_type :t :t)"},
    {EXPR_CONDITION, "attribute_type(size(a), :t)", "(attribute_type (size a) :t)"},
    {EXPR_CONDITION, "begins_with(:s, :s)", "(begins_with :s :s)"},
    {EXPR_CONDITION, "begins_with(a, :b)", "(begins_with a :b)"},
    {EXPR_CONDITION, "begins_with(a, :v)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
    {EXPR_CONDITION, "begins_with(:v, :s)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
    {EXPR_CONDITION, "begins_with(size(a), :s)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
    {EXPR_CONDITION, "contains(:v, :v)", "(contains :v :v)"},
    {EXPR_CONDITION, "contains(a, :n)", "(contains a :n)"},
    /* Semantic checks: identical operands, types, BETWEEN */
    {EXPR_CONDITION, "a = a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
    {EXPR_CONDITION, "a <> a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a]"},
    {EXPR_CONDITION, "#a = a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
    {EXPR_CONDITION, "#n.b = nn.#m", "(= #n.b nn.#m)"},
    {EXPR_CONDITION, "a.b[1] = a.b[1]", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, b, [1]]"},
    {EXPR_CONDITION, "a.b = a.c", "(= a.b a.c)"},
    {EXPR_CONDITION, "a[1] = a[2]", "(= a[1] a[2])"},
    {EXPR_CONDITION, ":v = :v", "(= :v :v)"},
    {EXPR_CONDITION, "size(a) = size(a)", "(= (size a) (size a))"},
    {EXPR_CONDITION, "contains(a, a)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]"},
    {EXPR_CONDITION, "begins_with(a, a)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [a]"},
    {EXPR_CONDITION, "attribute_type(a, a)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [a]"},
    {EXPR_CONDITION, "a IN (a, :v)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]"},
    {EXPR_CONDITION, "a IN (:v, a)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]"},
    {EXPR_CONDITION, "a BETWEEN a AND :v", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [a]"},
    {EXPR_CONDITION, "a BETWEEN :v AND a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [a]"},
    {EXPR_CONDITION, "a < :n", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: NULL"},
    {EXPR_CONDITION, "a < :bool", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"},
    {EXPR_CONDITION, "a < :ss", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: SS"},
    {EXPR_CONDITION, "a < :l", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: L"},
    {EXPR_CONDITION, "a < :m", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: M"},
    {EXPR_CONDITION, "a <= :b", "(<= a :b)"},
    {EXPR_CONDITION, ":s < :n", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: NULL"},
    {EXPR_CONDITION, ":n < :ss", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: NULL"},
    {EXPR_CONDITION, "a = :n", "(= a :n)"},
    {EXPR_CONDITION, "a = :ss", "(= a :ss)"},
    {EXPR_CONDITION, "a BETWEEN :v AND :w", "(BETWEEN a :v :w)"},
    {EXPR_CONDITION, "a BETWEEN :w AND :v", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
    {EXPR_CONDITION, "a BETWEEN :s AND :s2", "(BETWEEN a :s :s2)"},
    {EXPR_CONDITION, "a BETWEEN :s2 AND :s", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:y}, upper bound operand: AttributeValue: {S:x}"},
    {EXPR_CONDITION, "a BETWEEN :v AND :s", "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"},
    {EXPR_CONDITION, "a BETWEEN :s AND :v", "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:x}, upper bound operand: AttributeValue: {N:1}"},
    {EXPR_CONDITION, "a BETWEEN :b AND :v", "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {B:java.nio.HeapByteBuffer[pos=0 lim=2 cap=2]}, upper bound operand: AttributeValue: {N:1}"},
    {EXPR_CONDITION, "a BETWEEN :n AND :ss", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: NULL"},
    {EXPR_CONDITION, "a BETWEEN :bool AND :bool", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL"},
    {EXPR_CONDITION, "a BETWEEN :ss AND :ss", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: SS"},
    {EXPR_CONDITION, "a BETWEEN :l AND :l", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: L"},
    {EXPR_CONDITION, "a BETWEEN :m AND :m", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: M"},
    {EXPR_CONDITION, "a BETWEEN size(b) AND :s", "(BETWEEN a (size b) :s)"},
    /* BETWEEN checks types before identical operands; other operators the other way. */
    {EXPR_CONDITION, "a BETWEEN :n AND a", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: NULL"},
    {EXPR_CONDITION, "#m BETWEEN :v AND #m", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [mm]"},
    {EXPR_CONDITION, "a IN (a, :n)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]"},
    {EXPR_CONDITION, "a IN (:n, :ss)", "(IN a :n :ss)"},
    /* Reserved words, undefined names and values, list index range */
    {EXPR_CONDITION, "name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "NAME = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: NAME"},
    {EXPR_CONDITION, "a.name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "a.#k = :v", "(= a.#k :v)"},
    {EXPR_CONDITION, "#k = :v", "(= #k :v)"},
    /* DynamoDB Local accepts SIZE and CONVERT; the documented list reserves them. */
    {EXPR_CONDITION, "size = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size"},
    /* DynamoDB Local accepts SIZE and CONVERT; the documented list reserves them. */
    {EXPR_CONDITION, "convert = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: convert"},
    {EXPR_CONDITION, "contains = :v", "(= contains :v)"},
    {EXPR_CONDITION, "begins_with = :v", "(= begins_with :v)"},
    {EXPR_CONDITION, "#x = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, "a.#x = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, "a = :x", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_CONDITION, "a = :v_1", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v_1"},
    {EXPR_CONDITION, ":x = :v", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_CONDITION, "a[2147483647] = :v", "(= a[2147483647] :v)"},
    {EXPR_CONDITION, "a[2147483648] = :v", "Invalid ConditionExpression: List index is not within the allowable range; index: [2147483648]"},
    {EXPR_CONDITION, "a[99999999999999999999999] = :v", "Invalid ConditionExpression: List index is not within the allowable range; index: [99999999999999999999999]"},
    /* Error order */
    {EXPR_CONDITION, "foo(a) AND ((b = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "((b = :v)) AND foo(a)", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "size(a) AND foo(b)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
    {EXPR_CONDITION, "foo(b) AND size(a)", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "name = :v AND foo(b)", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "foo(b) AND name = :v", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "foo(name)", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "size(foo(a)) = :v", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "foo(size(a))", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "contains(name, size(b))", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "contains(a, foo(b))", "Invalid ConditionExpression: Invalid function name; function: foo"},
    {EXPR_CONDITION, "contains(a, a[99999999999])", "Invalid ConditionExpression: List index is not within the allowable range; index: [99999999999]"},
    {EXPR_CONDITION, "name = :v AND #x = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "#x = :v AND name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "#x = :v AND :x = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, ":x = :v AND #x = :v", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_CONDITION, "a = a AND #x = :v", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
    {EXPR_CONDITION, "#x = #x", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, "size(#x, b) = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, "size(a,b) = :v AND #x = :v", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
    {EXPR_CONDITION, "size(a,b) = :v AND a = a", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
    {EXPR_CONDITION, "a = a AND size(a,b) = :v", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
    {EXPR_CONDITION, "attribute_exists(:v) AND size(a,b) = :v", "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
    {EXPR_CONDITION, "size(:v) = :v AND size(a,b) = :v", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
    {EXPR_CONDITION, "a BETWEEN :w AND :v AND size(a,b) = :v", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
    {EXPR_CONDITION, "a[99999999999] = :v AND #x = :v", "Invalid ConditionExpression: List index is not within the allowable range; index: [99999999999]"},
    {EXPR_CONDITION, "#x = :v AND a[99999999999] = :v", "Invalid ConditionExpression: List index is not within the allowable range; index: [99999999999]"},
    {EXPR_CONDITION, "name = :v AND a[99999999999] = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_CONDITION, "a[99999999999] = :v AND name = :v", "Invalid ConditionExpression: List index is not within the allowable range; index: [99999999999]"},
    {EXPR_CONDITION, "a[99999999999] = :v AND ((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
    {EXPR_CONDITION, "size(#x) = :x", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, "size(:x, #x) = :v", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_CONDITION, "contains(#x, :x, :v)", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_CONDITION, "a = :x AND #x = :v", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_CONDITION, "attribute_type(a, :v) AND begins_with(a, :v)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
    /* Other kinds share the grammar */
    {EXPR_FILTER, "a = :v", "(= a :v)"},
    {EXPR_FILTER, "((a = :v))", "Invalid FilterExpression: The expression has redundant parentheses;"},
    {EXPR_FILTER, "a", "Invalid FilterExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_FILTER, "name = :v", "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_FILTER, "size(a)", "Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: size"},
    {EXPR_KEY_CONDITION, "a = :v", "(= a :v)"},
    {EXPR_KEY_CONDITION, "a = :v AND b > :w", "(AND (= a :v) (> b :w))"},
    {EXPR_KEY_CONDITION, "a = :v AND begins_with(b, :s)", "(AND (= a :v) (begins_with b :s))"},
    {EXPR_KEY_CONDITION, "a BETWEEN :w AND :v", "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
    {EXPR_KEY_CONDITION, "a = :v AND ((b = :v))", "Invalid KeyConditionExpression: The expression has redundant parentheses;"},
    {EXPR_KEY_CONDITION, "a = :v AND foo(b)", "Invalid KeyConditionExpression: Invalid function name; function: foo"},
    {EXPR_KEY_CONDITION, "a = :v AND name = :v", "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_KEY_CONDITION, "a = :v AND", "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\""},
    /* Projection */
    {EXPR_PROJECTION, "a", "(PROJECTION a)"},
    {EXPR_PROJECTION, "a, b", "(PROJECTION a b)"},
    {EXPR_PROJECTION, "a.b[1].c, #n", "(PROJECTION a.b[1].c #n)"},
    {EXPR_PROJECTION, "a , b . c , d [ 0 ]", "(PROJECTION a b.c d[0])"},
    {EXPR_PROJECTION, "a,", "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\""},
    {EXPR_PROJECTION, ",a", "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",a\""},
    {EXPR_PROJECTION, "a b", "Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\""},
    {EXPR_PROJECTION, "a,,b", "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",,b\""},
    {EXPR_PROJECTION, ":v", "Invalid ProjectionExpression: Syntax error; token: \":v\", near: \":v\""},
    {EXPR_PROJECTION, "a = b", "Invalid ProjectionExpression: Syntax error; token: \"=\", near: \"a = b\""},
    {EXPR_PROJECTION, "size(a)", "Invalid ProjectionExpression: Syntax error; token: \"(\", near: \"size(a\""},
    {EXPR_PROJECTION, "(a)", "Invalid ProjectionExpression: Syntax error; token: \"(\", near: \"(a\""},
    {EXPR_PROJECTION, "a.and", "Invalid ProjectionExpression: Syntax error; token: \"and\", near: \".and\""},
    {EXPR_PROJECTION, "a, delete", "Invalid ProjectionExpression: Syntax error; token: \"delete\", near: \", delete\""},
    {EXPR_PROJECTION, "set", "Invalid ProjectionExpression: Syntax error; token: \"set\", near: \"set\""},
    {EXPR_PROJECTION, "and", "Invalid ProjectionExpression: Syntax error; token: \"and\", near: \"and\""},
    {EXPR_PROJECTION, "name", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_PROJECTION, "a.name", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_PROJECTION, "#x", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_PROJECTION, "a.#x", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_PROJECTION, "#n, #k", "(PROJECTION #n #k)"},
    {EXPR_PROJECTION, "a, a", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_PROJECTION, "a.b, a", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
    {EXPR_PROJECTION, "a, a.b", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
    {EXPR_PROJECTION, "a[0], a.b", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
    {EXPR_PROJECTION, "a.b, a[0]", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
    {EXPR_PROJECTION, "x[0], x[0].y", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [x, [0]], path two: [x, [0], y]"},
    {EXPR_PROJECTION, "x[0].y, x[0].z", "(PROJECTION x[0].y x[0].z)"},
    {EXPR_PROJECTION, "a[0], a[1]", "(PROJECTION a[0] a[1])"},
    {EXPR_PROJECTION, "a, a, b, b", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [b], path two: [b]"},
    {EXPR_PROJECTION, "a, b.c, b[1], a", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [b, c], path two: [b, [1]]"},
    {EXPR_PROJECTION, "a, a, #x", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_PROJECTION, "#x, #z[99999999999]", "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999]"},
    {EXPR_PROJECTION, "a[99999999999], name", "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999]"},
    /* Update: clauses and actions */
    {EXPR_UPDATE, "SET a = :v", "(UPDATE (SET (a :v)))"},
    {EXPR_UPDATE, "set a = :v", "(UPDATE (SET (a :v)))"},
    {EXPR_UPDATE, "SET a = :v, b = :w", "(UPDATE (SET (a :v) (b :w)))"},
    {EXPR_UPDATE, "SET a=:v,b=:w", "(UPDATE (SET (a :v) (b :w)))"},
    {EXPR_UPDATE, "SET a = :v REMOVE b", "(UPDATE (SET (a :v)) (REMOVE b))"},
    {EXPR_UPDATE, "SET a=:v remove b", "(UPDATE (SET (a :v)) (REMOVE b))"},
    {EXPR_UPDATE, "REMOVE a, b[1], c.d", "(UPDATE (REMOVE a b[1] c.d))"},
    {EXPR_UPDATE, "ADD a :v", "(UPDATE (ADD (a :v)))"},
    {EXPR_UPDATE, "ADD a :ss, b :ns", "(UPDATE (ADD (a :ss) (b :ns)))"},
    {EXPR_UPDATE, "DELETE a :ss", "(UPDATE (DELETE (a :ss)))"},
    {EXPR_UPDATE, "SET a = :v REMOVE b ADD c :v DELETE d :ss", "(UPDATE (SET (a :v)) (REMOVE b) (ADD (c :v)) (DELETE (d :ss)))"},
    {EXPR_UPDATE, "DELETE d :ss ADD c :v REMOVE b SET a = :v", "(UPDATE (DELETE (d :ss)) (ADD (c :v)) (REMOVE b) (SET (a :v)))"},
    {EXPR_UPDATE, "SET a = b + :v", "(UPDATE (SET (a (+ b :v))))"},
    {EXPR_UPDATE, "SET a = :v - b", "(UPDATE (SET (a (- :v b))))"},
    {EXPR_UPDATE, "SET a = if_not_exists(a, :v)", "(UPDATE (SET (a (if_not_exists a :v))))"},
    {EXPR_UPDATE, "SET a = if_not_exists(b, :v) + :v", "(UPDATE (SET (a (+ (if_not_exists b :v) :v))))"},
    {EXPR_UPDATE, "SET a = if_not_exists(b, :v) + if_not_exists(c, :v)", "(UPDATE (SET (a (+ (if_not_exists b :v) (if_not_exists c :v)))))"},
    {EXPR_UPDATE, "SET a = list_append(a, :l)", "(UPDATE (SET (a (list_append a :l))))"},
    {EXPR_UPDATE, "SET a = list_append(:l, a)", "(UPDATE (SET (a (list_append :l a))))"},
    {EXPR_UPDATE, "SET a = list_append(if_not_exists(a, :l), :l)", "(UPDATE (SET (a (list_append (if_not_exists a :l) :l))))"},
    {EXPR_UPDATE, "SET a = if_not_exists(b, if_not_exists(c, :v))", "(UPDATE (SET (a (if_not_exists b (if_not_exists c :v)))))"},
    {EXPR_UPDATE, "SET a.b[2].c = :v", "(UPDATE (SET (a.b[2].c :v)))"},
    {EXPR_UPDATE, "SET #n[0] = :v", "(UPDATE (SET (#n[0] :v)))"},
    {EXPR_UPDATE, "SET a = (:v)", "(UPDATE (SET (a :v)))"},
    {EXPR_UPDATE, "SET a = (b + :v)", "(UPDATE (SET (a (+ b :v))))"},
    {EXPR_UPDATE, "SET a = (b) + (:v)", "(UPDATE (SET (a (+ b :v))))"},
    {EXPR_UPDATE, "SET a = if_not_exists((b), :v)", "(UPDATE (SET (a (if_not_exists b :v))))"},
    {EXPR_UPDATE, "SET a = #n", "(UPDATE (SET (a #n)))"},
    {EXPR_UPDATE, "SET a = b", "(UPDATE (SET (a b)))"},
    /* Update syntax errors */
    {EXPR_UPDATE, "SET", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\""},
    {EXPR_UPDATE, "SET a", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_UPDATE, "SET a =", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"=\""},
    {EXPR_UPDATE, "SET a = :v,", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\""},
    {EXPR_UPDATE, "SET a = :v :w", "Invalid UpdateExpression: Syntax error; token: \":w\", near: \":v :w\""},
    {EXPR_UPDATE, "SET a = :v :w  ", "Invalid UpdateExpression: Syntax error; token: \":w\", near: \":v :w  \""},
    {EXPR_UPDATE, "SET a=:v b=:w", "Invalid UpdateExpression: Syntax error; token: \"b\", near: \":v b=\""},
    {EXPR_UPDATE, "SETT a = :v", "Invalid UpdateExpression: Syntax error; token: \"SETT\", near: \"SETT a\""},
    {EXPR_UPDATE, "  SETT a", "Invalid UpdateExpression: Syntax error; token: \"SETT\", near: \"  SETT a\""},
    {EXPR_UPDATE, "   SET   a   =   :v   ,  ", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",  \""},
    {EXPR_UPDATE, "SET a = :v REMOVE", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"REMOVE\""},
    {EXPR_UPDATE, "SET a = :v  ADD  b", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"b\""},
    {EXPR_UPDATE, "SET a == :v", "Invalid UpdateExpression: Syntax error; token: \"=\", near: \"== :v\""},
    {EXPR_UPDATE, "SET a.b.c = :v +", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"+\""},
    {EXPR_UPDATE, "SET a[x] = :v", "Invalid UpdateExpression: Syntax error; token: \"x\", near: \"[x]\""},
    {EXPR_UPDATE, "SET a[-1] = :v", "Invalid UpdateExpression: Syntax error; token: \"-\", near: \"[-1\""},
    {EXPR_UPDATE, "SET # = :v", "Invalid UpdateExpression: Syntax error; token: \"#\", near: \"SET # =\""},
    {EXPR_UPDATE, "SET a = :", "Invalid UpdateExpression: Syntax error; token: \":\", near: \"= :\""},
    {EXPR_UPDATE, "SET #n-b = :v", "Invalid UpdateExpression: Syntax error; token: \"-\", near: \"#n-b\""},
    {EXPR_UPDATE, "SET 1a = :v", "Invalid UpdateExpression: Syntax error; token: \"1\", near: \"SET 1a\""},
    {EXPR_UPDATE, "SET a.1 = :v", "Invalid UpdateExpression: Syntax error; token: \"1\", near: \".1 =\""},
    {EXPR_UPDATE, "SET a = :v, b = é", "Invalid UpdateExpression: Syntax error; token: \"é\", near: \"= é\""},
    {EXPR_UPDATE, "SET a = \"x\"", "Invalid UpdateExpression: Syntax error; token: \"\"\", near: \"= \"x\""},
    {EXPR_UPDATE, "SET a = 5", "Invalid UpdateExpression: Syntax error; token: \"5\", near: \"= 5\""},
    {EXPR_UPDATE, "SET a = :v + 5", "Invalid UpdateExpression: Syntax error; token: \"5\", near: \"+ 5\""},
    {EXPR_UPDATE, "SET a[01] = :v", "Invalid UpdateExpression: Syntax error; token: \"1\", near: \"01]\""},
    {EXPR_UPDATE, "SET a[1.5] = :v", "Invalid UpdateExpression: Syntax error; token: \".\", near: \"1.5\""},
    {EXPR_UPDATE, "SET a = :v ;", "Invalid UpdateExpression: Syntax error; token: \";\", near: \":v ;\""},
    {EXPR_UPDATE, "SET a = :v ,, b = :v", "Invalid UpdateExpression: Syntax error; token: \",\", near: \",, b\""},
    {EXPR_UPDATE, "SET a = :v\t\tREMOVE\tb c", "Invalid UpdateExpression: Syntax error; token: \"c\", near: \"b c\""},
    {EXPR_UPDATE, "SET a =:v#n", "Invalid UpdateExpression: Syntax error; token: \"#n\", near: \":v#n\""},
    {EXPR_UPDATE, "SET a = :v.b", "Invalid UpdateExpression: Syntax error; token: \".\", near: \":v.b\""},
    {EXPR_UPDATE, "SET a = :v[0]", "Invalid UpdateExpression: Syntax error; token: \"[\", near: \":v[0\""},
    {EXPR_UPDATE, "SET a = if_not_exists(b, :v) c", "Invalid UpdateExpression: Syntax error; token: \"c\", near: \") c\""},
    {EXPR_UPDATE, "SET a = b(c", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"c\""},
    {EXPR_UPDATE, "SET _a = :v", "Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _a\""},
    {EXPR_UPDATE, "SET a = (:v", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \":v\""},
    {EXPR_UPDATE, "SET a = :v)", "Invalid UpdateExpression: Syntax error; token: \")\", near: \":v)\""},
    {EXPR_UPDATE, "SET a = b + c + d", "Invalid UpdateExpression: Syntax error; token: \"+\", near: \"c + d\""},
    {EXPR_UPDATE, "SET a = :v + :v + :v", "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":v + :v\""},
    {EXPR_UPDATE, "SET a = -:v", "Invalid UpdateExpression: Syntax error; token: \"-\", near: \"= -:v\""},
    {EXPR_UPDATE, "SET a = :v - -:v", "Invalid UpdateExpression: Syntax error; token: \"-\", near: \"- -:v\""},
    {EXPR_UPDATE, "SET a = if_not_exists(b, :v + :v)", "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":v + :v\""},
    {EXPR_UPDATE, "SET a = if_not_exists(b, (:v) + :v)", "Invalid UpdateExpression: Syntax error; token: \"+\", near: \") + :v\""},
    {EXPR_UPDATE, "SET a = (b + :v) + :v", "Invalid UpdateExpression: Syntax error; token: \"+\", near: \") + :v\""},
    {EXPR_UPDATE, "SET set = :v", "Invalid UpdateExpression: Syntax error; token: \"set\", near: \"SET set =\""},
    {EXPR_UPDATE, "SET a = set", "Invalid UpdateExpression: Syntax error; token: \"set\", near: \"= set\""},
    {EXPR_UPDATE, "REMOVE remove", "Invalid UpdateExpression: Syntax error; token: \"remove\", near: \"REMOVE remove\""},
    {EXPR_UPDATE, "ADD add :v", "Invalid UpdateExpression: Syntax error; token: \"add\", near: \"ADD add :v\""},
    {EXPR_UPDATE, "ADD a b", "Invalid UpdateExpression: Syntax error; token: \"b\", near: \"a b\""},
    {EXPR_UPDATE, "ADD a if_not_exists(a,:v)", "Invalid UpdateExpression: Syntax error; token: \"if_not_exists\", near: \"a if_not_exists(\""},
    {EXPR_UPDATE, "ADD a (:v)", "Invalid UpdateExpression: Syntax error; token: \"(\", near: \"a (:v\""},
    {EXPR_UPDATE, "ADD a", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_UPDATE, "ADD a :v b :v", "Invalid UpdateExpression: Syntax error; token: \"b\", near: \":v b :v\""},
    {EXPR_UPDATE, "DELETE a", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"a\""},
    {EXPR_UPDATE, "DELETE a :ss,", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\""},
    {EXPR_UPDATE, "REMOVE", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"REMOVE\""},
    {EXPR_UPDATE, "REMOVE a,", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\""},
    {EXPR_UPDATE, "REMOVE a = :v", "Invalid UpdateExpression: Syntax error; token: \"=\", near: \"a = :v\""},
    {EXPR_UPDATE, "REMOVE a :v", "Invalid UpdateExpression: Syntax error; token: \":v\", near: \"a :v\""},
    {EXPR_UPDATE, "a = :v", "Invalid UpdateExpression: Syntax error; token: \"a\", near: \"a =\""},
    {EXPR_UPDATE, ":v", "Invalid UpdateExpression: Syntax error; token: \":v\", near: \":v\""},
    {EXPR_UPDATE, "SET a = :v AND b = :v", "Invalid UpdateExpression: Syntax error; token: \"AND\", near: \":v AND b\""},
    {EXPR_UPDATE, "SET a = :v WHERE b = :v", "Invalid UpdateExpression: Syntax error; token: \"WHERE\", near: \":v WHERE b\""},
    /* Update semantics */
    {EXPR_UPDATE, "SET a = :v SET b = :w", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "SET a = :v REMOVE b SET c = :v", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "REMOVE a REMOVE b", "Invalid UpdateExpression: The \"REMOVE\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "ADD a :v ADD b :v", "Invalid UpdateExpression: The \"ADD\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "DELETE a :ss DELETE b :ss", "Invalid UpdateExpression: The \"DELETE\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "SET a = :x SET b = :v", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "SET a = ((:v))", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = ((b + :v))", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = ((b)) + :v", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = :v SET b = :v REMOVE name", "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"},
    {EXPR_UPDATE, "SET a[0] = :s SET name = (:v), a = :ss", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "SET a = :v SET b = foo(:v)", "Invalid UpdateExpression: Invalid function name; function: foo"},
    {EXPR_UPDATE, "REMOVE name SET a = :v SET b = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "REMOVE a SET a = ((:v))", "Invalid UpdateExpression: The expression has redundant parentheses;"},
    {EXPR_UPDATE, "SET a = foo(:v)", "Invalid UpdateExpression: Invalid function name; function: foo"},
    {EXPR_UPDATE, "SET a = size(b)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
    {EXPR_UPDATE, "SET a = contains(a, :v)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: contains"},
    {EXPR_UPDATE, "SET a = attribute_exists(a)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: attribute_exists"},
    {EXPR_UPDATE, "SET a = if_not_exists(size(a), :v)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
    {EXPR_UPDATE, "SET a = if_not_exists(a, size(b))", "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
    {EXPR_UPDATE, "SET a = if_not_exists(a, list_append(a, :l))", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"},
    {EXPR_UPDATE, "SET a = :v + list_append(b, :l)", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"},
    {EXPR_UPDATE, "SET a = list_append(a, b) + :v", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"},
    {EXPR_UPDATE, "SET a = list_append(a, if_not_exists(b, :l))", "(UPDATE (SET (a (list_append a (if_not_exists b :l)))))"},
    {EXPR_UPDATE, "SET a = foo(:v) REMOVE name", "Invalid UpdateExpression: Invalid function name; function: foo"},
    {EXPR_UPDATE, "REMOVE name SET a = foo(:v)", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "SET name = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "REMOVE name", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "SET a = :v, b = name", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "SET a = list_append(a, name)", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "SET a = foo(name)", "Invalid UpdateExpression: Invalid function name; function: foo"},
    {EXPR_UPDATE, "SET a[99999999999] = :v", "Invalid UpdateExpression: List index is not within the allowable range; index: [99999999999]"},
    {EXPR_UPDATE, "SET a.name[99999999999] = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
    {EXPR_UPDATE, "SET a[99999999999].name = :v", "Invalid UpdateExpression: List index is not within the allowable range; index: [99999999999]"},
    /* Of the update functions only if_not_exists wants distinct operands. */
    {EXPR_UPDATE, "SET a = if_not_exists(b, b)", "Invalid UpdateExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: if_not_exists, first operand: [b]"},
    {EXPR_UPDATE, "SET a = if_not_exists(b, b) + :s", "Invalid UpdateExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: if_not_exists, first operand: [b]"},
    {EXPR_UPDATE, "SET a = list_append(b, b)", "(UPDATE (SET (a (list_append b b))))"},
    {EXPR_UPDATE, "SET a = b + b", "(UPDATE (SET (a (+ b b))))"},
    {EXPR_UPDATE, "SET a = if_not_exists(a)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
    {EXPR_UPDATE, "SET a = list_append(:l)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
    {EXPR_UPDATE, "SET a = if_not_exists(:v, a)", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
    {EXPR_UPDATE, "SET a = if_not_exists(:v)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
    {EXPR_UPDATE, "SET a = list_append(:v, a)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: N"},
    {EXPR_UPDATE, "SET a = list_append(:s, :v)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
    {EXPR_UPDATE, "SET a = list_append(:l, :l)", "(UPDATE (SET (a (list_append :l :l))))"},
    {EXPR_UPDATE, "SET a = :s + :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
    {EXPR_UPDATE, "SET a = :v + :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
    {EXPR_UPDATE, "SET a = :s - :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: S"},
    {EXPR_UPDATE, "SET a = :l - b", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: L"},
    {EXPR_UPDATE, "SET a = :v + :v", "(UPDATE (SET (a (+ :v :v))))"},
    {EXPR_UPDATE, "SET a = if_not_exists(:v, b) + :s", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
    {EXPR_UPDATE, "ADD a :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "ADD a :v", "(UPDATE (ADD (a :v)))"},
    {EXPR_UPDATE, "ADD a :ss", "(UPDATE (ADD (a :ss)))"},
    {EXPR_UPDATE, "ADD a :l", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "ADD a :m", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "ADD a :b", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: BINARY, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "ADD a :n", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: NULL, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "ADD a :bool", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "DELETE a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
    {EXPR_UPDATE, "DELETE a :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: STRING, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
    {EXPR_UPDATE, "DELETE a :b", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: BINARY, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
    {EXPR_UPDATE, "DELETE a :n", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NULL, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
    {EXPR_UPDATE, "DELETE a :m", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: MAP, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
    {EXPR_UPDATE, "DELETE a :ns", "(UPDATE (DELETE (a :ns)))"},
    {EXPR_UPDATE, "SET #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_UPDATE, "SET a = #x", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_UPDATE, "SET a = :x", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "SET #x = :x", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_UPDATE, "SET a = :x, #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_UPDATE, "SET #x = :v, #y = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #y"},
    {EXPR_UPDATE, "REMOVE #x, #y", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #y"},
    {EXPR_UPDATE, "SET a = if_not_exists(#x, :x)", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_UPDATE, "SET a = :x + :y", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "SET a = list_append(:x, :y)", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "SET a = :x, b = :y", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :y"},
    {EXPR_UPDATE, "SET a = :s + :v, b = :x", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "SET b = :x, a = :s + :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
    {EXPR_UPDATE, "SET a = :x, b = :s + :v, c = :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
    {EXPR_UPDATE, "SET a = list_append(:v, :x)", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "SET a = if_not_exists(:v, :x)", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "ADD a :s, b :x", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "ADD b :x, a :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
    {EXPR_UPDATE, "SET a = :s + :v ADD c :x", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
    {EXPR_UPDATE, "ADD c :x SET a = :s + :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
    {EXPR_UPDATE, "SET a = :s + :v, b = :v - :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: S"},
    /* Update paths that overlap or conflict */
    {EXPR_UPDATE, "SET a = :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "SET a = :v, a.b = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
    {EXPR_UPDATE, "SET a.b = :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
    {EXPR_UPDATE, "SET a[1] = :v, a.b = :v", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]"},
    {EXPR_UPDATE, "SET a.b = :v, a[1] = :v", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"},
    {EXPR_UPDATE, "SET a = :v REMOVE a", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "REMOVE a, a", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "SET a[1] = :v, a[1] = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1]]"},
    {EXPR_UPDATE, "SET a[1] = :v, a[2] = :v", "(UPDATE (SET (a[1] :v) (a[2] :v)))"},
    {EXPR_UPDATE, "SET a.b = :v, a.c = :v", "(UPDATE (SET (a.b :v) (a.c :v)))"},
    {EXPR_UPDATE, "SET #a = :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "SET #n = :v, nn.b = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [nn], path two: [nn, b]"},
    {EXPR_UPDATE, "SET a = :v REMOVE a.b[1]", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b, [1]]"},
    {EXPR_UPDATE, "REMOVE a[1], a[1].b", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1], b]"},
    {EXPR_UPDATE, "SET a = :v, a = :x", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "SET a = :v, a = :s + :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "SET a = :s + :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "ADD a :s, a :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "ADD a :v DELETE a :x", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
    {EXPR_UPDATE, "SET a = :v, a = :v, b = :v, b = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [b], path two: [b]"},
    {EXPR_UPDATE, "SET a = :v, b.c = :v, b[1] = :v, a = :v", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [b, c], path two: [b, [1]]"},
    {EXPR_UPDATE, "SET a = :v, b[1] = :v, b.c = :v, #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_UPDATE, "SET a = :v, b = :v, a = :v, #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    /* Names and overlaps are checked together, from the last target to the first. */
    {EXPR_UPDATE, "REMOVE #x, l[0].x, l[0] DELETE c.d :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [l, [0], x], path two: [l, [0]]"},
    {EXPR_UPDATE, "REMOVE #x, l[0] SET l[0].x = :v, a.b = (l[0]), a[0] = (:v)", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
    {EXPR_UPDATE, "SET l[0].x = :v, #x = (b), l[0].x = :w", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
    {EXPR_PROJECTION, "#x, a.b, a.b", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, b]"},
    {EXPR_UPDATE, "SET a = b, b = a", "(UPDATE (SET (a b) (b a)))"},
};

static json_t *names, *values;

static const char *kind_letter(enum expr_kind k) {
  static const char *const l[] = {"EXPR_CONDITION", "EXPR_FILTER", "EXPR_KEY_CONDITION",
                                  "EXPR_PROJECTION", "EXPR_UPDATE"};
  return l[k];
}

/* Parse one row; returns the message or the dump (in arena a). */
static const char *run(struct arena *a, enum expr_kind kind, const char *text) {
  struct ddb_err e = {0};
  struct expr_ctx *c = expr_ctx_new(a, names, values);
  const struct expr *x;
  const char *got;
  if (expr_parse(c, kind, text, strlen(text), &x, &e)) {
    got = arena_strdup(a, e.msg ? e.msg : "(no message)");
    if (!expr_ctx_diag(c)) got = "(no diagnostic)";
  } else {
    got = expr_dump(a, x);
    if (expr_ctx_diag(c)) got = "(diagnostic on success)";
  }
  ddb_err_clear(&e);
  return got;
}

static void put_c_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') printf("\\%c", ch);
    else if (ch == '\n') printf("\\n");
    else if (ch == '\t') printf("\\t");
    else if (ch == '\r') printf("\\r");
    else if (ch < 32) printf("\\%03o", ch);
    else putchar(ch);
  }
  putchar('"');
}

TEST(parse_rows) {
  struct arena a;
  arena_init(&a);
  bool print = getenv("EXPR_TEST_PRINT") != NULL;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const struct row *r = &rows[i];
    const char *got = run(&a, r->kind, r->text);
    if (print) {
      printf("    {%s, ", kind_letter(r->kind));
      put_c_string(r->text);
      printf(", ");
      put_c_string(got);
      printf("},\n");
    } else if (strcmp(got, r->want) != 0) {
      fprintf(stderr, "row %zu: %s \"%s\"\n  got  %s\n  want %s\n", i, expr_kind_name(r->kind),
              r->text, got, r->want);
      test_failures++;
    }
    arena_clear(&a);
  }
  arena_free(&a);
}

/*------------------------------ Limits ------------------------------------*/

/* Parse text (kind) against the shared maps; the message or "OK". */
static const char *try_parse(struct arena *a, enum expr_kind kind, const char *text) {
  struct ddb_err e = {0};
  struct expr_ctx *c = expr_ctx_new(a, names, values);
  const struct expr *x;
  const char *got = "OK";
  if (expr_parse(c, kind, text, strlen(text), &x, &e)) got = arena_strdup(a, e.msg);
  ddb_err_clear(&e);
  return got;
}

/* count copies of unit, separated by sep, then tail (arena). */
static char *repeat(struct arena *a, const char *head, const char *unit, const char *sep, int count,
                    const char *tail) {
  size_t n = strlen(head) + (size_t)count * (strlen(unit) + strlen(sep)) + strlen(tail) + 1;
  char *s = arena_alloc(a, n);
  strcpy(s, head);
  for (int i = 0; i < count; i++) {
    if (i) strcat(s, sep);
    strcat(s, unit);
  }
  strcat(s, tail);
  return s;
}

TEST(empty_and_length) {
  struct arena a;
  arena_init(&a);
  static const char *const want_empty[] = {
      "Invalid ConditionExpression: The expression can not be empty;",
      "Invalid FilterExpression: The expression can not be empty;",
      "Invalid KeyConditionExpression: The expression can not be empty;",
      "Invalid ProjectionExpression: The expression can not be empty;",
      "Invalid UpdateExpression: The expression can not be empty;"};
  for (int k = 0; k < EXPR_KIND_COUNT; k++) CHECK_STR(try_parse(&a, (enum expr_kind)k, ""), want_empty[k]);
  /* 4096 code units pass, 4097 do not; the size is given for conditions only. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a = :v", " ", "", 4090, "")), "OK");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a = :v", " ", "", 4091, "")),
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097");
  CHECK_STR(try_parse(&a, EXPR_FILTER, repeat(&a, "a = :v", " ", "", 4091, "")),
            "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097");
  CHECK_STR(try_parse(&a, EXPR_UPDATE, repeat(&a, "SET a = :v", " ", "", 4087, "")),
            "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;");
  CHECK_STR(try_parse(&a, EXPR_PROJECTION, repeat(&a, "a", " ", "", 4096, "")),
            "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size;");
  /* Length is counted in UTF-16 code units, not bytes: 2047 \u00e9 are 4094 bytes but
  ** 2047 units (recorded from DynamoDB Local). */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a = :v", "\xc3\xa9", "", 2047, "")),
            "Invalid ConditionExpression: Syntax error; token: \"\xc3\xa9\", near: \":v\xc3\xa9\xc3\xa9\"");
  /* An astral character is two units. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a = :v", " ", "", 4089, "\xf0\x9f\x98\x80")),
            "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097");
  arena_free(&a);
}

TEST(operator_limits) {
  struct arena a;
  arena_init(&a);
  const char *too_many = "The expression contains too many operators; operator count: 301";
  /* 300 NOTs and one comparison are 301 operators. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT", " ", 299, " a = :v")), "OK");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT", " ", 300, " a = :v")),
            arena_printf(&a, "Invalid ConditionExpression: %s", too_many));
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "a = :v", " OR ", 150, "")), "OK");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "a = :v", " OR ", 151, "")),
            arena_printf(&a, "Invalid ConditionExpression: %s", too_many));
  /* Functions count; BETWEEN and IN count once. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "contains(a, :s)", " OR ", 150, "")), "OK");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "contains(a, :s)", " OR ", 151, "")),
            arena_printf(&a, "Invalid ConditionExpression: %s", too_many));
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "a BETWEEN :v AND :w", " OR ", 101, "")), "OK");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "a IN (:v, :w)", " OR ", 151, "")),
            arena_printf(&a, "Invalid ConditionExpression: %s", too_many));
  /* Update: + and functions count, SET's = does not. */
  CHECK_STR(try_parse(&a, EXPR_UPDATE, repeat(&a, "SET ", "a = :v + :v", ", ", 1, "")), "OK");
  {
    char *s = arena_strdup(&a, "SET ");
    for (int i = 0; i < 301; i++) s = arena_printf(&a, "%s%sa%d=:v+:v", s, i ? "," : "", i);
    CHECK_STR(try_parse(&a, EXPR_UPDATE, s), arena_printf(&a, "Invalid UpdateExpression: %s", too_many));
    s = arena_strdup(&a, "SET ");
    for (int i = 0; i < 150; i++) s = arena_printf(&a, "%s%sa%d=if_not_exists(b,:v)+:v", s, i ? "," : "", i);
    CHECK_STR(try_parse(&a, EXPR_UPDATE, s), "OK");
  }
  /* IN takes at most 100 operands after the first. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a IN (", ":v", ",", 100, ")")), "OK");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a IN (", ":v", ",", 101, ")")),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
  /* Order: an undefined name before the IN count, the IN count in traversal order. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "#x = :v AND a IN (", ":v", ",", 101, ")")),
            "Invalid ConditionExpression: An expression attribute name used in the document path is "
            "not defined; attribute name: #x");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a IN (", ":v", ",", 101, ") AND #x = :v")),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "a IN (a,", ":v", ",", 101, ")")),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining "
            "operands for this operator or function; operator: IN, first operand: [a]");
  /* The count is checked as the tree is walked bottom-up (DynamoDB Local agrees). */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT", " ", 300, " a = a")),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining "
            "operands for this operator or function; operator: =, first operand: [a]");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT", " ", 301, " a < :s AND a = a")),
            arena_printf(&a, "Invalid ConditionExpression: %s", too_many));
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT", " ", 301, " name = :v")),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name");
  /* A syntax error anywhere beats everything. */
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT", " ", 301, " a = :v b")),
            "Invalid ConditionExpression: Syntax error; token: \"b\", near: \":v b\"");
  /* Deep parentheses parse (and are redundant). */
  CHECK_STR(try_parse(&a, EXPR_CONDITION,
                      arena_printf(&a, "%s%s", repeat(&a, "", "(", "", 2000, "a = :v"),
                                   repeat(&a, "", ")", "", 2000, ""))),
            "Invalid ConditionExpression: The expression has redundant parentheses;");
  CHECK_STR(try_parse(&a, EXPR_CONDITION, repeat(&a, "", "NOT (", "", 800, "a = :v")),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\"");
  arena_free(&a);
}

/*--------------------- Unused names and values ----------------------------*/

static const char *unused(struct arena *a, const char *names_text, const char *values_text,
                          const char *const *exprs, const enum expr_kind *kinds, int n) {
  json_t *nm = names_text ? json_loads(names_text, 0, NULL) : NULL;
  json_t *vl = values_text ? json_loads(values_text, 0, NULL) : NULL;
  struct ddb_err e = {0};
  struct expr_ctx *c = expr_ctx_new(a, nm, vl);
  const char *got = "OK";
  const struct expr *x;
  for (int i = 0; i < n && strcmp(got, "OK") == 0; i++)
    if (expr_parse(c, kinds[i], exprs[i], strlen(exprs[i]), &x, &e)) got = arena_strdup(a, e.msg);
  if (strcmp(got, "OK") == 0 && expr_ctx_check_unused(c, &e)) {
    got = arena_strdup(a, e.msg);
    const struct expr_diag *d = expr_ctx_diag(c);
    CHECK(d && (d->cls == EXPR_DIAG_UNUSED_NAME || d->cls == EXPR_DIAG_UNUSED_VALUE));
    CHECK(d && d->text == NULL && d->kind == EXPR_KIND_COUNT);
  }
  ddb_err_clear(&e);
  json_decref(nm);
  json_decref(vl);
  return got;
}

TEST(unused_keys) {
  struct arena a;
  arena_init(&a);
  const char *proj_a[] = {"a"};
  const enum expr_kind proj[] = {EXPR_PROJECTION, EXPR_PROJECTION};
  const enum expr_kind cond[] = {EXPR_CONDITION};
  /* Java HashSet order, recorded from DynamoDB Local. */
  CHECK_STR(unused(&a, "{\"#b\":\"x\",\"#a\":\"y\",\"#c\":\"z\",\"#a1\":\"q\"}", NULL, proj_a, proj, 1),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c, #a1, #a, #b}");
  CHECK_STR(unused(&a,
                   "{\"#zz\":\"x\",\"#b\":\"x\",\"#a\":\"y\",\"#c\":\"z\",\"#a1\":\"q\",\"#A\":\"w\","
                   "\"#_\":\"r\",\"#0\":\"t\"}",
                   NULL, (const char *[]){"#zz"}, proj, 1),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c, #a1, #_, "
            "#0, #a, #A, #b}");
  const char *cond_a[] = {"a = :a"};
  CHECK_STR(unused(&a, NULL,
                   "{\":b\":{\"N\":\"1\"},\":a\":{\"N\":\"1\"},\":c\":{\"N\":\"1\"},\":ab\":{\"N\":\"1\"},"
                   "\":aa\":{\"N\":\"1\"},\":B\":{\"N\":\"1\"}}",
                   cond_a, cond, 1),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b, :B, :c, "
            ":aa, :ab}");
  /* Same bucket: request order. */
  CHECK_STR(unused(&a, "{\"#a\":\"x\",\"#q\":\"y\",\"#c\":\"z\"}", NULL, proj_a, proj, 1),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c, #a, #q}");
  CHECK_STR(unused(&a, "{\"#q\":\"x\",\"#a\":\"y\",\"#c\":\"z\"}", NULL, proj_a, proj, 1),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c, #q, #a}");
  /* The table size comes from all 12 keys, used or not (32 buckets). */
  CHECK_STR(unused(&a,
                   "{\"#a\":\"x\",\"#q\":\"y\",\"#c\":\"z\",\"#u0\":\"w0\",\"#u1\":\"w1\",\"#u2\":\"w2\","
                   "\"#u3\":\"w3\",\"#u4\":\"w4\",\"#u5\":\"w5\",\"#u6\":\"w6\",\"#u7\":\"w7\",\"#u8\":\"w8\"}",
                   NULL, (const char *[]){"#u0, #u1, #u2, #u3, #u4, #u5, #u6, #u7, #u8"}, proj, 1),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c, #q, #a}");
  /* Names are reported before values; a key used by any expression counts. */
  CHECK_STR(unused(&a, "{\"#q\":\"x\"}", "{\":b\":{\"N\":\"1\"},\":a\":{\"N\":\"1\"}}", cond_a, cond, 1),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#q}");
  {
    const char *two[] = {"a = :a", "#q"};
    const enum expr_kind kinds[] = {EXPR_CONDITION, EXPR_PROJECTION};
    CHECK_STR(unused(&a, "{\"#q\":\"x\"}", "{\":a\":{\"N\":\"1\"}}", two, kinds, 2), "OK");
    CHECK_STR(unused(&a, "{\"#q\":\"x\"}", "{\":a\":{\"N\":\"1\"},\":b\":{\"S\":\"x\"}}", two, kinds, 2),
              "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}");
  }
  /* A failing expression reports its own error, not unused keys. */
  CHECK_STR(unused(&a, "{\"#q\":\"x\"}", NULL, (const char *[]){"a b"}, proj, 1),
            "Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\"");
  arena_free(&a);
}

/*----------------------------- Diagnostics ---------------------------------*/

TEST(diagnostics) {
  struct arena a;
  arena_init(&a);
  struct ddb_err e = {0};
  const struct expr *x;
  static const struct {
    enum expr_kind kind;
    const char *text;
    enum expr_diag_class cls;
    const char *token;
    uint32_t offset;
  } cases[] = {
      {EXPR_UPDATE, "SET a = :v :w", EXPR_DIAG_SYNTAX, ":w", 11},
      {EXPR_UPDATE, "SET a = :v,", EXPR_DIAG_SYNTAX, "<EOF>", 11},
      {EXPR_UPDATE, "", EXPR_DIAG_EMPTY, NULL, UINT32_MAX},
      {EXPR_CONDITION, "a = :v AND #x = :v", EXPR_DIAG_UNDEFINED_NAME, "#x", 11},
      {EXPR_CONDITION, "a = :x", EXPR_DIAG_UNDEFINED_VALUE, ":x", 4},
      {EXPR_CONDITION, "b = :v OR name = :v", EXPR_DIAG_RESERVED, "name", 10},
      {EXPR_CONDITION, "foo(a)", EXPR_DIAG_FUNCTION, "foo", 0},
      {EXPR_CONDITION, "size(a)", EXPR_DIAG_FUNCTION, "size", 0},
      {EXPR_CONDITION, "((a = :v))", EXPR_DIAG_STRUCTURE, NULL, UINT32_MAX},
      {EXPR_CONDITION, "a = a", EXPR_DIAG_STRUCTURE, "=", 0},
      {EXPR_CONDITION, "a < :n", EXPR_DIAG_TYPE, "NULL", 4},
      {EXPR_CONDITION, "a BETWEEN :w AND :v", EXPR_DIAG_TYPE, NULL, 0},
      {EXPR_CONDITION, "a[2147483648] = :v", EXPR_DIAG_LIMIT, "2147483648", 1},
      {EXPR_UPDATE, "SET a = :v, a.b = :v", EXPR_DIAG_PATH, NULL, 12},
      {EXPR_UPDATE, "ADD a :s", EXPR_DIAG_TYPE, "S", 6},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct expr_ctx *c = expr_ctx_new(&a, names, values);
    CHECK(expr_parse(c, cases[i].kind, cases[i].text, strlen(cases[i].text), &x, &e) == -1);
    const struct expr_diag *d = expr_ctx_diag(c);
    CHECK(d != NULL);
    if (!d) continue;
    if (d->cls != cases[i].cls)
      fprintf(stderr, "case %zu: class %s\n", i, expr_diag_class_name(d->cls));
    CHECK_INT(d->cls, cases[i].cls);
    CHECK_INT(d->kind, cases[i].kind);
    CHECK_INT(d->offset, cases[i].offset);
    if (cases[i].token) CHECK_STR(d->token, cases[i].token);
    else CHECK(d->token == NULL);
    CHECK(d->text && strcmp(d->text, cases[i].text) == 0 && d->text_len == strlen(cases[i].text));
    CHECK_STR(d->message, e.msg);
    CHECK(e.code == DDB_VALIDATION);
    ddb_err_clear(&e);
  }
  /* A success leaves no diagnostic and keeps the tree. */
  struct expr_ctx *c = expr_ctx_new(&a, names, values);
  CHECK(expr_parse(c, EXPR_FILTER, "a = :v", 6, &x, &e) == 0);
  CHECK(expr_ctx_diag(c) == NULL);
  CHECK(expr_ctx_get(c, EXPR_FILTER) == x);
  CHECK(expr_ctx_get(c, EXPR_CONDITION) == NULL);
  CHECK_STR(expr_diag_class_name(EXPR_DIAG_UNDEFINED_VALUE), "undefined-value");
  CHECK_STR(expr_kind_name(EXPR_KEY_CONDITION), "KeyConditionExpression");
  arena_free(&a);
}

/*----------------------------- Fingerprints --------------------------------*/

TEST(fingerprint) {
  struct arena a;
  arena_init(&a);
  static const struct {
    enum expr_kind kind;
    const char *text, *want;
  } cases[] = {
      {EXPR_CONDITION, "a = :v", "a = :"},
      {EXPR_CONDITION, "#n = :v AND b = :w", "# = : AND b = :"},
      {EXPR_CONDITION, "b = :w AND #m = :v", "# = : AND b = :"},
      {EXPR_CONDITION, "(c = :v OR b = :v) AND a = :v", "(b = : OR c = :) AND a = :"},
      {EXPR_CONDITION, "a = :v AND (b = :v AND c = :v)", "a = : AND b = : AND c = :"},
      {EXPR_CONDITION, "NOT (a = :v OR b = :v)", "NOT (a = : OR b = :)"},
      {EXPR_CONDITION, "NOT attribute_exists(#n.x[3])", "NOT attribute_exists(#.x[])"},
      {EXPR_CONDITION, "size(password) = size(password) OR username = :v",
       "size(password) = size(password) OR username = :"},
      {EXPR_CONDITION, "a BETWEEN :v AND :w", "a BETWEEN : AND :"},
      {EXPR_CONDITION, "a IN (:w, :v, :s)", "a IN (:, :, :)"},
      {EXPR_CONDITION, "begins_with(a, :s) OR attribute_not_exists(a)",
       "attribute_not_exists(a) OR begins_with(a, :)"},
      {EXPR_PROJECTION, "b, a.#n, c[0]", "a.#, b, c[]"},
      {EXPR_UPDATE, "REMOVE z, y ADD n :v SET b = b + :v, a = if_not_exists(a, :w)",
       "SET a = if_not_exists(a, :), b = b + : REMOVE y, z ADD n :"},
      {EXPR_UPDATE, "DELETE s :ss SET a = list_append(a, :l)", "SET a = list_append(a, :) DELETE s :"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct ddb_err e = {0};
    struct expr_ctx *c = expr_ctx_new(&a, names, values);
    const struct expr *x;
    CHECK(expr_parse(c, cases[i].kind, cases[i].text, strlen(cases[i].text), &x, &e) == 0);
    if (x) CHECK_STR(expr_fingerprint(&a, x), cases[i].want);
    ddb_err_clear(&e);
  }
  arena_free(&a);
}

/*------------------------------ Helpers ------------------------------------*/

TEST(reserved_words) {
  CHECK(expr_is_reserved("name", 4));
  CHECK(expr_is_reserved("NaMe", 4));
  CHECK(expr_is_reserved("ABORT", 5));
  CHECK(expr_is_reserved("zone", 4));
  CHECK(expr_is_reserved("namex", 4)); /* length given: "name" */
  CHECK(!expr_is_reserved("namex", 5));
  CHECK(!expr_is_reserved("a", 1));
  CHECK(!expr_is_reserved("", 0));
  CHECK(!expr_is_reserved("remove", 6)); /* a keyword, not a reserved word */
  CHECK(!expr_is_reserved("zzz", 3));
}

static const char *maps(const char *nm, const char *vl) {
  static char buf[512];
  json_t *n = nm ? json_loads(nm, 0, NULL) : NULL, *v = vl ? json_loads(vl, 0, NULL) : NULL;
  struct ddb_err e = {0};
  const char *got = "OK";
  if (expr_check_attribute_maps(n, v, 0, &e)) {
    snprintf(buf, sizeof buf, "%s", e.msg);
    got = buf;
  }
  ddb_err_clear(&e);
  json_decref(n);
  json_decref(v);
  return got;
}

TEST(attribute_maps) {
  CHECK_STR(maps("{\"#a\":\"x\",\"#_1\":\"y\"}", "{\":a\":{\"N\":\"01.50\"}}"), "OK");
  CHECK_STR(maps("{}", NULL), "ExpressionAttributeNames must not be empty");
  CHECK_STR(maps(NULL, "{}"), "ExpressionAttributeValues must not be empty");
  CHECK_STR(maps("{\"#q\":\"x\",\"bad\":\"y\"}", NULL),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"bad\"");
  CHECK_STR(maps("{\"#q-1\":\"x\"}", NULL),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#q-1\"");
  CHECK_STR(maps("{\"#\":\"x\"}", NULL), "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#\"");
  CHECK_STR(maps("{\"#q\":\"\"}", NULL),
            "ExpressionAttributeNames contains invalid value: Empty attribute name for key #q");
  CHECK_STR(maps(NULL, "{\"a\":{\"N\":\"1\"}}"),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"a\"");
  CHECK_STR(maps(NULL, "{\":a\":{}}"),
            "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must "
            "contain exactly one of the supported datatypes for key :a");
  CHECK_STR(maps(NULL, "{\":a\":{\"SS\":[]}}"),
            "ExpressionAttributeValues contains invalid value: One or more parameter values were "
            "invalid: An string set  may not be empty for key :a");
}

TEST(setup) {
  names = json_loads(names_json, 0, NULL);
  values = json_loads(values_json, 0, NULL);
  CHECK(names && values);
}

TEST(teardown) {
  json_decref(names);
  json_decref(values);
}

TEST_MAIN(setup, parse_rows, empty_and_length, operator_limits, unused_keys, diagnostics,
          fingerprint, reserved_words, attribute_maps, teardown)

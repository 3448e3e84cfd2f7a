"""PartiQL with boto3: ExecuteStatement statements and parameters, paging with
NextToken, writes with conditions and RETURNING, the messages DynamoDB gives
for statements it refuses, BatchExecuteStatement and ExecuteTransaction.

Messages are real DynamoDB's as the public Parity Suite recorded them;
local_differs marks those DynamoDB Local 1.25 words otherwise."""

import pytest
from botocore.exceptions import ClientError

from conftest import IS_DDBLOCAL, expect_error, unique

NWF = "Statement wasn't well formed, can't be processed: "


@pytest.fixture(scope="module")
def tc(ddb):
    """A table with pk (S) and sk (N)."""
    name = unique("pq")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}])
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ClientError:
        pass


def run(ddb, statement, params=None, **kw):
    if params is not None:
        kw["Parameters"] = params
    return ddb.execute_statement(Statement=statement, **kw)


def get(ddb, table, key):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def test_insert_select_update_delete(ddb, table):
    assert run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'n': 1, 'tags': <<'x'>>}}")["Items"] == []
    items = run(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'a'")["Items"]
    assert items == [{"pk": {"S": "a"}, "n": {"N": "1"}, "tags": {"SS": ["x"]}}]
    res = run(ddb, f"UPDATE \"{table}\" SET n = n + 1 SET tags = set_add(tags, <<'y'>>) WHERE pk = 'a' "
                   "RETURNING MODIFIED NEW *")
    assert res["Items"][0]["n"] == {"N": "2"}
    assert sorted(res["Items"][0]["tags"]["SS"]) == ["x", "y"]
    res = run(ddb, f"DELETE FROM \"{table}\" WHERE pk = 'a' RETURNING ALL OLD *")
    assert res["Items"][0]["pk"] == {"S": "a"}
    assert get(ddb, table, {"pk": {"S": "a"}}) is None


def test_parameters(ddb, table):
    params = [{"S": "p"}, {"N": "1.50"}, {"B": b"\x00\xff"}, {"M": {"x": {"L": [{"BOOL": True}]}}}]
    run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'n': ?, 'b': ?, 'm': ?}}", params)
    item = get(ddb, table, {"pk": {"S": "p"}})
    assert item == {"pk": {"S": "p"}, "n": {"N": "1.5"}, "b": {"B": b"\x00\xff"},
                    "m": {"M": {"x": {"L": [{"BOOL": True}]}}}}
    res = run(ddb, f"SELECT m.x[0] FROM \"{table}\" WHERE pk = ? AND n = ?", [{"S": "p"}, {"N": "1.5"}])
    assert res["Items"] == [{"x[0]": {"BOOL": True}}]
    expect_error(lambda: run(ddb, f"SELECT * FROM \"{table}\" WHERE pk = ?"), "ValidationException",
                 "Number of parameters in request and statement don't match.")


def test_parameter_numbers_as_java_reads_them(ddb, table):
    """Parity Suite: tests/tier3/error-messages/partiqlParameterNumbers.test.ts."""
    stmt = f"SELECT * FROM \"{table}\" WHERE pk = 'x' AND n = ?"
    for value in ["1e99999999999", "-1e99999999999", "1e2147483648"]:
        expect_error(lambda: run(ddb, stmt, [{"N": value}]), "ValidationException",
                     "The parameter cannot be converted to a numeric value: " + value, local_differs=True)
    expect_error(lambda: run(ddb, stmt, [{"N": "1e2147483647"}]), "ValidationException",
                 "Number underflow. Attempting to store a number with magnitude smaller than supported range",
                 local_differs=True)


def test_paging_limit_and_next_token(ddb, tc):
    for i in range(17):
        ddb.put_item(TableName=tc, Item={"pk": {"S": "page"}, "sk": {"N": str(i)}})
    seen, token, pages = [], None, 0
    while True:
        kw = {"Limit": 5, "ConsistentRead": True}
        if token:
            kw["NextToken"] = token
        res = run(ddb, f"SELECT sk FROM \"{tc}\" WHERE pk = 'page' AND sk >= 2", **kw)
        seen += [int(i["sk"]["N"]) for i in res["Items"]]
        pages += 1
        token = res.get("NextToken")
        if not token:
            break
    assert seen == list(range(2, 17))
    assert pages == 3 or pages == 4
    # A full-table SELECT pages over every partition.
    allkeys, token = set(), None
    while True:
        kw = {"Limit": 4}
        if token:
            kw["NextToken"] = token
        res = run(ddb, f"SELECT pk, sk FROM \"{tc}\"", **kw)
        allkeys |= {(i["pk"]["S"], i["sk"]["N"]) for i in res["Items"]}
        token = res.get("NextToken")
        if not token:
            break
    assert {k for k in allkeys if k[0] == "page"} == {("page", str(i)) for i in range(17)}


def test_write_conditions(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "name": {"S": "alpha"}})
    expect_error(lambda: run(ddb, f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'c' AND \"name\" = 'beta'"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    expect_error(lambda: run(ddb, f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'c-missing'"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    run(ddb, f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'c' AND attribute_not_exists(v)")
    expect_error(lambda: run(ddb, f"UPDATE \"{table}\" SET v = 2 WHERE pk = 'c' AND attribute_not_exists(v)"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, table, {"pk": {"S": "c"}})["v"] == {"N": "1"}
    if not IS_DDBLOCAL:  # DynamoDB Local names it DuplicateItem
        expect_error(lambda: run(ddb, f"INSERT INTO \"{table}\" VALUE {{'pk': 'c'}}"), "DuplicateItemException",
                     "Duplicate primary key exists in table")
    expect_error(lambda: run(ddb, f"DELETE FROM \"{table}\" WHERE \"name\" = 'alpha'"), "ValidationException",
                 "Where clause does not contain a mandatory equality on all key attributes")


@pytest.mark.parametrize("statement,message", [
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' foo", NWF + "Unexpected token after expression"),
    ("SELECT * FROM \"{t}\" WHERE", NWF + "Unexpected term"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' OR", NWF + "Missing right-hand side expression of infix operator"),
    ("SELECT * FROM \"{t}\" WHERE pk = 1 # note", NWF),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND m.inner = 1", NWF + "Invalid path dot component"),
    ("SELECT * FROM \"{t}\" t WHERE pk = 'x'", "Aliasing is not supported"),
    ("SELECT pk FROM \"{t}\" WHERE pk = 'b' LIMIT 1", None),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND attribute_exists('ss')",
     "Operator or function requires a document path; operator or function: attribute_exists"),
    ("SELECT * FROM \"{t}\" WHERE pk = 'a' AND val < ?",
     "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"),
    ("x IS INT4", "Unsupported operation: IsType"),
])
def test_refused_statements(ddb, table, statement, message):
    stmt = statement.replace("{t}", table)
    params = [{"BOOL": True}] if "?" in stmt else None
    local = message is None or message.startswith(NWF) or "IsType" in message
    if message is None:
        message = "Unsupported clause: LIMIT at 1:%d:1" % (stmt.index("LIMIT 1") + 7)
    expect_error(lambda: run(ddb, stmt, params), "ValidationException", message, local_differs=local)


def test_batch_execute_statement(ddb, tc):
    ddb.put_item(TableName=tc, Item={"pk": {"S": "b"}, "sk": {"N": "1"}, "v": {"S": "one"}})
    res = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT v FROM \"{tc}\" WHERE pk = ? AND sk = ?", "Parameters": [{"S": "b"}, {"N": "1"}]},
        {"Statement": f"SELECT * FROM \"{tc}\" WHERE pk = 'b'"},
        {"Statement": f"SELECT * FROM \"{tc}\" WHERE pk = 'b' AND sk = 7"},
    ])["Responses"]
    assert res[0] == {"TableName": tc, "Item": {"v": {"S": "one"}}}
    assert res[1]["Error"]["Code"] == "ValidationError"
    assert res[2] == {"TableName": tc}
    res = ddb.batch_execute_statement(Statements=[
        {"Statement": f"UPDATE \"{tc}\" SET v = 'two' WHERE pk = 'b' AND sk = 1 AND v = 'zzz'"},
        {"Statement": f"INSERT INTO \"{tc}\" VALUE {{'pk': 'b', 'sk': 2}}"},
    ])["Responses"]
    assert res[0]["Error"]["Code"] == "ConditionalCheckFailed"
    assert res[1] == {"TableName": tc}
    with pytest.raises(ClientError) as info:
        ddb.batch_execute_statement(Statements=[{"Statement": f"SELECT * FROM \"{tc}\" WHERE pk = 'b' AND sk = 1"}] * 26)
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_execute_transaction_all_or_nothing(ddb, tc):
    ddb.put_item(TableName=tc, Item={"pk": {"S": "acct"}, "sk": {"N": "1"}, "bal": {"N": "10"}})
    ddb.put_item(TableName=tc, Item={"pk": {"S": "acct"}, "sk": {"N": "2"}, "bal": {"N": "0"}})

    def transfer(amount):
        return ddb.execute_transaction(TransactStatements=[
            {"Statement": f"UPDATE \"{tc}\" SET bal = bal - ? WHERE pk = 'acct' AND sk = 1 AND bal >= ?",
             "Parameters": [{"N": str(amount)}, {"N": str(amount)}]},
            {"Statement": f"UPDATE \"{tc}\" SET bal = bal + ? WHERE pk = 'acct' AND sk = 2",
             "Parameters": [{"N": str(amount)}]},
        ])
    assert transfer(4)["Responses"] == []
    err = expect_error(lambda: transfer(7), "TransactionCanceledException",
                       "Transaction cancelled, please refer cancellation reasons for specific reasons "
                       "[ConditionalCheckFailed, None]")
    assert [r["Code"] for r in err["CancellationReasons"]] == ["ConditionalCheckFailed", "None"]
    balances = [get(ddb, tc, {"pk": {"S": "acct"}, "sk": {"N": k}})["bal"]["N"] for k in ("1", "2")]
    assert balances == ["6", "4"]
    reads = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT bal FROM \"{tc}\" WHERE pk = 'acct' AND sk = 1"},
        {"Statement": f"SELECT bal FROM \"{tc}\" WHERE pk = 'acct' AND sk = 5"},
    ], ReturnConsumedCapacity="TOTAL")
    assert reads["Responses"] == [{"Item": {"bal": {"N": "6"}}}, {}]
    expect_error(lambda: ddb.execute_transaction(TransactStatements=[
        {"Statement": f"UPDATE \"{tc}\" SET bal = 0 WHERE pk = 'acct' AND sk = 1 RETURNING ALL NEW *"}]),
        "ValidationException",
        "Validation failed in TransactStatements[0]: RETURNING clause is not supported in ExecuteTransaction.")

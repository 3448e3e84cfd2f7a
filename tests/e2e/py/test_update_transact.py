"""UpdateItem, conditions, legacy parameters and transactions with boto3.

The client API (low-level AttributeValues) and the resource API (Table with
boto3.dynamodb.conditions), so that both of boto3's serialisations reach the
server: UpdateExpression verbs, ReturnValues, conditional writes with the old
item on failure, Expected and AttributeUpdates, TransactWriteItems (all or
nothing, cancellation reasons, idempotency) and TransactGetItems.
Texts: DynamoDB's 2026 validation layer as us-east-1 answers (paritysuite
captures); DynamoDB Local lacks its envelope (local_differs).
"""

import threading
import time
import uuid
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from conftest import IS_DDBLOCAL, expect_error

ENV = "1 validation error detected: "


def key(pk):
    return {"pk": {"S": pk}}


def get(ddb, table, pk):
    return ddb.get_item(TableName=table, Key=key(pk), ConsistentRead=True).get("Item")


def test_update_expression_verbs_and_return_values(ddb, table):
    ddb.put_item(TableName=table, Item={**key("u"), "n": {"N": "1"}, "l": {"L": [{"S": "a"}, {"S": "b"}]},
                                         "ss": {"SS": ["x"]}, "gone": {"S": "g"}})
    out = ddb.update_item(
        TableName=table, Key=key("u"),
        UpdateExpression="SET n = n + :two, m = if_not_exists(m, :m), l = list_append(l, :l) "
                         "REMOVE gone ADD tags :ss, c :one DELETE ss :x",
        ExpressionAttributeValues={":two": {"N": "2"}, ":m": {"M": {"a": {"N": "1"}}}, ":l": {"L": [{"S": "c"}]},
                                   ":ss": {"SS": ["y"]}, ":one": {"N": "1"}, ":x": {"SS": ["x"]}},
        ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"n": {"N": "3"}, "m": {"M": {"a": {"N": "1"}}}, "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]},
                                 "tags": {"SS": ["y"]}, "c": {"N": "1"}}
    assert "ss" not in get(ddb, table, "u"), "the emptied set is gone"
    old = ddb.update_item(TableName=table, Key=key("u"), UpdateExpression="SET n = :z",
                          ExpressionAttributeValues={":z": {"N": "0"}}, ReturnValues="UPDATED_OLD")
    assert old["Attributes"] == {"n": {"N": "3"}}
    new = ddb.update_item(TableName=table, Key=key("created"), UpdateExpression="SET v = :v",
                          ExpressionAttributeValues={":v": {"BOOL": True}}, ReturnValues="ALL_NEW")
    assert new["Attributes"] == {**key("created"), "v": {"BOOL": True}}


def test_update_errors_leave_the_item(ddb, table):
    ddb.put_item(TableName=table, Item={**key("e"), "s": {"S": "x"}})
    before = get(ddb, table, "e")
    expect_error(lambda: ddb.update_item(TableName=table, Key=key("e"), UpdateExpression="SET pk = :v",
                                         ExpressionAttributeValues={":v": {"S": "z"}}),
                 "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")
    expect_error(lambda: ddb.update_item(TableName=table, Key=key("e"), UpdateExpression="SET s = s + :v",
                                         ExpressionAttributeValues={":v": {"N": "1"}}),
                 "ValidationException", "An operand in the update expression has an incorrect data type")
    expect_error(lambda: ddb.update_item(TableName=table, Key=key("e"), UpdateExpression="SET a.b = :v",
                                         ExpressionAttributeValues={":v": {"N": "1"}}),
                 "ValidationException", "The document path provided in the update expression is invalid for update")
    expect_error(lambda: ddb.update_item(TableName=table, Key=key("e"), UpdateExpression="SET s = :v"),
                 "ValidationException",
                 ENV + "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
                       "attribute value: :v", local_differs=True)
    expect_error(lambda: ddb.update_item(TableName=table, Key=key("e"), UpdateExpression="SET a = :v",
                                         ExpressionAttributeValues={":v": {"S": "x"}},
                                         AttributeUpdates={"a": {"Action": "PUT", "Value": {"S": "x"}}}),
                 "ValidationException",
                 ENV + "Can not use both expression and non-expression parameters in the same request: "
                       "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}",
                 local_differs=True)
    assert get(ddb, table, "e") == before


def test_conditions_with_the_resource_api(resource, table):
    t = resource.Table(table)
    t.put_item(Item={"pk": "r", "qty": 5, "tags": {"a", "b"}}, ConditionExpression=Attr("pk").not_exists())
    t.update_item(Key={"pk": "r"}, UpdateExpression="SET qty = qty - :one",
                  ConditionExpression=Attr("qty").gt(0) & Attr("tags").contains("a"),
                  ExpressionAttributeValues={":one": 1})
    with pytest.raises(ClientError) as info:
        t.update_item(Key={"pk": "r"}, UpdateExpression="SET qty = qty - :one",
                      ConditionExpression=Attr("qty").gt(10), ExpressionAttributeValues={":one": 1})
    err = info.value.response
    assert err["Error"]["Code"] == "ConditionalCheckFailedException"
    assert err["Error"]["Message"] == "The conditional request failed"
    assert t.get_item(Key={"pk": "r"}, ConsistentRead=True)["Item"]["qty"] == Decimal(4)
    t.delete_item(Key={"pk": "r"}, ConditionExpression=Attr("qty").between(1, 4))
    assert "Item" not in t.get_item(Key={"pk": "r"}, ConsistentRead=True)


def test_legacy_expected_and_attribute_updates(ddb, table):
    ddb.put_item(TableName=table, Item={**key("l"), "n": {"N": "5"}}, Expected={"pk": {"Exists": False}})
    ddb.update_item(TableName=table, Key=key("l"),
                    AttributeUpdates={"n": {"Action": "ADD", "Value": {"N": "2"}}, "s": {"Value": {"S": "x"}}},
                    Expected={"n": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "5"}]}})
    assert get(ddb, table, "l") == {**key("l"), "n": {"N": "7"}, "s": {"S": "x"}}
    expect_error(lambda: ddb.delete_item(TableName=table, Key=key("l"),
                                         Expected={"n": {"Value": {"N": "1"}}, "s": {"Exists": False}},
                                         ConditionalOperator="OR"),
                 "ConditionalCheckFailedException", "The conditional request failed")
    ddb.delete_item(TableName=table, Key=key("l"), Expected={"n": {"Value": {"N": "1"}}, "s": {"Value": {"S": "x"}}},
                    ConditionalOperator="OR")
    assert get(ddb, table, "l") is None
    assert ddb.get_item(TableName=table, Key=key("absent"), AttributesToGet=["n"]).get("Item") is None


def test_transact_write_all_or_nothing(ddb, table):
    ddb.put_item(TableName=table, Item={**key("a"), "bal": {"N": "10"}})
    ddb.put_item(TableName=table, Item={**key("b"), "bal": {"N": "0"}})

    def transfer(amount, **extra):
        return ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": key("a"), "UpdateExpression": "SET bal = bal - :x",
                        "ConditionExpression": "bal >= :x", "ExpressionAttributeValues": {":x": {"N": str(amount)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": table, "Key": key("b"), "UpdateExpression": "SET bal = bal + :x",
                        "ExpressionAttributeValues": {":x": {"N": str(amount)}}}},
        ], **extra)

    transfer(4)
    with pytest.raises(ClientError) as info:
        transfer(7)
    err = info.value.response
    assert err["Error"]["Code"] == "TransactionCanceledException"
    assert err["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                       "reasons [ConditionalCheckFailed, None]")
    reasons = err["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None"]
    assert reasons[0]["Item"] == {**key("a"), "bal": {"N": "6"}}
    assert get(ddb, table, "a")["bal"] == {"N": "6"}
    assert get(ddb, table, "b")["bal"] == {"N": "4"}
    # Idempotency: the same token and payload apply once.
    token = str(uuid.uuid4())
    transfer(1, ClientRequestToken=token)
    transfer(1, ClientRequestToken=token)
    assert get(ddb, table, "a")["bal"] == {"N": "5"}
    expect_error(lambda: transfer(2, ClientRequestToken=token), "IdempotentParameterMismatchException")


def test_transact_validation(ddb, table):
    expect_error(lambda: ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": key("d")}},
        {"Delete": {"TableName": table, "Key": key("d")}},
    ]), "ValidationException", "Transaction request cannot include multiple operations on one item")
    expect_error(lambda: ddb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": table, "Key": key("d"), "ConditionExpression": "attribute_not_exists("}},
    ]), "ValidationException", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("')
    expect_error(lambda: ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": "e2e-py-no-such-table-" + uuid.uuid4().hex[:6], "Key": key("d")}},
    ]), "ResourceNotFoundException", "Requested resource not found", local_differs=True)


def test_transact_get_items(ddb, table):
    ddb.put_item(TableName=table, Item={**key("g"), "a": {"S": "x"}, "b": {"N": "1"}})
    out = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": key("g"), "ProjectionExpression": "a"}},
        {"Get": {"TableName": table, "Key": key("none")}},
    ], ReturnConsumedCapacity="TOTAL")
    assert out["Responses"] == [{"Item": {"a": {"S": "x"}}}, {}]
    assert out["ConsumedCapacity"][0]["CapacityUnits"] == 4.0


@pytest.mark.skipif(IS_DDBLOCAL, reason="DynamoDB Local has no transaction conflicts to observe")
def test_concurrent_transfers_keep_the_total(endpoint, table):
    """Four threads, each with its own client, transfer between three accounts
    for a few seconds; whatever conflicts occur, the total never changes."""
    from conftest import make_client
    setup = make_client(endpoint)
    for i in range(3):
        setup.put_item(TableName=table, Item={**key("acct%d" % i), "bal": {"N": "100"}})
    stop = time.time() + 4
    errors = []

    def worker(seed):
        c = make_client(endpoint)
        n = seed
        while time.time() < stop:
            n += 1
            src, dst = n % 3, (n + 1) % 3
            try:
                c.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": key("acct%d" % src), "UpdateExpression": "SET bal = bal - :x",
                                "ConditionExpression": "bal >= :x", "ExpressionAttributeValues": {":x": {"N": "3"}}}},
                    {"Update": {"TableName": table, "Key": key("acct%d" % dst), "UpdateExpression": "SET bal = bal + :x",
                                "ExpressionAttributeValues": {":x": {"N": "3"}}}},
                ])
            except ClientError as e:
                if e.response["Error"]["Code"] != "TransactionCanceledException":
                    errors.append(e.response["Error"])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = sum(int(get(setup, table, "acct%d" % i)["bal"]["N"]) for i in range(3))
    assert total == 300

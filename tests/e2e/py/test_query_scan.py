"""Query, Scan and secondary indexes with boto3: the resource API's key and
filter conditions, botocore's paginators over LastEvaluatedKey, 1 MB pages,
parallel scans, GSI and LSI reads, UpdateTable adding a GSI to a table with
data, consumed capacity and DynamoDB's error texts."""

import time

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from conftest import IS_DDBLOCAL, expect_error, unique


@pytest.fixture(scope="module")
def orders(ddb):
    """pk S / sk N, an LSI on 'status' (ALL) and a GSI on 'customer' (KEYS_ONLY):
    4 customers x 30 orders, 'status' on every other order (sparse LSI)."""
    name = unique("orders")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                              (("pk", "S"), ("sk", "N"), ("status", "S"), ("customer", "S"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{
            "IndexName": "by-status",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "status", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}],
        GlobalSecondaryIndexes=[{
            "IndexName": "by-customer",
            "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    with_batch = []
    for c in range(4):
        for i in range(30):
            item = {"pk": {"S": "shop"}, "sk": {"N": str(c * 100 + i)}, "customer": {"S": "c%d" % c},
                    "total": {"N": str(i * 2.5)}}
            if i % 2 == 0:
                item["status"] = {"S": ["new", "paid", "sent"][i % 3]}
            with_batch.append(item)
    for item in with_batch:
        ddb.put_item(TableName=name, Item=item)
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ClientError:
        pass


def test_resource_query_with_key_and_filter_conditions(resource, orders):
    table = resource.Table(orders)
    out = table.query(KeyConditionExpression=Key("pk").eq("shop") & Key("sk").between(10, 19),
                      FilterExpression=Attr("total").gte(45), ScanIndexForward=False)
    assert [int(i["sk"]) for i in out["Items"]] == [19, 18]
    assert (out["Count"], out["ScannedCount"]) == (2, 10)
    begins = table.query(IndexName="by-status", KeyConditionExpression=Key("pk").eq("shop") & Key("status").begins_with("pa"))
    assert begins["Count"] == 20  # even i with i % 3 == 1: 5 per customer
    assert all(i["status"] == "paid" for i in begins["Items"])


def test_paginators_follow_last_evaluated_key(ddb, orders):
    pages = list(ddb.get_paginator("query").paginate(
        TableName=orders, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "shop"}},
        PaginationConfig={"PageSize": 7}))
    assert [p["Count"] for p in pages[:-1]] == [7] * (len(pages) - 1)
    assert sum(p["Count"] for p in pages) == 120
    keys = [int(i["sk"]["N"]) for p in pages for i in p["Items"]]
    assert keys == sorted(keys) and len(set(keys)) == 120
    scanned = sum(p["Count"] for p in ddb.get_paginator("scan").paginate(
        TableName=orders, IndexName="by-customer", PaginationConfig={"PageSize": 50}))
    assert scanned == 120


def test_parallel_scan_covers_every_item_once(ddb, orders):
    seen = []
    for segment in range(5):
        for page in ddb.get_paginator("scan").paginate(TableName=orders, Segment=segment, TotalSegments=5,
                                                       ProjectionExpression="sk"):
            seen += [i["sk"]["N"] for i in page["Items"]]
    assert sorted(seen, key=float) == sorted({str(c * 100 + i) for c in range(4) for i in range(30)}, key=float)


def test_gsi_keys_only_and_lsi_sparse(ddb, orders):
    out = ddb.query(TableName=orders, IndexName="by-customer", KeyConditionExpression="customer = :c",
                    ExpressionAttributeValues={":c": {"S": "c2"}}, ReturnConsumedCapacity="INDEXES")
    assert out["Count"] == 30
    assert sorted(out["Items"][0]) == ["customer", "pk", "sk"]
    assert out["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {"by-customer": {"CapacityUnits": 0.5}}
    lsi = ddb.query(TableName=orders, IndexName="by-status", KeyConditionExpression="pk = :p AND #s = :s",
                    ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":p": {"S": "shop"}, ":s": {"S": "new"}},
                    Select="COUNT")
    assert lsi["Count"] == 20  # 60 orders with a status, a third of them new
    expect_error(lambda: ddb.query(TableName=orders, IndexName="by-customer", ConsistentRead=True,
                                   KeyConditionExpression="customer = :c", ExpressionAttributeValues={":c": {"S": "c2"}}),
                 "ValidationException", "Consistent reads are not supported on global secondary indexes",
                 local_differs=True)
    expect_error(lambda: ddb.scan(TableName=orders, IndexName="missing"),
                 "ValidationException", "The table does not have the specified index: missing")


def test_one_megabyte_pages_and_capacity(ddb):
    name = unique("big")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    try:
        # 200,000 bytes each: pk (2 + 3) + d (1 + 199,994).
        for i in range(12):
            ddb.put_item(TableName=name, Item={"pk": {"S": "k%02d" % i}, "d": {"S": "z" * 199994}})
        pages = list(ddb.get_paginator("scan").paginate(TableName=name, Select="COUNT", ReturnConsumedCapacity="TOTAL"))
        # A page stops once 1,048,576 bytes are read, the crossing item included: 6 + 6.
        assert [p["Count"] for p in pages if p["Count"]] == [6, 6]
        # 1,200,000 bytes: 293 units of 4 KB, halved for an eventually consistent read.
        assert pages[0]["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 146.5}
        strong = ddb.scan(TableName=name, Limit=1, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        assert strong["ConsumedCapacity"]["CapacityUnits"] == 49.0  # 200,000 bytes
    finally:
        ddb.delete_table(TableName=name)


def test_legacy_scan_filter_and_key_conditions(ddb, orders):
    out = ddb.scan(TableName=orders, ScanFilter={
        "total": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "70"}]},
        "status": {"ComparisonOperator": "NULL"}}, ConditionalOperator="AND")
    assert out["Count"] == 4  # i == 29: 72.5, no status, one per customer
    q = ddb.query(TableName=orders, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "shop"}]},
        "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "328"}]}},
        AttributesToGet=["sk"])
    assert q["Items"] == [{"sk": {"N": "328"}}, {"sk": {"N": "329"}}]
    expect_error(lambda: ddb.query(TableName=orders, KeyConditions={
        "pk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "s"}]}}),
        "ValidationException", "Query key condition not supported")
    if not IS_DDBLOCAL:  # DynamoDB Local fails with a 500 here
        expect_error(lambda: ddb.query(TableName=orders, KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "shop"}]},
            "sk": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]}}),
            "ValidationException", "Attempted conditional constraint is not an indexable operation")


def test_update_table_adds_and_removes_a_gsi(ddb):
    name = unique("ut")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    try:
        for i in range(150):
            ddb.put_item(TableName=name, Item={"pk": {"S": "u%d" % i}, "team": {"S": "t%d" % (i % 5)}})
        out = ddb.update_table(
            TableName=name, AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "by-team", "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}}])
        assert out["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
        for _ in range(100):
            gsi = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
            if gsi["IndexStatus"] == "ACTIVE":
                break
            time.sleep(0.1)
        assert gsi["IndexStatus"] == "ACTIVE"
        if not IS_DDBLOCAL:
            assert gsi["ItemCount"] == 150
        # Written after the back-fill: the index follows the table.
        ddb.put_item(TableName=name, Item={"pk": {"S": "late"}, "team": {"S": "t3"}})
        got = ddb.query(TableName=name, IndexName="by-team", KeyConditionExpression="team = :t",
                        ExpressionAttributeValues={":t": {"S": "t3"}}, Select="COUNT")
        assert got["Count"] == 31
        ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-team"}}])
        for _ in range(50):
            if "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=name)["Table"]:
                break
            time.sleep(0.1)
        assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=name)["Table"]
    finally:
        ddb.delete_table(TableName=name)


def test_query_errors(ddb, orders):
    expect_error(lambda: ddb.query(TableName=orders, KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": "shop"}}, Select="ALL_PROJECTED_ATTRIBUTES"),
                 "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    expect_error(lambda: ddb.query(TableName=orders, KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": "shop"}},
                                   ExclusiveStartKey={"pk": {"S": "shop"}, "sk": {"S": "1"}}),
                 "ValidationException", "The provided key element does not match the schema", local_differs=True)
    expect_error(lambda: ddb.query(TableName=orders, KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": "shop"}}, FilterExpression="sk > :p"),
                 "ValidationException",
                 "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
    expect_error(lambda: ddb.scan(TableName=orders, Segment=3, TotalSegments=2), "ValidationException")

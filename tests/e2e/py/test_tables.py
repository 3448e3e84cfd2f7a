"""Control plane with boto3: CreateTable, DescribeTable, ListTables, DeleteTable."""

import datetime
import re

from botocore.exceptions import ClientError

from conftest import IS_DDBLOCAL, REGION, expect_error, unique


def test_create_describe_delete_provisioned_hash_range(ddb):
    name = unique("hr")
    before = datetime.datetime.now(datetime.timezone.utc)
    out = ddb.create_table(
        TableName=name, BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "B"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["TableDescription"]["TableStatus"] in ("CREATING", "ACTIVE")
    t = ddb.describe_table(TableName=name)["Table"]
    m = re.match(r"^arn:aws:dynamodb:([a-z0-9-]+):(\d{12}):table/(.+)$", t["TableArn"])
    assert m and m.group(3) == name, t["TableArn"]
    if not IS_DDBLOCAL:
        assert m.group(1) == REGION
        assert re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", t["TableId"])
    assert t["TableName"] == name
    assert t["TableStatus"] == "ACTIVE"
    assert t["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert sorted(t["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == [
        {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "B"}]
    pt = t["ProvisionedThroughput"]
    assert (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"], pt["NumberOfDecreasesToday"]) == (3, 4, 0)
    assert t["ItemCount"] == 0 and t["TableSizeBytes"] == 0
    created = t["CreationDateTime"]
    assert isinstance(created, datetime.datetime)
    assert abs((created - before).total_seconds()) < 60

    out = ddb.delete_table(TableName=name)
    assert out["TableDescription"]["TableName"] == name
    assert out["TableDescription"]["TableArn"] == t["TableArn"]
    for _ in range(50):
        try:
            ddb.describe_table(TableName=name)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException"
            break
    else:
        raise AssertionError("table still there after DeleteTable")


def test_on_demand_billing_summary(ddb, table):
    t = ddb.describe_table(TableName=table)["Table"]
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert isinstance(t["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"], datetime.datetime)
    pt = t["ProvisionedThroughput"]
    assert (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"], pt["NumberOfDecreasesToday"]) == (0, 0, 0)


def test_create_errors(ddb, table):
    expect_error(lambda: ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}]),
        "ResourceInUseException", "Table already exists: " + table, local_differs=True)
    expect_error(lambda: ddb.create_table(
        TableName=unique("bad"), BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}]),
        "ValidationException",
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]", local_differs=True)


def test_describe_missing_table(ddb):
    name = unique("missing")
    expect_error(lambda: ddb.describe_table(TableName=name), "ResourceNotFoundException",
                 "Requested resource not found: Table: %s not found" % name, local_differs=True)
    expect_error(lambda: ddb.delete_table(TableName=name), "ResourceNotFoundException",
                 "Requested resource not found: Table: %s not found" % name, local_differs=True)


def test_list_tables_paging(ddb):
    prefix = unique("list")
    names = ["%s-%d" % (prefix, i) for i in range(4)]
    for n in names:
        ddb.create_table(TableName=n, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    try:
        page = ddb.list_tables(ExclusiveStartTableName=names[0], Limit=2)
        assert page["TableNames"] == names[1:3]
        assert page["LastEvaluatedTableName"] == names[2]
        seen = []
        for p in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 3}):
            assert len(p["TableNames"]) <= 3
            seen += p["TableNames"]
        assert seen == sorted(seen, key=lambda s: s.encode())
        assert [n for n in seen if n.startswith(prefix)] == names
    finally:
        for n in names:
            ddb.delete_table(TableName=n)

"""Items with boto3: round trips of every AttributeValue type (client and
resource APIs), number normalisation, ReturnValues, ConsistentRead and the
errors DynamoDB returns for bad keys and values."""

import decimal
import re

import pytest
from boto3.dynamodb.types import Binary

from conftest import IS_DDBLOCAL, expect_error, unique

EVERY_TYPE = {
    "pk": {"S": "every"},
    "s": {"S": "héllo ✓ 😀"},
    "empty": {"S": ""},
    "n": {"N": "-3.25"},
    "b": {"B": b"\x00\x01\xfe\xff"},
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "z": {"NULL": True},
    "ss": {"SS": ["b", "a"]},
    "ns": {"NS": ["1", "22", "-3.5"]},
    "bs": {"BS": [b"\x01", b"\x02\x03"]},
    "l": {"L": [{"S": "x"}, {"N": "1"}, {"L": []}, {"M": {"k": {"BOOL": True}}}]},
    "m": {"M": {"nested": {"M": {"deep": {"SS": ["q"]}}}, "list": {"L": [{"NULL": True}]}}},
}


# Duplicate set members: the 2026-06 validation rollout added the "1 validation
# error detected: " envelope (and quoted members) in most regions; both cohorts
# are accepted (see docs/fidelity.md).
DUP_SS = re.compile(r'^(1 validation error detected: )?One or more parameter values were invalid: '
                    r'Input collection \[(x, x|"x", "x")\] contains duplicates\.$')
DUP_NS = re.compile(r"^(Input collection contains duplicates|1 validation error detected: One or more "
                    r"parameter values were invalid: Input collection contains duplicates\.)$")


def canon(v):
    if isinstance(v, dict):
        return {k: (sorted(canon(x) for x in v[k]) if k in ("SS", "NS", "BS") else canon(v[k])) for k in v}
    if isinstance(v, list):
        return [canon(x) for x in v]
    return v


def test_every_type_round_trips(ddb, table):
    out = ddb.put_item(TableName=table, Item=EVERY_TYPE)
    assert "Attributes" not in out
    for consistent in (True, False):
        got = ddb.get_item(TableName=table, Key={"pk": {"S": "every"}}, ConsistentRead=consistent)
        assert canon(got["Item"]) == canon(EVERY_TYPE)


def test_resource_api_round_trip(resource, table):
    t = resource.Table(table)
    item = {"pk": "res", "price": decimal.Decimal("19.99"), "count": 3, "blob": Binary(b"\x00\xff"),
            "tags": {"a", "b"}, "nums": {decimal.Decimal("1"), decimal.Decimal("2.5")},
            "nested": {"list": [1, "two", None, True], "map": {"x": "y"}}}
    t.put_item(Item=item)
    got = t.get_item(Key={"pk": "res"}, ConsistentRead=True)["Item"]
    assert got == {**item, "count": decimal.Decimal(3)}


def test_numbers_are_normalised(ddb, table):
    expect_error(lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "num"}, "d": {"NS": ["1.0", "01"]}}),
                 "ValidationException", DUP_NS)
    ddb.put_item(TableName=table, Item={"pk": {"S": "num"}, "a": {"N": "001.500"}, "b": {"N": "-0"},
                                        "c": {"N": "1e3"}, "d": {"NS": ["1.0", "2"]}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "num"}})["Item"]
    assert canon(got) == canon({"pk": {"S": "num"}, "a": {"N": "1.5"}, "b": {"N": "0"}, "c": {"N": "1000"},
                                "d": {"NS": ["1", "2"]}})


def test_return_values(ddb, table):
    assert "Attributes" not in ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}, "v": {"N": "1"}},
                                            ReturnValues="ALL_OLD")
    old = ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"] == {"pk": {"S": "rv"}, "v": {"N": "1"}}
    gone = ddb.delete_item(TableName=table, Key={"pk": {"S": "rv"}}, ReturnValues="ALL_OLD")
    assert gone["Attributes"] == {"pk": {"S": "rv"}, "v": {"N": "2"}}
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "rv"}}, ConsistentRead=True)
    assert "Attributes" not in ddb.delete_item(TableName=table, Key={"pk": {"S": "rv"}}, ReturnValues="NONE")
    # The 2026 validation layer adds the envelope (paritysuite deleteItem.test.ts, us-east-1
    # 2026-10-09); eu-south-2 and me-central-1 still answer without it: both cohorts accepted.
    expect_error(lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}}, ReturnValues="ALL_NEW"),
                 "ValidationException",
                 re.compile(r"^(1 validation error detected: )?ReturnValues can only be ALL_OLD or NONE$"),
                 local_differs=True)


@pytest.mark.parametrize("item,message,local_differs", ids=[
    "missing-key", "wrong-key-type", "empty-key-string", "empty-set", "duplicate-set-member", "39-digits", "null-false",
], argvalues=[
    ({"other": {"S": "x"}}, "One or more parameter values were invalid: Missing the key pk in the item", True),
    ({"pk": {"N": "1"}}, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N", True),
    ({"pk": {"S": ""}}, "One or more parameter values are not valid. The AttributeValue for a key attribute "
                        "cannot contain an empty string value. Key: pk", False),
    ({"pk": {"S": "k"}, "s": {"SS": []}}, "One or more parameter values were invalid: An string set  may not be empty", False),
    ({"pk": {"S": "k"}, "s": {"SS": ["x", "x"]}}, DUP_SS, True),
    ({"pk": {"S": "k"}, "n": {"N": "1" * 39}},
     re.compile(r"^(1 validation error detected: )?Attempting to store more than 38 significant digits in a Number$"), True),
    ({"pk": {"S": "k"}, "z": {"NULL": False}},
     "One or more parameter values were invalid: Null attribute value types must have the value of true", False),
])
def test_put_item_validation(ddb, table, item, message, local_differs):
    expect_error(lambda: ddb.put_item(TableName=table, Item=item), "ValidationException", message,
                 local_differs=local_differs)


@pytest.mark.parametrize("key", ids=["other-attribute", "extra-attribute", "wrong-type"], argvalues=[{"x": {"S": "a"}}, {"pk": {"S": "a"}, "x": {"S": "b"}}, {"pk": {"N": "1"}}])
def test_get_item_key_mismatch(ddb, table, key):
    expect_error(lambda: ddb.get_item(TableName=table, Key=key), "ValidationException",
                 "The provided key element does not match the schema", local_differs=True)


def test_item_size_limit(ddb, table):
    ok = "x" * (409600 - len("pk") - len("k") - len("data"))
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "data": {"S": ok}})
    assert len(ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]["data"]["S"]) == len(ok)
    expect_error(lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "data": {"S": ok + "y"}}),
                 "ValidationException", "Item size has exceeded the maximum allowed size")


def test_missing_table(ddb):
    name = unique("missing")
    for call in (lambda: ddb.put_item(TableName=name, Item={"pk": {"S": "a"}}),
                 lambda: ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}),
                 lambda: ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})):
        expect_error(call, "ResourceNotFoundException", "Requested resource not found", local_differs=True)

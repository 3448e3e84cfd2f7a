"""What every transactional write shares, with boto3: ExecuteTransaction's
ClientRequestToken (a replay answers again without applying again, another
payload is IdempotentParameterMismatchException, one token namespace with
TransactWriteItems), the item locks of a transaction in progress (plain
writes get TransactionConflictException), and the capacity and item
collection metrics that BatchWriteItem and TransactWriteItems report for a
table with secondary indexes.

Sources: API_ExecuteTransaction, API_TransactWriteItems, API_BatchWriteItem;
DynamoDB Local 1.25 agrees on the idempotency outcomes but returns no
ItemCollectionMetrics and no ConsumedCapacity for PartiQL (those checks are
skipped against it, see conformance/KNOWN_DIFFERENCES.md)."""

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import IS_DDBLOCAL, expect_error, unique


@pytest.fixture(scope="module")
def ti(ddb):
    """pk S, sk S; LSI lsi (pk, l, ALL); GSI gsi (g, KEYS_ONLY)."""
    name = unique("tsi")
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "l", "g")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{"IndexName": "lsi", "Projection": {"ProjectionType": "ALL"},
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "l", "KeyType": "RANGE"}]}],
        GlobalSecondaryIndexes=[{"IndexName": "gsi", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}])
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ClientError:
        pass


def get(ddb, table, key):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def token():
    return "py-" + uuid.uuid4().hex


def test_execute_transaction_replay_applies_once(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "n": {"N": "0"}})
    stmts = [{"Statement": f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'c'"},
             {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': ?}}", "Parameters": [{"S": "c-new"}]}]
    tok = token()
    assert ddb.execute_transaction(TransactStatements=stmts, ClientRequestToken=tok)["Responses"] == []
    again = ddb.execute_transaction(TransactStatements=stmts, ClientRequestToken=tok, ReturnConsumedCapacity="TOTAL")
    assert again["Responses"] == []
    if not IS_DDBLOCAL:
        assert again["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0}]
    assert get(ddb, table, {"pk": {"S": "c"}})["n"] == {"N": "1"}
    # Another payload under the same token: refused, nothing applied.
    expect_error(lambda: ddb.execute_transaction(
        TransactStatements=[{"Statement": f"UPDATE \"{table}\" SET n = n + 5 WHERE pk = 'c'"}], ClientRequestToken=tok),
        "IdempotentParameterMismatchException",
        "Request parameters do not match the original request with this ClientRequestToken", local_differs=True)
    assert get(ddb, table, {"pk": {"S": "c"}})["n"] == {"N": "1"}


def test_one_token_namespace_with_transact_write_items(ddb, table):
    tok = token()
    ddb.execute_transaction(TransactStatements=[{"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'ns'}}"}],
                            ClientRequestToken=tok)
    expect_error(lambda: ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"pk": {"S": "ns"}}}}], ClientRequestToken=tok),
        "IdempotentParameterMismatchException")


def raw_request(host, port, op, body):
    data = json.dumps(body).encode()
    head = (f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"X-Amz-Target: DynamoDB_20120810.{op}\r\nX-Amz-Date: 20240101T000000Z\r\n"
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIDE2EPYTHON/20240101/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64 + "\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode()
    return head + data


def read_responses(sock, count):
    """The JSON bodies of count HTTP/1.1 responses (Content-Length framed)."""
    buf, out = b"", []
    while len(out) < count:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            headers = buf[:end].decode("latin1").lower()
            length = int(headers.split("content-length:")[1].split("\r\n")[0])
            if len(buf) >= end + 4 + length:
                out.append(json.loads(buf[end + 4:end + 4 + length]))
                buf = buf[end + 4 + length:]
                continue
        chunk = sock.recv(65536)
        assert chunk, "connection closed early"
        buf += chunk
    return out


def test_execute_transaction_holds_its_items_until_durable(ddb, table, endpoint):
    """An ExecuteTransaction and the writes that follow it in one TCP write
    are handled before the group commit that makes it durable: they meet it in
    progress. Only ddbwatch (it answers its admin API) can be raced so."""
    try:
        with urllib.request.urlopen(endpoint + "/_ddbwatch/health", timeout=5) as r:
            is_ddbwatch = r.status == 200
    except (urllib.error.URLError, OSError):
        is_ddbwatch = False
    if not is_ddbwatch:
        pytest.skip("needs ddbwatch, whose group commit a pipelined request can race")
    u = urllib.parse.urlparse(endpoint)
    reqs = [
        ("ExecuteTransaction", {"TransactStatements": [{"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'busy', 'v': 'tx'}}"}]}),
        ("PutItem", {"TableName": table, "Item": {"pk": {"S": "busy"}, "v": {"S": "plain"}}}),
        ("ExecuteStatement", {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'busy'"}),
        ("TransactWriteItems", {"TransactItems": [{"Delete": {"TableName": table, "Key": {"pk": {"S": "busy"}}}}]}),
    ]
    with socket.create_connection((u.hostname, u.port)) as s:
        s.sendall(b"".join(raw_request(u.hostname, u.port, op, body) for op, body in reqs))
        out = read_responses(s, len(reqs))
    assert out[0] == {"Responses": []}
    for r in out[1:3]:
        assert r["__type"].endswith("#TransactionConflictException"), r
        assert r["message"] == "Transaction is ongoing for the item"
    assert out[3]["__type"].endswith("#TransactionCanceledException"), out[3]
    assert out[3]["CancellationReasons"] == [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
    ddb.put_item(TableName=table, Item={"pk": {"S": "busy"}, "v": {"S": "later"}})
    assert get(ddb, table, {"pk": {"S": "busy"}})["v"] == {"S": "later"}


def test_batch_write_capacity_by_index(ddb, ti):
    out = ddb.batch_write_item(ReturnConsumedCapacity="INDEXES", RequestItems={ti: [
        {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "1"}, "l": {"S": "x"}, "g": {"S": "y"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "2"}, "l": {"S": "x"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"S": "3"}}}},
    ]})
    assert out["ConsumedCapacity"] == [{
        "TableName": ti, "CapacityUnits": 6.0, "Table": {"CapacityUnits": 3.0},
        "LocalSecondaryIndexes": {"lsi": {"CapacityUnits": 2.0}}, "GlobalSecondaryIndexes": {"gsi": {"CapacityUnits": 1.0}}}]


@pytest.mark.skipif(IS_DDBLOCAL, reason="DynamoDB Local returns no ItemCollectionMetrics")
def test_item_collection_metrics_per_item_written(ddb, ti, table):
    out = ddb.batch_write_item(ReturnItemCollectionMetrics="SIZE", RequestItems={
        ti: [{"PutRequest": {"Item": {"pk": {"S": "m1"}, "sk": {"S": "1"}}}},
             {"PutRequest": {"Item": {"pk": {"S": "m2"}, "sk": {"S": "1"}, "l": {"S": "x"}}}},
             {"DeleteRequest": {"Key": {"pk": {"S": "m1"}, "sk": {"S": "9"}}}}],
        table: [{"PutRequest": {"Item": {"pk": {"S": "m"}}}}]})
    assert out["ItemCollectionMetrics"] == {ti: [
        {"ItemCollectionKey": {"pk": {"S": pk}}, "SizeEstimateRangeGB": [0.0, 1.0]} for pk in ("m1", "m2", "m1")]}
    tx = ddb.transact_write_items(ReturnItemCollectionMetrics="SIZE", ReturnConsumedCapacity="INDEXES", TransactItems=[
        {"Put": {"TableName": ti, "Item": {"pk": {"S": "m3"}, "sk": {"S": "1"}, "l": {"S": "x"}, "g": {"S": "y"}}}}])
    assert tx["ItemCollectionMetrics"] == {ti: [{"ItemCollectionKey": {"pk": {"S": "m3"}}, "SizeEstimateRangeGB": [0.0, 1.0]}]}
    assert tx["ConsumedCapacity"] == [{
        "TableName": ti, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0,
        "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
        "LocalSecondaryIndexes": {"lsi": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}},
        "GlobalSecondaryIndexes": {"gsi": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}}}]

"""x-amz-crc32: the server sends the CRC32 of every body, and boto3 checks it.

A small HTTP proxy sits between boto3 and the endpoint: passing responses
through unchanged must work, and changing the x-amz-crc32 header must make
botocore retry and then raise ChecksumError, which shows that the successful
calls elsewhere in this suite really had their CRC checked.
"""

import http.client
import http.server
import json
import threading
import urllib.error
import urllib.request
import zlib
from urllib.parse import urlparse

import pytest
from botocore.exceptions import ChecksumError

from conftest import IS_DDBLOCAL, make_client, unique

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDE2EPYTHON/20240101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)


def raw(endpoint, op, body):
    req = urllib.request.Request(endpoint, data=json.dumps(body).encode(), method="POST", headers={
        "X-Amz-Target": "DynamoDB_20120810." + op, "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Date": "20240101T000000Z", "Authorization": AUTH})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.parametrize("op,body,status", ids=[
    "ListTables", "DescribeTable", "GetItem", "missing-table", "validation-error", "unknown-operation",
], argvalues=[
    ("ListTables", {}, 200),
    ("DescribeTable", {"TableName": "TABLE"}, 200),
    ("GetItem", {"TableName": "TABLE", "Key": {"pk": {"S": "crc"}}}, 200),
    ("DescribeTable", {"TableName": "no-such-table-e2e"}, 400),
    ("PutItem", {"TableName": "TABLE", "Item": {"pk": {"N": "1"}}}, 400),
    ("NoSuchOperation", {}, 400),
])
def test_crc32_header_matches_body(endpoint, ddb, table, op, body, status):
    ddb.put_item(TableName=table, Item={"pk": {"S": "crc"}, "v": {"S": "ünïcödé"}})
    body = json.loads(json.dumps(body).replace("TABLE", table))
    code, headers, data = raw(endpoint, op, body)
    assert code == status, data
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers.get("x-amzn-requestid")
    assert headers.get("content-type") == "application/x-amz-json-1.0"
    if IS_DDBLOCAL and status != 200:
        return  # DynamoDB Local sends no CRC on errors
    assert int(headers["x-amz-crc32"]) == zlib.crc32(data) & 0xFFFFFFFF


class Proxy:
    """Forwards POSTs to upstream; with corrupt=True it adds 1 to x-amz-crc32."""

    def __init__(self, upstream):
        u = urlparse(upstream)
        self.corrupt = False
        self.requests = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                proxy.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request("POST", "/", body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        continue
                    if k.lower() == "x-amz-crc32" and proxy.corrupt:
                        v = str((int(v) + 1) & 0xFFFFFFFF)
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(endpoint):
    p = Proxy(endpoint)
    yield p
    p.close()


def test_boto3_checks_crc32(proxy, table):
    c = make_client(proxy.url, hook=False)
    c.put_item(TableName=table, Item={"pk": {"S": "via-proxy"}})
    assert c.get_item(TableName=table, Key={"pk": {"S": "via-proxy"}})["Item"] == {"pk": {"S": "via-proxy"}}

    proxy.corrupt = True
    with pytest.raises(ChecksumError):
        c.get_item(TableName=table, Key={"pk": {"S": "via-proxy"}})

    retrying = make_client(proxy.url, attempts=3, hook=False)
    before = proxy.requests
    with pytest.raises(ChecksumError):
        retrying.list_tables()
    assert proxy.requests - before == 3, "botocore retried the bad CRC before giving up"


def test_many_calls_all_pass_the_crc_check(ddb, table):
    for i in range(30):
        ddb.put_item(TableName=table, Item={"pk": {"S": "k%d" % i}, "blob": {"B": bytes(range(i * 7 % 256))},
                                            "s": {"S": "é" * i}})
    for i in range(30):
        assert ddb.get_item(TableName=table, Key={"pk": {"S": "k%d" % i}})["Item"]["s"]["S"] == "é" * i
    names = ddb.list_tables()["TableNames"]
    assert table in names
    assert unique("x") not in names

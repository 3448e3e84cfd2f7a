"""pytest set-up for the boto3 end-to-end suite.

Run with Debian's interpreter: /usr/bin/python3 -m pytest tests/e2e/py
The endpoint is DDB_ENDPOINT, or a ddbwatch started from DDBWATCH_BIN through
the shared harness (../harness/ddbwatch_harness.py) for the session.
DDB_ENDPOINT_IS_DDBLOCAL=1 relaxes the assertions on DynamoDB Local's known
deviations from DynamoDB (see shared/FIDELITY.md).
"""

import os
import re
import secrets
import sys
import time
import zlib

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import ddbwatch_harness  # noqa: E402

IS_DDBLOCAL = os.environ.get("DDB_ENDPOINT_IS_DDBLOCAL") == "1"
REGION = "us-east-1"
CREDS = dict(aws_access_key_id="AKIDE2EPYTHON", aws_secret_access_key="e2e-secret")


@pytest.fixture(scope="session")
def endpoint():
    if os.environ.get("DDB_ENDPOINT"):
        yield os.environ["DDB_ENDPOINT"].rstrip("/")
        return
    binary = os.environ.get("DDBWATCH_BIN")
    if not binary:
        pytest.fail("set DDB_ENDPOINT or DDBWATCH_BIN", pytrace=False)
    srv = ddbwatch_harness.Server(binary, in_memory=True)
    try:
        ep = srv.start()
    except ddbwatch_harness.ServerError as e:
        pytest.fail(str(e), pytrace=False)
    yield ep
    alive = srv.running()
    rc = srv.stop()
    assert alive, "ddbwatch died during the tests:\n" + srv.tail()
    assert rc == 0, "ddbwatch exited with %s after SIGTERM:\n%s" % (rc, srv.tail())
    srv.discard_log()


def check_crc(http_response, **_):
    """after-call hook: every response botocore parses carries a correct x-amz-crc32."""
    if IS_DDBLOCAL and http_response.status_code != 200:
        return  # DynamoDB Local sends no CRC on errors
    got = http_response.headers.get("x-amz-crc32")
    assert got is not None, "response without x-amz-crc32"
    assert int(got) == zlib.crc32(http_response.content) & 0xFFFFFFFF, "x-amz-crc32 does not match the body"
    assert http_response.headers.get("x-amzn-RequestId"), "response without x-amzn-RequestId"


def make_client(endpoint_url, attempts=1, hook=True):
    # Legacy retry mode is the one that checks x-amz-crc32 (and the default in
    # Debian's botocore); one attempt makes a bad CRC fail at once.
    c = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=REGION,
                     config=Config(retries={"mode": "legacy", "total_max_attempts": attempts}), **CREDS)
    if hook:
        c.meta.events.register("after-call.dynamodb", check_crc)
        c.meta.events.register("after-call-error.dynamodb", lambda **kw: None)
    return c


@pytest.fixture(scope="session")
def ddb(endpoint):
    return make_client(endpoint)


@pytest.fixture(scope="session")
def resource(endpoint):
    return boto3.resource("dynamodb", endpoint_url=endpoint, region_name=REGION,
                          config=Config(retries={"mode": "legacy", "total_max_attempts": 1}), **CREDS)


def unique(prefix):
    return "e2e-py-%s-%s-%s" % (prefix, format(int(time.time() * 1000), "x"), secrets.token_hex(3))


@pytest.fixture
def table(ddb):
    """A PAY_PER_REQUEST table with a string hash key 'pk', deleted afterwards."""
    name = unique("t")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ClientError:
        pass


def expect_error(fn, code, message=None, status=400, local_differs=False):
    """Calls fn(), which must raise ClientError with this code, message
    (string, or compiled regex) and HTTP status. local_differs: under
    DDB_ENDPOINT_IS_DDBLOCAL=1 only code and status are checked."""
    with pytest.raises(ClientError) as info:
        fn()
    err = info.value.response
    assert err["Error"]["Code"] == code, err
    assert err["ResponseMetadata"]["HTTPStatusCode"] == status, err
    if message is not None and not (local_differs and IS_DDBLOCAL):
        if isinstance(message, re.Pattern):
            assert message.match(err["Error"]["Message"]), err["Error"]["Message"]
        else:
            assert err["Error"]["Message"] == message
    return err

"""conformance/clients/sdk_py.py: the boto3 side of the real-client checks.

Started by sdk.js (PyClient) as `python3 sdk_py.py ENDPOINT REGION`. Reads one
request per line on stdin, {"op": "PutItem", "params": {...}} with DynamoDB's
wire JSON (binary values in base64), calls boto3's low-level client, and
writes one line per request on stdout:

  {"ok": true, "status": 200, "requestId": "...", "output": {...}}
  {"ok": false, "status": 400, "requestId": "...", "code": "ValidationException",
   "message": "...", "extra": {...modeled members such as CancellationReasons...}}

Outputs are turned back into wire JSON (bytes to base64, datetimes to epoch
seconds). botocore checks the x-amz-crc32 header of every response and
retries none (max_attempts 1), so a missing or wrong checksum shows as an error
here. Runs with Debian's python3 and python3-boto3 (no PyPI).
"""
import base64
import datetime
import decimal
import json
import re
import sys

import boto3
import botocore.config
import botocore.exceptions


def snake(op):
    """PutItem -> put_item, the name of boto3's client method."""
    return re.sub(r'(?<!^)(?=[A-Z])', '_', op).lower()


def to_input(v):
    """Base64 strings in B / BS AttributeValues become bytes."""
    if isinstance(v, list):
        return [to_input(x) for x in v]
    if not isinstance(v, dict):
        return v
    if len(v) == 1 and isinstance(v.get('B'), str):
        return {'B': base64.b64decode(v['B'])}
    if len(v) == 1 and isinstance(v.get('BS'), list):
        return {'BS': [base64.b64decode(b) if isinstance(b, str) else b for b in v['BS']]}
    return {k: to_input(x) for k, x in v.items()}


def to_wire(v):
    """bytes -> base64, datetime -> epoch seconds, Decimal -> number."""
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode('ascii')
    if isinstance(v, datetime.datetime):
        return v.timestamp()
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, list):
        return [to_wire(x) for x in v]
    if isinstance(v, dict):
        return {k: to_wire(x) for k, x in v.items()}
    return v


def main():
    endpoint, region = sys.argv[1], sys.argv[2]
    client = boto3.client(
        'dynamodb', endpoint_url=endpoint, region_name=region,
        config=botocore.config.Config(retries={'max_attempts': 1, 'mode': 'standard'},
                                      parameter_validation=True))
    for line in sys.stdin:
        req = json.loads(line)
        op = req['op']
        try:
            out = getattr(client, snake(op))(**to_input(req['params']))
            meta = out.pop('ResponseMetadata', {})
            reply = {'ok': True, 'status': meta.get('HTTPStatusCode', 200),
                     'requestId': meta.get('RequestId'), 'output': to_wire(out)}
        except botocore.exceptions.ClientError as e:
            resp = dict(e.response)
            err = resp.pop('Error', {})
            meta = resp.pop('ResponseMetadata', {})
            reply = {'ok': False, 'status': meta.get('HTTPStatusCode', 400),
                     'requestId': meta.get('RequestId'), 'code': err.get('Code', ''),
                     'message': err.get('Message', ''), 'extra': to_wire(resp)}
        except Exception as e:  # pylint: disable=broad-except
            # A client-side failure (parameter validation, a checksum that
            # does not match, an operation boto3 does not know, a value that
            # is not base64) is a finding, not the end of the worker.
            reply = {'ok': False, 'status': 0, 'code': 'ClientSideError',
                     'message': '%s: %s' % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()

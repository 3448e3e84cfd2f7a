#!/usr/bin/python3
"""Send N GetItem requests over one keep-alive connection (for instruction counts).

usage: count.py PORT N
"""
import http.client
import sys

port, n = int(sys.argv[1]), int(sys.argv[2])
auth = ("AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00")
headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20260101T000000Z",
           "Authorization": auth, "User-Agent": "aws-sdk-js/3.1168.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/dynamodb#3.1168.0"}


def call(conn, target, body):
    conn.request("POST", "/", body, dict(headers, **{"X-Amz-Target": "DynamoDB_20120810." + target}))
    r = conn.getresponse()
    r.read()
    return r.status


conn = http.client.HTTPConnection("127.0.0.1", port)
call(conn, "CreateTable", '{"TableName":"bench","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],'
     '"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}')
call(conn, "PutItem", '{"TableName":"bench","Item":{"pk":{"S":"k1"},"name":{"S":"Alice"}}}')
for _ in range(n):
    if call(conn, "GetItem", '{"TableName":"bench","Key":{"pk":{"S":"k1"}}}') != 200:
        sys.exit("GetItem failed")

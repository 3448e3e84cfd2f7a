// The wire, without an SDK: pipelining, keep-alive, protocol errors, the 16 MB
// body limit, x-amz-crc32 / x-amzn-RequestId on every response, slow clients
// and many concurrent connections.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  endpoint, client, uniqueName, stopSharedServer, IS_DDBLOCAL, sleep,
} from '../lib/env.mjs';
import {
  post, connect, requestBytes, crc32, errorName, hostPort, AUTH,
} from '../lib/raw.mjs';

let ep;
let ddb;
const T = uniqueName('http');

before(async () => {
  ep = await endpoint();
  ddb = client(ep);
  await ddb.send(new CreateTableCommand({
    TableName: T, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
  for (let i = 1; i <= 5; i++) {
    await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: { S: `k${i}` }, v: { S: `value ${i} ✓` } } }));
  }
});

after(async () => {
  try { await ddb.send(new DeleteTableCommand({ TableName: T })); } catch { /* gone */ }
  ddb.destroy();
  await stopSharedServer();
});

const getItem = (k) => ({ TableName: T, Key: { pk: { S: k } } });

// Every DynamoDB response: CRC of the body, a request id, JSON content type.
function checkEnvelope(r, what) {
  assert.ok(r.headers['x-amzn-requestid'], `${what}: x-amzn-RequestId present`);
  assert.equal(r.headers['content-type'], 'application/x-amz-json-1.0', `${what}: Content-Type`);
  assert.equal(Number(r.headers['content-length']), r.body.length, `${what}: Content-Length`);
  if (IS_DDBLOCAL && r.status !== 200) return; // DynamoDB Local sends no CRC on errors
  assert.ok(r.headers['x-amz-crc32'] !== undefined, `${what}: x-amz-crc32 present`);
  assert.equal(Number(r.headers['x-amz-crc32']), crc32(r.body), `${what}: x-amz-crc32 matches the body`);
}

// The message of an error body: DynamoDB uses "message"; DynamoDB Local "Message".
function messageOf(json) {
  return IS_DDBLOCAL ? (json.message ?? json.Message) : json.message;
}

test('x-amz-crc32, x-amzn-RequestId and Content-Type on success and error responses', async () => {
  const cases = [
    ['ListTables', 'ListTables', {}, 200],
    ['GetItem hit (non-ASCII body)', 'GetItem', getItem('k1'), 200],
    ['GetItem miss', 'GetItem', getItem('nothing'), 200],
    ['DescribeTable', 'DescribeTable', { TableName: T }, 200],
    ['missing table', 'GetItem', { TableName: uniqueName('nope'), Key: { pk: { S: 'a' } } }, 400],
    ['validation error', 'PutItem', { TableName: T, Item: { pk: { N: '1' } } }, 400],
    ['unknown operation', 'NoSuchOperation', {}, 400],
  ];
  const ids = new Set();
  for (const [what, op, body, status] of cases) {
    const r = await post(ep, op, body);
    assert.equal(r.status, status, `${what}: status (${r.body})`);
    checkEnvelope(r, what);
    ids.add(r.headers['x-amzn-requestid']);
  }
  assert.equal(ids.size, cases.length, 'request ids are unique');
  const hit = await post(ep, 'GetItem', getItem('k1'));
  assert.deepEqual(hit.json, { Item: { pk: { S: 'k1' }, v: { S: 'value 1 ✓' } } });
});

test('error bodies are {"__type": "<namespace>#Name", "message": ...}', async () => {
  const missing = uniqueName('nope');
  const r = await post(ep, 'DescribeTable', { TableName: missing });
  assert.equal(r.status, 400);
  assert.equal(r.json.__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
  if (!IS_DDBLOCAL) {
    assert.deepEqual(r.json, {
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: `Requested resource not found: Table: ${missing} not found`,
    });
  }
  const v = await post(ep, 'PutItem', { TableName: T, Item: { pk: { S: 'a' }, s: { SS: [] } } });
  assert.equal(v.status, 400);
  assert.equal(v.json.__type, 'com.amazon.coral.validate#ValidationException');
  assert.equal(messageOf(v.json), 'One or more parameter values were invalid: An string set  may not be empty');
});

test('malformed JSON is 400 SerializationException', { skip: IS_DDBLOCAL && 'DynamoDB Local answers 500 InternalFailure' }, async () => {
  for (const body of ['{bad', '{"TableName": "x",}', '[', 'null', '"just a string"', '{"a":1}}']) {
    const r = await post(ep, 'ListTables', body);
    assert.equal(r.status, 400, `${body} -> ${r.body}`);
    assert.equal(r.json.__type, 'com.amazon.coral.service#SerializationException', body);
    checkEnvelope(r, body);
  }
});

test('missing Authorization is 400 MissingAuthenticationTokenException', async () => {
  const r = await post(ep, 'ListTables', {}, { headers: { Authorization: undefined } });
  assert.equal(r.status, 400);
  checkEnvelope(r, 'no Authorization');
  if (IS_DDBLOCAL) {
    assert.match(r.json.__type, /#MissingAuthenticationToken/);
    return;
  }
  assert.deepEqual(r.json, {
    __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
    message: 'Request is missing Authentication Token',
  });
});

test('unknown X-Amz-Target operation is 400 UnknownOperationException', async () => {
  // DynamoDB Local answers InvalidAction or 500 to the last two.
  const targets = ['DynamoDB_20120810.DescribeEverything', 'Nope.ListTables', 'DynamoDB_20120810.'];
  for (const target of IS_DDBLOCAL ? targets.slice(0, 1) : targets) {
    const r = await post(ep, null, {}, { headers: { 'X-Amz-Target': target } });
    assert.equal(r.status, 400, target);
    assert.equal(errorName(r.json), 'UnknownOperationException', target);
    if (!IS_DDBLOCAL) assert.equal(r.json.__type, 'com.amazon.coral.service#UnknownOperationException', target);
    checkEnvelope(r, target);
  }
  if (IS_DDBLOCAL) return;
  const none = await post(ep, null, {});
  assert.equal(none.status, 400, 'no X-Amz-Target at all');
  assert.equal(errorName(none.json), 'UnknownOperationException');
});

test('several requests in one TCP write are answered in order', async () => {
  const { socket, reader } = await connect(ep);
  try {
    const reqs = [
      requestBytes(ep, 'GetItem', getItem('k3')),
      requestBytes(ep, 'GetItem', getItem('k1')),
      requestBytes(ep, 'PutItem', { TableName: T, Item: { pk: { S: 'pipe' }, v: { S: 'written in the pipeline' } } }),
      requestBytes(ep, 'GetItem', { ...getItem('pipe'), ConsistentRead: true }),
      requestBytes(ep, 'GetItem', { TableName: T, Key: { pk: { N: '1' } } }), // an error in the middle
      requestBytes(ep, 'DeleteItem', { ...getItem('pipe'), ReturnValues: 'ALL_OLD' }),
      requestBytes(ep, 'GetItem', getItem('pipe')),
      requestBytes(ep, 'GetItem', getItem('k5')),
    ];
    socket.write(Buffer.concat(reqs));
    const out = [];
    for (let i = 0; i < reqs.length; i++) out.push(await reader.next());
    out.forEach((r, i) => checkEnvelope(r, `pipelined response ${i}`));
    assert.deepEqual(out.map((r) => r.status), [200, 200, 200, 200, 400, 200, 200, 200]);
    assert.equal(out[0].json.Item.v.S, 'value 3 ✓');
    assert.equal(out[1].json.Item.v.S, 'value 1 ✓');
    assert.deepEqual(out[2].json, {});
    assert.equal(out[3].json.Item.v.S, 'written in the pipeline');
    assert.equal(errorName(out[4].json), 'ValidationException');
    assert.equal(out[5].json.Attributes.v.S, 'written in the pipeline');
    assert.deepEqual(out[6].json, {});
    assert.equal(out[7].json.Item.v.S, 'value 5 ✓');
  } finally {
    socket.destroy();
  }
});

test('pipelined requests split at odd byte boundaries are still answered in order', async () => {
  const { socket, reader } = await connect(ep);
  try {
    const all = Buffer.concat([1, 2, 3, 4].map((i) => requestBytes(ep, 'GetItem', getItem(`k${i}`))));
    for (let p = 0; p < all.length; p += 37) {
      socket.write(all.subarray(p, p + 37));
      if (p % 370 === 0) await sleep(1);
    }
    for (let i = 1; i <= 4; i++) {
      const r = await reader.next();
      assert.equal(r.status, 200);
      assert.equal(r.json.Item.v.S, `value ${i} ✓`);
    }
  } finally {
    socket.destroy();
  }
});

test('keep-alive: one connection serves request after request', async () => {
  const { socket, reader } = await connect(ep);
  let closed = false;
  socket.on('close', () => { closed = true; });
  try {
    for (let i = 1; i <= 5; i++) {
      socket.write(requestBytes(ep, 'GetItem', getItem(`k${i}`)));
      const r = await reader.next();
      assert.equal(r.status, 200);
      assert.equal(r.json.Item.v.S, `value ${i} ✓`);
      assert.notEqual((r.headers.connection || '').toLowerCase(), 'close');
      // Errors keep the connection open too.
      socket.write(requestBytes(ep, 'GetItem', { TableName: uniqueName('nope'), Key: { pk: { S: 'a' } } }));
      const e = await reader.next();
      assert.equal(e.status, 400);
      assert.equal(errorName(e.json), 'ResourceNotFoundException');
    }
    assert.equal(closed, false, 'connection still open');
  } finally {
    socket.destroy();
  }
});

test('a body over 16 MB is refused with 413', { timeout: 30000 }, async () => {
  const { socket, reader } = await connect(ep);
  try {
    const size = 16 * 1024 * 1024 + 1;
    const { host, port } = hostPort(ep);
    socket.on('error', () => { /* the server may close while we still write */ });
    socket.write(`POST / HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/x-amz-json-1.0\r\n`
      + `X-Amz-Target: DynamoDB_20120810.ListTables\r\nX-Amz-Date: 20240101T000000Z\r\nAuthorization: ${AUTH}\r\n`
      + `Content-Length: ${size}\r\n\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const responded = reader.next();
    let sent = 0;
    while (sent < size && !socket.destroyed) {
      const n = Math.min(chunk.length, size - sent);
      const ok = socket.write(chunk.subarray(0, n));
      sent += n;
      if (!ok) {
        await Promise.race([new Promise((r) => socket.once('drain', r)), responded.then(() => {}, () => {})]);
        if (reader.waiters.length === 0) break; // answered already
      }
    }
    const r = await responded;
    assert.equal(r.status, 413);
  } finally {
    socket.destroy();
  }
  // The server is fine afterwards.
  const ok = await post(ep, 'GetItem', getItem('k2'));
  assert.equal(ok.json.Item.v.S, 'value 2 ✓');
});

test('a slow client that stalls mid-request does not block others', async () => {
  const slow = await connect(ep);
  const slowHead = await connect(ep);
  try {
    const full = requestBytes(ep, 'GetItem', getItem('k4'));
    const headEnd = full.indexOf('\r\n\r\n') + 4;
    const cut = headEnd + Math.floor((full.length - headEnd) / 2);
    slow.socket.write(full.subarray(0, cut)); // headers and half the body
    slowHead.socket.write(full.subarray(0, 40)); // half a request line and headers
    await sleep(200);
    const t0 = Date.now();
    const others = await Promise.all([1, 2, 3].map((i) => post(ep, 'GetItem', getItem(`k${i}`))));
    assert.ok(Date.now() - t0 < 3000, `others answered in ${Date.now() - t0} ms`);
    others.forEach((r, i) => assert.equal(r.json.Item.v.S, `value ${i + 1} ✓`));
    // The slow ones finish and are answered.
    slow.socket.write(full.subarray(cut));
    slowHead.socket.write(full.subarray(40));
    const [a, b] = await Promise.all([slow.reader.next(), slowHead.reader.next()]);
    assert.equal(a.json.Item.v.S, 'value 4 ✓');
    assert.equal(b.json.Item.v.S, 'value 4 ✓');
  } finally {
    slow.socket.destroy();
    slowHead.socket.destroy();
  }
});

test('200 concurrent connections are all served', { timeout: 60000 }, async () => {
  const N = 200;
  const conns = await Promise.all(Array.from({ length: N }, () => connect(ep)));
  try {
    conns.forEach(({ socket }, i) => socket.write(requestBytes(ep, 'GetItem', getItem(`k${(i % 5) + 1}`))));
    const rs = await Promise.all(conns.map(({ reader }) => reader.next()));
    rs.forEach((r, i) => {
      assert.equal(r.status, 200, `connection ${i}`);
      assert.equal(r.json.Item.v.S, `value ${(i % 5) + 1} ✓`);
    });
    // And a second round on the same connections.
    conns.forEach(({ socket }) => socket.write(requestBytes(ep, 'ListTables', { Limit: 1 })));
    const again = await Promise.all(conns.map(({ reader }) => reader.next()));
    assert.ok(again.every((r) => r.status === 200 && Array.isArray(r.json.TableNames)));
  } finally {
    conns.forEach(({ socket }) => socket.destroy());
  }
});

test('garbage on a connection does not hurt the server', async () => {
  for (const junk of ['GARBAGE\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n', '\x00\x01\x02\xff\r\n\r\n',
    `POST / HTTP/1.1\r\nX-Long: ${'a'.repeat(100000)}\r\n\r\n`]) {
    const { socket, reader } = await connect(ep);
    socket.on('error', () => {});
    socket.write(junk);
    // Either an HTTP error answer or a closed connection; never a hang.
    let timer;
    const r = await Promise.race([
      reader.next().catch(() => null),
      new Promise((res) => { timer = setTimeout(res, 5000, 'timeout'); }),
    ]);
    clearTimeout(timer);
    socket.destroy();
    assert.notEqual(r, 'timeout', `no answer and no close for ${JSON.stringify(junk.slice(0, 40))}`);
    if (r) assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
  }
  const ok = await post(ep, 'GetItem', getItem('k1'));
  assert.equal(ok.json.Item.v.S, 'value 1 ✓');
});

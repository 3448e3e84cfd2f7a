// Transactions with the AWS SDK for JavaScript v3: TransactWriteItems (Put,
// Update, Delete, ConditionCheck across tables, all or nothing), cancellation
// reasons in request order with the old item when asked, the request-level
// errors in DynamoDB's order, ClientRequestToken idempotency, the 4 MB and
// 400 KB limits, doubled capacity, TransactGetItems, lib-dynamodb's document
// client, transaction conflicts (pipelined on one connection, so that they
// are deterministic) and a 10-second balance-transfer loop over several
// connections whose total must never change.
//
// DynamoDB's texts: paritysuite tests/tier3/error-messages/
// transactWriteItems.test.ts and validation-ordering/transactions.test.ts
// (us-east-1, 2026-10-09), DynamoDB Local 1.25 where marked.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand,
  TransactWriteItemsCommand, TransactGetItemsCommand, BatchWriteItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, TransactGetCommand } from '@aws-sdk/lib-dynamodb';
import {
  endpoint, client, uniqueName, expectError, stopSharedServer, startServer, BIN, IS_DDBLOCAL, isDdbwatch } from '../lib/env.mjs';
import { connect, requestBytes, errorName } from '../lib/raw.mjs';

let ep;
let ddb;
const T = uniqueName('tx'); // pk S
const T2 = uniqueName('tx2'); // pk S, sk N
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
const send = (Cmd, input) => ddb.send(new Cmd(input));
const write = (input) => send(TransactWriteItemsCommand, input);
const get = async (TableName, Key) => (await send(GetItemCommand, { TableName, Key, ConsistentRead: true })).Item;
const CANCELLED = (codes) => `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`;

async function createTable(TableName, keys) {
  await send(CreateTableCommand, {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map(([n, t]) => ({ AttributeName: n, AttributeType: t })),
    KeySchema: keys.map(([n], i) => ({ AttributeName: n, KeyType: i ? 'RANGE' : 'HASH' })),
  });
}

before(async () => {
  ep = await endpoint();
  ddb = client(ep);
  await createTable(T, [['pk', 'S']]);
  await createTable(T2, [['pk', 'S'], ['sk', 'N']]);
});

after(async () => {
  for (const t of [T, T2]) {
    try { await send(DeleteTableCommand, { TableName: t }); } catch { /* gone */ }
  }
  ddb.destroy();
  await stopSharedServer();
});

// Awaits a TransactionCanceledException; returns its CancellationReasons.
async function cancelled(promise, codes) {
  const err = await expectError(promise, { name: 'TransactionCanceledException', message: CANCELLED(codes) });
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code), codes);
  return err.CancellationReasons;
}

test('Put, Update, Delete and ConditionCheck across two tables are applied together', async () => {
  await send(PutItemCommand, { TableName: T, Item: { pk: S('tx-del'), v: N(1) } });
  await send(PutItemCommand, { TableName: T, Item: { pk: S('tx-chk'), ok: { BOOL: true } } });
  await send(PutItemCommand, { TableName: T2, Item: { pk: S('tx-upd'), sk: N(1), n: N(10) } });
  const out = await write({
    TransactItems: [
      { Put: { TableName: T, Item: { pk: S('tx-put'), v: S('new') }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          TableName: T2, Key: { pk: S('tx-upd'), sk: N(1) },
          UpdateExpression: 'SET n = n + :d, tag = :t', ExpressionAttributeValues: { ':d': N(5), ':t': S('x') },
        },
      },
      { Delete: { TableName: T, Key: { pk: S('tx-del') } } },
      { ConditionCheck: { TableName: T, Key: { pk: S('tx-chk') }, ConditionExpression: 'ok = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } } },
    ],
    ReturnConsumedCapacity: 'TOTAL',
  });
  assert.deepEqual((await get(T, { pk: S('tx-put') })).v, S('new'));
  assert.deepEqual(await get(T2, { pk: S('tx-upd'), sk: N(1) }), { pk: S('tx-upd'), sk: N(1), n: N(15), tag: S('x') });
  assert.equal(await get(T, { pk: S('tx-del') }), undefined);
  // Transactions cost twice: 2 units per write of up to 1 KB (a ConditionCheck too).
  // (DynamoDB Local's figures follow no rule we could find; checked on ddbwatch only.)
  if (!IS_DDBLOCAL) {
    const cc = Object.fromEntries(out.ConsumedCapacity.map((c) => [c.TableName, c]));
    assert.equal(cc[T].CapacityUnits, 6);
    assert.equal(cc[T].WriteCapacityUnits, 6);
    assert.equal(cc[T2].CapacityUnits, 2);
  }
});

test('a failing ConditionCheck cancels everything; reasons in order, None for the others', async () => {
  await send(PutItemCommand, { TableName: T, Item: { pk: S('atom-a'), n: N(1) } });
  const reasons = await cancelled(write({
    TransactItems: [
      { Update: { TableName: T, Key: { pk: S('atom-a') }, UpdateExpression: 'SET n = :v', ExpressionAttributeValues: { ':v': N(99) } } },
      { Put: { TableName: T, Item: { pk: S('atom-b') } } },
      { ConditionCheck: { TableName: T, Key: { pk: S('atom-missing') }, ConditionExpression: 'attribute_exists(pk)' } },
    ],
  }), ['None', 'None', 'ConditionalCheckFailed']);
  assert.equal(reasons[2].Message, IS_DDBLOCAL ? 'The conditional request failed.' : 'The conditional request failed');
  assert.deepEqual((await get(T, { pk: S('atom-a') })).n, N(1), 'the update was rolled back');
  assert.equal(await get(T, { pk: S('atom-b') }), undefined, 'the put was rolled back');
});

test('ReturnValuesOnConditionCheckFailure ALL_OLD puts the item in its reason', async () => {
  await send(PutItemCommand, { TableName: T, Item: { pk: S('rvoccf'), secret: S('s') } });
  const reasons = await cancelled(write({
    TransactItems: [
      { Put: { TableName: T, Item: { pk: S('rvoccf') }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      { Put: { TableName: T, Item: { pk: S('rvoccf-2') }, ConditionExpression: 'attribute_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    ],
  }), ['ConditionalCheckFailed', 'ConditionalCheckFailed']);
  assert.deepEqual(reasons[0].Item, { pk: S('rvoccf'), secret: S('s') });
  assert.equal(reasons[1].Item, undefined, 'no item, no Item');
});

test('validation: empty list, more than 100 actions, one action per item', async () => {
  await expectError(write({ TransactItems: [] }), {
    name: 'ValidationException',
    message: "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    localDiffers: true,
  });
  const many = Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: T, Item: { pk: S(`many-${i}`) } } }));
  await expectError(write({ TransactItems: many }), {
    name: 'ValidationException',
    message: /^1 validation error detected: Value '\[.+\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/s,
    localDiffers: true,
  });
  await expectError(write({
    TransactItems: [
      { Put: { TableName: T, Item: { pk: S('dup') } } },
      { ConditionCheck: { TableName: T, Key: { pk: S('dup') }, ConditionExpression: 'attribute_exists(pk)' } },
    ],
  }), { name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
  assert.equal(await get(T, { pk: S('dup') }), undefined);
  // The same key in two tables is two items.
  await write({
    TransactItems: [
      { Put: { TableName: T, Item: { pk: S('two-tables') } } },
      { Put: { TableName: T2, Item: { pk: S('two-tables'), sk: N(0) } } },
    ],
  });
});

test('validation: an action must be exactly one of Put, Update, Delete, ConditionCheck', async () => {
  const body = (ti) => ({ TransactItems: [ti] });
  const raw = async (b) => {
    const { socket, reader } = await connect(ep);
    socket.write(requestBytes(ep, 'TransactWriteItems', b));
    const r = await reader.next();
    socket.destroy();
    return r;
  };
  let r = await raw(body({}));
  assert.equal(r.status, 400);
  if (!IS_DDBLOCAL) {
    assert.equal(r.json.message, 'The action or operation requested is invalid. Verify that the action is typed correctly.');
  }
  r = await raw(body({ Put: { TableName: T, Item: { pk: S('x') } }, Delete: { TableName: T, Key: { pk: S('x') } } }));
  assert.equal(r.status, 400);
  assert.equal(r.json.message ?? r.json.Message, 'TransactItems can only contain one of Check, Put, Update or Delete');
});

test('validation order: a malformed expression anywhere comes before a missing table; unused values too', async () => {
  const missing = { Put: { TableName: uniqueName('tx-missing'), Item: { pk: S('a') } } };
  await expectError(write({
    TransactItems: [missing, { ConditionCheck: { TableName: T, Key: { pk: S('cc') }, ConditionExpression: 'attribute_not_exists(' } }],
  }), { name: 'ValidationException', message: 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("' });
  await expectError(write({
    TransactItems: [missing, {
      ConditionCheck: {
        TableName: T, Key: { pk: S('cc') }, ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':v': S('x') },
      },
    }],
  }), { name: 'ValidationException', message: 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}' });
  await expectError(write({ TransactItems: [missing] }), {
    name: 'ResourceNotFoundException', message: 'Requested resource not found', localDiffers: true,
  });
  await expectError(write({
    TransactItems: [{ Put: { TableName: T, Item: { pk: S('a') }, ExpressionAttributeValues: { ':v': S('x') } } }],
  }), {
    name: 'ValidationException',
    message: 'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
  });
});

test('keys: empty values are request errors, mismatched ones are ValidationError reasons', async () => {
  await expectError(write({ TransactItems: [{ Put: { TableName: T, Item: { pk: S('') } } }] }), {
    name: 'ValidationException',
    message: 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
  });
  await expectError(write({ TransactItems: [{ Delete: { TableName: T, Key: { pk: S('') } } }] }), {
    name: 'ValidationException',
    message: 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    localDiffers: true,
  });
  let reasons = await cancelled(write({ TransactItems: [{ Put: { TableName: T, Item: { pk: N(5) } } }] }), ['ValidationError']);
  if (!IS_DDBLOCAL) assert.equal(reasons[0].Message, 'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N');
  reasons = await cancelled(write({ TransactItems: [{ Delete: { TableName: T, Key: { pk: N(5) } } }] }), ['ValidationError']);
  if (!IS_DDBLOCAL) assert.equal(reasons[0].Message, 'The provided key element does not match the schema');
  reasons = await cancelled(write({
    TransactItems: [{ Update: { TableName: T, Key: { pk: S('k') }, UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': S('x') } } }],
  }), ['ValidationError']);
  assert.equal(reasons[0].Message, 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key');
});

test('sizes: a Put over 400 KB is refused up front, an Update growing past it is cancelled, 4 MB in total', async () => {
  const big = 'x'.repeat(409600);
  await expectError(write({ TransactItems: [{ Put: { TableName: T, Item: { pk: S('big'), d: S(big) } } }] }), {
    name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size',
  });
  // us-east-1 cancels (paritysuite limits/itemSizeBySurface.test.ts); DynamoDB
  // Local refuses the request.
  const upd = write({
    TransactItems: [{ Update: { TableName: T, Key: { pk: S('big-upd') }, UpdateExpression: 'SET d = :d', ExpressionAttributeValues: { ':d': S(big) } } }],
  });
  if (IS_DDBLOCAL) {
    await expectError(upd, { name: 'ValidationException', message: 'Item size to update has exceeded the maximum allowed size' });
  } else {
    const reasons = await cancelled(upd, ['ValidationError']);
    assert.equal(reasons[0].Message, 'Item size to update has exceeded the maximum allowed size');
  }
  const items = Array.from({ length: 11 }, (_, i) => ({ Put: { TableName: T, Item: { pk: S(`mb-${i}`), d: S('y'.repeat(400000)) } } }));
  await expectError(write({ TransactItems: items }), {
    name: 'ValidationException', message: /^Transaction payload size cannot exceed 4MB/,
  });
  assert.equal(await get(T, { pk: S('mb-0') }), undefined);
});

test('secondary-index keys: an empty value is a request error, a mismatched type a ValidationError reason', async () => {
  const TG = uniqueName('tx-gsi');
  await send(CreateTableCommand, {
    TableName: TG, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  });
  try {
    await expectError(write({ TransactItems: [{ Put: { TableName: TG, Item: { pk: S('a'), g: S('') } } }] }), {
      name: 'ValidationException',
      message: 'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by-g, IndexKey: g',
      localDiffers: true,
    });
    await expectError(write({
      TransactItems: [{ Update: { TableName: TG, Key: { pk: S('a') }, UpdateExpression: 'SET g = :v', ExpressionAttributeValues: { ':v': S('') } } }],
    }), {
      name: 'ValidationException',
      message: 'One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value.',
      localDiffers: true,
    });
    if (!IS_DDBLOCAL) {
      const reasons = await cancelled(write({
        TransactItems: [{ Update: { TableName: TG, Key: { pk: S('a') }, UpdateExpression: 'SET g = :v', ExpressionAttributeValues: { ':v': N(5) } } }],
      }), ['ValidationError']);
      assert.equal(reasons[0].Message, 'One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g');
    }
  } finally {
    await send(DeleteTableCommand, { TableName: TG });
  }
});

test('ClientRequestToken: a replay returns the same answer without applying again; another payload is a mismatch', async () => {
  const token = `tok-${Date.now()}`;
  const req = {
    ClientRequestToken: token,
    TransactItems: [{ Update: { TableName: T, Key: { pk: S('idem') }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': N(1) } } }],
  };
  assert.deepEqual((await write(req)).ConsumedCapacity, undefined);
  await write(req);
  const replay = await write({ ...req, ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual((await get(T, { pk: S('idem') })).n, N(1), 'applied once');
  // A replay reports the reads it cost (DynamoDB Local: 2 read units per item).
  assert.equal(replay.ConsumedCapacity[0].TableName, T);
  assert.equal(replay.ConsumedCapacity[0].ReadCapacityUnits, 2);
  await expectError(write({ ...req, TransactItems: [{ Put: { TableName: T, Item: { pk: S('idem-other') } } }] }), {
    name: 'IdempotentParameterMismatchException',
  });
  assert.equal(await get(T, { pk: S('idem-other') }), undefined);
  // A failed call is not remembered: after fixing the data, the same token runs.
  const t2 = `tok2-${Date.now()}`;
  const cond = {
    ClientRequestToken: t2,
    TransactItems: [{ ConditionCheck: { TableName: T, Key: { pk: S('idem-later') }, ConditionExpression: 'attribute_exists(pk)' } }],
  };
  await cancelled(write(cond), ['ConditionalCheckFailed']);
  await send(PutItemCommand, { TableName: T, Item: { pk: S('idem-later') } });
  await write(cond);
});

test('TransactGetItems: items in order, projections, {} for missing ones, capacity doubled', async () => {
  await send(PutItemCommand, { TableName: T, Item: { pk: S('g1'), a: S('x'), m: { M: { b: N(1), c: N(2) } } } });
  await send(PutItemCommand, { TableName: T2, Item: { pk: S('g2'), sk: N(7), z: S('z') } });
  const out = await send(TransactGetItemsCommand, {
    TransactItems: [
      { Get: { TableName: T, Key: { pk: S('g1') }, ProjectionExpression: '#m.b, a', ExpressionAttributeNames: { '#m': 'm' } } },
      { Get: { TableName: T, Key: { pk: S('g-missing') } } },
      { Get: { TableName: T2, Key: { pk: S('g2'), sk: N(7) } } },
    ],
    ReturnConsumedCapacity: 'TOTAL',
  });
  assert.deepEqual(out.Responses, [
    { Item: { a: S('x'), m: { M: { b: N(1) } } } },
    {},
    { Item: { pk: S('g2'), sk: N(7), z: S('z') } },
  ]);
  const cc = Object.fromEntries(out.ConsumedCapacity.map((c) => [c.TableName, c.CapacityUnits]));
  assert.deepEqual(cc, { [T]: 4, [T2]: 2 });
  await expectError(send(TransactGetItemsCommand, {
    TransactItems: [{ Get: { TableName: T, Key: { pk: S('g1') }, ProjectionExpression: '!!!' } }],
  }), { name: 'ValidationException', message: 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"' });
  await expectError(send(TransactGetItemsCommand, {
    TransactItems: [{ Get: { TableName: T, Key: { pk: S('g1') } } }, { Get: { TableName: T, Key: { pk: S('g1') } } }],
  }), { name: 'ValidationException', message: 'Transaction request cannot include multiple operations on one item' });
  await expectError(send(TransactGetItemsCommand, {
    TransactItems: [{ Get: { TableName: uniqueName('tg-missing'), Key: { pk: S('x') } } }],
  }), { name: 'ResourceNotFoundException', message: 'Requested resource not found', localDiffers: true });
  const err = await expectError(send(TransactGetItemsCommand, { TransactItems: [{ Get: { TableName: T, Key: {} } }] }), {
    name: 'TransactionCanceledException', message: CANCELLED(['ValidationError']), localDiffers: true,
  });
  if (!IS_DDBLOCAL) assert.equal(err.CancellationReasons[0].Code, 'ValidationError');
});

test('lib-dynamodb document client: TransactWriteCommand and TransactGetCommand', async () => {
  const doc = DynamoDBDocumentClient.from(ddb);
  await doc.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: T, Item: { pk: 'doc-1', tags: new Set(['a', 'b']), n: 1 } } },
      { Update: { TableName: T, Key: { pk: 'doc-2' }, UpdateExpression: 'SET l = list_append(if_not_exists(l, :e), :v)', ExpressionAttributeValues: { ':e': [], ':v': [1, 2] } } },
    ],
  }));
  const got = await doc.send(new TransactGetCommand({
    TransactItems: [{ Get: { TableName: T, Key: { pk: 'doc-1' } } }, { Get: { TableName: T, Key: { pk: 'doc-2' } } }],
  }));
  assert.deepEqual(got.Responses[0].Item, { pk: 'doc-1', tags: new Set(['a', 'b']), n: 1 });
  assert.deepEqual(got.Responses[1].Item, { pk: 'doc-2', l: [1, 2] });
});

// A TransactWriteItems and the requests that follow it on one connection in
// one TCP write are handled in one turn of the server's loop, before the
// group commit that makes the transaction durable: each of them meets the
// transaction "in progress", as another client would at that moment.
test('conflicts: writes and transactions touching an item of a transaction in progress', async (t) => {
  if (!(await isDdbwatch(await endpoint()))) return t.skip('needs ddbwatch: which requests meet a transaction in progress depends on the server');
  const key = { pk: S('busy') };
  const reqs = [
    ['TransactWriteItems', { TransactItems: [{ Put: { TableName: T, Item: { ...key, v: S('tx') } } }] }],
    ['PutItem', { TableName: T, Item: { ...key, v: S('plain') } }],
    ['UpdateItem', { TableName: T, Key: key, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': S('plain') } }],
    ['DeleteItem', { TableName: T, Key: key }],
    ['TransactWriteItems', { TransactItems: [{ Put: { TableName: T, Item: { pk: S('busy-other') } } }, { ConditionCheck: { TableName: T, Key: key, ConditionExpression: 'attribute_exists(pk)' } }] }],
    ['TransactGetItems', { TransactItems: [{ Get: { TableName: T, Key: key } }] }],
    ['BatchWriteItem', { RequestItems: { [T]: [{ PutRequest: { Item: { ...key, v: S('batch') } } }, { PutRequest: { Item: { pk: S('busy-free') } } }] } }],
    ['GetItem', { TableName: T, Key: key, ConsistentRead: true }],
  ];
  const { socket, reader } = await connect(ep);
  socket.write(Buffer.concat(reqs.map(([op, body]) => requestBytes(ep, op, body))));
  const out = [];
  for (let i = 0; i < reqs.length; i++) out.push(await reader.next());
  socket.destroy();
  assert.equal(out[0].status, 200, JSON.stringify(out[0].json));
  for (const i of [1, 2, 3]) {
    assert.equal(errorName(out[i].json), 'TransactionConflictException', `${reqs[i][0]}: ${JSON.stringify(out[i].json)}`);
    assert.equal(out[i].json.message, 'Transaction is ongoing for the item');
  }
  assert.equal(errorName(out[4].json), 'TransactionCanceledException');
  assert.deepEqual(out[4].json.CancellationReasons, [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }]);
  assert.equal(errorName(out[5].json), 'TransactionCanceledException');
  assert.deepEqual(out[5].json.CancellationReasons.map((r) => r.Code), ['TransactionConflict']);
  assert.equal(out[6].status, 200);
  assert.deepEqual(out[6].json.UnprocessedItems, { [T]: [{ PutRequest: { Item: { ...key, v: S('batch') } } }] });
  assert.deepEqual(out[7].json.Item, { ...key, v: S('tx') }, 'reads are not blocked and see the transaction');
  // Once durable, the item is free again.
  await send(PutItemCommand, { TableName: T, Item: { ...key, v: S('later') } });
  assert.deepEqual((await get(T, key)).v, S('later'));
  assert.ok(await get(T, { pk: S('busy-free') }), 'the batch wrote the free item');
  assert.equal(await get(T, { pk: S('busy-other') }), undefined, 'the cancelled transaction wrote nothing');
});

// Many clients move money between a few accounts for 10 s: transfers are
// TransactWriteItems (debit with a condition, credit), while other clients
// read with TransactGetItems and touch the accounts with plain writes that do
// not change balances. Conflicts and failed conditions are expected; money is
// never created or lost. Against ddbwatch the loop runs on its own server with
// durable (group-committed) writes, where a transaction stays in progress the
// longest.
test('concurrency: a 10-second balance-transfer loop over several connections keeps the total', { timeout: 120000 }, async (t) => {
  let server = null;
  let dir = null;
  let target = ep;
  if (BIN && !process.env.DDB_ENDPOINT) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddbwatch-tx-'));
    server = await startServer({ dataDir: dir });
    target = server.endpoint;
  }
  const admin = client(target);
  const table = uniqueName('bank');
  const ACCOUNTS = 5;
  const START = 1000;
  try {
    await admin.send(new CreateTableCommand({
      TableName: table, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }));
    for (let i = 0; i < ACCOUNTS; i++) {
      await admin.send(new PutItemCommand({ TableName: table, Item: { pk: S(`acct-${i}`), balance: N(START) } }));
    }
    const stats = { transfers: 0, cancelled: 0, txConflicts: 0, plainConflicts: 0, reads: 0, readConflicts: 0, other: [] };
    const moved = new Array(ACCOUNTS).fill(0);
    const deadline = Date.now() + 10000;
    const rnd = (n) => Math.floor(Math.random() * n);

    async function transferer(c) {
      while (Date.now() < deadline) {
        const from = rnd(ACCOUNTS);
        let to = rnd(ACCOUNTS - 1);
        if (to >= from) to++;
        const amount = 1 + rnd(50);
        try {
          await c.send(new TransactWriteItemsCommand({
            TransactItems: [
              { Update: { TableName: table, Key: { pk: S(`acct-${from}`) }, UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': N(amount) } } },
              { Update: { TableName: table, Key: { pk: S(`acct-${to}`) }, UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': N(amount) } } },
            ],
          }));
          stats.transfers++;
          moved[from] -= amount;
          moved[to] += amount;
        } catch (e) {
          if (e.name !== 'TransactionCanceledException') { stats.other.push(`${e.name}: ${e.message}`); continue; }
          stats.cancelled++;
          if (e.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')) stats.txConflicts++;
        }
      }
    }
    async function toucher(c) {
      while (Date.now() < deadline) {
        try {
          await c.send(new UpdateItemCommand({
            TableName: table, Key: { pk: S(`acct-${rnd(ACCOUNTS)}`) },
            UpdateExpression: 'ADD touches :one', ExpressionAttributeValues: { ':one': N(1) },
          }));
        } catch (e) {
          if (e.name === 'TransactionConflictException') stats.plainConflicts++;
          else stats.other.push(`${e.name}: ${e.message}`);
        }
      }
    }
    async function reader(c) {
      while (Date.now() < deadline) {
        try {
          const out = await c.send(new TransactGetItemsCommand({
            TransactItems: Array.from({ length: ACCOUNTS }, (_, i) => ({ Get: { TableName: table, Key: { pk: S(`acct-${i}`) } } })),
          }));
          stats.reads++;
          const total = out.Responses.reduce((s, r) => s + Number(r.Item.balance.N), 0);
          assert.equal(total, ACCOUNTS * START, 'a transactional read sees a consistent total');
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          if (e.name === 'TransactionCanceledException') stats.readConflicts++;
          else stats.other.push(`${e.name}: ${e.message}`);
        }
      }
    }
    const clients = Array.from({ length: 10 }, () => client(target));
    await Promise.all([
      ...clients.slice(0, 6).map(transferer),
      ...clients.slice(6, 8).map(toucher),
      ...clients.slice(8).map(reader),
    ]);
    clients.forEach((c) => c.destroy());

    t.diagnostic(`stats: ${JSON.stringify({ ...stats, other: stats.other.length })}`);
    assert.deepEqual(stats.other, [], 'no unexpected errors');
    let total = 0;
    for (let i = 0; i < ACCOUNTS; i++) {
      const item = (await admin.send(new GetItemCommand({ TableName: table, Key: { pk: S(`acct-${i}`) }, ConsistentRead: true }))).Item;
      const balance = Number(item.balance.N);
      assert.ok(balance >= 0, `account ${i} never goes negative`);
      assert.equal(balance, START + moved[i], `account ${i}: every acknowledged transfer applied exactly once`);
      total += balance;
    }
    assert.equal(total, ACCOUNTS * START, 'money is neither created nor lost');
    assert.ok(stats.transfers > 100, `transfers happened (${JSON.stringify(stats)})`);
    if (server) {
      assert.ok(stats.txConflicts + stats.plainConflicts + stats.readConflicts > 0,
        `conflicts were exercised (${JSON.stringify(stats)})`);
    }
  } finally {
    try { await admin.send(new DeleteTableCommand({ TableName: table })); } catch { /* gone */ }
    admin.destroy();
    if (server) assert.equal(await server.stop(), 0, 'ddbwatch stopped cleanly');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('BatchWriteItem: writes through the shared path; transacted items come back unprocessed only while busy', async () => {
  const out = await send(BatchWriteItemCommand, {
    RequestItems: { [T]: [{ PutRequest: { Item: { pk: S('bw-1') } } }, { DeleteRequest: { Key: { pk: S('bw-none') } } }] },
  });
  assert.deepEqual(out.UnprocessedItems, {});
  assert.ok(await get(T, { pk: S('bw-1') }));
});

// ExecuteTransaction as a transaction with the AWS SDK for JavaScript v3 and
// lib-dynamodb: ClientRequestToken idempotency (a replay answers again without
// applying again, another payload is IdempotentParameterMismatchException, a
// failed call is not remembered, one token namespace with TransactWriteItems)
// and the item locks it shares with TransactWriteItems (a plain write to an
// item that a transaction in progress holds is TransactionConflictException;
// another transaction is cancelled with a TransactionConflict reason), and
// a transaction that changed nothing leaves no lock behind (TransactWriteItems
// too). Its capacity on a table with indexes: batch_capacity.test.mjs.
//
// Sources: API_ExecuteTransaction (ClientRequestToken: idempotent for 10
// minutes), API_TransactWriteItems; DynamoDB Local 1.25 agrees on the replay
// and mismatch outcomes (its mismatch text differs and it returns no
// ConsumedCapacity for PartiQL, see conformance/KNOWN_DIFFERENCES.md).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, GetItemCommand,
  ExecuteTransactionCommand, TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ExecuteTransactionCommand as DocExecuteTransactionCommand } from '@aws-sdk/lib-dynamodb';
import { endpoint, client, uniqueName, expectError, stopSharedServer, IS_DDBLOCAL, isDdbwatch } from '../lib/env.mjs';
import { connect, requestBytes, errorName } from '../lib/raw.mjs';

let ep;
let ddb;
let doc;
let ddbwatch = false; // the endpoint answers ddbwatch's admin API (its group commit can be raced)
const T = uniqueName('pqtx'); // pk S
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
const CONFLICT = 'Transaction is ongoing for the item';
const CANCELLED = (codes) => `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`;

const tx = (input) => ddb.send(new ExecuteTransactionCommand(input));
const get = async (TableName, Key) => (await ddb.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;

before(async () => {
  ep = await endpoint();
  ddb = client(ep);
  doc = DynamoDBDocumentClient.from(ddb);
  ddbwatch = await isDdbwatch(ep);
  await ddb.send(new CreateTableCommand({
    TableName: T, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
});

after(async () => {
  try { await ddb.send(new DeleteTableCommand({ TableName: T })); } catch { /* gone */ }
  ddb.destroy();
  await stopSharedServer();
});

// Sends reqs ([operation, body] pairs) in one TCP write on one connection and
// resolves to their responses in order.
async function pipelined(reqs) {
  const { socket, reader } = await connect(ep);
  socket.write(Buffer.concat(reqs.map(([op, body]) => requestBytes(ep, op, body))));
  const out = [];
  try {
    for (let i = 0; i < reqs.length; i++) out.push(await reader.next());
  } finally {
    socket.destroy();
  }
  return out;
}

const token = (name) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

test('a ClientRequestToken replay answers again without applying the statements again', async () => {
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('idem'), n: N(0) } }));
  const input = {
    ClientRequestToken: token('idem'),
    TransactStatements: [
      { Statement: `UPDATE "${T}" SET n = n + 1 WHERE pk = 'idem'` },
      { Statement: `INSERT INTO "${T}" VALUE {'pk': ?, 'v': ?}`, Parameters: [S('idem-new'), N(1)] },
    ],
  };
  const first = await tx(input);
  assert.deepEqual(first.Responses, []);
  const again = await tx(input);
  assert.deepEqual(again.Responses, [], 'the replay answers as the first call did');
  // Without the token the INSERT would fail as a duplicate: the replay ran nothing.
  assert.deepEqual((await get(T, { pk: S('idem') })).n, N(1), 'the UPDATE was applied once');
  assert.ok(await get(T, { pk: S('idem-new') }));
  // A replay that asks for capacity is told what DynamoDB charges for a replay: reads.
  const counted = await tx({ ...input, ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(counted.Responses, []);
  if (!IS_DDBLOCAL) assert.deepEqual(counted.ConsumedCapacity, [{ TableName: T, CapacityUnits: 4 }]);
  assert.deepEqual((await get(T, { pk: S('idem') })).n, N(1));
});

test('the same token with another payload is IdempotentParameterMismatchException and applies nothing', async () => {
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('mismatch'), n: N(0) } }));
  const ClientRequestToken = token('mismatch');
  const stmt = (by) => ({ Statement: `UPDATE "${T}" SET n = n + ${by} WHERE pk = 'mismatch'` });
  await tx({ ClientRequestToken, TransactStatements: [stmt(1)] });
  await expectError(tx({ ClientRequestToken, TransactStatements: [stmt(2)] }), {
    name: 'IdempotentParameterMismatchException', localDiffers: true,
    message: 'Request parameters do not match the original request with this ClientRequestToken',
  });
  // A statement's own ReturnValuesOnConditionCheckFailure is part of the payload.
  await expectError(tx({ ClientRequestToken, TransactStatements: [{ ...stmt(1), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }] }),
    { name: 'IdempotentParameterMismatchException', localDiffers: true });
  assert.deepEqual((await get(T, { pk: S('mismatch') })).n, N(1));
});

test('a cancelled call is not remembered: the same token runs again', async () => {
  const ClientRequestToken = token('retry');
  const insert = { Statement: `INSERT INTO "${T}" VALUE {'pk': 'retry-item', 'n': 1}` };
  const check = { Statement: `EXISTS(SELECT * FROM "${T}" WHERE pk = 'retry-gate' AND ok = true)` };
  const err = await expectError(tx({ ClientRequestToken, TransactStatements: [insert, check] }), {
    name: 'TransactionCanceledException', message: CANCELLED(['None', 'ConditionalCheckFailed']),
  });
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed']);
  assert.equal(await get(T, { pk: S('retry-item') }), undefined);
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('retry-gate'), ok: { BOOL: true } } }));
  await tx({ ClientRequestToken, TransactStatements: [insert, check] });
  assert.deepEqual(await get(T, { pk: S('retry-item') }), { pk: S('retry-item'), n: N(1) });
});

test('one token namespace: a token of TransactWriteItems is a mismatch for ExecuteTransaction', async () => {
  const ClientRequestToken = token('shared');
  await ddb.send(new TransactWriteItemsCommand({
    ClientRequestToken, TransactItems: [{ Put: { TableName: T, Item: { pk: S('shared') } } }],
  }));
  await expectError(tx({ ClientRequestToken, TransactStatements: [{ Statement: `INSERT INTO "${T}" VALUE {'pk': 'shared'}` }] }),
    { name: 'IdempotentParameterMismatchException', localDiffers: true });
});

test('lib-dynamodb: a replayed ExecuteTransaction with native values applies once', async () => {
  await doc.send(new DocExecuteTransactionCommand({
    TransactStatements: [{ Statement: `INSERT INTO "${T}" VALUE {'pk': ?, 'n': ?}`, Parameters: ['doc-idem', 0] }],
  }));
  const input = {
    ClientRequestToken: token('doc'),
    TransactStatements: [{ Statement: `UPDATE "${T}" SET n = n + ? WHERE pk = ?`, Parameters: [5, 'doc-idem'] }],
  };
  await doc.send(new DocExecuteTransactionCommand(input));
  await doc.send(new DocExecuteTransactionCommand(input));
  assert.deepEqual((await get(T, { pk: S('doc-idem') })).n, N(5));
});

// An ExecuteTransaction and the requests that follow it on one connection in
// one TCP write are handled in one turn of the server's loop, before the group
// commit that makes the transaction durable: each of them meets the
// transaction in progress, as another client would at that moment.
test('locks: an ExecuteTransaction holds its items until it is durable', async (t) => {
  if (!ddbwatch) return t.skip('needs ddbwatch, whose group commit a pipelined request can race');
  const key = { pk: S('busy') };
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('shared') } }));
  const reqs = [
    ['ExecuteTransaction', { TransactStatements: [
      { Statement: `INSERT INTO "${T}" VALUE {'pk': 'busy', 'v': 'tx'}` },
      { Statement: `EXISTS(SELECT * FROM "${T}" WHERE pk = 'shared' AND attribute_exists(pk))` },
    ] }],
    ['PutItem', { TableName: T, Item: { ...key, v: S('plain') } }],
    ['ExecuteStatement', { Statement: `UPDATE "${T}" SET v = 'plain' WHERE pk = 'busy'` }],
    ['DeleteItem', { TableName: T, Key: { pk: S('shared') } }],
    ['ExecuteTransaction', { TransactStatements: [
      { Statement: `INSERT INTO "${T}" VALUE {'pk': 'busy-other'}` },
      { Statement: `DELETE FROM "${T}" WHERE pk = 'busy'` },
    ] }],
    ['ExecuteTransaction', { TransactStatements: [
      { Statement: `SELECT * FROM "${T}" WHERE pk = 'retry-gate'` },
      { Statement: `SELECT * FROM "${T}" WHERE pk = 'busy'` },
    ] }],
    ['TransactWriteItems', { TransactItems: [{ Put: { TableName: T, Item: { ...key, v: S('tx2') } } }] }],
    ['BatchExecuteStatement', { Statements: [
      { Statement: `UPDATE "${T}" SET v = 'batch' WHERE pk = 'busy'` },
      { Statement: `INSERT INTO "${T}" VALUE {'pk': 'busy-free'}` },
    ] }],
    ['GetItem', { TableName: T, Key: key, ConsistentRead: true }],
  ];
  const out = await pipelined(reqs);
  const show = (i) => `${reqs[i][0]}: ${JSON.stringify(out[i].json)}`;
  assert.equal(out[0].status, 200, show(0));
  for (const i of [1, 2, 3]) {
    assert.equal(errorName(out[i].json), 'TransactionConflictException', show(i));
    assert.equal(out[i].json.message, CONFLICT);
  }
  assert.equal(errorName(out[4].json), 'TransactionCanceledException', show(4));
  assert.deepEqual(out[4].json.CancellationReasons, [{ Code: 'None' }, { Code: 'TransactionConflict', Message: CONFLICT }]);
  assert.equal(errorName(out[5].json), 'TransactionCanceledException', show(5));
  assert.deepEqual(out[5].json.CancellationReasons, [{ Code: 'None' }, { Code: 'TransactionConflict', Message: CONFLICT }]);
  assert.equal(errorName(out[6].json), 'TransactionCanceledException', show(6));
  assert.deepEqual(out[6].json.CancellationReasons, [{ Code: 'TransactionConflict', Message: CONFLICT }]);
  assert.equal(out[7].status, 200, show(7));
  assert.equal(out[7].json.Responses[0].Error.Code, 'TransactionConflict', show(7));
  assert.deepEqual(out[7].json.Responses[1], { TableName: T });
  assert.deepEqual(out[8].json.Item, { ...key, v: S('tx') }, 'reads are not blocked and see the transaction');
  // Once durable, the items are free again.
  await ddb.send(new PutItemCommand({ TableName: T, Item: { ...key, v: S('later') } }));
  assert.deepEqual((await get(T, key)).v, S('later'));
  assert.ok(await get(T, { pk: S('shared') }), 'the checked item was held too, and is still there');
  assert.equal(await get(T, { pk: S('busy-other') }), undefined, 'the cancelled transaction wrote nothing');
  assert.ok(await get(T, { pk: S('busy-free') }), 'the batch wrote the free item');
});

test('locks: an ExecuteTransaction is cancelled on an item a TransactWriteItems holds', async (t) => {
  if (!ddbwatch) return t.skip('needs ddbwatch, whose group commit a pipelined request can race');
  const reqs = [
    ['TransactWriteItems', { TransactItems: [{ Put: { TableName: T, Item: { pk: S('held'), v: S('tx') } } }] }],
    ['ExecuteTransaction', { TransactStatements: [{ Statement: `UPDATE "${T}" SET v = 'pq' WHERE pk = 'held'` }] }],
    ['ExecuteStatement', { Statement: `DELETE FROM "${T}" WHERE pk = 'held'` }],
  ];
  const out = await pipelined(reqs);
  assert.equal(out[0].status, 200);
  assert.equal(errorName(out[1].json), 'TransactionCanceledException');
  assert.deepEqual(out[1].json.CancellationReasons, [{ Code: 'TransactionConflict', Message: CONFLICT }]);
  assert.equal(errorName(out[2].json), 'TransactionConflictException');
  assert.deepEqual(await get(T, { pk: S('held') }), { pk: S('held'), v: S('tx') });
});

test('locks: a transaction that changed nothing holds nothing', async (t) => {
  if (!ddbwatch) return t.skip('needs ddbwatch, whose group commit a pipelined request can race');
  // Only a check and a delete of a missing item: the batch may commit nothing,
  // so a lock could outlive the transaction.
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('idle') } }));
  const reqs = [
    ['ExecuteTransaction', { TransactStatements: [
      { Statement: `EXISTS(SELECT * FROM "${T}" WHERE pk = 'idle' AND attribute_exists(pk))` },
      { Statement: `DELETE FROM "${T}" WHERE pk = 'idle-missing'` },
    ] }],
    ['PutItem', { TableName: T, Item: { pk: S('idle'), v: S('plain') } }],
  ];
  const out = await pipelined(reqs);
  assert.equal(out[0].status, 200, JSON.stringify(out[0].json));
  assert.equal(out[1].status, 200, JSON.stringify(out[1].json));
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('idle-missing') } }));
});

// Regression: a transaction that only checked items and deleted a missing one
// commits nothing, so its batch keeps its id; a lock taken for it would then
// refuse every later write to the item.
test('locks: a transaction that changed nothing leaves no lock behind', async () => {
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('stale') } }));
  await ddb.send(new TransactWriteItemsCommand({ TransactItems: [
    { ConditionCheck: { TableName: T, Key: { pk: S('stale') }, ConditionExpression: 'attribute_exists(pk)' } },
    { Delete: { TableName: T, Key: { pk: S('stale-missing') } } },
  ] }));
  await tx({ TransactStatements: [
    { Statement: `EXISTS(SELECT * FROM "${T}" WHERE pk = 'stale' AND attribute_exists(pk))` },
    { Statement: `DELETE FROM "${T}" WHERE pk = 'stale-missing'` },
  ] });
  await new Promise((r) => setTimeout(r, 50));
  await ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S('stale'), v: S('later') } }));
  assert.deepEqual((await get(T, { pk: S('stale') })).v, S('later'));
});

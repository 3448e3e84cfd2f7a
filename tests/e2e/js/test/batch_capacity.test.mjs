// What BatchWriteItem, TransactWriteItems and ExecuteTransaction report about the writes they made
// on a table with secondary indexes, with the AWS SDK for JavaScript v3:
// ReturnConsumedCapacity INDEXES splits the units between the table and each
// index as PutItem and DeleteItem do (a batch request is billed as the write
// it stands for, a transaction twice that), and ReturnItemCollectionMetrics
// SIZE lists, per table with a local secondary index, one ItemCollectionMetrics
// entry per item written.
//
// Sources: API_BatchWriteItem (ItemCollectionMetrics: "for each table,
// information about any item collections that were affected by individual
// DeleteItem or PutItem operations"), API_TransactWriteItems, the developer
// guide's "Provisioned throughput considerations for Global Secondary Indexes"
// and the Parity Suite's tests/tier1/putItem/itemCollectionMetrics.test.ts
// ([0, 1] for a small collection). DynamoDB Local 1.25 returns no
// ItemCollectionMetrics at all and bills transactions twice over (see
// conformance/KNOWN_DIFFERENCES.md); those checks are skipped against it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, DeleteItemCommand, BatchWriteItemCommand,
  TransactWriteItemsCommand, ExecuteTransactionCommand,
} from '@aws-sdk/client-dynamodb';
import { endpoint, client, uniqueName, stopSharedServer, IS_DDBLOCAL } from '../lib/env.mjs';

let ddb;
const TI = uniqueName('bc-i'); // pk S, sk S; LSI lsi (pk, l, ALL), GSI gsi (g, KEYS_ONLY)
const TP = uniqueName('bc-p'); // pk S, no index
const S = (s) => ({ S: s });
const SMALL = [0, 1];

before(async () => {
  ddb = client(await endpoint());
  await ddb.send(new CreateTableCommand({
    TableName: TI, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'l', 'g'].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{
      IndexName: 'lsi', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
    GlobalSecondaryIndexes: [{
      IndexName: 'gsi', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' },
    }],
  }));
  await ddb.send(new CreateTableCommand({
    TableName: TP, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
});

after(async () => {
  for (const t of [TI, TP]) {
    try { await ddb.send(new DeleteTableCommand({ TableName: t })); } catch { /* gone */ }
  }
  ddb.destroy();
  await stopSharedServer();
});

const item = (pk, sk, extra = {}) => ({ pk: S(pk), sk: S(sk), ...extra });

test('BatchWriteItem INDEXES: the table, each LSI and each GSI get the units their entries cost', async () => {
  const out = await ddb.send(new BatchWriteItemCommand({
    ReturnConsumedCapacity: 'INDEXES',
    RequestItems: {
      [TI]: [
        { PutRequest: { Item: item('bw', '1', { l: S('x'), g: S('y') }) } }, // table, lsi, gsi
        { PutRequest: { Item: item('bw', '2', { l: S('x') }) } }, // table, lsi
        { PutRequest: { Item: item('bw', '3') } }, // table only
      ],
      [TP]: [{ PutRequest: { Item: { pk: S('bw') } } }],
    },
  }));
  assert.deepEqual(out.UnprocessedItems, {});
  const byTable = Object.fromEntries(out.ConsumedCapacity.map((c) => [c.TableName, c]));
  assert.deepEqual(byTable[TI], {
    TableName: TI, CapacityUnits: 6, Table: { CapacityUnits: 3 },
    LocalSecondaryIndexes: { lsi: { CapacityUnits: 2 } }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1 } },
  });
  assert.deepEqual(byTable[TP], { TableName: TP, CapacityUnits: 1, Table: { CapacityUnits: 1 } });

  // Deleting items that have index entries deletes those entries too.
  const del = await ddb.send(new BatchWriteItemCommand({
    ReturnConsumedCapacity: 'TOTAL',
    RequestItems: { [TI]: [{ DeleteRequest: { Key: item('bw', '1') } }, { DeleteRequest: { Key: item('bw', '2') } }] },
  }));
  assert.deepEqual(del.ConsumedCapacity, [{ TableName: TI, CapacityUnits: 5 }]);
});

test('BatchWriteItem costs what the same PutItem and DeleteItem calls cost', async () => {
  const single = [];
  single.push((await ddb.send(new PutItemCommand({ TableName: TI, Item: item('one', '1', { l: S('a'), g: S('b') }), ReturnConsumedCapacity: 'INDEXES' }))).ConsumedCapacity);
  single.push((await ddb.send(new DeleteItemCommand({ TableName: TI, Key: item('one', '1'), ReturnConsumedCapacity: 'INDEXES' }))).ConsumedCapacity);
  const batched = [];
  batched.push((await ddb.send(new BatchWriteItemCommand({ ReturnConsumedCapacity: 'INDEXES', RequestItems: { [TI]: [{ PutRequest: { Item: item('one', '1', { l: S('a'), g: S('b') }) } }] } }))).ConsumedCapacity[0]);
  batched.push((await ddb.send(new BatchWriteItemCommand({ ReturnConsumedCapacity: 'INDEXES', RequestItems: { [TI]: [{ DeleteRequest: { Key: item('one', '1') } }] } }))).ConsumedCapacity[0]);
  assert.deepEqual(batched, single);
});

test('BatchWriteItem SIZE: one ItemCollectionMetrics entry per item written to a table with an LSI', { skip: IS_DDBLOCAL && 'DynamoDB Local returns no ItemCollectionMetrics' }, async () => {
  await ddb.send(new PutItemCommand({ TableName: TI, Item: item('icm-d', '1', { l: S('x') }) }));
  const out = await ddb.send(new BatchWriteItemCommand({
    ReturnItemCollectionMetrics: 'SIZE',
    RequestItems: {
      [TI]: [
        { PutRequest: { Item: item('icm-a', '1', { l: S('x') }) } },
        { PutRequest: { Item: item('icm-a', '2') } },
        { PutRequest: { Item: item('icm-b', '1') } },
        { DeleteRequest: { Key: item('icm-d', '1') } },
      ],
      [TP]: [{ PutRequest: { Item: { pk: S('icm') } } }],
    },
  }));
  assert.deepEqual(out.ItemCollectionMetrics, {
    [TI]: ['icm-a', 'icm-a', 'icm-b', 'icm-d'].map((pk) => ({ ItemCollectionKey: { pk: S(pk) }, SizeEstimateRangeGB: SMALL })),
  }, 'no entry for the table without an LSI');
  const none = await ddb.send(new BatchWriteItemCommand({
    ReturnItemCollectionMetrics: 'NONE', RequestItems: { [TI]: [{ PutRequest: { Item: item('icm-c', '1') } }] },
  }));
  assert.equal(none.ItemCollectionMetrics, undefined);
  const unasked = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TI]: [{ PutRequest: { Item: item('icm-c', '2') } }] } }));
  assert.equal(unasked.ItemCollectionMetrics, undefined);
});

test('TransactWriteItems INDEXES: twice the units of each table and index entry; SIZE: one entry per write', async () => {
  await ddb.send(new PutItemCommand({ TableName: TI, Item: item('tx-d', '1', { l: S('x'), g: S('y') }) }));
  await ddb.send(new PutItemCommand({ TableName: TP, Item: { pk: S('icm') } }));
  const out = await ddb.send(new TransactWriteItemsCommand({
    ReturnConsumedCapacity: 'INDEXES',
    ReturnItemCollectionMetrics: 'SIZE',
    TransactItems: [
      { Put: { TableName: TI, Item: item('tx-p', '1', { l: S('x'), g: S('y') }) } },
      { Delete: { TableName: TI, Key: item('tx-d', '1') } },
      { ConditionCheck: { TableName: TP, Key: { pk: S('icm') }, ConditionExpression: 'attribute_exists(pk)' } },
    ],
  }));
  if (!IS_DDBLOCAL) {
    const byTable = Object.fromEntries(out.ConsumedCapacity.map((c) => [c.TableName, c]));
    assert.deepEqual(byTable[TI], {
      TableName: TI, CapacityUnits: 12, WriteCapacityUnits: 12, Table: { CapacityUnits: 4, WriteCapacityUnits: 4 },
      LocalSecondaryIndexes: { lsi: { CapacityUnits: 4, WriteCapacityUnits: 4 } },
      GlobalSecondaryIndexes: { gsi: { CapacityUnits: 4, WriteCapacityUnits: 4 } },
    });
    assert.deepEqual(out.ItemCollectionMetrics, {
      [TI]: ['tx-p', 'tx-d'].map((pk) => ({ ItemCollectionKey: { pk: S(pk) }, SizeEstimateRangeGB: SMALL })),
    });
  } else {
    assert.equal(out.ConsumedCapacity.length, 2);
  }
});

test('ExecuteTransaction INDEXES: as TransactWriteItems, two units per item and per index entry written', { skip: IS_DDBLOCAL && 'DynamoDB Local returns no ConsumedCapacity for PartiQL' }, async () => {
  const out = await ddb.send(new ExecuteTransactionCommand({
    ReturnConsumedCapacity: 'INDEXES',
    TransactStatements: [
      { Statement: `INSERT INTO "${TI}" VALUE {'pk': 'cap', 'sk': '1', 'l': 'x', 'g': 'y'}` },
      { Statement: `INSERT INTO "${TI}" VALUE {'pk': 'cap', 'sk': '2'}` },
    ],
  }));
  assert.deepEqual(out.ConsumedCapacity, [{
    TableName: TI, CapacityUnits: 8, Table: { CapacityUnits: 4 },
    LocalSecondaryIndexes: { lsi: { CapacityUnits: 2 } }, GlobalSecondaryIndexes: { gsi: { CapacityUnits: 2 } },
  }]);
  // EXISTS is a ConditionCheck: billed as TransactWriteItems bills one.
  const check = await ddb.send(new ExecuteTransactionCommand({
    ReturnConsumedCapacity: 'TOTAL',
    TransactStatements: [
      { Statement: `EXISTS(SELECT * FROM "${TI}" WHERE pk = 'cap' AND sk = '2' AND attribute_exists(pk))` },
      { Statement: `UPDATE "${TI}" SET v = 1 WHERE pk = 'cap' AND sk = '1'` },
    ],
  }));
  assert.deepEqual(check.ConsumedCapacity, [{ TableName: TI, CapacityUnits: 6 }]);
});

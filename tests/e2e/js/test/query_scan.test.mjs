// Query, Scan and secondary indexes with the AWS SDK for JavaScript v3: key
// conditions (expression and legacy), filters after Limit, Select and
// projections, paging through LastEvaluatedKey including 1 MB pages, parallel
// scans, LSIs and GSIs (projections, sparse indexes, fetches from the table),
// UpdateTable creating and deleting a GSI on a table with data, consumed
// capacity figures and the validation errors, with DynamoDB's texts.
// Figures marked "DynamoDB Local" were measured against DynamoDB Local 1.25.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, DeleteItemCommand, QueryCommand,
  ScanCommand, UpdateTableCommand, DescribeTableCommand, paginateQuery, paginateScan,
} from '@aws-sdk/client-dynamodb';
import {
  endpoint, client, uniqueName, expectError, stopSharedServer, startServer, BIN, sleep, IS_DDBLOCAL,
} from '../lib/env.mjs';

let ddb;
const T = uniqueName('qs'); // pk S, sk N; LSI on ls (S, KEYS_ONLY); GSI on g (S, INCLUDE x)
const TS = uniqueName('qs-s'); // pk S, sk S (string and long sort keys)
const TBIG = uniqueName('qs-big'); // pk S, sk N: 25 items of 100,000 bytes
const TSCAN = uniqueName('qs-scan'); // pk S: 300 items for parallel scans
const tables = [T, TS, TBIG, TSCAN];

const send = (Cmd, input) => ddb.send(new Cmd(input));
const query = (input) => send(QueryCommand, input);
const scan = (input) => send(ScanCommand, input);
const put = (TableName, Item, extra = {}) => send(PutItemCommand, { TableName, Item, ...extra });

async function createTable(input) {
  await send(CreateTableCommand, { BillingMode: 'PAY_PER_REQUEST', ...input });
}

const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });

before(async () => {
  ddb = client(await endpoint());
  await createTable({
    TableName: T,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'ls', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{
      IndexName: 'by-ls',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'ls', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    }],
    GlobalSecondaryIndexes: [{
      IndexName: 'by-g',
      KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
    }],
  });
  await createTable({
    TableName: TS,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  await createTable({
    TableName: TBIG,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  });
  await createTable({
    TableName: TSCAN,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  // T: partitions p0..p2 with sk 0..9; every item has v; odd sk have g (sparse
  // GSI); ls only on some items.
  for (let p = 0; p < 3; p++) {
    for (let i = 0; i < 10; i++) {
      const Item = { pk: S(`p${p}`), sk: N(i), v: N(i * 10), x: S(`x${i}`), y: S(`y${i}`) };
      if (i % 2) Item.g = S(`g${p % 2}`);
      if (i % 3 === 0) Item.ls = S(`l${9 - i}`);
      await put(T, Item);
    }
  }
  for (const s of ['a', 'ab', 'abc', 'b', 'ba', 'c', 'z', 'é', `${'k'.repeat(500)}1`, `${'k'.repeat(500)}2`]) {
    await put(TS, { pk: S('s'), sk: S(s) });
  }
  // 100,000 bytes each: pk (2+1) + sk (2+2) + d (1+99,992) (DynamoDB's item size).
  for (let i = 0; i < 25; i++) await put(TBIG, { pk: S('a'), sk: N(i + 10), d: S('x'.repeat(99992)) });
  for (let i = 0; i < 300; i++) await put(TSCAN, { pk: S(`item-${i}`), n: N(i) });
});

after(async () => {
  for (const t of tables) {
    try { await send(DeleteTableCommand, { TableName: t }); } catch { /* gone */ }
  }
  ddb.destroy();
  await stopSharedServer();
});

const sks = (out) => (out.Items || []).map((i) => Number(i.sk.N));
const kce = (cond, values, extra = {}) => ({
  TableName: T, KeyConditionExpression: cond,
  ExpressionAttributeValues: { ':p': S('p1'), ...values }, ...extra,
});

// Every page of a Query or Scan, following LastEvaluatedKey by hand.
async function allPages(fn, input) {
  const pages = [];
  let ExclusiveStartKey;
  do {
    const out = await fn({ ...input, ExclusiveStartKey });
    pages.push(out);
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey && pages.length < 1000);
  return pages;
}

test('Query: every sort-key operator, both directions', async () => {
  const cases = [
    ['pk = :p', {}, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['pk = :p AND sk = :a', { ':a': N(4) }, [4]],
    ['pk = :p AND sk < :a', { ':a': N(4) }, [0, 1, 2, 3]],
    ['pk = :p AND sk <= :a', { ':a': N(4) }, [0, 1, 2, 3, 4]],
    ['pk = :p AND sk > :a', { ':a': N(7) }, [8, 9]],
    ['pk = :p AND sk >= :a', { ':a': N(7) }, [7, 8, 9]],
    ['pk = :p AND sk BETWEEN :a AND :b', { ':a': N(2), ':b': N(5) }, [2, 3, 4, 5]],
    ['pk = :p AND :a > sk', { ':a': N(2) }, [0, 1]],
    ['sk >= :a AND pk = :p', { ':a': N(8.5) }, [9]],
  ];
  for (const [cond, values, want] of cases) {
    assert.deepEqual(sks(await query(kce(cond, values))), want, cond);
    const back = await query(kce(cond, values, { ScanIndexForward: false }));
    assert.deepEqual(sks(back), [...want].reverse(), `${cond} backwards`);
    assert.equal(back.Count, want.length);
    assert.equal(back.ScannedCount, want.length);
  }
});

test('Query: string sort keys in byte order, begins_with, long keys', async () => {
  const q = (cond, values, extra) => query({
    TableName: TS, KeyConditionExpression: `pk = :p${cond}`,
    ExpressionAttributeValues: { ':p': S('s'), ...values }, ...extra,
  });
  const names = (out) => out.Items.map((i) => (i.sk.S.length > 20 ? `k…${i.sk.S.slice(-1)}` : i.sk.S));
  assert.deepEqual(names(await q('', {})), ['a', 'ab', 'abc', 'b', 'ba', 'c', 'k…1', 'k…2', 'z', 'é']);
  assert.deepEqual(names(await q(' AND begins_with(sk, :a)', { ':a': S('a') })), ['a', 'ab', 'abc']);
  assert.deepEqual(names(await q(' AND begins_with(sk, :a)', { ':a': S('k'.repeat(450)) })), ['k…1', 'k…2']);
  assert.deepEqual(names(await q(' AND sk > :a', { ':a': S(`${'k'.repeat(500)}1`) })), ['k…2', 'z', 'é']);
  assert.deepEqual(names(await q(' AND sk BETWEEN :a AND :b', { ':a': S('ab'), ':b': S('b') })), ['ab', 'abc', 'b']);
  assert.deepEqual(names(await q(' AND sk < :a', { ':a': S('b') }, { ScanIndexForward: false })), ['abc', 'ab', 'a']);
});

test('Query: legacy KeyConditions, QueryFilter, AttributesToGet, ConditionalOperator', async () => {
  const out = await query({
    TableName: T,
    KeyConditions: {
      pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('p2')] },
      sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N(1), N(8)] },
    },
    QueryFilter: {
      v: { ComparisonOperator: 'GE', AttributeValueList: [N(50)] },
      g: { ComparisonOperator: 'NOT_NULL' },
    },
    ConditionalOperator: 'OR',
    AttributesToGet: ['sk', 'v'],
  });
  assert.deepEqual(out.Items, [1, 3, 5, 6, 7, 8].map((i) => ({ sk: N(i), v: N(i * 10) })));
  assert.equal(out.ScannedCount, 8);
  const between = await query({
    TableName: T,
    KeyConditions: {
      pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('p2')] },
      sk: { ComparisonOperator: 'LT', AttributeValueList: [N(3)] },
    },
    QueryFilter: { y: { ComparisonOperator: 'IN', AttributeValueList: [S('y0'), S('y2')] } },
  });
  assert.deepEqual(sks(between), [0, 2]);
});

test('Query: Limit applies before the filter; Count and ScannedCount', async () => {
  const out = await query(kce('pk = :p', { ':v': N(45) }, { FilterExpression: 'v > :v', Limit: 6 }));
  assert.deepEqual(sks(out), [5]);
  assert.equal(out.Count, 1);
  assert.equal(out.ScannedCount, 6);
  assert.deepEqual(out.LastEvaluatedKey, { pk: S('p1'), sk: N(5) });
  const none = await query(kce('pk = :p', { ':v': N(1000) }, { FilterExpression: 'v > :v' }));
  assert.deepEqual([none.Count, none.ScannedCount, none.Items.length], [0, 10, 0]);
  assert.equal(none.LastEvaluatedKey, undefined);
});

test('Query: paging with Limit visits every item once, in order, both directions', async () => {
  for (const ScanIndexForward of [true, false]) {
    const pages = await allPages(query, kce('pk = :p AND sk >= :a', { ':a': N(1) }, { Limit: 4, ScanIndexForward }));
    assert.deepEqual(pages.map((p) => p.Count), [4, 4, 1]);
    const seen = pages.flatMap(sks);
    assert.deepEqual(seen, ScanIndexForward ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : [9, 8, 7, 6, 5, 4, 3, 2, 1]);
  }
  // Limit equal to what is left still returns a LastEvaluatedKey (DynamoDB Local too).
  const exact = await query(kce('pk = :p', {}, { Limit: 10 }));
  assert.deepEqual(exact.LastEvaluatedKey, { pk: S('p1'), sk: N(9) });
  const after = await query(kce('pk = :p', {}, { ExclusiveStartKey: exact.LastEvaluatedKey }));
  assert.deepEqual([after.Count, after.LastEvaluatedKey], [0, undefined]);
  // The SDK paginator follows LastEvaluatedKey too.
  let total = 0;
  for await (const page of paginateQuery({ client: ddb, pageSize: 3 }, kce('pk = :p', {}))) total += page.Count;
  assert.equal(total, 10);
});

test('Select, ProjectionExpression and their rules', async () => {
  const count = await query(kce('pk = :p', {}, { Select: 'COUNT' }));
  assert.equal(count.Items, undefined);
  assert.equal(count.Count, 10);
  const proj = await query(kce('pk = :p AND sk = :a', { ':a': N(3) }, {
    ProjectionExpression: '#v, x, nope', ExpressionAttributeNames: { '#v': 'v' },
  }));
  assert.deepEqual(proj.Items, [{ v: N(30), x: S('x3') }]);
  const specific = await query(kce('pk = :p AND sk = :a', { ':a': N(3) }, { Select: 'SPECIFIC_ATTRIBUTES', ProjectionExpression: 'y' }));
  assert.deepEqual(specific.Items, [{ y: S('y3') }]);
  const cases = [
    [{ Select: 'ALL_PROJECTED_ATTRIBUTES' }, 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName'],
    [{ Select: 'SPECIFIC_ATTRIBUTES' }, 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES'],
    [{ Select: 'ALL_ATTRIBUTES', ProjectionExpression: 'v' }, 'Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES'],
    [{ Select: 'COUNT', ProjectionExpression: 'v' }, 'Cannot specify the ProjectionExpression when choosing to get only the Count'],
  ];
  for (const [extra, message] of cases) {
    await expectError(query(kce('pk = :p', {}, extra)), { name: 'ValidationException', message });
  }
});

test('Query and Scan through 1 MB pages: sizes before the filter, capacity per page', async () => {
  // 25 items of 100,000 bytes: a page stops once 1 MB (1,048,576 bytes) is read,
  // the item that crosses the mark included: 11, 11, 3 (DynamoDB Local too).
  const input = {
    TableName: TBIG, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('a') },
    ReturnConsumedCapacity: 'TOTAL', Select: 'COUNT',
  };
  const pages = await allPages(query, input);
  assert.deepEqual(pages.map((p) => p.Count), [11, 11, 3]);
  // 11 * 100,000 bytes = 268.6 4 KB units, rounded up once, halved: 134.5.
  assert.deepEqual(pages.map((p) => p.ConsumedCapacity.CapacityUnits), [134.5, 134.5, 37]);
  assert.deepEqual(pages[0].LastEvaluatedKey, { pk: S('a'), sk: N(20) });
  const strong = await query({ ...input, ConsistentRead: true, Limit: 3 });
  assert.equal(strong.ConsumedCapacity.CapacityUnits, 74); // 300,000 bytes: 74 units
  // The filter runs after the page is cut: nothing matches, pages stay 11 items read.
  const filtered = await allPages(scan, {
    TableName: TBIG, FilterExpression: 'sk < :z', ExpressionAttributeValues: { ':z': N(0) },
  });
  assert.deepEqual(filtered.map((p) => [p.Count, p.ScannedCount]), [[0, 11], [0, 11], [0, 3]]);
  let items = 0;
  for await (const page of paginateScan({ client: ddb }, { TableName: TBIG, ProjectionExpression: 'sk' })) {
    items += page.Items.length;
  }
  assert.equal(items, 25);
});

test('parallel Scan: segments are disjoint and together return every item once', async () => {
  for (const TotalSegments of [1, 3, 7, 16]) {
    const seen = new Map();
    for (let Segment = 0; Segment < TotalSegments; Segment++) {
      const pages = await allPages(scan, { TableName: TSCAN, Segment, TotalSegments, Limit: 50 });
      for (const it of pages.flatMap((p) => p.Items)) seen.set(it.pk.S, (seen.get(it.pk.S) || 0) + 1);
    }
    assert.equal(seen.size, 300, `TotalSegments ${TotalSegments}`);
    assert.ok([...seen.values()].every((n) => n === 1), 'every item exactly once');
  }
  const whole = await allPages(scan, { TableName: TSCAN, Limit: 70, ScanFilter: { n: { ComparisonOperator: 'LT', AttributeValueList: [N(10)] } } });
  assert.equal(whole.reduce((a, p) => a + p.Count, 0), 10);
  assert.equal(whole.reduce((a, p) => a + p.ScannedCount, 0), 300);
});

test('LSI: KEYS_ONLY entries, sort order, fetching unprojected attributes from the table', async () => {
  const base = { TableName: T, IndexName: 'by-ls', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p0') } };
  const keys = await query(base);
  // Sparse: only sk 0, 3, 6, 9 have ls; ordered by ls (l9, l6, l3, l0).
  assert.deepEqual(keys.Items, [0, 3, 6, 9].reverse().map((i) => ({ pk: S('p0'), sk: N(i), ls: S(`l${9 - i}`) })));
  const all = await query({ ...base, Select: 'ALL_ATTRIBUTES', Limit: 2, ReturnConsumedCapacity: 'INDEXES' });
  assert.deepEqual(all.Items.map((i) => [i.sk.N, i.y.S]), [['9', 'y9'], ['6', 'y6']]);
  assert.deepEqual(all.LastEvaluatedKey, { pk: S('p0'), sk: N(6), ls: S('l3') });
  assert.deepEqual(all.ConsumedCapacity, {
    TableName: T, CapacityUnits: 1.5, Table: { CapacityUnits: 1 },
    LocalSecondaryIndexes: { 'by-ls': { CapacityUnits: 0.5 } },
  });
  const proj = await query({ ...base, ProjectionExpression: 'y', KeyConditionExpression: 'pk = :p AND ls < :l', ExpressionAttributeValues: { ':p': S('p0'), ':l': S('l5') } });
  assert.deepEqual(proj.Items, [{ y: S('y9') }, { y: S('y6') }]);
});

test('GSI: INCLUDE projection, sparse entries, paging, capacity', async () => {
  const base = {
    TableName: T, IndexName: 'by-g', KeyConditionExpression: 'g = :g AND sk > :s',
    ExpressionAttributeValues: { ':g': S('g0'), ':s': N(2) }, ReturnConsumedCapacity: 'INDEXES',
  };
  const out = await query(base);
  // g0 is on the odd items of p0 and p2 (p % 2 == 0); sorted by sk.
  assert.deepEqual(out.Items.map((i) => Number(i.sk.N)), [3, 3, 5, 5, 7, 7, 9, 9]);
  assert.deepEqual(Object.keys(out.Items[0]).sort(), ['g', 'pk', 'sk', 'x']);
  assert.deepEqual(out.ConsumedCapacity, {
    TableName: T, CapacityUnits: 0.5, Table: { CapacityUnits: 0 },
    GlobalSecondaryIndexes: { 'by-g': { CapacityUnits: 0.5 } },
  });
  const pages = await allPages(query, { ...base, Limit: 3 });
  assert.deepEqual(pages.flatMap((p) => p.Items.map((i) => `${i.pk.S}/${i.sk.N}`)).sort(), out.Items.map((i) => `${i.pk.S}/${i.sk.N}`).sort());
  assert.deepEqual(Object.keys(pages[0].LastEvaluatedKey).sort(), ['g', 'pk', 'sk']);
  const scanned = await allPages(scan, { TableName: T, IndexName: 'by-g', Limit: 4 });
  assert.equal(scanned.reduce((a, p) => a + p.Count, 0), 15); // odd items only
  await expectError(query({ ...base, ConsistentRead: true }), {
    name: 'ValidationException', message: 'Consistent reads are not supported on global secondary indexes', localDiffers: true,
  });
  await expectError(scan({ TableName: T, IndexName: 'by-g', ConsistentRead: true }), {
    name: 'ValidationException', message: 'Consistent reads are not supported on global secondary indexes', localDiffers: true,
  });
  await expectError(query({ ...base, Select: 'ALL_ATTRIBUTES' }), {
    name: 'ValidationException',
    message: 'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index by-g because its projection type is not ALL',
  });
  await expectError(query({ ...base, IndexName: 'no-such' }), {
    name: 'ValidationException', message: 'The table does not have the specified index: no-such',
  });
});

test('writes maintain indexes, bill each index written, and report item collections', async () => {
  const key = { pk: S('w'), sk: N(1) };
  const write = (Item) => put(T, Item, { ReturnConsumedCapacity: 'INDEXES', ReturnItemCollectionMetrics: 'SIZE' });
  // New item in both indexes: table 1, LSI 1, GSI 1 (DynamoDB Local bills the same).
  let out = await write({ ...key, ls: S('a'), g: S('gw'), x: S('x') });
  assert.deepEqual(out.ConsumedCapacity, {
    TableName: T, CapacityUnits: 3, Table: { CapacityUnits: 1 },
    LocalSecondaryIndexes: { 'by-ls': { CapacityUnits: 1 } }, GlobalSecondaryIndexes: { 'by-g': { CapacityUnits: 1 } },
  });
  if (!IS_DDBLOCAL) { // DynamoDB Local sends no ItemCollectionMetrics
    assert.deepEqual(out.ItemCollectionMetrics, { ItemCollectionKey: { pk: S('w') }, SizeEstimateRangeGB: [0, 1] });
  }
  // Same item again: no index entry changes.
  out = await write({ ...key, ls: S('a'), g: S('gw'), x: S('x') });
  assert.deepEqual(out.ConsumedCapacity, { TableName: T, CapacityUnits: 1, Table: { CapacityUnits: 1 } });
  // LSI key moves (delete + put = 2), unprojected y changes nothing in the GSI.
  out = await write({ ...key, ls: S('b'), g: S('gw'), x: S('x'), y: S('new') });
  assert.deepEqual(out.ConsumedCapacity.LocalSecondaryIndexes, { 'by-ls': { CapacityUnits: 2 } });
  assert.equal(out.ConsumedCapacity.GlobalSecondaryIndexes, undefined);
  // A projected attribute changes: one GSI write; the item leaves the LSI: one.
  out = await write({ ...key, g: S('gw'), x: S('x2') });
  assert.equal(out.ConsumedCapacity.CapacityUnits, 3);
  const gq = await query({ TableName: T, IndexName: 'by-g', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('gw') } });
  assert.deepEqual(gq.Items, [{ ...key, g: S('gw'), x: S('x2') }]);
  const del = await send(DeleteItemCommand, { TableName: T, Key: key, ReturnConsumedCapacity: 'INDEXES' });
  assert.deepEqual(del.ConsumedCapacity.GlobalSecondaryIndexes, { 'by-g': { CapacityUnits: 1 } });
  const gone = await query({ TableName: T, IndexName: 'by-g', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('gw') } });
  assert.equal(gone.Count, 0);
  // Index key attributes must have the defined type and must not be empty.
  await expectError(put(T, { ...key, g: N(5) }), {
    name: 'ValidationException',
    message: 'One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g',
    localDiffers: true,
  });
  await expectError(put(T, { ...key, ls: S('') }), {
    name: 'ValidationException',
    message: 'One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by-ls, IndexKey: ls',
    localDiffers: true,
  });
});

test('DescribeTable shows each index with ItemCount, IndexSizeBytes, IndexArn and status', async () => {
  const { Table } = await send(DescribeTableCommand, { TableName: T });
  const [lsi] = Table.LocalSecondaryIndexes;
  const [gsi] = Table.GlobalSecondaryIndexes;
  assert.equal(lsi.IndexArn, `${Table.TableArn}/index/by-ls`);
  assert.equal(gsi.IndexStatus, 'ACTIVE');
  assert.deepEqual(gsi.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] });
  if (!IS_DDBLOCAL) { // DynamoDB Local reports the table's figures for every index
    assert.equal(lsi.ItemCount, 12); // sk 0, 3, 6, 9 of three partitions
    assert.equal(gsi.ItemCount, 15);
    assert.ok(gsi.IndexSizeBytes > 0 && gsi.IndexSizeBytes < Table.TableSizeBytes);
  }
});

test('Query and Scan validation errors with DynamoDB texts', async () => {
  const v = 'ValidationException';
  const cases = [
    [query, { TableName: T }, 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.'],
    [query, kce('sk = :a', { ':a': N(1) }, { ExpressionAttributeValues: { ':a': N(1) } }), 'Query condition missed key schema element: pk', true],
    [query, kce('pk < :p', {}), 'Query key condition not supported'],
    [query, kce('pk = :p AND sk > :a AND extra = :b', { ':a': N(1), ':b': N(5) }),
      'The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)', true],
    [query, kce('pk = :p AND sk = :a', { ':a': S('1') }), 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
    [query, kce('pk = :p', { ':v': N(1) }, { FilterExpression: 'sk > :v' }), 'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk'],
    [query, { TableName: T, KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('a')] } }, QueryFilter: { sk: { ComparisonOperator: 'NULL' } } },
      'QueryFilter can only contain non-primary key attributes: Primary key attribute: sk'],
    [query, { TableName: T, KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('a')] }, sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N(5), N(1)] } } },
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound'],
    [query, { TableName: T, KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('a'), S('b')] } } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator'],
    [query, { TableName: T, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('a') }, AttributesToGet: ['a'] },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {KeyConditionExpression}'],
    [query, kce('pk = :p', {}, { ExclusiveStartKey: { pk: S('p1') } }), 'The provided starting key is invalid', true],
    [query, kce('pk = :p', {}, { ExclusiveStartKey: { pk: S('p2'), sk: N(1) } }), 'The provided starting key is outside query boundaries based on provided conditions', true],
    [query, kce('pk = :p AND sk > :a', { ':a': N(5) }, { ExclusiveStartKey: { pk: S('p1'), sk: N(1) } }), 'The provided starting key does not match the range key predicate'],
    [scan, { TableName: T, Segment: 1 }, 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present', true],
    [scan, { TableName: T, TotalSegments: 2 }, 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present', true],
    [scan, { TableName: T, Segment: 5, TotalSegments: 5 }, /^(The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5|1 validation error detected: .*)$/],
    [scan, { TableName: T, ExclusiveStartKey: { pk: S('p1') } }, 'The provided starting key is invalid: The provided key element does not match the schema', true],
    [scan, { TableName: T, Select: 'ALL_PROJECTED_ATTRIBUTES' }, 'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName'],
    [scan, { TableName: T, ScanFilter: { v: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [N(1)] } } },
      'One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type'],
    [scan, { TableName: T, ExpressionAttributeValues: { ':a': N(1) } }, 'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null'],
  ];
  for (const [fn, input, message, localDiffers = false] of cases) {
    await expectError(fn(input), { name: v, message, localDiffers });
  }
  await expectError(query({ ...kce('pk = :p', {}), TableName: uniqueName('missing') }), {
    name: 'ResourceNotFoundException', message: 'Requested resource not found', localDiffers: true,
  });
});

test('ExclusiveStartKey of the wrong segment is refused', async () => {
  const first = await scan({ TableName: TSCAN, Segment: 0, TotalSegments: 4, Limit: 1 });
  await expectError(scan({ TableName: TSCAN, Segment: 2, TotalSegments: 4, ExclusiveStartKey: first.LastEvaluatedKey }), {
    name: 'ValidationException',
    message: 'The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: 2',
    localDiffers: true,
  });
});

test('UpdateTable creates a GSI on a table with data (back-fill) and deletes it', async () => {
  const TableName = uniqueName('qs-ut');
  tables.push(TableName);
  await createTable({
    TableName, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  for (let i = 0; i < 200; i++) {
    const Item = { pk: S(`i${i}`) };
    if (i % 2) Item.c = S(`c${i % 4}`);
    if (i === 3) Item.c = N(3); // violates the index key type: not indexed
    await put(TableName, Item);
  }
  const created = await send(UpdateTableCommand, {
    TableName, AttributeDefinitions: [{ AttributeName: 'c', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by-c', KeySchema: [{ AttributeName: 'c', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  });
  assert.equal(created.TableDescription.GlobalSecondaryIndexes[0].IndexStatus, 'CREATING');
  let gsi;
  for (let k = 0; k < 100; k++) {
    ({ GlobalSecondaryIndexes: [gsi] } = (await send(DescribeTableCommand, { TableName })).Table);
    if (gsi.IndexStatus === 'ACTIVE') break;
    await sleep(100);
  }
  assert.equal(gsi.IndexStatus, 'ACTIVE');
  const q = await query({ TableName, IndexName: 'by-c', KeyConditionExpression: 'c = :c', ExpressionAttributeValues: { ':c': S('c1') }, Select: 'COUNT' });
  assert.equal(q.Count, 50);
  const all = await scan({ TableName, IndexName: 'by-c', Select: 'COUNT' });
  if (!IS_DDBLOCAL) assert.equal(all.Count, 99); // DynamoDB Local indexes the N value too
  await expectError(send(UpdateTableCommand, {
    TableName, AttributeDefinitions: [{ AttributeName: 'c', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by-c', KeySchema: [{ AttributeName: 'c', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
  }), { name: 'ValidationException', message: 'Attempting to create an index which already exists' });
  const deleted = await send(UpdateTableCommand, { TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-c' } }] });
  assert.equal(deleted.TableDescription.GlobalSecondaryIndexes[0].IndexStatus, 'DELETING');
  for (let k = 0; k < 50; k++) {
    if (!(await send(DescribeTableCommand, { TableName })).Table.GlobalSecondaryIndexes) break;
    await sleep(100);
  }
  await expectError(query({ TableName, IndexName: 'by-c', KeyConditionExpression: 'c = :c', ExpressionAttributeValues: { ':c': S('c1') } }), {
    name: 'ValidationException', message: 'The table does not have the specified index: by-c', localDiffers: 'any',
  });
});

test('a back-filling index cannot be read', { skip: !BIN && 'needs DDBWATCH_BIN' }, async () => {
  const srv = await startServer({ env: { DDBWATCH_BACKFILL_MIN_MS: '60000' } });
  const c = client(srv.endpoint);
  try {
    const TableName = 'backfill';
    await c.send(new CreateTableCommand({
      TableName, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }));
    await c.send(new PutItemCommand({ TableName, Item: { pk: S('a'), c: S('x') } }));
    await c.send(new UpdateTableCommand({
      TableName, AttributeDefinitions: [{ AttributeName: 'c', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by-c', KeySchema: [{ AttributeName: 'c', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
    }));
    await sleep(100);
    const { Table } = await c.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table.GlobalSecondaryIndexes[0].IndexStatus, 'CREATING');
    assert.equal(Table.GlobalSecondaryIndexes[0].Backfilling, true);
    await expectError(c.send(new QueryCommand({ TableName, IndexName: 'by-c', KeyConditionExpression: 'c = :c', ExpressionAttributeValues: { ':c': S('x') } })), {
      name: 'ValidationException', message: 'Cannot read from backfilling global secondary index: by-c',
    });
    await expectError(c.send(new ScanCommand({ TableName, IndexName: 'by-c' })), {
      name: 'ValidationException', message: 'Cannot read from backfilling global secondary index: by-c',
    });
    await expectError(c.send(new UpdateTableCommand({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-c' } }] })), {
      name: 'LimitExceededException',
      message: 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
    });
  } finally {
    c.destroy();
    assert.equal(await srv.stop(), 0);
  }
});

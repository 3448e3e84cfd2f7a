// Control plane with the AWS SDK for JavaScript v3: CreateTable (and its
// validation), DescribeTable's TableDescription, ListTables paging, DeleteTable.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DescribeTableCommand, ListTablesCommand, DeleteTableCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  endpoint, client, uniqueName, expectError, stopSharedServer, IS_DDBLOCAL, REGION, sleep,
} from '../lib/env.mjs';

let ddb;
const created = [];

before(async () => { ddb = client(await endpoint()); });
after(async () => {
  for (const t of created) {
    try { await ddb.send(new DeleteTableCommand({ TableName: t })); } catch { /* already gone */ }
  }
  ddb.destroy();
  await stopSharedServer();
});

const hashOnly = (name, extra = {}) => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
  ...extra,
});

async function create(input) {
  const out = await ddb.send(new CreateTableCommand(input));
  created.push(input.TableName);
  return out;
}

// DescribeTable until ACTIVE (DynamoDB answers CreateTable with CREATING).
async function describeActive(name) {
  for (let i = 0; ; i++) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (Table.TableStatus === 'ACTIVE' || i >= 50) return Table;
    await sleep(100);
  }
}

// ProvisionedThroughput of a table whose capacity never changed. DynamoDB Local
// adds LastIncreaseDateTime/LastDecreaseDateTime of 0 (1970); DynamoDB does not.
function checkThroughput(pt, rcu, wcu) {
  const { LastIncreaseDateTime, LastDecreaseDateTime, ...rest } = pt;
  if (!IS_DDBLOCAL) {
    assert.equal(LastIncreaseDateTime, undefined, 'no LastIncreaseDateTime on a new table');
    assert.equal(LastDecreaseDateTime, undefined, 'no LastDecreaseDateTime on a new table');
  }
  assert.deepEqual(rest, { NumberOfDecreasesToday: 0, ReadCapacityUnits: rcu, WriteCapacityUnits: wcu });
}

function checkCommonShape(t, name, startedAt) {
  const arnRe = new RegExp(`^arn:aws:dynamodb:([a-z0-9-]+):(\\d{12}):table/${name.replace(/[.]/g, '\\.')}$`);
  const m = arnRe.exec(t.TableArn);
  assert.ok(m, `TableArn ${t.TableArn}`);
  if (!IS_DDBLOCAL) assert.equal(m[1], REGION, 'ARN region comes from the request signature');
  assert.equal(t.TableName, name);
  // DynamoDB Local sends no TableId.
  if (!IS_DDBLOCAL) assert.match(t.TableId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(t.ItemCount, 0);
  assert.equal(t.TableSizeBytes, 0);
  assert.ok(t.CreationDateTime instanceof Date, 'CreationDateTime is a date');
  const created = t.CreationDateTime.getTime();
  assert.ok(created >= startedAt - 5000 && created <= Date.now() + 5000,
    `CreationDateTime ${t.CreationDateTime.toISOString()} is about now`);
}

test('CreateTable hash-only PAY_PER_REQUEST, then DescribeTable returns the full description', async () => {
  const name = uniqueName('hash');
  const startedAt = Date.now();
  const out = await create(hashOnly(name));
  const d = out.TableDescription;
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.ok(['CREATING', 'ACTIVE'].includes(d.TableStatus), d.TableStatus);
  checkCommonShape(d, name, startedAt);
  assert.deepEqual(d.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
  assert.deepEqual(d.AttributeDefinitions, [{ AttributeName: 'pk', AttributeType: 'S' }]);
  assert.equal(d.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');

  const t = await describeActive(name);
  assert.equal(t.TableStatus, 'ACTIVE');
  checkCommonShape(t, name, startedAt);
  assert.equal(t.TableArn, d.TableArn, 'same ARN from CreateTable and DescribeTable');
  assert.equal(t.TableId, d.TableId, 'same TableId from CreateTable and DescribeTable');
  assert.equal(t.CreationDateTime.getTime(), d.CreationDateTime.getTime());
  assert.deepEqual(t.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
  assert.deepEqual(t.AttributeDefinitions, [{ AttributeName: 'pk', AttributeType: 'S' }]);
  assert.equal(t.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
  assert.ok(t.BillingModeSummary.LastUpdateToPayPerRequestDateTime instanceof Date,
    'LastUpdateToPayPerRequestDateTime is set for on-demand tables');
  checkThroughput(t.ProvisionedThroughput, 0, 0);
});

test('CreateTable hash+range PROVISIONED keeps the throughput and key order', async () => {
  const name = uniqueName('range');
  const startedAt = Date.now();
  const out = await create({
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'pk', AttributeType: 'B' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
  });
  const d = out.TableDescription;
  checkCommonShape(d, name, startedAt);
  checkThroughput(d.ProvisionedThroughput, 7, 3);
  const t = await describeActive(name);
  assert.equal(t.TableStatus, 'ACTIVE');
  checkCommonShape(t, name, startedAt);
  assert.deepEqual(t.KeySchema, [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ]);
  assert.deepEqual(
    [...t.AttributeDefinitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)),
    [{ AttributeName: 'pk', AttributeType: 'B' }, { AttributeName: 'sk', AttributeType: 'N' }]);
  checkThroughput(t.ProvisionedThroughput, 7, 3);
  if (t.BillingModeSummary) assert.equal(t.BillingModeSummary.BillingMode, 'PROVISIONED');
});

test('CreateTable without BillingMode defaults to PROVISIONED', async () => {
  const name = uniqueName('default');
  const { BillingMode, ...input } = hashOnly(name, {
    ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 },
  });
  assert.equal(BillingMode, 'PAY_PER_REQUEST');
  await create(input);
  const t = await describeActive(name);
  checkThroughput(t.ProvisionedThroughput, 1, 2);
  assert.notEqual(t.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
});

test('ItemCount and TableSizeBytes start at zero and are numbers after a write', async () => {
  const name = uniqueName('count');
  await create(hashOnly(name));
  await describeActive(name);
  await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
  // DynamoDB refreshes these about every six hours, so either 0 or the new value.
  assert.ok([0, 1].includes(Table.ItemCount), `ItemCount ${Table.ItemCount}`);
  assert.ok(Number.isInteger(Table.TableSizeBytes) && Table.TableSizeBytes >= 0 && Table.TableSizeBytes < 1000,
    `TableSizeBytes ${Table.TableSizeBytes}`);
  if (Table.ItemCount === 1) assert.ok(Table.TableSizeBytes > 0, 'a counted item has a size');
});

test('CreateTable on an existing table is ResourceInUseException', async () => {
  const name = uniqueName('dup');
  await create(hashOnly(name));
  await expectError(ddb.send(new CreateTableCommand(hashOnly(name))), {
    name: 'ResourceInUseException',
    message: `Table already exists: ${name}`,
    localDiffers: true,
  });
});

const validationCases = [
  {
    title: 'key attribute missing from AttributeDefinitions',
    input: (n) => hashOnly(n, { AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' }] }),
    message: 'One or more parameter values were invalid: Some index key attributes are not defined in '
      + 'AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]',
    localDiffers: true,
  },
  {
    title: 'more AttributeDefinitions than key attributes',
    input: (n) => hashOnly(n, {
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'extra', AttributeType: 'N' },
      ],
    }),
    message: 'One or more parameter values were invalid: Number of attributes in KeySchema does not '
      + 'exactly match number of attributes defined in AttributeDefinitions',
    localDiffers: true,
  },
  {
    title: 'first key element is RANGE',
    input: (n) => hashOnly(n, { KeySchema: [{ AttributeName: 'pk', KeyType: 'RANGE' }] }),
    message: 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
    localDiffers: true,
  },
  {
    title: 'hash and range key with the same name',
    input: (n) => hashOnly(n, {
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'other', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }],
    }),
    message: 'Both the Hash Key and the Range Key element in the KeySchema have the same name',
    localDiffers: true,
  },
  {
    title: 'PAY_PER_REQUEST with ProvisionedThroughput',
    input: (n) => hashOnly(n, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
    message: 'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits '
      + 'can be specified when BillingMode is PAY_PER_REQUEST',
    localAccepts: true, // DynamoDB Local creates the table
  },
  {
    title: 'PROVISIONED without ProvisionedThroughput',
    input: (n) => hashOnly(n, { BillingMode: 'PROVISIONED' }),
    message: 'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must '
      + 'both be specified when BillingMode is PROVISIONED',
    localDiffers: true,
  },
  {
    title: 'ReadCapacityUnits of 0',
    input: (n) => hashOnly(n, {
      BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 1 },
    }),
    message: "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed "
      + 'to satisfy constraint: Member must have value greater than or equal to 1',
    localDiffers: true,
  },
  {
    title: 'unknown BillingMode',
    input: (n) => hashOnly(n, { BillingMode: 'FREE' }),
    message: "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy constraint: "
      + 'Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]',
    localDiffers: 'any', // DynamoDB Local: 500 InternalFailure
  },
  {
    title: 'unknown AttributeType',
    input: (n) => hashOnly(n, { AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'X' }] }),
    message: "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' "
      + 'failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]',
    localDiffers: true,
  },
  {
    title: 'empty KeySchema',
    input: (n) => hashOnly(n, { KeySchema: [] }),
    message: "1 validation error detected: Value '[]' at 'keySchema' failed to satisfy constraint: "
      + 'Member must have length greater than or equal to 1',
    localDiffers: true,
  },
  {
    title: 'table name with invalid characters',
    input: () => hashOnly('bad table!@#'),
    message: "1 validation error detected: Value 'bad table!@#' at 'tableName' failed to satisfy "
      + 'constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
    localDiffers: true,
  },
  {
    title: 'table name shorter than 3 characters',
    input: () => hashOnly('ab'),
    // The first text is the classic one; the second is what DynamoDB's 2026-06
    // validation layer answers (docs/fidelity.md).
    message: /^(TableName must be at least 3 characters long and at most 255 characters long|1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3)$/,
    localDiffers: true,
  },
];

for (const c of validationCases) {
  test(`CreateTable rejects ${c.title}`, { skip: c.localAccepts && IS_DDBLOCAL && 'DynamoDB Local accepts this' }, async () => {
    const name = uniqueName('bad');
    await expectError(ddb.send(new CreateTableCommand(c.input(name))), {
      name: 'ValidationException', message: c.message, localDiffers: c.localDiffers,
    });
    // Nothing was created.
    await expectError(ddb.send(new DescribeTableCommand({ TableName: name })), {
      name: 'ResourceNotFoundException',
    });
  });
}

test('DescribeTable of a missing table is ResourceNotFoundException', async () => {
  const name = uniqueName('nope');
  await expectError(ddb.send(new DescribeTableCommand({ TableName: name })), {
    name: 'ResourceNotFoundException',
    message: `Requested resource not found: Table: ${name} not found`,
    localDiffers: true,
  });
});

test('ListTables pages with Limit, ExclusiveStartTableName and LastEvaluatedTableName', async () => {
  const prefix = uniqueName('list');
  const names = ['c', 'a', 'd', 'b', 'e'].map((s) => `${prefix}-${s}`);
  for (const n of names) await create(hashOnly(n));
  const mine = [...names].sort();

  // Walk every table two at a time.
  const seen = [];
  let start;
  for (let pages = 0; pages < 10000; pages++) {
    const out = await ddb.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: start }));
    assert.ok(out.TableNames.length <= 2, `page of ${out.TableNames.length}`);
    seen.push(...out.TableNames);
    if (!out.LastEvaluatedTableName) break;
    assert.equal(out.TableNames.length, 2, 'a page with a LastEvaluatedTableName is full');
    assert.equal(out.LastEvaluatedTableName, out.TableNames[out.TableNames.length - 1]);
    start = out.LastEvaluatedTableName;
  }
  const sorted = [...seen].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  assert.deepEqual(seen, sorted, 'table names come in order');
  assert.equal(new Set(seen).size, seen.length, 'no name twice');
  assert.deepEqual(seen.filter((n) => n.startsWith(prefix)), mine);

  // Start inside our block: exactly the next names.
  const page = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: mine[1], Limit: 2 }));
  assert.deepEqual(page.TableNames, [mine[2], mine[3]]);
  assert.equal(page.LastEvaluatedTableName, mine[3]);
  // A start name that is not a table still works as a position.
  const between = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: `${mine[0]}0`, Limit: 1 }));
  assert.deepEqual(between.TableNames, [mine[1]]);
  // Without Limit, all of ours are in one answer.
  const all = await ddb.send(new ListTablesCommand({}));
  assert.deepEqual(all.TableNames.filter((n) => n.startsWith(prefix)), mine);
});

test('ListTables rejects Limit 0 and Limit 101', async () => {
  await expectError(ddb.send(new ListTablesCommand({ Limit: 0 })), {
    name: 'ValidationException',
    message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
      + 'Member must have value greater than or equal to 1',
    localDiffers: true,
  });
  await expectError(ddb.send(new ListTablesCommand({ Limit: 101 })), {
    name: 'ValidationException',
    message: "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
      + 'Member must have value less than or equal to 100',
    localDiffers: true,
  });
});

test('DeleteTable returns the description, then the table is gone', async () => {
  const name = uniqueName('del');
  const { TableDescription: c } = await create(hashOnly(name));
  await describeActive(name);
  const out = await ddb.send(new DeleteTableCommand({ TableName: name }));
  const d = out.TableDescription;
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.equal(d.TableName, name);
  assert.equal(d.TableArn, c.TableArn);
  assert.ok(['DELETING', 'ACTIVE'].includes(d.TableStatus), d.TableStatus);
  assert.deepEqual(d.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);

  // DynamoDB deletes asynchronously; the table disappears within moments.
  let gone = false;
  for (let i = 0; i < 50 && !gone; i++) {
    try {
      await ddb.send(new DescribeTableCommand({ TableName: name }));
      await sleep(100);
    } catch (e) {
      assert.equal(e.name, 'ResourceNotFoundException');
      gone = true;
    }
  }
  assert.ok(gone, 'table is gone');
  await expectError(ddb.send(new DeleteTableCommand({ TableName: name })), {
    name: 'ResourceNotFoundException',
    message: `Requested resource not found: Table: ${name} not found`,
    localDiffers: true,
  });
  await expectError(ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'x' } } })), {
    name: 'ResourceNotFoundException',
    message: 'Requested resource not found',
    localDiffers: true,
  });
  const all = await ddb.send(new ListTablesCommand({}));
  assert.ok(!all.TableNames.includes(name));
});

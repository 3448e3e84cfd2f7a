// Restarts: data written to a --data-dir survives SIGTERM and a restart on the
// same folder; --in-memory leaves nothing behind. Needs DDBWATCH_BIN (skipped
// with only DDB_ENDPOINT).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand, DescribeTableCommand, ListTablesCommand, DeleteTableCommand,
  PutItemCommand, GetItemCommand, DeleteItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startServer, client, BIN, expectError } from '../lib/env.mjs';

const skip = !BIN && 'needs DDBWATCH_BIN (restarts the server)';
const temps = [];

function tempDir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `ddbwatch-e2e-${prefix}-`));
  temps.push(d);
  return d;
}

after(() => { for (const d of temps) fs.rmSync(d, { recursive: true, force: true }); });

// Starts a server, runs fn(ddb, server), stops it; asserts a clean exit.
async function withServer(opts, fn) {
  const server = await startServer(opts);
  const ddb = client(server.endpoint);
  try {
    return await fn(ddb, server);
  } finally {
    ddb.destroy();
    const code = await server.stop();
    assert.equal(code, 0, `ddbwatch exited uncleanly after SIGTERM:\n${server.stderr()}`);
  }
}

const ITEMS = [
  { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'first' } },
  { pk: { S: 'a' }, sk: { N: '-2.5' }, v: { M: { n: { NS: ['1', '2'] }, b: { B: Uint8Array.from([0, 1, 255]) } } } },
  { pk: { S: 'b' }, sk: { N: '10' }, v: { L: [{ BOOL: true }, { NULL: true }, { SS: ['x', 'y'] }] } },
  { pk: { S: 'long'.repeat(300) }, sk: { N: '100' }, v: { S: 'long key' } },
  { pk: { S: 'gone' }, sk: { N: '0' }, v: { S: 'deleted before the restart' } },
];

const keyOf = (it) => ({ pk: it.pk, sk: it.sk });
const normalise = (it) => JSON.parse(JSON.stringify(it, (k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));

test('items written to --data-dir survive SIGTERM and a restart', { skip, timeout: 60000 }, async () => {
  const dataDir = tempDir('data');
  const TableName = 'persisted-table';
  let description;
  await withServer({ dataDir }, async (ddb) => {
    await ddb.send(new CreateTableCommand({
      TableName, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 2 },
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }));
    await ddb.send(new CreateTableCommand({
      TableName: 'dropped-table', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }));
    for (const Item of ITEMS) await ddb.send(new PutItemCommand({ TableName, Item }));
    await ddb.send(new DeleteItemCommand({ TableName, Key: keyOf(ITEMS[4]) }));
    await ddb.send(new PutItemCommand({ TableName, Item: { ...ITEMS[0], v: { S: 'overwritten' } } }));
    await ddb.send(new DeleteTableCommand({ TableName: 'dropped-table' }));
    description = (await ddb.send(new DescribeTableCommand({ TableName }))).Table;
  });
  assert.ok(fs.readdirSync(dataDir).length > 0, 'the data folder holds files');

  for (let round = 0; round < 2; round++) {
    await withServer({ dataDir }, async (ddb) => {
      const { TableNames } = await ddb.send(new ListTablesCommand({}));
      assert.deepEqual(TableNames, [TableName]);
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
      assert.equal(Table.TableArn, description.TableArn);
      assert.equal(Table.TableId, description.TableId);
      assert.equal(Table.CreationDateTime.getTime(), description.CreationDateTime.getTime());
      assert.deepEqual(Table.KeySchema, description.KeySchema);
      assert.equal(Table.ProvisionedThroughput.ReadCapacityUnits, 4);
      assert.equal(Table.ProvisionedThroughput.WriteCapacityUnits, 2);
      const get = (it) => ddb.send(new GetItemCommand({ TableName, Key: keyOf(it), ConsistentRead: true }));
      assert.equal((await get(ITEMS[0])).Item.v.S, 'overwritten');
      for (const it of ITEMS.slice(1, 4)) assert.deepEqual(normalise((await get(it)).Item), normalise(it));
      assert.equal((await get(ITEMS[4])).Item, undefined, 'the deleted item stays deleted');
      await expectError(ddb.send(new DescribeTableCommand({ TableName: 'dropped-table' })), {
        name: 'ResourceNotFoundException',
      });
      // A write after the first restart must be there after the second.
      if (round === 0) {
        await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'late' }, sk: { N: '1' } } }));
      } else {
        const late = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'late' }, sk: { N: '1' } } }));
        assert.deepEqual(late.Item, { pk: { S: 'late' }, sk: { N: '1' } });
      }
    });
  }
});

test('--in-memory leaves nothing behind', { skip, timeout: 60000 }, async () => {
  const cwd = tempDir('cwd');
  const home = tempDir('home');
  const tmp = tempDir('tmp');
  const env = { HOME: home, TMPDIR: tmp, XDG_DATA_HOME: path.join(home, '.local/share') };
  await withServer({ cwd, env }, async (ddb) => {
    await ddb.send(new CreateTableCommand({
      TableName: 'ephemeral', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }));
    for (let i = 0; i < 50; i++) {
      await ddb.send(new PutItemCommand({ TableName: 'ephemeral', Item: { pk: { S: `k${i}` }, d: { S: 'x'.repeat(1000) } } }));
    }
  });
  assert.deepEqual(fs.readdirSync(cwd), [], 'nothing in the working folder');
  assert.deepEqual(fs.readdirSync(home), [], 'nothing in HOME');
  assert.deepEqual(fs.readdirSync(tmp), [], 'nothing in TMPDIR');
  await withServer({ cwd, env }, async (ddb) => {
    const { TableNames } = await ddb.send(new ListTablesCommand({}));
    assert.deepEqual(TableNames, [], 'a new in-memory server starts empty');
  });
});

// Each detector of issue 6 fires on its risky request and stays silent on the
// benign twin, seen through the AWS SDK for JavaScript v3 and the admin API;
// findings carry the x-amzn-RequestId the client received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, DescribeTableCommand, ListTablesCommand,
  CreateTableCommand, DeleteTableCommand, UpdateTableCommand, ExecuteStatementCommand,
} from '@aws-sdk/client-dynamodb';
import { useCallsite, withCallsite } from '../../../clients/js/index.js';
import { startDdbwatch, rejectsWith, usersTable } from '../lib/ddbwatch.mjs';

let w;
let setup;

before(async () => {
  w = await startDdbwatch({
    config: {
      tables: [usersTable('Users'), usersTable('Orders')],
      principals: { setup: ['setup'] },
      detectors: { DDB013: { honeyTables: ['admin_backup'] }, DDB007: { pages: 3 } },
    },
  });
  setup = w.client('setup');
  for (let i = 0; i < 30; i++) {
    await setup.send(new PutItemCommand({ TableName: 'Users', Item: { userId: { S: `u${i}` }, name: { S: `n${i}` } } }));
  }
});

after(async () => {
  await w.stop();
  w.cleanup();
});

// Findings of one request, by its request id.
async function findingsOf(out) {
  const id = out.$metadata.requestId;
  assert.match(id, /^[A-Z0-9]{52}$/);
  return w.findings(`?requestId=${id}`);
}
const ids = (fs) => fs.map((f) => f.detector).sort();

test('declared tables exist at start', async () => {
  const out = await setup.send(new DescribeTableCommand({ TableName: 'Orders' }));
  assert.equal(out.Table.TableName, 'Orders');
});

test('a keyed read by the app is silent', async () => {
  const app = w.client('app-safe');
  const out = await app.send(new GetItemCommand({ TableName: 'Users', Key: { userId: { S: 'u1' } } }));
  assert.equal(out.Item.name.S, 'n1');
  assert.deepEqual(await findingsOf(out), []);
  const q = await app.send(new QueryCommand({
    TableName: 'Users', KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': { S: 'u2' } }, Limit: 10,
  }));
  assert.deepEqual(await findingsOf(q), []);
});

test('DDB006/DDB009: a Scan without Limit by the app', async () => {
  const app = w.client('app-scan');
  const out = await app.send(new ScanCommand({ TableName: 'Users' }));
  const fs = await findingsOf(out);
  assert.deepEqual(ids(fs), ['DDB006', 'DDB009']);
  const f6 = fs.find((f) => f.detector === 'DDB006');
  assert.equal(f6.severity, 'high');
  assert.equal(f6.name, 'full-table read');
  assert.equal(f6.principal, 'app-scan');
  assert.equal(f6.operation, 'Scan');
  assert.equal(f6.table, 'Users');
  assert.equal(f6.requestId, out.$metadata.requestId);
  // The setup principal's Scan with a Limit: medium only.
  const s = await setup.send(new ScanCommand({ TableName: 'Users', Limit: 100 }));
  const fs2 = await findingsOf(s);
  assert.deepEqual(fs2.map((f) => [f.detector, f.severity]), [['DDB006', 'medium']]);
});

test('DDB006: PartiQL SELECT without the partition key', async () => {
  const app = w.client('app-pql');
  const ok = await app.send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM "Users" WHERE userId = ?', Parameters: [{ S: 'u1' }] }));
  assert.deepEqual(await findingsOf(ok), []);
  const bad = await app.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "Users" WHERE userId = 'x' OR userId <> 'x'` }));
  // The injected OR is also a tautology (DDB003) and the statement has literals (DDB005).
  assert.deepEqual(ids(await findingsOf(bad)), ['DDB003', 'DDB005', 'DDB006']);
});

test('DDB007: one call site chaining pages', async () => {
  const app = useCallsite(w.client('app-walk'));
  let key;
  const seen = [];
  for (let page = 0; page < 3; page++) {
    const out = await withCallsite('GET /export', () => app.send(new QueryCommand({
      TableName: 'Users', KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': { S: 'u3' } },
      Limit: 1, ExclusiveStartKey: key || { userId: { S: 'u3' } },
    })));
    seen.push(ids(await findingsOf(out)));
    key = { userId: { S: 'u3' } };
  }
  assert.deepEqual(seen, [[], ['DDB007'], []]); // the 3rd page fires; the window starts over
  const f = (await w.findings('?detector=DDB007')).at(-1);
  assert.match(f.callsite, /^GET \/export\|test\/detectors\.test\.mjs:\d+$/);
  assert.equal(f.evidence.pages, 3);
});

test('DDB008: TotalSegments above the threshold', async () => {
  const app = w.client('app-seg');
  const ok = await app.send(new ScanCommand({ TableName: 'Users', Limit: 10, Segment: 0, TotalSegments: 4 }));
  assert.ok(!ids(await findingsOf(ok)).includes('DDB008'));
  const bad = await app.send(new ScanCommand({ TableName: 'Users', Limit: 10, Segment: 0, TotalSegments: 100 }));
  assert.ok(ids(await findingsOf(bad)).includes('DDB008'));
});

test('DDB009: a huge Limit on Query', async () => {
  const app = w.client('app-limit');
  const out = await app.send(new QueryCommand({
    TableName: 'Users', KeyConditionExpression: 'userId = :u', ExpressionAttributeValues: { ':u': { S: 'u1' } }, Limit: 100000,
  }));
  const fs = await findingsOf(out);
  assert.deepEqual(fs.map((f) => [f.detector, f.severity]), [['DDB009', 'low']]);
});

test('DDB012: a table not declared, and a call site naming two tables', async () => {
  const app = useCallsite(w.client('app-dyn'));
  const getFrom = (table) => app.send(new GetItemCommand({ TableName: table, Key: { userId: { S: 'u1' } } }));
  assert.deepEqual(ids(await findingsOf(await getFrom('Users'))), []);
  assert.deepEqual(ids(await findingsOf(await getFrom('Users'))), []);
  const second = await getFrom('Orders'); // same line of code, another table
  const fs = await findingsOf(second);
  assert.deepEqual(ids(fs), ['DDB012']);
  assert.equal(fs[0].evidence.reason, 'dynamic');
  await setup.send(new CreateTableCommand(usersTable('SetupMade')));
  const other = w.client('app-dyn2');
  const fine = await other.send(new GetItemCommand({ TableName: 'SetupMade', Key: { userId: { S: 'a' } } }));
  assert.deepEqual(await findingsOf(fine), []);
  const e = await rejectsWith(other.send(new GetItemCommand({ TableName: 'Invoices', Key: { userId: { S: 'a' } } })), 'ResourceNotFoundException');
  const fs2 = await findingsOf(e);
  assert.deepEqual(ids(fs2), ['DDB012']);
  assert.equal(fs2[0].evidence.reason, 'undeclared');
});

test('DDB013: table names probed one after another, and a honey table', async () => {
  const app = w.client('app-enum');
  const probe = (t) => rejectsWith(app.send(new GetItemCommand({ TableName: t, Key: { userId: { S: 'a' } } })), 'ResourceNotFoundException');
  const e1 = await probe('users_old');
  const e2 = await probe('users_copy');
  assert.ok(!ids(await findingsOf(e1)).includes('DDB013'));
  assert.ok(!ids(await findingsOf(e2)).includes('DDB013'));
  const e3 = await probe('users_bak');
  const f = (await findingsOf(e3)).find((x) => x.detector === 'DDB013');
  assert.deepEqual(f.evidence.tables.sort(), ['users_bak', 'users_copy', 'users_old']);
  const h = await rejectsWith(setup.send(new DescribeTableCommand({ TableName: 'admin_backup' })), 'ResourceNotFoundException');
  assert.deepEqual(ids(await findingsOf(h)), ['DDB013']);
});

test('DDB015/DDB016: the app on the control plane', async () => {
  const app = w.client('app-ctl');
  assert.deepEqual(await findingsOf(await setup.send(new ListTablesCommand({}))), []);
  const l = await app.send(new ListTablesCommand({}));
  assert.deepEqual((await findingsOf(l)).map((f) => [f.detector, f.severity]), [['DDB015', 'medium']]);
  const d = await app.send(new DescribeTableCommand({ TableName: 'Users' }));
  assert.deepEqual(ids(await findingsOf(d)), ['DDB015']);
  const c = await app.send(new CreateTableCommand(usersTable('AppMade')));
  assert.deepEqual((await findingsOf(c)).map((f) => [f.detector, f.severity]), [['DDB016', 'high']]);
  const u = await app.send(new UpdateTableCommand({ TableName: 'AppMade', BillingMode: 'PAY_PER_REQUEST' })).catch((e) => e);
  assert.ok(ids(await findingsOf(u)).includes('DDB016'));
  const del = await app.send(new DeleteTableCommand({ TableName: 'AppMade' }));
  // AppMade was made by the app, so it is not an expected table either.
  assert.deepEqual((await findingsOf(del)).map((f) => [f.detector, f.severity]), [['DDB012', 'high'], ['DDB016', 'critical']]);
  // The setup principal may manage tables.
  await setup.send(new CreateTableCommand(usersTable('SetupOwned')));
  const sd = await setup.send(new DeleteTableCommand({ TableName: 'SetupOwned' }));
  assert.deepEqual(await findingsOf(sd), []);
});

test('DDB019: a burst of malformed expressions from one call site', async () => {
  const app = useCallsite(w.client('app-expr'));
  const search = (filter) => withCallsite('GET /search', () => app.send(new ScanCommand({
    TableName: 'Users', Limit: 5, FilterExpression: filter, ExpressionAttributeValues: { ':v': { S: 'x' } },
  })));
  const bad = ['name = :v or', 'name = :v and )', 'name = :v or size(name) = size(name) or'];
  const errs = [];
  for (const f of bad) errs.push(await rejectsWith(search(f), 'ValidationException'));
  assert.ok(!ids(await findingsOf(errs[0])).includes('DDB019'));
  assert.ok(!ids(await findingsOf(errs[1])).includes('DDB019'));
  const f = (await findingsOf(errs[2])).find((x) => x.detector === 'DDB019');
  assert.equal(f.severity, 'medium');
  assert.equal(f.evidence.errors, 3);
  assert.equal(f.evidence.last.expression, 'FilterExpression');
  assert.equal(f.evidence.last.class, 'syntax');
  // Each one is in the audit trail with its text and position.
  const { body } = await w.admin(`/_ddbwatch/events?requestId=${errs[0].$metadata.requestId}`);
  const ee = body.events[0].ddbwatch.expressionError;
  assert.equal(ee.text, 'name = :v or');
  assert.equal(typeof ee.offset, 'number');
  // Well-formed filters from the same call site are silent.
  const ok = await search('userId = :v');
  assert.ok(!ids(await findingsOf(ok)).includes('DDB019'));
});

test('DDB024: an item with too many attributes', async () => {
  const app = w.client('app-big');
  const item = { userId: { S: 'big' } };
  for (let i = 0; i < 300; i++) item[`a${i}`] = { N: String(i) };
  const out = await app.send(new PutItemCommand({ TableName: 'Users', Item: item }));
  const fs = await findingsOf(out);
  assert.deepEqual(fs.map((f) => [f.detector, f.severity]), [['DDB024', 'low']]);
  assert.equal(fs[0].evidence.reasons[0].reason, 'attributes');
  const small = await app.send(new PutItemCommand({ TableName: 'Users', Item: { userId: { S: 'small' } } }));
  assert.deepEqual(await findingsOf(small), []);
});

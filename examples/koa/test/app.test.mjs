// End to end: ddbwatch (with this example's ddbwatch.json) and the Koa app,
// every route called over HTTP, and the exact findings each one produces:
// none for the safe route, the right detector ids for each unsafe one. Then
// `ddbwatch report --fail-on high` fails and its SARIF validates against the
// 2.1.0 schema with locations in src/app.js.
//
// DDBWATCH_BIN names the ddbwatch binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { useCallsite } from 'ddbwatch-callsite';
import { createApp } from '../src/app.js';

const BIN = process.env.DDBWATCH_BIN;
const here = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
let ddbwatch, exited, endpoint, dir, audit, server, base, clients = [];

const client = (principal) => {
  const c = new DynamoDBClient({
    endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: principal, secretAccessKey: 'local' },
  });
  clients.push(c);
  return c;
};

before(async () => {
  assert.ok(BIN, 'DDBWATCH_BIN is not set');
  dir = mkdtempSync(path.join(tmpdir(), 'ddbwatch-koa-'));
  audit = path.join(dir, 'audit.log');
  ddbwatch = spawn(BIN, ['--in-memory', '--port', '0', '--config', path.join(here, 'ddbwatch.json'), '--audit-log', audit],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  exited = once(ddbwatch, 'exit');
  endpoint = await new Promise((resolve, reject) => {
    let out = '';
    ddbwatch.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    ddbwatch.on('exit', (code) => reject(new Error(`ddbwatch exited with ${code}`)));
  });
  const setup = client('koa-setup');
  for (const [id, displayName] of [['u1', 'Alice'], ['u2', 'Bob'], ['u3', 'Carol']]) {
    await setup.send(new PutItemCommand({ TableName: 'Users', Item: { userId: { S: id }, displayName: { S: displayName } } }));
  }
  const ddb = useCallsite(client('koa-app'), { root: here });
  server = createApp({ ddb }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  server?.close();
  for (const c of clients) c.destroy();
  if (ddbwatch && ddbwatch.exitCode === null) {
    ddbwatch.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let seen = 0;
// The findings raised since the last call of this function.
async function newFindings() {
  const res = await fetch(`${endpoint}/_ddbwatch/findings?since=${seen}`);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const { findings } = await res.json();
  if (findings.length) seen = findings.at(-1).id;
  return findings;
}
const ids = (fs) => fs.map((f) => f.detector).sort();

async function get(url, status = 200) {
  const res = await fetch(base + url);
  assert.equal(res.status, status, `${url}: ${await res.clone().text()}`);
  return res.json().catch(() => null);
}

test('the safe route: no findings', async () => {
  assert.deepEqual(await get('/users/u1'), { userId: 'u1', displayName: 'Alice' });
  await get('/users/u2');
  await get('/users/nobody', 404);
  await get('/users/' + encodeURIComponent('u1 OR 1=1'), 400); // refused before DynamoDB
  assert.deepEqual(await newFindings(), []);
});

test('GET /users (unbounded Scan): DDB006 high and DDB009 low', async () => {
  const users = await get('/users');
  assert.equal(users.length, 3);
  const fs = await newFindings();
  assert.deepEqual(fs.map((f) => [f.detector, f.severity]).sort(), [['DDB006', 'high'], ['DDB009', 'low']]);
  for (const f of fs) {
    assert.match(f.callsite, /^GET \/users\|src\/app\.js:\d+$/);
    assert.equal(f.principal, 'koa-app');
    assert.equal(f.table, 'Users');
    assert.match(f.requestId, /^[A-Z0-9]{52}$/);
  }
});

test('GET /records (table from the query string): DDB012, and DDB013 for a honey table and for probing', async () => {
  assert.deepEqual(await get('/records?table=Users&id=u1'), { userId: 'u1', displayName: 'Alice' });
  assert.deepEqual(await newFindings(), []);
  await get('/records?table=admin&id=x', 400); // the honey table (and a missing one)
  assert.deepEqual(ids(await newFindings()), ['DDB012', 'DDB013']);
  await get('/records?table=users_old&id=x', 400);
  assert.deepEqual(ids(await newFindings()), ['DDB012']);
  await get('/records?table=users_bak&id=x', 400); // third missing name in a minute
  const fs = await newFindings();
  assert.deepEqual(ids(fs), ['DDB012', 'DDB013']);
  const enumeration = fs.find((f) => f.detector === 'DDB013');
  assert.deepEqual(enumeration.evidence.tables.sort(), ['admin', 'users_bak', 'users_old']);
  assert.match(enumeration.callsite, /^GET \/records\|src\/app\.js:\d+$/);
});

test('GET /search (expression text from the query string): DDB006, then DDB019 on a burst of syntax errors', async () => {
  assert.deepEqual(await get('/search?field=displayName&value=Bob'), [{ userId: 'u2', displayName: 'Bob' }]);
  assert.deepEqual(ids(await newFindings()), ['DDB006']);
  const probe = '/search?field=' + encodeURIComponent('displayName OR size(displayName) >') + '&value=x';
  await get(probe, 400);
  assert.deepEqual(ids(await newFindings()), ['DDB006']);
  await get(probe, 400);
  assert.deepEqual(ids(await newFindings()), ['DDB006']);
  await get(probe, 400);
  const fs = await newFindings();
  assert.deepEqual(ids(fs), ['DDB006', 'DDB019']);
  const burst = fs.find((f) => f.detector === 'DDB019');
  assert.match(burst.callsite, /^GET \/search\|src\/app\.js:\d+$/);
  assert.equal(burst.evidence.last.expression, 'FilterExpression');
  assert.equal(burst.evidence.last.text, 'displayName OR size(displayName) > = :v');
});

test('ddbwatch report: --fail-on high fails; SARIF validates and points into src/app.js', async () => {
  ddbwatch.kill('SIGTERM'); // shutdown flushes the audit log
  const [code] = await exited;
  assert.equal(code, 0);
  const text = spawnSync(BIN, ['report', '--audit-log', audit, '--fail-on', 'high'], { encoding: 'utf8' });
  assert.equal(text.status, 1, text.stderr);
  assert.match(text.stdout, /DDB006 full-table read/);
  assert.match(text.stdout, /--fail-on high: \d+ findings at or above high/);
  assert.equal(spawnSync(BIN, ['report', '--audit-log', audit, '--fail-on', 'critical']).status, 0);

  const sarifPath = path.join(dir, 'ddbwatch.sarif');
  const s = spawnSync(BIN, ['report', '--audit-log', audit, '--format', 'sarif', '--output', sarifPath,
    '--default-uri', 'examples/koa/ddbwatch.json'], { encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  const doc = JSON.parse(readFileSync(sarifPath, 'utf8'));
  const Ajv = require('ajv');
  const ajv = new Ajv({ schemaId: 'id', allErrors: true, format: 'full' });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  const validate = ajv.compile(JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  const results = doc.runs[0].results;
  assert.deepEqual([...new Set(results.map((r) => r.ruleId))].sort(), ['DDB006', 'DDB009', 'DDB012', 'DDB013', 'DDB019']);
  for (const r of results) {
    const loc = r.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'src/app.js');
    assert.ok(loc.region.startLine > 1);
  }
});

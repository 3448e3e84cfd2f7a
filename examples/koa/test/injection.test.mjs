// End to end, the injection detectors of issue 8 through the Koa example:
//
//   1. learn: ddbwatch --learn FILE; the app's normal traffic on every route
//      (unsafe ones and their safe twins); POST /_ddbwatch/baseline, then
//      SIGTERM, write the baseline; it must be stable, sorted JSON.
//   2. frozen: ddbwatch --baseline FILE; the same normal traffic raises no
//      baseline finding; each attack on an unsafe route raises its detector
//      with the right severity, on the request whose x-amzn-RequestId the app's
//      client received; the same input on the safe twin raises no injection
//      finding at all.
//
// The app answers every route with x-ddbwatch-request-ids (koaCallsite's
// requestIds), the ids of the DynamoDB calls it made, so each finding is tied
// to the HTTP request that caused it. The last test prints the detection and
// false-positive counts. DDBWATCH_BIN names the ddbwatch binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { useCallsite, REQUEST_IDS_HEADER } from 'ddbwatch-callsite';
import { createApp } from '../src/app.js';

const BIN = process.env.DDBWATCH_BIN;
const here = path.resolve(import.meta.dirname, '..');
const INJECTION = ['DDB001', 'DDB003', 'DDB004', 'DDB005', 'DDB010', 'DDB011', 'DDB017', 'DDB018', 'DDB020'];
let dir, baselineFile;

// One ddbwatch process and the app in front of it.
async function startStack(args) {
  const child = spawn(BIN, ['--in-memory', '--port', '0', '--config', path.join(here, 'ddbwatch.json'), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const endpoint = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`ddbwatch exited with ${code}`)));
  });
  const client = (principal) => new DynamoDBClient({
    endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: principal, secretAccessKey: 'local' },
  });
  const setup = client('koa-setup');
  const seed = [
    { userId: 'u1', displayName: 'Alice', email: 'alice@example.com', passwordHash: 'x1', role: 'user' },
    { userId: 'u2', displayName: 'Bob', email: 'bob@example.com', passwordHash: 'x2', role: 'user' },
    { userId: 'u3', displayName: 'Carol', passwordHash: 'x3', role: 'admin' },
  ];
  for (const u of seed) {
    await setup.send(new PutItemCommand({ TableName: 'Users', Item: Object.fromEntries(Object.entries(u).map(([k, v]) => [k, { S: v }])) }));
  }
  const ddb = useCallsite(client('koa-app'), { root: here });
  const server = createApp({ ddb }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    endpoint,
    // Calls a route; returns the HTTP status and the DynamoDB request ids it caused.
    async call({ method = 'GET', url, body }) {
      const res = await fetch(base + url, {
        method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
      });
      await res.arrayBuffer();
      const ids = (res.headers.get(REQUEST_IDS_HEADER) || '').split(',').filter(Boolean);
      return { status: res.status, ids };
    },
    async findings(requestId) {
      const res = await fetch(`${endpoint}/_ddbwatch/findings?requestId=${encodeURIComponent(requestId)}`);
      return (await res.json()).findings;
    },
    async admin(p, init) {
      const res = await fetch(endpoint + p, init);
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      server.close();
      ddb.destroy();
      setup.destroy();
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
    },
  };
}

// The app's normal traffic: what its own tests would send.
const normal = [
  { url: '/users/u1' },
  { url: '/users/u2' },
  { url: '/users' },
  { url: '/records?table=Users&id=u1' },
  { url: '/search?field=displayName&value=Bob' },
  { url: '/search?field=email&value=bob%40example.com' },
  { url: '/search-safe?field=displayName&value=Bob' },
  { url: '/search-safe?field=email&value=bob%40example.com' },
  { url: '/legacy/search?field=displayName&op=EQ&value=Bob' },
  { url: '/legacy/search?field=displayName&op=BEGINS_WITH&value=B' },
  { url: '/legacy/search-safe?field=displayName&value=Bob' },
  { url: '/pql/users/u1' },
  { url: '/pql-safe/users/u1' },
  { method: 'POST', url: '/lookup', body: { userId: 'u1' } },
  { method: 'POST', url: '/lookup-safe', body: { userId: 'u1' } },
  { method: 'PUT', url: '/users/u2/theme', body: { theme: 'dark' } },
  { method: 'PUT', url: '/users-safe/u2/theme', body: { theme: 'light' } },
  { method: 'PUT', url: '/users/u4', body: { displayName: 'Dan', email: 'dan@example.com' } },
  { method: 'PUT', url: '/users/u5', body: { displayName: 'Eve' } },
  { method: 'PUT', url: '/users-safe/u4', body: { displayName: 'Dan', email: 'dan@example.com' } },
  { method: 'PUT', url: '/users-safe/u5', body: { displayName: 'Eve' } },
  { method: 'PATCH', url: '/users/u4', body: { displayName: 'Daniel' } },
  { method: 'PATCH', url: '/users/u4', body: { displayName: 'Dan', email: 'dan@example.org' } },
  { method: 'PATCH', url: '/users-safe/u4', body: { displayName: 'Daniel' } },
  { method: 'PATCH', url: '/users-safe/u4', body: { displayName: 'Dan', email: 'dan@example.org' } },
  { url: '/users/u1/fields?fields=displayName' },
  { url: '/users/u1/fields?fields=displayName,email' },
  { url: '/users-safe/u1/fields?fields=displayName' },
  { url: '/users-safe/u1/fields?fields=displayName,email' },
];

// Findings that describe the code of a route rather than an attack: the unsafe
// PartiQL route always inlines its literal (DDB005 medium), the legacy route
// always uses ScanFilter (DDB001 info). Anything else on normal traffic is a
// false positive.
const byDesign = (f) => (f.detector === 'DDB005' && f.severity === 'medium') || (f.detector === 'DDB001' && f.severity === 'info');

const enc = encodeURIComponent;
// Each attack: the unsafe route, the same input on its safe twin, and what must be raised.
const attacks = [
  { name: 'legacy NE operator', expect: ['DDB001', 'high'],
    unsafe: { url: '/legacy/search?field=displayName&op=NE&value=Nobody' },
    twin: { url: '/legacy/search-safe?field=displayName&op=NE&value=Nobody' } },
  { name: 'legacy NOT_NULL on a hidden attribute', expect: ['DDB001', 'high'],
    unsafe: { url: '/legacy/search?field=passwordHash&op=NOT_NULL' },
    twin: { url: '/legacy/search-safe?field=passwordHash&op=NOT_NULL' } },
  { name: 'size(x) = size(x) tautology', expect: ['DDB003', 'high'],
    unsafe: { url: `/search?field=${enc('size(displayName) = size(displayName) OR displayName')}&value=x` },
    twin: { url: `/search-safe?field=${enc('size(displayName) = size(displayName) OR displayName')}&value=x` } },
  { name: 'PartiQL OR tautology', expect: ['DDB003', 'high'],
    unsafe: { url: `/pql/users/${enc("x' OR userId <> 'x")}` },
    twin: { url: `/pql-safe/users/${enc("x' OR userId <> 'x")}` } },
  { name: 'expression shape drift', expect: ['DDB004', 'high'],
    unsafe: { url: `/search?field=${enc('displayName = :v OR userId')}&value=Bob` },
    twin: { url: `/search-safe?field=${enc('displayName = :v OR userId')}&value=Bob` } },
  { name: 'PartiQL statement drift', expect: ['DDB004', 'high'],
    unsafe: { url: `/pql/users/${enc("u1' OR begins_with(displayName, 'A') OR userId = 'u1")}` },
    twin: { url: `/pql-safe/users/${enc("u1' OR begins_with(displayName, 'A') OR userId = 'u1")}` } },
  { name: 'PartiQL injection: inlined literals, new template', expect: ['DDB005', 'high'],
    unsafe: { url: `/pql/users/${enc("x' OR userId <> 'x")}` },
    twin: { url: `/pql-safe/users/${enc("x' OR userId <> 'x")}` } },
  { name: 'PartiQL injection: full-table read', expect: ['DDB006', 'high'], injectionOnly: false,
    unsafe: { url: `/pql/users/${enc("x' OR userId <> 'x")}` },
    twin: { url: `/pql-safe/users/${enc("x' OR userId <> 'x")}` } },
  { name: 'array where a string key was expected', expect: ['DDB010', 'high'],
    unsafe: { method: 'POST', url: '/lookup', body: { userId: ['u1'] } },
    twin: { method: 'POST', url: '/lookup-safe', body: { userId: ['u1'] } } },
  { name: 'double-typed map', expect: ['DDB011', 'high'],
    unsafe: { method: 'PUT', url: '/users/u2/theme', body: { theme: { S: 'dark' } } },
    twin: { method: 'PUT', url: '/users-safe/u2/theme', body: { theme: { S: 'dark' } } } },
  { name: 'placeholder type drift', expect: ['DDB011', 'high'],
    unsafe: { method: 'PUT', url: '/users/u2/theme', body: { theme: 42 } },
    twin: { method: 'PUT', url: '/users-safe/u2/theme', body: { theme: 42 } } },
  { name: '__proto__ attribute', expect: ['DDB011', 'high'], // JSON.parse keeps "__proto__" as an own key
    unsafe: { method: 'PATCH', url: '/users/u4', body: '{"__proto__":{"isAdmin":true}}' },
    twin: { method: 'PATCH', url: '/users-safe/u4', body: '{"__proto__":{"isAdmin":true}}' } },
  { name: 'mass assignment through PutItem', expect: ['DDB017', 'high'],
    unsafe: { method: 'PUT', url: '/users/u5', body: { displayName: 'Eve', isAdmin: true, role: 'admin' } },
    twin: { method: 'PUT', url: '/users-safe/u5', body: { displayName: 'Eve', isAdmin: true, role: 'admin' } } },
  { name: 'mass assignment through UpdateItem', expect: ['DDB017', 'high'],
    unsafe: { method: 'PATCH', url: '/users/u4', body: { displayName: 'Dan', isAdmin: true } },
    twin: { method: 'PATCH', url: '/users-safe/u4', body: { displayName: 'Dan', isAdmin: true } } },
  { name: 'key attribute in SET', expect: ['DDB017', 'high'],
    unsafe: { method: 'PATCH', url: '/users/u4', body: { userId: 'u1' } },
    twin: { method: 'PATCH', url: '/users-safe/u4', body: { userId: 'u1' } } },
  { name: 'sensitive projection', expect: ['DDB018', 'medium'],
    unsafe: { url: '/users/u1/fields?fields=displayName,passwordHash' },
    twin: { url: '/users-safe/u1/fields?fields=displayName,passwordHash' } },
  { name: 'canary in the expression text', expect: ['DDB020', 'critical'],
    unsafe: { url: '/search?field=ZQX0001&value=ZQX0002' },
    twin: { url: '/search-safe?field=ZQX0001&value=ZQX0002' } },
  { name: 'canary in the PartiQL statement', expect: ['DDB020', 'critical'],
    unsafe: { url: '/pql/users/ZQX0003' },
    twin: { url: '/pql-safe/users/ZQX0003' } },
  { name: 'canary in the table name', expect: ['DDB020', 'critical'],
    unsafe: { url: '/records?table=ZQX0004&id=u1' },
    twin: { url: '/users/ZQX0004' } },
];

// Inputs with a canary only where values belong: silent on both routes.
const canaryValues = [
  { url: '/search?field=displayName&value=ZQX0005' },
  { url: '/search-safe?field=displayName&value=ZQX0005' },
  { url: '/pql-safe/users/ZQX0006' },
  { method: 'POST', url: '/lookup', body: { userId: 'ZQX0007' } },
  { method: 'PUT', url: '/users/u2/theme', body: { theme: 'ZQX0008' } },
];

const counts = { attacks: 0, detected: 0, twinRequests: 0, twinCalls: 0, falsePositives: 0, normalCalls: 0 };

before(() => {
  assert.ok(BIN, 'DDBWATCH_BIN is not set');
  dir = mkdtempSync(path.join(tmpdir(), 'ddbwatch-koa-inj-'));
  baselineFile = path.join(dir, 'baseline.json');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('learn: the normal traffic becomes a stable, sorted baseline', async () => {
  const s = await startStack(['--learn', baselineFile]);
  try {
    for (const r of normal) {
      const { status } = await s.call(r);
      assert.ok(status < 500, `${r.url}: ${status}`);
    }
    const w = await s.admin('/_ddbwatch/baseline', { method: 'POST' });
    assert.equal(w.status, 200);
    assert.equal(w.body.status, 'written');
    assert.equal(w.body.callsites, 19, JSON.stringify(w.body)); // one per route
  } finally {
    await s.stop(); // SIGTERM writes it again
  }
  const text = readFileSync(baselineFile, 'utf8');
  const doc = JSON.parse(text);
  assert.equal(doc.ddbwatchBaseline, 1);
  // Stable: sorted keys, sorted lists, two-space indentation, one entry per call site.
  const sortKeys = (v) => (Array.isArray(v) ? v.map(sortKeys)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);
  assert.equal(text, JSON.stringify(sortKeys(doc), null, 2) + '\n');
  for (const site of Object.values(doc.callsites)) {
    for (const list of [site.operations, site.tables, site.templates, site.returnedAttributes].filter(Boolean)) {
      assert.deepEqual(list, [...list].sort());
    }
  }
  const search = Object.entries(doc.callsites).find(([k]) => /^GET \/search\|src\/app\.js:\d+$/.test(k));
  assert.ok(search, Object.keys(doc.callsites).join('\n'));
  assert.deepEqual(search[1].templates, ['FilterExpression=displayName = :', 'FilterExpression=email = :']);
  assert.deepEqual(search[1].placeholderTypes, { ':v': ['S'] });
  const put = Object.entries(doc.callsites).find(([k]) => /^PUT \/users\/:id\|/.test(k))[1];
  assert.deepEqual(Object.keys(put.writtenAttributes), ['displayName', 'email', 'userId']);
  const pql = Object.entries(doc.callsites).find(([k]) => /^GET \/pql\/users\/:id\|/.test(k))[1];
  assert.deepEqual(pql.templates, ['Statement=SELECT * FROM "Users" WHERE userId = ?']);
});

let frozen;

test('frozen: the same normal traffic raises no baseline finding', async () => {
  frozen = await startStack(['--baseline', baselineFile]);
  const status = await frozen.admin('/_ddbwatch/baseline');
  assert.equal(status.body.mode, 'frozen');
  const unexpected = [];
  for (const r of normal) {
    const { ids } = await frozen.call(r);
    for (const id of ids) {
      counts.normalCalls++;
      for (const f of await frozen.findings(id)) {
        if (INJECTION.includes(f.detector) && !byDesign(f)) unexpected.push(`${r.method || 'GET'} ${r.url}: ${f.detector} ${f.message}`);
      }
    }
  }
  counts.falsePositives += unexpected.length;
  assert.deepEqual(unexpected, []);
});

for (const a of attacks) {
  test(`${a.expect[0]} ${a.name}: flagged on the unsafe route, silent on its safe twin`, async () => {
    const [detector, severity] = a.expect;
    counts.attacks++;
    const hit = await frozen.call(a.unsafe);
    assert.ok(hit.ids.length, `${a.unsafe.url} made no DynamoDB call`);
    const raised = [];
    for (const id of hit.ids) for (const f of await frozen.findings(id)) raised.push(f);
    console.log(`# ${a.unsafe.method || 'GET'} ${a.unsafe.url}: ${[...new Set(raised.map((f) => `${f.detector}/${f.severity}`))].join(' ')}`);
    const match = raised.find((f) => f.detector === detector);
    assert.ok(match, `${a.unsafe.url}: expected ${detector}, got ${raised.map((f) => f.detector).join(', ')}`);
    assert.equal(match.severity, severity, match.message);
    assert.ok(hit.ids.includes(match.requestId), 'the finding names the request the client received');
    assert.match(match.callsite, /\|src\/app\.js:\d+$/);
    counts.detected++;

    counts.twinRequests++;
    const twin = await frozen.call(a.twin);
    const wrong = [];
    for (const id of twin.ids) {
      counts.twinCalls++;
      for (const f of await frozen.findings(id)) if (INJECTION.includes(f.detector)) wrong.push(`${f.detector}: ${f.message}`);
    }
    counts.falsePositives += wrong.length;
    assert.deepEqual(wrong, [], `${a.twin.url}`);
  });
}

test('canaries where values belong are not injections, on either route', async () => {
  const wrong = [];
  for (const r of canaryValues) {
    const { ids } = await frozen.call(r);
    assert.ok(ids.length, r.url);
    for (const id of ids) {
      counts.twinCalls++;
      for (const f of await frozen.findings(id)) if (f.detector === 'DDB020') wrong.push(`${r.url}: ${f.message}`);
    }
  }
  counts.falsePositives += wrong.length;
  assert.deepEqual(wrong, []);
});

test('closing counts', async () => {
  await frozen.stop();
  console.log(`# injection detectors through the Koa example: ${counts.detected}/${counts.attacks} attacks detected; ` +
    `${counts.falsePositives} false positives over ${counts.normalCalls} normal DynamoDB calls, ` +
    `${counts.twinRequests} safe-twin requests (${counts.twinCalls} DynamoDB calls) and ${canaryValues.length} value-position canaries`);
  assert.equal(counts.detected, counts.attacks);
  assert.equal(counts.falsePositives, 0);
});

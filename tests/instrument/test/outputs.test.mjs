// What ddbwatch's instrumentation hands out: the audit log (CloudTrail-shaped
// JSON Lines), the admin API, `ddbwatch report` in its three formats (SARIF
// checked against the 2.1.0 schema), and enforce mode as a client sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  GetItemCommand, PutItemCommand, ScanCommand, DeleteTableCommand, DescribeTableCommand,
} from '@aws-sdk/client-dynamodb';
import { useCallsite } from '../../../clients/js/index.js';
import { startDdbwatch, report, sarifSchemaErrors, rejectsWith, usersTable } from '../lib/ddbwatch.mjs';

const config = { tables: [usersTable()], principals: { setup: ['setup'], app: ['app'] } };

test('audit log: one CloudTrail-shaped record per request, key values shown, other values redacted', async () => {
  const w = await startDdbwatch({ config });
  try {
    const setup = w.client('setup');
    const app = w.client('app');
    const put = await setup.send(new PutItemCommand({ TableName: 'Users', Item: { userId: { S: 'u1' }, password: { S: 'hunter2' } } }));
    const get = await app.send(new GetItemCommand({ TableName: 'Users', Key: { userId: { S: 'u1' } } }));
    const miss = await rejectsWith(app.send(new GetItemCommand({ TableName: 'Nope', Key: { userId: { S: 'u1' } } })), 'ResourceNotFoundException');
    // Buffered: on disk after a flush (or at shutdown), never per request.
    assert.equal((await w.admin('/_ddbwatch/flush', { method: 'POST' })).status, 200);
    const text = readFileSync(w.audit, 'utf8');
    assert.ok(!text.includes('hunter2'));
    const records = text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(records.length, 3);
    const [r1, r2, r3] = records;
    assert.equal(r1.eventName, 'PutItem');
    assert.equal(r1.requestID, put.$metadata.requestId);
    assert.deepEqual(r1.requestParameters, { tableName: 'Users', item: ['userId', 'password'], key: { userId: 'u1' } });
    assert.equal(r1.userIdentity.accessKeyId, 'setup');
    assert.equal(r1.ddbwatch.principalType, 'setup');
    assert.equal(r1.eventSource, 'dynamodb.amazonaws.com');
    assert.equal(r1.eventCategory, 'Data');
    assert.equal(r1.readOnly, false);
    assert.match(r1.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r1.resources[0].ARN, 'arn:aws:dynamodb:us-east-1:000000000000:table/Users');
    assert.equal(r2.requestID, get.$metadata.requestId);
    assert.deepEqual(r2.requestParameters.key, { userId: 'u1' });
    assert.equal(r2.readOnly, true);
    assert.deepEqual(r2.ddbwatch.findings, []);
    assert.equal(typeof r2.ddbwatch.latencyMs, 'number');
    assert.match(r2.userAgent, /aws-sdk-js/);
    assert.equal(r3.requestID, miss.$metadata.requestId);
    assert.equal(r3.errorCode, 'ResourceNotFoundException');
    assert.equal(r3.errorMessage, 'Requested resource not found');
    assert.deepEqual(r3.ddbwatch.findings, ['DDB012']);
    assert.equal(r3.additionalEventData.ddbwatchFindings[0].requestId, miss.$metadata.requestId);
    // The same records through the admin API.
    const { body } = await w.admin('/_ddbwatch/events?since=1');
    assert.deepEqual(body.events.map((e) => e.requestID), [get.$metadata.requestId, miss.$metadata.requestId]);
    assert.equal(body.next, 3);
  } finally {
    await w.stop();
    w.cleanup();
  }
});

test('admin API: health, findings filters and deletion, JSON everywhere', async () => {
  const w = await startDdbwatch({ config });
  try {
    const health = await w.admin('/_ddbwatch/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.equal(health.body.mode, 'observe');
    const app = w.client('app');
    await app.send(new ScanCommand({ TableName: 'Users' }));
    const all = await w.findings();
    assert.deepEqual(all.map((f) => f.detector).sort(), ['DDB006', 'DDB009']);
    for (const f of all) {
      assert.deepEqual(Object.keys(f).sort(), ['callsite', 'detector', 'evidence', 'id', 'message', 'name',
        'operation', 'principal', 'requestId', 'severity', 'table', 'time'].sort());
    }
    assert.deepEqual((await w.findings('?severity=high')).map((f) => f.detector), ['DDB006']);
    assert.deepEqual((await w.findings('?detector=DDB009')).map((f) => f.severity), ['low']);
    assert.deepEqual(await w.findings(`?since=${Math.max(...all.map((f) => f.id))}`), []);
    assert.equal((await w.admin('/_ddbwatch/findings', { method: 'DELETE' })).body.deleted, 2);
    assert.deepEqual(await w.findings(), []);
    assert.equal((await w.admin('/_ddbwatch/nope')).status, 404);
    assert.equal((await w.admin('/_ddbwatch/findings?severity=severe')).status, 400);
    assert.equal((await w.admin('/_ddbwatch/events', { method: 'DELETE' })).status, 405);
  } finally {
    await w.stop();
    w.cleanup();
  }
});

test('enforce mode: refused with AccessDeniedException naming the detector; nothing written', async () => {
  const w = await startDdbwatch({ config: { ...config, mode: 'enforce', enforce: { minSeverity: 'high' } } });
  try {
    const app = w.client('app');
    const setup = w.client('setup');
    const e = await rejectsWith(app.send(new DeleteTableCommand({ TableName: 'Users' })), 'AccessDeniedException');
    assert.match(e.message, /^User: arn:aws:iam::000000000000:user\/app is not authorized to perform: dynamodb:DeleteTable on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/Users because ddbwatch detector DDB016 \(control-plane call by an app principal, critical\) refused it/);
    assert.equal(e.$metadata.httpStatusCode, 400);
    const [f] = await w.findings(`?requestId=${e.$metadata.requestId}`);
    assert.equal(f.detector, 'DDB016');
    await setup.send(new DescribeTableCommand({ TableName: 'Users' })); // still there
    // Low findings are below the threshold: served.
    await app.send(new PutItemCommand({ TableName: 'Users', Item: { userId: { S: 'a' } } }));
    const out = await app.send(new GetItemCommand({ TableName: 'Users', Key: { userId: { S: 'a' } } }));
    assert.equal(out.Item.userId.S, 'a');
    await rejectsWith(app.send(new ScanCommand({ TableName: 'Users' })), 'AccessDeniedException');
    assert.equal((await w.admin('/_ddbwatch/health')).body.mode, 'enforce');
  } finally {
    await w.stop();
    w.cleanup();
  }
});

test('report: text, JSON and SARIF 2.1.0 (schema-valid); --fail-on sets the exit status', async () => {
  const w = await startDdbwatch({ config });
  const app = useCallsite(w.client('app'), { root: path.resolve(import.meta.dirname, '..') });
  await app.send(new ScanCommand({ TableName: 'Users' }));
  await app.send(new ScanCommand({ TableName: 'Users' }));
  await w.client('app').send(new DescribeTableCommand({ TableName: 'Users' })); // no call-site header
  await w.stop(); // flushes the audit log
  try {
    const text = report(['--audit-log', w.audit]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /3 requests, 5 findings \(2 high, 1 medium, 2 low\)/);
    assert.match(text.stdout, /DDB006 full-table read: 2 findings/);
    assert.match(text.stdout, /\[high\] test\/outputs\.test\.mjs:\d+ +\(x1\)/);

    assert.equal(report(['--audit-log', w.audit, '--fail-on', 'high']).status, 1);
    assert.equal(report(['--audit-log', w.audit, '--fail-on', 'critical']).status, 0);
    assert.equal(report(['--audit-log', w.audit, '--format', 'yaml']).status, 2);

    const json = report(['--audit-log', w.audit, '--format', 'json', '--fail-on', 'medium']);
    assert.equal(json.status, 1);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.requests, 3);
    assert.equal(doc.failing, 3);
    assert.deepEqual(doc.bySeverity, { info: 0, low: 2, medium: 1, high: 2, critical: 0 });

    const out = path.join(w.dir, 'report.sarif');
    const sarif = report(['--audit-log', w.audit, '--format', 'sarif', '--output', out, '--default-uri', 'ddbwatch.json']);
    assert.equal(sarif.status, 0, sarif.stderr);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(sarifSchemaErrors(s), []);
    const run = s.runs[0];
    assert.equal(run.tool.driver.name, 'ddbwatch');
    const rule = run.tool.driver.rules.find((r) => r.id === 'DDB016');
    assert.equal(rule.properties['security-severity'], '9.5');
    assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text);
    for (const r of run.results) {
      assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
      assert.ok(r.message.text);
      assert.ok(r.locations.length === 1);
      assert.match(r.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{16}:1$/);
    }
    const scans = run.results.filter((r) => r.ruleId === 'DDB006');
    assert.equal(scans.length, 2); // two lines of this file
    for (const r of scans) {
      assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'test/outputs.test.mjs');
      assert.ok(r.locations[0].physicalLocation.region.startLine > 1);
      assert.equal(r.level, 'error');
    }
    const recon = run.results.find((r) => r.ruleId === 'DDB015');
    assert.equal(recon.locations[0].physicalLocation.artifactLocation.uri, 'ddbwatch.json');
    assert.equal(recon.level, 'warning');
    // A broken document is caught by the same schema check.
    assert.notDeepEqual(sarifSchemaErrors({ version: '2.1.0', runs: [{ tool: {} }] }), []);
    writeFileSync(path.join(w.dir, 'keep.txt'), 'x');
  } finally {
    w.cleanup();
  }
});

test('a bad config file stops ddbwatch at start with a one-line reason', async () => {
  await assert.rejects(startDdbwatch({ config: { detectors: { DDB009: { maxLimit: 'lots' } } } }),
    /detectors\.DDB009\.maxLimit must be an integer >= 1/);
  await assert.rejects(startDdbwatch({ config: { tables: [{ TableName: 'T' }] } }),
    /declared table 0 \(T\): ValidationException/);
});

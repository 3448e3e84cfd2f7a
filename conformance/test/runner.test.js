'use strict';
// conformance/test/runner.test.js: the runner's own tests (node --test conformance/test).
// They need no server: matching, templates, case files, the deviation list.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const zlib = require('node:zlib');

const { match, normalize, diff } = require('../lib/match');
const { expand } = require('../lib/template');
const { loadAll } = require('../lib/cases');
const deviations = require('../lib/deviations');
const { checkResponse } = require('../lib/runner');
const { crc32 } = require('../lib/client');

function findings(pattern, actual, ctx = { region: 'us-east-1' }) {
  const f = [];
  match(pattern, actual, 'body', ctx, f);
  return f;
}

test('placeholders match what they promise and nothing else', () => {
  assert.deepEqual(findings({ a: '${*}', n: '${integer}', t: '${timestamp}' }, { a: [1], n: 3, t: 1795936389.077 }), []);
  assert.equal(findings({ n: '${integer}' }, { n: 1.5 }).length, 1);
  assert.equal(findings({ u: '${uuid}' }, { u: 'not-a-uuid' }).length, 1);
  assert.deepEqual(findings({ u: '${uuid}' }, { u: '13911918-bce0-44af-aed4-b58682ad4d4e' }), []);
  assert.deepEqual(findings('${tableArn:t1}', 'arn:aws:dynamodb:us-east-1:123456789012:table/t1'), []);
  assert.equal(findings('${tableArn:t1}', 'arn:aws:dynamodb:ddblocal:000000000000:table/t1').length, 1);
  assert.equal(findings('${tableArn:t1}', 'arn:aws:dynamodb:us-east-1:123456789012:table/t12').length, 1);
  assert.deepEqual(findings('${oneOf:A|B}', 'B'), []);
  assert.deepEqual(findings('${re:^a.c$}', 'abc'), []);
  assert.equal(findings('${re:^a.c$}', 'abcd').length, 1);
});

test('objects are exact unless a key is optional or extras are allowed', () => {
  assert.equal(findings({ a: 1 }, { a: 1, b: 2 }).length, 1);
  assert.deepEqual(findings({ a: 1, $extra: true }, { a: 1, b: 2 }), []);
  assert.deepEqual(findings({ a: 1, '?b': 2 }, { a: 1 }), []);
  assert.equal(findings({ a: 1, '?b': 2 }, { a: 1, b: 3 }).length, 1);
  assert.equal(findings({ a: 1 }, {}).length, 1);
});

test('sets compare in any order, lists in order', () => {
  assert.deepEqual(findings({ SS: ['a', 'b'] }, { SS: ['b', 'a'] }), []);
  assert.ok(findings({ L: [{ S: 'a' }, { S: 'b' }] }, { L: [{ S: 'b' }, { S: 'a' }] }).length > 0);
  assert.deepEqual(findings({ $unordered: [1, 2] }, [2, 1]), []);
  assert.equal(findings({ SS: ['a', 'b'] }, { SS: ['a', 'a'] }).length, 1);
});

test('normalize replaces placeholder-covered values and sorts sets; diff lists the rest', () => {
  const p = { t: '${timestamp}', s: { SS: ['x'] } };
  const a = normalize(p, { t: 1795936389, s: { SS: ['b', 'a'] }, z: 1 }, {});
  const b = normalize(p, { t: 1795936390, s: { SS: ['a', 'b'] }, z: 2 }, {});
  assert.deepEqual(diff(a, b, '', []), [{ path: 'z', a: '1', b: '2' }]);
});

test('templates expand variables and generators', () => {
  const v = expand({
    n: '{{T}}x', p: { $pad: ['{{T}}', 6, 'z'] }, r: { $repeat: ['ab', 2] },
    l: { $list: [2, { S: 'v{{i}}' }] }, o: { $object: [2, 'k{{i}}', { N: '{{i}}' }] },
    b: { $base64bytes: [0, 3] }, d: { $nest: [2, { S: 'x' }, { M: { m: '$inner' } }] }, lit: { $literal: { $repeat: 1 } },
  }, { T: 'tab' });
  assert.deepEqual(v, {
    n: 'tabx', p: 'tabzzz', r: 'abab', l: [{ S: 'v0' }, { S: 'v1' }], o: { k0: { N: '0' }, k1: { N: '1' } },
    b: 'AAAA', d: { M: { m: { M: { m: { S: 'x' } } } } }, lit: { $repeat: 1 },
  });
  assert.throws(() => expand('{{NOPE}}', {}), /unknown variable/);
  assert.throws(() => expand({ $nope: 1 }, {}), /unknown generator/);
});

test('every case file loads, ids are unique, at least as many error steps as success steps', () => {
  const { groups } = loadAll();
  let cases = 0; let errors = 0; let successes = 0;
  for (const g of groups) {
    for (const c of g.cases) {
      cases++;
      const last = c.steps[c.steps.length - 1];
      if (last.expect && (last.expect.error || last.expect.type)) errors++; else successes++;
    }
  }
  assert.ok(cases >= 250, `${cases} cases`);
  assert.ok(errors >= successes, `${errors} error cases, ${successes} success cases`);
});

test('the deviation list loads and explains a typical DynamoDB Local finding', () => {
  const list = deviations.load();
  assert.equal(deviations.explain(list, { check: 'error.messageKey', expected: 'message', actual: 'Message' }, 'GetItem', 400, 'X-1'), 'DL-message-key');
  assert.equal(deviations.explain(list, { check: 'error.message', expected: 'x', actual: 'y' }, 'GetItem', 400, 'X-1'), null);
});

test('KNOWN_DIFFERENCES.md is generated from the current list', () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'lib', 'known-differences.js'), '--check']);
});

test('checkResponse checks the CRC32, the request id and the error shape', () => {
  const text = '{"__type":"com.amazon.coral.validate#ValidationException","message":"m"}';
  const body = Buffer.from(text);
  const res = (headers) => ({ status: 400, headers, body, text, json: JSON.parse(text), crc32: crc32(body),
    requestContentType: 'application/x-amz-json-1.0' });
  const good = { 'x-amzn-requestid': 'r', 'x-amz-crc32': String(crc32(body)), 'content-type': 'application/x-amz-json-1.0' };
  assert.deepEqual(checkResponse(res(good), { error: 'ValidationException', message: 'm' }, {}), []);
  const bad = checkResponse(res({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '1' }), { error: 'ValidationException', message: 'n' }, {});
  assert.deepEqual(bad.map((f) => f.check).sort(), ['error.message', 'header:x-amz-crc32', 'header:x-amzn-requestid']);
  assert.equal(crc32(Buffer.from('hello')), zlib.crc32 ? zlib.crc32('hello') >>> 0 : 907060870);
});

test('run --list prints the cases and their count', () => {
  const out = execFileSync(path.join(__dirname, '..', 'run'), ['--list', '--filter', '^Protocol-basics-1$'], { encoding: 'utf8' });
  assert.match(out, /^Protocol-basics-1 /m);
  assert.match(out, /^# Protocol: 1 \(0 errors, 1 successes\)$/m);
  assert.match(out, /^# total: 1 \(0 errors, 1 successes\)$/m);
});

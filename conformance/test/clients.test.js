'use strict';
// Tests of clients/sdk.js's conversions between case files' wire JSON and
// what the SDKs take and give (bytes for B and BS, Dates for timestamps).
const test = require('node:test');
const assert = require('node:assert');
const { toSdkInput, toWire } = require('../clients/sdk');

test('toSdkInput turns base64 B and BS values into bytes and leaves the rest', () => {
  const out = toSdkInput({ Key: { pk: { B: 'AAE=' } }, Item: { s: { BS: ['AQ==', 'Ag=='] }, B: { S: 'x' } } });
  assert.deepEqual([...out.Key.pk.B], [0, 1]);
  assert.deepEqual(out.Item.s.BS.map((b) => [...b]), [[1], [2]]);
  assert.deepEqual(out.Item.B, { S: 'x' });
});

test('toWire turns bytes into base64, Dates into epoch seconds and drops undefined members', () => {
  const out = toWire({ a: new Uint8Array([0, 1]), t: new Date(1500), n: 4, x: undefined, l: [{ B: new Uint8Array([2]) }] });
  assert.deepEqual(out, { a: 'AAE=', t: 1.5, n: 4, l: [{ B: 'Ag==' }] });
});

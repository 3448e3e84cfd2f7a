// lib/values.mjs: comparing DynamoDB values in tests.
import assert from 'node:assert/strict';

// A canonical form for deep comparison: object keys sorted, set members
// (SS/NS/BS) sorted since DynamoDB returns sets in any order, binaries as hex.
export function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) {
      let x = canon(v[k]);
      if (['SS', 'NS', 'BS'].includes(k)) x = [...x].sort();
      out[k] = x;
    }
    return out;
  }
  return v;
}

// assert.deepEqual on canonical forms.
export const same = (a, b, msg) => assert.deepEqual(canon(a), canon(b), msg);

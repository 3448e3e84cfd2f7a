'use strict';
// conformance/lib/cases.js: loads case files from conformance/cases/ and
// checks their shape, so that a typo in a case is an error at load time, not
// a confusing failure at run time.
//
// Layout: cases/<Operation>/<feature>.json, each file a group:
//   { "operation": "PutItem", "feature": "keys", "description": "...",
//     "fixtures": { "TS": "hashS" },          // optional shared tables
//     "defaults": { "op": "PutItem" },        // optional step defaults
//     "cases": [ { "id": "PutItem-keys-1", "title": "...",
//                  "steps": [ { "op": ..., "body": ..., "expect": ... } ] } ] }
// A case may give "request" + "expect" (one step) instead of "steps".
// cases/_schemas.json names table shapes that fixtures and steps can reuse.

const fs = require('node:fs');
const path = require('node:path');

const CASES_DIR = path.join(__dirname, '..', 'cases');
const STEP_KEYS = new Set(['op', 'body', 'raw', 'expect', 'save', 'wait', 'table', 'timeout', 'noWait', 'note', 'schema']);
const EXPECT_KEYS = new Set(['status', 'error', 'type', 'message', 'messageKey', 'noMessage', 'body', 'any']);
const CASE_KEYS = new Set(['id', 'title', 'steps', 'request', 'expect', 'op', 'raw', 'source', 'note', 'skip']);
const RAW_KEYS = new Set(['body', 'contentType', 'target', 'omitTarget', 'omitContentType', 'omitAuthorization',
  'authorization', 'method', 'path', 'headers']);

function loadSchemas() {
  const file = path.join(CASES_DIR, '_schemas.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).schemas : {};
}

function listCaseFiles(dir = CASES_DIR) {
  const out = [];
  for (const op of fs.readdirSync(dir).sort()) {
    const sub = path.join(dir, op);
    if (!fs.statSync(sub).isDirectory()) continue;
    for (const f of fs.readdirSync(sub).sort()) if (f.endsWith('.json')) out.push(path.join(sub, f));
  }
  return out;
}

function fail(file, msg) { throw new Error(`${path.relative(CASES_DIR, file)}: ${msg}`); }

// Load every group; returns {groups, schemas}. Each case gets .group, .index
// and normalised .steps.
function loadAll() {
  const schemas = loadSchemas();
  const groups = [];
  const ids = new Map();
  for (const file of listCaseFiles()) {
    let g;
    try { g = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { fail(file, `not JSON: ${e.message}`); }
    const dirOp = path.basename(path.dirname(file));
    const feature = path.basename(file, '.json');
    if (g.operation !== dirOp) fail(file, `"operation" must be "${dirOp}"`);
    if (g.feature !== feature) fail(file, `"feature" must be "${feature}"`);
    if (!Array.isArray(g.cases) || !g.cases.length) fail(file, 'needs a non-empty "cases" array');
    for (const [v, s] of Object.entries(g.fixtures || {})) {
      if (typeof s === 'string' && !schemas[s]) fail(file, `fixture ${v}: unknown schema "${s}"`);
    }
    const defaults = g.defaults || {};
    g.file = file;
    g.cases.forEach((c, index) => {
      for (const k of Object.keys(c)) if (!CASE_KEYS.has(k)) fail(file, `case ${c.id || index}: unknown key "${k}"`);
      if (typeof c.id !== 'string' || !c.id.startsWith(`${g.operation}-${g.feature}-`)) {
        fail(file, `case #${index + 1}: id must look like ${g.operation}-${g.feature}-N (got ${c.id})`);
      }
      if (ids.has(c.id)) fail(file, `duplicate case id ${c.id} (also in ${ids.get(c.id)})`);
      ids.set(c.id, path.relative(CASES_DIR, file));
      if (!c.title) fail(file, `case ${c.id}: needs a "title"`);
      let steps = c.steps;
      if (!steps) {
        if (c.request === undefined && !c.raw) fail(file, `case ${c.id}: needs "steps" or "request"`);
        steps = [{ op: c.op, body: c.request, raw: c.raw, expect: c.expect }];
      } else if (c.request !== undefined) fail(file, `case ${c.id}: give "steps" or "request", not both`);
      c.steps = steps.map((s, i) => {
        for (const k of Object.keys(s)) if (!STEP_KEYS.has(k)) fail(file, `case ${c.id} step ${i + 1}: unknown key "${k}"`);
        if (s.expect) for (const k of Object.keys(s.expect)) {
          if (!EXPECT_KEYS.has(k)) fail(file, `case ${c.id} step ${i + 1}: unknown expect key "${k}"`);
        }
        if (s.raw) for (const k of Object.keys(s.raw)) {
          if (!RAW_KEYS.has(k)) fail(file, `case ${c.id} step ${i + 1}: unknown raw key "${k}"`);
        }
        if (s.schema !== undefined && !schemas[s.schema]) fail(file, `case ${c.id} step ${i + 1}: unknown schema "${s.schema}"`);
        const step = { ...s };
        if (!step.wait) step.op = step.op || defaults.op || g.operation;
        if (step.wait && !['active', 'gone'].includes(step.wait)) fail(file, `case ${c.id}: wait must be "active" or "gone"`);
        return step;
      });
      c.group = g;
      c.index = index;
    });
    groups.push(g);
  }
  return { groups, schemas };
}

// Units of work: a group with fixtures runs its selected cases in order on
// shared tables; any other case is a unit of its own. Used by lib/main.js and
// clients/check.js.
function makeUnits(cases) {
  const units = [];
  const byGroup = new Map();
  for (const c of cases) {
    if (c.group.fixtures && Object.keys(c.group.fixtures).length) {
      if (!byGroup.has(c.group)) { const u = { group: c.group, cases: [] }; byGroup.set(c.group, u); units.push(u); }
      byGroup.get(c.group).cases.push(c);
    } else units.push({ group: c.group, cases: [c] });
  }
  return units;
}

module.exports = { loadAll, makeUnits, CASES_DIR };

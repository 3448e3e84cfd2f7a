'use strict';
// conformance/lib/deviations.js: the machine-readable list of known ways in
// which DynamoDB Local differs from DynamoDB (known-ddblocal-deviations.json,
// explained in KNOWN_DIFFERENCES.md), and the test that says whether one
// finding is explained by an entry.
//
// An entry has "id", "title", "docs" (URLs that settle DynamoDB's behaviour)
// and "match": a list of alternatives, each an object of regular expressions
// that must all match: check (e.g. "error.message", "body.Table.TableId",
// "header:x-amz-crc32"), expected, actual (the finding's texts), op (the
// step's operation), status (the actual HTTP status), case (the case id) and
// expectedType (the error __type the step expects, or "success").

const fs = require('node:fs');
const path = require('node:path');

const FILE = path.join(__dirname, '..', 'known-ddblocal-deviations.json');
const FIELDS = ['check', 'expected', 'actual', 'op', 'status', 'case', 'expectedType'];

function load(file = FILE) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const seen = new Set();
  for (const d of doc.deviations) {
    if (!d.id || !d.title || !Array.isArray(d.match) || !d.match.length) {
      throw new Error(`${file}: entry ${d.id || '?'} needs id, title and a non-empty match list`);
    }
    if (seen.has(d.id)) throw new Error(`${file}: duplicate id ${d.id}`);
    seen.add(d.id);
    if (!Array.isArray(d.docs) || !d.docs.length) throw new Error(`${file}: ${d.id} needs at least one docs entry`);
    d.compiled = d.match.map((alt) => {
      const c = {};
      for (const [k, v] of Object.entries(alt)) {
        if (!FIELDS.includes(k)) throw new Error(`${file}: ${d.id}: unknown match field "${k}"`);
        c[k] = new RegExp(v, 's');
      }
      return c;
    });
  }
  return doc.deviations;
}

// The id of the first entry that explains `finding` (in `step` of `caseId`,
// whose actual status was `status`), or null.
function explain(list, finding, op, status, caseId, expectedType) {
  const subject = {
    check: finding.check,
    expected: String(finding.expected),
    actual: String(finding.actual),
    op: op || '',
    status: String(status === undefined ? '' : status),
    case: caseId,
    expectedType: expectedType || 'success',
  };
  // Alternatives that name specific cases are broad (any finding of the
  // case): try them after the ones that describe the finding itself.
  for (const pass of [false, true]) {
    for (const d of list) {
      for (const alt of d.compiled) {
        if (('case' in alt) !== pass) continue;
        if (Object.entries(alt).every(([k, re]) => re.test(subject[k]))) return d.id;
      }
    }
  }
  return null;
}

module.exports = { load, explain, FILE };

'use strict';
// conformance/clients/check.js: plays conformance cases through a real SDK.
//
//   node check.js --endpoint URL --client js|py [--cases FILE] [--filter RE] [--jobs N] [--python PATH]
//
// The cases are the suite's own (../cases); FILE (default cases.txt here)
// lists the ids that make up the real-client set, one per line, '#' starts a
// comment; an id followed by "js" or "py" is played by that client only. Each case is played as conformance/run plays it (fixtures, waits,
// saved values, the same expectations, strictly: no deviation is forgiven),
// but every request goes through the AWS SDK for JavaScript v3 (js) or boto3
// (py) and what is checked is what the SDK deserialized: success outputs, and
// for errors the exception the SDK raised with its modeled members. Ends with
// "clients (js): N passed, M failed"; exits 1 when M > 0, 2 on a usage error.

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { loadAll, makeUnits } = require('../lib/cases');
const { CaseRunner, caseVars } = require('../lib/runner');
const { JsClient, PyClient } = require('./sdk');

function usage(msg) {
  if (msg) process.stderr.write(`check.js: ${msg}\n`);
  process.stderr.write('usage: node check.js --endpoint URL --client js|py [--cases FILE] [--filter RE] [--jobs N] [--python PATH]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { jobs: 4, cases: path.join(__dirname, 'cases.txt') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--endpoint') o.endpoint = next();
    else if (a === '--client') o.client = next();
    else if (a === '--cases') o.cases = next();
    else if (a === '--filter') o.filter = next();
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(next(), 10) || 1);
    else if (a === '--python') o.python = next();
    else usage(`unknown argument ${a}`);
  }
  if (!o.endpoint) usage('give --endpoint URL');
  if (o.client !== 'js' && o.client !== 'py') usage('give --client js or --client py');
  return o;
}

// The ids of the real-client set for `client`, in file order. A line is an
// id, optionally followed by the one client it is for ("js" or "py").
function readIds(file, client) {
  const ids = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [id, only] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!id) continue;
    if (only && only !== 'js' && only !== 'py') usage(`${file}: "${line.trim()}": the tag after an id is js or py`);
    if (!only || only === client) ids.push(id);
  }
  return ids;
}

function describe(result) {
  const lines = [];
  if (result.error) lines.push(`       error: ${result.error}`);
  for (const s of result.steps) {
    for (const f of s.findings) {
      lines.push(`       step ${s.index} ${s.op}: ${f.check}`);
      lines.push(`         expected: ${f.expected}`);
      lines.push(`         actual:   ${f.actual}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { groups, schemas } = loadAll();
  const all = new Map();
  for (const g of groups) for (const c of g.cases) all.set(c.id, c);
  const ids = readIds(opts.cases, opts.client);
  const missing = ids.filter((id) => !all.has(id));
  if (missing.length) usage(`${opts.cases} names cases that do not exist: ${missing.join(', ')}`);
  const re = opts.filter ? new RegExp(opts.filter) : null;
  const cases = ids.map((id) => all.get(id)).filter((c) => !re || re.test(c.id));
  for (const c of cases) {
    if (c.steps.some((s) => s.raw)) usage(`${c.id} overrides the wire (raw), which an SDK cannot do`);
  }

  const client = opts.client === 'js' ? new JsClient(opts.endpoint) : new PyClient(opts.endpoint, opts.python);
  const runner = new CaseRunner(client, { schemas });
  const run = `${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;
  const results = new Map();
  const units = makeUnits(cases);
  let next = 0;
  const worker = async () => {
    while (next < units.length) {
      const u = units[next++];
      const fixtureVars = {};
      for (const v of Object.keys(u.group.fixtures || {})) fixtureVars[v] = `conf_${run}_${u.group.operation}-${u.group.feature}_${v}`;
      let setup = { names: [], error: null };
      try {
        if (Object.keys(fixtureVars).length) setup = await runner.setupFixtures(u.group.fixtures, fixtureVars);
        for (const c of u.cases) {
          if (setup.error) { results.set(c.id, { steps: [], error: setup.error }); continue; }
          try {
            results.set(c.id, await runner.play(c, caseVars(run, c, fixtureVars, client.region)));
          } catch (e) {
            results.set(c.id, { steps: [], error: `runner error: ${e.stack || e.message}` });
          }
        }
      } finally {
        for (const n of setup.names) await runner.deleteTable(n);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, units.length) }, worker));
  client.close();

  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    const r = results.get(c.id);
    const bad = r.error || r.steps.some((s) => s.findings.length);
    if (bad) {
      failed++;
      process.stdout.write(`FAIL ${c.id}  ${c.title}\n${describe(r)}\n`);
    } else {
      passed++;
      process.stdout.write(`ok   ${c.id}  ${c.title}\n`);
    }
  }
  if (client.unmodeled && client.unmodeled.length) {
    failed++;
    process.stdout.write(`FAIL modeled errors not raised as their SDK classes: ${client.unmodeled.join('; ')}\n`);
  }
  process.stdout.write(`clients (${opts.client}): ${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`check.js: ${e.stack || e.message}\n`);
  process.exit(2);
});

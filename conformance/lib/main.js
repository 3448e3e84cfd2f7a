'use strict';
// conformance/lib/main.js: command line of conformance/run.
//
//   run --endpoint URL [--ddblocal] [--filter RE] [--jobs N] [--verbose]
//   run --diff URL_A URL_B [--filter RE] [--jobs N] [--verbose]
//   run --list [--filter RE]
//
// --endpoint checks every case against one endpoint (strictly, or with the
// known DynamoDB Local deviations forgiven under --ddblocal). --diff plays the
// cases against A (the server under test, held to DynamoDB's behaviour) and B
// (normally DynamoDB Local, forgiven its documented deviations) and prints
// every difference between the two after normalisation. Both end with
// "conformance: N passed, M failed" and exit 1 when M > 0.

const crypto = require('node:crypto');
const { Client } = require('./client');
const { loadAll, makeUnits } = require('./cases');
const deviations = require('./deviations');
const { CaseRunner, caseVars, normalizedView, fullType } = require('./runner');
const { diff } = require('./match');

function usage(msg) {
  if (msg) process.stderr.write(`conformance: ${msg}\n`);
  process.stderr.write(`usage: conformance/run --endpoint URL [--ddblocal] [--filter RE] [--jobs N] [--verbose] [--json FILE]
       conformance/run --diff URL_A URL_B [--filter RE] [--jobs N] [--verbose] [--json FILE]
       conformance/run --list [--filter RE]
`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { jobs: 4, verbose: false, ddblocal: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--endpoint') o.endpoint = next();
    else if (a === '--diff') { o.diffA = next(); o.diffB = next(); }
    else if (a === '--filter') o.filter = next();
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(next(), 10) || 1);
    else if (a === '--ddblocal') o.ddblocal = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--list') o.list = true;
    else if (a === '--json') o.json = next();
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!o.list && !o.endpoint && !o.diffA) usage('give --endpoint URL, --diff URL_A URL_B or --list');
  if (o.endpoint && o.diffA) usage('--endpoint and --diff do not go together');
  return o;
}

// Run `fn` over `items` with at most `n` at a time.
async function pool(items, n, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

// An error case is one that expects an error response at some step (what it
// is there to check); the others check successful answers.
function isErrorCase(c) {
  return c.steps.some((s) => s.expect && (s.expect.error || s.expect.type || (s.expect.status || 200) >= 400));
}

function selectCases(groups, filter) {
  const re = filter ? new RegExp(filter) : null;
  const all = [];
  for (const g of groups) for (const c of g.cases) if (!re || re.test(c.id)) all.push(c);
  return all;
}

// Play one unit against one endpoint. Returns Map caseId -> play result.
async function playUnit(runner, unit, run) {
  const results = new Map();
  const fixtures = unit.group.fixtures || {};
  const fixtureVars = {};
  for (const v of Object.keys(fixtures)) {
    fixtureVars[v] = `conf_${run}_${unit.group.operation}-${unit.group.feature}_${v}`;
  }
  let setup = { names: [], error: null };
  try {
    if (Object.keys(fixtures).length) {
      try {
        setup = await runner.setupFixtures(fixtures, fixtureVars);
      } catch (e) {
        setup = { names: Object.values(fixtureVars), error: `fixture set-up failed: ${e.message}` };
      }
    }
    for (const c of unit.cases) {
      if (c.skip) { results.set(c.id, { skipped: c.skip, steps: [] }); continue; }
      if (setup.error) { results.set(c.id, { steps: [], error: setup.error }); continue; }
      const vars = caseVars(run, c, fixtureVars, runner.client.region);
      try {
        results.set(c.id, await runner.play(c, vars));
      } catch (e) {
        results.set(c.id, { steps: [], error: `runner error: ${e.stack || e.message}` });
      }
    }
  } finally {
    for (const n of setup.names) await runner.deleteTable(n);
  }
  return results;
}

// Classify the findings of one play: [{step, op, finding, deviation}].
function classify(result, c, devList) {
  const out = [];
  for (const s of result.steps) {
    for (const f of s.findings) {
      const status = s.res ? s.res.status : undefined;
      const want = s.expect && (s.expect.error || s.expect.type);
      const dev = devList ? deviations.explain(devList, f, s.op, status, c.id, want ? fullType(want) : 'success') : null;
      out.push({ step: s.index, op: s.op, finding: f, deviation: dev });
    }
  }
  return out;
}

function fmtFinding(x, indent) {
  const tag = x.deviation ? `  [known DynamoDB Local deviation ${x.deviation}]`
    : x.hint ? `  [matches DynamoDB Local deviation ${x.hint}]` : '';
  return `${indent}step ${x.step} ${x.op}: ${x.finding.check}${tag}\n`
    + `${indent}  expected: ${x.finding.expected}\n`
    + `${indent}  actual:   ${x.finding.actual}\n`;
}

function caseLine(verdict, c, extra) {
  return `${verdict === 'pass' ? 'ok  ' : verdict === 'skip' ? 'skip' : 'FAIL'} ${c.id}  ${c.title}${extra ? `  ${extra}` : ''}\n`;
}

// Verdict and printable report of one case in --endpoint mode.
function reportEndpoint(c, result, devList, verbose) {
  if (result.skipped) return { verdict: 'skip', text: caseLine('skip', c, `(${result.skipped})`) };
  const items = classify(result, c, devList || ALL_DEVIATIONS);
  if (!devList) for (const x of items) { x.hint = x.deviation; x.deviation = null; }
  const unexplained = items.filter((x) => !x.deviation);
  const verdict = result.error || unexplained.length ? 'fail' : 'pass';
  const devIds = [...new Set(items.filter((x) => x.deviation).map((x) => x.deviation))];
  let text = caseLine(verdict, c, devIds.length ? `[DynamoDB Local: ${devIds.join(', ')}]` : '');
  if (result.error) text += `       error: ${result.error}\n`;
  for (const x of items) if (!x.deviation || verbose) text += fmtFinding(x, '       ');
  return { verdict, text, findings: items, error: result.error };
}

// Verdict and printable report of one case in --diff mode.
function reportDiff(c, ra, rb, devList, urlA, urlB, ctxA, ctxB) {
  if (ra.skipped) return { verdict: 'skip', text: caseLine('skip', c, `(${ra.skipped})`) };
  const ia = classify(ra, c, null);
  const ib = classify(rb, c, devList);
  const failA = ra.error || ia.length;
  const failB = rb.error || ib.some((x) => !x.deviation);
  const verdict = failA || failB ? 'fail' : 'pass';
  let text = caseLine(verdict, c, '');
  if (ra.error) text += `       A error: ${ra.error}\n`;
  if (rb.error) text += `       B error: ${rb.error}\n`;
  // Every difference between A and B after normalisation.
  const n = Math.max(ra.steps.length, rb.steps.length);
  for (let i = 0; i < n; i++) {
    const sa = ra.steps[i];
    const sb = rb.steps[i];
    const op = (sa || sb).op;
    if (!sa || !sb) { text += `       step ${i + 1} ${op}: only ${sa ? 'A' : 'B'} got this far\n`; continue; }
    if (!sa.res || !sb.res) continue;
    const va = normalizedView(sa.res, sa.expect, ctxA);
    const vb = normalizedView(sb.res, sb.expect, ctxB);
    for (const d of diff(va, vb, '', [])) {
      const check = d.path === 'type' ? 'error.type' : d.path === 'message' ? 'error.message' : d.path;
      const known = ib.find((x) => x.step === i + 1 && x.deviation
        && (x.finding.check === check || x.finding.check.startsWith(`${check}.`) || check.startsWith(`${x.finding.check}.`)));
      // A difference the case does not check (a set-up step, an unlisted
      // member) is labelled when it has the shape of a listed deviation.
      const bodyCheck = check.startsWith('body') || check === 'status' || check.startsWith('error') ? check : `body.${check}`;
      const like = known ? null : deviations.explain(devList, { check: bodyCheck, expected: d.a, actual: d.b }, op, sb.res.status, c.id,
        sa.expect && (sa.expect.error || sa.expect.type) ? fullType(sa.expect.error || sa.expect.type) : 'success');
      const tag = known ? `  [known DynamoDB Local deviation ${known.deviation}]` : like ? `  [like DynamoDB Local deviation ${like}]` : '';
      text += `       step ${i + 1} ${op}: ${check} differs${tag}\n`
        + `         A ${urlA}: ${d.a}\n         B ${urlB}: ${d.b}\n`;
    }
  }
  if (ia.length) {
    text += '       A does not show DynamoDB\'s behaviour:\n';
    for (const x of ia) text += fmtFinding(x, '         ');
  }
  const ub = ib.filter((x) => !x.deviation);
  if (ub.length) {
    text += '       B differs from DynamoDB in ways not in known-ddblocal-deviations.json:\n';
    for (const x of ub) text += fmtFinding(x, '         ');
  }
  if (failA && !failB && ia.length && !ub.length && ib.length === 0) {
    text += '       (B matches the case and A does not)\n';
  }
  return { verdict, text, findings: { A: ia, B: ib }, error: ra.error || rb.error };
}

let ALL_DEVIATIONS = null;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { groups, schemas } = loadAll();
  const cases = selectCases(groups, opts.filter);

  if (opts.list) {
    const per = new Map();
    const tally = (k, err) => {
      if (!per.has(k)) per.set(k, { n: 0, errors: 0 });
      const t = per.get(k);
      t.n++;
      if (err) t.errors++;
    };
    for (const c of cases) {
      process.stdout.write(`${c.id}  ${c.title}\n`);
      const err = isErrorCase(c);
      tally(c.group.operation, err);
    }
    const total = { n: cases.length, errors: cases.filter(isErrorCase).length };
    for (const [k, t] of [...per, ['total', total]]) {
      process.stdout.write(`# ${k}: ${t.n} (${t.errors} errors, ${t.n - t.errors} successes)\n`);
    }
    return 0;
  }

  const devList = deviations.load();
  ALL_DEVIATIONS = devList;
  const run = `${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;
  const units = makeUnits(cases);
  const order = new Map(cases.map((c, i) => [c.id, i]));
  const reports = new Array(cases.length);
  let flushed = 0;
  const flush = () => {
    while (flushed < reports.length && reports[flushed]) process.stdout.write(reports[flushed++].text);
  };

  let clients;
  if (opts.endpoint) {
    const client = new Client(opts.endpoint);
    clients = [client];
    const runner = new CaseRunner(client, { schemas, retryCreate: opts.ddblocal });
    const mode = opts.ddblocal ? 'with the known DynamoDB Local deviations forgiven' : 'strictly';
    process.stdout.write(`conformance: ${cases.length} cases against ${opts.endpoint} (${mode}), run ${run}\n`);
    await pool(units, opts.jobs, async (u) => {
      const res = await playUnit(runner, u, run);
      for (const c of u.cases) {
        reports[order.get(c.id)] = { c, ...reportEndpoint(c, res.get(c.id), opts.ddblocal ? devList : null, opts.verbose) };
      }
      flush();
    });
  } else {
    const ca = new Client(opts.diffA);
    const cb = new Client(opts.diffB);
    clients = [ca, cb];
    const ra = new CaseRunner(ca, { schemas });
    const rb = new CaseRunner(cb, { schemas, retryCreate: true });
    process.stdout.write(`conformance: ${cases.length} cases, A=${opts.diffA} (held to DynamoDB) vs B=${opts.diffB} (known DynamoDB Local deviations forgiven), run ${run}\n`);
    await pool(units, opts.jobs, async (u) => {
      const [resA, resB] = await Promise.all([playUnit(ra, u, run), playUnit(rb, u, run)]);
      for (const c of u.cases) {
        reports[order.get(c.id)] = { c, ...reportDiff(c, resA.get(c.id), resB.get(c.id), devList, opts.diffA, opts.diffB, ra.ctx, rb.ctx) };
      }
      flush();
    });
  }
  flush();
  for (const cl of clients) cl.close();

  const per = new Map();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of reports) {
    const k = r.c.group.operation;
    if (!per.has(k)) per.set(k, { pass: 0, fail: 0, skip: 0 });
    per.get(k)[r.verdict]++;
    if (r.verdict === 'pass') passed++;
    else if (r.verdict === 'fail') failed++;
    else skipped++;
  }
  process.stdout.write('\n');
  for (const [k, v] of per) {
    process.stdout.write(`  ${k}: ${v.pass} passed, ${v.fail} failed${v.skip ? `, ${v.skip} skipped` : ''}\n`);
  }
  if (opts.json) {
    const out = reports.map((r) => ({ id: r.c.id, title: r.c.title, verdict: r.verdict, error: r.error || null,
      findings: r.findings || [] }));
    require('node:fs').writeFileSync(opts.json, `${JSON.stringify({ passed, failed, skipped, cases: out }, null, 1)}\n`);
  }
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  return failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`conformance: ${e.stack || e.message}\n`);
  process.exit(2);
});

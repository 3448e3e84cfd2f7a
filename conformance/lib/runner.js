'use strict';
// conformance/lib/runner.js: plays one case (a list of steps) against one
// endpoint and checks every response: status, error __type and message,
// body pattern, and the x-amz-crc32 / x-amzn-RequestId / Content-Type
// headers. Tables a case creates are deleted afterwards, whatever happened.

const crypto = require('node:crypto');
const { expand } = require('./template');
const { match, normalize, show } = require('./match');

const NS_SERVICE = 'com.amazon.coral.service#';
const NS_VALIDATE = 'com.amazon.coral.validate#';
const NS_DYNAMODB = 'com.amazonaws.dynamodb.v20120810#';
const SERVICE_ERRORS = new Set(['SerializationException', 'UnknownOperationException',
  'MissingAuthenticationTokenException', 'IncompleteSignatureException', 'InvalidSignatureException',
  'UnrecognizedClientException', 'AccessDeniedException', 'ExpiredTokenException', 'InvalidAction',
  'MissingAction', 'InternalFailure', 'ServiceUnavailable']);

// Full __type for an error short name as DynamoDB spells it.
function fullType(name) {
  if (name.includes('#')) return name;
  if (name === 'ValidationException') return NS_VALIDATE + name;
  if (SERVICE_ERRORS.has(name)) return NS_SERVICE + name;
  return NS_DYNAMODB + name;
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function randomName(n) {
  const b = crypto.randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[b[i] % NAME_CHARS.length];
  return s;
}

// Variables visible to a case: RUN, REGION, ID (the case id, handy as a
// unique key value), T..T5 (its table names), SHORT3
// (a random valid 3-character table name) and the group's fixture tables.
function caseVars(run, c, fixtureVars, region) {
  const base = `conf_${run}_${c.id}`;
  const vars = { RUN: run, REGION: region, ID: c.id, T: base, SHORT3: randomName(3), ...fixtureVars };
  for (let i = 2; i <= 5; i++) vars[`T${i}`] = `${base}_${i}`;
  return vars;
}

function getPath(obj, p) {
  return p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

// Check one response against one step's expectation. Returns findings:
// {check, expected, actual}. `ctx` carries the signing region.
function checkResponse(res, expect, ctx) {
  const findings = [];
  const add = (check, expected, actual) => findings.push({ check, expected: String(expected), actual: String(actual) });

  // Headers every DynamoDB response carries.
  const rid = res.headers['x-amzn-requestid'];
  if (!rid) add('header:x-amzn-requestid', 'present', 'missing');
  const crc = res.headers['x-amz-crc32'];
  if (crc === undefined) add('header:x-amz-crc32', String(res.crc32), 'missing');
  else if (String(crc) !== String(res.crc32)) add('header:x-amz-crc32', String(res.crc32), String(crc));
  if (res.requestContentType === 'application/x-amz-json-1.0' && res.body.length) {
    const ct = String(res.headers['content-type'] || '').split(';')[0].trim();
    if (ct !== 'application/x-amz-json-1.0') add('header:content-type', 'application/x-amz-json-1.0', ct || 'missing');
  }
  if (expect.any) return findings;

  const wantError = expect.error || expect.type;
  const wantStatus = expect.status !== undefined ? expect.status : (wantError ? 400 : 200);
  if (res.status !== wantStatus) add('status', wantStatus, res.status);

  const body = res.json;
  if (res.text.length && body === undefined) {
    add('body', 'JSON', `not JSON: ${show(res.text)}`);
    return findings;
  }
  if (wantError) {
    const type = fullType(wantError);
    const actualType = body && body.__type;
    if (actualType !== type) add('error.type', type, actualType === undefined ? '(absent)' : actualType);
    const key = expect.messageKey || 'message';
    const other = key === 'message' ? 'Message' : 'message';
    const hasKey = body && key in body;
    const hasOther = body && other in body;
    if (expect.noMessage) {
      if (hasKey || hasOther) add('error.message', '(absent)', body[hasKey ? key : other]);
    } else if (expect.message !== undefined) {
      if (!hasKey && hasOther) add('error.messageKey', key, other);
      const text = hasKey ? body[key] : hasOther ? body[other] : undefined;
      const f = [];
      match(expect.message, text, 'message', ctx, f);
      if (f.length) add('error.message', expect.message, text === undefined ? '(absent)' : text);
    }
    // Anything else in an error body must be expected explicitly.
    const extraPattern = { ...(expect.body || {}) };
    const rest = {};
    if (body && typeof body === 'object') {
      for (const [k, v] of Object.entries(body)) if (k !== '__type' && k !== 'message' && k !== 'Message') rest[k] = v;
    }
    const f = [];
    match(extraPattern, rest, 'body', ctx, f);
    for (const x of f) add(x.path, x.expected, x.actual);
    return findings;
  }
  if (res.status >= 400 && body && body.__type) {
    add('error', 'success', `${body.__type}: ${body.message || body.Message || ''}`);
    return findings;
  }
  if (expect.body !== undefined) {
    const f = [];
    match(expect.body, body, 'body', ctx, f);
    for (const x of f) add(x.path, x.expected, x.actual);
  }
  return findings;
}

const TIME_KEYS = new Set(['CreationDateTime', 'LastUpdateToPayPerRequestDateTime', 'LastIncreaseDateTime',
  'LastDecreaseDateTime', 'LastUpdateDateTime']);
const ARN_KEYS = /Arn$/;

// Replace values that differ between any two servers by nature (times, ids,
// the account in ARNs) wherever they appear, so that --diff shows only real
// differences. Presence and type still show.
function scrubVolatile(v) {
  if (Array.isArray(v)) return v.map(scrubVolatile);
  if (!v || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (TIME_KEYS.has(k) && typeof x === 'number') out[k] = x === 0 ? 0 : '<timestamp>';
    else if (k === 'TableId' && typeof x === 'string') out[k] = '<TableId>';
    else if (ARN_KEYS.test(k) && typeof x === 'string') out[k] = x.replace(/^(arn:aws:dynamodb:[^:]*:)\d{12}:/, '$1<account>:');
    else out[k] = scrubVolatile(x);
  }
  return out;
}

// Summary of a response used by --diff: status, type, message, normalised body.
function normalizedView(res, expect, ctx) {
  if (!res) return null;
  const body = res.json;
  const view = { status: res.status };
  if (body && body.__type) {
    view.type = body.__type;
    view.message = body.message !== undefined ? body.message : body.Message;
    const rest = {};
    for (const [k, v] of Object.entries(body)) if (!['__type', 'message', 'Message'].includes(k)) rest[k] = v;
    if (Object.keys(rest).length) view.body = scrubVolatile(normalize(expect && expect.body, rest, ctx));
  } else if (body !== undefined) {
    view.body = scrubVolatile(normalize(expect && expect.body, body, ctx));
  } else if (res.text.length) {
    view.text = res.text;
  }
  return view;
}

class CaseRunner {
  constructor(client, opts) {
    this.client = client;
    this.schemas = opts.schemas;
    this.waitTimeoutMs = opts.waitTimeoutMs || 180000;
    this.pollMs = opts.pollMs || 1000;
    this.retryCreate = !!opts.retryCreate;
  }

  get ctx() { return { region: this.client.region }; }

  // Wait until `table` is ACTIVE (with all its indexes), or gone.
  async waitFor(table, what, timeoutMs) {
    try {
      return await this.poll(table, what, timeoutMs);
    } catch (e) {
      return `waiting for ${table} to be ${what}: ${e.message}`;
    }
  }

  async poll(table, what, timeoutMs) {
    const deadline = Date.now() + (timeoutMs || this.waitTimeoutMs);
    // Poll quickly first (local servers settle in milliseconds), then back
    // off to pollMs (real DynamoDB takes seconds).
    for (let delay = 0; ; delay = Math.min(this.pollMs, Math.max(25, delay * 2))) {
      if (delay) await sleep(delay);
      const r = await this.client.send('DescribeTable', { TableName: table });
      const j = r.json || {};
      if (what === 'gone' && r.status === 400 && /ResourceNotFoundException/.test(j.__type || '')) return null;
      if (what === 'active' && r.status === 200 && j.Table && j.Table.TableStatus === 'ACTIVE'
        && (j.Table.GlobalSecondaryIndexes || []).every((g) => g.IndexStatus === 'ACTIVE')) return null;
      if (what === 'active' && r.status !== 200) return `table ${table} is not there: ${r.text}`;
      if (Date.now() > deadline) return `table ${table} not ${what} after ${timeoutMs || this.waitTimeoutMs} ms`;
    }
  }

  async deleteTable(table) {
    for (let attempt = 0; attempt < 60; attempt++) {
      let r;
      try { r = await this.client.send('DeleteTable', { TableName: table }); } catch { return; }
      const t = (r.json && r.json.__type) || '';
      if (r.status === 200 || /ResourceNotFoundException/.test(t)) return;
      if (!/ResourceInUseException|LimitExceededException|Throttling/.test(t)) return;
      await sleep(this.pollMs * 2);
    }
  }

  createTableBody(schemaName, tableName) {
    return { ...JSON.parse(JSON.stringify(this.schemas[schemaName])), TableName: tableName };
  }

  // Create the fixture tables of a group. Returns an error text or null.
  async setupFixtures(fixtures, vars) {
    const names = [];
    for (const [v, spec] of Object.entries(fixtures)) {
      const body = typeof spec === 'string' ? this.createTableBody(spec, vars[v]) : { ...expand(spec, vars), TableName: vars[v] };
      let r = await this.client.send('CreateTable', body);
      for (let attempt = 1; r.status >= 500 && attempt <= 3; attempt++) {
        await sleep(200 * attempt);
        r = await this.client.send('CreateTable', body);
      }
      if (r.status !== 200) return { names, error: `fixture ${v}: CreateTable failed: ${r.status} ${r.text}` };
      names.push(vars[v]);
    }
    for (const n of names) {
      const e = await this.waitFor(n, 'active');
      if (e) return { names, error: e };
    }
    return { names, error: null };
  }

  // Play case `c` with variables `vars`. Returns {steps: [...], error}.
  async play(c, vars) {
    const created = new Set();
    const out = { steps: [], error: null };
    try {
      for (let i = 0; i < c.steps.length; i++) {
        const s = c.steps[i];
        if (s.wait) {
          const table = expand(s.table || '{{T}}', vars);
          const e = await this.waitFor(table, s.wait, s.timeout ? s.timeout * 1000 : undefined);
          out.steps.push({ index: i + 1, op: `wait ${s.wait}`, findings: e ? [{ check: 'wait', expected: s.wait, actual: e }] : [] });
          continue;
        }
        let body = s.body === undefined ? undefined : expand(s.body, vars);
        if (s.schema) body = { ...this.createTableBody(s.schema, vars.T), ...(body || {}) };
        const raw = s.raw ? expand(s.raw, vars) : {};
        if (raw.body !== undefined && typeof raw.body !== 'string') raw.body = JSON.stringify(raw.body);
        const expect = expand(s.expect || {}, vars);
        let res;
        try {
          res = await this.client.send(s.op, body, raw);
          // A set-up step (one without an expectation) is retried on 5xx,
          // as SDKs do: shared servers such as DynamoDB Local sometimes fail
          // a CreateTable that races with another client's DeleteTable.
          // Against DynamoDB Local (opts.retryCreate) a CreateTable is retried
          // on 5xx even when the step expects something: its provisioned
          // CreateTable fails now and then when another client of the same
          // server creates or deletes a table at the same moment.
          const retry = !s.expect || (this.retryCreate && s.op === 'CreateTable');
          for (let attempt = 1; retry && res.status >= 500 && attempt <= 3; attempt++) {
            await sleep(200 * attempt);
            res = await this.client.send(s.op, body, raw);
          }
        } catch (e) {
          out.steps.push({ index: i + 1, op: s.op, findings: [{ check: 'transport', expected: 'a response', actual: e.message }], expect });
          break;
        }
        res.requestContentType = raw.omitContentType ? undefined
          : raw.contentType !== undefined ? raw.contentType : 'application/x-amz-json-1.0';
        const findings = checkResponse(res, expect, this.ctx);
        out.steps.push({ index: i + 1, op: s.op, res, expect, findings });
        if (s.op === 'CreateTable' && res.status === 200 && body && body.TableName) {
          created.add(body.TableName);
          if (!s.noWait) {
            const e = await this.waitFor(body.TableName, 'active');
            if (e) { out.error = e; break; }
          }
        }
        if (s.save) {
          for (const [k, p] of Object.entries(s.save)) {
            const v = res.json ? getPath(res.json, p) : undefined;
            if (v === undefined) findings.push({ check: `save:${p}`, expected: 'present', actual: '(absent)' });
            vars[k] = v === undefined ? '(absent)' : v;
          }
        }
      }
    } finally {
      for (const t of created) await this.deleteTable(t);
    }
    return out;
  }
}

module.exports = { CaseRunner, caseVars, checkResponse, normalizedView, fullType, randomName };

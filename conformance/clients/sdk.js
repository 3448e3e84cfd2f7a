'use strict';
// conformance/clients/sdk.js: transports for the real-client checks. Each
// stands in for lib/client.js's Client (same send(op, body) and region), but
// sends the request through a real SDK and hands the runner what the SDK
// deserialized, turned back into DynamoDB's wire JSON:
//
//   JsClient  the AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb), in
//             process: one <Op>Command per request.
//   PyClient  boto3's low-level client (Debian's python3-boto3), in a worker
//             process (sdk_py.py) that reads one request per line on stdin
//             and answers one line on stdout.
//
// A success is the SDK's output less its metadata; an error is the exception
// the SDK raised: its name (the __type DynamoDB sent, as the SDK mapped it),
// its message and every modeled member it carries (CancellationReasons,
// Item). Members the SDK's model does not know are dropped by the SDK, so a
// case that expects them fails: that is the point.
//
// Binary values travel as base64 in the case files; the SDKs want bytes, and
// give bytes back, so B and BS values are converted both ways. Timestamps
// come back as Date / datetime and are turned into epoch seconds.

const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { crc32 } = require('../lib/client');
const { fullType } = require('../lib/runner');

const REGION = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
const CREDENTIALS = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'AKIDCONFORMANCE',
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'conformance-secret',
  ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
};

// Request side: base64 strings in B / BS become bytes.
function toSdkInput(v) {
  if (Array.isArray(v)) return v.map(toSdkInput);
  if (!v || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === 'B' && typeof v.B === 'string') return { B: Buffer.from(v.B, 'base64') };
  if (keys.length === 1 && keys[0] === 'BS' && Array.isArray(v.BS)) {
    return { BS: v.BS.map((b) => (typeof b === 'string' ? Buffer.from(b, 'base64') : b)) };
  }
  const out = {};
  for (const k of keys) out[k] = toSdkInput(v[k]);
  return out;
}

// Response side: bytes become base64, dates epoch seconds, undefined members go.
function toWire(v) {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(toWire);
  if (!v || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toWire(x);
  return out;
}

// A response object in the shape lib/runner.js checks. The headers checks
// belong to the raw suite (the SDKs hide the headers); here they are filled
// in so that only the deserialized content is judged.
function response(status, json, requestId) {
  const text = json === undefined ? '' : JSON.stringify(json);
  const body = Buffer.from(text, 'utf8');
  const c = crc32(body);
  return {
    status,
    headers: { 'x-amzn-requestid': requestId || 'sdk', 'x-amz-crc32': String(c), 'content-type': 'application/x-amz-json-1.0' },
    body,
    text,
    json,
    crc32: c,
  };
}

const SKIP_ERROR_KEYS = new Set(['name', 'message', 'Message', '$fault', '$metadata', '$retryable', '$response', '__type']);

class JsClient {
  constructor(endpoint) {
    // eslint-disable-next-line global-require
    this.sdk = require('@aws-sdk/client-dynamodb');
    this.region = REGION;
    this.client = new this.sdk.DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
    this.unmodeled = [];
  }

  close() { this.client.destroy(); }

  async send(op, body) {
    const Command = this.sdk[`${op}Command`];
    if (!Command) throw new Error(`the AWS SDK for JavaScript has no ${op}Command`);
    try {
      const out = await this.client.send(new Command(toSdkInput(body || {})));
      const { $metadata: meta, ...rest } = out;
      return response(meta.httpStatusCode || 200, toWire(rest), meta.requestId);
    } catch (e) {
      if (!e || !e.$metadata || !e.name) throw e;
      // A modeled error arrives as its own class: check the SDK picked it.
      const Cls = this.sdk[e.name];
      if (e.$fault && typeof Cls === 'function' && !(e instanceof Cls)) this.unmodeled.push(`${op}: ${e.name}`);
      const json = { __type: fullType(e.name), message: e.message };
      for (const [k, x] of Object.entries(e)) if (!SKIP_ERROR_KEYS.has(k) && x !== undefined) json[k] = toWire(x);
      return response(e.$metadata.httpStatusCode || 400, json, e.$metadata.requestId);
    }
  }
}

class PyClient {
  constructor(endpoint, python) {
    this.region = REGION;
    this.proc = spawn(python || '/usr/bin/python3', [path.join(__dirname, 'sdk_py.py'), endpoint, REGION], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey },
    });
    this.waiting = [];
    this.queue = Promise.resolve();
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(JSON.parse(line));
    });
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w({ fatal: `the boto3 worker exited (${code})` });
    });
  }

  close() { this.proc.stdin.end(); }

  // One request at a time: the worker answers in order.
  send(op, body) {
    const run = this.queue.then(() => new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(`${JSON.stringify({ op, params: body || {} })}\n`);
    }));
    this.queue = run.catch(() => {});
    return run.then((r) => {
      if (r.fatal) throw new Error(r.fatal);
      if (r.ok) return response(r.status || 200, r.output, r.requestId);
      const json = { __type: fullType(r.code), message: r.message, ...(r.extra || {}) };
      return response(r.status || 400, json, r.requestId);
    });
  }
}

module.exports = { JsClient, PyClient, toSdkInput, toWire };

'use strict';
// conformance/lib/client.js: one raw HTTP exchange with a DynamoDB endpoint.
//
// Builds the request exactly as a real SDK would (POST /, x-amz-json-1.0,
// X-Amz-Target, SigV4 Authorization from @smithy/signature-v4), lets a case
// override any part of it (missing Authorization, other content type, raw
// body, unknown target), sends it with node:http and returns status, headers
// and the exact body bytes so the runner can check them.

const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const API_VERSION = 'DynamoDB_20120810';
// The calls that change a table's definition; Client.send runs them one at a time.
const CONTROL_PLANE = new Set(['CreateTable', 'UpdateTable', 'DeleteTable']);

// CRC32 (IEEE) of a buffer, as DynamoDB puts in x-amz-crc32.
let crcTable = null;
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// Credentials and region: the usual AWS environment variables, or fixed fake
// ones that DynamoDB Local and ddbwatch accept.
function credentialsFromEnv() {
  return {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'AKIDCONFORMANCE',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'conformance-secret',
    sessionToken: process.env.AWS_SESSION_TOKEN || undefined,
  };
}

function regionFromEnv() {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
}

// A Client talks to one endpoint and keeps its connections alive.
class Client {
  constructor(endpoint, opts = {}) {
    this.url = new URL(endpoint);
    this.region = opts.region || regionFromEnv();
    this.credentials = opts.credentials || credentialsFromEnv();
    this.timeoutMs = opts.timeoutMs || 60000;
    const mod = this.url.protocol === 'https:' ? https : http;
    this.mod = mod;
    this.agent = new mod.Agent({ keepAlive: true, maxSockets: 8 });
    this.controlPlane = Promise.resolve();
    this.signer = new SignatureV4({
      credentials: this.credentials,
      region: this.region,
      service: 'dynamodb',
      sha256: Sha256,
      applyChecksum: false,
    });
  }

  close() { this.agent.destroy(); }

  // Send one request. `op` is the operation name, `body` a JSON value (or,
  // when raw.body is a string, that exact text is sent instead). `raw` holds
  // overrides: body, contentType, target, omitTarget, omitAuthorization,
  // omitContentType, method, path, headers (added after signing unless
  // raw.signExtraHeaders), authorization (a literal header value).
  async send(op, body, raw = {}) {
    const text = typeof raw.body === 'string' ? raw.body
      : body === undefined ? '' : JSON.stringify(body);
    const payload = Buffer.from(text, 'utf8');
    const headers = {
      host: this.url.host,
      'content-type': raw.contentType !== undefined ? raw.contentType : 'application/x-amz-json-1.0',
      'x-amz-target': raw.target !== undefined ? raw.target : `${API_VERSION}.${op}`,
      'content-length': String(payload.length),
    };
    if (raw.omitTarget) delete headers['x-amz-target'];
    if (raw.omitContentType) delete headers['content-type'];
    const method = raw.method || 'POST';
    const path = raw.path || '/';
    let signed = headers;
    if (!raw.omitAuthorization && raw.authorization === undefined) {
      const req = await this.signer.sign({
        method,
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port ? Number(this.url.port) : undefined,
        path,
        headers: { ...headers },
        body: text,
      });
      signed = req.headers;
    } else if (raw.authorization !== undefined) {
      signed = { ...headers, authorization: raw.authorization,
        'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, '') };
    }
    const finalHeaders = { ...signed, ...(raw.headers || {}) };
    if (!CONTROL_PLANE.has(op)) return this._exchange(method, path, finalHeaders, payload);
    // Table creations, updates and deletions go one at a time: DynamoDB
    // Local 1.25 answers 500 InternalFailure, now and then, to a provisioned
    // CreateTable or to an UpdateTable (even one it would refuse) that races
    // another table's creation, update or deletion. It costs nothing
    // elsewhere (these calls return at once; waiting for ACTIVE happens
    // outside this queue).
    const run = this.controlPlane.then(() => this._exchange(method, path, finalHeaders, payload));
    this.controlPlane = run.catch(() => {});
    return run;
  }

  _exchange(method, path, headers, payload) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const req = this.mod.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port || undefined,
        method,
        path,
        headers,
        agent: this.agent,
        timeout: this.timeoutMs,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const bodyBuf = Buffer.concat(chunks);
          const bodyText = bodyBuf.toString('utf8');
          let json;
          try { json = bodyText.length ? JSON.parse(bodyText) : undefined; } catch { json = undefined; }
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: bodyBuf,
            text: bodyText,
            json,
            crc32: crc32(bodyBuf),
            ms: Date.now() - started,
          });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

module.exports = { Client, crc32, API_VERSION };

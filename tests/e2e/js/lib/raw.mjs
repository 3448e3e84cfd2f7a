// Raw HTTP helpers for the wire-level tests: hand-built DynamoDB requests,
// a minimal HTTP/1.1 response reader for pipelining over one socket, and the
// CRC32 that DynamoDB puts in x-amz-crc32.

import http from 'node:http';
import net from 'node:net';

// A SigV4-shaped Authorization header: servers parse it but (for now) accept
// any credentials.
export const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDE2ETEST/20240101/us-east-1/dynamodb/aws4_request, '
  + 'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' + '0'.repeat(64);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

// CRC-32 (IEEE, as zlib) of a Buffer, as an unsigned integer.
export function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function hostPort(endpoint) {
  const u = new URL(endpoint);
  return { host: u.hostname, port: Number(u.port || 80) };
}

// Headers of a well-formed DynamoDB request for op with a body of len bytes.
export function headersFor(endpoint, op, len, extra = {}) {
  const { host, port } = hostPort(endpoint);
  const h = {
    Host: `${host}:${port}`,
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Date': '20240101T000000Z',
    Authorization: AUTH,
    'Content-Length': String(len),
    ...extra,
  };
  if (op !== null) h['X-Amz-Target'] = `DynamoDB_20120810.${op}`;
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  return h;
}

// The bytes of one request (for writing several in one TCP write).
export function requestBytes(endpoint, op, body, extraHeaders = {}) {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const h = headersFor(endpoint, op, b.length, extraHeaders);
  const head = `POST / HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head), b]);
}

// POSTs body (object, string or Buffer) with node:http on a fresh connection.
// Resolves to { status, headers, body (Buffer), json (parsed or null) }.
export function post(endpoint, op, body, { headers = {}, agent = false } = {}) {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const { host, port } = hostPort(endpoint);
  const h = headersFor(endpoint, op, b.length, headers);
  delete h.Host;
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method: 'POST', path: '/', headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(parsed(res.statusCode, res.headers, Buffer.concat(chunks), req)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(b);
  });
}

function parsed(status, headers, body, req) {
  let json = null;
  try { json = JSON.parse(body.toString('utf8')); } catch { /* not JSON */ }
  return { status, headers, body, json, reusedSocket: req?.reusedSocket };
}

// Reads HTTP/1.1 responses (Content-Length or chunked bodies) from a socket.
export class ResponseReader {
  constructor(socket) {
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    this.ended = false;
    socket.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.pump(); });
    socket.on('end', () => { this.ended = true; this.pump(); });
    socket.on('close', () => { this.ended = true; this.pump(); });
    socket.on('error', (e) => { this.error = e; this.ended = true; this.pump(); });
  }

  next() {
    return new Promise((resolve, reject) => { this.waiters.push({ resolve, reject }); this.pump(); });
  }

  pump() {
    while (this.waiters.length) {
      const r = this.tryParse();
      if (r) { this.waiters.shift().resolve(r); continue; }
      if (this.ended) {
        const w = this.waiters.shift();
        w.reject(this.error || new Error(`connection closed with ${this.buf.length} unparsed bytes`));
        continue;
      }
      return;
    }
  }

  tryParse() {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) throw new Error(`bad status line: ${lines[0]}`);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    let body;
    let rest;
    if (/chunked/i.test(headers['transfer-encoding'] || '')) {
      const parts = [];
      let p = end + 4;
      for (;;) {
        const le = this.buf.indexOf('\r\n', p);
        if (le < 0) return null;
        const size = parseInt(this.buf.subarray(p, le).toString('latin1'), 16);
        if (this.buf.length < le + 2 + size + 2) return null;
        if (size === 0) { rest = le + 4; break; }
        parts.push(this.buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const len = Number(headers['content-length'] || 0);
      if (this.buf.length < end + 4 + len) return null;
      body = this.buf.subarray(end + 4, end + 4 + len);
      rest = end + 4 + len;
    }
    this.buf = this.buf.subarray(rest);
    return parsed(Number(m[1]), headers, Buffer.from(body));
  }
}

// Opens a TCP connection; resolves to { socket, reader }.
export function connect(endpoint) {
  const { host, port } = hostPort(endpoint);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve({ socket, reader: new ResponseReader(socket) }));
    socket.once('error', reject);
  });
}

// The __type suffix after '#' of an error body.
export function errorName(json) {
  return json && typeof json.__type === 'string' ? json.__type.slice(json.__type.indexOf('#') + 1) : undefined;
}

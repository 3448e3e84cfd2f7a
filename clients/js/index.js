// ddbwatch-callsite: tells ddbwatch which line of application code (and which
// route) sent each DynamoDB request, through the x-ddbwatch-callsite header.
//
//   const { useCallsite, koaCallsite } = require('ddbwatch-callsite');
//   useCallsite(client);            // every request carries "<file>:<line>"
//   app.use(koaCallsite());         // ... prefixed by "<METHOD> <route>|"
//   app.use(koaCallsite({ requestIds: true })); // and each Koa response lists the
//                                   // x-amzn-RequestId of the DynamoDB calls it made
//
// The call site is the first stack frame outside node_modules and node's own
// code at the moment client.send() is called, relative to `root` (default:
// the current directory), so SARIF reports point at the app's source. A name
// given with withCallsite(name, fn) or taken from the Koa route is put in
// front, separated by '|'. Only for tests and local runs: real DynamoDB
// ignores the header, but it costs a stack capture per request.
'use strict';

const path = require('node:path');
const { fileURLToPath } = require('node:url');
const { AsyncLocalStorage } = require('node:async_hooks');

const HEADER = 'x-ddbwatch-callsite';
const REQUEST_IDS_HEADER = 'x-ddbwatch-request-ids';
const MAX_LENGTH = 512;
const store = new AsyncLocalStorage();
const thisFile = __filename;

// "    at fn (file:///a/b.js:3:7)" or "    at /a/b.js:3:7" -> { file, line }
function parseFrame(line) {
  const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line);
  if (!m) return null;
  let file = m[1];
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return null;
    }
  }
  return { file, line: Number(m[2]) };
}

function ignored(file, skip) {
  return (
    file === thisFile ||
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    !path.isAbsolute(file) ||
    file.split(path.sep).includes('node_modules') ||
    skip.some((s) => (typeof s === 'string' ? file.includes(s) : s.test(file)))
  );
}

// The application's frame that called client.send(), as "<file>:<line>"
// relative to root, or null.
function codeLocation(root, skip = []) {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack || '';
  Error.stackTraceLimit = saved;
  for (const line of stack.split('\n').slice(1)) {
    const f = parseFrame(line);
    if (!f || ignored(f.file, skip)) continue;
    const rel = path.relative(root, f.file).split(path.sep).join('/');
    return `${rel}:${f.line}`;
  }
  return null;
}

// The name of the current route or block (withCallsite / koaCallsite), or null.
function currentName() {
  const s = store.getStore();
  if (!s) return null;
  if (s.name) return s.name;
  if (s.ctx) {
    const ctx = s.ctx;
    const route = ctx._matchedRoute || ctx.routerPath || ctx.path;
    return `${ctx.method} ${route}`;
  }
  return null;
}

// Printable ASCII only (a header value), at most MAX_LENGTH characters.
function clean(value) {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_LENGTH);
}

// Add the middleware to a DynamoDBClient (or DynamoDBDocumentClient). Options:
//   root     paths are made relative to it (default process.cwd())
//   skip     more file substrings or RegExps to look past (your own DB helpers)
//   name     a fixed name for every request of this client
//   enabled  false: do nothing (e.g. in production)
// Returns the client.
function useCallsite(client, options = {}) {
  if (options.enabled === false) return client;
  const root = options.root || process.cwd();
  const skip = options.skip || [];
  const stack = client.middlewareStack;
  // initialize runs synchronously inside client.send(): the caller is on the stack.
  stack.add(
    (next) => (args) => {
      const name = options.name || currentName();
      const where = codeLocation(root, skip);
      const site = name && where ? `${name}|${where}` : name || where;
      const ids = store.getStore()?.ids;
      const sent = next(site ? { ...args, ddbwatchCallsite: clean(site) } : args);
      if (!ids) return sent;
      // Remember the x-amzn-RequestId of the answer, success or error (koaCallsite's requestIds).
      return sent.then(
        (out) => { if (out?.output?.$metadata?.requestId) ids.push(out.output.$metadata.requestId); return out; },
        (err) => { if (err?.$metadata?.requestId) ids.push(err.$metadata.requestId); throw err; },
      );
    },
    { step: 'initialize', priority: 'high', name: 'ddbwatchCallsiteCapture', override: true },
  );
  // build: the HTTP request exists; the header is signed like the others.
  stack.add(
    (next) => (args) => {
      if (args.ddbwatchCallsite && args.request && args.request.headers) {
        args.request.headers[HEADER] = args.ddbwatchCallsite;
      }
      return next(args);
    },
    { step: 'build', name: 'ddbwatchCallsiteHeader', override: true },
  );
  return client;
}

// Run fn with a call-site name (e.g. a job or route name); returns fn's result.
function withCallsite(name, fn) {
  return store.run({ name: String(name) }, fn);
}

// Koa middleware: requests made while handling a Koa request are named
// "<METHOD> <matched route>" (@koa/router's route pattern, else the path).
// With { requestIds: true } the Koa response also carries the header
// x-ddbwatch-request-ids: the x-amzn-RequestId of every DynamoDB call made
// while handling it, in order, so a test can find the findings of the calls an
// HTTP request caused (GET /_ddbwatch/findings?requestId=...). Tests only.
function koaCallsite(options = {}) {
  if (!options.requestIds) {
    return function ddbwatchCallsite(ctx, next) {
      return store.run({ ctx }, next);
    };
  }
  return function ddbwatchCallsite(ctx, next) {
    const ids = [];
    return store.run({ ctx, ids }, async () => {
      try {
        await next();
      } catch (err) {
        // Koa replaces the headers of a failed request by err.headers.
        if (ids.length && err && typeof err === 'object') err.headers = { ...err.headers, [REQUEST_IDS_HEADER]: ids.join(',') };
        throw err;
      }
      if (ids.length) ctx.set(REQUEST_IDS_HEADER, ids.join(','));
    });
  };
}

exports.HEADER = HEADER;
exports.REQUEST_IDS_HEADER = REQUEST_IDS_HEADER;
exports.useCallsite = useCallsite;
exports.withCallsite = withCallsite;
exports.koaCallsite = koaCallsite;
exports.codeLocation = codeLocation;

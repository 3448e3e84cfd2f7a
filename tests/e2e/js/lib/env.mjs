// Shared set-up for the JavaScript end-to-end suites: finds the endpoint under
// test, builds SDK clients for it, starts extra ddbwatch servers through the
// shared harness (../../harness/ddbwatch_harness.py), and checks errors.
//
// Environment:
//   DDB_ENDPOINT              use this endpoint (e.g. http://127.0.0.1:8001)
//   DDBWATCH_BIN              otherwise start this binary (once per test file);
//                             also needed by the tests that restart a server
//   DDB_ENDPOINT_IS_DDBLOCAL  =1: the endpoint is DynamoDB Local; assertions on
//                             its known deviations from DynamoDB are skipped

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HARNESS = path.resolve(here, '../../harness/ddbwatch_harness.py');
export const PYTHON = process.env.DDB_E2E_PYTHON || '/usr/bin/python3';
export const IS_DDBLOCAL = process.env.DDB_ENDPOINT_IS_DDBLOCAL === '1';
export const BIN = process.env.DDBWATCH_BIN || '';
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIDE2ETEST', secretAccessKey: 'e2e-secret' };

// Starts ddbwatch through the harness's `serve` mode. Resolves to
// { endpoint, startSeconds, log, pid (ddbwatch's), stop() }, where stop() sends SIGTERM and resolves
// to the harness's exit code (0 when ddbwatch exited cleanly; see
// ddbwatch_harness.py for the others) or 'killed by SIG...'.
export async function startServer({ dataDir, cwd, env } = {}) {
  if (!BIN) throw new Error('DDBWATCH_BIN is not set');
  // The log goes to this process's temporary folder, not to env.TMPDIR.
  const log = path.join(os.tmpdir(), `ddbwatch-e2e-${process.pid}-${randomBytes(4).toString('hex')}.log`);
  const args = [HARNESS, 'serve', '--log', log];
  if (dataDir) args.push('--data-dir', dataDir);
  const child = spawn(PYTHON, args, {
    cwd, env: { ...process.env, ...env, DDBWATCH_BIN: BIN },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = once(child, 'exit');
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const m = /^ready (\S+) (\S+) (\S+) (\d+)/m.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve({ endpoint: m[1], startSeconds: Number(m[2]), log: m[3], pid: Number(m[4]) });
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`harness exited (${code}) before ddbwatch was ready:\n${stderr}`)));
  });
  let stopped = null;
  return {
    ...ready,
    stderr: () => stderr,
    stop() {
      if (!stopped) {
        child.kill('SIGTERM');
        stopped = exited.then(([code, signal]) => (code === null ? `killed by ${signal}` : code));
      }
      return stopped;
    },
  };
}

let shared = null;

// The endpoint under test: DDB_ENDPOINT, or a ddbwatch started for this
// process (stopped when the process exits, through the harness's stdin).
export async function endpoint() {
  if (process.env.DDB_ENDPOINT) return process.env.DDB_ENDPOINT.replace(/\/$/, '');
  if (!shared) {
    if (!BIN) throw new Error('set DDB_ENDPOINT or DDBWATCH_BIN');
    shared = startServer();
  }
  return (await shared).endpoint;
}

// Stops the server endpoint() started, if any; asserts that it exited cleanly.
export async function stopSharedServer() {
  if (!shared) return;
  const s = await shared;
  shared = null;
  const code = await s.stop();
  assert.equal(code, 0, `ddbwatch did not stop cleanly:\n${s.stderr()}`);
}

export function client(ep, opts = {}) {
  return new DynamoDBClient({
    endpoint: ep, region: REGION, credentials: CREDENTIALS, maxAttempts: 1, ...opts,
  });
}

// A table name unique to this run.
export function uniqueName(prefix) {
  return `e2e-${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

// Awaits promise, which must reject with a DynamoDB error.
//   name     err.name (the __type after '#')
//   message  exact err.message (string) or a RegExp
//   status   $metadata.httpStatusCode (default 400)
//   localDiffers  DynamoDB Local is known to deviate here (see shared/FIDELITY.md);
//                 under DDB_ENDPOINT_IS_DDBLOCAL=1: true = check name and
//                 status only; 'any' = any error will do
export async function expectError(promise, { name, message, status = 400, localDiffers = false }) {
  const lenient = localDiffers && IS_DDBLOCAL;
  let err;
  try {
    const out = await promise;
    assert.fail(`expected ${name}, got success: ${JSON.stringify(out).slice(0, 300)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  if (lenient && localDiffers === 'any') return err;
  assert.equal(err.name, name, `error name (message: ${err.message})`);
  assert.equal(err.$metadata?.httpStatusCode, status, 'HTTP status');
  if (message !== undefined && !lenient) {
    if (message instanceof RegExp) assert.match(err.message, message);
    else assert.equal(err.message, message);
  }
  return err;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// True when the endpoint is ddbwatch (it answers its admin health check), for
// tests of ddbwatch-specific behaviour such as when a transaction is in progress.
export async function isDdbwatch(ep) {
  const res = await fetch(`${ep}/_ddbwatch/health`).catch(() => null);
  return res?.status === 200;
}

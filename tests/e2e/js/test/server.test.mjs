// The ddbwatch process itself: --help/--version, bad options, a busy port and
// an unusable data folder are clear errors, SIGINT/SIGTERM stop it cleanly,
// and the start-up time and idle memory it reports. Needs DDBWATCH_BIN.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, IS_DDBLOCAL, startServer } from '../lib/env.mjs';
import { post } from '../lib/raw.mjs';

const skip = (!BIN && 'needs DDBWATCH_BIN')
  || (IS_DDBLOCAL && 'the DynamoDB Local stand-in has no such behaviour');
const temps = [];
const children = new Set();

after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `ddbwatch-e2e-${prefix}-`));
  temps.push(d);
  return d;
}

async function freePort() {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

// Spawns the binary; returns { child, out(), exited } where exited resolves
// to { code, signal }. Killed after `limit` ms.
function launch(args, { cwd, limit = 10000 } = {}) {
  const child = spawn(BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), limit);
  const exited = once(child, 'exit').then(([code, signal]) => {
    clearTimeout(timer);
    children.delete(child);
    return { code, signal, stdout, stderr };
  });
  return { child, out: () => stdout + stderr, exited };
}

async function waitReady(proc) {
  for (let i = 0; i < 1000; i++) {
    const m = /listening on (http:\/\/\S+)/.exec(proc.out());
    if (m) return m[1];
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ready line:\n${proc.out()}`);
}

test('--version and --help exit 0 and say what they should', { skip }, async () => {
  const v = await launch(['--version']).exited;
  assert.equal(v.code, 0);
  assert.match(v.stdout, /ddbwatch.*\d+\.\d+\.\d+/);
  const h = await launch(['--help']).exited;
  assert.equal(h.code, 0);
  for (const opt of ['--host', '--port', '--data-dir', '--in-memory', '--sync']) assert.ok(h.stdout.includes(opt), opt);
});

test('an unknown option or bad value is an error', { skip }, async () => {
  for (const args of [['--no-such-option'], ['--port', 'eighty'], ['--sync', 'sometimes'],
    ['--in-memory', '--data-dir', tempDir('both')]]) {
    const r = await launch(args).exited;
    assert.equal(r.signal, null, `${args}: exited by itself`);
    assert.notEqual(r.code, 0, `${args}: non-zero exit`);
    assert.doesNotMatch(r.stdout + r.stderr, /listening on/, `${args}: did not start`);
    assert.ok(r.stderr.trim().length > 0, `${args}: says why on stderr`);
  }
});

test('an unusable --data-dir is a one-line error and a non-zero exit', { skip }, async () => {
  const file = path.join(tempDir('file'), 'not-a-folder');
  fs.writeFileSync(file, 'x');
  const r = await launch(['--port', String(await freePort()), '--data-dir', path.join(file, 'sub')]).exited;
  assert.equal(r.signal, null, 'exited, not killed');
  assert.notEqual(r.code, 0);
  const lines = (r.stderr + r.stdout).trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}${r.stdout}`);
  assert.doesNotMatch(lines[0], /listening on/);
});

test('a port in use is a one-line error and a non-zero exit', { skip }, async () => {
  const blocker = net.createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  try {
    const r = await launch(['--host', '127.0.0.1', '--port', String(blocker.address().port), '--in-memory']).exited;
    assert.equal(r.signal, null, 'exited, not killed');
    assert.notEqual(r.code, 0);
    const lines = (r.stderr + r.stdout).trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}${r.stdout}`);
    assert.doesNotMatch(lines[0], /listening on/);
  } finally {
    blocker.close();
  }
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  test(`${sig} stops the server cleanly (exit 0) and frees the port`, { skip }, async () => {
    const port = await freePort();
    const dir = tempDir('sig');
    const proc = launch(['--host', '127.0.0.1', '--port', String(port), '--data-dir', path.join(dir, 'data')]);
    const ep = await waitReady(proc);
    assert.equal(ep, `http://127.0.0.1:${port}`);
    const r = await post(ep, 'ListTables', {});
    assert.equal(r.status, 200);
    proc.child.kill(sig);
    const done = await proc.exited;
    assert.equal(done.signal, null, `exited by itself, not by ${done.signal}`);
    assert.equal(done.code, 0, done.stdout + done.stderr);
    // The port is free again.
    const again = net.createServer();
    again.listen(port, '127.0.0.1');
    await once(again, 'listening');
    again.close();
  });
}

test('start-up time to first answer and idle memory (whole process)', { skip: !BIN && 'needs DDBWATCH_BIN' }, async (t) => {
  const t0 = process.hrtime.bigint();
  const server = await startServer();
  let firstAnswerMs;
  try {
    for (;;) {
      try {
        const r = await post(server.endpoint, 'ListTables', {});
        assert.equal(r.status, 200);
        break;
      } catch (e) {
        if (Number(process.hrtime.bigint() - t0) > 20e9) throw e;
      }
    }
    firstAnswerMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await new Promise((r) => setTimeout(r, 300));
    const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
    t.diagnostic(`ready line after ${(server.startSeconds * 1000).toFixed(1)} ms (spawn to ready line, from the harness)`);
    t.diagnostic(`first answer ${firstAnswerMs.toFixed(1)} ms after the harness was started (includes the harness's own start)`);
    t.diagnostic(`idle RSS ${(rssKb / 1024).toFixed(1)} MiB (pid ${server.pid})`);
    assert.ok(server.startSeconds < (IS_DDBLOCAL ? 60 : 5), `ready in ${server.startSeconds} s`);
    assert.ok(rssKb > 0);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

// Starts a ddbwatch for one test file: in memory, on a free port, with a
// config file and an audit log in a fresh temporary folder. DDBWATCH_BIN names
// the binary. Also: SDK clients per principal, the admin API, the report
// subcommand, and a SARIF 2.1.0 schema check (schema shipped in an npm package,
// no network).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const BIN = process.env.DDBWATCH_BIN || '';
const require = createRequire(import.meta.url);

export async function startDdbwatch({ config = {}, args = [] } = {}) {
  if (!BIN) throw new Error('DDBWATCH_BIN is not set');
  const dir = mkdtempSync(path.join(tmpdir(), 'ddbwatch-inst-'));
  const configPath = path.join(dir, 'config.json');
  const audit = path.join(dir, 'audit.log');
  writeFileSync(configPath, JSON.stringify(config));
  const child = spawn(BIN, ['--in-memory', '--port', '0', '--config', configPath, '--audit-log', audit, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = once(child, 'exit');
  const endpoint = await new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`ddbwatch exited (${code}) before it was ready: ${err}`)));
  });
  const clients = [];
  return {
    endpoint,
    dir,
    audit,
    stderr: () => err,
    client(principal, opts = {}) {
      const c = new DynamoDBClient({
        endpoint, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: principal, secretAccessKey: 'secret' }, ...opts,
      });
      clients.push(c);
      return c;
    },
    async admin(urlPath, init) {
      const res = await fetch(endpoint + urlPath, init);
      assert.match(res.headers.get('content-type') || '', /^application\/json/);
      return { status: res.status, body: await res.json() };
    },
    async findings(query = '') {
      const { status, body } = await this.admin(`/_ddbwatch/findings${query}`);
      assert.equal(status, 200);
      return body.findings;
    },
    async stop() {
      for (const c of clients) c.destroy();
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, `ddbwatch did not stop cleanly: ${err}`);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `ddbwatch report ...`: { status, stdout, stderr }
export function report(args) {
  const r = spawnSync(BIN, ['report', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Validates a SARIF document against the official 2.1.0 JSON schema (draft-04),
// as shipped by @microsoft/jest-sarif; returns ajv's errors (empty when valid).
export function sarifSchemaErrors(doc) {
  const Ajv = require('ajv');
  const ajv = new Ajv({ schemaId: 'id', allErrors: true, format: 'full' });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const validate = ajv.compile(schema);
  return validate(doc) ? [] : validate.errors;
}

// Awaits a promise that must reject with a DynamoDB error named `name`.
export async function rejectsWith(promise, name) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, e.message);
    return e;
  }
  assert.fail(`expected ${name}`);
}

export const usersTable = (name = 'Users') => ({
  TableName: name,
  KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import { parseScenarios } from '../server/scenarios/loader.js';
import { scenariosOf } from '../server/recording/to-scenarios.js';
import type { Cassette } from '../server/recording/cassette.js';
import { basicAuth, kredivoRequest, orderId, startTestInstance } from './helpers/instance.js';

const addFormats = _addFormats as unknown as typeof _addFormats.default;
// The merchant's real sandbox credentials: the key must never reach the cassette.
const SANDBOX = { id: 'SANDBOX1', key: 'Sandbox-Key-9f8e7d6c' };
const REAL_MESSAGE = 'Request has been processed successfully';
const root = join(import.meta.dirname, '..');

async function call(instance: Instance, method: string, path: string, body?: unknown, merchant = SANDBOX) {
  const res = await fetch(`${instance.url}${path}`, {
    method,
    headers: { Authorization: basicAuth(merchant), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as Record<string, any> };
}

const readCassetteFile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Cassette;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'finnet-mock-record-'));
const cassetteFile = join(folder, 'cassette.json');
let upstream: Instance;
let recorder: Instance;
const recordedOrder = orderId('REC');
const failingOrder = orderId('BAD');
let recordedInitiate: Record<string, any>;
let recordedCheck: Record<string, any>;

beforeAll(async () => {
  // The stand-in for the real sandbox: a simulator that words success as the live sandbox does.
  upstream = await startTestInstance({ merchants: [SANDBOX], successMessage: REAL_MESSAGE });
  recorder = await startTestInstance({ merchants: [SANDBOX], recordFrom: upstream.url, cassette: cassetteFile });
});
afterAll(async () => {
  await recorder?.stop();
  await upstream?.stop();
});

describe('--record-from', () => {
  it('forwards initiate and check-status with the caller\'s credentials and answers with the upstream\'s answers', async () => {
    const initiated = await call(recorder, 'POST', '/pg/payment/card/initiate', kredivoRequest({ id: recordedOrder }));
    expect(initiated.status).toBe(200);
    expect(initiated.body.responseMessage).toBe(REAL_MESSAGE);
    // The upstream's own page address: the answer is not the recorder's simulation.
    expect(initiated.body.redirecturl).toContain(`localhost:${upstream.port}`);
    recordedInitiate = initiated.body;
    const checked = await call(recorder, 'GET', `/pg/payment/card/check/${recordedOrder}`);
    expect(checked.status).toBe(200);
    expect(checked.body.data.order.id).toBe(recordedOrder);
    recordedCheck = checked.body;
    // The order exists upstream, not in the recorder's own state.
    expect(upstream.ctx.store.getTransaction(SANDBOX.id, recordedOrder)).toBeDefined();
    expect(recorder.ctx.store.getTransaction(SANDBOX.id, recordedOrder)).toBeUndefined();
  });

  it('records each exchange in the cassette with the Authorization redacted and the key nowhere in the file', async () => {
    const text = readFileSync(cassetteFile, 'utf8');
    expect(text).not.toContain(SANDBOX.key);
    expect(text).not.toContain(Buffer.from(`${SANDBOX.id}:${SANDBOX.key}`).toString('base64'));
    const cassette = JSON.parse(text) as Cassette;
    expect(cassette).toMatchObject({ format: 'finnet-mock-cassette', version: 1, upstream: upstream.url });
    expect(cassette.entries.map((e) => `${e.request.method} ${e.request.url}`)).toEqual([
      'POST /pg/payment/card/initiate', `GET /pg/payment/card/check/${recordedOrder}`,
    ]);
    const [initiate, check] = cassette.entries;
    expect(initiate!.request.headers.authorization).toBe(`Basic ${SANDBOX.id}:<redacted>`);
    expect(initiate!.orderId).toBe(recordedOrder);
    expect(initiate!.response).toMatchObject({ status: 200, body: recordedInitiate });
    expect(initiate!.response.headers['content-type']).toMatch(/application\/json/);
    expect(check!.response.body).toEqual(recordedCheck);
  });

  it('adds a drift entry with exactly the differences from what the simulator answers', () => {
    const { drift } = readCassetteFile(cassetteFile);
    const differences = [{ kind: 'message', path: 'responseMessage', recorded: REAL_MESSAGE, simulated: 'Success' }];
    expect(drift).toEqual([
      { recordedAt: expect.any(String), request: 'POST /pg/payment/card/initiate', orderId: recordedOrder, differences },
      { recordedAt: expect.any(String), request: `GET /pg/payment/card/check/${recordedOrder}`, orderId: recordedOrder, differences },
    ]);
  });

  it('records error answers as they come, and no drift where both agree', async () => {
    const missing = await call(recorder, 'GET', `/pg/payment/card/check/${failingOrder}`);
    expect(missing.status).toBe(404);
    expect(missing.body.responseCode).toBe('4040001');
    const refused = await call(recorder, 'POST', '/pg/payment/card/initiate', kredivoRequest(), { id: SANDBOX.id, key: 'wrong-key' });
    expect(refused.status).toBe(401);
    const cassette = readCassetteFile(cassetteFile);
    expect(cassette.entries).toHaveLength(4);
    expect(cassette.entries[3]!.request.headers.authorization).toBe(`Basic ${SANDBOX.id}:<redacted>`);
    expect(cassette.drift).toHaveLength(2);
  });

  it('answers in the gateway\'s format when the upstream cannot be reached, and records nothing', async () => {
    const file = join(folder, 'down.json');
    const down = await startTestInstance({ merchants: [SANDBOX], recordFrom: `http://127.0.0.1:${await closedPort()}`, cassette: file });
    try {
      const res = await call(down, 'POST', '/pg/payment/card/initiate', kredivoRequest());
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ responseCode: '5000000', responseMessage: 'General Error', traceId: expect.any(String) });
      expect(res.headers.get('x-finnet-mock-hint')).toMatch(/cannot be reached \(ECONNREFUSED\)/);
      expect(() => readFileSync(file)).toThrow();
    } finally {
      await down.stop();
    }
  });

  it('refuses a body over 1 MB without forwarding it', async () => {
    const big = { ...kredivoRequest(), padding: 'x'.repeat(1024 * 1024) };
    const res = await call(recorder, 'POST', '/pg/payment/card/initiate', big);
    expect(res.status).toBe(400);
    expect(res.body.responseMessage).toBe('Bad Request. Body is larger than 1 MB');
    expect(readCassetteFile(cassetteFile).entries).toHaveLength(4);
  });

  it('records requests that arrive together, each once, in a file that stays two-space JSON', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(recorder, 'GET', `/pg/payment/card/check/${recordedOrder}`)));
    expect(answers.map((res) => res.status)).toEqual(Array(6).fill(200));
    const text = readFileSync(cassetteFile, 'utf8');
    const cassette = JSON.parse(text) as Cassette;
    expect(cassette.entries).toHaveLength(10);
    expect(cassette.entries.slice(4).map((e) => e.request.url)).toEqual(Array(6).fill(`/pg/payment/card/check/${recordedOrder}`));
    expect(text).toBe(`${JSON.stringify(cassette, null, 2)}\n`);
  });
});

describe('cassette-to-scenarios', () => {
  it('turns the recorded errors into a scenario file that validates against schemas/scenario.json and loads', async () => {
    const run = await runCli(['cassette-to-scenarios', cassetteFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const file = JSON.parse(run.stdout);
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ['regex']);
    const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas', 'scenario.json'), 'utf8')));
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(file).toEqual(scenariosOf(readCassetteFile(cassetteFile)));
    // Only the failing order (the 401 is the caller's credentials): its check's 404, matched by its id as no initiate was recorded.
    expect(file.scenarios).toEqual([{
      name: 'recorded-3', description: expect.stringContaining(failingOrder),
      match: { orderId: `^${failingOrder}$` },
      effects: { faults: { check: { responseCode: '4040001', responseMessage: 'Transaction Not Found', httpStatus: 404 } } },
    }]);
    expect(parseScenarios(file, 'recorded.json').map((s) => s.name)).toEqual(['recorded-3']);
  });

  it('matches a recorded initiate error by its amount when no other recorded order has that amount', () => {
    const entry = (orderIdValue: string, amount: string, status: number, body: object) => ({
      recordedAt: '2026-01-01T00:00:00.000Z', orderId: orderIdValue,
      request: { method: 'POST', url: '/pg/payment/card/initiate', headers: {}, body: { order: { id: orderIdValue, amount } } },
      response: { status, headers: {}, body },
    });
    const cassette: Cassette = {
      format: 'finnet-mock-cassette', version: 1, upstream: 'https://devo.finnet.co.id', drift: [],
      entries: [
        entry('A1', '15000', 403, { responseCode: '4030001', responseMessage: 'Feature Not Allowed' }),
        entry('B1', '200', 200, { responseCode: '2000000', responseMessage: REAL_MESSAGE }),
      ],
    };
    const file = scenariosOf(cassette);
    expect(file.scenarios.map((s) => [s.match, s.effects])).toEqual([
      [{ amount: 15000 }, { faults: { initiate: { responseCode: '4030001', responseMessage: 'Feature Not Allowed', httpStatus: 403 } } }],
    ]);
    expect(parseScenarios(file, 'recorded.json')).toHaveLength(1);
  });
});

describe('--replay', () => {
  let replay: Instance;
  beforeAll(async () => {
    // Replay needs no upstream at all.
    await upstream.stop();
    replay = await startTestInstance({ merchants: [SANDBOX], replay: cassetteFile });
  });
  afterAll(async () => {
    await replay?.stop();
  });

  it('serves the recorded answers with the caller\'s order id and times moved to now', async () => {
    await fetch(`${replay.url}/_mock/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action: 'advance', by: '1d' }) });
    const newOrder = orderId('NEW');
    const initiated = await call(replay, 'POST', '/pg/payment/card/initiate', kredivoRequest({ id: newOrder }));
    expect(initiated.status).toBe(200);
    expect(initiated.headers.get('x-finnet-mock-replay')).toEqual(expect.any(String));
    expect(initiated.body.responseMessage).toBe(REAL_MESSAGE);
    expect(initiated.body.redirecturl).toBe(recordedInitiate.redirecturl);
    const shift = Date.parse(`${initiated.body.expiryLink.replace(' ', 'T')}+07:00`) - Date.parse(`${recordedInitiate.expiryLink.replace(' ', 'T')}+07:00`);
    // A day of virtual time, plus the real seconds between recording and replay.
    expect(shift).toBeGreaterThanOrEqual(86_400_000);
    expect(shift).toBeLessThan(86_400_000 + 600_000);
    const checked = await call(replay, 'GET', `/pg/payment/card/check/${newOrder}`);
    expect(checked.body.data.order.id).toBe(newOrder);
    expect(JSON.stringify(checked.body)).not.toContain(recordedOrder);
    expect(Object.keys(checked.body)).toEqual(Object.keys(recordedCheck));
  });

  it('simulates requests it has no recording for', async () => {
    const other = kredivoRequest();
    other.order.amount = '300';
    other.order.item[0].unitPrice = '200';
    const res = await call(replay, 'POST', '/pg/payment/card/initiate', other);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-finnet-mock-replay')).toBeNull();
    expect(res.body.responseMessage).toBe('Success');
    expect(res.body.redirecturl).toContain(`localhost:${replay.port}`);
  });
});

describe('a broken cassette', () => {
  it('stops the start with one line naming the file, exit 1', async () => {
    const file = join(folder, 'torn.json');
    writeFileSync(file, '{"format": "finnet-mock-cassette", "version": 1, "entries": [');
    const run = await runCli(['--port', '0', '--db', ':memory:', '--replay', file]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^finnet-mock: --replay \/ FINNET_MOCK_REPLAY: cassette .*torn\.json is not valid JSON/)]);
  });
});

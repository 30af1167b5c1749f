import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import request from 'supertest';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, HOSTED, type Channel } from '../server/channels/table.js';
import { controlDocument, gatewayDocument, initiateAnswerComponent, openApiFiles } from '../server/control/openapi.js';
import { gatewayRouter } from '../server/gateway/routes.js';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, initiate, kredivoRequest } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);
// Tools started by this file must not phone home or print upgrade notices.
const TOOL_ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
const TOOL_TIMEOUT_MS = 120_000;

type Json = Record<string, any>;

/**
 * An ajv over the document's components: strictSchema refuses any keyword that is not JSON Schema 2020-12, so
 * compiling every component proves none leaked, and `check` validates a real answer against a component.
 */
function componentValidator(doc: Json) {
  const ajv = new Ajv2020({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: true });
  addFormats(ajv);
  const text = JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"doc#/$defs/');
  ajv.addSchema({ $id: 'doc', $defs: JSON.parse(text) });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const of = (name: string) => {
    if (!compiled.has(name)) compiled.set(name, ajv.compile({ $ref: `doc#/$defs/${name}` }));
    return compiled.get(name)!;
  };
  return {
    names: Object.keys(doc.components.schemas as object),
    check(name: string, value: unknown): string {
      const validate = of(name);
      return validate(value) ? 'valid' : `${name}: ${ajv.errorsText(validate.errors)}`;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the published OpenAPI documents', () => {
  it('are what npm run openapi generates from the schemas (regenerate with npm run openapi)', () => {
    for (const { file, text } of openApiFiles()) expect(readFileSync(join(ROOT, file), 'utf8'), file).toBe(text);
  });

  it('hold only standard JSON Schema: the validator\'s own keyword and formats are translated, ids dropped', () => {
    const gateway = gatewayDocument() as Json;
    for (const doc of [gateway, controlDocument()]) {
      const validator = componentValidator(doc);
      for (const name of validator.names) expect(() => validator.check(name, {}), name).not.toThrow();
      const leaks = JSON.stringify(doc).match(/"(?:itemsTotalEqualsAmount|\$id|\$schema|\$comment)":|"format":"http-url"|"\$ref":"[a-z/-]+\.json/g);
      expect(leaks).toBeNull();
    }
    expect(gateway.components.schemas.order.description).toMatch(/sum of quantity × unitPrice/);
    expect(gateway.components.schemas.common.$defs.httpUrl.format).toBe('uri');
  });

  it('pass redocly lint with neither errors nor warnings', async () => {
    const { stdout, stderr } = await run(join(BIN, 'redocly'), ['lint', 'openapi/finpay.json', 'openapi/control.json', '--format=stylish'],
      { cwd: ROOT, env: TOOL_ENV, timeout: TOOL_TIMEOUT_MS });
    const output = stdout + stderr;
    expect(output).toMatch(/Your API descriptions are valid/);
    expect(output).not.toMatch(/You have \d+ warnings?|\berror\s+[a-z-]+/);
  }, TOOL_TIMEOUT_MS);

  it('give openapi-typescript types whose initiate answer has redirecturl and expiryLink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finpay-types-'));
    try {
      await run(join(BIN, 'openapi-typescript'), ['openapi/finpay.json', '-o', join(dir, 'finpay.ts')], { cwd: ROOT, env: TOOL_ENV, timeout: TOOL_TIMEOUT_MS });
      writeFileSync(join(dir, 'client.ts'), [
        "import type { operations } from './finpay.js';",
        "type Answer = operations['initiate']['responses'][200]['content']['application/json'];",
        'export const read = (answer: Answer): [string | null, string] => [answer.redirecturl, answer.expiryLink];',
        "export const kredivo: Answer = { responseCode: '2000000', responseMessage: 'Success', redirecturl: 'https://x/kredivo/v2/signin?tk=1',",
        "  expiryLink: '2023-04-04 10:51:47', paymentCode: null, processingTime: 0.5, traceId: 't' };",
        // A refusal of the compiler is the proof the types say something: an answer without expiryLink is no answer.
        "// @ts-expect-error expiryLink is required",
        "export const broken: Answer = { responseCode: '2000000', responseMessage: 'Success', redirecturl: 'https://x', processingTime: 0.5, traceId: 't' };",
      ].join('\n'));
      const program = ts.createProgram([join(dir, 'client.ts')], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, TOOL_TIMEOUT_MS);

  describe('under Prism', () => {
    let prism: ChildProcess | undefined;
    let base = '';
    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      prism = spawn(join(BIN, 'prism'), ['mock', 'openapi/finpay.json', '-h', '127.0.0.1', '-p', String(port)], { cwd: ROOT, env: TOOL_ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Prism did not start: ${output}`)), TOOL_TIMEOUT_MS);
        const listen = (chunk: Buffer) => {
          output += chunk.toString();
          if (/Prism is listening/.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        prism!.stdout!.on('data', listen);
        prism!.stderr!.on('data', listen);
        prism!.once('exit', (code) => reject(new Error(`Prism exited (${code}): ${output}`)));
      });
    }, TOOL_TIMEOUT_MS);
    afterAll(() => {
      // Its own process group: the CLI and anything it started stop together.
      if (prism?.pid && prism.exitCode === null) process.kill(-prism.pid, 'SIGTERM');
    });

    const post = (path: string, body: unknown) => fetch(`${base}${path}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
    });

    it('answers a Kredivo initiate with the docs\' sample shape', async () => {
      const res = await post('/pg/payment/card/initiate', kredivoRequest());
      expect(res.status).toBe(200);
      const body = await res.json() as Json;
      expect(Object.keys(body)).toEqual(['responseCode', 'responseMessage', 'redirecturl', 'expiryLink', 'paymentCode', 'processingTime', 'traceId']);
      expect(body).toMatchObject({ responseCode: '2000000', paymentCode: null, expiryLink: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
      expect(body.redirecturl).toMatch(/\/kredivo\/v2\/signin\?tk=/);
    });

    it('refuses, in the gateway\'s error envelope, a body the simulator refuses', async () => {
      const body = kredivoRequest();
      delete body.customer.mobilePhone;
      const res = await post('/pg/payment/card/initiate', body);
      expect(res.status).toBe(400);
      expect(Object.keys(await res.json() as Json)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
    });
  });
});

describe('the gateway document against the simulator', () => {
  const sim = useSimulator({ reset: true });
  const validator = componentValidator(gatewayDocument());
  const api = () => request(sim.instance.server);

  it('is served with this simulator as its server, the control API\'s document beside it', async () => {
    const served = (await api().get('/_mock/openapi.json').expect(200)).body;
    expect(served).toEqual(gatewayDocument([{ url: sim.instance.ctx.publicUrl(), description: 'this simulator' }]));
    const control = (await api().get('/_mock/openapi-control.json').expect(200)).body;
    expect(control.servers[0].url).toBe(sim.instance.ctx.publicUrl());
    expect(Object.keys(control.paths)).toContain('/_mock/transactions/{orderId}/{action}');
  });

  it('describes every route the gateway router answers, with each of its methods', () => {
    const routes = (gatewayRouter(sim.instance.ctx).stack as any[]).flatMap((layer) => (layer.route
      ? Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${String(layer.route.path).replace(/:(\w+)/g, '{$1}')}`)
      : []));
    expect(routes).toContain('POST /pg/payment/card/openpayment/check/{sofId}/{paymentCode}');
    const paths = gatewayDocument().paths as Record<string, Record<string, unknown>>;
    const documented = new Set(Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect(routes.filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('describes every body each channel accepts, and every answer, check-status and callback it gives', async () => {
    const channels: Channel[] = [...CHANNELS, HOSTED];
    const ids: string[] = [];
    for (const channel of channels) {
      const body = channelRequest(channel === HOSTED ? null : channel.type, { callbackUrl: `${sim.receiver.url}/cb` });
      expect(validator.check('initiate-request', body), channel.type).toBe('valid');
      const { status, body: answer } = await initiate(sim.instance, body);
      expect(status, channel.type).toBe(200);
      expect(validator.check(initiateAnswerComponent(channel), answer), channel.type).toBe('valid');
      expect(validator.check('initiate-response', answer), channel.type).toBe('valid');
      ids.push(body.order.id);
    }
    for (const id of ids) await api().post(`/_mock/transactions/${id}/pay`).set('X-Finnet-Mock', '1').expect(200);
    const callbacks = await sim.receiver.waitFor(ids.length, 20_000);
    for (const callback of callbacks) expect(validator.check('Callback', JSON.parse(callback.body))).toBe('valid');
    for (const id of ids) {
      const check = await api().get(`/pg/payment/card/check/${id}`).set('Authorization', basicAuth()).expect(200);
      expect(validator.check('CheckStatusResponse', check.body), id).toBe('valid');
    }
  });

  it('refuses what the simulator refuses, and describes the refusal', async () => {
    const body = kredivoRequest();
    body.customer.mobilePhone = '0812345678';
    expect(validator.check('initiate-request', body)).not.toBe('valid');
    const { status, body: answer } = await initiate(sim.instance, body);
    expect(status).toBe(400);
    expect(validator.check('GatewayError', answer)).toBe('valid');
    const unknown = await api().get('/pg/payment/card/check/NOPE-1').set('Authorization', basicAuth()).expect(404);
    expect(validator.check('GatewayError', unknown.body)).toBe('valid');
  });
});

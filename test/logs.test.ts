import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../server/config.js';
import type { Config } from '../server/model/config.js';
import { startInstance, type Instance } from '../server/instance.js';
import { isoJakarta } from '../server/support/indonesian-format.js';
import { createLogger, type LogFormat } from '../server/support/logger.js';
import { basicAuth, initiate, kredivoRequest, MERCHANT, placeOrder } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

/** A simulator at the default log level whose lines are kept, in the given format. */
function logged(format: LogFormat, overrides: Partial<Config> = {}) {
  const lines: string[] = [];
  const sim = { lines } as { lines: string[]; instance: Instance };
  beforeAll(async () => {
    const config: Config = { ...DEFAULTS, port: 0, db: ':memory:', seed: '7', ...overrides };
    sim.instance = await startInstance(config, createLogger(config.logLevel, { format, write: (line) => lines.push(line) }));
  });
  afterAll(() => sim.instance?.stop());
  beforeEach(() => {
    lines.length = 0;
  });
  return sim;
}

/** The lines that mention `text`, once there are `count` of them (the line is written when the answer has gone out). */
async function linesWith(lines: string[], text: string, count = 1): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = lines.filter((l) => l.includes(text));
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('--log-format json: one JSON object per line', () => {
  const sim = logged('json');

  it('an accepted initiate and a check-status each write one line with method, path, status, responseCode, ms and order id', async () => {
    const body = kredivoRequest();
    expect((await initiate(sim.instance, body)).status).toBe(200);
    await request(sim.instance.server).get(`/pg/payment/card/check/${body.order.id}`).set('Authorization', basicAuth()).expect(200);
    const lines = await linesWith(sim.lines, body.order.id, 2);
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({
      level: 'info', operation: 'initiate', method: 'POST', path: '/pg/payment/card/initiate', status: 200, responseCode: '2000000',
      merchantId: MERCHANT.id, orderId: body.order.id,
    });
    expect(typeof first.ms).toBe('number');
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(first.msg).toContain(`initiate ${MERCHANT.id} ${body.order.id} answered: 2000000`);
    expect(first.field).toBeUndefined();
    expect(second).toMatchObject({ operation: 'check', method: 'GET', path: `/pg/payment/card/check/${body.order.id}`, status: 200, responseCode: '2000000' });
  });

  it('a refused initiate writes one line naming the failing field, the rule and the hint', async () => {
    const body = kredivoRequest();
    body.customer.mobilePhone = '0812';
    expect((await initiate(sim.instance, body)).status).toBe(400);
    const lines = await linesWith(sim.lines, body.order.id);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ status: 400, responseCode: '4000001', orderId: body.order.id, field: 'customer.mobilePhone', rule: 'pattern' });
    expect(line.hint).toMatch(/^customer\.mobilePhone must be E\.164/);
  });

  it('every line is one parsable object, including answers to unknown paths, bad credentials and hostile values', async () => {
    await request(sim.instance.server).get('/pg/payment/card/nope').set('Authorization', basicAuth()).expect(404);
    await request(sim.instance.server).get('/pg/payment/card/check/X').set('Authorization', 'Basic bm9wZTpub3Bl').expect(401);
    const hostile = `EVIL\n{"level":"fatal"}\u2028${'x'.repeat(5000)}`;
    await request(sim.instance.server).post('/pg/payment/card/initiate').set('Authorization', basicAuth()).set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...kredivoRequest(), order: { id: hostile, amount: '200' } })).expect(400);
    const lines = await linesWith(sim.lines, '"path"', 3);
    expect(sim.lines).toHaveLength(3);
    const parsed = sim.lines.map((l) => JSON.parse(l));
    expect(parsed.map((l) => l.status)).toEqual([404, 401, 400]);
    expect(parsed[2].orderId.length).toBeLessThanOrEqual(512);
    expect(lines.every((l) => l.endsWith('}\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
  });
});

describe('the human format (the default)', () => {
  const sim = logged('human', { callbackRetries: [30] });
  const receiver = new CallbackReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('writes one line per gateway request: verdict first, then method, path, status and time', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    const refused = kredivoRequest();
    refused.customer.email = 'not-an-email';
    await initiate(sim.instance, refused);
    const [accepted] = await linesWith(sim.lines, body.order.id);
    const [rejected] = await linesWith(sim.lines, refused.order.id);
    expect(accepted).toMatch(new RegExp(`^\\S+Z info  initiate ${MERCHANT.id} ${body.order.id} answered: 2000000 Success · POST /pg/payment/card/initiate 200 [\\d.]+ms\\n$`));
    expect(rejected).toMatch(new RegExp(`info  initiate ${MERCHANT.id} ${refused.order.id} refused: 4000001 .* — .* · POST /pg/payment/card/initiate 400 [\\d.]+ms field customer\\.email\\n$`));
    expect(sim.lines).toHaveLength(2);
  });

  it('a failed callback says when the next attempt is, on the simulator clock; the last one says it gave up', async () => {
    receiver.reply = (_req, res) => res.writeHead(500).end('down');
    const id = await placeOrder(sim.instance, `${receiver.url}/cb`);
    const attempted = new Promise((resolve) => sim.instance.ctx.dispatcher.once('attempt', resolve));
    await request(sim.instance.server).post(`/_mock/transactions/${id}/pay`).expect(200);
    await attempted;
    const [first] = await linesWith(sim.lines, `for ${id} attempt 1`);
    const next = sim.instance.ctx.store.deliveries().find((d) => d.orderId === id)!.nextAttemptAt!;
    expect(first).toContain(`callback cb_`);
    expect(first).toContain(`PAID for ${id} attempt 1: `);
    expect(first).toContain(`; next attempt in 30s, at ${isoJakarta(next)} on the simulator's clock`);

    const retried = new Promise((resolve) => sim.instance.ctx.dispatcher.once('attempt', resolve));
    await request(sim.instance.server).post('/_mock/clock').send({ action: 'advance', by: '30s' }).expect(200);
    await retried;
    const [last] = await linesWith(sim.lines, `for ${id} attempt 2`);
    expect(last).toMatch(/ warn  callback .*; gave up after 2 scheduled attempts \(--callback-retries\)\n$/);
  });
});

describe('log levels and formats', () => {
  it('a level keeps the lines at it and above; silent writes nothing; json fields sit beside the message', () => {
    const lines: string[] = [];
    const warn = createLogger('warn', { format: 'json', write: (line) => lines.push(line) });
    warn.info('hidden');
    warn.warn('shown', { orderId: 'A-1', status: 200, skipped: undefined });
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ level: 'warn', time: expect.any(String), msg: 'shown', orderId: 'A-1', status: 200 }]);
    const silent = createLogger('silent', { format: 'json', write: (line) => lines.push(line) });
    silent.error('nothing');
    createLogger('silent', (line) => lines.push(line)).error('nothing either');
    expect(lines).toHaveLength(1);
  });

  it('says which levels it writes, so a line that costs work is built only then', () => {
    const levels = ['error', 'warn', 'info', 'debug'] as const;
    for (const format of ['human', 'json'] as const) {
      const warn = createLogger('warn', { format, write: () => {} });
      expect(levels.map((l) => warn.enabled(l)), format).toEqual([true, true, false, false]);
      expect(levels.some((l) => createLogger('silent', { format, write: () => {} }).enabled(l)), format).toBe(false);
    }
  });
});

import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Config } from '../server/model/config.js';
import type { Instance } from '../server/instance.js';
import { basicAuth, initiate, kredivoRequest, startTestInstance } from './helpers/instance.js';
import { CallbackReceiver, replyOk } from './helpers/receiver.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(overrides: Partial<Config> = {}) {
  const receiver = await new CallbackReceiver().start();
  const instance = await startTestInstance(overrides);
  cleanups.push(() => receiver.stop(), () => instance.stop());
  return { receiver, instance };
}

/** Initiates, then cancels through the API: a final transition that triggers a callback. */
async function finalise(instance: Instance, callbackUrl: string) {
  const body = kredivoRequest({ callbackUrl });
  await initiate(instance, body);
  await request(instance.server).get(`/pg/payment/card/cancel/${body.order.id}`).set('Authorization', basicAuth()).expect(200);
  return body.order.id as string;
}

function deliveriesOf(instance: Instance, orderId: string) {
  return instance.ctx.store.deliveries().filter((d) => d.orderId === orderId);
}

describe('callback delivery', () => {
  it('POSTs to callbackUrl verbatim with the observed headers, compact body, signature last', async () => {
    const { receiver, instance } = await setup();
    await finalise(instance, `${receiver.url}/finpay/notify?shop=1&x=a%20b`);
    const [cb] = await receiver.waitFor(1);
    expect(cb!.method).toBe('POST');
    expect(cb!.path).toBe('/finpay/notify?shop=1&x=a%20b');
    expect(cb!.headers['content-type']).toBe('application/json');
    expect(cb!.headers['user-agent']).toBe('GuzzleHttp/7');
    expect(cb!.headers['channel-id']).toBe('FINPAY');
    expect(cb!.headers['x-partner-id']).toBe('FINPAY770');
    expect(cb!.headers['x-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(Number(cb!.headers['content-length'])).toBe(Buffer.byteLength(cb!.body));
    const parsed = JSON.parse(cb!.body);
    expect(Object.keys(parsed)).toEqual(['merchant', 'customer', 'order', 'transaction', 'sourceOfFunds', 'meta', 'result', 'signature']);
    expect(cb!.body).toBe(JSON.stringify(parsed));
    const unsigned = cb!.body.replace(/,"signature":"[0-9a-f]{128}"\}$/, '}');
    expect(createHmac('sha512', 'SoSecret123').update(unsigned).digest('hex')).toBe(parsed.signature);
  });

  it('counts any 2xx as delivered and sends exactly once', async () => {
    const { receiver, instance } = await setup();
    receiver.reply = (_req, res) => res.writeHead(201).end('Notification Received:');
    const id = await finalise(instance, `${receiver.url}/cb`);
    await receiver.waitFor(1);
    await instance.ctx.scheduler.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(1);
    expect(deliveriesOf(instance, id)[0]).toMatchObject({ state: 'delivered', nextAttemptAt: null });
  });

  it('retries on the schedule and gives up after the last retry; the clock walks the schedule in milliseconds', async () => {
    const { receiver, instance } = await setup();
    receiver.reply = (_req, res) => res.writeHead(500).end('{"error":"down"}');
    instance.ctx.clock.freeze();
    const id = await finalise(instance, `${receiver.url}/cb`);
    await receiver.waitFor(1);
    await instance.ctx.scheduler.idle();
    const delivery = deliveriesOf(instance, id)[0]!;
    expect(delivery.attempts[0]).toMatchObject({ n: 1, statusCode: 500, delivered: false, responseExcerpt: '{"error":"down"}' });
    expect(delivery.nextAttemptAt! - delivery.attempts[0]!.at).toBe(5_000);

    const started = Date.now();
    await instance.ctx.scheduler.advanceTo(instance.ctx.clock.now() + 2 * 3600_000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(receiver.received).toHaveLength(7);
    const gaps = delivery.attempts.slice(1).map((a, i) => (a.at - delivery.attempts[i]!.at) / 1000);
    expect(gaps).toEqual([5, 30, 120, 600, 1800, 3600]);
    expect(delivery.state).toBe('gave-up');
  });

  it('stops retrying once the receiver recovers', async () => {
    const { receiver, instance } = await setup();
    let calls = 0;
    receiver.reply = (req, res, rec) => (++calls < 3 ? res.writeHead(503).end() : replyOk(req, res, rec));
    instance.ctx.clock.freeze();
    const id = await finalise(instance, `${receiver.url}/cb`);
    await receiver.waitFor(1);
    await instance.ctx.scheduler.advanceTo(instance.ctx.clock.now() + 3600_000);
    expect(receiver.received).toHaveLength(3);
    expect(deliveriesOf(instance, id)[0]!.state).toBe('delivered');
  });

  it('treats a redirect, a reset connection, a closed port and a hanging receiver as failed attempts without blocking', async () => {
    const { receiver, instance } = await setup({ callbackTimeoutMs: 500 });
    instance.ctx.clock.freeze();
    receiver.reply = (_req, res) => res.writeHead(302, { Location: '/elsewhere' }).end();
    const redirected = await finalise(instance, `${receiver.url}/cb`);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await finalise(instance, `http://127.0.0.1:${closedPort}/cb`);

    const resetter = createServer((socket) => socket.destroy());
    const hanger = createServer(() => {});
    await new Promise<void>((r) => resetter.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => hanger.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      resetter.close();
      hanger.close();
    });
    const reset = await finalise(instance, `http://127.0.0.1:${(resetter.address() as { port: number }).port}/cb`);
    const hung = await finalise(instance, `http://127.0.0.1:${(hanger.address() as { port: number }).port}/cb`);

    const health = await request(instance.server).get('/_mock/health');
    expect(health.status).toBe(200);
    await instance.ctx.scheduler.idle();
    expect(deliveriesOf(instance, redirected)[0]!.attempts[0]).toMatchObject({ statusCode: 302, delivered: false });
    expect(deliveriesOf(instance, refused)[0]!.attempts[0]!.error).toMatch(/ECONNREFUSED/);
    expect(deliveriesOf(instance, reset)[0]!.attempts[0]!.delivered).toBe(false);
    expect(deliveriesOf(instance, hung)[0]!.attempts[0]!.error).toBe('no answer within 0.5 s');
    for (const id of [redirected, refused, reset, hung]) expect(deliveriesOf(instance, id)[0]!.state).toBe('pending');
  });

  it('sends callbacks only for the statuses --callback-statuses names, and records the others as not sent', async () => {
    const { receiver, instance } = await setup({ callbackStatuses: ['PAID', 'CAPTURED'] });
    const cancelled = await finalise(instance, `${receiver.url}/cb`);
    expect(deliveriesOf(instance, cancelled)[0]).toMatchObject({ state: 'suppressed', attempts: [], nextAttemptAt: null });
    const body = kredivoRequest({ callbackUrl: `${receiver.url}/cb` });
    await initiate(instance, body);
    await request(instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    const [cb] = await receiver.waitFor(1);
    expect(JSON.parse(cb!.body).order.id).toBe(body.order.id);
    expect(receiver.received).toHaveLength(1);
  });

  it('a scenario can choose the statuses per merchant', async () => {
    const { receiver, instance } = await setup();
    await request(instance.server).post('/_mock/scenarios').send({
      name: 'paid-only', match: { merchant: 'FINPAY770' }, effects: { callback: { statuses: ['PAID'] } },
    }).expect(201);
    const cancelled = await finalise(instance, `${receiver.url}/cb`);
    expect(deliveriesOf(instance, cancelled)[0]!.state).toBe('suppressed');
    const other = kredivoRequest({ callbackUrl: `${receiver.url}/cb` });
    await initiate(instance, other, { id: 'SHOP2', key: 'OtherKey456' });
    await request(instance.server).get(`/pg/payment/card/cancel/${other.order.id}`).set('Authorization', basicAuth({ id: 'SHOP2', key: 'OtherKey456' })).expect(200);
    const [cb] = await receiver.waitFor(1);
    expect(JSON.parse(cb!.body).result.payment.status).toBe('CANCELLED');
  });

  it('a receiver that hangs does not hold up other callbacks', async () => {
    const { receiver, instance } = await setup({ callbackTimeoutMs: 3000 });
    const hanger = createServer(() => {});
    await new Promise<void>((r) => hanger.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      hanger.close();
    });
    await finalise(instance, `http://127.0.0.1:${(hanger.address() as { port: number }).port}/cb`);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await finalise(instance, `${receiver.url}/cb`);
    await receiver.waitFor(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps pending retries across a restart and delivers them afterwards', async () => {
    const receiver = await new CallbackReceiver().start();
    cleanups.push(() => receiver.stop());
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'data.json');
    receiver.reply = (_req, res) => res.writeHead(500).end();
    const first = await startTestInstance({ db });
    first.ctx.clock.freeze();
    const id = await finalise(first, `${receiver.url}/cb`);
    await receiver.waitFor(1);
    await first.ctx.scheduler.idle();
    await first.stop();

    receiver.reply = replyOk;
    const second = await startTestInstance({ db });
    cleanups.push(() => second.stop());
    expect(second.ctx.clock.frozen).toBe(true);
    const pending = deliveriesOf(second, id)[0]!;
    expect(pending.state).toBe('pending');
    await second.ctx.scheduler.advanceTo(pending.nextAttemptAt!);
    expect(receiver.received).toHaveLength(2);
    expect(deliveriesOf(second, id)[0]!.state).toBe('delivered');
  });

  it('delivers 50 callbacks finalised at once, each exactly once', async () => {
    const { receiver, instance } = await setup();
    const ids = await Promise.all(Array.from({ length: 50 }, () => finalise(instance, `${receiver.url}/cb`)));
    await receiver.waitFor(50, 10_000);
    await instance.ctx.scheduler.idle();
    const orderIds = receiver.received.map((r) => JSON.parse(r.body).order.id).sort();
    expect(orderIds).toEqual([...ids].sort());
    expect(receiver.received).toHaveLength(50);
  });
});

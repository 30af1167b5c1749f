/**
 * The callback faults a gateway really produces, as a merchant's receiver sees them: late (after the link
 * expired), out of order (a stale FAILURE after the PAID one), duplicated N times, a phantom order id, a wrong
 * amount, and the redirect before or after the callback. Every odd callback is verified as merchants do it
 * (HMAC body signature and RSA x-signature); time moves only on the virtual clock.
 */
import { createHash, verify } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { verifyCallback } from '../server/index.js';
import { isoJakarta } from '../server/support/indonesian-format.js';
import { basicAuth, checkStatus, kredivoRequest, MERCHANT } from './helpers/instance.js';
import type { ReceivedCallback } from './helpers/receiver.js';
import { moveClock, useSimulator } from './helpers/suite.js';

const sim = useSimulator({ reset: true });
const server = () => sim.instance.server;

/** An order of `amount` (the shipped scenarios match on it), its callbacks and pages going to the test's receiver. */
function orderOf(amount: number, type = 'kredivo') {
  const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb`, successUrl: `${sim.receiver.url}/ok`, failUrl: `${sim.receiver.url}/ko` });
  body.order.amount = String(amount);
  body.order.item = [{ name: 'Item', quantity: '1', unitPrice: String(amount) }];
  body.sourceOfFunds = { type };
  return body;
}

async function initiate(body: Record<string, any>, scenario?: string) {
  const res = await request(server()).post('/pg/payment/card/initiate').set({ Authorization: basicAuth(), ...(scenario ? { 'X-Finnet-Mock-Scenario': scenario } : {}) })
    .send(body).expect(200);
  return res.body as Record<string, any>;
}

const pay = (orderId: string) => request(server()).post(`/_mock/transactions/${orderId}/pay`).expect(200);
const advance = (by: string) => moveClock(sim.instance, { action: 'advance', by });
const callbacksOf = async (orderId: string) => (await request(server()).get('/_mock/callbacks').query({ orderId }).expect(200)).body.items as Record<string, any>[];
const parsed = (cb: ReceivedCallback) => JSON.parse(cb.body) as Record<string, any>;

/** As a merchant checks a callback: the HMAC signature in the body with its key, and the RSA x-signature with the served public key. */
async function expectGenuine(callbacks: ReceivedCallback[]): Promise<void> {
  const pem = (await request(server()).get('/_mock/keys/callback.pem').expect(200)).text;
  for (const cb of callbacks) {
    expect(verifyCallback(cb.body, MERCHANT.key)).toBe(true);
    const digest = createHash('sha256').update(cb.body, 'utf8').digest('hex');
    const signed = `POST:${cb.path}:${digest}:${String(cb.headers['x-timestamp'])}`;
    expect(verify('sha256', Buffer.from(signed), pem, Buffer.from(String(cb.headers['x-signature']), 'base64'))).toBe(true);
  }
}

/** The receiver gets nothing more while the simulator runs what is due now. */
async function expectNoMore(count: number): Promise<void> {
  await sim.instance.ctx.scheduler.idle();
  expect(sim.receiver.received).toHaveLength(count);
}

describe('late: the callback arrives after the payment link expired (15009)', () => {
  it('sends PAID 5 s after the 2-minute link expired, while check-status already says PAID', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(15009);
    await initiate(body);
    const expiresAt = sim.instance.ctx.store.getTransaction(MERCHANT.id, body.order.id)!.expiresAt;
    await pay(body.order.id);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('PAID');
    await advance('2m');
    await expectNoMore(0);
    await advance('5s');
    const [cb] = await sim.receiver.waitFor(1);
    expect(parsed(cb!).result.payment.status).toBe('PAID');
    expect(cb!.headers['x-timestamp']).toBe(isoJakarta(expiresAt + 5000));
    await expectGenuine([cb!]);
    const [delivery] = await callbacksOf(body.order.id);
    expect(delivery!.notes.join(' ')).toContain('arrives after the payment link expired (5s after expiry)');
  });
});

describe('out of order: a stale FAILURE after the PAID callback', () => {
  it('delivers PAID, then a validly signed FAILURE for the same order 1 s later; check-status still says PAID', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(20_000);
    await initiate(body, 'callback-out-of-order');
    await pay(body.order.id);
    const [paid] = await sim.receiver.waitFor(1);
    expect(parsed(paid!).result.payment.status).toBe('PAID');
    await expectNoMore(1);
    await advance('1s');
    const [, failure] = await sim.receiver.waitFor(2);
    const stale = parsed(failure!);
    expect(stale.order.id).toBe(body.order.id);
    expect(stale.result.payment.status).toBe('FAILURE');
    expect(stale.order.reference).not.toBe(parsed(paid!).order.reference);
    await expectGenuine([paid!, failure!]);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('PAID');
    const deliveries = await callbacksOf(body.order.id);
    const staleDelivery = deliveries.find((d) => d.status === 'FAILURE')!;
    const paidDelivery = deliveries.find((d) => d.status === 'PAID')!;
    expect(staleDelivery).toMatchObject({ state: 'delivered', companionOf: { kind: 'stale-failure', deliveryId: paidDelivery.id } });
    expect(staleDelivery.notes[0]).toMatch(/^out of order: a FAILURE for an earlier failed attempt/);
  });
});

describe('duplicated N times', () => {
  it('15011 sends the delivered callback 3 more times, 1 s apart, each with a new x-timestamp and x-signature', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(15011);
    await initiate(body);
    await pay(body.order.id);
    await sim.receiver.waitFor(1);
    for (let copies = 2; copies <= 4; copies++) {
      await expectNoMore(copies - 1);
      await advance('1s');
      await sim.receiver.waitFor(copies);
    }
    await advance('1m');
    await expectNoMore(4);
    const received = sim.receiver.received;
    expect(new Set(received.map((cb) => cb.body)).size).toBe(1);
    expect(new Set(received.map((cb) => cb.headers['x-timestamp'])).size).toBe(4);
    expect(new Set(received.map((cb) => cb.headers['x-signature'])).size).toBe(4);
    await expectGenuine(received);
    const [delivery] = await callbacksOf(body.order.id);
    expect(delivery!.attempts.map((a: Record<string, any>) => a.note ?? null)).toEqual([
      null, 'duplicate 2 of 4, fresh x-timestamp and x-signature', 'duplicate 3 of 4, fresh x-timestamp and x-signature', 'duplicate 4 of 4, fresh x-timestamp and x-signature',
    ]);
    expect(delivery!.attempts.every((a: Record<string, any>) => a.manual === false)).toBe(true);
  });

  it('a runtime scenario with duplicate 2 replays the same bytes, x-timestamp and x-signature', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    await request(server()).post('/_mock/scenarios').send({ name: 'replay-twice', effects: { callback: { duplicate: 2 } } }).expect(201);
    const body = orderOf(20_000);
    await initiate(body, 'replay-twice');
    await pay(body.order.id);
    const received = await sim.receiver.waitFor(3);
    await expectNoMore(3);
    for (const part of ['x-timestamp', 'x-signature'] as const) expect(new Set(received.map((cb) => cb.headers[part])).size).toBe(1);
    expect(new Set(received.map((cb) => cb.body)).size).toBe(1);
    await expectGenuine(received);
    const [delivery] = await callbacksOf(body.order.id);
    expect(delivery!.attempts[2].note).toBe('duplicate 3 of 3, same x-timestamp and x-signature as the delivered attempt');
  });
});

describe('phantom: a callback for an order id the merchant never created (15012)', () => {
  it('sends a validly signed PAID for a made-up order id 1 s before the real one, and the log says so', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(15012);
    await initiate(body);
    await pay(body.order.id);
    const [phantom] = await sim.receiver.waitFor(1);
    const phantomId = parsed(phantom!).order.id as string;
    expect(phantomId).toMatch(new RegExp(`^${body.order.id}-[A-Z0-9_-]{6}$`, 'i'));
    expect(parsed(phantom!).result.payment.status).toBe('PAID');
    expect((await checkStatus(sim.instance, phantomId)).status).toBe(404);
    await expectNoMore(1);
    await advance('1s');
    const [, real] = await sim.receiver.waitFor(2);
    expect(parsed(real!).order.id).toBe(body.order.id);
    await expectGenuine([phantom!, real!]);
    const [logged] = await callbacksOf(phantomId);
    const [realDelivery] = await callbacksOf(body.order.id);
    expect(logged).toMatchObject({ state: 'delivered', companionOf: { kind: 'phantom', deliveryId: realDelivery!.id } });
    expect(logged!.notes[0]).toContain(`phantom: order id ${phantomId} was never created by merchant ${MERCHANT.id}`);
    expect(realDelivery!.companions).toEqual([logged!.id]);
    const page = await request(server()).get('/callbacks').expect(200);
    expect(page.text).toContain('data-testid="callback-kind">phantom<');
  });
});

describe('wrong amount (15013)', () => {
  it('reports IDR 1000 less in a validly signed body; check-status keeps the order amount', async () => {
    const body = orderOf(15013);
    await initiate(body);
    await pay(body.order.id);
    const [cb] = await sim.receiver.waitFor(1);
    const reported = parsed(cb!);
    expect(reported.order.amount).toBe(14013);
    expect(reported.result.payment.amount).toBe(14013);
    await expectGenuine([cb!]);
    const truth = (await checkStatus(sim.instance, body.order.id)).body.data;
    expect(truth.order.amount).toBe(15013);
    expect(truth.result.payment.amount).toBe(15013);
  });
});

describe('redirect before or after the callback', () => {
  /** The QRIS page's pay button: the page answers 303 to successUrl. */
  async function payOnPage(body: Record<string, any>, scenario?: string) {
    const answer = await initiate(body, scenario);
    const path = new URL(answer.redirecturl as string).pathname;
    const res = await request(server()).post(`${path}/scan`).type('form').send({});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${sim.receiver.url}/ok`);
    return res;
  }

  it('15014 redirects the shopper first; the callback leaves 1 s (virtual) after the redirect', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(15014, 'qris');
    await payOnPage(body);
    await vi.waitFor(async () => expect((await callbacksOf(body.order.id))[0]!.waitingFor).toBeUndefined(), { timeout: 5000 });
    await expectNoMore(0);
    await advance('1s');
    const [cb] = await sim.receiver.waitFor(1);
    expect(parsed(cb!).result.payment.status).toBe('PAID');
    const [delivery] = await callbacksOf(body.order.id);
    expect(delivery!.notes.join(' ')).toContain('the shopper was redirected back at');
  });

  it('15014 without a redirect (paid by the control API) holds the callback at most 1 minute', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(15014);
    await initiate(body);
    await pay(body.order.id);
    expect((await callbacksOf(body.order.id))[0]!.waitingFor).toBe('redirect');
    await advance('59s');
    await expectNoMore(0);
    await advance('1s');
    await sim.receiver.waitFor(1);
    expect((await callbacksOf(body.order.id))[0]!.waitingFor).toBeUndefined();
  });

  it('15015 answers the redirect only after the callback was delivered', async () => {
    await moveClock(sim.instance, { action: 'freeze' });
    const body = orderOf(15015, 'qris');
    await payOnPage(body);
    expect(sim.receiver.received).toHaveLength(1);
    expect(parsed(sim.receiver.received[0]!).result.payment.status).toBe('PAID');
    await expectGenuine(sim.receiver.received);
  });

  it('a runtime after-callback scenario, named by the header, waits for a slow receiver before redirecting', async () => {
    await request(server()).post('/_mock/scenarios').send({ name: 'callback-then-page', effects: { callback: { redirect: 'after-callback' } } }).expect(201);
    let answered = 0;
    sim.receiver.reply = (_req, res) => {
      // The receiver answers only after a pause; the page must still be waiting for it.
      setTimeout(() => {
        answered = Date.now();
        res.writeHead(200).end('{}');
      }, 100);
    };
    const body = orderOf(20_000, 'qris');
    await payOnPage(body, 'callback-then-page');
    expect(answered).toBeGreaterThan(0);
    expect((await callbacksOf(body.order.id))[0]!.attempts[0]).toMatchObject({ delivered: true, statusCode: 200 });
  });
});

describe('bad callback effects get a clear answer', () => {
  it.each([
    [{ phantom: 'sideways' }, /phantom.*(before, after)/],
    [{ wrongAmount: 0 }, /wrongAmount/],
    [{ duplicate: 0 }, /duplicate/],
    [{ redirect: 'never' }, /redirect.*(before-callback, after-callback)/],
    [{ late: 'yes' }, /late/],
  ])('refuses %j with a problem naming the field', async (callback, message) => {
    const res = await request(server()).post('/_mock/scenarios').send({ name: 'bad', effects: { callback } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(message);
  });
});

describe('the dashboard scenarios page says what each callback fault does', () => {
  it('shows the shipped faults in words', async () => {
    const page = (await request(server()).get('/scenarios').expect(200)).text.replace(/&#39;/g, "'");
    for (const words of [
      'callback: arrives after the payment link expired (5s after expiry)',
      'callback: a paid order also gets a FAILURE callback for an earlier attempt, after the paid one',
      'callback: delivered 4 times, each with a fresh x-timestamp and x-signature',
      'callback: a validly signed callback for an order id the merchant never created, before the real one',
      'callback: the body reports the amount -1000 off (validly signed); check-status keeps the truth',
      'callback: the shopper is redirected back first; the callback leaves 1s after the redirect (at most 1m after the payment)',
      'callback: the page redirects the shopper back only after the first delivery attempt',
    ]) expect(page).toContain(words);
  });
});

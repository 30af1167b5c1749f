import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { Instance } from '../server/instance.js';
import type { StoredTransaction } from '../server/model/transaction.js';
import { channelRequest } from './helpers/channel-requests.js';
import { initiate, startTestInstance } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

// Far more wrong answers than any cap: an unauthenticated loop must not be able to grow an order.
const POSTS = 600;
// An order with its whole (bounded) timeline: a few KB, whatever was posted.
const MAX_ORDER_BYTES = 8_000;
// Writes one page family may cost for one order: its capped attempts, the failure and its callback.
const MAX_WRITES = 16;

let instance: Instance;
let receiver: CallbackReceiver;
// Every change asked of the store, grouped or not: each one would append the whole order to the journal.
let commits: MockInstance;
const writes = () => commits.mock.calls.length;

beforeAll(async () => {
  instance = await startTestInstance();
  receiver = await new CallbackReceiver().start();
  commits = vi.spyOn(instance.ctx.store, 'commit');
});

afterAll(async () => {
  await instance?.stop();
  await receiver?.stop();
});

beforeEach(() => {
  receiver.received.length = 0;
});

const form = (path: string, fields: Record<string, string>) => request(instance.server).post(path).type('form').send(fields);

/** An order on `type` with its page link (path, and `tk` when the page takes one). */
async function order(type: string | null) {
  const body = channelRequest(type, { callbackUrl: `${receiver.url}/cb`, successUrl: `${receiver.url}/ok`, failUrl: `${receiver.url}/ko` });
  const { status, body: answer } = await initiate(instance, body);
  expect(status).toBe(200);
  const url = new URL(answer.redirecturl as string);
  const tx = instance.ctx.store.getTransaction('FINPAY770', body.order.id)!;
  return { tx, path: url.pathname, tk: url.searchParams.get('tk') ?? '' };
}

/** Posts `fields` POSTS times; every answer is a page (never a 500), and the order ends FAILURE with one callback. */
async function hammer(tx: StoredTransaction, path: string, fields: Record<string, string>): Promise<void> {
  const before = writes();
  for (let i = 0; i < POSTS; i++) {
    const res = await form(path, fields);
    expect(res.status).toBeLessThan(500);
  }
  expect(tx.status).toBe('FAILURE');
  expect(writes() - before).toBeLessThanOrEqual(MAX_WRITES);
  expect(JSON.stringify(tx).length).toBeLessThan(MAX_ORDER_BYTES);
  const [callback] = await receiver.waitFor(1);
  expect(JSON.parse(callback!.body).result.payment.status).toBe('FAILURE');
}

describe('an order cannot grow with the number of wrong answers posted to its page', () => {
  it('Kredivo: wrong PINs end the checkout in FAILURE after the cap, later posts get the finished page and write nothing', async () => {
    const { tx, path, tk } = await order('kredivo');
    await hammer(tx, path, { tk, phone: '+6281286288844', pin: '000000' });
    const before = writes();
    const late = await form(path, { tk, phone: '+6281286288844', pin: '123456' });
    expect(late.status).toBe(409);
    expect(writes()).toBe(before);
  });

  it('Kredivo: wrong OTPs end it after three', async () => {
    const { tx, path, tk } = await order('kredivo');
    expect((await form(path, { tk, phone: '+6281286288844', pin: '123456' })).status).toBe(303);
    await hammer(tx, '/kredivo/v2/otp', { tk, otp: '0000' });
    expect(tx.checkout.otpFailures).toBe(3);
  });

  it.each([['dana'], ['shopeepay']])('%s: wrong PINs', async (type) => {
    const { tx, path, tk } = await order(type);
    await hammer(tx, path, { tk, account: '081286288844', secret: '000000', action: 'pay' });
  });

  it('internet banking: wrong passwords', async () => {
    const { tx, path } = await order('octoclicks');
    const provider = new URL((await request(instance.server).get(path)).headers.location!, 'http://x');
    await hammer(tx, provider.pathname, { tk: provider.searchParams.get('tk')!, account: 'hajar.ismail', secret: 'nope', action: 'pay' });
  });

  it('card: wrong CVVs', async () => {
    const { tx, path } = await order('cc');
    await hammer(tx, path, { number: '4111111111111111', expiry: '12/39', cvv: 'x', name: 'Hajar', action: 'pay' });
  });

  it('card: wrong 3-D Secure codes', async () => {
    const { tx, path } = await order('cc');
    expect((await form(path, { number: '4000000000001091', expiry: '12/39', cvv: '100', name: 'Hajar', action: 'pay' })).status).toBe(303);
    await hammer(tx, `${path}/3ds`, { otp: '0000' });
  });

  it.each([['kredivo'], ['vabca'], ['qris'], [null]])('%s: refreshing the page writes once, not once per view', async (type) => {
    const { tx, path, tk } = await order(type);
    const link = tk ? `${path}?tk=${tk}` : path;
    const before = writes();
    for (let i = 0; i < 300; i++) expect((await request(instance.server).get(link)).status).toBe(200);
    expect(writes() - before).toBeLessThanOrEqual(1);
    expect(tx.timeline.length).toBeLessThanOrEqual(2);
  });

  it('switching channels on the hosted page keeps the failed attempts: the cap cannot be reset', async () => {
    const { tx, path } = await order(null);
    const kredivo = '/kredivo/v2/signin';
    for (let round = 0; round < 20 && tx.status === 'REQUEST_INITIATED'; round++) {
      await form(path, { channel: round % 2 ? 'kredivo' : 'dana' });
      const tk = tx.token;
      if (tx.channel === 'kredivo') for (let i = 0; i < 3; i++) await form(kredivo, { tk, phone: '+6281286288844', pin: '000000' });
      else for (let i = 0; i < 3; i++) await form('/ewallet/dana/pay', { tk, account: '081286288844', secret: '000000', action: 'pay' });
    }
    expect(tx.status).toBe('FAILURE');
  });
});

describe('a timeline stays bounded whatever is recorded', () => {
  it('folds repeats into a count and keeps at most a bounded number of entries, the first ones included', async () => {
    const { tx } = await order('vabca');
    for (let i = 0; i < 1000; i++) instance.ctx.transactions.record(tx, 'same thing', 'again');
    expect(tx.timeline.at(-1)).toMatchObject({ event: 'same thing', times: 1000 });
    for (let i = 0; i < 5000; i++) instance.ctx.transactions.record(tx, 'step', `number ${i}`);
    expect(tx.timeline.length).toBeLessThanOrEqual(100);
    expect(tx.timeline[0]!.event).toBe('initiated');
    expect(tx.timeline.at(-1)).toMatchObject({ event: 'step', detail: 'number 4999' });
    expect(tx.timeline.some((e) => e.event === 'earlier entries omitted')).toBe(true);
    expect(JSON.stringify(tx).length).toBeLessThan(MAX_ORDER_BYTES * 2);
  });
});

describe('a reset frees what it forgets', () => {
  it('the parsed request bodies belong to one instance and are dropped by a reset', async () => {
    const other = await startTestInstance();
    try {
      const { tx } = await order('kredivo');
      await request(instance.server).get(`/_mock/transactions/${tx.orderId}`).expect(200);
      expect(instance.ctx.transactions.requests.size).toBeGreaterThan(0);
      expect(other.ctx.transactions.requests.size).toBe(0);
      await request(instance.server).post('/_mock/reset').set('Content-Type', 'application/json').send({}).expect(200);
      expect(instance.ctx.transactions.requests.size).toBe(0);
    } finally {
      await other.stop();
    }
  });
});

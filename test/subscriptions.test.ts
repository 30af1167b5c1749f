import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Journal, JournalWriteError, type JournalEntry } from '../server/store/journal.js';
import type { Instance } from '../server/instance.js';
import { loadSchemaFile } from '../server/support/schema-files.js';
import { addMonths, INTERVAL_UNITS } from '../server/transactions/recurring-schedule.js';
import { chargeOrderId } from '../server/transactions/subscriptions.js';
import { checkStatus, initiate, MERCHANT, OTHER_MERCHANT, startTestInstance } from './helpers/instance.js';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';

const sim = useSimulator({ reset: true });
const T0 = Date.parse('2024-01-31T03:00:00.000Z'); // 10:00 WIB on 31 January

let subCounter = 0;
function subId(): string {
  subCounter += 1;
  return `SUB-${subCounter}`;
}

function cardBody(recurring: Record<string, unknown>, callbackUrl = sim.receiver.url): Record<string, any> {
  const body = channelRequest('cc', { callbackUrl });
  body.customer.id = 'CUST-1';
  body.recurring = recurring;
  return body;
}

async function atT0(instance: Instance = sim.instance): Promise<void> {
  await request(instance.server).post('/_mock/clock').send({ action: 'freeze' }).expect(200);
  await request(instance.server).post('/_mock/clock').send({ action: 'set', to: T0 }).expect(200);
}

async function advance(by: string, instance: Instance = sim.instance): Promise<void> {
  await request(instance.server).post('/_mock/clock').send({ action: 'advance', by }).expect(200);
}

/** Initiates a subscribing card order and pays it; answers the subscription. */
async function subscribe(recurring: Record<string, unknown>, instance: Instance = sim.instance): Promise<any> {
  const id = subId();
  const body = cardBody({ subscribe: 'Y', type: 'PURCHASE', id, amount: '50000', interval: 1, intervalUnit: 'monthly', ...recurring });
  const res = await initiate(instance, body);
  expect(res.body.responseCode).toBe('2000000');
  await request(instance.server).get(`/_mock/subscriptions/${id}`).expect(404);
  await request(instance.server).post(`/_mock/transactions/${body.order.id}/pay`).set('X-Finnet-Mock', '1').expect(200);
  return (await request(instance.server).get(`/_mock/subscriptions/${id}`).query({ merchantId: MERCHANT.id }).expect(200)).body;
}

async function subscriptionOf(id: string, instance: Instance = sim.instance): Promise<any> {
  return (await request(instance.server).get(`/_mock/subscriptions/${id}`).expect(200)).body;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('the virtual-clock schedule', () => {
  it('charges monthly on the first payment\'s day, clamped to month ends and never drifting, each charge its own captured order with its callback', async () => {
    await atT0();
    const sub = await subscribe({ maxInterval: 3 });
    expect(sub).toMatchObject({ state: 'active', nextChargeAt: iso(addMonths(T0, 1)), chargesMade: 0, amount: 50000 });
    expect(sub.nextChargeAt).toBe('2024-02-29T03:00:00.000Z');
    await advance('3 months');
    const after = await subscriptionOf(sub.id);
    expect(after.charges.map((c: any) => [c.orderId, c.dueAt, c.status])).toEqual([
      [`${sub.id}-C1`, '2024-02-29T03:00:00.000Z', 'CAPTURED'],
      [`${sub.id}-C2`, '2024-03-31T03:00:00.000Z', 'CAPTURED'],
      [`${sub.id}-C3`, '2024-04-30T03:00:00.000Z', 'CAPTURED'],
    ]);
    expect(after).toMatchObject({ state: 'ended', endReason: 'all 3 charges made', nextChargeAt: null, chargesMade: 3 });
    const check = await checkStatus(sim.instance, `${sub.id}-C2`);
    expect(check.body.data).toMatchObject({ order: { id: `${sub.id}-C2`, amount: 50000 }, result: { payment: { status: 'CAPTURED' } } });
    await request(sim.instance.server).get('/_mock/callbacks/wait').query({ orderId: `${sub.id}-C3`, status: 'CAPTURED' }).expect(200);
    const paths = sim.receiver.received.map((r) => JSON.parse(r.body).order?.id);
    expect(paths).toEqual(expect.arrayContaining([`${sub.id}-C1`, `${sub.id}-C2`, `${sub.id}-C3`]));
  });

  it('starts at startDate (00:00 WIB) and stops at endDate', async () => {
    await atT0();
    const sub = await subscribe({ startDate: '20240305', endDate: '20240605', interval: 1, intervalUnit: 'months' });
    expect(sub.nextChargeAt).toBe('2024-03-04T17:00:00.000Z');
    await advance('6 months');
    const after = await subscriptionOf(sub.id);
    expect(after.charges.map((c: any) => c.dueAt)).toEqual(['2024-03-04T17:00:00.000Z', '2024-04-04T17:00:00.000Z', '2024-05-04T17:00:00.000Z', '2024-06-04T17:00:00.000Z']);
    expect(after).toMatchObject({ state: 'ended', endReason: 'endDate 20240605 reached' });
  });

  it('retries a failed charge per recurring.retry, each retry its own order, then goes on with the next interval', async () => {
    await atT0();
    const sub = await subscribe({ interval: 2, intervalUnit: 'weeks', maxInterval: 2, retry: { interval: 30, intervalUnit: 'minutes', maxInterval: 2 } });
    await request(sim.instance.server).post('/_mock/scenarios')
      .send({ name: 'charge-declines', match: { orderId: `^${sub.id}-C1` }, effects: { outcome: { action: 'fail' } } }).expect(201);
    await advance('5 weeks');
    const after = await subscriptionOf(sub.id);
    const due = T0 + 14 * 86_400_000;
    expect(after.charges.map((c: any) => [c.orderId, c.dueAt, c.attempt, c.status])).toEqual([
      [`${sub.id}-C1`, iso(due), 1, 'FAILURE'],
      [`${sub.id}-C1R1`, iso(due + 30 * 60_000), 2, 'FAILURE'],
      [`${sub.id}-C1R2`, iso(due + 60 * 60_000), 3, 'FAILURE'],
      [`${sub.id}-C2`, iso(due + 14 * 86_400_000), 1, 'CAPTURED'],
    ]);
    expect(after.charges[0].cause).toBe('scenario "charge-declines": fail');
    expect(after.state).toBe('ended');
    expect((await checkStatus(sim.instance, `${sub.id}-C1R1`)).body.data.result.payment.status).toBe('FAILURE');
  });

  it('ships magic amounts: recurring.amount 14005 fails every charge, 14006 fails each first try and its retry is captured', async () => {
    await atT0();
    const retry = { interval: 30, intervalUnit: 'minutes', maxInterval: 1 };
    const failing = await subscribe({ amount: '14005', maxInterval: 1, retry });
    const retried = await subscribe({ amount: '14006', maxInterval: 1, retry });
    expect([failing.state, retried.state]).toEqual(['active', 'active']);
    await advance('2 months');
    const charges = async (id: string) => (await subscriptionOf(id)).charges.map((c: any) => [c.orderId, c.status, c.cause]);
    expect(await charges(failing.id)).toEqual([
      [`${failing.id}-C1`, 'FAILURE', 'scenario "recurring-charge-fails": fail'],
      [`${failing.id}-C1R1`, 'FAILURE', 'scenario "recurring-charge-fails": fail'],
    ]);
    expect(await charges(retried.id)).toEqual([
      [`${retried.id}-C1`, 'FAILURE', 'scenario "recurring-charge-retried": fail'],
      [`${retried.id}-C1R1`, 'CAPTURED', expect.any(String)],
    ]);
  });

  it('pauses (charges due meanwhile are skipped), resumes, fails the next charge on request, and cancels', async () => {
    await atT0();
    const sub = await subscribe({ intervalUnit: 'daily' });
    const srv = sim.instance.server;
    await advance('1d');
    await request(srv).post(`/_mock/subscriptions/${sub.id}/pause`).set('X-Finnet-Mock', '1').expect(200);
    await advance('73h');
    expect((await subscriptionOf(sub.id)).charges).toHaveLength(1);
    const resumed = (await request(srv).post(`/_mock/subscriptions/${sub.id}/resume`).set('X-Finnet-Mock', '1').expect(200)).body;
    expect(resumed).toMatchObject({ state: 'active', nextChargeAt: iso(T0 + 5 * 86_400_000), nextCharge: 2 });
    await request(srv).post(`/_mock/subscriptions/${sub.id}/fail-next`).set('X-Finnet-Mock', '1').expect(200);
    await advance('2d');
    const charges = (await subscriptionOf(sub.id)).charges;
    expect(charges.map((c: any) => [c.orderId, c.dueAt, c.status])).toEqual([
      [`${sub.id}-C1`, iso(T0 + 86_400_000), 'CAPTURED'], [`${sub.id}-C2`, iso(T0 + 5 * 86_400_000), 'FAILURE'],
      [`${sub.id}-C3`, iso(T0 + 6 * 86_400_000), 'CAPTURED'],
    ]);
    expect(charges[1].cause).toBe('failed on request (fail-next)');
    const cancelled = (await request(srv).post(`/_mock/subscriptions/${sub.id}/cancel`).set('X-Finnet-Mock', '1').expect(200)).body;
    expect(cancelled).toMatchObject({ state: 'cancelled', nextChargeAt: null });
    await advance('5d');
    expect((await subscriptionOf(sub.id)).charges).toHaveLength(3);
    for (const verb of ['pause', 'resume', 'cancel', 'fail-next']) {
      const res = await request(srv).post(`/_mock/subscriptions/${sub.id}/${verb}`).set('X-Finnet-Mock', '1').expect(409);
      expect(res.type).toBe('application/problem+json');
    }
  });

  it('advances a year of monthly charges quickly: no slower than ten times a day of daily ones', async () => {
    await atT0();
    const daily = await subscribe({ intervalUnit: 'daily', maxInterval: 1 });
    let started = performance.now();
    await advance('1d');
    const baseline = performance.now() - started;
    expect((await subscriptionOf(daily.id)).chargesMade).toBe(1);
    const monthly = await subscribe({ maxInterval: 12 });
    started = performance.now();
    await advance('1 year');
    const year = performance.now() - started;
    expect((await subscriptionOf(monthly.id)).chargesMade).toBe(12);
    console.log(`a year of monthly charges: ${year.toFixed(1)} ms (one daily charge: ${baseline.toFixed(1)} ms)`);
    expect(year).toBeLessThan(Math.max(baseline, 5) * 12 * 10);
  });

  it('fails a charge on a saved card that declines now (test card 4000000000000002), and goes on with the next interval', async () => {
    await atT0();
    const saved = await request(sim.instance.server).post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: 'CUST-1', number: '4000000000000002' }).expect(201);
    const id = subId();
    const body = cardBody({ subscribe: 'Y', type: 'PURCHASE', id, amount: '50000', interval: 1, intervalUnit: 'monthly', maxInterval: 2 });
    body.card = { storedOnFile: 'STORED', token: saved.body.token };
    expect((await initiate(sim.instance, body)).body.responseCode).toBe('2000000');
    // The operator lets the first payment through; the card's decline shows on the charges made from then on.
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).set('X-Finnet-Mock', '1').expect(200);
    expect((await subscriptionOf(id)).cardToken).toBe(saved.body.token);
    await advance('2 months');
    const after = await subscriptionOf(id);
    expect(after.charges.map((c: any) => [c.orderId, c.status, c.cause])).toEqual([
      [`${id}-C1`, 'FAILURE', 'test card 400000xxxxxx0002 declined'],
      [`${id}-C2`, 'FAILURE', 'test card 400000xxxxxx0002 declined'],
    ]);
    expect(after).toMatchObject({ state: 'ended', chargesMade: 2 });
    const check = await checkStatus(sim.instance, `${id}-C1`);
    expect(check.body.data).toMatchObject({ result: { payment: { status: 'FAILURE' } }, card: { mask: '400000xxxxxx0002' } });
  });

  it('keeps charge order ids valid gateway ids for any recurring.id, and the unit list in step with the schema', () => {
    expect(chargeOrderId('SUB-1', 3, 1)).toBe('SUB-1-C3');
    expect(chargeOrderId('SUB-1', 3, 2)).toBe('SUB-1-C3R1');
    const long = chargeOrderId('langganan bulanan premium 2024 #1', 99999, 99);
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,30}$/);
    const schema = loadSchemaFile('recurring.json') as { $defs: { unit: { enum: string[] } } };
    expect(schema.$defs.unit.enum.sort()).toEqual(Object.keys(INTERVAL_UNITS).sort());
  });
});

describe('the control API', () => {
  it('lists subscriptions and refuses unknown, foreign and ambiguous ids and unknown verbs', async () => {
    await atT0();
    const sub = await subscribe({});
    const srv = sim.instance.server;
    const list = (await request(srv).get('/_mock/subscriptions').expect(200)).body;
    expect(list.items.map((s: any) => s.id)).toContain(sub.id);
    expect((await request(srv).get('/_mock/subscriptions').query({ state: 'ended' }).expect(200)).body.items).toEqual([]);
    expect((await request(srv).get('/_mock/subscriptions').query({ limit: 1, offset: 0 }).expect(200)).body).toMatchObject({ limit: 1, offset: 0, items: [{ id: sub.id }] });
    expect((await request(srv).get('/_mock/subscriptions').query({ offset: list.total }).expect(200)).body).toMatchObject({ total: list.total, items: [] });
    // A state that is none, a filter as a list, an unknown filter and bad paging are refused, not answered with everything or nothing.
    for (const query of ['state=bogus', 'merchantId[]=x', 'state=active&state=paused', 'customer=x', 'limit=1001', 'offset=x']) {
      const refused = await request(srv).get(`/_mock/subscriptions?${query}`).expect(400);
      expect(refused.headers['content-type'], query).toContain('application/problem+json');
    }
    expect((await request(srv).get('/_mock/subscriptions?state=bogus')).body.detail).toContain('active, paused, cancelled, ended');
    expect((await request(srv).get('/_mock/subscriptions/NOPE').expect(404)).body.title).toBe('Subscription not found');
    await request(srv).get(`/_mock/subscriptions/${sub.id}`).query({ merchantId: OTHER_MERCHANT.id }).expect(404);
    await request(srv).get(`/_mock/subscriptions/${sub.id}`).query({ merchantId: 'GHOST' }).expect(404);
    expect((await request(srv).post(`/_mock/subscriptions/${sub.id}/explode`).set('X-Finnet-Mock', '1').expect(404)).body.title).toBe('Unknown action');
    await request(srv).post('/_mock/subscriptions/NOPE/cancel').set('X-Finnet-Mock', '1').expect(404);
  });

  it('advanceClock refuses a calendar amount it cannot read', async () => {
    const res = await request(sim.instance.server).post('/_mock/clock').send({ action: 'advance', by: '1 fortnight' }).expect(400);
    expect(res.type).toBe('application/problem+json');
  });
});

describe('refusals', () => {
  const cases: [string, (r: Record<string, unknown>) => void, string, Record<string, any>?][] = [
    ['an unknown intervalUnit', (r) => (r.intervalUnit = 'fortnightly'), 'Invalid Field Format. The recurring.interval unit format is invalid'],
    ['an unknown retry unit', (r) => (r.retry = { interval: 1, intervalUnit: 'seconds', maxInterval: 1 }), 'Invalid Field Format. The recurring.retry.interval unit format is invalid'],
    ['endDate before startDate', (r) => Object.assign(r, { startDate: '20240301', endDate: '20240201' }), 'Invalid Field Format. The recurring.end date format is invalid'],
    ['an impossible date', (r) => (r.startDate = '20230231'), 'Invalid Field Format. The recurring.start date format is invalid'],
    ['an interval of 0', (r) => (r.interval = 0), 'Invalid Field Format. The recurring.interval format is invalid'],
    ['no amount', (r) => delete r.amount, 'Invalid Mandatory Field recurring.amount'],
    ['no interval', (r) => delete r.interval, 'Invalid Mandatory Field recurring.interval'],
    ['a retry without maxInterval', (r) => (r.retry = { interval: 1, intervalUnit: 'minutes' }), 'Invalid Mandatory Field recurring.retry.max interval'],
    ['subscribe on a channel that cannot recur', () => {}, 'Invalid Field Format. The recurring.subscribe format is invalid', { type: 'vabca' }],
    ['subscribe on the hosted page', () => {}, 'Invalid Field Format. The recurring.subscribe format is invalid', {}],
  ];
  for (const [name, mutate, message, sof] of cases) {
    it(`refuses ${name} with 4000001 on the field`, async () => {
      const recurring: Record<string, unknown> = { subscribe: 'Y', type: 'PURCHASE', id: subId(), amount: '50000', interval: 1, intervalUnit: 'monthly' };
      mutate(recurring);
      const body = cardBody(recurring);
      if (sof) {
        if (sof.type) body.sourceOfFunds = sof;
        else delete body.sourceOfFunds;
      }
      const res = await initiate(sim.instance, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ responseCode: '4000001', responseMessage: message });
    });
  }

  it('accepts recurring without subscribe on any channel, and starts no subscription', async () => {
    const body = channelRequest('vabca', { callbackUrl: sim.receiver.url });
    body.recurring = { id: 'NOT-SUB', intervalUnit: 'monthly' };
    expect((await initiate(sim.instance, body)).body.responseCode).toBe('2000000');
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).set('X-Finnet-Mock', '1').expect(200);
    await request(sim.instance.server).get('/_mock/subscriptions/NOT-SUB').expect(404);
  });
});

describe('a restart in the middle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finnet-subs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('goes on charging after a restart, none doubled', async () => {
    const db = join(dir, 'data.json');
    let instance = await startTestInstance({ db });
    try {
      await atT0(instance);
      const sub = await subscribe({ maxInterval: 6 }, instance);
      await advance('2 months', instance);
      expect((await subscriptionOf(sub.id, instance)).chargesMade).toBe(2);
      await instance.stop();
      instance = await startTestInstance({ db });
      const restored = await subscriptionOf(sub.id, instance);
      expect(restored).toMatchObject({ state: 'active', chargesMade: 2, nextChargeAt: iso(addMonths(T0, 3)) });
      await advance('1 year', instance);
      const after = await subscriptionOf(sub.id, instance);
      expect(after.charges.map((c: any) => c.orderId)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `${sub.id}-C${n}`));
      expect(after.state).toBe('ended');
      const orders = instance.ctx.store.transactions().filter((t) => t.orderId.startsWith(`${sub.id}-C`));
      expect(orders).toHaveLength(6);
    } finally {
      await instance.stop();
    }
  });
});


describe('a write that fails during a charge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finnet-subs-fail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Fails, once, the journal write that holds order `orderId` in `status`; every other write goes through. */
  function failWriteOf(orderId: string, status: string) {
    const append = Journal.prototype.append;
    let failed = false;
    const spy = vi.spyOn(Journal.prototype, 'append').mockImplementation(function (this: Journal, entries: readonly JournalEntry[]) {
      const hit = entries.some((e) => e.t === 'tx' && (e.v as { orderId?: string }).orderId === orderId && (e.v as { status?: string }).status === status);
      if (failed || !hit) return append.call(this, entries);
      failed = true;
      return Promise.reject(new JournalWriteError('ENOSPC'));
    });
    return { spy, failed: () => failed };
  }

  it.each(['REQUEST_INITIATED', 'CAPTURED'])('of its order as %s: the charge is made on the next try, once, and the schedule goes on', async (status) => {
    const instance = await startTestInstance({ db: join(dir, `${status}.json`) });
    try {
      await atT0(instance);
      const sub = await subscribe({ maxInterval: 3 }, instance);
      const failing = failWriteOf(`${sub.id}-C1`, status);
      try {
        await advance('1 month', instance);
        expect(failing.failed()).toBe(true);
      } finally {
        failing.spy.mockRestore();
      }
      const failed = await subscriptionOf(sub.id, instance);
      expect(failed).toMatchObject({ state: 'active', chargesMade: 0, nextChargeAt: iso(addMonths(T0, 1)) });
      expect(failed.charges.filter((c: any) => c.status === 'CAPTURED')).toEqual([]);
      // The next try comes a minute after the one whose write failed.
      await advance('1m', instance);
      const charged = await subscriptionOf(sub.id, instance);
      expect(charged).toMatchObject({ state: 'active', chargesMade: 1, nextChargeAt: iso(addMonths(T0, 2)) });
      expect(charged.charges.map((c: any) => [c.orderId, c.status])).toEqual([[`${sub.id}-C1`, 'CAPTURED']]);
      await advance('3 months', instance);
      expect(await subscriptionOf(sub.id, instance)).toMatchObject({ state: 'ended', chargesMade: 3 });
    } finally {
      await instance.stop();
    }
  });
});

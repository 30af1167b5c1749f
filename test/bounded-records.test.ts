import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import type { Subscription } from '../server/model/subscription.js';
import { basicAuth, initiate, MERCHANT, startTestInstance } from './helpers/instance.js';
import { channelRequest } from './helpers/channel-requests.js';
import { CallbackReceiver } from './helpers/receiver.js';

// A customer record is written whole on every change: these check that its size, and so a write's cost, stays flat.
const T0 = Date.parse('2024-01-31T03:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'finnet-bounded-'));
let receiver: CallbackReceiver;
let dbCount = 0;

beforeAll(async () => {
  receiver = await new CallbackReceiver().start();
});
afterAll(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

function dataFile(): string {
  dbCount += 1;
  return join(dir, `data-${dbCount}.json`);
}

const journalBytes = (db: string) => statSync(`${db}.journal`).size;

async function frozenAtT0(instance: Instance): Promise<void> {
  await request(instance.server).post('/_mock/clock').send({ action: 'freeze' }).expect(200);
  await request(instance.server).post('/_mock/clock').send({ action: 'set', to: T0 }).expect(200);
}

async function advance(instance: Instance, by: string): Promise<void> {
  await request(instance.server).post('/_mock/clock').send({ action: 'advance', by }).expect(200);
}

async function registerVa(instance: Instance): Promise<string> {
  const res = await request(instance.server).post('/pg/payment/card/openpayment/register').set('Authorization', basicAuth())
    .send({ customer: { id: 'cust-9', email: 'bounded@example.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' }, sourceOfFunds: { type: 'vabca' } }).expect(200);
  return res.body.paymentCode as string;
}

/** A paid subscribing card order; answers the subscription's id. */
async function subscribe(instance: Instance, id: string, recurring: Record<string, unknown>): Promise<string> {
  const body = channelRequest('cc', { callbackUrl: receiver.url });
  body.customer.id = 'CUST-9';
  body.recurring = { subscribe: 'Y', type: 'PURCHASE', id, interval: 1, intervalUnit: 'minute', ...recurring };
  expect((await initiate(instance, body)).body.responseCode).toBe('2000000');
  await request(instance.server).post(`/_mock/transactions/${body.order.id}/pay`).set('X-Finnet-Mock', '1').expect(200);
  return id;
}

async function subscriptionOf(instance: Instance, id: string): Promise<any> {
  return (await request(instance.server).get(`/_mock/subscriptions/${id}`).expect(200)).body;
}

function record(instance: Instance, id: string): Subscription {
  return instance.ctx.store.getCustomerRecord('subscription', MERCHANT.id, id)!;
}

describe('open VAs', () => {
  it('write as much for the thousandth transfer as for the first, and list every one, also after a restart', async () => {
    const db = dataFile();
    let instance = await startTestInstance({ db });
    try {
      const code = await registerVa(instance);
      const va = instance.ctx.openVas.find(MERCHANT.id, 'vabca', code)!;
      const transfers = async (count: number) => {
        const before = journalBytes(db);
        for (let i = 0; i < count; i++) expect((await instance.ctx.openVas.pay(va, 1, 'test')).ok).toBe(true);
        return journalBytes(db) - before;
      };
      const first = await transfers(100);
      await transfers(800);
      const last = await transfers(100);
      console.log(`journal bytes of open-VA transfers 1-100: ${first}, 901-1000: ${last}`);
      expect(last).toBeLessThanOrEqual(first * 1.5);
      expect(JSON.stringify(va).length).toBeLessThan(1000);

      await instance.stop();
      instance = await startTestInstance({ db });
      const view = (await request(instance.server).get(`/_mock/open-vas/vabca/${code}`).expect(200)).body;
      expect(view.payments).toHaveLength(1000);
      expect(view.payments.at(-1)).toMatchObject({ orderId: `VA014-${code}-1000`, status: 'PAID' });
      const check = await request(instance.server).get(`/pg/payment/card/openpayment/check/vabca/${code}`).set('Authorization', basicAuth()).expect(200);
      expect(check.body.data.payments).toHaveLength(1000);
      const next = await request(instance.server).post(`/_mock/open-vas/vabca/${code}/pay`).send({ amount: 5 }).expect(200);
      expect(next.body.transaction.orderId).toBe(`VA014-${code}-1001`);
    } finally {
      await instance.stop();
    }
  });

  it('load from a data file whose VA lists its payments (written before transfers were indexed)', async () => {
    const db = dataFile();
    let instance = await startTestInstance({ db });
    try {
      const code = await registerVa(instance);
      const va = instance.ctx.openVas.find(MERCHANT.id, 'vabca', code)!;
      for (const amount of [10, 20]) await instance.ctx.openVas.pay(va, amount, 'test');
      Object.assign(va, { payments: [`VA014-${code}-1`, `VA014-${code}-2`] });
      await instance.ctx.store.commit(va);
      await instance.stop();

      instance = await startTestInstance({ db });
      const view = (await request(instance.server).get(`/_mock/open-vas/vabca/${code}`).expect(200)).body;
      expect(view.payments.map((p: { amount: number }) => p.amount)).toEqual([10, 20]);
      const next = await request(instance.server).post(`/_mock/open-vas/vabca/${code}/pay`).send({ amount: 30 }).expect(200);
      expect(next.body.transaction.orderId).toBe(`VA014-${code}-3`);
      expect(instance.ctx.openVas.find(MERCHANT.id, 'vabca', code)).not.toHaveProperty('payments');
    } finally {
      await instance.stop();
    }
  });
});

describe('subscriptions', () => {
  // 30 charges of 31 tries each: the same schedule as the largest (99 x 100), small enough for CI; the cost per try is what is checked.
  const CHARGES = 30;
  const TRIES = CHARGES + 1;
  it(`advance a year of a minute subscription failing every try (${CHARGES} charges x ${TRIES} tries) with a record and writes that stay one size`, async () => {
    const db = dataFile();
    const instance = await startTestInstance({ db });
    try {
      await frozenAtT0(instance);
      const retry = { interval: 1, intervalUnit: 'minute', maxInterval: CHARGES };
      // recurring.amount 14005 is the shipped scenario that fails every charge, retries included.
      const id = await subscribe(instance, 'S0', { amount: '14005', maxInterval: CHARGES, retry, endDate: '99991231' });
      let started = performance.now();
      const before = journalBytes(db);
      await advance(instance, `${TRIES}m`);
      const firstMs = performance.now() - started;
      const firstBytes = journalBytes(db) - before;
      const firstTries = (await subscriptionOf(instance, id)).charges.length;
      const size = JSON.stringify(record(instance, id)).length;
      started = performance.now();
      await advance(instance, '1 year');
      const yearMs = performance.now() - started;
      const after = await subscriptionOf(instance, id);
      expect(after).toMatchObject({ state: 'ended', endReason: `all ${CHARGES} charges made`, chargesMade: CHARGES });
      expect(after.charges).toHaveLength(CHARGES * TRIES);
      expect(after.charges.at(-1)).toMatchObject({ orderId: `${id}-C${CHARGES}R${CHARGES}`, status: 'FAILURE', cause: 'scenario "recurring-charge-fails": fail' });
      expect(JSON.stringify(record(instance, id)).length).toBeLessThanOrEqual(size * 1.5);
      // Tries made with every earlier order stored write no more than the first ones did (the journal folded first, so it does not fold meanwhile).
      await instance.ctx.store.compact();
      const late = await subscribe(instance, 'S1', { amount: '14005', maxInterval: 2, retry });
      const lateStart = journalBytes(db);
      await advance(instance, `${2 * TRIES}m`);
      expect((await subscriptionOf(instance, late)).charges).toHaveLength(2 * TRIES);
      const lateBytes = journalBytes(db) - lateStart;
      console.log(`${CHARGES} x ${TRIES} tries: the first ${firstTries} in ${firstMs.toFixed(0)} ms, ${firstBytes} journal bytes; the rest of the year in ${yearMs.toFixed(0)} ms; `
        + `${2 * TRIES} tries of a second subscription after them: ${lateBytes} bytes; the record ${size} → ${JSON.stringify(record(instance, id)).length} bytes`);
      expect(lateBytes / (2 * TRIES)).toBeLessThanOrEqual((firstBytes / firstTries) * 1.5);
      // Per try, the year went no slower than ten times the first charge's tries.
      expect(yearMs / (CHARGES * TRIES - firstTries)).toBeLessThan((firstMs / firstTries) * 10);
    } finally {
      await instance.stop();
    }
  }, 120_000);

  it('load from a data file whose subscription lists every try (written before charges were read from their orders)', async () => {
    const db = dataFile();
    let instance = await startTestInstance({ db });
    try {
      await frozenAtT0(instance);
      const id = await subscribe(instance, 'OLD-1', { amount: '50000', maxInterval: 4 });
      await advance(instance, '2m');
      const sub = record(instance, id);
      const charges = (await subscriptionOf(instance, id)).charges.map((c: any) => ({ ...c, dueAt: Date.parse(c.dueAt) }));
      expect(charges.map((c: any) => c.orderId)).toEqual([`${id}-C1`, `${id}-C2`]);
      const legacy = sub as unknown as Record<string, unknown>;
      delete legacy.chargesMade;
      delete legacy.chargeDueAt;
      delete legacy.missedTries;
      legacy.charges = charges;
      await instance.ctx.store.commit(sub);
      await instance.stop();

      instance = await startTestInstance({ db });
      expect(await subscriptionOf(instance, id)).toMatchObject({ chargesMade: 2, charges: [{ orderId: `${id}-C1` }, { orderId: `${id}-C2` }] });
      await advance(instance, '5m');
      const after = await subscriptionOf(instance, id);
      expect(after.charges.map((c: any) => [c.orderId, c.status])).toEqual([1, 2, 3, 4].map((n) => [`${id}-C${n}`, 'CAPTURED']));
      expect(after).toMatchObject({ state: 'ended', chargesMade: 4 });
      expect(record(instance, id)).not.toHaveProperty('charges');
    } finally {
      await instance.stop();
    }
  });
});

describe('a charge cut off between its initiate and its payment', () => {
  /** Starts a failing-every-try subscription and makes its first charge die after its initiate is written, as a kill -9 would. */
  async function crashedCharge(db: string, id: string, leftOutcome: boolean): Promise<void> {
    const instance = await startTestInstance({ db });
    try {
      await frozenAtT0(instance);
      await subscribe(instance, id, { amount: '14005', maxInterval: 2, retry: { interval: 1, intervalUnit: 'minute', maxInterval: 1 } });
      const { transactions, store } = instance.ctx;
      const apply = transactions.apply.bind(transactions);
      transactions.apply = async (tx, ...rest) => {
        if (tx.orderId === `${id}-C1`) throw new Error('the process died here');
        return apply(tx, ...rest);
      };
      await advance(instance, '1m');
      const pending = store.getTransaction(MERCHANT.id, `${id}-C1`)!;
      expect(pending).toMatchObject({ status: 'REQUEST_INITIATED' });
      expect(pending.scheduledOutcome).toBeUndefined();
      // A data file of the code before this fix: the charge order carried its scenario's outcome.
      if (leftOutcome) {
        pending.scheduledOutcome = { action: 'fail', at: T0 + 60_000 };
        await store.commit(pending);
      }
    } finally {
      await instance.stop();
    }
  }

  for (const leftOutcome of [false, true]) {
    it(`is completed under its order id after a restart, no phantom, none doubled${leftOutcome ? ' (an order left with a scheduled outcome by older code)' : ''}`, async () => {
      const db = dataFile();
      const id = leftOutcome ? 'CRASH-2' : 'CRASH-1';
      await crashedCharge(db, id, leftOutcome);
      const instance = await startTestInstance({ db });
      try {
        await advance(instance, '5m');
        const after = await subscriptionOf(instance, id);
        const cause = 'scenario "recurring-charge-fails": fail';
        expect(after.charges.map((c: any) => [c.orderId, c.status, c.cause])).toEqual([
          [`${id}-C1`, 'FAILURE', cause], [`${id}-C1R1`, 'FAILURE', cause], [`${id}-C2`, 'FAILURE', cause], [`${id}-C2R1`, 'FAILURE', cause],
        ]);
        expect(after).toMatchObject({ state: 'ended', chargesMade: 2 });
        const orders = instance.ctx.store.transactions().filter((tx) => tx.orderId.startsWith(`${id}-C1`));
        expect(orders.map((tx) => [tx.orderId, tx.status])).toEqual([[`${id}-C1`, 'FAILURE'], [`${id}-C1R1`, 'FAILURE']]);
        await request(instance.server).get('/_mock/callbacks/wait').query({ orderId: `${id}-C1`, status: 'FAILURE' }).expect(200);
        expect(instance.ctx.store.deliveriesOf(MERCHANT.id, `${id}-C1`)).toHaveLength(1);
      } finally {
        await instance.stop();
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { ConfigError, loadConfig } from '../server/config.js';
import type { Instance } from '../server/instance.js';
import type { CallbackReceiver } from './helpers/receiver.js';
import { checkStatus, OTHER_MERCHANT, placeOrder } from './helpers/instance.js';
import { moveClock, mockTransaction, useSimulator } from './helpers/suite.js';

/** Fails an order through the control API; gives what the callback, check-status and the control API say. */
async function failed(instance: Instance, receiver: CallbackReceiver, merchant?: typeof OTHER_MERCHANT) {
  const orderId = await placeOrder(instance, `${receiver.url}/cb`, () => {}, merchant);
  await request(instance.server).post(`/_mock/transactions/${orderId}/fail`).query(merchant ? { merchantId: merchant.id } : {}).expect(200);
  return reports(instance, receiver, orderId, merchant);
}

async function reports(instance: Instance, receiver: CallbackReceiver, orderId: string, merchant?: typeof OTHER_MERCHANT) {
  await receiver.waitFor(1);
  const callback = JSON.parse(receiver.received.find((r) => JSON.parse(r.body).order.id === orderId)!.body).result.payment;
  const check = (await checkStatus(instance, orderId, merchant)).body.data.result.payment;
  const stored = (await mockTransaction(instance, orderId, merchant?.id))!;
  return { callback, check, stored };
}

describe('the failed-payment status word: FAILURE (the docs) by default', () => {
  const sim = useSimulator({ reset: true });

  it('reports FAILURE in the callback and in check-status', async () => {
    const { callback, check, stored } = await failed(sim.instance, sim.receiver);
    expect(callback).toMatchObject({ status: 'FAILURE', statusDesc: 'FAILURE' });
    expect(check).toMatchObject({ status: 'FAILURE', statusDesc: 'FAILURE' });
    expect(stored.status).toBe('FAILURE');
  });

  it('a scenario reports FAILED for one merchant (callback.failureStatus); other merchants keep FAILURE', async () => {
    await request(sim.instance.server).post('/_mock/scenarios').send({
      name: 'shop2-failed', match: { merchant: OTHER_MERCHANT.id }, effects: { callback: { failureStatus: 'FAILED' } },
    }).expect(201);
    const other = await failed(sim.instance, sim.receiver, OTHER_MERCHANT);
    expect(other.callback).toMatchObject({ status: 'FAILED', statusDesc: 'FAILED' });
    expect(other.check).toMatchObject({ status: 'FAILED', statusDesc: 'FAILED' });
    expect(other.stored.status).toBe('FAILURE');
    sim.receiver.received.length = 0;
    const mine = await failed(sim.instance, sim.receiver);
    expect(mine.callback.status).toBe('FAILURE');
    await request(sim.instance.server).delete('/_mock/scenarios/shop2-failed').expect(200);
  });

  it('the shipped magic amount 15008 (callback-failed-status) fails by itself after 5 s and reports FAILED', async () => {
    const orderId = await placeOrder(sim.instance, `${sim.receiver.url}/cb`, (body) => {
      body.order.amount = '15008';
      body.order.item = [{ name: 'item', quantity: '1', unitPrice: '15008' }];
    });
    await moveClock(sim.instance, { action: 'advance', by: '5s' });
    const { callback, check, stored } = await reports(sim.instance, sim.receiver, orderId);
    expect(callback).toMatchObject({ status: 'FAILED', statusDesc: 'FAILED' });
    expect(check.status).toBe('FAILED');
    expect(stored).toMatchObject({ status: 'FAILURE', scenario: 'callback-failed-status' });
  });

  it('a paid order is unaffected by the setting', async () => {
    const orderId = await placeOrder(sim.instance, `${sim.receiver.url}/cb`);
    await request(sim.instance.server).post(`/_mock/transactions/${orderId}/pay`).expect(200);
    expect((await reports(sim.instance, sim.receiver, orderId)).callback.status).toBe('PAID');
  });
});

describe('--failure-status FAILED', () => {
  const sim = useSimulator({ reset: true, config: { failureStatus: 'FAILED' } });

  it('reports FAILED in the callback body; the stored status (control API) stays FAILURE', async () => {
    const { callback, stored } = await failed(sim.instance, sim.receiver);
    expect(callback).toMatchObject({ status: 'FAILED', statusDesc: 'FAILED' });
    expect(stored.status).toBe('FAILURE');
  });

  it('reports FAILED in check-status (result.payment.status), as the callback did', async () => {
    const { callback, check } = await failed(sim.instance, sim.receiver);
    expect(check).toMatchObject({ status: 'FAILED', statusDesc: 'FAILED' });
    expect(check.status).toBe(callback.status);
  });

  it('/_mock/callbacks/wait?status=FAILED finds the failed order\'s callback', async () => {
    const orderId = await placeOrder(sim.instance, `${sim.receiver.url}/cb`);
    await request(sim.instance.server).post(`/_mock/transactions/${orderId}/fail`).expect(200);
    const res = await request(sim.instance.server).get('/_mock/callbacks/wait').query({ orderId, status: 'FAILED', timeoutMs: 3000 }).expect(200);
    expect(res.body.status).toBe('FAILURE');
  });
});

describe('settings', () => {
  it('--failure-status / FINNET_MOCK_FAILURE_STATUS take FAILURE or FAILED only, FAILURE by default', () => {
    expect(loadConfig([], {}).failureStatus).toBe('FAILURE');
    expect(loadConfig(['--failure-status', 'FAILED'], {}).failureStatus).toBe('FAILED');
    expect(loadConfig([], { FINNET_MOCK_FAILURE_STATUS: 'failed' }).failureStatus).toBe('FAILED');
    expect(() => loadConfig(['--failure-status', 'FAIL'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--failure-status', 'FAIL'], {})).toThrow('--failure-status / FINNET_MOCK_FAILURE_STATUS: failure status "FAIL" must be FAILURE or FAILED');
  });

  it('--callback-statuses accepts FAILED as another name of FAILURE', () => {
    expect(loadConfig(['--callback-statuses', 'PAID,FAILED'], {}).callbackStatuses).toEqual(['PAID', 'FAILURE']);
  });
});

import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { basicAuth, checkStatus, initiate, kredivoRequest, OTHER_MERCHANT } from './helpers/instance.js';
import { mockTransaction, moveClock, useSimulator } from './helpers/suite.js';

const sim = useSimulator();

describe('check status', () => {
  it('reports a fresh order as REQUEST_INITIATED in the real shape, amounts as integers', async () => {
    const body = kredivoRequest();
    body.customer.id = 'hajar@example.com';
    body.meta = { data: { cart: 'A1' } };
    await initiate(sim.instance, body);
    const { status, body: check } = await checkStatus(sim.instance, body.order.id);
    expect(status).toBe(200);
    expect(Object.keys(check)).toEqual(['responseCode', 'responseMessage', 'data', 'processingTime', 'traceId']);
    expect(check.responseCode).toBe('2000000');
    expect(Object.keys(check.data)).toEqual(['merchant', 'customer', 'order', 'sourceOfFunds', 'meta', 'result']);
    expect(check.data.merchant).toEqual({ id: 'FINPAY770' });
    expect(check.data.customer).toEqual({ id: 'hajar@example.com' });
    expect(check.data.order).toEqual({ id: body.order.id, reference: '', amount: 200, currency: 'IDR' });
    expect(check.data.sourceOfFunds).toEqual({ type: 'kredivo' });
    expect(check.data.meta).toEqual({ data: { cart: 'A1' } });
    expect(check.data.result.payment).toEqual({
      status: 'REQUEST_INITIATED',
      statusDesc: 'REQUEST_INITIATED',
      userDesc: 'Your transaction is currently in progress or pending processing',
      amount: 0,
    });
  });

  it('404 4040001 for an unknown order and for another merchant\'s order', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    const unknown = await checkStatus(sim.instance, 'NO-SUCH-ORDER');
    expect(unknown.status).toBe(404);
    expect(unknown.body.responseCode).toBe('4040001');
    expect(unknown.body.responseMessage).toBe('Transaction Not Found');
    const foreign = await checkStatus(sim.instance, body.order.id, OTHER_MERCHANT);
    expect(foreign.status).toBe(404);
    expect(foreign.body.responseCode).toBe('4040001');
  });

  it('ignores a JSON body sent with GET, as some SDKs do', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    const res = await request(sim.instance.server).get(`/pg/payment/card/check/${body.order.id}`)
      .set({ Authorization: basicAuth(), 'Content-Type': 'application/json' }).send('{"order":{"id":"other"}}');
    expect(res.status).toBe(200);
    expect(res.body.data.order.id).toBe(body.order.id);
  });

  it('reports EXPIRED once the virtual clock passes the link expiry', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    const tx = (await mockTransaction(sim.instance, body.order.id))!;
    await moveClock(sim.instance, { action: 'set', to: Date.parse(tx.expiresAt) + 1000 });
    const { body: check } = await checkStatus(sim.instance, body.order.id);
    expect(check.data.result.payment.status).toBe('EXPIRED');
    expect(check.data.result.payment.amount).toBe(0);
    expect(check.data.result.payment.datetime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await moveClock(sim.instance, { action: 'reset' });
  });
});

describe('cancel', () => {
  const cancel = (id: string, method: 'get' | 'post' = 'get', merchant = { id: 'FINPAY770', key: 'SoSecret123' }) =>
    request(sim.instance.server)[method](`/pg/payment/card/cancel/${id}`).set('Authorization', basicAuth(merchant));

  it('moves a pending order to CANCELLED (GET, or POST with any body)', async () => {
    for (const method of ['get', 'post'] as const) {
      const body = kredivoRequest();
      await initiate(sim.instance, body);
      const res = await cancel(body.order.id, method);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
      expect(res.body.responseCode).toBe('2000000');
      const check = await checkStatus(sim.instance, body.order.id);
      expect(check.body.data.result.payment.status).toBe('CANCELLED');
    }
  });

  it('404 4040100 Invalid Transaction Status when the order is no longer pending', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    await cancel(body.order.id).expect(200);
    const again = await cancel(body.order.id);
    expect(again.status).toBe(404);
    expect(again.body.responseCode).toBe('4040100');
    expect(again.body.responseMessage).toBe('Invalid Transaction Status');
  });

  it('404 4040001 for an unknown order or another merchant\'s order, which stays untouched', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    const unknown = await cancel('NOPE');
    expect(unknown.body.responseCode).toBe('4040001');
    const foreign = await cancel(body.order.id, 'get', OTHER_MERCHANT);
    expect(foreign.status).toBe(404);
    expect(foreign.body.responseCode).toBe('4040001');
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('REQUEST_INITIATED');
  });

  it('401 without credentials', async () => {
    const res = await request(sim.instance.server).get('/pg/payment/card/cancel/x');
    expect(res.status).toBe(401);
    expect(res.body.responseCode).toBe('4010000');
  });
});

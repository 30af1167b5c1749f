import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Journal, JournalWriteError, type JournalEntry } from '../server/store/journal.js';
import { basicAuth, MERCHANT, OTHER_MERCHANT, startTestInstance } from './helpers/instance.js';
import { moveClock, useSimulator } from './helpers/suite.js';
import { withCheckDigit } from '../server/transactions/open-vas.js';

const BASE = '/pg/payment/card/openpayment';
const CUSTOMER = { id: 'cust-77', email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' };

describe('open VAs', () => {
  const sim = useSimulator({ reset: true });
  const gw = () => request(sim.instance.server);
  const register = (body: Record<string, unknown>, merchant = MERCHANT) => gw().post(`${BASE}/register`).set('Authorization', basicAuth(merchant)).send(body);
  const registered = async (extra: Record<string, unknown> = {}) => {
    const res = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca' }, url: { callbackUrl: `${sim.receiver.url}/cb` }, ...extra });
    expect(res.status, res.text).toBe(200);
    return res.body.paymentCode as string;
  };
  const check = (code: string, sofId = 'vabca', merchant = MERCHANT) => gw().get(`${BASE}/check/${sofId}/${code}`).set('Authorization', basicAuth(merchant));
  const pay = (code: string, body: Record<string, unknown>, sofId = 'vabca') => gw().post(`/_mock/open-vas/${sofId}/${code}/pay`).send(body);

  it('ships scenarios that send a VA a transfer a minute after its register, one of them with a failing callback', async () => {
    const transferred = await registered({ customer: { ...CUSTOMER, email: 'va-transfer@example.com' } });
    const failing = await registered({ customer: { ...CUSTOMER, id: 'cust-78', email: 'va-callback-fails@example.com' } });
    expect((await check(transferred)).body.data.payments ?? []).toHaveLength(0);
    await moveClock(sim.instance, { action: 'advance', by: '1m' });
    for (const code of [transferred, failing]) {
      const va = (await gw().get(`/_mock/open-vas/vabca/${code}`)).body;
      expect(va.payments.map((p: { amount: number }) => p.amount)).toEqual([50000]);
    }
    const failed = (await gw().get(`/_mock/open-vas/vabca/${failing}`)).body.payments[0].orderId;
    // Its retries run on the virtual clock: the third attempt delivers it.
    await moveClock(sim.instance, { action: 'advance', by: '2m' });
    expect((await gw().get('/_mock/callbacks/wait').query({ orderId: failed, status: 'PAID' })).status).toBe(200);
    const delivery = (await gw().get('/_mock/callbacks').query({ orderId: failed })).body.items[0];
    expect(delivery.attempts.map((a: { delivered: boolean }) => a.delivered)).toEqual([false, false, true]);
  });

  it('registers the docs sample: the last digit becomes the check digit (…312 → …313)', async () => {
    const res = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca', paymentCode: '8804483313131312' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ responseCode: '2000000', paymentCode: '8804483313131313' });
    expect(typeof res.body.processingTime).toBe('number');
    expect(res.headers['x-finnet-mock-transfer-page']).toMatch(/\/va-transfer\/FINPAY770\/vabca\/8804483313131313$/);
  });

  it('assigns a 16-digit number with the channel prefix and a valid check digit when none is asked for', async () => {
    const code = await registered();
    expect(code).toMatch(/^38337\d{11}$/);
    expect(withCheckDigit(code)).toBe(code);
    const bni = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabni' } });
    expect(bni.body.paymentCode).toMatch(/^9881\d{12}$/);
  });

  it('answers the same VA to the same customer asking for the same number, and refuses it to another customer', async () => {
    const body = { customer: CUSTOMER, sourceOfFunds: { type: 'vabca', paymentCode: '8804483313131312' } };
    const first = await register(body);
    const again = await register(body);
    expect(again.body.paymentCode).toBe(first.body.paymentCode);
    const list = (await gw().get('/_mock/open-vas')).body;
    expect(list).toMatchObject({ total: 1, limit: 100, offset: 0, items: [{ paymentCode: first.body.paymentCode }] });
    // The list leaves each VA's payments out (they are in the one-VA view) so it stays small.
    expect(list.items[0]).not.toHaveProperty('payments');
    expect((await gw().get('/_mock/open-vas').query({ offset: 1 })).body).toMatchObject({ total: 1, items: [] });
    const other = await register({ ...body, customer: { ...CUSTOMER, id: 'someone-else' } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ responseCode: '4090001', responseMessage: 'Duplicate Payment Code' });
    expect(other.headers['x-finnet-mock-hint']).toContain('another customer');
    // The same number for another merchant is that merchant's own VA.
    expect((await register(body, OTHER_MERCHANT)).status).toBe(200);
  });

  it('refuses channels that are not VAs, malformed bodies and bad credentials in the gateway format', async () => {
    const qris = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'qris' } });
    expect(qris.status).toBe(400);
    expect(qris.body).toMatchObject({ responseCode: '4000001', responseMessage: 'Invalid Field Format. The sourceOfFunds.type format is invalid' });
    expect(qris.headers['x-finnet-mock-hint']).toContain('vabca');
    const unknown = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'nope' } });
    expect(unknown.body.responseCode).toBe('4000001');
    const noCustomer = await register({ sourceOfFunds: { type: 'vabca' } });
    expect(noCustomer.body).toMatchObject({ responseCode: '4000001', responseMessage: 'Invalid Mandatory Field customer' });
    const shortCode = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca', paymentCode: '123' } });
    expect(shortCode.body.responseMessage).toBe('Invalid Field Format. The sourceOfFunds.payment code format is invalid');
    const badPhone = await register({ customer: { ...CUSTOMER, mobilePhone: '0812' }, sourceOfFunds: { type: 'vabca' } });
    expect(badPhone.body.responseMessage).toBe('Invalid Field Format. The customer.mobile phone format is invalid');
    const badUrl = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca' }, url: { callbackUrl: 'javascript:alert(1)' } });
    expect(badUrl.body.responseCode).toBe('4000001');
    const notJson = await gw().post(`${BASE}/register`).set('Authorization', basicAuth()).set('Content-Type', 'application/json').send('{');
    expect(notJson.body.responseCode).toBe('4000000');
    const noAuth = await gw().post(`${BASE}/register`).send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca' } });
    expect(noAuth.status).toBe(401);
    const wrongMethod = await gw().get(`${BASE}/register`).set('Authorization', basicAuth());
    expect(wrongMethod.status).toBe(405);
  });

  it('checks a VA with its customer, status and payments; unknown, foreign and malformed numbers are not found', async () => {
    const code = await registered();
    const res = await check(code);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      responseCode: '2000000',
      data: { merchant: { id: MERCHANT.id }, customer: CUSTOMER, sourceOfFunds: { type: 'vabca', paymentCode: code }, status: 'ACTIVE', payments: [] },
    });
    for (const missing of [check('3833700000000000'), check(code, 'vabca', OTHER_MERCHANT), check('not-a-number'), check(code, 'qris'), check(`${code}%zz`)]) {
      const answer = await missing;
      expect(answer.status).toBe(404);
      expect(answer.body.responseCode).toBe('4040001');
    }
  });

  it('updates the customer data of a VA; an unknown VA is not found and update needs the number', async () => {
    const code = await registered();
    const changed = { ...CUSTOMER, firstName: 'Siti', email: 'siti@example.com' };
    const res = await gw().post(`${BASE}/update`).set('Authorization', basicAuth()).send({ customer: changed, sourceOfFunds: { type: 'vabca', paymentCode: code } });
    expect(res.body).toMatchObject({ responseCode: '2000000', paymentCode: code });
    expect((await check(code)).body.data.customer).toEqual(changed);
    const unknown = await gw().post(`${BASE}/update`).set('Authorization', basicAuth()).send({ customer: changed, sourceOfFunds: { type: 'vabca', paymentCode: '3833700000000000' } });
    expect(unknown.status).toBe(404);
    const foreign = await gw().post(`${BASE}/update`).set('Authorization', basicAuth(OTHER_MERCHANT)).send({ customer: changed, sourceOfFunds: { type: 'vabca', paymentCode: code } });
    expect(foreign.status).toBe(404);
    const noCode = await gw().post(`${BASE}/update`).set('Authorization', basicAuth()).send({ customer: changed, sourceOfFunds: { type: 'vabca' } });
    expect(noCode.body).toMatchObject({ responseCode: '4000001', responseMessage: 'Invalid Mandatory Field sourceOfFunds.payment code' });
  });

  it('turns each transfer into a PAID order with its callback, visible to check-status and on the VA', async () => {
    const code = await registered();
    const first = await pay(code, { amount: 150000 });
    expect(first.status, first.text).toBe(200);
    const orderId = first.body.transaction.orderId as string;
    expect(orderId).toBe(`VA014-${code}-1`);
    expect(orderId).toMatch(/^[A-Za-z0-9_-]{1,30}$/);
    expect(first.body.transaction).toMatchObject({ status: 'PAID', amount: 150000, channel: 'vabca' });
    const [callback] = await sim.receiver.waitFor(1);
    const body = JSON.parse(callback!.body);
    expect(body).toMatchObject({ order: { id: orderId, amount: 150000 }, customer: { id: CUSTOMER.id }, sourceOfFunds: { type: 'vabca', paymentCode: code }, result: { payment: { status: 'PAID', amount: 150000 } } });
    const status = await gw().get(`/pg/payment/card/check/${orderId}`).set('Authorization', basicAuth());
    expect(status.body.data.result.payment.status).toBe('PAID');
    expect(status.body.data.sourceOfFunds.paymentCode).toBe(code);
    const second = await pay(code, { amount: 1 });
    expect(second.body.transaction.orderId).toBe(`VA014-${code}-2`);
    const vaCheck = await check(code);
    expect(vaCheck.body.data.payments.map((p: { order: { id: string } }) => p.order.id)).toEqual([orderId, `VA014-${code}-2`]);
    expect(vaCheck.body.data.payments[0]).toMatchObject({ order: { amount: 150000 }, status: 'PAID' });
  });

  it('sends no callback for a VA registered without a callbackUrl, and says so on the order', async () => {
    const res = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabri' } });
    const paid = await pay(res.body.paymentCode, { amount: 5000 }, 'vabri');
    expect(paid.body.transaction.status).toBe('PAID');
    const order = await gw().get(`/_mock/transactions/${paid.body.transaction.orderId}`);
    expect(order.body.callbacks).toEqual([]);
  });

  it('deletes a VA: check says DELETED, transfers are refused, update is refused, re-register brings it back', async () => {
    const code = await registered();
    const del = await gw().get(`${BASE}/delete/vabca/${code}`).set('Authorization', basicAuth());
    expect(del.body).toMatchObject({ responseCode: '2000000' });
    expect((await check(code)).body.data.status).toBe('DELETED');
    const refused = await pay(code, { amount: 1000 });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const upd = await gw().post(`${BASE}/update`).set('Authorization', basicAuth()).send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca', paymentCode: code } });
    expect(upd.body.responseCode).toBe('4040100');
    expect((await gw().get(`${BASE}/delete/vabca/${code}`).set('Authorization', basicAuth())).status).toBe(200);
    expect((await gw().get(`${BASE}/delete/vabca/3833700000000000`).set('Authorization', basicAuth())).status).toBe(404);
    const back = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca', paymentCode: code } });
    expect(back.body.paymentCode).toBe(code);
    expect((await check(code)).body.data.status).toBe('ACTIVE');
  });

  it('refuses bad transfers on the control API as problems', async () => {
    const code = await registered();
    for (const amount of [0, -5, 1.5, '100', undefined]) {
      const res = await pay(code, { amount });
      expect(res.status).toBe(400);
    }
    expect((await pay('3833700000000000', { amount: 5 })).status).toBe(404);
    expect((await pay(code, { amount: 5, merchantId: OTHER_MERCHANT.id })).status).toBe(404);
    expect((await pay(code, { amount: 5, merchantId: 'nobody' })).status).toBe(404);
    expect((await gw().get('/_mock/open-vas?status=GONE')).status).toBe(400);
    expect((await gw().get('/_mock/open-vas?channel=qris')).status).toBe(400);
    for (const query of ['merchantId[]=x', 'status=ACTIVE&status=DELETED', 'owner=x', 'limit=0', 'offset=1.5']) {
      const refused = await gw().get(`/_mock/open-vas?${query}`);
      expect([refused.status, refused.headers['content-type']], query).toEqual([400, expect.stringContaining('application/problem+json')]);
    }
    const one = await gw().get(`/_mock/open-vas/vabca/${code}`);
    expect(one.body).toMatchObject({ merchantId: MERCHANT.id, paymentCode: code, status: 'ACTIVE', customer: CUSTOMER });
  });

  it('a scenario with openVaTransfer pays the VA once, at the scheduled virtual time', async () => {
    await gw().post('/_mock/scenarios').send({ name: 'va-transfer', match: { channel: 'vamandiri' }, effects: { openVaTransfer: { amount: 250000, after: '2h' } } }).expect(201);
    await moveClock(sim.instance, { action: 'freeze' });
    const res = await register({ customer: CUSTOMER, sourceOfFunds: { type: 'vamandiri' }, url: { callbackUrl: `${sim.receiver.url}/cb` } });
    const code = res.body.paymentCode as string;
    await moveClock(sim.instance, { action: 'advance', by: '119m' });
    expect((await check(code, 'vamandiri')).body.data.payments).toEqual([]);
    await moveClock(sim.instance, { action: 'advance', by: '1m' });
    const payments = (await check(code, 'vamandiri')).body.data.payments;
    expect(payments).toMatchObject([{ order: { amount: 250000 }, status: 'PAID' }]);
    await moveClock(sim.instance, { action: 'advance', by: '1d' });
    expect((await check(code, 'vamandiri')).body.data.payments).toHaveLength(1);
    await gw().delete('/_mock/scenarios/va-transfer');
  });
});

describe('open VAs across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'open-va-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keep their customer, status, payments and scheduled transfer', async () => {
    const db = join(dir, 'data.json');
    const first = await startTestInstance({ db });
    const gw = () => request(first.server);
    await gw().post('/_mock/scenarios').send({ name: 'later', match: { channel: 'vabni' }, effects: { openVaTransfer: { amount: 777, after: '1h' } } }).expect(201);
    await gw().post('/_mock/clock').send({ action: 'freeze' }).expect(200);
    const kept = (await gw().post(`${BASE}/register`).set('Authorization', basicAuth()).send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca' } })).body.paymentCode;
    const later = (await gw().post(`${BASE}/register`).set('Authorization', basicAuth()).send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabni' } })).body.paymentCode;
    await gw().post(`/_mock/open-vas/vabca/${kept}/pay`).send({ amount: 1000 }).expect(200);
    await first.stop();

    const second = await startTestInstance({ db });
    try {
      const again = () => request(second.server);
      const va = (await again().get(`/_mock/open-vas/vabca/${kept}`).expect(200)).body;
      expect(va).toMatchObject({ customer: CUSTOMER, status: 'ACTIVE', payments: [{ orderId: `VA014-${kept}-1`, status: 'PAID' }] });
      expect((await again().get(`/_mock/open-vas/vabni/${later}`)).body.scheduledTransfer).toMatchObject({ amount: 777 });
      await again().post('/_mock/clock').send({ action: 'advance', by: '1h' }).expect(200);
      const paid = (await again().get(`/_mock/open-vas/vabni/${later}`)).body;
      expect(paid.payments).toMatchObject([{ amount: 777, status: 'PAID' }]);
      expect(paid.scheduledTransfer).toBeNull();
    } finally {
      await second.stop();
    }
  });
});

describe('a write that fails during a scheduled transfer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'open-va-fail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Fails, once, the journal write that holds an order of `channel` in `status`; every other write goes through. */
  function failWriteOf(channel: string, status: string) {
    const append = Journal.prototype.append;
    let failed = false;
    const spy = vi.spyOn(Journal.prototype, 'append').mockImplementation(function (this: Journal, entries: readonly JournalEntry[]) {
      const hit = entries.some((e) => e.t === 'tx' && (e.v as { channel?: string }).channel === channel && (e.v as { status?: string }).status === status);
      if (failed || !hit) return append.call(this, entries);
      failed = true;
      return Promise.reject(new JournalWriteError('ENOSPC'));
    });
    return { spy, failed: () => failed };
  }

  it.each(['REQUEST_INITIATED', 'PAID'])('of its order as %s: the transfer still happens, once, a minute later', async (status) => {
    const instance = await startTestInstance({ db: join(dir, `${status}.json`) });
    const gw = () => request(instance.server);
    try {
      await gw().post('/_mock/scenarios').send({ name: 'soon', match: { channel: 'vabni' }, effects: { openVaTransfer: { amount: 4242, after: '1h' } } }).expect(201);
      await gw().post('/_mock/clock').send({ action: 'freeze' }).expect(200);
      const code = (await gw().post(`${BASE}/register`).set('Authorization', basicAuth()).send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabni' } })).body.paymentCode;
      const failing = failWriteOf('vabni', status);
      try {
        await gw().post('/_mock/clock').send({ action: 'advance', by: '1h' }).expect(200);
        expect(failing.failed()).toBe(true);
      } finally {
        failing.spy.mockRestore();
      }
      const waiting = (await gw().get(`/_mock/open-vas/vabni/${code}`).expect(200)).body;
      expect(waiting.scheduledTransfer).toMatchObject({ amount: 4242 });
      expect(waiting.payments.filter((p: { status: string }) => p.status === 'PAID')).toEqual([]);
      await gw().post('/_mock/clock').send({ action: 'advance', by: '1m' }).expect(200);
      const paid = (await gw().get(`/_mock/open-vas/vabni/${code}`).expect(200)).body;
      expect(paid.scheduledTransfer ?? null).toBeNull();
      expect(paid.payments).toMatchObject([{ orderId: `VA009-${code}-1`, amount: 4242, status: 'PAID' }]);
    } finally {
      await instance.stop();
    }
  });
});

describe('open VAs in the library, the dashboard and the transfer page', () => {
  it('pays through payOpenVa, lists through openVas, and serves the dashboard and transfer pages', async () => {
    const { startFinnetMock } = await import('../server/index.js');
    const mock = await startFinnetMock();
    try {
      const res = await request(mock.url).post(`${BASE}/register`).set('Authorization', mock.merchant.authorization).send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca' } });
      const code = res.body.paymentCode as string;
      const tx = await mock.payOpenVa({ channel: 'vabca', paymentCode: code, amount: 42000 });
      expect(tx).toMatchObject({ status: 'PAID', amount: 42000, orderId: `VA014-${code}-1` });
      expect(mock.openVas()[0]).toMatchObject({ paymentCode: code, payments: [{ orderId: tx.orderId }] });
      await expect(mock.payOpenVa({ channel: 'vabca', paymentCode: '3833700000000000', amount: 1 })).rejects.toThrow(/no merchant has an open VA/i);
      const list = await request(mock.url).get('/open-vas');
      expect(list.text).toContain(code);
      const detail = await request(mock.url).get(`/open-vas/${mock.merchant.id}/vabca/${code}`);
      expect(detail.text).toContain(tx.orderId);
      const paid = await request(mock.url).post(`/va-transfer/${mock.merchant.id}/vabca/${code}`).type('form').send({ amount: '15.000' });
      expect(paid.status).toBe(200);
      expect(paid.text).toContain(`VA014-${code}-2`);
      const bad = await request(mock.url).post(`/va-transfer/${mock.merchant.id}/vabca/${code}`).type('form').send({ amount: 'lots' });
      expect(bad.status).toBe(400);
      await request(mock.url).get(`${BASE}/delete/vabca/${code}`).set('Authorization', mock.merchant.authorization).expect(200);
      expect((await request(mock.url).get(`/va-transfer/${mock.merchant.id}/vabca/${code}`)).status).toBe(410);
      await expect(mock.payOpenVa({ channel: 'vabca', paymentCode: code, amount: 1 })).rejects.toThrow(/deleted/);
    } finally {
      await mock.stop();
    }
  });
});

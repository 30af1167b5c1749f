import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { basicAuth, checkStatus, initiate, kredivoRequest, MERCHANT, orderId } from './helpers/instance.js';
import { moveClock, useSimulator } from './helpers/suite.js';

const sim = useSimulator();

const JAKARTA = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function jakarta(epochMs: number): string {
  return new Date(epochMs + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

describe('initiate: the Kredivo sample request from the Finpay docs', () => {
  it('answers 200 with exactly the documented shape, key order included', async () => {
    const { epochMs: now } = await moveClock(sim.instance, { action: 'freeze' });
    const { status, body } = await initiate(sim.instance, kredivoRequest());
    await moveClock(sim.instance, { action: 'resume' });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['responseCode', 'responseMessage', 'redirecturl', 'expiryLink', 'paymentCode', 'processingTime', 'traceId']);
    expect(body.responseCode).toBe('2000000');
    expect(body.responseMessage).toBe('Success');
    expect(body.redirecturl).toMatch(new RegExp(`^http://localhost:${sim.instance.port}/kredivo/v2/signin\\?tk=[0-9A-Za-z]{40}$`));
    expect(body.expiryLink).toMatch(JAKARTA);
    expect(body.expiryLink).toBe(jakarta(now + 15 * 60_000));
    expect(body.paymentCode).toBeNull();
    expect(typeof body.processingTime).toBe('number');
    expect(body.processingTime).toBeGreaterThan(0);
  });

  it('uses order.timeout minutes for expiryLink (number or digit string)', async () => {
    const { epochMs: now } = await moveClock(sim.instance, { action: 'freeze' });
    const a = kredivoRequest();
    a.order.timeout = 60;
    const b = kredivoRequest();
    b.order.timeout = '1440';
    const ra = await initiate(sim.instance, a);
    const rb = await initiate(sim.instance, b);
    await moveClock(sim.instance, { action: 'resume' });
    expect(ra.body.expiryLink).toBe(jakarta(now + 60 * 60_000));
    expect(rb.body.expiryLink).toBe(jakarta(now + 1440 * 60_000));
  });

  it('is lenient where real clients differ: integer amounts and ids, PHP-style .0 strings, unknown keys ignored and not echoed', async () => {
    const body = kredivoRequest();
    body.order.id = Number(String(Date.now()).slice(-9));
    body.order.amount = 200;
    body.order.item = [{ name: 'Kopi', quantity: 2, unitPrice: 100, category: 'food' }];
    body.order.itemAmount = '200.0';
    body.customer_details = { billing_address: { first_name: 'x' } };
    body.order.items = [{ junk: true }];
    body.merchant_pwd = 'leaked';
    const res = await initiate(sim.instance, body);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('leaked');
    const check = await checkStatus(sim.instance, String(body.order.id));
    expect(check.body.data.order.id).toBe(String(body.order.id));
    expect(check.body.data.order.amount).toBe(200);
  });
});

describe('initiate: errors in the gateway format', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    request(sim.instance.server).post('/pg/payment/card/initiate').set({ Authorization: basicAuth(), 'Content-Type': 'application/json', ...headers }).send(body);

  function expectGatewayError(res: request.Response, status: number, code: string, message: string | RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
    expect(res.body.responseCode).toBe(code);
    if (typeof message === 'string') expect(res.body.responseMessage).toBe(message);
    else expect(res.body.responseMessage).toMatch(message);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
  }

  it('400 4000000 for a body that is not JSON', async () => {
    expectGatewayError(await post('{"order": '), 400, '4000000', 'Bad Request. Body is not valid JSON');
  });

  it('400 4000000 for an array or a scalar body', async () => {
    expectGatewayError(await post('[1,2]'), 400, '4000000', 'Bad Request. Body must be a JSON object');
    expectGatewayError(await post('"text"'), 400, '4000000', 'Bad Request. Body must be a JSON object');
  });

  it('400 4000000 for a 5 MB body', async () => {
    const huge = JSON.stringify({ ...kredivoRequest(), padding: 'x'.repeat(5 * 1024 * 1024) });
    expectGatewayError(await post(huge), 400, '4000000', 'Bad Request. Body is larger than 1 MB');
  });

  it('400 4000000 for a wrong content type', async () => {
    expectGatewayError(await post(JSON.stringify(kredivoRequest()), { 'Content-Type': 'text/plain' }), 400, '4000000',
      'Bad Request. Content-Type must be application/json');
  });

  it('401 4010000 without auth, with a malformed header, with a wrong key or an unknown merchant', async () => {
    const body = JSON.stringify(kredivoRequest());
    const noAuth = await request(sim.instance.server).post('/pg/payment/card/initiate').set('Content-Type', 'application/json').send(body);
    expectGatewayError(noAuth, 401, '4010000', 'Unauthorized. Authorization header is missing');
    expectGatewayError(await post(body, { Authorization: 'Bearer abc' }), 401, '4010000', /^Unauthorized\. Authorization must be Basic/);
    expectGatewayError(await post(body, { Authorization: basicAuth({ id: MERCHANT.id, key: 'wrong' }) }), 401, '4010000', 'Unauthorized. Invalid merchant id or key');
    expectGatewayError(await post(body, { Authorization: basicAuth({ id: 'NOPE', key: 'x' }) }), 401, '4010000', 'Unauthorized. Invalid merchant id or key');
  });

  const cases: [string, (b: Record<string, any>) => void, string][] = [
    ['missing mobilePhone', (b) => delete b.customer.mobilePhone, 'Invalid Mandatory Field customer.mobile phone'],
    ['empty mobilePhone', (b) => (b.customer.mobilePhone = ''), 'Invalid Mandatory Field customer.mobile phone'],
    ['local 08 mobilePhone', (b) => (b.customer.mobilePhone = '081286288844'), 'Invalid Field Format. The customer.mobile phone format is invalid'],
    ['missing order', (b) => delete b.order, 'Invalid Mandatory Field order'],
    ['missing order.amount', (b) => delete b.order.amount, 'Invalid Mandatory Field order.amount'],
    ['order.id with a space', (b) => (b.order.id = 'ORD 1'), 'Invalid Field Format. The order.id format is invalid'],
    ['order.id of 31 characters', (b) => (b.order.id = 'A'.repeat(31)), 'Invalid Field Format. The order.id format is invalid'],
    ['decimal amount', (b) => (b.order.amount = '200.50'), 'Invalid Field Format. The order.amount format is invalid'],
    ['items that do not add up', (b) => (b.order.amount = '300'), 'Invalid Field Format. The order.amount format is invalid'],
    ['description over 127 characters', (b) => (b.order.description = 'd'.repeat(128)), 'Invalid Field Format. The order.description format is invalid'],
    ['unknown sourceOfFunds.type', (b) => (b.sourceOfFunds.type = 'bitcoin'), 'Invalid Field Format. The sourceOfFunds.type format is invalid'],
    ['javascript: callbackUrl', (b) => (b.url.callbackUrl = 'javascript:alert(1)'), 'Invalid Field Format. The url.callback url format is invalid'],
    ['missing callbackUrl', (b) => delete b.url.callbackUrl, 'Invalid Mandatory Field url.callback url'],
    ['Kredivo without items', (b) => delete b.order.item, 'Invalid Mandatory Field order.item'],
    ['Kredivo item without a unit price', (b) => delete b.order.item[1].unitPrice, 'Invalid Mandatory Field order.item.1.unit price'],
    ['Kredivo without billing', (b) => delete b.billing, 'Invalid Mandatory Field billing'],
    ['Kredivo billing without postcode', (b) => delete b.billing.address.postcodeZip, 'Invalid Mandatory Field billing.address.postcode zip'],
    ['Kredivo billing country not alpha-3', (b) => (b.billing.address.country = 'ID'), 'Invalid Field Format. The billing.address.country format is invalid'],
    ['Kredivo without failUrl', (b) => delete b.url.failUrl, 'Invalid Mandatory Field url.fail url'],
    ['Kredivo without email', (b) => delete b.customer.email, 'Invalid Mandatory Field customer.email'],
    ['malformed email', (b) => (b.customer.email = 'not-an-email'), 'Invalid Field Format. The customer.email format is invalid'],
  ];
  it.each(cases)('400 4000001 for %s', async (_name, mutate, message) => {
    const body = kredivoRequest();
    mutate(body);
    expectGatewayError(await post(JSON.stringify(body)), 400, '4000001', message);
  });

  it('reports the first failing field in document order, one per response', async () => {
    const body = kredivoRequest();
    body.customer.mobilePhone = '0812';
    body.order.id = 'bad id';
    expectGatewayError(await post(JSON.stringify(body)), 400, '4000001', 'Invalid Field Format. The order.id format is invalid');
  });

  it('never stores or half-stores a rejected request', async () => {
    const body = kredivoRequest();
    body.customer.mobilePhone = '0812';
    await post(JSON.stringify(body));
    expect((await checkStatus(sim.instance, body.order.id)).status).toBe(404);
  });

  it('404 with a gateway body for an unknown path, 405 for a wrong method', async () => {
    expectGatewayError(await request(sim.instance.server).get('/pg/payment/card/nothing'), 404, '4040000', /^Not Found/);
    expectGatewayError(await request(sim.instance.server).get('/pg/payment/card/initiate').set('Authorization', basicAuth()), 405, '4050000', /^Method Not Allowed/);
    expectGatewayError(await request(sim.instance.server).delete('/pg/payment/card/check/x'), 405, '4050000', /^Method Not Allowed/);
  });
});

describe('re-initiating an order id', () => {
  it('returns the original answer for an identical request while pending', async () => {
    const body = kredivoRequest();
    const first = await initiate(sim.instance, body);
    const again = await initiate(sim.instance, body);
    expect(again.status).toBe(200);
    // Each answer has its own traceId: it traces the request, not the order.
    const { processingTime: _a, traceId: firstTrace, ...firstRest } = first.body;
    const { processingTime: _b, traceId: againTrace, ...againRest } = again.body;
    expect(againRest).toEqual(firstRest);
    expect(againTrace).not.toBe(firstTrace);
  });

  it('409 4090001 for a different body, or once the order is no longer pending', async () => {
    const body = kredivoRequest();
    await initiate(sim.instance, body);
    const changed = { ...body, order: { ...body.order, description: 'Other' } };
    const conflict = await initiate(sim.instance, changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.responseCode).toBe('4090001');
    expect(conflict.body.responseMessage).toBe('Duplicate Order Id');

    await request(sim.instance.server).get(`/pg/payment/card/cancel/${body.order.id}`).set('Authorization', basicAuth()).expect(200);
    const afterCancel = await initiate(sim.instance, body);
    expect(afterCancel.status).toBe(409);
  });

  it('lets two merchants use the same order id independently', async () => {
    const id = orderId('SAME');
    const a = await initiate(sim.instance, kredivoRequest({ id }));
    const b = await initiate(sim.instance, kredivoRequest({ id }), { id: 'SHOP2', key: 'OtherKey456' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.redirecturl).not.toBe(b.body.redirecturl);
  });
});

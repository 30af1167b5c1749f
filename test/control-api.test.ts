import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { basicAuth, checkStatus, initiate, kredivoRequest, startTestInstance } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const api = () => request(sim.instance.server);
const sim = useSimulator({ reset: true });

async function newOrder(merchant?: { id: string; key: string }) {
  const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb` });
  await initiate(sim.instance, body, merchant);
  return body.order.id as string;
}

describe('transactions', () => {
  it('lists newest first with filters and paging', async () => {
    const a = await newOrder();
    const b = await newOrder();
    const c = await newOrder({ id: 'SHOP2', key: 'OtherKey456' });
    await api().post(`/_mock/transactions/${b}/pay`).expect(200);
    const all = (await api().get('/_mock/transactions')).body;
    expect(all.total).toBe(3);
    expect(all.items.map((t: { orderId: string }) => t.orderId)).toEqual([c, b, a]);
    expect((await api().get('/_mock/transactions?status=PAID')).body.items.map((t: { orderId: string }) => t.orderId)).toEqual([b]);
    expect((await api().get('/_mock/transactions?merchantId=SHOP2')).body.total).toBe(1);
    // A filter that is a list, an object or unknown is refused, never read as no filter.
    for (const query of ['status[]=PAID', 'callback=a&callback=b', 'callback[a]=1', 'colour=red']) {
      const refused = await api().get(`/_mock/transactions?${query}`);
      expect([refused.status, refused.body.title], query).toEqual([400, 'Bad transaction filter']);
    }
    expect((await api().get('/_mock/transactions?channel=kredivo&limit=1&offset=1')).body.items.map((t: { orderId: string }) => t.orderId)).toEqual([b]);
  });

  it('pay, fail, expire and cancel move the order, send the callback, and refuse a second move with 409', async () => {
    for (const [action, status] of [['pay', 'PAID'], ['fail', 'FAILURE'], ['expire', 'EXPIRED'], ['cancel', 'CANCELLED']] as const) {
      const id = await newOrder();
      const res = await api().post(`/_mock/transactions/${id}/${action}`).expect(200);
      expect(res.body.status).toBe(status);
      expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe(status);
      const again = await api().post(`/_mock/transactions/${id}/pay`);
      expect(again.status).toBe(409);
      expect(again.headers['content-type']).toMatch(/problem\+json/);
    }
    await sim.receiver.waitFor(4);
  });

  it('answers problem+json for unknown orders and actions, and asks for merchantId when an id is shared', async () => {
    expect((await api().post('/_mock/transactions/nope/pay')).status).toBe(404);
    const id = await newOrder();
    expect((await api().post(`/_mock/transactions/${id}/explode`)).status).toBe(404);
    await initiate(sim.instance, { ...kredivoRequest({ id }) }, { id: 'SHOP2', key: 'OtherKey456' });
    const ambiguous = await api().get(`/_mock/transactions/${id}`);
    expect(ambiguous.status).toBe(409);
    expect((await api().get(`/_mock/transactions/${id}?merchantId=SHOP2`)).body.merchantId).toBe('SHOP2');
  });

  it('reset of one merchant keeps the others', async () => {
    const mine = await newOrder();
    const theirs = await newOrder({ id: 'SHOP2', key: 'OtherKey456' });
    await api().post('/_mock/reset').send({ merchantId: 'SHOP2' }).expect(200);
    expect((await checkStatus(sim.instance, mine)).status).toBe(200);
    expect((await checkStatus(sim.instance, theirs, { id: 'SHOP2', key: 'OtherKey456' })).status).toBe(404);
    expect((await api().post('/_mock/reset').send({ merchantId: 'NOBODY' })).status).toBe(404);
  });
});

describe('callbacks', () => {
  it('wait long-polls until the callback is delivered, and times out with 408', async () => {
    const id = await newOrder();
    const waiting = api().get(`/_mock/callbacks/wait?orderId=${id}&status=PAID&timeoutMs=5000`);
    setTimeout(() => void api().post(`/_mock/transactions/${id}/pay`).then(() => {}), 100);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId: id, status: 'PAID', state: 'delivered' });
    const timeout = await api().get(`/_mock/callbacks/wait?orderId=${id}&status=FAILURE&timeoutMs=200`);
    expect(timeout.status).toBe(408);
    expect((await api().get('/_mock/callbacks/wait')).status).toBe(400);
  });

  it('resend sends the same bytes again and records the attempt', async () => {
    const id = await newOrder();
    await api().post(`/_mock/transactions/${id}/pay`).expect(200);
    await sim.receiver.waitFor(1);
    const [cb] = (await api().get(`/_mock/callbacks?orderId=${id}`)).body.items;
    const res = await api().post(`/_mock/callbacks/${cb.id}/resend`).expect(200);
    expect(res.body.attempt).toMatchObject({ n: 2, delivered: true, manual: true });
    await sim.receiver.waitFor(2);
    expect(sim.receiver.received[1]!.body).toBe(sim.receiver.received[0]!.body);
    expect((await api().post('/_mock/callbacks/cb_nope/resend')).status).toBe(404);
  });
});

describe('clock', () => {
  it('freezes, advances (running what became due), sets and resets', async () => {
    const frozen = (await api().post('/_mock/clock').send({ action: 'freeze' }).expect(200)).body;
    expect(frozen.frozen).toBe(true);
    const id = await newOrder();
    const advanced = (await api().post('/_mock/clock').send({ action: 'advance', by: '16m' }).expect(200)).body;
    expect(advanced.epochMs - frozen.epochMs).toBe(16 * 60_000);
    expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe('EXPIRED');
    await sim.receiver.waitFor(1);
    const set = (await api().put('/_mock/clock').send({ now: '2030-01-01T00:00:00Z', frozen: true }).expect(200)).body;
    expect(set.now).toBe('2030-01-01T00:00:00.000Z');
    expect((await api().get('/_mock/clock')).body.now).toBe('2030-01-01T00:00:00.000Z');
    const reset = (await api().post('/_mock/clock').send({ action: 'reset' }).expect(200)).body;
    expect(reset.frozen).toBe(false);
    expect(Math.abs(reset.epochMs - Date.now())).toBeLessThan(2000);
  });

  it('walks a whole retry schedule in one advance', async () => {
    sim.receiver.reply = (_req, res) => res.writeHead(500).end();
    await api().post('/_mock/clock').send({ action: 'freeze' });
    const id = await newOrder();
    await api().post(`/_mock/transactions/${id}/pay`).expect(200);
    await sim.receiver.waitFor(1);
    await api().post('/_mock/clock').send({ action: 'advance', by: '3h' }).expect(200);
    const [cb] = (await api().get(`/_mock/callbacks?orderId=${id}`)).body.items;
    expect(cb.attempts).toHaveLength(7);
    expect(cb.state).toBe('gave-up');
  });

  it('refuses unreadable input with problem+json', async () => {
    expect((await api().post('/_mock/clock').send({ action: 'advance', by: 'soon' })).status).toBe(400);
    expect((await api().post('/_mock/clock').send({ action: 'set', to: 'yesterday' })).status).toBe(400);
    expect((await api().post('/_mock/clock').send({ action: 'warp' })).status).toBe(400);
    const notJson = await api().post('/_mock/clock').set('Content-Type', 'application/json').send('{');
    expect(notJson.status).toBe(400);
    expect(notJson.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('request log, signature explainer, OpenAPI', () => {
  it('keeps rejected requests with the exact validation error and field', async () => {
    const body = kredivoRequest();
    body.customer.mobilePhone = '0812';
    await request(sim.instance.server).post('/pg/payment/card/initiate').set('Authorization', basicAuth()).send(body).expect(400);
    const [entry] = (await api().get('/_mock/requests?rejected=true')).body.items;
    expect(entry).toMatchObject({
      method: 'POST', path: '/pg/payment/card/initiate', merchantId: 'FINPAY770', orderId: body.order.id, status: 400,
      responseCode: '4000001', responseMessage: 'Invalid Field Format. The customer.mobile phone format is invalid',
      field: 'customer.mobilePhone', rule: 'pattern',
    });
    expect(JSON.parse(entry.body).customer.mobilePhone).toBe('0812');
  });

  it('keeps the body of a request that was not valid JSON, as received', async () => {
    await request(sim.instance.server).post('/pg/payment/card/initiate').set({ Authorization: basicAuth(), 'Content-Type': 'application/json' })
      .send('{"order": {"id": "CUT-1"').expect(400);
    const [entry] = (await api().get('/_mock/requests?rejected=true')).body.items;
    expect(entry).toMatchObject({ responseCode: '4000000', responseMessage: 'Bad Request. Body is not valid JSON', body: '{"order": {"id": "CUT-1"' });
  });

  it('explains a signature: the exact string signed, the expected value and the usual mistakes', async () => {
    const id = await newOrder();
    await api().post(`/_mock/transactions/${id}/pay`).expect(200);
    const [cb] = await sim.receiver.waitFor(1);
    const ok = (await api().post('/_mock/signature').send({ merchantId: 'FINPAY770', body: cb!.body }).expect(200)).body;
    expect(ok.matches).toBe(true);
    expect(ok.signedString).toBe(cb!.body.replace(/,"signature":"[0-9a-f]+"\}$/, '}'));
    const tampered = JSON.parse(cb!.body);
    tampered.meta = { data: 'https://evil/é' };
    const bad = (await api().post('/_mock/signature').send({ body: tampered }).expect(200)).body;
    expect(bad.matches).toBe(false);
    expect(bad.notes.join(' ')).toMatch(/\\\//);
    expect((await api().post('/_mock/signature').send({ body: '{nope' })).status).toBe(400);
  });

  it('serves an OpenAPI 3.1 document built from the request schemas', async () => {
    const doc = (await api().get('/_mock/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/pg/payment/card/initiate'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/initiate-request');
    expect(doc.components.schemas.customer.properties.mobilePhone.$ref).toBe('#/components/schemas/common/$defs/mobilePhone');
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"[a-z-]+\.json/);
  });
});

describe('admin token', () => {
  it('protects /_mock except health when set', async () => {
    const guarded = await startTestInstance({ adminToken: 'sekret-token' });
    try {
      expect((await request(guarded.server).get('/_mock/health')).status).toBe(200);
      const denied = await request(guarded.server).get('/_mock/transactions');
      expect(denied.status).toBe(401);
      expect(denied.headers['content-type']).toMatch(/problem\+json/);
      expect((await request(guarded.server).get('/_mock/transactions').set('Authorization', 'Bearer wrong-token')).status).toBe(401);
      expect((await request(guarded.server).get('/_mock/transactions').set('Authorization', 'Bearer sekret-token')).status).toBe(200);
      expect((await request(guarded.server).get('/_mock/transactions').set('X-Admin-Token', 'sekret-token')).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});

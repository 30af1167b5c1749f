import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadSchemaFile } from '../server/support/schema-files.js';
import { PATTERN_TEXT } from '../server/validation/hints.js';
import { basicAuth, MERCHANT } from './helpers/instance.js';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';

const lines: string[] = [];
const sim = useSimulator({ log: (line) => lines.push(line) });
const HINT = 'x-finnet-mock-hint';

function send(body: unknown, path = '/pg/payment/card/initiate', auth = basicAuth()) {
  return request(sim.instance.server).post(path).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

/** The info line the simulator wrote for the refusal of `orderId`. */
function refusalLine(orderId: string): string | undefined {
  return lines.find((l) => / info  /.test(l) && l.includes(` ${orderId} refused: `));
}

describe('X-Finnet-Mock-Hint: what a refused gateway request should have sent', () => {
  it('a field that breaks a schema pattern: the real message stays, the hint says the expected form', async () => {
    const body = channelRequest('vabca');
    body.customer.mobilePhone = '081286288844';
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body.responseMessage).toBe('Invalid Field Format. The customer.mobile phone format is invalid');
    expect(res.headers[HINT]).toMatch(/^customer\.mobilePhone must be E\.164 \+62/);
  });

  it('an unknown sourceOfFunds.type lists the accepted types', async () => {
    const res = await send({ ...channelRequest('vabca'), sourceOfFunds: { type: 'bitcoin' } });
    expect(res.headers[HINT]).toMatch(/^sourceOfFunds\.type must be one of: .*kredivo/);
  });

  it('an amount that is not the sum of the items names both', async () => {
    const body = channelRequest('vabca');
    body.order.amount = '250';
    const res = await send(body);
    expect(res.headers[HINT]).toBe('order.amount 250 is not the sum of the items (200)');
  });

  it('a field one channel requires says which channel', async () => {
    const body = channelRequest('kredivo');
    delete body.customer.email;
    const res = await send(body);
    expect(res.body.responseMessage).toBe('Invalid Mandatory Field customer.email');
    expect(res.headers[HINT]).toBe('customer.email is required for the kredivo channel');
  });

  it('an order id already paid: use a new one or reset', async () => {
    const body = channelRequest('vabca');
    await send(body).expect(200);
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).send({}).expect(200);
    const res = await send(body);
    expect(res.body.responseCode).toBe('4090001');
    expect(res.headers[HINT]).toBe(`order.id ${body.order.id} is already used by a paid order: use a new id or POST /_mock/reset`);
  });

  it('an unknown merchant names the configured ones and never a key', async () => {
    const res = await send(channelRequest('vabca'), undefined, `Basic ${Buffer.from('NOPE:whatever').toString('base64')}`);
    expect(res.status).toBe(401);
    expect(res.headers[HINT]).toBe(`Authorization must be Basic base64(merchantId:key); merchant NOPE is not configured (configured: ${MERCHANT.id}, SHOP2)`);
    const wrongKey = await send(channelRequest('vabca'), undefined, `Basic ${Buffer.from(`${MERCHANT.id}:wrong`).toString('base64')}`);
    expect(wrongKey.headers[HINT]).toContain(`merchant ${MERCHANT.id}`);
    for (const hint of [res.headers[HINT], wrongKey.headers[HINT]]) expect(hint).not.toContain(MERCHANT.key);
  });

  it('refusals of the service say what state would have been accepted', async () => {
    const body = channelRequest('vabca');
    await send(body).expect(200);
    const refund = await send({ order: { id: body.order.id, amount: '100' } }, '/pg/payment/card/refund');
    expect(refund.status).toBe(404);
    expect(refund.headers[HINT]).toBe(`order ${body.order.id} is REQUEST_INITIATED and was never paid: only paid orders can be refunded`);
    const check = await request(sim.instance.server).get('/pg/payment/card/check/NO-SUCH-ORDER').set('Authorization', basicAuth());
    expect(check.headers[HINT]).toMatch(/^merchant FINPAY770 has no order NO-SUCH-ORDER/);
  });

  it('every refused request has one, unknown paths and methods included', async () => {
    const unknown = await request(sim.instance.server).get('/pg/payment/card/nope').set('Authorization', basicAuth());
    expect(unknown.headers[HINT]).toContain('POST initiate');
    const method = await request(sim.instance.server).delete('/pg/payment/card/initiate').set('Authorization', basicAuth());
    expect(method.headers[HINT]).toMatch(/takes POST$/);
    const notJson = await request(sim.instance.server).post('/pg/payment/card/initiate').set('Authorization', basicAuth())
      .set('Content-Type', 'application/json').send('{"order":');
    expect(notJson.headers[HINT]).toMatch(/JSON object/);
  });

  it('a hostile value cannot break the header or the log line: ASCII only, no CR/LF, bounded', async () => {
    const hostile = `EVIL\r\nX-Injected: 1\u001b[31m\u2028é${'x'.repeat(5000)}`;
    const res = await request(sim.instance.server).post('/pg/payment/card/initiate')
      .set('Authorization', `Basic ${Buffer.from(`${hostile}:k`).toString('base64')}`).set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...channelRequest('vabca'), order: { id: 'HOSTILE-1', amount: 5 } }));
    expect(res.status).toBe(401);
    const hint = res.headers[HINT] as string;
    expect(hint).toMatch(/^[\x20-\x7e]+$/);
    expect(hint.length).toBeLessThanOrEqual(512);
    expect(hint).toContain('EVIL\\u000d\\u000aX-Injected');
    expect(res.headers['x-injected']).toBeUndefined();
    const line = lines.find((l) => l.includes('EVIL'))!;
    expect(line).toMatch(/ info  initiate - - refused: 4010000 /);
    expect(line.trimEnd()).not.toMatch(/[\p{Cc}\u2028]/u);
    expect(line.length).toBeLessThan(1100);
  });
});

describe('the hint beyond the header', () => {
  it('is in the request log (GET /_mock/requests), on the dashboard and in one info line in the terminal', async () => {
    const body = channelRequest('vabca');
    body.customer.mobilePhone = '0812';
    await send(body).expect(400);
    const { items } = (await request(sim.instance.server).get('/_mock/requests').query({ orderId: body.order.id }).expect(200)).body;
    expect(items[0].hint).toMatch(/^customer\.mobilePhone must be E\.164/);
    const page = await request(sim.instance.server).get('/requests').query({ q: body.order.id }).expect(200);
    expect(page.text).toMatch(/data-testid="request-hint">Expected: customer\.mobilePhone must be E\.164/);
    const line = refusalLine(body.order.id);
    expect(line).toMatch(new RegExp(`info  initiate FINPAY770 ${body.order.id} refused: 4000001 Invalid Field Format\\. The customer\\.mobile phone format is invalid — customer\\.mobilePhone must be E\\.164 \\+62`));
  });

  it('a pattern the request schemas use without a description in the table is caught here', () => {
    const files = ['common.json', 'order.json', 'item.json', 'customer.json', 'url.json', 'address.json', 'billing.json', 'shipping.json',
      'meta.json', 'card.json', 'recurring.json', 'source-of-funds.json', 'device.json', 'initiate-request.json', 'void-request.json',
      'refund-request.json', ...['akulaku', 'dana', 'indodana', 'kredivo', 'linkaja', 'ovo'].map((c) => `channels/${c}.json`)];
    const patterns = new Set<string>();
    const collect = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const { pattern } = node as { pattern?: unknown };
      if (typeof pattern === 'string') patterns.add(pattern);
      Object.values(node).forEach(collect);
    };
    files.forEach((f) => collect(loadSchemaFile(f)));
    expect([...patterns].filter((p) => !(p in PATTERN_TEXT))).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';
import { basicAuth, checkStatus, initiate, MERCHANT, OTHER_MERCHANT, startTestInstance } from './helpers/instance.js';

const sim = useSimulator({ reset: true });

const page = (path: string) => request(sim.instance.server).get(path);
const form = (path: string, fields: Record<string, string>) => request(sim.instance.server).post(path).type('form').send(fields);
const local = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;
const check = async (id: string, merchant?: typeof OTHER_MERCHANT) => (await checkStatus(sim.instance, id, merchant)).body.data;

/** A cc order body for `customerId` with `card` as given, URLs at the receiver. */
function cardBody(card: Record<string, unknown> | undefined, customerId: string | null = 'hajar@example.com') {
  const body = channelRequest('cc', { callbackUrl: `${sim.receiver.url}/cb`, successUrl: `${sim.receiver.url}/ok`, failUrl: `${sim.receiver.url}/ko` });
  if (card) body.card = card;
  if (customerId !== null) body.customer.id = customerId;
  return body;
}

/** Saves `number` for `customerId` through the card page and gives its token. */
async function saveCard(number: string, customerId = 'hajar@example.com', merchant?: typeof OTHER_MERCHANT): Promise<string> {
  const body = cardBody({ storedOnFile: 'TO_BE_STORED' }, customerId);
  const { status, body: answer } = await initiate(sim.instance, body, merchant);
  expect(status).toBe(200);
  const link = local(answer.redirecturl);
  const paid = await form(link, { number, expiry: '12/39', cvv: number.startsWith('37') ? '1000' : '100', action: 'pay' });
  expect(paid.status).toBe(303);
  if (paid.headers.location!.endsWith('/3ds')) await form(`${link}/3ds`, { otp: '1234' });
  const data = await check(body.order.id, merchant);
  expect(data.result.payment.status).toBe('CAPTURED');
  return data.card.token as string;
}

/** A saved card made through the control API (a card that declines now cannot be saved by paying with it). */
async function seedCard(number: string, customerId = 'hajar@example.com'): Promise<string> {
  const res = await request(sim.instance.server).post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId, number });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

describe('saving a card (TO_BE_STORED)', () => {
  it('a captured TO_BE_STORED order carries the new token, mask and brand in check-status and its callback', async () => {
    const body = cardBody({ storedOnFile: 'TO_BE_STORED' });
    const { body: answer } = await initiate(sim.instance, body);
    const link = local(answer.redirecturl);
    expect((await form(link, { number: '4111111111111111', expiry: '12/39', cvv: '100', action: 'pay' })).status).toBe(303);
    const data = await check(body.order.id);
    expect(data.card.token).toMatch(/^[0-9a-f]{64}$/);
    expect(data.card.mask).toBe('411111xxxxxx1111');
    expect(data.card.info.brand).toBe('VISA');
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).card).toEqual(data.card);
  });

  it('an order without storedOnFile saves nothing, and a declined TO_BE_STORED card gets no token', async () => {
    const plain = cardBody(undefined);
    const { body: a } = await initiate(sim.instance, plain);
    await form(local(a.redirecturl), { number: '4111111111111111', expiry: '12/39', cvv: '100', action: 'pay' });
    expect((await check(plain.order.id)).card.token).toBeUndefined();
    const declined = cardBody({ storedOnFile: 'TO_BE_STORED' });
    const { body: b } = await initiate(sim.instance, declined);
    await form(local(b.redirecturl), { number: '4000000000000002', expiry: '12/39', cvv: '100', action: 'pay' });
    const data = await check(declined.order.id);
    expect(data.result.payment.status).toBe('FAILURE');
    expect(data.card.token).toBeUndefined();
  });

  it('the same card saved again by the same customer keeps its token; another customer gets another', async () => {
    const first = await saveCard('5123450000000008');
    expect(await saveCard('5123450000000008')).toBe(first);
    expect(await saveCard('5123450000000008', 'other@example.com')).not.toBe(first);
  });
});


const gateway = (method: 'get' | 'post', path: string, merchant = MERCHANT) =>
  request(sim.instance.server)[method](`/pg/payment/card/${path}`).set('Authorization', basicAuth(merchant));
const oneClick = (body: unknown, merchant = MERCHANT) => gateway('post', 'payment', merchant).send(body as object);
const stored = (token: string) => ({ storedOnFile: 'STORED', token });

describe('two-click initiate (STORED + token)', () => {
  it('answers the card page redirecturl for a usable token', async () => {
    const token = await saveCard('4111111111111111');
    const { status, body } = await initiate(sim.instance, cardBody(stored(token)));
    expect(status).toBe(200);
    expect(body.redirecturl).toMatch(/\/pg\/payment\/card\/access\/[0-9a-f]{64}$/);
  });

  it('fails a two-click order whose saved card was deleted after its initiate, when the shopper pays on its page', async () => {
    const token = await saveCard('4111111111111111');
    const body = cardBody(stored(token));
    const { body: answer } = await initiate(sim.instance, body);
    expect((await request(sim.instance.server).get(`/pg/payment/card/customer/delete/${token}`).set('Authorization', basicAuth())).body.responseCode).toBe('2000000');
    const paid = await form(local(answer.redirecturl), { cvv: '123', action: 'pay' });
    expect(paid.status).not.toBe(303);
    expect(paid.text).toContain('Kartu tersimpan ini sudah dihapus');
    const data = await check(body.order.id);
    expect(data.result.payment.status).toBe('FAILURE');
    expect(data.card?.token).toBeUndefined();
  });

  it('refuses storedOnFile rules with 4000001 on the right field', async () => {
    const token = await saveCard('4111111111111111');
    const cases: [Record<string, any>, string, string][] = [
      [cardBody({ storedOnFile: 'STORED' }), 'Invalid Mandatory Field card.token', 'card.token'],
      [cardBody({ storedOnFile: 'TO_BE_STORED', token }), 'Invalid Field Format. The card.token format is invalid', 'card.token'],
      [{ ...cardBody({ storedOnFile: 'TO_BE_STORED' }), sourceOfFunds: { type: 'vabca' } }, 'Invalid Field Format. The card.stored on file format is invalid', 'card.storedOnFile'],
      [cardBody({ storedOnFile: 'TO_BE_STORED' }, null), 'Invalid Mandatory Field customer.id', 'customer.id'],
      [cardBody(stored(token), null), 'Invalid Mandatory Field customer.id', 'customer.id'],
    ];
    for (const [body, message, field] of cases) {
      const res = await gateway('post', 'initiate').send(body);
      expect(res.status, field).toBe(400);
      expect(res.body.responseCode).toBe('4000001');
      expect(res.body.responseMessage).toBe(message);
      expect(res.headers['x-finnet-mock-hint']).toContain(field.split('.').pop()!.replace('storedOnFile', 'storedOnFile'));
    }
  });

  it('refuses unknown, foreign and deleted tokens with 4000001 on card.token and a hint saying why', async () => {
    const token = await saveCard('4111111111111111');
    const foreignMerchant = await saveCard('4111111111111111', 'hajar@example.com', OTHER_MERCHANT);
    const refused = async (body: Record<string, any>, hint: string) => {
      const res = await gateway('post', 'initiate').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ responseCode: '4000001', responseMessage: 'Invalid Field Format. The card.token format is invalid' });
      expect(res.headers['x-finnet-mock-hint']).toContain(hint);
    };
    await refused(cardBody(stored('ab'.repeat(32))), 'is no saved card of merchant FINPAY770');
    await refused(cardBody(stored(foreignMerchant)), `saved by merchant ${OTHER_MERCHANT.id}`);
    await refused(cardBody(stored(token), 'someone@example.com'), 'was saved for customer hajar@example.com, not customer.id someone@example.com');
    await refused(cardBody(stored('xyz')), '64 hexadecimal characters');
    expect((await gateway('get', `customer/delete/${token}`)).body.responseCode).toBe('2000000');
    await refused(cardBody(stored(token)), 'was deleted');
  });
});

describe('one-click POST /pg/payment/card/payment', () => {
  it('charges a saved success card at once: CAPTURED, check-status data in the answer, its callback with the token', async () => {
    const token = await saveCard('5123450000000008');
    sim.receiver.received.length = 0;
    const body = cardBody(stored(token));
    const res = await oneClick(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ responseCode: '2000000', responseMessage: 'Success' });
    expect(res.body.redirecturl).toBeUndefined();
    expect(res.body.data.result.payment.status).toBe('CAPTURED');
    expect(res.body.data.card).toMatchObject({ token, mask: '512345xxxxxx0008', info: { brand: 'MASTERCARD' } });
    expect(res.body.data).toEqual(await check(body.order.id));
    const [callback] = await sim.receiver.waitFor(1);
    const sent = JSON.parse(callback!.body);
    expect(sent.result.payment.status).toBe('CAPTURED');
    expect(sent.card.token).toBe(token);
  });

  it('a saved declined or insufficient-funds test card ends in FAILURE, a 3-D Secure card is captured', async () => {
    for (const [number, status] of [['4000000000000002', 'FAILURE'], ['4000000000009995', 'FAILURE'], ['4000000000001091', 'CAPTURED']] as const) {
      const token = await seedCard(number);
      const res = await oneClick(cardBody(stored(token)));
      expect(res.body.data.result.payment.status, number).toBe(status);
    }
  });

  it('is idempotent: the same body answers the same order again; another body with its id is 4090001', async () => {
    const token = await saveCard('4111111111111111');
    const body = cardBody(stored(token));
    const first = await oneClick(body);
    const again = await oneClick(body);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first.body.data);
    expect((await request(sim.instance.server).get(`/_mock/transactions/${body.order.id}`)).body.timeline.filter((e: { event: string }) => e.event === 'paid')).toHaveLength(1);
    const changed = await oneClick({ ...body, order: { ...body.order, description: 'other' } });
    expect(changed.status).toBe(409);
    expect(changed.body.responseCode).toBe('4090001');
  });

  it('the same body sent twice at once charges the card once, with one callback', async () => {
    const token = await saveCard('4111111111111111');
    sim.receiver.received.length = 0;
    const body = cardBody(stored(token));
    const [a, b] = await Promise.all([oneClick(body), oneClick(body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.data.order.reference).toBe(b.body.data.order.reference);
    await sim.receiver.waitFor(1);
    const orders = sim.instance.ctx.store.transactions().filter((t) => t.orderId === body.order.id);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.timeline.filter((e) => e.event === 'paid')).toHaveLength(1);
    expect(sim.instance.ctx.store.deliveries().filter((d) => d.orderId === body.order.id)).toHaveLength(1);
  });

  it('the failing-charge scenario (amount 14004) makes a one-click charge FAILURE', async () => {
    const token = await saveCard('4111111111111111');
    const body = cardBody(stored(token));
    body.order.amount = '14004';
    body.order.item = [{ name: 'plan', quantity: '1', unitPrice: '14004', category: 'marketplace' }];
    const res = await oneClick(body);
    expect(res.headers['x-finnet-mock-scenario']).toBe('saved-card-charge-fails');
    expect(res.body.data.result.payment.status).toBe('FAILURE');
  });

  it('refuses a body that is no one-click: not cc, no STORED, no or a bad token', async () => {
    const token = await saveCard('4111111111111111');
    const cases: [Record<string, any>, string][] = [
      [{ ...cardBody(stored(token)), sourceOfFunds: { type: 'vabca' } }, 'Invalid Field Format. The sourceOfFunds.type format is invalid'],
      [cardBody(undefined), 'Invalid Mandatory Field card.stored on file'],
      [cardBody({ storedOnFile: 'TO_BE_STORED' }), 'Invalid Field Format. The card.stored on file format is invalid'],
      [cardBody({ storedOnFile: 'STORED' }), 'Invalid Mandatory Field card.token'],
      [cardBody(stored('cd'.repeat(32))), 'Invalid Field Format. The card.token format is invalid'],
    ];
    for (const [body, message] of cases) {
      const res = await oneClick(body);
      expect(res.status, message).toBe(400);
      expect(res.body).toMatchObject({ responseCode: '4000001', responseMessage: message });
    }
    expect((await gateway('get', 'payment')).status).toBe(405);
  });
});

describe('GET|POST /pg/payment/card/customer/delete/{cardToken}', () => {
  it('deletes the token (2000000); the one-click with it is refused afterwards, a second delete is not found', async () => {
    const token = await saveCard('4111111111111111');
    const res = await gateway('post', `customer/delete/${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ responseCode: '2000000', responseMessage: 'Success' });
    expect((await oneClick(cardBody(stored(token)))).body.responseCode).toBe('4000001');
    const again = await gateway('get', `customer/delete/${token}`);
    expect(again.status).toBe(404);
    expect(again.body.responseCode).toBe('4040000');
    expect(again.headers['x-finnet-mock-hint']).toContain('was deleted');
  });

  it('refuses unknown, another merchant\'s and malformed tokens with clear errors', async () => {
    const foreign = await saveCard('4111111111111111', 'hajar@example.com', OTHER_MERCHANT);
    const unknown = await gateway('get', `customer/delete/${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-finnet-mock-hint']).toContain('is no saved card of merchant FINPAY770');
    const theirs = await gateway('get', `customer/delete/${foreign}`);
    expect(theirs.status).toBe(404);
    expect(theirs.headers['x-finnet-mock-hint']).toContain(`saved by merchant ${OTHER_MERCHANT.id}`);
    for (const bad of ['1234', 'g'.repeat(64), '%zz', 'a'.repeat(65)]) {
      const res = await gateway('get', `customer/delete/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ responseCode: '4000001', responseMessage: 'Invalid Field Format. The card token format is invalid' });
    }
    expect((await request(sim.instance.server).get(`/pg/payment/card/customer/delete/${foreign}`)).status).toBe(401);
  });
});

describe('saved cards across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finnet-saved-cards-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a token saved before the restart pays one-click after it; one deleted before it stays refused', async () => {
    const db = join(dir, 'data.json');
    let instance = await startTestInstance({ db });
    try {
      const api = () => request(instance.server);
      const seeded = async (number: string) => (await api().post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: 'hajar@example.com', number })).body.token as string;
      const kept = await seeded('4111111111111111');
      const dropped = await seeded('5123450000000008');
      expect((await api().get(`/pg/payment/card/customer/delete/${dropped}`).set('Authorization', basicAuth())).body.responseCode).toBe('2000000');
      await instance.stop();
      instance = await startTestInstance({ db });
      const pay = (token: string) => {
        const body = channelRequest('cc');
        body.customer.id = 'hajar@example.com';
        body.card = { storedOnFile: 'STORED', token };
        return api().post('/pg/payment/card/payment').set('Authorization', basicAuth()).send(body);
      };
      const paid = await pay(kept);
      expect(paid.body.data.result.payment.status).toBe('CAPTURED');
      expect(paid.body.data.card.token).toBe(kept);
      expect((await pay(dropped)).headers['x-finnet-mock-hint']).toContain('was deleted');
      expect((await api().get(`/_mock/saved-cards/${dropped}`)).body.deleted).toBe(true);
    } finally {
      await instance.stop();
    }
  });
});

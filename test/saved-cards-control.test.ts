/** Saved cards outside the gateway: the control API, the dashboard page and the transaction page, the library. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinnetMock, type FinnetMock } from '../server/index.js';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';
import { basicAuth, initiate, MERCHANT, OTHER_MERCHANT } from './helpers/instance.js';

const NOT_A_TOKEN = 'f'.repeat(64);

describe('control API /_mock/saved-cards', () => {
  const sim = useSimulator({ reset: true });
  const api = () => request(sim.instance.server);
  const seed = async (customerId: string, number = '4111111111111111', merchantId = MERCHANT.id) => {
    const res = await api().post('/_mock/saved-cards').send({ merchantId, customerId, number });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('seeds a test card for a customer, lists it by merchant and customer, shows it, deletes it once', async () => {
    const visa = await seed('ana@example.com');
    // The same card again keeps its token, and is not created anew; without merchantId it is the first merchant's.
    const resaved = await api().post('/_mock/saved-cards').send({ customerId: 'ana@example.com', number: '4111111111111111' });
    expect([resaved.status, resaved.body.token, resaved.body.merchantId]).toEqual([200, visa.token, MERCHANT.id]);
    expect(visa).toMatchObject({ merchantId: MERCHANT.id, customerId: 'ana@example.com', mask: '411111xxxxxx1111', brand: 'VISA', savedBy: null, deleted: false, deletedAt: null });
    expect(visa.token).toMatch(/^[0-9a-f]{64}$/);
    const amex = await seed('budi@example.com', '378282246310005');
    const other = await seed('ana@example.com', '5123450000000008', OTHER_MERCHANT.id);
    expect((await api().get('/_mock/saved-cards')).body.items.map((c: any) => c.token)).toEqual([other.token, amex.token, visa.token]);
    expect((await api().get('/_mock/saved-cards').query({ merchantId: MERCHANT.id })).body.total).toBe(2);
    expect((await api().get('/_mock/saved-cards').query({ customerId: 'ana@example.com' })).body.items.map((c: any) => c.token)).toEqual([other.token, visa.token]);
    expect((await api().get('/_mock/saved-cards').query({ merchantId: MERCHANT.id, customerId: 'ana@example.com' })).body.items).toEqual([visa]);
    // Pages, newest first: the total counts every match.
    expect((await api().get('/_mock/saved-cards').query({ limit: 2 })).body).toMatchObject({ total: 3, limit: 2, offset: 0, items: [{ token: other.token }, { token: amex.token }] });
    expect((await api().get('/_mock/saved-cards').query({ limit: 2, offset: 2 })).body).toMatchObject({ total: 3, limit: 2, offset: 2, items: [{ token: visa.token }] });
    expect((await api().get(`/_mock/saved-cards/${amex.token}`)).body).toEqual(amex);
    const deleted = await api().delete(`/_mock/saved-cards/${amex.token}`).set('X-Finnet-Mock', '1');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ token: amex.token, deleted: true });
    expect(deleted.body.deletedAt).toMatch(/Z$/);
    const again = await api().delete(`/_mock/saved-cards/${amex.token}`).set('X-Finnet-Mock', '1');
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    // The gateway refuses the token from now on.
    const body = channelRequest('cc');
    body.customer.id = 'budi@example.com';
    body.card = { storedOnFile: 'STORED', token: amex.token };
    expect((await initiate(sim.instance, body)).body.responseCode).toBe('4000001');
  });

  it('answers problems for unknown and malformed tokens, unknown merchants and bad seed bodies', async () => {
    const problem = async (res: request.Response, status: number, title: string) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.title).toBe(title);
    };
    await problem(await api().get(`/_mock/saved-cards/${NOT_A_TOKEN}`), 404, 'Saved card not found');
    await problem(await api().get('/_mock/saved-cards/abc'), 400, 'Bad token');
    await problem(await api().delete('/_mock/saved-cards/abc').set('X-Finnet-Mock', '1'), 400, 'Bad token');
    await problem(await api().delete(`/_mock/saved-cards/${NOT_A_TOKEN}`).set('X-Finnet-Mock', '1'), 404, 'Saved card not found');
    const unknownFilter = await api().get('/_mock/saved-cards').query({ merchantId: 'NOPE' });
    expect([unknownFilter.status, unknownFilter.body]).toEqual([200, { total: 0, limit: 100, offset: 0, items: [] }]);
    // A filter given twice, as a list or an object, or not a filter at all, is refused instead of listing everything.
    await problem(await api().get('/_mock/saved-cards?merchantId[]=NOPE'), 400, 'Bad saved card filter');
    await problem(await api().get('/_mock/saved-cards?customerId=a&customerId=b'), 400, 'Bad saved card filter');
    await problem(await api().get('/_mock/saved-cards?owner=ana'), 400, 'Bad saved card filter');
    await problem(await api().get('/_mock/saved-cards?limit=0'), 400, 'Bad paging');
    await problem(await api().get('/_mock/saved-cards?offset=-1'), 400, 'Bad paging');
    await problem(await api().post('/_mock/saved-cards').send({ merchantId: 7, customerId: 'a', number: '4111111111111111' }), 400, 'Bad merchantId');
    await problem(await api().post('/_mock/saved-cards').send([1]), 400, 'Body required');
    await problem(await api().post('/_mock/saved-cards').send({ merchantId: 'NOPE', customerId: 'a', number: '4111111111111111' }), 404, 'Unknown merchant');
    await problem(await api().post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: '', number: '4111111111111111' }), 400, 'Bad customerId');
    await problem(await api().post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: 'x'.repeat(321), number: '4111111111111111' }), 400, 'Bad customerId');
    await problem(await api().post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: 'a', number: '4111111111111112' }), 400, 'Bad card number');
    await problem(await api().post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: 'a', number: 4111111111111111 }), 400, 'Bad card number');
    // A merchant's reset forgets its saved cards only.
    const mine = await seed('fajar@example.com');
    const theirs = await seed('fajar@example.com', '4111111111111111', OTHER_MERCHANT.id);
    await api().post('/_mock/reset').send({ merchantId: MERCHANT.id }).expect(200);
    expect((await api().get(`/_mock/saved-cards/${mine.token}`)).status).toBe(404);
    expect((await api().get(`/_mock/saved-cards/${theirs.token}`)).status).toBe(200);
    // Mutating calls keep the CSRF guard: a form post from a page is refused.
    expect((await api().delete(`/_mock/saved-cards/${NOT_A_TOKEN}`).set('Origin', 'http://evil.example')).status).toBe(403);
  });

  it('the dashboard lists saved cards with a delete button; an order that saved one shows its token', async () => {
    const body = channelRequest('cc', { callbackUrl: `${sim.receiver.url}/cb` });
    body.customer.id = 'citra@example.com';
    body.card = { storedOnFile: 'TO_BE_STORED' };
    expect((await initiate(sim.instance, body)).status).toBe(200);
    await api().post(`/_mock/transactions/${body.order.id}/pay`).set('X-Finnet-Mock', '1').expect(200);
    const [card] = (await api().get('/_mock/saved-cards')).body.items;
    expect(card).toMatchObject({ customerId: 'citra@example.com', savedBy: body.order.id, mask: '512345xxxxxx0008' });
    const list = await api().get('/saved-cards');
    expect(list.status).toBe(200);
    expect(list.text).toContain('data-testid="nav-saved-cards"');
    expect(list.text).toContain(card.token);
    expect(list.text).toContain(`/saved-cards/${card.token}/delete`);
    const filtered = await api().get('/saved-cards').query({ customer: 'nobody@example.com' });
    expect(filtered.text).toContain('No saved card matches these filters.');
    const txPage = await api().get(`/transactions/${MERCHANT.id}/${body.order.id}`);
    expect(txPage.text).toContain(`data-testid="card-token"`);
    expect(txPage.text).toContain(card.token);
    const origin = new URL(sim.instance.url).origin;
    const deleted = await api().post(`/saved-cards/${card.token}/delete`).set('Origin', origin).type('form').send({});
    expect(deleted.status).toBe(303);
    const after = await api().get(deleted.headers.location!);
    expect(after.text).toContain('its token is refused from now on');
    expect(after.text).toContain('DELETED');
    expect((await api().post(`/saved-cards/${NOT_A_TOKEN}/delete`).set('Origin', origin).type('form').send({})).status).toBe(404);
    const gone = await request(sim.instance.server).get(`/pg/payment/card/customer/delete/${card.token}`).set('Authorization', basicAuth());
    expect(gone.body.responseCode).toBe('4040000');
  });
});

describe('library: savedCards(), saveCard(), deleteSavedCard()', () => {
  let mock: FinnetMock;
  beforeAll(async () => {
    mock = await startFinnetMock();
  });
  afterAll(() => mock.stop());

  it('saves, lists by customer, deletes; a one-click with the saved card works and one after the delete is refused', async () => {
    const saved = await mock.saveCard({ customerId: 'dewi@example.com', number: '4000000000000002' });
    expect(saved).toMatchObject({ customerId: 'dewi@example.com', mask: '400000xxxxxx0002', brand: 'VISA', deleted: false });
    await mock.saveCard({ customerId: 'eko@example.com', number: '4111111111111111' });
    expect(mock.savedCards({ customerId: 'dewi@example.com' })).toEqual([saved]);
    expect(mock.savedCards()).toHaveLength(2);
    const body = channelRequest('cc');
    body.customer.id = 'dewi@example.com';
    body.card = { storedOnFile: 'STORED', token: saved.token };
    const charge = await fetch(`${mock.url}/pg/payment/card/payment`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: mock.merchant.authorization }, body: JSON.stringify(body) });
    expect((await charge.json()).data.result.payment.status).toBe('FAILURE');
    const deleted = await mock.deleteSavedCard(saved.token);
    expect(deleted.deleted).toBe(true);
    await expect(mock.deleteSavedCard(saved.token)).rejects.toThrow('was already deleted');
    await expect(mock.deleteSavedCard(NOT_A_TOKEN)).rejects.toThrow('no saved card');
    await expect(mock.saveCard({ customerId: 'x', number: '1234' })).rejects.toThrow('not a valid');
    await expect(mock.saveCard({ customerId: 'x', number: '4111111111111111', merchantId: 'NOPE' })).rejects.toThrow('no merchant');
    // A copy: changing it changes nothing in the simulator.
    mock.savedCards()[0]!.customerId = 'changed';
    expect(mock.savedCards().map((c) => c.customerId)).not.toContain('changed');
  });
});

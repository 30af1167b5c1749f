import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { useSimulator } from './helpers/suite.js';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, checkStatus, initiate, OTHER_MERCHANT } from './helpers/instance.js';

const sim = useSimulator();

const api = () => request(sim.instance.server);
const auth = { Authorization: basicAuth() };
const voidGet = (id: string) => api().get(`/pg/payment/card/void/${id}`).set(auth);
const voidPost = (body: unknown) => api().post('/pg/payment/card/void').set(auth).send(body as object);
const refund = (body: unknown, method: 'post' | 'get' = 'post') => api()[method]('/pg/payment/card/refund').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
const statusOf = async (id: string) => (await checkStatus(sim.instance, id)).body.data.result.payment.status as string;

/** A paid order on `type` (a card order ends CAPTURED), its callback already received and cleared. */
async function paidOrder(type = 'cc'): Promise<string> {
  const body = channelRequest(type, { callbackUrl: `${sim.receiver.url}/cb` });
  await initiate(sim.instance, body);
  await api().post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
  await sim.receiver.waitFor(1);
  sim.receiver.received.length = 0;
  return body.order.id as string;
}

function expectDone(res: request.Response): void {
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
  expect(res.body.responseCode).toBe('2000000');
}

function expectError(res: request.Response, status: number, code: string, message: string): void {
  expect(res.status).toBe(status);
  expect(res.body.responseCode).toBe(code);
  expect(res.body.responseMessage).toBe(message);
}

describe('void', () => {
  it('GET /void/{orderId} cancels a captured card payment; the CANCELLED state is stored before its callback (with the card) leaves', async () => {
    const id = await paidOrder();
    let seenByReceiver = '';
    sim.receiver.reply = (_req, res) => {
      void statusOf(id).then((status) => {
        seenByReceiver = status;
        res.writeHead(200).end('OK');
      });
    };
    expectDone(await voidGet(id));
    const [callback] = await sim.receiver.waitFor(1);
    await vi.waitFor(() => expect(seenByReceiver).toBe('CANCELLED'));
    sim.receiver.reply = (_req, res) => res.writeHead(200).end();
    const sent = JSON.parse(callback!.body);
    expect(sent.result.payment.status).toBe('CANCELLED');
    expect(sent.card.mask).toBe('512345xxxxxx0008');
    expect(await statusOf(id)).toBe('CANCELLED');
  });

  it('POST /void with {order:{id}} (id as string or integer) and POST /void/{orderId} do the same', async () => {
    expectDone(await voidPost({ order: { id: await paidOrder() } }));
    const numeric = channelRequest('cc');
    numeric.order.id = Number(`9${Date.now()}`);
    await initiate(sim.instance, numeric);
    await api().post(`/_mock/transactions/${numeric.order.id}/pay`).expect(200);
    expectDone(await voidPost({ order: { id: numeric.order.id } }));
    expect(await statusOf(String(numeric.order.id))).toBe('CANCELLED');
    expectDone(await api().post(`/pg/payment/card/void/${await paidOrder()}`).set(auth));
  });

  it('403 4030015 Transaction Not Permitted for an unpaid order, a non-card payment, or twice', async () => {
    const unpaid = channelRequest('cc');
    await initiate(sim.instance, unpaid);
    expectError(await voidGet(unpaid.order.id), 403, '4030015', 'Transaction Not Permitted');
    expect(await statusOf(unpaid.order.id)).toBe('REQUEST_INITIATED');
    expectError(await voidGet(await paidOrder('vabni')), 403, '4030015', 'Transaction Not Permitted');
    const twice = await paidOrder();
    await voidGet(twice).expect(200);
    expectError(await voidGet(twice), 403, '4030015', 'Transaction Not Permitted');
  });

  it('is possible until the capture settles at midnight Jakarta time; afterwards only a refund', async () => {
    await api().put('/_mock/clock').send({ now: '2030-03-10T10:00:00+07:00', frozen: true }).expect(200);
    const sameDay = await paidOrder();
    const nextDay = await paidOrder();
    await api().put('/_mock/clock').send({ now: '2030-03-10T23:59:59+07:00' }).expect(200);
    expectDone(await voidGet(sameDay));
    await api().put('/_mock/clock').send({ now: '2030-03-11T00:00:00+07:00' }).expect(200);
    expectError(await voidGet(nextDay), 403, '4030015', 'Transaction Not Permitted');
    expectDone(await refund({ order: { id: nextDay } }));
    expect(await statusOf(nextDay)).toBe('REFUNDED');
    await api().post('/_mock/clock').send({ action: 'reset' }).expect(200);
  });

  it('404 4040001 for an unknown or another merchant\'s order; 400 for a body without order.id', async () => {
    expectError(await voidGet('NO-SUCH'), 404, '4040001', 'Transaction Not Found');
    const id = await paidOrder();
    const foreign = await api().get(`/pg/payment/card/void/${id}`).set('Authorization', basicAuth(OTHER_MERCHANT));
    expectError(foreign, 404, '4040001', 'Transaction Not Found');
    expectError(await voidPost({ order: {} }), 400, '4000001', 'Invalid Mandatory Field order.id');
    expectError(await voidPost({}), 400, '4000001', 'Invalid Mandatory Field order');
    expect(await statusOf(id)).toBe('CAPTURED');
  });
});

describe('refund', () => {
  it('refunds everything when no amount is given: REFUNDED, one callback with what was refunded', async () => {
    const id = await paidOrder();
    expectDone(await refund({ order: { id } }));
    const [callback] = await sim.receiver.waitFor(1);
    const sent = JSON.parse(callback!.body);
    expect(sent.result.payment).toMatchObject({ status: 'REFUNDED', amount: 200 });
    expect(sent.result.refund).toEqual({ amount: 200, datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) });
    expect(Object.keys(sent)).toEqual(['merchant', 'customer', 'order', 'card', 'transaction', 'sourceOfFunds', 'meta', 'result', 'signature']);
    const check = (await checkStatus(sim.instance, id)).body.data;
    expect(check.result).toEqual(sent.result);
  });

  it('partial refunds (amount as a string, then an integer) go PARTIALLY_REFUNDED, then REFUNDED; each sends a callback', async () => {
    const id = await paidOrder('vamandiri');
    expectDone(await refund({ order: { id, amount: '50' } }));
    expect(await statusOf(id)).toBe('PARTIALLY_REFUNDED');
    expect((await checkStatus(sim.instance, id)).body.data.result.refund.amount).toBe(50);
    expectDone(await refund({ order: { id, amount: 150 } }));
    expect(await statusOf(id)).toBe('REFUNDED');
    const callbacks = await sim.receiver.waitFor(2);
    expect(callbacks.map((c) => JSON.parse(c.body).result.payment.status)).toEqual(['PARTIALLY_REFUNDED', 'REFUNDED']);
    expect(callbacks.map((c) => JSON.parse(c.body).result.refund.amount)).toEqual([50, 200]);
    expectError(await refund({ order: { id, amount: 1 } }), 403, '4030015', 'Transaction Not Permitted');
  });

  it('404 4040013 Invalid Amount for more than is left; nothing changes', async () => {
    const id = await paidOrder('qris');
    expectError(await refund({ order: { id, amount: 201 } }), 404, '4040013', 'Invalid Amount');
    await refund({ order: { id, amount: 120 } }).expect(200);
    expectError(await refund({ order: { id, amount: '81' } }), 404, '4040013', 'Invalid Amount');
    expect(await statusOf(id)).toBe('PARTIALLY_REFUNDED');
    expect((await checkStatus(sim.instance, id)).body.data.result.refund.amount).toBe(120);
  });

  it.each([['0'], [-5], ['12.5'], ['abc']])('400 4000001 for amount %j', async (amount) => {
    const id = await paidOrder('dana');
    expectError(await refund({ order: { id, amount } }), 400, '4000001', 'Invalid Field Format. The order.amount format is invalid');
  });

  it('404 4040001 for an order never paid (as the sandbox answers); a partly refunded card can no longer be voided', async () => {
    const unpaid = channelRequest('vabca');
    await initiate(sim.instance, unpaid);
    expectError(await refund({ order: { id: unpaid.order.id } }), 404, '4040001', 'Transaction Not Found');
    const id = await paidOrder();
    await refund({ order: { id, amount: 20 } }).expect(200);
    expectError(await voidGet(id), 403, '4030015', 'Transaction Not Permitted');
  });

  it('accepts a GET with a JSON body, as some SDKs send it', async () => {
    const id = await paidOrder();
    expectDone(await refund({ order: { id, amount: 30 } }, 'get'));
    expect(await statusOf(id)).toBe('PARTIALLY_REFUNDED');
  });

  it('400 4000000 without a JSON object body, 4040001 for an unknown order, 401 without credentials', async () => {
    expectError(await api().post('/pg/payment/card/refund').set(auth).set('Content-Type', 'text/plain').send('x'), 400, '4000000', 'Bad Request. Content-Type must be application/json');
    expectError(await refund({ order: { id: 'NO-SUCH' } }), 404, '4040001', 'Transaction Not Found');
    expect((await api().post('/pg/payment/card/refund').send({ order: { id: 'x' } })).status).toBe(401);
    expect((await api().delete('/pg/payment/card/refund').set(auth)).status).toBe(405);
  });
});

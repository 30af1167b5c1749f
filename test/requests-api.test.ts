import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinnetMock, type FinnetMock } from '../server/index.js';
import { kredivoRequest } from './helpers/instance.js';

describe('the request log as a verify API', () => {
  let mock: FinnetMock;
  beforeAll(async () => {
    mock = await startFinnetMock();
    const auth = { Authorization: mock.merchant.authorization, 'X-Shop': 'checkout-service' };
    await request(mock.url).post('/pg/payment/card/initiate').set(auth).send(kredivoRequest({ id: 'LOG-1' })).expect(200);
    await request(mock.url).get('/pg/payment/card/check/LOG-1').set(auth).expect(200);
    await request(mock.url).get('/pg/payment/card/check/LOG-1').set(auth).expect(200);
    await request(mock.url).post('/pg/payment/card/initiate').set(auth).send({ order: { id: 'LOG-2' } }).expect(400);
  });
  afterAll(() => mock.stop());

  it('counts calls by path, method, order and status, in the library and over the control API', async () => {
    expect(mock.requests({ path: '/pg/payment/card/check/LOG-1' })).toHaveLength(2);
    expect(mock.requests({ path: '/pg/payment/card/check/*', method: 'get' })).toHaveLength(2);
    expect(mock.requests({ orderId: 'LOG-1', method: 'POST', status: 200 })).toHaveLength(1);
    expect(mock.requests({ status: 400 }).map((r) => r.orderId)).toEqual(['LOG-2']);
    expect(mock.requests({ merchantId: 'NOBODY' })).toEqual([]);
    const res = await request(mock.url).get('/_mock/requests').query({ path: '/pg/payment/card/check/LOG-1', method: 'GET', limit: 1 }).expect(200);
    expect(res.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(res.body.items).toHaveLength(1);
    expect((await request(mock.url).get('/_mock/requests?status=400&orderId=LOG-2').expect(200)).body.total).toBe(1);
  });

  it('keeps each request\'s headers, the merchant key left out', () => {
    const [check] = mock.requests({ path: '/pg/payment/card/check/LOG-1' });
    expect(check!.headers['x-shop']).toBe('checkout-service');
    expect(check!.headers.authorization).toBe('Basic FINPAY770:…');
    expect(JSON.stringify(mock.requests())).not.toContain(mock.merchant.authorization.slice(6));
  });

  it.each([
    ['status=abc', 'status must be an HTTP status from 100 to 599'],
    ['method=G%20T', 'method must be an HTTP method such as GET or POST'],
    ['path=check', 'path must be a path starting with /'],
    ['rejected=yes', 'rejected must be true or false'],
    ['status=200&status=400', 'status must be a single value'],
    ['limit=-1', 'limit must be a whole number from 1 to 1000, got "-1"'],
    ['limit=1.5', 'limit must be a whole number from 1 to 1000'],
    ['limit=1001', 'limit must be a whole number from 1 to 1000'],
    ['offset=abc', 'offset must be a whole number from 0 to'],
    ['offset=99999999999999999999', 'offset must be a whole number from 0 to'],
    ['path[]=x', 'path[] is not a request filter'],
  ])('answers ?%s with a one-line problem+json 400', async (query, detail) => {
    const res = await request(mock.url).get(`/_mock/requests?${query}`).expect(400).expect('Content-Type', /application\/problem\+json/);
    expect(res.body.detail).toContain(detail);
    expect(res.body.detail).not.toContain('\n');
  });

  it('refuses a bad filter in the library with the same sentence', () => {
    expect(() => mock.requests({ status: 'abc' as never })).toThrow('finnet-mock: requests(): status must be an HTTP status from 100 to 599');
    expect(() => mock.requests({ verb: 'GET' } as never)).toThrow('verb is not a request filter (filters: path, method, orderId, merchantId, status, rejected)');
  });
});

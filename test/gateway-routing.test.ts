import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { basicAuth, initiate, kredivoRequest, orderId } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const sim = useSimulator();

function expectGatewayError(res: request.Response, status: number, responseCode: string, message: RegExp): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.responseCode).toBe(responseCode);
  expect(res.body.responseMessage).toMatch(message);
  expect(typeof res.body.processingTime).toBe('number');
  expect(res.body.traceId).toMatch(/\S/);
}

/** The newest request-log entries, through the control API. */
async function loggedRequests(): Promise<Array<Record<string, any>>> {
  return (await request(sim.instance.server).get('/_mock/requests')).body.items;
}

describe('gateway routing: paths and methods answer exactly as the Finpay contract does', () => {
  it('a known path with another method (HEAD and OPTIONS included) is a 405 naming the allowed ones', async () => {
    const api = () => request(sim.instance.server);
    const cases: Array<[request.Test, string]> = [
      [api().head('/pg/payment/card/initiate'), 'POST'],
      [api().options('/pg/payment/card/check/x'), 'GET, POST'],
      [api().put('/pg/payment/card/void'), 'POST'],
      [api().patch('/pg/payment/card/refund'), 'POST, GET'],
      [api().delete('/pg/payment/card/cancel/x'), 'GET, POST'],
    ];
    for (const [pending, allowed] of cases) {
      const res = await pending.set('Authorization', basicAuth());
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allowed);
    }
    expectGatewayError(await api().options('/pg/payment/card/check/x'), 405, '4050000', /^Method Not Allowed\. Use GET, POST$/);
  });

  it('paths match exactly: a trailing slash, another case or an extra segment is a 404 naming the whole path', async () => {
    const auth = { Authorization: basicAuth() };
    for (const path of ['/pg/payment/card/initiate/', '/pg/payment/card/INITIATE', '/pg/payment/card/check/a/b', '/pg/payment/card/check/', '/pg/payment/card/']) {
      const res = await request(sim.instance.server).post(path).set(auth).send(kredivoRequest());
      expectGatewayError(res, 404, '4040000', new RegExp(`^Not Found\\. No route for POST ${path.replace(/[/.]/g, '\\$&')}$`));
    }
  });

  it('order ids in the path are percent-decoded, and one with a malformed escape is looked up as sent (not found)', async () => {
    const id = orderId();
    expect((await initiate(sim.instance, kredivoRequest({ id }))).status).toBe(200);
    const escaped = [...id].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
    const found = await request(sim.instance.server).get(`/pg/payment/card/check/${escaped}`).set('Authorization', basicAuth());
    expect(found.status).toBe(200);
    expect(found.body.data.order.id).toBe(id);
    for (const malformed of [`${id}%E0%A4%A`, '%ZZ', '%']) {
      const res = await request(sim.instance.server).get(`/pg/payment/card/check/${malformed}`).set('Authorization', basicAuth());
      expectGatewayError(res, 404, '4040001', /^Transaction Not Found$/);
    }
  });

  it('every gateway exchange is in the request log with its path as sent, refused ones included; shopper pages are not', async () => {
    await request(sim.instance.server).post('/_mock/reset').expect(200);
    await request(sim.instance.server).delete('/pg/payment/card/check/%ZZ?x=1');
    await request(sim.instance.server).get('/pg/payment/card/nothing');
    await request(sim.instance.server).get('/pg/payment/card/check/abc').set('Authorization', basicAuth());
    await request(sim.instance.server).get('/pg/payment/card/access/unknown-token');
    await request(sim.instance.server).get('/pg/payment/card/v2/access/unknown-token');
    const logged = (await loggedRequests()).map((r) => [r.method, r.path, r.status, r.responseCode]);
    expect(logged).toEqual([
      ['GET', '/pg/payment/card/check/abc', 404, '4040001'],
      ['GET', '/pg/payment/card/nothing', 404, '4040000'],
      ['DELETE', '/pg/payment/card/check/%ZZ?x=1', 405, '4050000'],
    ]);
  });

  it('no path under the gateway prefix ever answers HTML, whatever the method or body', async () => {
    const api = () => request(sim.instance.server);
    const answers = [
      await api().post('/pg/payment/card/initiate').set('Authorization', basicAuth()).set('Content-Type', 'application/json').send('{"order":'),
      await api().post('/pg/payment/card/initiate').set('Authorization', basicAuth()).set('Content-Type', 'text/html').send('<p>'),
      await api().get('/pg/payment/card/cancel/%E0%A4%A').set('Authorization', basicAuth()),
      await api().post('/pg/payment/card/%E0%A4%A'),
      await api().get('/pg/payment/card/v2/access/%E0%A4%A'),
    ];
    for (const res of answers) {
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.responseCode).toMatch(/^4\d{6}$/);
    }
  });
});

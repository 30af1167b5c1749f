import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { loadConfig, ConfigError } from '../server/config.js';
import { startFinnetMock } from '../server/index.js';
import { basicAuth, kredivoRequest, MERCHANT, startTestInstance } from './helpers/instance.js';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';
import type { Instance } from '../server/instance.js';

const sim = useSimulator({ reset: true });
const GW = '/pg/payment/card/';
const api = () => request(sim.instance.server);
const gw = (method: 'get' | 'post', path: string, headers: Record<string, string> = {}) =>
  api()[method](`${GW}${path}`).set({ Authorization: basicAuth(), ...headers });

const addScenario = async (scenario: Record<string, unknown>) => {
  const res = await api().post('/_mock/scenarios').send(scenario);
  expect(res.status, res.text).toBe(201);
};
const kredivo = (amount = 200, id?: string) => {
  const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb`, ...(id ? { id } : {}) });
  body.order.amount = String(amount);
  body.order.item = [{ name: 'Item', quantity: '1', unitPrice: String(amount) }];
  return body;
};
const initiated = async (body: Record<string, any>, headers: Record<string, string> = {}) => {
  const res = await gw('post', 'initiate', headers).send(body);
  expect(res.status, res.text).toBe(200);
  return body.order.id as string;
};
const statusOf = async (orderId: string) => (await gw('get', `check/${orderId}`)).body.data?.result.payment.status;

/** A saved card (control API) and a one-click body paying `amount` with it: CAPTURED at once. */
const oneClickBody = async (amount = 200) => {
  const customerId = `c-${Math.random().toString(36).slice(2, 8)}`;
  const card = await api().post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId, number: '4111111111111111' });
  expect(card.status, card.text).toBe(201);
  const body = channelRequest('cc', { callbackUrl: `${sim.receiver.url}/cb` });
  body.customer.id = customerId;
  body.card = { storedOnFile: 'STORED', token: card.body.token };
  body.order.amount = String(amount);
  body.order.item = [{ name: 'plan', quantity: '1', unitPrice: String(amount), category: 'marketplace' }];
  return { body, token: card.body.token as string };
};
const captured = async () => {
  const { body } = await oneClickBody();
  const res = await gw('post', 'payment').send(body);
  expect(res.body.data?.result.payment.status, res.text).toBe('CAPTURED');
  return body.order.id as string;
};
const paid = async () => {
  const id = await initiated(kredivo());
  await api().post(`/_mock/transactions/${id}/pay`).send({}).expect(200);
  return id;
};
const VA = { customer: { id: 'cust-9', email: 'va@example.com', firstName: 'Va', lastName: 'Nine', mobilePhone: '+6281286288844' }, sourceOfFunds: { type: 'vabca' } };
const openVa = async () => {
  const res = await gw('post', 'openpayment/register').send(VA);
  expect(res.status, res.text).toBe(200);
  return res.body.paymentCode as string;
};

/** Each operation family: the request under a header, and the fault block's key. */
const FAMILIES: { operation: string; send: (headers: Record<string, string>) => Promise<request.Response> }[] = [
  { operation: 'initiate', send: (h) => gw('post', 'initiate', h).send(kredivo()) },
  { operation: 'check', send: async (h) => gw('get', `check/${await initiated(kredivo())}`, h) },
  { operation: 'cancel', send: async (h) => gw('post', `cancel/${await initiated(kredivo())}`, h) },
  { operation: 'void', send: async (h) => gw('post', `void/${await captured()}`, h) },
  { operation: 'void', send: async (h) => gw('post', 'void', h).send({ order: { id: await captured() } }) },
  { operation: 'refund', send: async (h) => gw('post', 'refund', h).send({ order: { id: await paid() } }) },
  { operation: 'oneClick', send: async (h) => gw('post', 'payment', h).send((await oneClickBody()).body) },
  { operation: 'cardDelete', send: async (h) => gw('post', `customer/delete/${(await oneClickBody()).token}`, h) },
  { operation: 'openVaRegister', send: (h) => gw('post', 'openpayment/register', h).send(VA) },
  { operation: 'openVaUpdate', send: async (h) => gw('post', 'openpayment/update', h).send({ ...VA, sourceOfFunds: { type: 'vabca', paymentCode: await openVa() } }) },
  { operation: 'openVaCheck', send: async (h) => gw('get', `openpayment/check/vabca/${await openVa()}`, h) },
  { operation: 'openVaDelete', send: async (h) => gw('post', `openpayment/delete/vabca/${await openVa()}`, h) },
];

describe('faults on every gateway operation', () => {
  it('each operation answers its fault in the gateway format under the header; the others pass', async () => {
    for (const { operation, send } of FAMILIES) {
      await addScenario({ name: 'unavailable', effects: { faults: { [operation]: { httpStatus: 503, responseMessage: 'Service Unavailable' } } } });
      const res = await send({ 'X-Finnet-Mock-Scenario': 'unavailable' });
      expect(res.status, `${operation}: ${res.text}`).toBe(503);
      expect(res.body).toMatchObject({ responseCode: '5000000', responseMessage: 'Service Unavailable', traceId: expect.any(String) });
      expect(res.headers['x-finnet-mock-hint']).toContain(`effects.faults.${operation}`);
      // A scenario without a fault for another operation leaves it alone.
      await addScenario({ name: 'unavailable', effects: { faults: { [operation === 'check' ? 'cancel' : 'check']: { httpStatus: 503 } } } });
      expect((await send({ 'X-Finnet-Mock-Scenario': 'unavailable' })).status, operation).toBe(200);
    }
  });

  it('each operation drops the connection under the header, and is logged with status 0', async () => {
    for (const { operation, send } of FAMILIES) {
      await addScenario({ name: 'dropping', effects: { faults: { [operation]: { dropConnection: true } } } });
      const outcome = await send({ 'X-Finnet-Mock-Scenario': 'dropping' }).then(() => 'answered', (err: Error) => `failed: ${err.message}`);
      expect(outcome, operation).toMatch(/^failed/);
    }
    const log = await api().get('/_mock/requests');
    expect(log.body.items.filter((r: { status: number; scenario?: string }) => r.status === 0 && r.scenario === 'dropping')).toHaveLength(FAMILIES.length);
  });

  it('a non-initiate request is under the scenario its order matched at initiate, without any header', async () => {
    await addScenario({ name: 'order-bound', match: { amount: 16101 }, effects: { faults: { check: { httpStatus: 504 }, refund: { responseCode: '5000000' } } } });
    const id = await initiated(kredivo(16101));
    const check = await gw('get', `check/${id}`);
    expect(check.status).toBe(504);
    expect(check.body.responseCode).toBe('5040000');
    expect(check.headers['x-finnet-mock-scenario']).toBe('order-bound');
    // Another order is not under it; a disabled scenario no longer applies to its orders.
    expect((await gw('get', `check/${await initiated(kredivo())}`)).status).toBe(200);
    await api().patch('/_mock/scenarios/order-bound').send({ enabled: false }).expect(200);
    expect((await gw('get', `check/${id}`)).status).toBe(200);
  });

  it('an unknown scenario name or a bad header parameter is a 400 on any operation', async () => {
    const id = await initiated(kredivo());
    const unknown = await gw('get', `check/${id}`, { 'X-Finnet-Mock-Scenario': 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.responseMessage).toBe('Bad Request. Unknown scenario "nope" in X-Finnet-Mock-Scenario');
    const bad = await gw('get', `check/${id}`, { 'X-Finnet-Mock-Scenario': 'gateway-flaky; colour=blue' });
    expect(bad.status).toBe(400);
    expect(bad.headers['x-finnet-mock-hint']).toContain('key=');
  });

  it('scenario files refuse a delay range that runs backwards, and a rate outside 0..1', async () => {
    const backwards = await api().post('/_mock/scenarios').send({ name: 'bad', effects: { faults: { check: { delay: '2s..200ms' } } } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.detail).toContain('faults.check.delay');
    expect((await api().post('/_mock/scenarios').send({ name: 'bad', effects: { faults: { check: { rate: 1.5 } } } })).status).toBe(400);
    expect((await api().post('/_mock/scenarios').send({ name: 'bad', effects: { faults: { unknownOp: {} } } })).status).toBe(400);
  });
});

describe('shipped fault rows (magic amounts)', () => {
  it('16003 check-status answers 504; 16005 cancel answers 500 and the order stays pending', async () => {
    const slow = await initiated(kredivo(16003));
    expect((await gw('get', `check/${slow}`)).status).toBe(504);
    const kept = await initiated(kredivo(16005));
    const cancel = await gw('post', `cancel/${kept}`);
    expect(cancel.status).toBe(500);
    expect(cancel.body.responseCode).toBe('5000000');
    expect(await statusOf(kept)).toBe('REQUEST_INITIATED');
  });

  it('16004 refund answers 504 although the refund was made, with its callback', async () => {
    const id = await initiated(kredivo(16004));
    await api().post(`/_mock/transactions/${id}/pay`).send({}).expect(200);
    await sim.receiver.waitFor(1);
    const refund = await gw('post', 'refund').send({ order: { id } });
    expect(refund.status).toBe(504);
    expect(await statusOf(id)).toBe('REFUNDED');
    const [, callback] = await sim.receiver.waitFor(2);
    expect(JSON.parse(callback!.body).result.payment.status).toBe('REFUNDED');
  });

  it('16006 one-click drops the connection although the card was charged; the same body again gets the charge', async () => {
    const { body } = await oneClickBody(16006);
    const dropped = await fetch(`${sim.instance.url}${GW}payment`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
    }).then(() => 'answered', () => 'dropped');
    expect(dropped).toBe('dropped');
    const retry = await gw('post', 'payment').send(body);
    expect(retry.status).toBe(200);
    expect(retry.body.data.result.payment.status).toBe('CAPTURED');
  });

  it('16002 slows check-status by a delay picked in 200ms..2s', async () => {
    const id = await initiated(kredivo(16002));
    const started = performance.now();
    await gw('get', `check/${id}`).expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
  });
});

describe('ambiguous outcomes', () => {
  it('13006 drops the initiate, yet the order exists, the retry gets the stored answer, and it pays later with its callback', async () => {
    sim.instance.ctx.clock.freeze();
    const body = kredivo(13006);
    const send = () => fetch(`${sim.instance.url}${GW}initiate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
    });
    expect(await send().then(() => 'answered', () => 'dropped')).toBe('dropped');
    expect(await statusOf(body.order.id)).toBe('REQUEST_INITIATED');
    const retry = await send();
    expect(retry.status).toBe(200);
    const answer = await retry.json() as Record<string, string>;
    expect(answer.redirecturl).toContain('/kredivo/');
    await api().post('/_mock/clock').send({ action: 'advance', by: '10s' }).expect(200);
    expect(await statusOf(body.order.id)).toBe('PAID');
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).order.id).toBe(body.order.id);
    sim.instance.ctx.clock.resume();
  });

  it('a 504 with process on initiate (runtime scenario): the retry with the same body is answered from the stored order', async () => {
    await addScenario({ name: 'ambiguous-504', match: { amount: 16102 }, effects: { initiate: { httpStatus: 504, process: true } } });
    const body = kredivo(16102);
    const first = await gw('post', 'initiate').send(body);
    expect(first.status).toBe(504);
    expect(first.body.responseCode).toBe('5040000');
    const retry = await gw('post', 'initiate').send(body);
    expect(retry.status).toBe(200);
    expect(retry.body.redirecturl).toContain('/kredivo/');
    // Another body with the same order id is still a duplicate.
    body.customer.firstName = 'Other';
    expect((await gw('post', 'initiate').send(body)).body.responseCode).toBe('4090001');
  });
});

describe('chains (sequences) and correlation keys', () => {
  it('13007 answers 504 then 200 per key: two keys interleaved each get their own sequence', async () => {
    const codes: number[] = [];
    for (const key of ['a', 'b', 'a', 'b']) {
      codes.push((await gw('post', 'initiate', { 'X-Finnet-Mock-Scenario': `gateway-timeout-then-ok; key=${key}` }).send(kredivo(13007))).status);
    }
    expect(codes).toEqual([504, 504, 200, 200]);
    // Without a key the matched scenario has a chain of its own; a reset starts every chain again.
    expect((await gw('post', 'initiate').send(kredivo(13007))).status).toBe(504);
    await api().post('/_mock/reset').send({}).expect(200);
    expect((await gw('post', 'initiate', { 'X-Finnet-Mock-Scenario': 'gateway-timeout-then-ok; key=a' }).send(kredivo(13007))).status).toBe(504);
  });

  it('16007 fail, fail, pay across three checkouts per key, with two keys interleaved', async () => {
    sim.instance.ctx.clock.freeze();
    const orders: Record<string, string[]> = { x: [], y: [] };
    for (const key of ['x', 'y', 'x', 'y', 'x', 'y', 'x']) {
      orders[key]!.push(await initiated(kredivo(16007), { 'X-Finnet-Mock-Scenario': `fail-fail-pay; key=${key}` }));
    }
    // A replay of the same body is the same order, and does not move the chain.
    const replay = kredivo(16007, orders.y![0]);
    expect((await gw('post', 'initiate', { 'X-Finnet-Mock-Scenario': 'fail-fail-pay; key=y' }).send(replay)).status).not.toBe(500);
    await api().post('/_mock/clock').send({ action: 'advance', by: '5s' }).expect(200);
    expect(await Promise.all(orders.x!.map(statusOf))).toEqual(['FAILURE', 'FAILURE', 'PAID', 'PAID']);
    expect(await Promise.all(orders.y!.map(statusOf))).toEqual(['FAILURE', 'FAILURE', 'PAID']);
    sim.instance.ctx.clock.resume();
  });

  it('the request log shows the scenario header as sent, key included, while the order is under the named scenario', async () => {
    const header = 'fail-fail-pay; key=log-1';
    const body = kredivo(16007);
    const res = await gw('post', 'initiate', { 'X-Finnet-Mock-Scenario': header }).send(body);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-finnet-mock-scenario']).toBe('fail-fail-pay');
    await addScenario({ name: 'keyed-504', effects: { faults: { check: { httpStatus: 504 } } } });
    const orderId = body.order.id;
    expect((await gw('get', `check/${orderId}`, { 'X-Finnet-Mock-Scenario': 'keyed-504; key=k' })).status).toBe(504);
    const log = (await api().get('/_mock/requests').query({ orderId })).body.items as { path: string; scenario: string; headers: Record<string, string> }[];
    expect(log.map((r) => [r.path.slice(GW.length).split('/')[0], r.scenario, r.headers['x-finnet-mock-scenario']])).toEqual([
      ['check', 'keyed-504', 'keyed-504; key=k'],
      ['initiate', 'fail-fail-pay', header],
    ]);
  });

  it('a fault sequence on check-status moves per request of the order', async () => {
    await addScenario({ name: 'check-chain', match: { amount: 16103 }, effects: { faults: { check: [{ httpStatus: 504 }, { responseCode: '5000000' }, {}] } } });
    const id = await initiated(kredivo(16103));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gw('get', `check/${id}`)).status);
    expect(statuses).toEqual([504, 500, 200, 200]);
  });
});

describe('failure rates under --seed', () => {
  const pattern = async (server: Instance['server'], rate: number) => {
    await request(server).post('/_mock/scenarios').send({ name: 'rated', effects: { faults: { check: { httpStatus: 503, rate } } } }).expect(201);
    const body = kredivoRequest();
    await request(server).post(`${GW}initiate`).set({ Authorization: basicAuth() }).send(body).expect(200);
    const seen: string[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await request(server).get(`${GW}check/${body.order.id}`).set({ Authorization: basicAuth(), 'X-Finnet-Mock-Scenario': 'rated' });
      seen.push(res.status === 503 ? 'x' : '.');
    }
    return seen.join('');
  };

  it('the same seed gives the same pattern (after a reset too), the share is right over 200 requests, another seed differs', async () => {
    const first = await pattern(sim.instance.server, 0.1);
    await api().post('/_mock/reset').send({}).expect(200);
    expect(await pattern(sim.instance.server, 0.1)).toBe(first);
    const failures = first.split('').filter((c) => c === 'x').length;
    expect(failures).toBeGreaterThanOrEqual(8);
    expect(failures).toBeLessThanOrEqual(35);
    const other = await startTestInstance({ seed: 'another seed' });
    try {
      expect(await pattern(other.server, 0.1)).not.toBe(first);
    } finally {
      await other.stop();
    }
  });
});

describe('latency', () => {
  /** Real milliseconds of each of `n` requests made by `send`. */
  const timed = async (n: number, send: () => PromiseLike<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await send();
      times.push(performance.now() - started);
    }
    return times;
  };

  it('a scenario delay range 20ms..40ms holds each answer at least 20 ms, spread over the range', async () => {
    await addScenario({ name: 'jitter', effects: { faults: { check: { delay: '20ms..40ms' } } } });
    const id = await initiated(kredivo());
    const times = await timed(20, () => gw('get', `check/${id}`, { 'X-Finnet-Mock-Scenario': 'jitter' }).expect(200));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(19);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(5);
  });

  it('--latency / FINNET_MOCK_LATENCY read a range, a duration or 0; a bad value is one line', () => {
    expect(loadConfig(['--latency', '20ms..80ms'], {}).latency).toEqual({ minMs: 20, maxMs: 80 });
    expect(loadConfig([], { FINNET_MOCK_LATENCY: '50ms' }).latency).toEqual({ minMs: 50 });
    expect(loadConfig(['--latency', '0'], {}).latency).toBeUndefined();
    expect(() => loadConfig(['--latency', '80ms..20ms'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--latency', '5m'], {})).toThrow(/up to 2 minutes/);
    // A bare number would be seconds, as everywhere else: a unit is asked for instead.
    for (const bare of ['50', '20..80ms', '20ms..80']) expect(() => loadConfig(['--latency', bare], {}), bare).toThrow(/needs a unit on each end/);
  });

  it('the library option holds back every gateway answer (errors too), never /_mock or the pages', async () => {
    const mock = await startFinnetMock({ latency: '30ms..40ms', seed: 3 });
    try {
      const body = kredivoRequest();
      const init = await fetch(`${mock.url}${GW}initiate`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body) });
      const link = new URL((await init.json() as { redirecturl: string }).redirecturl);
      const page = link.pathname + link.search;
      const gateway = await timed(5, () => fetch(`${mock.url}${GW}check/${body.order.id}`, { headers: { Authorization: basicAuth() } }).then((r) => r.text()));
      const refused = await timed(3, () => fetch(`${mock.url}${GW}check/none`).then((r) => r.text()));
      const control = await timed(5, () => fetch(`${mock.url}/_mock/health`).then((r) => r.text()));
      const pages = await timed(3, () => fetch(`${mock.url}${page}`).then((r) => r.text()));
      expect(Math.min(...gateway, ...refused)).toBeGreaterThanOrEqual(29);
      // Baselines measured here: /_mock and the pages answer faster than the least latency the gateway adds.
      expect(Math.min(...control)).toBeLessThan(Math.min(...gateway));
      expect(Math.min(...pages)).toBeLessThan(Math.min(...gateway));
    } finally {
      await mock.stop();
    }
  });
});

describe('the dashboard scenarios page', () => {
  it('says what each gateway fault and outcome sequence does, in words', async () => {
    const page = (await api().get('/scenarios').expect(200)).text.replaceAll('&#34;', '"');
    expect(page).toContain('refund: answers HTTP 504 although the operation is done');
    expect(page).toContain('initiate, request by request: 1. answers HTTP 504 and does nothing; 2. passes (the last repeats)');
    expect(page).toContain('every operation: answers 5000000 and does nothing (10% of requests)');
    expect(page).toContain('check-status: waits 200ms..2s');
    expect(page).toContain('initiate: drops the connection although the operation is done');
    expect(page).toContain('outcome, checkout by checkout: fail, fail, pay, each 5s after its initiate (the last repeats)');
  });
});

describe('a stop while answers are held back', () => {
  it('answers the delayed requests at once instead of waiting them out or resetting them, and stops within the grace period', async () => {
    const instance = await startTestInstance({ latency: { minMs: 50, maxMs: 60 } });
    try {
      const added = await request(instance.server).post('/_mock/scenarios').send({ name: 'slow-checks', effects: { faults: { check: { delay: '60s', httpStatus: 504 } } } });
      expect(added.status, added.text).toBe(201);
      const warnings: Error[] = [];
      const warned = (warning: Error) => warnings.push(warning);
      process.on('warning', warned);
      const held = Array.from({ length: 20 }, () => fetch(`${instance.url}${GW}check/NOPE`, {
        headers: { Authorization: basicAuth(), 'X-Finnet-Mock-Scenario': 'slow-checks' },
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { responseCode: string } })));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = performance.now();
      await instance.stop();
      const stoppedMs = performance.now() - started;
      const answers = await Promise.all(held);
      expect(answers.map((a) => [a.status, a.body.responseCode])).toEqual(Array.from({ length: 20 }, () => [504, '5040000']));
      process.off('warning', warned);
      // Twenty requests held at once are no "possible EventTarget memory leak" in a merchant's test output.
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
      // Held answers go before the 1.5 s grace after which connections are cut.
      expect(stoppedMs).toBeLessThan(1500);
    } finally {
      await instance.stop();
    }
  });
});

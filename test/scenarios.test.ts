import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { loadScenarioFolders, ScenarioError } from '../server/scenarios/loader.js';
import { basicAuth, checkStatus, initiate, kredivoRequest, startTestInstance } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const sim = useSimulator({ reset: true });

/** A Kredivo request whose single item makes the order amount `amount` (the shipped scenarios match on it). */
function orderOf(amount: number, mutate: (b: Record<string, any>) => void = () => {}) {
  const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb` });
  body.order.amount = String(amount);
  body.order.item = [{ name: 'Item', quantity: '1', unitPrice: String(amount) }];
  mutate(body);
  return body;
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  request(sim.instance.server).post('/pg/payment/card/initiate').set({ Authorization: basicAuth(), ...headers }).send(body as object);

describe('shipped scenarios (magic amounts)', () => {
  it('13001 → 500 5000000 General Error, nothing stored, scenario named in a header', async () => {
    const body = orderOf(13001);
    const res = await post(body);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ responseCode: '5000000', responseMessage: 'General Error' });
    expect(res.headers['x-finnet-mock-scenario']).toBe('gateway-general-error');
    expect((await checkStatus(sim.instance, body.order.id)).status).toBe(404);
  });

  it('13005 → 403 4030001 Feature Not Allowed', async () => {
    const res = await post(orderOf(13005));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ responseCode: '4030001', responseMessage: 'Feature Not Allowed' });
  });

  it('13003 drops the connection without an answer', async () => {
    const res = await fetch(`${sim.instance.url}/pg/payment/card/initiate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(orderOf(13003)),
    }).then(() => 'answered', (err: Error) => `failed: ${err.message}`);
    expect(res).toMatch(/^failed/);
    const log = await request(sim.instance.server).get('/_mock/requests');
    expect(log.body.items[0]).toMatchObject({ status: 0, scenario: 'gateway-drop-connection' });
  });

  it('13004 answers 504 after a delay, yet the order exists (ambiguous outcome)', async () => {
    const body = orderOf(13004);
    const started = Date.now();
    const res = await post(body);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(res.status).toBe(504);
    expect(res.body.responseCode).toBe('5040000');
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('REQUEST_INITIATED');
  });

  it('14001 pays by itself 5 s later on the virtual clock, with its callback', async () => {
    sim.instance.ctx.clock.freeze();
    const body = orderOf(14001);
    await post(body).expect(200);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('REQUEST_INITIATED');
    await request(sim.instance.server).post('/_mock/clock').send({ action: 'advance', by: '5s' }).expect(200);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('PAID');
    const [cb] = await sim.receiver.waitFor(1);
    expect(JSON.parse(cb!.body).result.payment.status).toBe('PAID');
  });

  it('14003 makes the link expire after 1 minute', async () => {
    sim.instance.ctx.clock.freeze();
    const start = sim.instance.ctx.clock.now();
    const body = orderOf(14003);
    const res = await post(body).expect(200);
    expect(res.body.expiryLink).toBe(new Date(start + 7 * 3600_000 + 60_000).toISOString().slice(0, 19).replace('T', ' '));
    await sim.instance.ctx.scheduler.advanceTo(start + 61_000);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('EXPIRED');
  });

  it('15001 holds back the first 2 callback attempts; the second retry delivers it', async () => {
    sim.instance.ctx.clock.freeze();
    const body = orderOf(15001);
    await post(body).expect(200);
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    await sim.instance.ctx.scheduler.advanceTo(sim.instance.ctx.clock.now() + 60_000);
    expect(sim.receiver.received).toHaveLength(1);
    const cbs = (await request(sim.instance.server).get(`/_mock/callbacks?orderId=${body.order.id}`)).body.items;
    expect(cbs[0].attempts.map((a: { delivered: boolean }) => a.delivered)).toEqual([false, false, true]);
    expect(cbs[0].attempts[0].error).toMatch(/held back by scenario "callback-fail-first-2"/);
  });

  it('15002 delivers the callback twice', async () => {
    const body = orderOf(15002);
    await post(body).expect(200);
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    const [a, b] = await sim.receiver.waitFor(2);
    expect(a!.body).toBe(b!.body);
  });

  it('15003 signs with a wrong key; 15004 sends unescaped bytes signed over the PHP encoding', async () => {
    const bad = orderOf(15003);
    const unescaped = orderOf(15004, (b) => (b.meta = { data: 'https://shop.example/ä' }));
    for (const body of [bad, unescaped]) {
      await post(body).expect(200);
      await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    }
    await sim.receiver.waitFor(2);
    const explain = async (raw: string) => (await request(sim.instance.server).post('/_mock/signature').send({ body: raw })).body;
    const byOrder = (id: string) => sim.receiver.received.find((r) => JSON.parse(r.body).order.id === id)!.body;
    expect((await explain(byOrder(bad.order.id))).matches).toBe(false);
    const raw = byOrder(unescaped.order.id);
    expect(raw).toContain('https://shop.example/ä');
    expect((await explain(raw)).matches).toBe(true);
  });

  it('15005 never sends the callback and says so', async () => {
    const body = orderOf(15005);
    await post(body).expect(200);
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.receiver.received).toHaveLength(0);
    const cbs = (await request(sim.instance.server).get(`/_mock/callbacks?orderId=${body.order.id}`)).body.items;
    expect(cbs[0]).toMatchObject({ state: 'suppressed', scenario: 'callback-never', attempts: [] });
  });
});

describe('matching and precedence', () => {
  it('runtime scenarios come before file ones, and the first match wins', async () => {
    await request(sim.instance.server).post('/_mock/scenarios').send({ scenarios: [
      { name: 'mine-first', match: { amount: 13001 }, effects: { initiate: { responseCode: '4030001' } } },
      { name: 'mine-second', match: { amount: 13001 }, effects: { initiate: { responseCode: '5040000' } } },
    ] }).expect(201);
    const res = await post(orderOf(13001));
    expect(res.headers['x-finnet-mock-scenario']).toBe('mine-first');
    expect(res.body.responseCode).toBe('4030001');
    await request(sim.instance.server).delete('/_mock/scenarios/mine-first').expect(200);
    expect((await post(orderOf(13001))).headers['x-finnet-mock-scenario']).toBe('mine-second');
  });

  it('matches on channel, amount range, order id pattern, email, phone and merchant together', async () => {
    await request(sim.instance.server).post('/_mock/scenarios').send({
      name: 'narrow', match: { channel: ['kredivo'], amount: { min: 500, max: 600 }, orderId: '^VIP-', email: '@vip\\.test$', phone: '0099$', merchant: 'FINPAY770' },
      effects: { initiate: { responseCode: '4030001' } },
    }).expect(201);
    const vip = (id: string, email: string, phone: string) => orderOf(550, (b) => {
      b.order.id = id;
      b.customer.email = email;
      b.customer.mobilePhone = phone;
    });
    expect((await post(vip('VIP-1', 'a@vip.test', '+628120099'))).status).toBe(403);
    expect((await post(vip('VIP-2', 'a@other.test', '+628120099'))).status).toBe(200);
    expect((await post(vip('STD-3', 'a@vip.test', '+628120099'))).status).toBe(200);
    expect((await post(orderOf(700, (b) => (b.order.id = 'VIP-4')))).status).toBe(200);
  });

  it('the X-Finnet-Mock-Scenario header selects a scenario by name, even one without criteria; an unknown name is a 400', async () => {
    await request(sim.instance.server).post('/_mock/scenarios').send({ name: 'on-demand', effects: { initiate: { responseCode: '5000000' } } }).expect(201);
    expect((await post(orderOf(200))).status).toBe(200);
    const forced = await post(orderOf(200), { 'X-Finnet-Mock-Scenario': 'on-demand' });
    expect(forced.status).toBe(500);
    const unknown = await post(orderOf(200), { 'X-Finnet-Mock-Scenario': 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.responseMessage).toBe('Bad Request. Unknown scenario "nope" in X-Finnet-Mock-Scenario');
  });

  it('a disabled scenario does not match', async () => {
    await request(sim.instance.server).patch('/_mock/scenarios/gateway-general-error').send({ enabled: false }).expect(200);
    expect((await post(orderOf(13001))).status).toBe(200);
    await request(sim.instance.server).patch('/_mock/scenarios/gateway-general-error').send({ enabled: true }).expect(200);
    expect((await post(orderOf(13001))).status).toBe(500);
  });

  it('refuses an invalid runtime scenario with problem+json naming the path', async () => {
    const res = await request(sim.instance.server).post('/_mock/scenarios').send({ name: 'x', effects: { outcome: { action: 'explode' } } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.parse(res.text).detail).toMatch(/\/effects\/outcome\/action.*pay, fail, expire/);
  });
});

describe('scenario files', () => {
  it('a bad file stops loading with the file, the path inside it and what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ name: 'ok', match: { amount: 1 }, effects: { expiry: '1m' } }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ scenarios: [{ name: 'b', effects: { callback: { failFirst: 0 } } }] }));
    expect(() => loadScenarioFolders([dir])).toThrow(ScenarioError);
    expect(() => loadScenarioFolders([dir])).toThrow(/scenario file .*bad\.json: \/scenarios\/0\/effects\/callback\/failFirst: must be >= 1/);
  });

  it('reads YAML files too, and names a YAML mistake with its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(join(dir, 'a.yaml'), 'scenarios:\n  - name: from-yaml\n    match: { amount: 77 }\n    effects:\n      outcome: { action: pay, after: 5s }\n');
    const [loaded] = loadScenarioFolders([dir]);
    expect(loaded).toMatchObject({ name: 'from-yaml', match: { amount: 77 }, effects: { outcome: { action: 'pay', afterMs: 5000 } } });
    writeFileSync(join(dir, 'b.yml'), 'name: broken\neffects: [unclosed\n');
    expect(() => loadScenarioFolders([dir])).toThrow(/scenario file .*b\.yml: /);
  });

  it('names a file that is not JSON, a duplicate name and a missing folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(join(dir, 'a.json'), '{ nope');
    expect(() => loadScenarioFolders([dir])).toThrow(/scenario file .*a\.json: .*JSON/);
    const dup = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(join(dup, 'a.json'), JSON.stringify({ name: 'same', effects: { expiry: 1 } }));
    writeFileSync(join(dup, 'b.json'), JSON.stringify([{ name: 'same', effects: { expiry: 2 } }]));
    expect(() => loadScenarioFolders([dup])).toThrow(/scenario name "same" is already used/);
    expect(() => loadScenarioFolders([join(dup, 'missing')])).toThrow(/cannot read scenario folder/);
  });

  it('every shipped file is valid, and a custom folder replaces the shipped one', async () => {
    expect(sim.instance.ctx.scenarios.all().length).toBeGreaterThanOrEqual(14);
    const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'only.json'), JSON.stringify({ name: 'only', match: { amount: 999 }, effects: { initiate: { responseCode: '5000000' } } }));
    const custom = await startTestInstance({ scenarios: [dir] });
    try {
      expect(custom.ctx.scenarios.all().map((s) => s.name)).toEqual(['only']);
      const res = await initiate(custom, orderOf(999));
      expect(res.status).toBe(500);
    } finally {
      await custom.stop();
    }
  });
});

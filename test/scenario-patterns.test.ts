import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadScenarioFolders, ScenarioError } from '../server/scenarios/loader.js';
import { useSimulator } from './helpers/suite.js';

const sim = useSimulator();
const api = () => request(sim.instance.server);
const addScenario = (scenario: unknown) => api().post('/_mock/scenarios').set('Content-Type', 'application/json').send(JSON.stringify(scenario));
const withOrderId = (name: string, orderId: string) => ({ name, match: { orderId }, effects: { outcome: { action: 'pay', after: '1s' } } });

describe('scenario patterns cannot stall the event loop', () => {
  it.each([
    ['(a+)+$', 'holds a quantifier'],
    ['^(\\d+\\s?)+$', 'holds a quantifier'],
    ['(a|ab)*c', 'holds an alternation'],
    ['.*.*.*x', 'open-ended repeats'],
    ['(a)\\1', 'back-reference'],
    ['a*a*x', 'without a leading ^'],
    ['^a|b*b*x', 'without a leading ^'],
    ['x'.repeat(201), 'longer than 200'],
  ])('the control API refuses %s with a one-line problem+json 400', async (pattern, reason) => {
    const res = await addScenario(withOrderId('slow', pattern));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toContain('match.orderId');
    expect(res.body.detail).toContain(reason);
    expect(res.body.detail).not.toContain('\n');
    expect(sim.instance.ctx.scenarios.get('slow')).toBeUndefined();
  });

  it('a scenario file with such a pattern stops start-up with one line naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-patterns-'));
    try {
      writeFileSync(join(dir, 'slow.json'), JSON.stringify({ name: 'slow', match: { email: '^([a-z]+)*@x$' }, effects: { expiry: '1m' } }));
      expect(() => loadScenarioFolders([dir])).toThrow(ScenarioError);
      expect(() => loadScenarioFolders([dir])).toThrow(/^scenario file .*slow\.json: scenario "slow" match\.email: .*holds a quantifier/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps accepting ordinary patterns', async () => {
    for (const [i, pattern] of ['^VIP-', '@vip\\.test$', '^[a-z]+@[a-z]+\\.com$', '^(\\d{4}-){2}\\d{4}$', '^(com|net)?$'].entries()) {
      expect((await addScenario(withOrderId(`fine-${i}`, pattern))).status).toBe(201);
    }
  });

  it('runs a pattern on a bounded part of the value, so even an accepted one stays fast on a huge one', () => {
    sim.instance.ctx.scenarios.add([{ name: 'two-repeats', enabled: true, match: { orderId: '^.*.*x' }, effects: {}, source: 'runtime' }]);
    const started = performance.now();
    const found = sim.instance.ctx.scenarios.match({ merchantId: 'FINPAY770', channel: 'kredivo', amount: 1, orderId: 'a'.repeat(20_000), email: '', phone: '' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(found).toBeUndefined();
  });

  it('deleting runtime scenarios (one, all, or by a reset) frees their compiled patterns', async () => {
    const registry = sim.instance.ctx.scenarios;
    const base = registry.compiled;
    for (let i = 0; i < 20; i++) expect((await addScenario(withOrderId(`tmp-${i}`, `^T${i}-`))).status).toBe(201);
    expect(registry.compiled).toBe(base + 20);
    await api().delete('/_mock/scenarios/tmp-0').set('Content-Type', 'application/json').send('{}').expect(200);
    expect(registry.compiled).toBe(base + 19);
    await api().post('/_mock/reset').set('Content-Type', 'application/json').send('{}').expect(200);
    expect(registry.compiled).toBe(registry.all().length);
  });
});

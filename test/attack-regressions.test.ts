import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basicAuth, initiate, kredivoRequest } from './helpers/instance.js';
import { mockTransaction, useSimulator } from './helpers/suite.js';

// Failures an attack run on the finished issues 11-13 reproduced; each stays fixed.
const sim = useSimulator();

const postJson = (path: string, body: string) => fetch(`${sim.instance.url}${path}`, {
  method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body,
});

describe('found by attacking the simulator', () => {
  it.each([
    ['a merchantId that is not text', '{"merchantId":123}'],
    ['an empty merchantId', '{"merchantId":""}'],
    ['a misspelt field', '{"merchantid":"SHOP2"}'],
    ['a list', '["SHOP2"]'],
  ])('a reset with %s is refused and forgets nothing', async (_what, body) => {
    const order = kredivoRequest();
    expect((await initiate(sim.instance, order)).status).toBe(200);
    const res = await postJson('/_mock/reset', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await mockTransaction(sim.instance, order.order.id)).toBeDefined();
  });

  it('void ignores an amount that converts itself, instead of answering 500', async () => {
    const res = await postJson('/pg/payment/card/void', '{"order":{"id":"NO-SUCH","amount":{"toString":1,"valueOf":1}}}');
    expect(res.status).toBe(404);
    expect((await res.json()).responseCode).toBe('4040001');
  });

  it('a 1 MB body of brackets to the control API is refused before it is parsed', async () => {
    const body = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
    const started = performance.now();
    const res = await postJson('/_mock/scenarios', body);
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toBe('Body is nested deeper than 64 levels');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a log that can no longer be written (its pipe closed) does not stop the server', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', ':memory:', '--log-level', 'debug'], {
      cwd: join(import.meta.dirname, '..'),
    });
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const deadline = Date.now() + 15_000;
      while (!/listening on (http:\/\/\S+)/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      child.stderr.destroy();
      // Every refused request logs a line; writing them to the closed pipe fails.
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${url}/pg/payment/card/check/NOPE-${i}`, { headers: { Authorization: basicAuth() } });
        expect(res.status).toBe(404);
      }
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

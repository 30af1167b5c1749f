import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth, kredivoRequest } from './helpers/instance.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** The CLI as a process with a small heap, so that a request log pinning bodies runs out of memory. */
async function startServer(heapMb: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', ':memory:', '--log-level', 'error'], {
    cwd: join(import.meta.dirname, '..'),
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 15_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: /listening on (http:\/\/\S+)/.exec(out)![1]!, child };
}

const NEAR_1MB = 1_000_000;

/** Rejected bodies of about 1 MB: not JSON, and JSON whose order id (logged too) is far too long. */
function rejectedBody(i: number): string {
  if (i % 2 === 0) return `{"order":{"id":"R-${i}","description":"${'x'.repeat(NEAR_1MB)}"`;
  const body = kredivoRequest();
  body.order.id = `R${i}-${'y'.repeat(NEAR_1MB)}`;
  return JSON.stringify(body);
}

describe('request log memory', () => {
  it('1 100 rejected 1 MB bodies fit in a 200 MB heap: each log entry keeps a few KB, not the body', async () => {
    const { url, child } = await startServer(200);
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < 1100; i = next++) {
        const res = await fetch(`${url}/pg/payment/card/initiate`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: rejectedBody(i),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(child.exitCode).toBeNull();
    expect(statuses).toEqual(new Map([[400, 1100]]));

    const health = await (await fetch(`${url}/_mock/health`)).json();
    expect(health.memory.heapUsedMb).toBeLessThan(150);
    const { items } = await (await fetch(`${url}/_mock/requests?limit=1000`)).json();
    expect(items.length).toBeGreaterThan(900);
    for (const entry of items) expect(JSON.stringify(entry).length).toBeLessThan(16 * 1024);
  }, 180_000);
});

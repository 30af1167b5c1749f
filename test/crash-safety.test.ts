import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth, kredivoRequest } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function startServer(db: string, extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', db, '--log-level', 'error', ...extra], {
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

const post = (url: string, body: unknown) => fetch(`${url}/pg/payment/card/initiate`, {
  method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
});

describe('crash safety', () => {
  it('kill -9 in the middle of a write burst: the data file loads and every acknowledged order is there', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-crash-')), 'data.json');
    const first = await startServer(db);
    const acknowledged: string[] = [];
    let stop = false;
    const workers = Array.from({ length: 20 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const body = kredivoRequest({ id: `CR-${w}-${i}` });
        try {
          const res = await post(first.url, body);
          if (res.status === 200) acknowledged.push(body.order.id);
          await res.arrayBuffer();
        } catch {
          return;
        }
      }
    });
    while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(existsSync(db)).toBe(true);

    const second = await startServer(db);
    const missing: string[] = [];
    for (let i = 0; i < acknowledged.length; i += 50) {
      await Promise.all(acknowledged.slice(i, i + 50).map(async (id) => {
        const res = await fetch(`${second.url}/pg/payment/card/check/${id}`, { headers: { Authorization: basicAuth() } });
        if (res.status !== 200) missing.push(id);
      }));
    }
    expect(missing).toEqual([]);
  }, 60_000);

  it('pending callbacks resume after kill -9', async () => {
    const receiver = await new CallbackReceiver().start();
    try {
      receiver.reply = (_req, res) => res.writeHead(503).end();
      const db = join(mkdtempSync(join(tmpdir(), 'finnet-crash-')), 'data.json');
      const first = await startServer(db, ['--callback-retries', '1s']);
      const body = kredivoRequest({ callbackUrl: `${receiver.url}/cb` });
      expect((await post(first.url, body)).status).toBe(200);
      expect((await fetch(`${first.url}/_mock/transactions/${body.order.id}/pay`, { method: 'POST' })).status).toBe(200);
      await receiver.waitFor(1);
      await new Promise((r) => setTimeout(r, 100));
      first.child.kill('SIGKILL');

      receiver.reply = (_req, res) => res.writeHead(200).end();
      const second = await startServer(db, ['--callback-retries', '1s']);
      const res = await fetch(`${second.url}/_mock/callbacks/wait?orderId=${body.order.id}&status=PAID&timeoutMs=8000`);
      expect(res.status).toBe(200);
      expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    } finally {
      await receiver.stop();
    }
  }, 60_000);
});

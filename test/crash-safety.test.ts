import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, kredivoRequest } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface Server {
  url: string;
  child: ChildProcess;
  /** What it logged so far. */
  stderr(): string;
}

/** The CLI in a child process; `fileSizeKb` caps the size of any file it writes, as a full disk would. */
async function startServer(db: string, extra: string[] = [], fileSizeKb?: number): Promise<Server> {
  const args = ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', db, '--log-level', 'warn', ...extra];
  const child = fileSizeKb === undefined
    ? spawn(process.execPath, args, { cwd: join(import.meta.dirname, '..') })
    : spawn('bash', ['-c', `ulimit -f ${fileSizeKb} && exec "$0" "$@"`, process.execPath, ...args], { cwd: join(import.meta.dirname, '..') });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 15_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: /listening on (http:\/\/\S+)/.exec(out)![1]!, child, stderr: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function missingOrders(url: string, ids: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map(async (id) => {
      const res = await fetch(`${url}/pg/payment/card/check/${id}`, { headers: { Authorization: basicAuth() } });
      if (res.status !== 200) missing.push(id);
    }));
  }
  return missing;
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
    expect(await missingOrders(second.url, acknowledged)).toEqual([]);
  }, 60_000);

  it('kill -9 in the middle of a burst of open-VA registers, after a subscription and its saved card: every acknowledged record is there', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-crash-')), 'data.json');
    const first = await startServer(db);
    const control = { 'Content-Type': 'application/json', 'X-Finnet-Mock': '1' };
    const subscribing = channelRequest('cc', { id: 'CR-SUB-1' });
    subscribing.customer.id = 'CUST-CRASH';
    subscribing.card = { storedOnFile: 'TO_BE_STORED' };
    subscribing.recurring = { subscribe: 'Y', type: 'PURCHASE', id: 'CRASH-SUB', amount: '50000', interval: 1, intervalUnit: 'monthly' };
    expect((await post(first.url, subscribing)).status).toBe(200);
    expect((await fetch(`${first.url}/_mock/transactions/CR-SUB-1/pay`, { method: 'POST', headers: control })).status).toBe(200);

    const acknowledged: string[] = [];
    let stop = false;
    const workers = Array.from({ length: 20 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const body = { customer: { id: `crash-${w}-${i}`, mobilePhone: '+6281286288844' }, sourceOfFunds: { type: 'vabca' } };
        try {
          const res = await fetch(`${first.url}/pg/payment/card/openpayment/register`, {
            method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
          });
          const answer = (await res.json()) as { paymentCode?: string };
          if (res.status === 200) acknowledged.push(answer.paymentCode!);
        } catch {
          return;
        }
      }
    });
    while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);

    const second = await startServer(db);
    const missing: string[] = [];
    for (const code of acknowledged) {
      const res = await fetch(`${second.url}/pg/payment/card/openpayment/check/vabca/${code}`, { headers: { Authorization: basicAuth() } });
      if (res.status !== 200) missing.push(code);
    }
    expect(missing).toEqual([]);
    const subscription = (await (await fetch(`${second.url}/_mock/subscriptions/CRASH-SUB`)).json()) as { state: string; cardToken: string | null };
    expect(subscription.state).toBe('active');
    const cards = (await (await fetch(`${second.url}/_mock/saved-cards?customerId=CUST-CRASH`)).json()) as { items: { token: string }[] };
    expect(cards.items.map((c) => c.token)).toEqual([subscription.cardToken]);
  }, 60_000);

  it('identical initiates in flight at once, then kill -9: every order acknowledged, first answer or replay, is there', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-crash-')), 'data.json');
    const first = await startServer(db);
    const acknowledged = new Set<string>();
    let stop = false;
    const workers = Array.from({ length: 10 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const body = kredivoRequest({ id: `TW-${w}-${i}` });
        // The same body four times at once: one creates the order, the others are replays of it.
        await Promise.all(Array.from({ length: 4 }, async () => {
          try {
            const res = await post(first.url, body);
            if (res.status === 200) acknowledged.add(body.order.id);
            await res.arrayBuffer();
          } catch {
            stop = true;
          }
        }));
      }
    });
    while (acknowledged.size < 200) await new Promise((r) => setTimeout(r, 2));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    const second = await startServer(db);
    expect(await missingOrders(second.url, [...acknowledged])).toEqual([]);
  }, 60_000);

  it('a disk that fills up: writes that do not fit fail their requests, memory stays as the disk is, and nothing acknowledged is lost', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-full-')), 'data.json');
    const full = await startServer(db, [], 48);
    const acknowledged: string[] = [];
    let refused: Record<string, any> | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const body = kredivoRequest({ id: `FULL-${i}` });
      const res = await post(full.url, body);
      const answer = await res.json();
      if (res.status === 200) acknowledged.push(body.order.id);
      else {
        expect(res.status).toBe(500);
        expect(answer.responseCode).toBe('5000000');
        refused = body;
      }
    }
    expect(refused).toBeDefined();
    expect(acknowledged.length).toBeGreaterThan(5);
    // A retry really retries (no replay from memory), and the order that was not written is not there.
    const retry = await post(full.url, refused);
    expect(retry.status).toBe(500);
    expect((await fetch(`${full.url}/pg/payment/card/check/${refused!.order.id}`, { headers: { Authorization: basicAuth() } })).status).toBe(404);
    const health = await fetch(`${full.url}/_mock/health`);
    expect(health.status).toBe(503);
    expect((await health.json()).store).toMatchObject({ writable: false, problem: expect.stringMatching(/EFBIG/) });
    expect(full.stderr()).toMatch(/a write failed .*EFBIG/);

    // SIGTERM with the disk still full: a clear line, no stack trace, exit 0.
    full.child.kill('SIGTERM');
    expect(await exited(full.child)).toBe(0);
    expect(full.stderr()).not.toMatch(/\n\s+at /);
    const journal = readFileSync(`${db}.journal`, 'utf8');
    expect(journal.endsWith('\n')).toBe(true);

    const after = await startServer(db);
    expect(await missingOrders(after.url, acknowledged)).toEqual([]);
    expect(await missingOrders(after.url, [refused!.order.id])).toEqual([refused!.order.id]);
    expect(after.stderr()).not.toMatch(/torn|cut off/);
    expect((await post(after.url, refused)).status).toBe(200);
  }, 60_000);

  it('a journal bigger than V8 can hold as one string still loads, line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-big-'));
    const db = join(dir, 'data.json');
    const seed = await startServer(db);
    const body = kredivoRequest({ id: 'BIG-1' });
    expect((await post(seed.url, body)).status).toBe(200);
    seed.child.kill('SIGKILL');
    await exited(seed.child);
    // 60 lines of 10 MB (a clock entry padded with JSON whitespace): 600 MB, past the ~512 MB string limit.
    const stream = createWriteStream(`${db}.journal`, { flags: 'a' });
    const padding = Buffer.alloc(10 * 2 ** 20, ' ');
    for (let i = 0; i < 60; i++) {
      stream.write(`{"t":"clock","v":{"offsetMs":${i},"frozenAt":null}}`);
      if (!stream.write(padding)) await new Promise<void>((r) => stream.once('drain', () => r()));
      stream.write('\n');
    }
    await new Promise<void>((r) => stream.end(() => r()));
    expect(statSync(`${db}.journal`).size).toBeGreaterThan(600 * 10 ** 6);
    try {
      const big = await startServer(db);
      expect(await missingOrders(big.url, ['BIG-1'])).toEqual([]);
      // Folded into the snapshot at once: the journal is small again.
      expect(statSync(`${db}.journal`).size).toBeLessThan(1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a second simulator on the same data file is refused while the first runs, and may start once it is gone', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-lock-')), 'data.json');
    const first = await startServer(db);
    const second = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', db], { cwd: join(import.meta.dirname, '..') });
    children.push(second);
    let err = '';
    second.stderr!.on('data', (d) => (err += d));
    expect(await exited(second)).toBe(1);
    expect(err).toMatch(new RegExp(`data file .* is in use by another finnet-mock \\(process ${first.child.pid}`));
    first.child.kill('SIGKILL');
    await exited(first.child);
    const third = await startServer(db);
    expect((await fetch(`${third.url}/_mock/health`)).status).toBe(200);
  }, 60_000);

  it('SIGTERM as soon as the banner is printed still flushes and exits 0', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-term-')), 'data.json');
    for (let i = 0; i < 5; i++) {
      const server = await startServer(db);
      server.child.kill('SIGTERM');
      expect(await exited(server.child)).toBe(0);
      expect(readFileSync(`${db}.journal`, 'utf8')).toMatch(/^\{"t":"gen","v":\d+,"id":"[0-9a-f]{16}"\}\n$/);
    }
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

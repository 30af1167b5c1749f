import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import { Store, StoreError } from '../server/store/store.js';
import { checkStatus, initiate, kredivoRequest, startTestInstance } from './helpers/instance.js';

const started: Instance[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((i) => i.stop()));
});

async function start(db: string): Promise<Instance> {
  const instance = await startTestInstance({ db });
  started.push(instance);
  return instance;
}

describe('data file', () => {
  it('is created on first run and keeps transactions across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const db = join(dir, 'nested', 'data.json');
    const first = await start(db);
    expect(existsSync(db)).toBe(true);
    const body = kredivoRequest();
    const answer = await initiate(first, body);
    await first.stop();
    started.length = 0;

    const second = await start(db);
    const check = await checkStatus(second, body.order.id);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment.status).toBe('REQUEST_INITIATED');
    // The replayed answer is rebuilt from the stored order: same token, on the server's current address.
    const replay = await initiate(second, body);
    expect(new URL(replay.body.redirecturl).search).toBe(new URL(answer.body.redirecturl).search);
    expect(replay.body.expiryLink).toBe(answer.body.expiryLink);
  });

  it('has every acknowledged transaction on disk when the 200 is sent (no torn or temp files left)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const db = join(dir, 'data.json');
    const instance = await start(db);
    const bodies = Array.from({ length: 40 }, () => kredivoRequest());
    await Promise.all(bodies.map((b) => initiate(instance, b)));
    expect(JSON.parse(readFileSync(db, 'utf8')).format).toBe('finnet-mock');
    expect(existsSync(`${db}.journal`)).toBe(true);
    const onDisk = await Store.open(db);
    for (const b of bodies) expect(onDisk.getTransaction('FINPAY770', b.order.id)).toBeDefined();
    expect(existsSync(join(dir, '.data.json.tmp'))).toBe(false);
  });

  it('groups commits: a burst made while a write is under way costs one more write, not one each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const store = await Store.open(join(dir, 'data.json'));
    const before = store.writes;
    const commits = Array.from({ length: 10_000 }, (_, i) => {
      store.addTransaction({ merchantId: 'M', orderId: `B${i}`, token: `t${i}`, createdAt: i } as never);
      return store.commit();
    });
    await Promise.all(commits);
    expect(store.writes - before).toBeLessThanOrEqual(2);
    const reread = await Store.open(join(dir, 'data.json'));
    expect(reread.transactions()).toHaveLength(10_000);
  });

  it('folds the journal into the snapshot on a clean stop, and ignores a line torn by a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const db = join(dir, 'data.json');
    const instance = await start(db);
    const body = kredivoRequest();
    await initiate(instance, body);
    await instance.stop();
    started.length = 0;
    expect(readFileSync(`${db}.journal`, 'utf8')).toMatch(/^\{"t":"gen","v":\d+\}\n$/);
    expect(JSON.parse(readFileSync(db, 'utf8')).transactions.map((t: { orderId: string }) => t.orderId)).toEqual([body.order.id]);

    writeFileSync(`${db}.journal`, '{"t":"tx","v":{"merchantId":"FINPAY770","orderId":"TORN","tok', { flag: 'a' });
    const store = await Store.open(db);
    expect(store.getTransaction('FINPAY770', body.order.id)).toBeDefined();
    expect(store.getTransaction('FINPAY770', 'TORN')).toBeUndefined();
    // The torn line is folded away at once, so the next append does not land on it.
    expect(readFileSync(`${db}.journal`, 'utf8')).not.toContain('TORN');
    await store.commit(store.getTransaction('FINPAY770', body.order.id)!);
    expect((await Store.open(db)).getTransaction('FINPAY770', body.order.id)).toBeDefined();
  });

  it('does not replay a journal older than the snapshot beside it (a crash between the two writes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const db = join(dir, 'data.json');
    const first = await Store.open(db);
    const tx = { merchantId: 'M', orderId: 'OLD', token: 't', createdAt: 1, status: 'REQUEST_INITIATED' } as never;
    first.addTransaction(tx);
    await first.commit();
    const staleJournal = readFileSync(`${db}.journal`, 'utf8');
    first.reset();
    await first.commit();
    writeFileSync(`${db}.journal`, staleJournal);
    const reopened = await Store.open(db);
    expect(reopened.getTransaction('M', 'OLD')).toBeUndefined();
  });

  it('refuses a corrupt file with a clear message and leaves it untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const db = join(dir, 'data.json');
    writeFileSync(db, '{"format":"finnet-mock","transactions":[{"orderId":');
    const before = readFileSync(db);
    await expect(Store.open(db)).rejects.toThrow(StoreError);
    await expect(Store.open(db)).rejects.toThrow(/not valid JSON.*left untouched/);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('refuses a foreign JSON file and leaves it untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-'));
    const db = join(dir, 'package.json');
    writeFileSync(db, '{"name":"something-else"}');
    await expect(Store.open(db)).rejects.toThrow(/not a finnet-mock data file/);
    expect(readFileSync(db, 'utf8')).toBe('{"name":"something-else"}');
  });
});

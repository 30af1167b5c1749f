import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Instance } from '../server/instance.js';
import { createLogger } from '../server/support/logger.js';
import { Journal, JournalWriteError } from '../server/store/journal.js';
import { SnapshotFile } from '../server/store/snapshot.js';
import { Store, StoreError, StoreWriteError } from '../server/store/store.js';
import type { StoredTransaction } from '../server/model/transaction.js';
import { checkStatus, initiate, kredivoRequest, startTestInstance } from './helpers/instance.js';

const started: Instance[] = [];
const opened: Store[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(started.splice(0).map((i) => i.stop()));
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function start(db: string): Promise<Instance> {
  const instance = await startTestInstance({ db });
  started.push(instance);
  return instance;
}

async function open(db: string, options: Parameters<typeof Store.open>[1] = {}): Promise<Store> {
  const store = await Store.open(db, options);
  opened.push(store);
  return store;
}

function dataFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'data.json');
}

/** A complete stored order, as the service would make it. */
function storedTx(orderId: string, changes: Partial<StoredTransaction> = {}): StoredTransaction {
  return {
    merchantId: 'M', orderId, channel: 'kredivo', status: 'REQUEST_INITIATED', amount: 200, currency: 'IDR',
    requestJson: JSON.stringify({ order: { id: orderId, amount: '200' } }), token: `tok-${orderId}`, createdAt: 1, expiresAt: 2,
    reference: '', refundedAmount: 0, checkout: { step: 'signin', otpFailures: 0, pinFailures: 0 }, timeline: [], ...changes,
  };
}

function captureLog(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('debug', (line) => lines.push(line)), lines };
}

describe('data file', () => {
  it('is created on first run and keeps transactions across a restart', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'nested', 'data.json');
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
    const db = dataFile();
    const instance = await start(db);
    const bodies = Array.from({ length: 40 }, () => kredivoRequest());
    await Promise.all(bodies.map((b) => initiate(instance, b)));
    expect(JSON.parse(readFileSync(db, 'utf8')).format).toBe('finnet-mock');
    expect(existsSync(`${db}.journal`)).toBe(true);
    const onDisk = await open(db);
    for (const b of bodies) expect(onDisk.getTransaction('FINPAY770', b.order.id)).toBeDefined();
    expect(existsSync(join(db, '..', '.data.json.tmp'))).toBe(false);
  });

  it('answers the replay of an identical initiate only once the first one is on disk', async () => {
    const instance = await start(dataFile());
    const append = Journal.prototype.append;
    const written: number[] = [];
    vi.spyOn(Journal.prototype, 'append').mockImplementation(async function (this: Journal, entries) {
      await new Promise((r) => setTimeout(r, 300));
      await append.call(this, entries);
      written.push(performance.now());
    });
    const body = kredivoRequest();
    const first = initiate(instance, body);
    await new Promise((r) => setTimeout(r, 50));
    const replay = await initiate(instance, body);
    const answeredAt = performance.now();
    expect(replay.status).toBe(200);
    expect(written.length).toBeGreaterThan(0);
    expect(answeredAt).toBeGreaterThanOrEqual(written[0]!);
    expect((await first).status).toBe(200);
  });

  it('groups commits: a burst made while a write is under way costs one more write, not one each', async () => {
    const db = dataFile();
    const store = await open(db);
    const before = store.writes;
    const commits = Array.from({ length: 10_000 }, (_, i) => {
      store.addTransaction(storedTx(`B${i}`, { createdAt: i }));
      return store.commit();
    });
    await Promise.all(commits);
    expect(store.writes - before).toBeLessThanOrEqual(2);
    await store.close();
    expect((await open(db)).transactions()).toHaveLength(10_000);
  });

  it('folds the journal by bytes as well as by lines, so one order touched many times keeps it small', async () => {
    const db = dataFile();
    const store = await open(db, { foldAfterBytes: 256 * 1024 });
    const tx = storedTx('HOT');
    store.addTransaction(tx);
    let largest = 0;
    let written = 0;
    // 4.4 MB of changes to one order. Folds run beside the appends, so the journal overshoots the threshold by
    // what arrives during one fold (more on a loaded machine), but never grows with the number of changes.
    for (let i = 0; i < 4_000; i++) {
      tx.timeline = [{ at: i, event: 'x'.repeat(1000) }];
      await store.commit(tx);
      written += JSON.stringify(tx).length;
      largest = Math.max(largest, statSync(`${db}.journal`).size);
    }
    expect(largest).toBeLessThan(written / 2);
    expect(statSync(`${db}.journal`).size).toBeLessThan(written / 2);
    await store.close();
    expect((await open(db)).getTransaction('M', 'HOT')!.timeline[0]!.at).toBe(3_999);
  });

  it('folds the journal into the snapshot on a clean stop', async () => {
    const db = dataFile();
    const instance = await start(db);
    const body = kredivoRequest();
    await initiate(instance, body);
    await instance.stop();
    started.length = 0;
    expect(readFileSync(`${db}.journal`, 'utf8')).toMatch(/^\{"t":"gen","v":\d+,"id":"[0-9a-f]{16}"\}\n$/);
    expect(JSON.parse(readFileSync(db, 'utf8')).transactions.map((t: { orderId: string }) => t.orderId)).toEqual([body.order.id]);
  });

  it('drops only a torn last line, says so with its size, and appends on a clean line after it', async () => {
    const db = dataFile();
    const first = await open(db);
    first.addTransaction(storedTx('KEPT'));
    await first.commit();
    await first.close();
    const torn = '{"t":"tx","v":{"merchantId":"M","orderId":"TORN","tok';
    appendFileSync(`${db}.journal`, torn);
    const { logger, lines } = captureLog();
    const store = await open(db, { logger });
    expect(store.getTransaction('M', 'KEPT')).toBeDefined();
    expect(store.getTransaction('M', 'TORN')).toBeUndefined();
    expect(lines.join('')).toContain(`${db}.journal: dropped its last line, ${torn.length} bytes`);
    expect(readFileSync(`${db}.journal`, 'utf8')).not.toContain('TORN');
    store.addTransaction(storedTx('AFTER'));
    await store.commit();
    await store.close();
    const reopened = await open(db);
    expect(reopened.getTransaction('M', 'AFTER')).toBeDefined();
  });

  it('skips a journal left from a crash between a fold and the journal starting afresh, and refuses any other', async () => {
    const db = dataFile();
    const first = await open(db);
    first.addTransaction(storedTx('OLD'));
    await first.commit();
    const older = readFileSync(`${db}.journal`);
    first.getTransaction('M', 'OLD')!.status = 'CANCELLED';
    await first.commit(first.getTransaction('M', 'OLD')!);
    const folded = readFileSync(`${db}.journal`);
    await first.compact();
    writeFileSync(`${db}.journal`, folded);
    const reopened = await open(db);
    expect(reopened.getTransaction('M', 'OLD')!.status).toBe('CANCELLED');
    await reopened.close();
    // The snapshot says how much of which journal it folded in; an older, shorter copy of it is not that journal.
    writeFileSync(`${db}.journal`, older);
    await expect(Store.open(db)).rejects.toThrow(/it is shorter \(\d+ bytes\) than the \d+ bytes that .* says it folded in/);
  });

  it('keeps appending while a fold writes its snapshot, and reads the journal from where a fold left it after a crash', async () => {
    const db = dataFile();
    const store = await open(db, { foldAfterBytes: 1 });
    // The journal cannot be started afresh after the fold, as if the process died right after the snapshot's rename.
    vi.spyOn(Journal.prototype, 'rebase').mockRejectedValue(new Error('killed'));
    store.addTransaction(storedTx('BEFORE', { timeline: [{ at: 1, event: 'x'.repeat(2000) }] }));
    await store.commit();
    for (let i = 0; i < 20; i++) {
      store.addTransaction(storedTx(`AFTER-${i}`, { createdAt: 10 + i }));
      await store.commit();
    }
    const snapshot = readFileSync(db, 'utf8');
    expect(JSON.parse(snapshot).generation).toBeGreaterThan(Number(/"v":(\d+)/.exec(readFileSync(`${db}.journal`, 'utf8'))![1]));
    vi.restoreAllMocks();
    const reopened = await Store.open(db);
    opened.push(reopened);
    expect(reopened.transactions().map((t) => t.orderId)).toEqual(['BEFORE', ...Array.from({ length: 20 }, (_, i) => `AFTER-${i}`)]);
    // Folded again at start-up: the journal beside the snapshot is its own.
    expect(readFileSync(`${db}.journal`, 'utf8')).toMatch(/^\{"t":"gen","v":\d+,"id":"[0-9a-f]{16}"\}\n$/);
  });

  it('never installs a snapshot that caught a change whose write then failed', async () => {
    const db = dataFile();
    const store = await open(db);
    const tx = storedTx('RACE');
    store.addTransaction(tx);
    await store.commit();
    // The fold's snapshot is written while the order is cancelled and before that write fails: it catches the cancel.
    const writeTemp = SnapshotFile.prototype.writeTemp;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(SnapshotFile.prototype, 'writeTemp').mockImplementation(async function (this: SnapshotFile, data) {
      await held;
      return writeTemp.call(this, data);
    });
    // A reset (of another merchant) asks for a fold; it waits on the held snapshot write.
    store.reset('OTHER');
    await store.commit();
    vi.spyOn(Journal.prototype, 'append').mockImplementationOnce(async () => {
      release();
      await new Promise((r) => setTimeout(r, 50));
      throw new JournalWriteError('ENOSPC');
    });
    tx.status = 'CANCELLED';
    await expect(store.commit(tx)).rejects.toThrow(StoreWriteError);
    expect(tx.status).toBe('REQUEST_INITIATED');
    await new Promise((r) => setTimeout(r, 50));
    vi.restoreAllMocks();
    await store.close();
    expect((await open(db)).getTransaction('M', 'RACE')!.status).toBe('REQUEST_INITIATED');
  });

  it('puts memory back as the disk is when a write fails: new orders go, changed ones come back, health says so', async () => {
    const db = dataFile();
    const { logger, lines } = captureLog();
    const store = await open(db, { logger });
    const kept = storedTx('KEPT');
    store.addTransaction(kept);
    await store.commit();
    vi.spyOn(Journal.prototype, 'append').mockRejectedValueOnce(new JournalWriteError(`${db}.journal: ENOSPC`));
    kept.status = 'CANCELLED';
    kept.timeline.push({ at: 5, event: 'cancelled' });
    store.addTransaction(storedTx('NEW'));
    const failed = store.commit(kept);
    await expect(failed).rejects.toThrow(StoreWriteError);
    expect(store.getTransaction('M', 'NEW')).toBeUndefined();
    expect(store.getByToken('tok-NEW')).toBeUndefined();
    expect(kept.status).toBe('REQUEST_INITIATED');
    expect(kept.timeline).toEqual([]);
    expect(store.health).toEqual({ writable: false, problem: `${db}.journal: ENOSPC` });
    expect(lines.join('')).toMatch(/a write failed .*ENOSPC/);

    kept.status = 'CANCELLED';
    await store.commit(kept);
    expect(store.health.writable).toBe(true);
    await store.close();
    expect((await open(db)).getTransaction('M', 'KEPT')!.status).toBe('CANCELLED');
  });

  it('a reset that cannot be written forgets nothing', async () => {
    const store = await open(dataFile());
    store.addTransaction(storedTx('A'));
    await store.commit();
    vi.spyOn(Journal.prototype, 'append').mockRejectedValueOnce(new JournalWriteError('ENOSPC'));
    store.reset();
    await expect(store.commit()).rejects.toThrow(StoreWriteError);
    expect(store.getTransaction('M', 'A')).toBeDefined();
    expect(store.transactions()).toHaveLength(1);
  });

  it('replays a reset in the journal: it forgets what came before it, of one merchant or all', async () => {
    const db = dataFile();
    const store = await open(db);
    store.addTransaction(storedTx('A'));
    store.addTransaction(storedTx('B', { merchantId: 'OTHER', token: 'tok-B2' }));
    await store.commit();
    await store.close();
    appendFileSync(`${db}.journal`, `${JSON.stringify({ t: 'reset', m: 'M' })}\n${JSON.stringify({ t: 'tx', v: storedTx('C') })}\n`);
    expect((await open(db)).transactions().map((t) => t.orderId)).toEqual(['B', 'C']);
  });
});

describe('data files that cannot be trusted are refused, untouched, with one clear line', () => {
  /** A data file with one order in its snapshot and one in its journal. */
  async function twoOrders(): Promise<string> {
    const db = dataFile();
    const store = await open(db);
    store.addTransaction(storedTx('SNAP'));
    await store.commit();
    await store.compact();
    const again = await Store.open(db);
    again.addTransaction(storedTx('JOURNAL'));
    await again.commit();
    await again.close();
    return db;
  }

  async function expectRefused(db: string, message: RegExp): Promise<void> {
    const files = [db, `${db}.journal`].map((f) => (existsSync(f) ? readFileSync(f) : null));
    const error = await Store.open(db).then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/Cannot read properties|undefined/);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    [db, `${db}.journal`].forEach((f, i) => expect(existsSync(f) ? readFileSync(f) : null).toEqual(files[i]));
  }

  it('a snapshot that is not JSON', async () => {
    const db = dataFile();
    writeFileSync(db, '{"format":"finnet-mock","transactions":[{"orderId":');
    await expectRefused(db, /not valid JSON.*left untouched/);
  });

  it('a foreign JSON file', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'package.json');
    writeFileSync(db, '{"name":"something-else"}');
    await expectRefused(db, /not a finnet-mock data file/);
  });

  it('a snapshot cut off before its end', async () => {
    const db = await twoOrders();
    const text = readFileSync(db, 'utf8');
    writeFileSync(db, text.slice(0, text.indexOf('],"deliveries"')));
    await expectRefused(db, /ends before its last record/);
  });

  it('a journal with an unreadable line before its last', async () => {
    const db = await twoOrders();
    const lines = readFileSync(`${db}.journal`, 'utf8').split('\n');
    writeFileSync(`${db}.journal`, [lines[0], '{"t":"tx","v":{"merch', ...lines.slice(1)].join('\n'));
    await expectRefused(db, /journal cannot be used: line 2 is not valid JSON/);
  });

  it('a journal with a tail of NUL bytes', async () => {
    const db = await twoOrders();
    appendFileSync(`${db}.journal`, Buffer.alloc(4096));
    await expectRefused(db, /NUL bytes/);
  });

  it('a journal of an older snapshot generation than the crash case', async () => {
    const db = await twoOrders();
    const text = readFileSync(`${db}.journal`, 'utf8');
    const generation = Number(/"v":(\d+)/.exec(text)![1]);
    writeFileSync(`${db}.journal`, text.replace(`{"t":"gen","v":${generation},`, `{"t":"gen","v":${generation - 2},`));
    await expectRefused(db, /follows snapshot generation .* do not belong together/);
  });

  it('a snapshot of a future generation', async () => {
    const db = await twoOrders();
    const text = readFileSync(db, 'utf8');
    writeFileSync(db, text.replace(/"generation":\d+/, '"generation":99'));
    await expectRefused(db, /at generation 99, so they do not belong together/);
  });

  it('a journal without its data file', async () => {
    const db = await twoOrders();
    const journal = readFileSync(`${db}.journal`);
    const other = dataFile();
    writeFileSync(`${other}.journal`, journal);
    await expectRefused(other, /its data file .* is not/);
  });

  it('a snapshot whose clock is null', async () => {
    const db = await twoOrders();
    writeFileSync(db, readFileSync(db, 'utf8').replace(/"clock":\{[^}]*\}/, '"clock":null'));
    await expectRefused(db, /clock is null/);
  });

  it('a snapshot with a transaction without its request', async () => {
    const db = await twoOrders();
    writeFileSync(db, readFileSync(db, 'utf8').replace(/"requestJson":"(?:[^"\\]|\\.)*",/, ''));
    await expectRefused(db, /line 2: the transaction has no requestJson/);
  });

  it('a snapshot with a null where a transaction should be', async () => {
    const db = await twoOrders();
    writeFileSync(db, readFileSync(db, 'utf8').replace(/\n\{"merchantId".*\n/, '\nnull\n'));
    await expectRefused(db, /line 2: the transaction is null, not an object/);
  });

  it('a journal of another data file of the same generation', async () => {
    const db = await twoOrders();
    const other = await twoOrders();
    writeFileSync(`${db}.journal`, readFileSync(`${other}.journal`));
    await expectRefused(db, /journal cannot be used: it belongs to another data file/);
  });

  it('a transaction whose request is not a JSON object', async () => {
    const db = await twoOrders();
    writeFileSync(db, readFileSync(db, 'utf8').replace(/"requestJson":"(?:[^"\\]|\\.)*"/, '"requestJson":"not json"'));
    await expectRefused(db, /line 2: the transaction requestJson must match pattern/);
  });

  it('a journal with a malformed record', async () => {
    const db = await twoOrders();
    appendFileSync(`${db}.journal`, '{"t":"tx","v":{"merchantId":"M"}}\n');
    await expectRefused(db, /line 3 holds a transaction that has no orderId/);
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { ClockState } from '../clock/clock.js';
import type { Delivery } from '../callbacks/types.js';
import type { StoredTransaction } from '../transactions/types.js';
import { Journal, type JournalContent, type JournalEntry } from './journal.js';
import { releaseStartupGarbage } from './release-memory.js';

export const FORMAT = 'finnet-mock';
export const FORMAT_VERSION = 2;

/** The whole data file. */
export interface DataShape {
  format: typeof FORMAT;
  version: number;
  transactions: StoredTransaction[];
  deliveries: Delivery[];
  clock: ClockState;
  /** Counts snapshots, so a journal left over from before the latest one is known to be stale. */
  generation?: number;
}

export class StoreError extends Error {}

function emptyData(): DataShape {
  return { format: FORMAT, version: FORMAT_VERSION, transactions: [], deliveries: [], clock: { offsetMs: 0, frozenAt: null } };
}

function txKey(merchantId: string, orderId: string): string {
  return `${merchantId}\n${orderId}`;
}

/** A record whose changes are written by `commit`. */
export type Persisted = StoredTransaction | Delivery;

// Past this many orders, the text the data file was parsed from is worth freeing right away.
const LARGE_DATA_FILE = 10_000;
// The journal is folded into the snapshot once it holds this many lines and more than the snapshot has records.
const COMPACT_AFTER_LINES = 20_000;

/**
 * Transactions and callback deliveries, kept in memory with indexes and persisted as a lowdb snapshot
 * (`<db>`, written atomically: temp file + rename) plus an append-only journal (`<db>.journal`) of the
 * records each commit changed. Commits are grouped: every `commit()` made while a write is under way is
 * satisfied by the one next write, so a burst of requests costs a bounded number of writes, and the cost of
 * a write depends on what changed, not on how much is stored.
 */
export class Store {
  private readonly txIndex = new Map<string, StoredTransaction>();
  private readonly deliveryIndex = new Map<string, Delivery>();
  private readonly tokenIndex = new Map<string, StoredTransaction>();
  private readonly orderIndex = new Map<string, StoredTransaction[]>();
  private readonly deliveriesByOrder = new Map<string, Delivery[]>();
  private writing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private readonly dirty = new Set<Persisted>();
  private clockDirty = false;
  private snapshotDue = false;
  /** How many writes (journal appends or snapshots) were made; tests and the benchmark read it. */
  writes = 0;

  private constructor(private readonly db: Low<DataShape>, readonly path: string, private readonly journal: Journal | null) {
    this.reindex();
  }

  private reindex(): void {
    this.txIndex.clear();
    this.tokenIndex.clear();
    this.orderIndex.clear();
    this.deliveryIndex.clear();
    this.deliveriesByOrder.clear();
    for (const tx of this.db.data.transactions) this.index(tx);
    for (const delivery of this.db.data.deliveries) this.indexDelivery(delivery);
  }

  private indexDelivery(delivery: Delivery): void {
    this.deliveryIndex.set(delivery.id, delivery);
    const key = txKey(delivery.merchantId, delivery.orderId);
    const list = this.deliveriesByOrder.get(key);
    if (list) list.push(delivery);
    else this.deliveriesByOrder.set(key, [delivery]);
  }

  private index(tx: StoredTransaction): void {
    this.txIndex.set(txKey(tx.merchantId, tx.orderId), tx);
    this.tokenIndex.set(tx.token, tx);
    const sameId = this.orderIndex.get(tx.orderId);
    if (sameId) sameId.push(tx);
    else this.orderIndex.set(tx.orderId, [tx]);
  }

  /** Opens (or creates) the data file; `:memory:` keeps nothing on disk. */
  static async open(path: string): Promise<Store> {
    if (path === ':memory:') {
      const db = new Low<DataShape>(new Memory<DataShape>(), emptyData());
      return new Store(db, path, null);
    }
    const file = resolve(path);
    const db = new Low<DataShape>(new DataFile<DataShape>(file, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), emptyData());
    try {
      await db.read();
    } catch (err) {
      const reason = err instanceof SyntaxError ? 'it is not valid JSON (corrupt?)' : (err as Error).message;
      throw new StoreError(`data file ${file} cannot be used: ${reason}. It was left untouched; move it away or pass another --db.`);
    }
    const data: unknown = db.data;
    if (!isDataShape(data)) {
      throw new StoreError(`data file ${file} is not a finnet-mock data file (no "format": "${FORMAT}"). It was left untouched; pass another --db.`);
    }
    if (data.version > FORMAT_VERSION) {
      throw new StoreError(`data file ${file} was written by a newer finnet-mock (format version ${data.version}). It was left untouched.`);
    }
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (err) {
      throw new StoreError(`data file folder ${dirname(file)} cannot be created: ${(err as Error).message}`);
    }
    const journal = new Journal(`${file}.journal`);
    let content: JournalContent;
    try {
      content = await journal.read();
    } catch (err) {
      throw new StoreError(`data file ${file} cannot be used: ${(err as Error).message}. It was left untouched.`);
    }
    const version = db.data.version;
    db.data.generation ??= 0;
    // A journal started before the snapshot it sits next to was already folded into it (a crash came in between).
    const stale = content.generation !== undefined && content.generation < db.data.generation;
    if (!stale) replay(db.data, content.entries);
    upgrade(db.data);
    if (db.data.transactions.length > LARGE_DATA_FILE) releaseStartupGarbage();
    const store = new Store(db, file, journal);
    // A fresh file is created now; a stale, torn or long journal is folded in, so appends start on a clean line.
    store.snapshotDue = !existsSync(file) || version < FORMAT_VERSION || stale || content.torn
      || content.entries.length > Math.max(COMPACT_AFTER_LINES, db.data.transactions.length);
    await store.commit();
    return store;
  }

  get clockState(): ClockState {
    return this.db.data.clock;
  }

  set clockState(state: ClockState) {
    this.db.data.clock = state;
    this.clockDirty = true;
  }

  getTransaction(merchantId: string, orderId: string): StoredTransaction | undefined {
    return this.txIndex.get(txKey(merchantId, orderId));
  }

  /** Every stored transaction of any merchant with this order id. */
  findTransactions(orderId: string): StoredTransaction[] {
    return this.orderIndex.get(orderId) ?? [];
  }

  /** The order's callbacks, oldest first. */
  deliveriesOf(merchantId: string, orderId: string): readonly Delivery[] {
    return this.deliveriesByOrder.get(txKey(merchantId, orderId)) ?? [];
  }

  /** The transaction whose hosted page has this token. */
  getByToken(token: string): StoredTransaction | undefined {
    return this.tokenIndex.get(token);
  }

  addTransaction(tx: StoredTransaction): void {
    this.db.data.transactions.push(tx);
    this.index(tx);
    this.dirty.add(tx);
  }

  /** Oldest first. */
  transactions(): readonly StoredTransaction[] {
    return this.db.data.transactions;
  }

  getDelivery(id: string): Delivery | undefined {
    return this.deliveryIndex.get(id);
  }

  addDelivery(delivery: Delivery): void {
    this.db.data.deliveries.push(delivery);
    this.indexDelivery(delivery);
    this.dirty.add(delivery);
  }

  /** Oldest first. */
  deliveries(): readonly Delivery[] {
    return this.db.data.deliveries;
  }

  /** Forgets every transaction and delivery (of one merchant, when given). */
  reset(merchantId?: string): void {
    const keep = <T extends { merchantId: string }>(items: T[]) => (merchantId === undefined ? [] : items.filter((i) => i.merchantId !== merchantId));
    this.db.data.transactions = keep(this.db.data.transactions);
    this.db.data.deliveries = keep(this.db.data.deliveries);
    this.reindex();
    this.dirty.clear();
    this.snapshotDue = true;
  }

  /** Resolves once `changed` (and everything changed before) is on disk. */
  commit(...changed: Persisted[]): Promise<void> {
    // A record forgotten by a reset (an attempt still in flight) must not come back through the journal.
    for (const record of changed) if (this.holds(record)) this.dirty.add(record);
    if (!this.writing) return this.startWrite();
    this.queued ??= this.writing.then(
      () => this.startWrite(),
      () => this.startWrite(),
    );
    return this.queued;
  }

  private holds(record: Persisted): boolean {
    return 'token' in record ? this.txIndex.get(txKey(record.merchantId, record.orderId)) === record : this.deliveryIndex.get(record.id) === record;
  }

  /** Folds the journal into the snapshot (on a clean stop, so the next start reads one file). */
  async compact(): Promise<void> {
    this.snapshotDue ||= this.journal !== null && this.journal.lines > 0;
    await this.commit();
    await this.journal?.close();
  }

  private startWrite(): Promise<void> {
    this.queued = null;
    const write = this.flush().finally(() => {
      if (this.writing === write) this.writing = null;
    });
    this.writing = write;
    return write;
  }

  /** One group write: the changed records as journal lines, or a whole snapshot when one is due. */
  private async flush(): Promise<void> {
    const journal = this.journal;
    if (!journal) {
      this.dirty.clear();
      return;
    }
    const snapshot = this.snapshotDue || (journal.lines > COMPACT_AFTER_LINES && journal.lines > this.db.data.transactions.length);
    const entries: JournalEntry[] = snapshot ? [] : [...this.dirty].map((record) => ('token' in record ? { t: 'tx', v: record } : { t: 'cb', v: record }));
    if (!snapshot && this.clockDirty) entries.push({ t: 'clock', v: this.db.data.clock });
    this.dirty.clear();
    this.clockDirty = false;
    this.snapshotDue = false;
    if (!snapshot && entries.length === 0) return;
    this.writes++;
    if (!snapshot) return journal.append(entries);
    this.db.data.generation = (this.db.data.generation ?? 0) + 1;
    await this.db.write();
    await journal.restart(this.db.data.generation);
  }
}

/** Format 1 kept the initiate body parsed, with its hash and answer: format 2 keeps the body's text only. */
function upgrade(data: DataShape): void {
  if (data.version >= FORMAT_VERSION) return;
  for (const tx of data.transactions as (StoredTransaction & { request?: unknown; requestHash?: unknown; response?: unknown })[]) {
    if (tx.request !== undefined) tx.requestJson = JSON.stringify(tx.request);
    delete tx.request;
    delete tx.requestHash;
    delete tx.response;
  }
  data.version = FORMAT_VERSION;
}

/** Applies journal entries over the snapshot: each carries a whole record, and the last one wins. */
function replay(data: DataShape, entries: JournalEntry[]): void {
  if (entries.length === 0) return;
  const txs = new Map(data.transactions.map((tx) => [txKey(tx.merchantId, tx.orderId), tx]));
  const deliveries = new Map(data.deliveries.map((d) => [d.id, d]));
  for (const entry of entries) {
    if (entry.t === 'tx') {
      const tx = entry.v as StoredTransaction;
      txs.set(txKey(tx.merchantId, tx.orderId), tx);
    } else if (entry.t === 'cb') {
      const delivery = entry.v as Delivery;
      deliveries.set(delivery.id, delivery);
    } else {
      data.clock = entry.v as ClockState;
    }
  }
  data.transactions = [...txs.values()].sort((a, b) => a.createdAt - b.createdAt);
  data.deliveries = [...deliveries.values()].sort((a, b) => a.createdAt - b.createdAt);
}

function isDataShape(data: unknown): data is DataShape {
  if (data === null || typeof data !== 'object') return false;
  const d = data as Partial<DataShape>;
  return d.format === FORMAT && typeof d.version === 'number' && Array.isArray(d.transactions) && Array.isArray(d.deliveries)
    && typeof d.clock === 'object' && d.clock !== null;
}

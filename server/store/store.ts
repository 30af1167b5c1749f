import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { ClockState } from '../clock/clock.js';
import type { Delivery } from '../callbacks/types.js';
import type { StoredTransaction } from '../transactions/types.js';

export const FORMAT = 'finnet-mock';
export const FORMAT_VERSION = 1;

/** The whole data file. */
export interface DataShape {
  format: typeof FORMAT;
  version: number;
  transactions: StoredTransaction[];
  deliveries: Delivery[];
  clock: ClockState;
}

export class StoreError extends Error {}

function emptyData(): DataShape {
  return { format: FORMAT, version: FORMAT_VERSION, transactions: [], deliveries: [], clock: { offsetMs: 0, frozenAt: null } };
}

function txKey(merchantId: string, orderId: string): string {
  return `${merchantId}\n${orderId}`;
}

/**
 * Transactions and callback deliveries, kept in memory with indexes and written to the lowdb file.
 * Writes are atomic (temp file + rename) and grouped: every `commit()` made while a write is under way
 * is satisfied by the one next write, so a burst of requests costs a bounded number of file writes.
 */
export class Store {
  private readonly txIndex = new Map<string, StoredTransaction>();
  private readonly deliveryIndex = new Map<string, Delivery>();
  private readonly tokenIndex = new Map<string, StoredTransaction>();
  private writing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** How many times the file was written; the benchmark reads it. */
  writes = 0;

  private constructor(private readonly db: Low<DataShape>, readonly path: string) {
    this.reindex();
  }

  private reindex(): void {
    this.txIndex.clear();
    this.tokenIndex.clear();
    this.deliveryIndex.clear();
    for (const tx of this.db.data.transactions) this.index(tx);
    for (const delivery of this.db.data.deliveries) this.deliveryIndex.set(delivery.id, delivery);
  }

  private index(tx: StoredTransaction): void {
    this.txIndex.set(txKey(tx.merchantId, tx.orderId), tx);
    this.tokenIndex.set(tx.token, tx);
  }

  /** Opens (or creates) the data file; `:memory:` keeps nothing on disk. */
  static async open(path: string): Promise<Store> {
    if (path === ':memory:') {
      const db = new Low<DataShape>(new Memory<DataShape>(), emptyData());
      return new Store(db, path);
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
    const store = new Store(db, file);
    await store.commit();
    return store;
  }

  get clockState(): ClockState {
    return this.db.data.clock;
  }

  set clockState(state: ClockState) {
    this.db.data.clock = state;
  }

  getTransaction(merchantId: string, orderId: string): StoredTransaction | undefined {
    return this.txIndex.get(txKey(merchantId, orderId));
  }

  /** Every stored transaction of any merchant with this order id. */
  findTransactions(orderId: string): StoredTransaction[] {
    return this.db.data.transactions.filter((tx) => tx.orderId === orderId);
  }

  /** The transaction whose hosted page has this token. */
  getByToken(token: string): StoredTransaction | undefined {
    return this.tokenIndex.get(token);
  }

  addTransaction(tx: StoredTransaction): void {
    this.db.data.transactions.push(tx);
    this.index(tx);
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
    this.deliveryIndex.set(delivery.id, delivery);
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
  }

  /** Resolves once everything changed so far is on disk. */
  commit(): Promise<void> {
    if (!this.writing) return this.startWrite();
    this.queued ??= this.writing.then(
      () => this.startWrite(),
      () => this.startWrite(),
    );
    return this.queued;
  }

  private startWrite(): Promise<void> {
    this.queued = null;
    this.writes++;
    const write = this.db.write().finally(() => {
      if (this.writing === write) this.writing = null;
    });
    this.writing = write;
    return write;
  }
}

function isDataShape(data: unknown): data is DataShape {
  if (data === null || typeof data !== 'object') return false;
  const d = data as Partial<DataShape>;
  return d.format === FORMAT && typeof d.version === 'number' && Array.isArray(d.transactions) && Array.isArray(d.deliveries)
    && typeof d.clock === 'object' && d.clock !== null;
}

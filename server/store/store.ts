import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Low, Memory } from 'lowdb';
import type { ClockState } from '../model/clock.js';
import type { CustomerRecord, CustomerRecordKind, CustomerRecordOf } from '../model/customer-record.js';
import type { Delivery } from '../model/delivery.js';
import type { Logger } from '../support/logger.js';
import type { StoredTransaction } from '../model/transaction.js';
import { Journal, JournalWriteError, type JournalEntry } from './journal.js';
import { LineError } from './lines.js';
import { recordProblem, upgradeTransaction } from './records.js';
import { emptyData, findInSnapshot, FORMAT_VERSION, refusal, SECTIONS, SnapshotFile, StoreError, type DataShape, type RecordSection } from './snapshot.js';
import { realNow } from '../support/real-time.js';

export { StoreError } from './snapshot.js';

/** A write that did not reach the disk: the requests it carried fail, and memory was put back as the disk is. */
export class StoreWriteError extends Error {}

/** Whether writes reach the disk, for `/_mock/health`. */
export interface StoreHealth {
  writable: boolean;
  /** The latest failed write, or failed fold of the journal, while it lasts. */
  problem: string | null;
}

export interface StoreOptions {
  logger?: Logger;
  /** When the journal is folded into the snapshot (tests make them small). */
  foldAfterLines?: number;
  foldAfterBytes?: number;
}

function txKey(merchantId: string, orderId: string): string {
  return `${merchantId}\n${orderId}`;
}

function customerKey(kind: CustomerRecordKind, merchantId: string, id: string): string {
  return `${kind}\n${merchantId}\n${id}`;
}

/** A record whose changes are written by `commit`. */
export type Persisted = StoredTransaction | Delivery | CustomerRecord;

/** Each section's journal tag, and the key that names one of its records. */
const SECTION_OF = {
  transactions: { tag: 'tx', key: (r: StoredTransaction) => txKey(r.merchantId, r.orderId), needle: (r: StoredTransaction) => r.orderId },
  deliveries: { tag: 'cb', key: (r: Delivery) => r.id, needle: (r: Delivery) => r.id },
  customerRecords: { tag: 'cr', key: (r: CustomerRecord) => customerKey(r.kind, r.merchantId, r.id), needle: (r: CustomerRecord) => r.id },
} as const;

type Section = { tag: 'tx' | 'cb' | 'cr'; key(record: Persisted): string; needle(record: Persisted): string };

function sectionOf(record: Persisted): RecordSection {
  return 'kind' in record ? 'customerRecords' : 'token' in record ? 'transactions' : 'deliveries';
}

function section(name: RecordSection): Section {
  return SECTION_OF[name] as Section;
}

/** The record's key within its section, prefixed by the section: unique across the whole store. */
function recordKey(record: Persisted): string {
  const name = sectionOf(record);
  return `${section(name).tag}\n${section(name).key(record)}`;
}

// The journal is folded into the snapshot once it holds this many lines and more than the snapshot has records,
const COMPACT_AFTER_LINES = 20_000;
// or this many bytes and more than the snapshot itself.
const COMPACT_AFTER_BYTES = 64 * 2 ** 20;
// A fold that failed (a full disk) is not tried again sooner than this.
const FOLD_RETRY_MS = 10_000;

/**
 * A fold in progress: `writing` its temp file; `written`, waiting until everything it may hold is on disk
 * (the next write succeeds, or none is due); `sealed`, to be renamed into place; `installed`, the journal to
 * be rebased onto what came meanwhile.
 */
interface Fold {
  generation: number;
  /** The journal's size when the fold began: what the snapshot folds in. */
  from: number;
  state: 'writing' | 'written' | 'sealed' | 'installed';
  temp?: string;
  aborted: boolean;
  done: Promise<void>;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

function deferred(): Deferred {
  let settle!: Pick<Deferred, 'resolve' | 'reject'>;
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A failed write is reported to whoever awaits its commit; nobody awaiting is not a crash.
  promise.catch(() => {});
  return { promise, ...settle };
}

/** What one group write carries, and what undoes it in memory if it does not reach the disk. */
interface Batch {
  records: Set<Persisted>;
  /** Records first added in this batch: not on disk before it. */
  created: Set<Persisted>;
  resets: { merchantId?: string; removed: Persisted[] }[];
  clock: boolean;
  requested: boolean;
  done: Deferred;
}

function newBatch(): Batch {
  return { records: new Set(), created: new Set(), resets: [], clock: false, requested: false, done: deferred() };
}

/**
 * Transactions and callback deliveries, kept in memory with indexes and persisted as a lowdb snapshot
 * (`<db>`, written atomically, one record a line) plus an append-only journal (`<db>.journal`) of the
 * records each commit changed. Commits are grouped: every `commit()` made while a write is under way is
 * carried by the one next write. A write that fails fails its commits and puts memory back as the disk is,
 * so nothing is ever acknowledged that is not on disk, and a retry really retries.
 */
export class Store {
  private readonly txIndex = new Map<string, StoredTransaction>();
  private readonly deliveryIndex = new Map<string, Delivery>();
  private readonly tokenIndex = new Map<string, StoredTransaction>();
  private readonly orderIndex = new Map<string, StoredTransaction[]>();
  private readonly deliveriesByOrder = new Map<string, Delivery[]>();
  private readonly customerIndex = new Map<string, CustomerRecord>();
  /** Each kind's records, oldest first, so a service lists its own without scanning the others. */
  private readonly customersByKind = new Map<CustomerRecordKind, CustomerRecord[]>();
  private next = newBatch();
  private inFlight: Batch | null = null;
  private writing: Promise<void> | null = null;
  private foldRequested = false;
  private foldRetryAt = 0;
  /** The snapshot being made while appends go on (see `startFold`). */
  private folding: Fold | null = null;
  private snapshotBytes = 0;
  private durableClock: ClockState;
  private failure: string | null = null;
  private foldFailure: string | null = null;
  /** Called with the clock as it is on disk when a clock move could not be written. */
  onClockRestored: ((state: ClockState) => void) | null = null;
  /** How many writes (journal appends or snapshots) were made; tests and the benchmark read it. */
  writes = 0;

  private readonly logger: Logger | undefined;
  private readonly foldAfterLines: number;
  private readonly foldAfterBytes: number;

  private constructor(private readonly db: Low<DataShape>, readonly path: string, private readonly journal: Journal | null, options: StoreOptions) {
    this.logger = options.logger;
    this.foldAfterLines = options.foldAfterLines ?? COMPACT_AFTER_LINES;
    this.foldAfterBytes = options.foldAfterBytes ?? COMPACT_AFTER_BYTES;
    this.durableClock = { ...db.data.clock };
    this.reindex();
  }

  private reindex(): void {
    this.txIndex.clear();
    this.tokenIndex.clear();
    this.orderIndex.clear();
    this.deliveryIndex.clear();
    this.deliveriesByOrder.clear();
    this.customerIndex.clear();
    this.customersByKind.clear();
    for (const tx of this.db.data.transactions) this.index(tx);
    for (const delivery of this.db.data.deliveries) this.indexDelivery(delivery);
    for (const record of this.db.data.customerRecords) this.indexCustomer(record);
  }

  private indexDelivery(delivery: Delivery): void {
    this.deliveryIndex.set(delivery.id, delivery);
    const key = txKey(delivery.merchantId, delivery.orderId);
    const list = this.deliveriesByOrder.get(key);
    if (list) list.push(delivery);
    else this.deliveriesByOrder.set(key, [delivery]);
  }

  private indexCustomer(record: CustomerRecord): void {
    this.customerIndex.set(SECTION_OF.customerRecords.key(record), record);
    const sameKind = this.customersByKind.get(record.kind);
    if (sameKind) sameKind.push(record);
    else this.customersByKind.set(record.kind, [record]);
  }

  private index(tx: StoredTransaction): void {
    this.txIndex.set(txKey(tx.merchantId, tx.orderId), tx);
    this.tokenIndex.set(tx.token, tx);
    const sameId = this.orderIndex.get(tx.orderId);
    if (sameId) sameId.push(tx);
    else this.orderIndex.set(tx.orderId, [tx]);
  }

  /** Opens (or creates) the data file; `:memory:` keeps nothing on disk. Refuses, untouched, any file it cannot trust. */
  static async open(path: string, options: StoreOptions = {}): Promise<Store> {
    if (path === ':memory:') return new Store(new Low<DataShape>(new Memory<DataShape>(), emptyData()), path, null, options);
    const file = resolve(path);
    const db = new Low<DataShape>(new SnapshotFile(file), emptyData());
    try {
      await db.read();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw refusal(file, (err as Error).message);
    }
    const fresh = SECTIONS.every((name) => db.data[name].length === 0) && !existsFile(file);
    const legacy = db.data.version < FORMAT_VERSION;
    if (legacy) upgrade(db.data, file);
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (err) {
      throw new StoreError(`data file folder ${dirname(file)} cannot be created: ${(err as Error).message}`);
    }
    const journal = new Journal(`${file}.journal`);
    const { replayed, tornBytes, stale, generation } = await readJournal(db.data, journal, file, { legacy, fresh });
    db.data.id ??= randomBytes(8).toString('hex');
    takeLock(file);
    const store = new Store(db, file, journal, options);
    store.snapshotBytes = fresh ? 0 : statSync(file).size;
    if (tornBytes > 0) {
      options.logger?.warn(`data file journal ${journal.path}: dropped its last line, ${tornBytes} bytes cut off by a crash in the middle of a write (never acknowledged)`);
      await journal.dropTornTail().catch((err: Error) => {
        throw new StoreError(`data file journal ${journal.path} cannot be repaired: ${err.message}`);
      });
    }
    if (replayed) sortSections(db.data);
    journal.generation = generation;
    // A journal left from a crash mid-fold is folded again, so the journal beside the snapshot is its own.
    if (fresh || legacy || stale || store.foldDue()) {
      await store.fold().catch((err: Error) => {
        throw new StoreError(`data file ${file} cannot be written: ${err.message}`);
      });
    }
    return store;
  }

  get health(): StoreHealth {
    return { writable: this.failure === null, problem: this.failure ?? this.foldFailure };
  }

  get clockState(): ClockState {
    return this.db.data.clock;
  }

  set clockState(state: ClockState) {
    this.db.data.clock = state;
    this.next.clock = true;
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
    this.next.records.add(tx);
    this.next.created.add(tx);
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
    this.next.records.add(delivery);
    this.next.created.add(delivery);
  }

  /** Oldest first. */
  deliveries(): readonly Delivery[] {
    return this.db.data.deliveries;
  }

  getCustomerRecord<K extends CustomerRecordKind>(kind: K, merchantId: string, id: string): CustomerRecordOf<K> | undefined {
    return this.customerIndex.get(customerKey(kind, merchantId, id)) as CustomerRecordOf<K> | undefined;
  }

  /** The records of `kind`, oldest first. */
  customerRecords<K extends CustomerRecordKind>(kind: K): CustomerRecordOf<K>[] {
    return [...(this.customersByKind.get(kind) ?? [])] as CustomerRecordOf<K>[];
  }

  addCustomerRecord(record: CustomerRecord): void {
    this.db.data.customerRecords.push(record);
    this.indexCustomer(record);
    this.next.records.add(record);
    this.next.created.add(record);
  }

  /** Forgets every transaction, delivery and customer record (of one merchant, when given); the next commit writes it. */
  reset(merchantId?: string): void {
    const gone = (r: Persisted) => merchantId === undefined || r.merchantId === merchantId;
    const data = this.db.data;
    const removed: Persisted[] = SECTIONS.flatMap((name) => (data[name] as Persisted[]).filter(gone));
    data.transactions = data.transactions.filter((r) => !gone(r));
    data.deliveries = data.deliveries.filter((r) => !gone(r));
    data.customerRecords = data.customerRecords.filter((r) => !gone(r));
    this.reindex();
    const onDisk: Persisted[] = [];
    for (const record of removed) {
      this.next.records.delete(record);
      // Added since the last write, so never on disk: nothing to put back if the reset is not written.
      if (!this.next.created.delete(record)) onDisk.push(record);
    }
    this.next.resets.push({ ...(merchantId === undefined ? {} : { merchantId }), removed: onDisk });
    this.foldRequested = true;
  }

  /** Resolves once `changed` (and everything changed before) is on disk; rejects with StoreWriteError if it could not be written. */
  commit(...changed: Persisted[]): Promise<void> {
    // A record forgotten by a reset (an attempt still in flight) must not come back through the journal.
    for (const record of changed) if (this.holds(record)) this.next.records.add(record);
    const batch = this.next;
    batch.requested = true;
    this.writing ??= this.drain();
    return batch.done.promise;
  }

  /** Resolves once the latest change of `record` already made is on disk (at once when it is). */
  settled(record: Persisted): Promise<void> {
    if (this.next.records.has(record)) return this.commit();
    if (this.inFlight?.records.has(record)) return this.inFlight.done.promise;
    return Promise.resolve();
  }

  private holds(record: Persisted): boolean {
    const name = sectionOf(record);
    const key = section(name).key(record);
    const index: Map<string, Persisted> = name === 'transactions' ? this.txIndex : name === 'deliveries' ? this.deliveryIndex : this.customerIndex;
    return index.get(key) === record;
  }

  /** Folds the journal into the snapshot (on a clean stop, so the next start reads one file). */
  async compact(): Promise<void> {
    await this.commit().catch(() => {});
    await this.writing;
    await this.folding?.done.catch(() => {});
    // A snapshot just written has the journal rebased by the writer.
    await this.writing;
    if (this.journal && (this.journal.lines > 0 || this.folding)) {
      await this.fold().catch((err: Error) => {
        this.logger?.warn(`data file ${this.path}: could not fold the journal in on stop (${err.message}); the journal keeps every acknowledged change and is read on the next start`);
      });
    }
    await this.journal?.close().catch(() => {});
    releaseLock(this.path);
  }

  /** Writes what is pending and lets go of the journal's file handle (a store opened by hand, in tests and tools). */
  async close(): Promise<void> {
    await this.commit().catch(() => {});
    await this.writing;
    // A fold under way would otherwise install its snapshot after the file was let go (and maybe opened again).
    await this.folding?.done.catch(() => {});
    await this.writing;
    await this.journal?.close();
    releaseLock(this.path);
  }

  private async drain(): Promise<void> {
    while (this.next.requested || this.foldStepDue()) {
      // A fold is installed and the journal rebased between two appends, never during one.
      if (this.foldStepDue()) await this.foldStep().catch(() => {});
      if (!this.next.requested) break;
      const batch = this.next;
      this.next = newBatch();
      this.inFlight = batch;
      // This batch holds every change the written snapshot may have caught: once it is on disk, so is all of the snapshot.
      const seals = this.folding?.state === 'written' ? this.folding : null;
      try {
        if (await this.write(batch)) this.recovered();
        if (seals && this.folding === seals) seals.state = 'sealed';
        batch.done.resolve();
      } catch (err) {
        // The snapshot may hold changes of this batch: it is never installed.
        this.abortFold();
        const reason = err instanceof JournalWriteError ? err.message : `${this.path}: ${(err as Error).message}`;
        await this.rollback(batch).catch((undoErr: Error) => this.logger?.error(`data file ${this.path}: could not put memory back after a failed write: ${undoErr.message}`));
        this.failed(reason);
        batch.done.reject(new StoreWriteError(`the data file could not be written (${reason})`));
      }
      this.inFlight = null;
      if (!this.folding && this.foldDue() && realNow() >= this.foldRetryAt) this.startFold();
    }
    this.writing = null;
  }

  /** One group write: the resets, changed records and clock of the batch, as journal lines. */
  private async write(batch: Batch): Promise<boolean> {
    const journal = this.journal;
    if (!journal) return false;
    const entries: JournalEntry[] = batch.resets.map((r) => (r.merchantId === undefined ? { t: 'reset' } : { t: 'reset', m: r.merchantId }));
    for (const record of batch.records) if (this.holds(record)) entries.push({ t: section(sectionOf(record)).tag, v: record });
    const clock = batch.clock ? { ...this.db.data.clock } : null;
    if (clock) entries.push({ t: 'clock', v: clock });
    if (entries.length === 0) return false;
    this.writes++;
    await journal.append(entries);
    if (clock) this.durableClock = clock;
    return true;
  }

  /** Puts memory back as the disk holds it: new records go, changed ones are read back, reset ones return. */
  private async rollback(batch: Batch): Promise<void> {
    const data = this.db.data;
    for (const reset of batch.resets.reverse()) {
      for (const record of reset.removed) (data[sectionOf(record)] as Persisted[]).push(record);
    }
    const created = (r: Persisted) => batch.created.has(r);
    if (batch.created.size > 0) {
      data.transactions = data.transactions.filter((r) => !created(r));
      data.deliveries = data.deliveries.filter((r) => !created(r));
      data.customerRecords = data.customerRecords.filter((r) => !created(r));
    }
    if (batch.resets.length > 0) sortSections(data);
    if (batch.resets.length > 0 || batch.created.size > 0) this.reindex();
    if (batch.clock) {
      this.db.data.clock = { ...this.durableClock };
      this.onClockRestored?.({ ...this.durableClock });
    }
    const changed = [...batch.records].filter((r) => !created(r) && this.holds(r));
    if (changed.length > 0) await this.restoreFromDisk(changed);
  }

  /** Overwrites each record in place with its latest version on disk (snapshot, then journal). */
  private async restoreFromDisk(records: Persisted[]): Promise<void> {
    const wanted = new Map(records.map((r) => [recordKey(r), r]));
    const needles = records.map((r) => JSON.stringify(section(sectionOf(r)).needle(r)));
    const onDisk = new Map<string, unknown>();
    const found = await findInSnapshot(this.path, needles);
    for (const record of SECTIONS.flatMap((name) => found[name]) as Persisted[]) onDisk.set(recordKey(record), record);
    await new Journal(this.journal!.path).read((entry) => {
      if (entry.t === 'reset') {
        for (const key of [...onDisk.keys()]) if (entry.m === undefined || (onDisk.get(key) as Persisted).merchantId === entry.m) onDisk.delete(key);
      } else if (entry.t === 'tx' || entry.t === 'cb' || entry.t === 'cr') {
        const record = entry.v as Persisted;
        const key = recordKey(record);
        if (wanted.has(key)) onDisk.set(key, record);
      }
    }, { legacy: false, from: this.folding?.state === 'installed' ? this.folding.from : 0 });
    for (const [key, record] of wanted) {
      const saved = onDisk.get(key);
      if (!saved) continue;
      for (const field of Object.keys(record)) delete (record as unknown as Record<string, unknown>)[field];
      Object.assign(record, saved);
    }
  }

  private failed(reason: string): void {
    if (this.failure === null) this.logger?.error(`data file ${this.path}: a write failed (${reason}); requests that change state are answered 5000000 until it works again`);
    this.failure = reason;
  }

  private recovered(): void {
    if (this.failure === null) return;
    this.logger?.warn(`data file ${this.path}: writes work again`);
    this.failure = null;
  }

  private foldDue(): boolean {
    const journal = this.journal;
    if (!journal) return false;
    const records = SECTIONS.reduce((sum, name) => sum + this.db.data[name].length, 0);
    return (this.foldRequested && journal.lines > 0) || (journal.lines > this.foldAfterLines && journal.lines > records)
      || (journal.bytes > this.foldAfterBytes && journal.bytes > this.snapshotBytes);
  }

  /**
   * Starts writing the whole state as a new snapshot that names the journal it folds in (up to its current
   * size), while appends go on. Records are written as they are when reached, so the snapshot is installed
   * only once every change it may hold is on disk, and never when a write fails meanwhile.
   */
  private startFold(inWriter = true): Promise<void> {
    const journal = this.journal!;
    const data = this.db.data;
    const generation = journal.generation + 1;
    const from = journal.bytes;
    const snapshot: DataShape = { ...data, version: FORMAT_VERSION, generation, folded: { generation: journal.generation, bytes: from } };
    const requested = this.foldRequested;
    this.foldRequested = false;
    const fold: Fold = { generation, from, state: 'writing', aborted: false, done: Promise.resolve() };
    fold.done = (async () => {
      try {
        this.writes++;
        fold.temp = await this.snapshotFile.writeTemp(snapshot);
      } catch (err) {
        if (this.folding === fold) this.folding = null;
        this.foldRequested ||= requested;
        this.foldRetryAt = realNow() + FOLD_RETRY_MS;
        this.foldFailure = `folding the journal into ${this.path} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        this.logger?.warn(`data file ${this.foldFailure}; the journal keeps every change until it works`);
        throw err;
      }
      if (fold.aborted) {
        await this.snapshotFile.discard(fold.temp);
        this.foldRequested ||= requested;
        return;
      }
      fold.state = 'written';
      if (inWriter) this.writing ??= this.drain();
    })();
    fold.done.catch(() => {});
    this.folding = fold;
    return fold.done;
  }

  private get snapshotFile(): SnapshotFile {
    return this.db.adapter as SnapshotFile;
  }

  /** A write failed while a fold was under way: its snapshot may hold what was not written, so it is dropped. */
  private abortFold(): void {
    const fold = this.folding;
    if (!fold || fold.state === 'installed') return;
    fold.aborted = true;
    this.folding = null;
    this.foldRequested = true;
    this.foldRetryAt = realNow() + FOLD_RETRY_MS;
    if (fold.temp) void this.snapshotFile.discard(fold.temp);
  }

  private foldStepDue(): boolean {
    const state = this.folding?.state;
    return state === 'sealed' || state === 'installed' || (state === 'written' && !this.next.requested && !this.inFlight);
  }

  /** The next step of a written fold: sealed when nothing is left to write, renamed into place, the journal rebased. */
  private async foldStep(): Promise<void> {
    const fold = this.folding!;
    if (fold.state === 'written') fold.state = 'sealed';
    if (fold.state === 'sealed') {
      await this.snapshotFile.install(fold.temp!);
      fold.state = 'installed';
      this.snapshotBytes = statSync(this.path).size;
    }
    await this.rebase();
  }

  /** Starts the journal afresh after the snapshot just installed, keeping what was appended meanwhile. */
  private async rebase(): Promise<void> {
    const folding = this.folding!;
    try {
      await this.journal!.rebase(folding.generation, folding.from, this.db.data.id!);
    } catch (err) {
      // The old journal stays valid beside the new snapshot (read from where it folded); the next turn tries again.
      this.logger?.warn(`data file journal ${this.journal!.path} could not be started afresh (${(err as Error).message}); the next write tries again`);
      throw err;
    }
    const data = this.db.data;
    data.generation = folding.generation;
    data.folded = { generation: folding.generation - 1, bytes: folding.from };
    data.version = FORMAT_VERSION;
    this.folding = null;
    this.foldFailure = null;
  }

  /** Folds now and waits for it: at start-up and on a clean stop, when nothing else is being written. */
  private async fold(): Promise<void> {
    if (!this.folding) this.startFold(false);
    await this.folding!.done;
    if (!this.folding) throw new Error('the fold was dropped');
    await this.foldStep();
  }
}

/**
 * Marks the data file as in use by this process (`<db>.lock`, holding the pid): a second simulator on the
 * same file would overwrite what the first acknowledged. A lock left by a process that is gone is taken over.
 */
function takeLock(file: string): void {
  const lock = `${file}.lock`;
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && alive(holder)) {
    throw new StoreError(`data file ${file} is in use by another finnet-mock (process ${holder}, see ${lock}); stop it or pass another --db`);
  }
  try {
    writeFileSync(lock, `${process.pid}\n`);
  } catch (err) {
    throw new StoreError(`data file ${file} cannot be locked: ${(err as Error).message}`);
  }
}

function releaseLock(file: string): void {
  const lock = `${file}.lock`;
  try {
    if (Number(readFileSync(lock, 'utf8').trim()) === process.pid) unlinkSync(lock);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function existsFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function sortSections(data: DataShape): void {
  for (const name of SECTIONS) (data[name] as { createdAt: number }[]).sort((a, b) => a.createdAt - b.createdAt);
}

function upgrade(data: DataShape, file: string): void {
  if (data.version < 2) {
    data.transactions.forEach((tx, i) => {
      upgradeTransaction(tx);
      const problem = recordProblem('transaction', tx);
      if (problem) throw refusal(file, `transactions[${i}] ${problem}`);
    });
  }
}

/**
 * Replays the journal over the snapshot when it belongs to it: the same generation, or (format 2) none.
 * A journal one generation behind whose size is what the snapshot says it folded is left over from a
 * crash mid-fold and is skipped; any other mismatch is refused.
 */
async function readJournal(data: DataShape, journal: Journal, file: string, { legacy, fresh }: { legacy: boolean; fresh: boolean }): Promise<{ replayed: boolean; tornBytes: number; stale: boolean; generation: number }> {
  let head;
  try {
    head = await journal.head();
  } catch (err) {
    throw refusal(journal.path, err instanceof LineError ? err.message : (err as Error).message);
  }
  const none = { replayed: false, tornBytes: 0, stale: false, generation: data.generation };
  if (head.bytes === 0) return none;
  if (fresh) throw refusal(journal.path, `it is there but its data file ${file} is not (moved or deleted?)`);
  if (head.id !== undefined && data.id !== undefined && head.id !== data.id) {
    throw refusal(journal.path, `it belongs to another data file (its id is ${head.id}, ${file}'s is ${data.id})`);
  }
  const folded = data.folded;
  // Format 2 did not say how much of the journal it folded: a journal one generation behind was folded whole.
  if (legacy && head.generation !== undefined && head.generation === data.generation - 1) return { ...none, stale: true };
  let from = 0;
  if (head.generation !== undefined && head.generation === data.generation - 1 && folded?.generation === head.generation) {
    if (head.bytes < folded.bytes) {
      throw refusal(journal.path, `it is shorter (${head.bytes} bytes) than the ${folded.bytes} bytes that ${file} says it folded in (cut off?)`);
    }
    from = folded.bytes;
  } else if (head.generation !== undefined && head.generation !== data.generation) {
    throw refusal(journal.path, `it follows snapshot generation ${head.generation} but ${file} is at generation ${data.generation}, so they do not belong together (a file restored from a backup, or copied from another data file?)`);
  }
  const txs = new Map(data.transactions.map((tx) => [txKey(tx.merchantId, tx.orderId), tx]));
  const deliveries = new Map(data.deliveries.map((d) => [d.id, d]));
  const customers = new Map(data.customerRecords.map((r) => [SECTION_OF.customerRecords.key(r), r]));
  let tornBytes: number;
  try {
    ({ tornBytes } = await journal.read((entry) => {
      if (entry.t === 'tx') {
        const tx = entry.v as StoredTransaction;
        txs.set(txKey(tx.merchantId, tx.orderId), tx);
      } else if (entry.t === 'cb') {
        const delivery = entry.v as Delivery;
        deliveries.set(delivery.id, delivery);
      } else if (entry.t === 'cr') {
        const record = entry.v as CustomerRecord;
        customers.set(SECTION_OF.customerRecords.key(record), record);
      } else if (entry.t === 'clock') {
        data.clock = entry.v as ClockState;
      } else {
        for (const map of [txs, deliveries, customers] as Map<string, Persisted>[]) {
          for (const [key, record] of map) if (entry.m === undefined || record.merchantId === entry.m) map.delete(key);
        }
      }
    }, { legacy, from }));
  } catch (err) {
    throw refusal(journal.path, err instanceof LineError ? err.message : (err as Error).message);
  }
  data.transactions = [...txs.values()];
  data.deliveries = [...deliveries.values()];
  data.customerRecords = [...customers.values()];
  return { replayed: true, tornBytes, stale: from > 0, generation: head.generation ?? data.generation };
}

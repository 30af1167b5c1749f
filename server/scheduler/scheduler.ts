import type { VirtualClock } from '../clock/clock.js';
import type { Logger } from '../support/logger.js';
import { MinHeap } from './min-heap.js';
import { clearRealTimeout, realNow, setRealTimeout } from '../support/real-time.js';

interface Entry {
  key: string;
  dueAt: number;
  seq: number;
  run: () => Promise<void> | void;
}

// setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed when they fire.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Jobs running at once; more wait for a free slot, so a burst of due callbacks cannot open sockets without bound.
export const MAX_RUNNING_JOBS = 256;
// How long the clock waits for a job just started before moving on: a quick one (a callback answered at once)
// may schedule its retry within the same advance; a slow one (a hanging receiver) goes on without holding anyone up.
export const FOLLOW_UP_WAIT_MS = 250;

/**
 * The one owner of time-driven work (expiries, callback attempts, scheduled outcomes).
 * Jobs are keyed, so scheduling a key again replaces it; they start in due order when the virtual clock
 * reaches them, whether it runs by itself or is advanced, and run concurrently (at most MAX_RUNNING_JOBS).
 */
export class Scheduler {
  private readonly heap = new MinHeap<Entry>((a, b) => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq));
  private readonly current = new Map<string, Entry>();
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Running jobs, with the real time (ms) each started. */
  private readonly inFlight = new Map<Promise<void>, number>();
  private stopped = false;

  constructor(private readonly clock: VirtualClock, private readonly logger: Logger) {
    clock.on('change', () => this.arm());
  }

  schedule(key: string, dueAt: number, run: () => Promise<void> | void): void {
    const entry: Entry = { key, dueAt, seq: this.seq++, run };
    this.current.set(key, entry);
    this.heap.push(entry);
    if (this.heap.peek() === entry) this.arm();
  }

  cancel(key: string): void {
    this.current.delete(key);
  }

  /** The virtual time jobs are measured against. */
  now(): number {
    return this.clock.now();
  }

  get pending(): number {
    return this.current.size;
  }

  /**
   * Starts every job that is due now, in order, without waiting for one to finish before the next: a
   * callback receiver that takes 10 s to answer must not hold up other callbacks or expiries.
   */
  runDue(): Promise<void> {
    return this.exclusive(async () => {
      for (let next = this.nextLive(); next && next.dueAt <= this.clock.now(); next = this.nextLive()) {
        if (this.inFlight.size >= MAX_RUNNING_JOBS) await Promise.race(this.inFlight.keys());
        else this.start(next);
      }
    });
  }

  /**
   * Moves the clock forward to `to` (or to what `to` makes of the time when this advance's turn comes), stopping at each job on the way so that it starts at its own
   * virtual time; it resolves once every job due by `target` has started, without waiting for slow ones.
   * Before the clock moves on, jobs started less than FOLLOW_UP_WAIT_MS ago may finish, so the retries
   * they schedule before `target` start in this advance, in order.
   */
  advanceTo(to: number | ((now: number) => number)): Promise<void> {
    return this.exclusive(async () => {
      // Read when this advance's turn comes: advances asked for at once add up instead of aiming at the same time.
      const target = typeof to === 'number' ? to : to(this.clock.now());
      for (;;) {
        const next = this.nextLive();
        if (!next || next.dueAt > target) {
          if (await this.awaitYoungJob()) continue;
          break;
        }
        if (next.dueAt > this.clock.now() && (await this.awaitYoungJob())) continue;
        if (this.inFlight.size >= MAX_RUNNING_JOBS) {
          await Promise.race(this.inFlight.keys());
          continue;
        }
        if (next.dueAt > this.clock.now()) this.clock.set(next.dueAt);
        this.start(next);
      }
      if (target > this.clock.now()) this.clock.set(target);
    });
  }

  /** Waits until no job is running. */
  idle(): Promise<void> {
    return this.exclusive(() => this.settle());
  }

  private async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.keys());
  }

  /** Waits until a job started less than FOLLOW_UP_WAIT_MS ago finishes (or none is that young); false when there was none. */
  private async awaitYoungJob(): Promise<boolean> {
    const now = realNow();
    const young = [...this.inFlight].filter(([, startedAt]) => now - startedAt < FOLLOW_UP_WAIT_MS);
    if (young.length === 0) return false;
    const firstStarted = Math.min(...young.map(([, startedAt]) => startedAt));
    let timer: NodeJS.Timeout | undefined;
    const aged = new Promise<void>((resolve) => (timer = setRealTimeout(resolve, firstStarted + FOLLOW_UP_WAIT_MS - now)));
    await Promise.race([...young.map(([running]) => running), aged]);
    clearRealTimeout(timer);
    return true;
  }

  clear(): void {
    this.current.clear();
    this.heap.clear();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearRealTimeout(this.timer);
    this.timer = null;
  }

  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  private nextLive(): Entry | undefined {
    for (let top = this.heap.peek(); top; top = this.heap.peek()) {
      if (this.current.get(top.key) === top) return top;
      this.heap.pop();
    }
    return undefined;
  }

  /** Starts a due job without waiting for it. */
  private start(entry: Entry): void {
    const running = this.runEntry(entry).finally(() => this.inFlight.delete(running));
    this.inFlight.set(running, realNow());
  }

  private async runEntry(entry: Entry): Promise<void> {
    this.heap.pop();
    this.current.delete(entry.key);
    try {
      await entry.run();
    } catch (err) {
      this.logger.error(`scheduled job ${entry.key} failed: ${(err as Error).message}`);
    }
  }

  private arm(): void {
    if (this.timer) clearRealTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const next = this.nextLive();
    // A frozen clock still runs what is already due (a callback for a payment made just now).
    if (!next || (this.clock.frozen && next.dueAt > this.clock.now())) return;
    const delay = Math.min(Math.max(next.dueAt - this.clock.now(), 0), MAX_TIMER_MS);
    this.timer = setRealTimeout(() => {
      this.timer = null;
      void this.runDue().then(() => this.arm());
    }, delay);
    this.timer.unref();
  }
}

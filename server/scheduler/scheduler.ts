import type { VirtualClock } from '../clock/clock.js';
import type { Logger } from '../logger.js';
import { MinHeap } from './min-heap.js';

interface Entry {
  key: string;
  dueAt: number;
  seq: number;
  run: () => Promise<void> | void;
}

// setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed when they fire.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The one owner of time-driven work (expiries, callback attempts, scheduled outcomes).
 * Jobs are keyed, so scheduling a key again replaces it; they run one at a time, in due order,
 * when the virtual clock reaches them, whether it runs by itself or is advanced.
 */
export class Scheduler {
  private readonly heap = new MinHeap<Entry>((a, b) => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq));
  private readonly current = new Map<string, Entry>();
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
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
        const running = this.runEntry(next).finally(() => this.inFlight.delete(running));
        this.inFlight.add(running);
      }
    });
  }

  /**
   * Moves the clock forward to `target`, stopping at each job on the way so that it runs at its own
   * virtual time; jobs those jobs schedule before `target` run too.
   */
  advanceTo(target: number): Promise<void> {
    return this.exclusive(async () => {
      await this.settle();
      for (let next = this.nextLive(); next && next.dueAt <= target; next = this.nextLive()) {
        if (next.dueAt > this.clock.now()) this.clock.set(next.dueAt);
        await this.runEntry(next);
      }
      if (target > this.clock.now()) this.clock.set(target);
    });
  }

  /** Waits until no job is running. */
  idle(): Promise<void> {
    return this.exclusive(() => this.settle());
  }

  private async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  clear(): void {
    this.current.clear();
    this.heap.clear();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const next = this.nextLive();
    // A frozen clock still runs what is already due (a callback for a payment made just now).
    if (!next || (this.clock.frozen && next.dueAt > this.clock.now())) return;
    const delay = Math.min(Math.max(next.dueAt - this.clock.now(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runDue().then(() => this.arm());
    }, delay);
    this.timer.unref();
  }
}

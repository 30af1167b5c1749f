import { MinHeap } from '../scheduler/min-heap.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { StoredTransaction } from '../model/transaction.js';

const JOB = 'expiries';

/**
 * Pending orders by link expiry, as one scheduler job for the earliest of them: a keyed job per order
 * would cost ~300 bytes each, this costs one heap slot. Orders that closed meanwhile are skipped.
 */
export class ExpiryQueue {
  private heap = new MinHeap<StoredTransaction>((a, b) => a.expiresAt < b.expiresAt);

  constructor(private readonly scheduler: Scheduler, private readonly expire: (tx: StoredTransaction) => Promise<void>) {}

  add(tx: StoredTransaction): void {
    const before = this.heap.peek();
    this.heap.push(tx);
    if (this.heap.peek() !== before) this.arm();
  }

  /** Forgets every order (of one merchant, when given). */
  clear(merchantId?: string): void {
    const kept: StoredTransaction[] = [];
    if (merchantId !== undefined) for (let tx = this.heap.pop(); tx; tx = this.heap.pop()) if (tx.merchantId !== merchantId) kept.push(tx);
    this.heap.clear();
    for (const tx of kept) this.heap.push(tx);
    this.arm();
  }

  private arm(): void {
    const next = this.heap.peek();
    if (next) this.scheduler.schedule(JOB, next.expiresAt, () => this.run());
    else this.scheduler.cancel(JOB);
  }

  private async run(): Promise<void> {
    for (let tx = this.heap.peek(); tx && tx.expiresAt <= this.scheduler.now(); tx = this.heap.peek()) {
      this.heap.pop();
      if (tx.status === 'REQUEST_INITIATED') await this.expire(tx);
    }
    this.arm();
  }
}

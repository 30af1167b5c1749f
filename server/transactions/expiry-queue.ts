import type { Scheduler } from '../scheduler/scheduler.js';
import type { StoredTransaction } from './types.js';

const JOB = 'expiries';

/**
 * Pending orders by link expiry, as one scheduler job for the earliest of them: a keyed job per order
 * would cost ~300 bytes each, this costs one array slot. Orders that closed meanwhile are skipped.
 */
export class ExpiryQueue {
  private queue: StoredTransaction[] = [];
  private head = 0;

  constructor(private readonly scheduler: Scheduler, private readonly expire: (tx: StoredTransaction) => Promise<void>) {}

  add(tx: StoredTransaction): void {
    // Orders mostly arrive in expiry order, so the insertion point is almost always the end.
    let i = this.queue.length;
    while (i > this.head && this.queue[i - 1]!.expiresAt > tx.expiresAt) i--;
    this.queue.splice(i, 0, tx);
    if (i === this.head) this.arm();
  }

  /** Forgets every order (of one merchant, when given). */
  clear(merchantId?: string): void {
    this.queue = merchantId === undefined ? [] : this.queue.slice(this.head).filter((tx) => tx.merchantId !== merchantId);
    this.head = 0;
    this.arm();
  }

  private arm(): void {
    const next = this.queue[this.head];
    if (!next) {
      this.scheduler.cancel(JOB);
      return;
    }
    this.scheduler.schedule(JOB, next.expiresAt, () => this.run());
  }

  private async run(): Promise<void> {
    for (let tx = this.queue[this.head]; tx && tx.expiresAt <= this.scheduler.now(); tx = this.queue[this.head]) {
      this.head++;
      if (tx.status === 'REQUEST_INITIATED') await this.expire(tx);
    }
    // Drop the consumed front now and then, so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.arm();
  }
}

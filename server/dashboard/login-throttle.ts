import { realNow } from '../support/real-time.js';

const WINDOW_MS = 60_000;
const MAX_FAILURES = 5;

interface Tally {
  since: number;
  failures: number;
}

/**
 * Wrong admin tokens per client address: after 5 in a minute that address waits out the minute. Only
 * that address, only that long; the oldest addresses are forgotten first so memory stays bounded.
 */
export class LoginThrottle {
  static readonly MAX_ADDRESSES = 10_000;
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly now: () => number = realNow) {}

  get size(): number {
    return this.tallies.size;
  }

  /** Seconds this address must wait before its next attempt; 0 when it may try now. */
  retryAfterSeconds(address: string): number {
    const tally = this.current(address);
    return tally && tally.failures >= MAX_FAILURES ? Math.ceil((tally.since + WINDOW_MS - this.now()) / 1000) : 0;
  }

  failed(address: string): void {
    const tally = this.current(address) ?? { since: this.now(), failures: 0 };
    tally.failures += 1;
    this.tallies.delete(address);
    this.tallies.set(address, tally);
    if (this.tallies.size > LoginThrottle.MAX_ADDRESSES) this.tallies.delete(this.tallies.keys().next().value!);
  }

  succeeded(address: string): void {
    this.tallies.delete(address);
  }

  /** The tally of this address's current minute; a finished minute is forgotten. */
  private current(address: string): Tally | undefined {
    const tally = this.tallies.get(address);
    if (tally && this.now() - tally.since >= WINDOW_MS) this.tallies.delete(address);
    return this.tallies.get(address);
  }
}

import type { StoredTransaction } from './types.js';

// Orders keep their initiate body as text (a third of the memory of the parsed object); the few recently
// used ones are kept parsed, since pages and callbacks read the same order several times in a row.
const RECENT = 512;

/**
 * One instance's recently parsed initiate bodies (least recently used dropped first). Each instance owns
 * its own, and a reset clears it, so forgotten orders and their bodies are freed with them.
 */
export class RequestCache {
  private readonly parsed = new Map<StoredTransaction, Record<string, unknown>>();

  /** Makes `requestOf(tx)` cache the order's body here. */
  adopt(tx: StoredTransaction): void {
    owners.set(tx, this);
  }

  get(tx: StoredTransaction): Record<string, unknown> {
    let body = this.parsed.get(tx);
    if (body) {
      this.parsed.delete(tx);
    } else {
      body = JSON.parse(tx.requestJson) as Record<string, unknown>;
      if (this.parsed.size >= RECENT) this.parsed.delete(this.parsed.keys().next().value!);
    }
    this.parsed.set(tx, body);
    return body;
  }

  /** Drops the parsed bodies (of one merchant's orders, when given). */
  clear(merchantId?: string): void {
    if (merchantId === undefined) return this.parsed.clear();
    for (const tx of this.parsed.keys()) if (tx.merchantId === merchantId) this.parsed.delete(tx);
  }

  get size(): number {
    return this.parsed.size;
  }
}

// Which instance's cache an order belongs to; weak, so a forgotten order takes its entry with it.
const owners = new WeakMap<StoredTransaction, RequestCache>();

/** The initiate body of an order, as sent. */
export function requestOf(tx: StoredTransaction): Record<string, unknown> {
  return owners.get(tx)?.get(tx) ?? (JSON.parse(tx.requestJson) as Record<string, unknown>);
}

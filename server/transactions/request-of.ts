import type { StoredTransaction } from './types.js';

// Orders keep their initiate body as text (a third of the memory of the parsed object); the few recently
// used ones are kept parsed, since pages and callbacks read the same order several times in a row.
const RECENT = 512;
const parsed = new Map<StoredTransaction, Record<string, unknown>>();

/** The initiate body of an order, as sent. */
export function requestOf(tx: StoredTransaction): Record<string, unknown> {
  let body = parsed.get(tx);
  if (body) {
    parsed.delete(tx);
  } else {
    body = JSON.parse(tx.requestJson) as Record<string, unknown>;
    if (parsed.size >= RECENT) parsed.delete(parsed.keys().next().value!);
  }
  parsed.set(tx, body);
  return body;
}

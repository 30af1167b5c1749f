import type { Delivery } from '../model/delivery.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { Store } from '../store/store.js';

/** How an order's callbacks are doing, worst first: the list flags the first two and filters on each. */
export const CALLBACK_HEALTH = ['gave-up', 'failing', 'pending', 'delivered', 'none'] as const;
export type CallbackHealthState = (typeof CALLBACK_HEALTH)[number];

export interface CallbackHealth {
  state: CallbackHealthState;
  /** Attempts made of the callback that sets the state (0 for none). */
  attempts: number;
  /** Virtual time of its next attempt, while failing or pending. */
  nextAttemptAt: number | null;
}

// A delivery's own state, read as the order's: a pending one that has been tried already is failing.
function stateOf(d: Delivery): CallbackHealthState {
  if (d.state === 'pending') return d.attempts.length > 0 ? 'failing' : 'pending';
  return d.state === 'suppressed' ? 'none' : d.state;
}

const NONE: CallbackHealth = { state: 'none', attempts: 0, nextAttemptAt: null };

/** The order's worst callback: one that gave up outweighs a later one delivered, so the list never shows a failure as fine. */
export function callbackHealthOf(deliveries: readonly Delivery[]): CallbackHealth {
  let worst = NONE;
  for (const d of deliveries) {
    const state = stateOf(d);
    if (CALLBACK_HEALTH.indexOf(state) < CALLBACK_HEALTH.indexOf(worst.state)) worst = { state, attempts: d.attempts.length, nextAttemptAt: d.nextAttemptAt };
  }
  return worst;
}

export function callbackHealth(store: Store, tx: StoredTransaction): CallbackHealth {
  return callbackHealthOf(store.deliveriesOf(tx.merchantId, tx.orderId));
}

/** A `?callback=` filter value, or null when it names no state. */
export function readCallbackHealth(value: string): CallbackHealthState | null {
  return (CALLBACK_HEALTH as readonly string[]).includes(value) ? (value as CallbackHealthState) : null;
}

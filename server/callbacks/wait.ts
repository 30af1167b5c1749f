import type { CallbackDispatcher } from './dispatcher.js';
import type { Delivery } from '../model/delivery.js';
import type { Store } from '../store/store.js';
import { canonicalStatus } from './status-words.js';
import { clearRealTimeout, setRealTimeout } from '../support/real-time.js';

export interface WaitCriteria {
  orderId: string;
  merchantId?: string;
  /** The payment status the callback must report (PAID, FAILURE or FAILED, …). */
  status?: string;
  /** Wait for a failed attempt instead (`false`); default a delivered one. */
  delivered?: boolean;
  timeoutMs: number;
  /** Stops waiting early (the client went away). */
  signal?: AbortSignal;
}

// setTimeout cannot wait longer than this.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function fits(d: Delivery, c: WaitCriteria): boolean {
  return d.orderId === c.orderId && (c.merchantId === undefined || d.merchantId === c.merchantId)
    && (c.status === undefined || d.status === canonicalStatus(c.status)) && d.attempts.some((a) => a.delivered === (c.delivered ?? true));
}

/** Resolves with the first callback that fits with a delivered (or, asked so, a failed) attempt, already or once it has one; null after the timeout. */
export function waitForDelivered(store: Store, dispatcher: CallbackDispatcher, criteria: WaitCriteria): Promise<Delivery | null> {
  const candidates = criteria.merchantId === undefined
    ? store.findTransactions(criteria.orderId).flatMap((tx) => store.deliveriesOf(tx.merchantId, tx.orderId))
    : store.deliveriesOf(criteria.merchantId, criteria.orderId);
  const found = candidates.find((d) => fits(d, criteria));
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const onAttempt = (delivery: Delivery) => {
      if (!fits(delivery, criteria)) return;
      cleanup();
      resolve(delivery);
    };
    const giveUp = () => {
      cleanup();
      resolve(null);
    };
    const timer = setRealTimeout(giveUp, Math.min(Math.max(criteria.timeoutMs, 0), MAX_TIMEOUT_MS));
    timer.unref();
    const cleanup = () => {
      clearRealTimeout(timer);
      dispatcher.off('attempt', onAttempt);
      criteria.signal?.removeEventListener('abort', giveUp);
    };
    dispatcher.on('attempt', onAttempt);
    criteria.signal?.addEventListener('abort', giveUp);
  });
}

import type { PaymentStatus, StoredTransaction } from '../model/transaction.js';
import { channelOf } from '../channels/table.js';

export type Action = 'pay' | 'fail' | 'cancel' | 'expire' | 'void' | 'refund';

interface Transition {
  from: readonly PaymentStatus[];
  to: (tx: StoredTransaction) => PaymentStatus;
  /** Timeline event name. */
  event: string;
}

/** What was paid, whatever happened since. */
export function paidAmount(tx: StoredTransaction): number {
  return tx.payment?.amount ?? 0;
}

/** Which action moves an order from which state to which; anything else is refused. */
export const TRANSITIONS: Record<Action, Transition> = {
  pay: { from: ['REQUEST_INITIATED'], to: (tx) => channelOf(tx.channel)?.paidStatus ?? 'PAID', event: 'paid' },
  fail: { from: ['REQUEST_INITIATED'], to: () => 'FAILURE', event: 'failed' },
  cancel: { from: ['REQUEST_INITIATED'], to: () => 'CANCELLED', event: 'cancelled' },
  expire: { from: ['REQUEST_INITIATED'], to: () => 'EXPIRED', event: 'expired' },
  // Only card payments end CAPTURED, so only they can be voided; settlement is checked by the service.
  void: { from: ['CAPTURED'], to: () => 'CANCELLED', event: 'voided' },
  // Read once the refund is counted in refundedAmount: nothing left means fully refunded.
  refund: {
    from: ['PAID', 'CAPTURED', 'PARTIALLY_REFUNDED'],
    to: (tx) => (tx.refundedAmount >= paidAmount(tx) ? 'REFUNDED' : 'PARTIALLY_REFUNDED'),
    event: 'refunded',
  },
};

export function canApply(action: Action, tx: StoredTransaction): boolean {
  return TRANSITIONS[action].from.includes(tx.status);
}

// [chosen] Card captures settle in a nightly batch at 00:00 Asia/Jakarta (UTC+7, no daylight saving).
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The virtual time a capture made at `capturedAt` settles: until then it can be voided, afterwards only refunded. */
export function settlesAt(capturedAt: number): number {
  return (Math.floor((capturedAt + JAKARTA_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - JAKARTA_OFFSET_MS;
}

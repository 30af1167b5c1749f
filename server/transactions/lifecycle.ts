import type { PaymentStatus, StoredTransaction } from './types.js';
import { channelOf } from '../channels/table.js';

export type Action = 'pay' | 'fail' | 'cancel' | 'expire';

interface Transition {
  from: readonly PaymentStatus[];
  to: (tx: StoredTransaction) => PaymentStatus;
  /** Timeline event name. */
  event: string;
}

/** Which action moves an order from which state to which; anything else is refused. */
export const TRANSITIONS: Record<Action, Transition> = {
  pay: { from: ['REQUEST_INITIATED'], to: (tx) => channelOf(tx.channel)?.paidStatus ?? 'PAID', event: 'paid' },
  fail: { from: ['REQUEST_INITIATED'], to: () => 'FAILURE', event: 'failed' },
  cancel: { from: ['REQUEST_INITIATED'], to: () => 'CANCELLED', event: 'cancelled' },
  expire: { from: ['REQUEST_INITIATED'], to: () => 'EXPIRED', event: 'expired' },
};

export function canApply(action: Action, tx: StoredTransaction): boolean {
  return TRANSITIONS[action].from.includes(tx.status);
}

export function isFinal(status: PaymentStatus): boolean {
  return status !== 'REQUEST_INITIATED';
}

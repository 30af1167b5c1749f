import type { PaymentStatus } from './types.js';

/** `result.payment.userDesc` per status; the first two are the live gateway's own wording. */
export const USER_DESCRIPTIONS: Record<PaymentStatus, string> = {
  REQUEST_INITIATED: 'Your transaction is currently in progress or pending processing',
  PAID: 'Your transaction was successful',
  CAPTURED: 'Your transaction was successful',
  FAILURE: 'Your transaction has failed',
  CANCELLED: 'Your transaction has been cancelled',
  EXPIRED: 'Your transaction has expired',
  REFUNDED: 'Your transaction has been refunded',
  PARTIALLY_REFUNDED: 'Your transaction has been partially refunded',
};

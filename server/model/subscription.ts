import type { PaymentStatus } from './transaction.js';

/** One charge of a subscription: an order of its own, created on the virtual clock. */
export interface SubscriptionCharge {
  orderId: string;
  /** Virtual time it was due. */
  dueAt: number;
  /** 1 for the first try of a charge, then one more per retry. */
  attempt: number;
  status: PaymentStatus;
}

export type SubscriptionState = 'awaiting-first-payment' | 'active' | 'paused' | 'cancelled' | 'ended';

/** `recurring.subscribe: "Y"` on a card order: charged at every interval once its first payment is CAPTURED. */
export interface Subscription {
  kind: 'subscription';
  /** `recurring.id`, unique per merchant. */
  id: string;
  merchantId: string;
  customerId: string;
  /** The initiate that set it up. */
  firstOrderId: string;
  /** The saved card its charges use, once the first payment captured. */
  cardToken?: string;
  state: SubscriptionState;
  createdAt: number;
  /** Virtual time of the next charge (or retry), while active. */
  nextChargeAt?: number;
  charges: SubscriptionCharge[];
}

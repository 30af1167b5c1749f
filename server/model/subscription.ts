import type { PaymentStatus } from './transaction.js';

/**
 * One try of a charge of a subscription: an order of its own, created on the virtual clock. The record keeps only
 * the tries that got no order (`missedTries`); the others are read from their orders.
 */
export interface SubscriptionCharge {
  /** Empty when no order could be created (its id was taken by another order, or the channel refused it). */
  orderId: string;
  /** 1 for the first charge, then one more per charge (a charge's retries keep its number). */
  n: number;
  /** Virtual time this try was made (its order's creation). */
  dueAt: number;
  /** 1 for the first try of a charge, then one more per retry. */
  attempt: number;
  status: PaymentStatus;
  /** Why it ended as it did (`test card 400000xxxxxx0002 declined`, `scenario "x"`, `captured`). */
  cause: string;
}

/** `paused` keeps the schedule; `cancelled` (by the merchant's operator) and `ended` (maxInterval or endDate) are final. */
export type SubscriptionState = 'active' | 'paused' | 'cancelled' | 'ended';

/** `recurring.retry`: each failed try of a charge is tried again `interval intervalUnit` later, at most `maxInterval` times. */
export interface SubscriptionRetry {
  interval: number;
  intervalUnit: string;
  maxInterval: number;
}

/** `recurring.subscribe: "Y"` on a card order: created when its first payment is CAPTURED, then charged at every interval. */
export interface Subscription {
  kind: 'subscription';
  /** `recurring.id`, unique per merchant. */
  id: string;
  merchantId: string;
  customerId: string;
  /** The initiate that set it up; charges copy its body. */
  firstOrderId: string;
  /** The saved card its charges use, when the first payment saved one. */
  cardToken?: string;
  state: SubscriptionState;
  /** When the first payment captured (virtual time). */
  createdAt: number;
  /** `recurring.type`: PURCHASE or TOPUP. */
  type: string;
  /** `recurring.amount`: what each charge takes. */
  amount: number;
  interval: number;
  intervalUnit: string;
  /** Charges to make at most (retries not counted); none: until endDate or cancelled. */
  maxInterval?: number;
  /** `YYYYMMDD` as sent (Asia/Jakarta). */
  startDate?: string;
  endDate?: string;
  retry?: SubscriptionRetry;
  /** Virtual time of schedule slot 0; slot k is due `k` intervals later (months counted from here, so no drift). */
  anchorAt: number;
  /** The next try, while active or paused: its time, schedule slot, charge number and attempt. */
  nextChargeAt?: number;
  nextSlot?: number;
  nextCharge?: number;
  nextAttempt?: number;
  /** Set by fail-next: the next try fails, whatever its card or scenario says. */
  failNext?: boolean;
  /** Why it is cancelled or ended, and when. */
  endedAt?: number;
  endReason?: string;
  /** Charges made so far (a charge's retries count once). */
  chargesMade: number;
  /** When the first try of the latest charge was due: its retries are counted from it. */
  chargeDueAt?: number;
  /** The latest tries that got no order, oldest first (at most `MISSED_TRIES_KEPT`): the record stays one size however long it runs. */
  missedTries: SubscriptionCharge[];
}

/** How many tries without an order a subscription keeps. */
export const MISSED_TRIES_KEPT = 20;

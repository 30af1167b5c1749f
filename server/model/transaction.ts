import type { CallbackBehaviour, ScheduledAction } from './scenario.js';

/** What a paid order's status is: cards are CAPTURED, every other channel PAID. */
export type PaidStatus = 'PAID' | 'CAPTURED';

/** `card.info` in check-status and callbacks, as in the docs' sample. */
export interface CardInfo {
  brand: string;
  issuing: string;
  type: string;
  subType: string;
  country: string;
}

/** What check-status and callbacks say about the card an order was paid with. */
export interface CardDetails {
  mask: string;
  info: CardInfo;
}

export type PaymentStatus =
  | 'REQUEST_INITIATED'
  | PaidStatus
  | 'FAILURE'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'REFUNDED'
  | 'PARTIALLY_REFUNDED';

/** Every status an order can end a transition in, each of which may send a callback. */
export const FINAL_STATUSES: readonly PaymentStatus[] = ['PAID', 'CAPTURED', 'FAILURE', 'CANCELLED', 'EXPIRED', 'REFUNDED', 'PARTIALLY_REFUNDED'];

export interface TimelineEvent {
  /** Virtual time, epoch ms. */
  at: number;
  event: string;
  detail?: string;
  /** How many times in a row it happened, when more than once (repeats are folded into one entry). */
  times?: number;
}

/** The shopper's progress through a checkout page: `signin` is the first step (sign-in, card form), `otp` a code check (OTP, 3-D Secure). */
export interface CheckoutProgress {
  step: 'signin' | 'otp' | 'plan' | 'done';
  phone?: string;
  /** Failed attempts of the order's checkout so far, kept when the shopper switches channels: the caps hold per order. */
  otpFailures: number;
  pinFailures: number;
  plan?: string;
  /** Set once a checkout page was shown, so later views and refreshes write nothing. */
  opened?: boolean;
}

/** One initiate and everything that happened to it since; what the data file stores per order. */
export interface StoredTransaction {
  merchantId: string;
  orderId: string;
  /** Canonical `sourceOfFunds.type`; `hosted` until the shopper picks a channel on the hosted page. */
  channel: string;
  /** Set when the order was initiated without `sourceOfFunds` (the shopper picks the channel). */
  hosted?: boolean;
  /** The VA number or pay code (VA, pay code and retail channels). */
  paymentCode?: string;
  status: PaymentStatus;
  /** `order.amount` as an integer. */
  amount: number;
  currency: string;
  /**
   * The initiate body as received (unknown keys included), as JSON text: read it with `requestOf(tx)`.
   * An identical text re-initiated while pending replays the answer, which is rebuilt from the order.
   */
  requestJson: string;
  /**
   * `meta.data` as the merchant wrote it, kept only when JS would echo it otherwise (integer-like keys, which JS
   * objects put first; `{}`, which PHP decodes into a list): check-status and callbacks echo it from here.
   */
  metaDataJson?: string;
  /** Token of the hosted page (`tk` / access path). */
  token: string;
  createdAt: number;
  expiresAt: number;
  /** Virtual time the order left REQUEST_INITIATED. */
  closedAt?: number;
  /** `order.reference`: empty until paid. */
  reference: string;
  payment?: { at: number; reference: string; amount: number };
  /** The card entered on the card page (or the default test card), for check-status and callbacks. */
  card?: CardDetails;
  /** The saved card's token (`SavedCard.id`): the one this payment saved (`TO_BE_STORED`) or paid with (`STORED`). */
  cardToken?: string;
  /** Total refunded so far. */
  refundedAmount: number;
  /** Virtual time of the latest refund. */
  refundedAt?: number;
  checkout: CheckoutProgress;
  /** Name of the scenario that matched at initiate, if any. */
  scenario?: string;
  /** How this order's callbacks are sent (from its scenario). */
  callbackBehaviour?: CallbackBehaviour;
  /** An outcome a scenario scheduled for it, on the virtual clock. */
  scheduledOutcome?: { action: ScheduledAction; at: number };
  timeline: TimelineEvent[];
}

import type { CallbackBehaviour } from './scenario.js';
import type { PaymentStatus } from './transaction.js';

export interface DeliveryAttempt {
  n: number;
  /** Virtual time the attempt left, epoch ms. */
  at: number;
  /** Real time the receiver took to answer, ms. */
  latencyMs: number;
  statusCode: number | null;
  /** The first part of the receiver's answer. */
  responseExcerpt: string;
  error: string | null;
  delivered: boolean;
  /** Sent by hand (control API or dashboard) rather than by the retry schedule. */
  manual: boolean;
  /** What makes this attempt odd, for the delivery log: `duplicate 2 of 3, fresh x-timestamp`. */
  note?: string;
}

/** A callback a scenario sends beside the order's real one: for a made-up order id, or a stale FAILURE sent after the paid one. */
export interface CompanionOf {
  kind: 'phantom' | 'stale-failure';
  /** The real delivery it goes with. */
  deliveryId: string;
}

/** `suppressed`: a scenario said never to send it. */
export type DeliveryState = 'pending' | 'delivered' | 'gave-up' | 'suppressed';

/** One callback (one final transition of one order) and its delivery attempts. */
export interface Delivery {
  id: string;
  merchantId: string;
  orderId: string;
  /** The payment status the callback reports. */
  status: PaymentStatus;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes POSTed. */
  body: string;
  signature: string;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  /** Virtual time of the next attempt while pending. */
  nextAttemptAt: number | null;
  createdAt: number;
  /** Scenario behaviour applied to this callback, and the scenario's name. */
  behaviour?: CallbackBehaviour;
  scenario?: string;
  /** Whether the scenario's extra copy after delivery was sent. */
  duplicateSent?: boolean;
  /** How many of the scenario's extra copies were sent so far. */
  duplicatesSent?: number;
  /** What the scenario does to this callback, in words, for the delivery log (late, wrong amount, phantom, …). */
  notes?: string[];
  /** Set on a callback a scenario sends beside the real one. */
  companionOf?: CompanionOf;
  /** The ids of the callbacks a scenario sends beside this one. */
  companions?: string[];
  /** A stale FAILURE waiting for its paid delivery, or a callback held until the shopper is redirected back. */
  waitingFor?: 'paid-delivery' | 'redirect';
}

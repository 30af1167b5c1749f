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
}

import type { Delivery } from '../model/delivery.js';
import type { AppContext } from '../operations/context.js';
import type { LoggedRequest } from '../operations/request-log.js';
import type { Scenario } from '../model/scenario.js';
import type { StoredTransaction } from '../model/transaction.js';
import { requestOf } from '../model/initiate-request.js';
import { initiateAnswer } from '../channels/initiate-responses.js';
import { iso } from './query.js';

/** A callback with its attempts, times as ISO strings. */
export function deliveryView(d: Delivery): Record<string, unknown> {
  return {
    ...d, createdAt: iso(d.createdAt), nextAttemptAt: iso(d.nextAttemptAt),
    attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at) })),
  };
}

/** One line of a transaction list. */
export function transactionSummary(tx: StoredTransaction): Record<string, unknown> {
  return {
    merchantId: tx.merchantId, orderId: tx.orderId, channel: tx.channel, status: tx.status, amount: tx.amount, currency: tx.currency,
    createdAt: iso(tx.createdAt), expiresAt: iso(tx.expiresAt), scenario: tx.scenario ?? null,
  };
}

/** A transaction with its request, answer, timeline and callbacks. */
export function transactionView(ctx: AppContext, tx: StoredTransaction): Record<string, unknown> {
  return {
    ...transactionSummary(tx),
    reference: tx.reference,
    request: requestOf(tx).body,
    response: initiateAnswer(tx, ctx.publicUrl()),
    timeline: tx.timeline.map((e) => ({ ...e, at: iso(e.at) })),
    callbacks: ctx.store.deliveriesOf(tx.merchantId, tx.orderId).map(deliveryView),
  };
}

export function scenarioView(s: Scenario): Record<string, unknown> {
  return { ...s };
}

export function requestView(r: LoggedRequest): Record<string, unknown> {
  return { ...r, at: iso(r.at) };
}

export function clockView(ctx: AppContext): Record<string, unknown> {
  const state = ctx.clock.snapshot();
  return { now: iso(ctx.clock.now()), epochMs: ctx.clock.now(), frozen: state.frozenAt !== null, offsetMs: state.frozenAt === null ? state.offsetMs : null,
    pendingJobs: ctx.scheduler.pending };
}

import { channelOf, HOSTED } from './table.js';
import { formatJakarta } from '../support/indonesian-format.js';
import type { PaymentStatus, StoredTransaction } from '../model/transaction.js';
import type { FailureWord } from '../model/scenario.js';
import { requestOf } from '../model/initiate-request.js';
import { parseOrdered } from '../model/ordered-json.js';

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

/** The status word the merchant sees: a stored FAILURE is worded as its scenario, else `--failure-status`, says. */
function reportedStatus(tx: StoredTransaction, failureWord: FailureWord): string {
  return tx.status === 'FAILURE' ? tx.callbackBehaviour?.failureStatus ?? failureWord : tx.status;
}

/**
 * What check-status and callbacks say about an order. Both are built here from the same stored state,
 * so the status and amount check reports always equal what the latest callback carried.
 */
export function paymentResult(tx: StoredTransaction, failureWord: FailureWord): Record<string, unknown> {
  const status = reportedStatus(tx, failureWord);
  const result: Record<string, unknown> = {
    status,
    statusDesc: status,
    userDesc: USER_DESCRIPTIONS[tx.status],
  };
  if (tx.closedAt !== undefined) result.datetime = formatJakarta(tx.payment?.at ?? tx.closedAt);
  if (tx.payment) {
    result.reference = tx.payment.reference;
    result.channel = channelOf(tx.channel)?.channelCode ?? null;
  }
  result.amount = tx.payment?.amount ?? 0;
  return result;
}

function orderPart(tx: StoredTransaction): Record<string, unknown> {
  return { id: tx.orderId, reference: tx.reference, amount: tx.amount, currency: tx.currency };
}

function customerPart(tx: StoredTransaction): Record<string, unknown> {
  return { id: requestOf(tx).customer.id ?? '' };
}

// meta.data as a PHP gateway echoes it: from the merchant's own text when JS would reorder it (see ordered-json.ts).
function metaPart(tx: StoredTransaction): Record<string, unknown> {
  return { data: tx.metaDataJson === undefined ? requestOf(tx).meta?.data ?? null : parseOrdered(tx.metaDataJson) };
}

// A hosted order has no type until the shopper picks a channel; VA and pay code orders carry their code, as in the real VA callback.
function sourceOfFundsPart(tx: StoredTransaction): Record<string, unknown> {
  const type = tx.channel === HOSTED.type ? '' : tx.channel;
  return tx.paymentCode === undefined ? { type } : { type, paymentCode: tx.paymentCode };
}

/** `result`: the payment, then what was refunded of it (total and latest time) once anything was. */
function resultPart(tx: StoredTransaction, failureWord: FailureWord): Record<string, unknown> {
  const result: Record<string, unknown> = { payment: paymentResult(tx, failureWord) };
  if (tx.refundedAt !== undefined) result.refund = { amount: tx.refundedAmount, datetime: formatJakarta(tx.refundedAt) };
  return result;
}

/** `card` (after `order`) for orders a card was entered for; a saved card's token first (shape chosen: the docs show no saved-card answer). */
function cardPart(tx: StoredTransaction): Record<string, unknown> {
  if (!tx.card) return {};
  const card = { mask: tx.card.mask, info: { ...tx.card.info } };
  return { card: tx.cardToken === undefined ? card : { token: tx.cardToken, ...card } };
}

/** `data` of `GET /pg/payment/card/check/{orderId}`. */
export function checkStatusData(tx: StoredTransaction, failureWord: FailureWord = 'FAILURE'): Record<string, unknown> {
  return {
    merchant: { id: tx.merchantId },
    customer: customerPart(tx),
    order: orderPart(tx),
    ...cardPart(tx),
    sourceOfFunds: sourceOfFundsPart(tx),
    meta: metaPart(tx),
    result: resultPart(tx, failureWord),
  };
}

/** The callback body without its signature, in the order the real gateway sends it. */
export function callbackFields(tx: StoredTransaction, failureWord: FailureWord): Record<string, unknown> {
  return {
    merchant: { id: tx.merchantId },
    customer: customerPart(tx),
    order: orderPart(tx),
    ...cardPart(tx),
    transaction: { acquirerId: null },
    sourceOfFunds: sourceOfFundsPart(tx),
    meta: metaPart(tx),
    result: resultPart(tx, failureWord),
  };
}

import { channelOf } from '../channels/table.js';
import { formatJakarta } from '../clock/jakarta-time.js';
import { USER_DESCRIPTIONS } from './status-text.js';
import type { StoredTransaction } from './types.js';

/**
 * What check-status and callbacks say about an order. Both are built here from the same stored state,
 * so the status and amount check reports always equal what the latest callback carried.
 */
function requestPart(tx: StoredTransaction, key: string): Record<string, unknown> | undefined {
  const part = tx.request[key];
  return part !== null && typeof part === 'object' && !Array.isArray(part) ? (part as Record<string, unknown>) : undefined;
}

export function paymentResult(tx: StoredTransaction): Record<string, unknown> {
  const result: Record<string, unknown> = {
    status: tx.status,
    statusDesc: tx.status,
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
  const id = requestPart(tx, 'customer')?.id;
  return { id: typeof id === 'string' ? id : '' };
}

function metaPart(tx: StoredTransaction): Record<string, unknown> {
  const data = requestPart(tx, 'meta')?.data;
  return { data: data === undefined ? null : data };
}

function sourceOfFundsPart(tx: StoredTransaction): Record<string, unknown> {
  return { type: tx.channel };
}

/** `data` of `GET /pg/payment/card/check/{orderId}`. */
export function checkStatusData(tx: StoredTransaction): Record<string, unknown> {
  return {
    merchant: { id: tx.merchantId },
    customer: customerPart(tx),
    order: orderPart(tx),
    sourceOfFunds: sourceOfFundsPart(tx),
    meta: metaPart(tx),
    result: { payment: paymentResult(tx) },
  };
}

/** The callback body without its signature, in the order the real gateway sends it. */
export function callbackFields(tx: StoredTransaction): Record<string, unknown> {
  return {
    merchant: { id: tx.merchantId },
    customer: customerPart(tx),
    order: orderPart(tx),
    transaction: { acquirerId: null },
    sourceOfFunds: sourceOfFundsPart(tx),
    meta: metaPart(tx),
    result: { payment: paymentResult(tx) },
  };
}

import type { LogFields } from '../support/logger.js';
import { realMonotonicNow } from '../support/real-time.js';
import type { Exchange } from './exchange.js';
import { logLine } from './hint-text.js';

// The verdict and hint come first and may be long; the request's own facts after them are kept whole.
const HEAD_CHARS = 780;
const TAIL_CHARS = 200;
/** Each text a JSON line carries (a refused order id may be 1 MB long). */
const FIELD_CHARS = 512;

/** The order id a request names (the body's when it was refused before the id was read). */
function orderIdOf(ex: Exchange): string | undefined {
  const id = (ex.body?.order as { id?: unknown } | undefined)?.id;
  return ex.orderId ?? (typeof id === 'string' || typeof id === 'number' ? String(id) : undefined);
}

function field(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.slice(0, FIELD_CHARS);
}

/** What was answered, in words: `answered: 2000000 Success`, `refused: 4000001 … — hint`, or `dropped: …`. */
function verdict(ex: Exchange): string {
  if (!ex.res.writableFinished) return 'dropped: the connection closed before an answer was sent';
  if (ex.error) return `refused: ${ex.error.responseCode} ${ex.error.message} — ${ex.hint ?? ''}`;
  return ex.answer ? `answered: ${ex.answer.responseCode} ${ex.answer.responseMessage}` : 'answered';
}

/**
 * The one log line of a gateway exchange, once answered, e.g.
 * `initiate FINPAY770 INV-1 refused: 4000001 … — customer.mobilePhone must be … · POST /pg/payment/card/initiate 400 1.2ms field customer.mobilePhone`;
 * the same facts as fields for a JSON line.
 */
export function requestLine(ex: Exchange, operation: string): { text: string; fields: LogFields } {
  const ms = Math.round((realMonotonicNow() - ex.startedAt) * 10) / 10;
  const status = ex.res.writableFinished ? ex.res.statusCode : null;
  const orderId = orderIdOf(ex);
  const failed = ex.error?.detail?.field;
  const head = `${operation} ${ex.merchant?.id ?? '-'} ${orderId ?? '-'} ${verdict(ex)}`;
  const tail = `${ex.req.method} ${ex.path} ${status ?? '-'} ${ms}ms${failed ? ` field ${failed}` : ''}${ex.scenario ? ` scenario ${ex.scenario}` : ''}`;
  return {
    text: `${logLine(head, HEAD_CHARS)} · ${logLine(tail, TAIL_CHARS)}`,
    fields: {
      operation: field(operation), method: field(ex.req.method), path: field(ex.path), status, ms,
      responseCode: ex.error?.responseCode ?? ex.answer?.responseCode ?? null,
      merchantId: field(ex.merchant?.id) ?? null, orderId: field(orderId) ?? null,
      field: field(failed), rule: field(ex.error?.detail?.rule), hint: field(ex.error ? ex.hint : undefined), scenario: field(ex.scenario),
    },
  };
}

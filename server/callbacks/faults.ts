import type { CallbackBehaviour } from '../model/scenario.js';
import { durationText } from '../support/duration.js';

/** `late`: how long after the link's expiry the first attempt leaves, unless `delay` says otherwise. */
export const LATE_DEFAULT_MS = 5_000;
/** `redirect: before-callback`: the longest a callback waits for the shopper's redirect (an order ended off the pages has none). */
export const REDIRECT_HOLD_MS = 60_000;
/** `redirect: before-callback`: how long after the redirect the callback leaves, unless `delay` says otherwise. */
export const AFTER_REDIRECT_DEFAULT_MS = 1_000;
/** The virtual gap between a callback and its companion (phantom, stale FAILURE) or between fresh-timestamp duplicates. */
export const COMPANION_GAP_MS = 1_000;

/** How many extra copies of a delivered callback the scenario asks for. */
export function duplicateCount(behaviour: CallbackBehaviour | undefined): number {
  const duplicate = behaviour?.duplicate;
  return duplicate === true ? 1 : typeof duplicate === 'number' ? duplicate : 0;
}

/** Virtual time of the real callback's first attempt, for a transition at `now` of an order whose link expires at `expiresAt`. */
export function firstAttemptAt(behaviour: CallbackBehaviour, now: number, expiresAt: number): number {
  if (behaviour.redirect === 'before-callback') return now + REDIRECT_HOLD_MS;
  if (behaviour.late) return Math.max(now, expiresAt) + (behaviour.delayMs ?? LATE_DEFAULT_MS);
  return now + (behaviour.delayMs ?? 0);
}

/** When a callback held for the shopper's redirect leaves, once the redirect was sent at `now`. */
export function afterRedirectAt(behaviour: CallbackBehaviour, now: number): number {
  return now + (behaviour.delayMs ?? AFTER_REDIRECT_DEFAULT_MS);
}

/** The amount a `wrongAmount` body reports instead of `amount`: never below 1 rupiah. */
export function misreported(amount: number, wrongAmount: number): number {
  return Math.max(1, amount + wrongAmount);
}

/** The callback fields with `order.amount` and `result.payment.amount` replaced by `amount` (the rest untouched, in order). */
export function withReportedAmount(fields: Record<string, unknown>, amount: number): Record<string, unknown> {
  const order = fields.order as Record<string, unknown>;
  const result = fields.result as Record<string, unknown>;
  const payment = result.payment as Record<string, unknown>;
  return { ...fields, order: { ...order, amount }, result: { ...result, payment: { ...payment, amount } } };
}

/** The callback fields for another order id (a phantom): the same merchant, amount and status. */
export function withOrderId(fields: Record<string, unknown>, orderId: string): Record<string, unknown> {
  return { ...fields, order: { ...(fields.order as Record<string, unknown>), id: orderId } };
}

/** The note of the n-th extra copy (counting the original as 1): `duplicate 2 of 3, same x-timestamp and x-signature`. */
export function duplicateNote(copy: number, total: number, fresh: boolean): string {
  return `duplicate ${copy} of ${total}, ${fresh ? 'fresh x-timestamp and x-signature' : 'same x-timestamp and x-signature as the delivered attempt'}`;
}

type Words = (behaviour: CallbackBehaviour) => string | null;

/** What each callback effect does, in words, in the order they are shown: the dashboard's scenarios page and the delivery log. */
const EFFECT_WORDS: Words[] = [
  (b) => (b.never ? 'no callback is sent' : null),
  (b) => (b.statuses ? `callbacks only for ${b.statuses.join(', ')}` : null),
  (b) => (b.late ? `arrives after the payment link expired (${durationText(b.delayMs ?? LATE_DEFAULT_MS)} after expiry)` : null),
  (b) => (b.redirect === 'before-callback'
    ? `the shopper is redirected back first; the callback leaves ${durationText(b.delayMs ?? AFTER_REDIRECT_DEFAULT_MS)} after the redirect (at most ${durationText(REDIRECT_HOLD_MS)} after the payment)`
    : null),
  (b) => (b.redirect === 'after-callback' ? 'the page redirects the shopper back only after the first delivery attempt' : null),
  (b) => (!b.late && b.redirect !== 'before-callback' && b.delayMs ? `leaves ${durationText(b.delayMs)} after the transition` : null),
  (b) => (b.failFirst ? `the first ${b.failFirst} attempt${b.failFirst === 1 ? ' is' : 's are'} held back (failed)` : null),
  (b) => {
    const extra = duplicateCount(b);
    if (extra === 0) return null;
    return `delivered ${extra + 1} times${b.freshTimestamp ? ', each with a fresh x-timestamp and x-signature' : ', byte-identical (same x-timestamp and x-signature)'}`;
  },
  (b) => (b.outOfOrder ? 'a paid order also gets a FAILURE callback for an earlier attempt, after the paid one' : null),
  (b) => (b.phantom ? `a validly signed callback for an order id the merchant never created, ${b.phantom} the real one` : null),
  (b) => (b.wrongAmount ? `the body reports the amount ${b.wrongAmount > 0 ? '+' : ''}${b.wrongAmount} off (validly signed); check-status keeps the truth` : null),
  (b) => (b.badSignature ? 'signed with a wrong merchant key' : null),
  (b) => (b.badRsaSignature ? 'x-signature does not verify with the served public key' : null),
  (b) => (b.unescapedBody ? 'body sent without PHP escaping, signed over the PHP encoding' : null),
  (b) => (b.failureStatus ? `a failure is worded ${b.failureStatus}` : null),
];

/** Every callback effect of a scenario, in words. */
export function describeCallbackBehaviour(behaviour: CallbackBehaviour): string[] {
  return EFFECT_WORDS.map((words) => words(behaviour)).filter((w): w is string => w !== null);
}

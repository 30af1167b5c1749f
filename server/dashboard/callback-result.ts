import type { Delivery, DeliveryAttempt } from '../model/delivery.js';
import type { AppContext } from '../operations/context.js';
import { wib } from './view-helpers.js';
import { clearRealTimeout, setRealTimeout } from '../support/real-time.js';

// How long an action's answer waits for the callback it triggered; a slower receiver shows up on refresh.
const WAIT_FOR_ATTEMPT_MS = 3000;

/** One attempt in a sentence: `delivered (HTTP 200, 12 ms)` or `failed: ECONNREFUSED …`. */
export function describeAttempt(attempt: DeliveryAttempt): string {
  return attempt.delivered
    ? `delivered (HTTP ${attempt.statusCode}, ${Math.round(attempt.latencyMs)} ms)`
    : `failed: ${attempt.error ?? `HTTP ${attempt.statusCode}`}`;
}

/** Resolves with the delivery's first attempt once it is made, or null when none is due now or it takes too long. */
function firstAttempt(ctx: AppContext, delivery: Delivery): Promise<DeliveryAttempt | null> {
  if (delivery.attempts[0]) return Promise.resolve(delivery.attempts[0]);
  if (delivery.state !== 'pending' || delivery.nextAttemptAt === null || delivery.nextAttemptAt > ctx.clock.now()) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onAttempt = (d: Delivery, attempt: DeliveryAttempt) => {
      if (d !== delivery) return;
      done(attempt);
    };
    const timer = setRealTimeout(() => done(null), WAIT_FOR_ATTEMPT_MS);
    const done = (attempt: DeliveryAttempt | null) => {
      clearRealTimeout(timer);
      ctx.dispatcher.off('attempt', onAttempt);
      resolve(attempt);
    };
    ctx.dispatcher.on('attempt', onAttempt);
  });
}

/** After a failed attempt: when the retry schedule tries again, or that it gave up. */
export function nextStep(delivery: Delivery): string {
  if (delivery.state === 'gave-up') return 'the retry schedule has given up';
  if (delivery.state === 'pending' && delivery.nextAttemptAt !== null) return `next try ${wib(delivery.nextAttemptAt)}`;
  return `it stays ${delivery.state}`;
}

/** What became of the callback a transition triggered, in one sentence for the page the action returns to. */
export async function callbackOutcome(ctx: AppContext, delivery: Delivery | undefined): Promise<string> {
  if (!delivery) return 'No callback: the order has no url.callbackUrl.';
  if (delivery.state === 'suppressed') return `No callback: scenario "${delivery.scenario}" suppresses it.`;
  const attempt = await firstAttempt(ctx, delivery);
  if (attempt?.delivered) return `Callback ${describeAttempt(attempt)}.`;
  if (attempt) return `Callback ${describeAttempt(attempt)}; ${nextStep(delivery)}.`;
  return delivery.nextAttemptAt === null ? 'Callback pending.' : `Callback scheduled for ${wib(delivery.nextAttemptAt)} (virtual clock).`;
}

import type { CallbackHealth } from '../operations/callback-health.js';
import { wib } from './view-helpers.js';

/** A badge beside an order's status when its callback is not getting through. */
export interface CallbackFlag {
  state: 'failing' | 'gave-up';
  text: string;
  /** The longer sentence, for the tooltip and screen readers. */
  title: string;
}

const attempts = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

/** The flag for an order's callbacks, or null when nothing is wrong (delivered, on its way, or none). */
export function callbackFlag(health: CallbackHealth): CallbackFlag | null {
  if (health.state === 'gave-up') {
    return { state: 'gave-up', text: `callback gave up (${attempts(health.attempts)})`, title: `The callback failed ${attempts(health.attempts)} and will not be retried: re-send it from the order's page.` };
  }
  if (health.state !== 'failing') return null;
  const next = health.nextAttemptAt === null ? '' : `, next ${wib(health.nextAttemptAt).slice(11, 16)}`;
  return {
    state: 'failing',
    text: `callback failing (${attempts(health.attempts)}${next})`,
    title: `The callback failed ${attempts(health.attempts)}${health.nextAttemptAt === null ? '' : `; it is retried at ${wib(health.nextAttemptAt)}`}.`,
  };
}

import type { CheckoutProgress } from '../model/transaction.js';

/** What a checkout counts: wrong secrets on its first step (PIN, password, CVV) and wrong codes on its second (OTP, 3-D Secure). */
export type AttemptKind = 'signin' | 'otp';

const COUNTERS: Record<AttemptKind, 'pinFailures' | 'otpFailures'> = { signin: 'pinFailures', otp: 'otpFailures' };

/**
 * Failed attempts each page family allows per order before the checkout ends in FAILURE (callback sent),
 * so a loop of wrong answers costs a bounded number of writes. Kredivo's sandbox ends the checkout after
 * three wrong OTPs (spec §7); the other numbers are the mock's choice.
 */
export const ATTEMPT_LIMITS = {
  paylater: { signin: 5, otp: 3 },
  wallet: { signin: 5 },
  card: { signin: 5, otp: 3 },
} as const satisfies Record<string, Partial<Record<AttemptKind, number>>>;

/** Counts one failed attempt of `kind` and says how many are left (0: the checkout is over). */
export function failedAttempt(checkout: CheckoutProgress, kind: AttemptKind, limit: number): number {
  checkout[COUNTERS[kind]]++;
  return Math.max(limit - checkout[COUNTERS[kind]], 0);
}

import type { PaymentStatus } from '../model/transaction.js';

/** FAILED is how most clients spell FAILURE (README "choices"): wherever a status is named, both mean the stored FAILURE. */
export function canonicalStatus(status: string): string {
  return status === 'FAILED' ? 'FAILURE' satisfies PaymentStatus : status;
}

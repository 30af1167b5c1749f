import type { StoredTransaction } from '../transactions/types.js';
import type { Family } from './table.js';

export interface ResponseContext {
  publicUrl: string;
  /** `YYYY-MM-DD HH:mm:ss`, Asia/Jakarta. */
  expiryLink: string;
}

/** The channel-specific part of a successful initiate answer, keys in the real samples' order. */
export const INITIATE_RESPONSES: Record<Family, (tx: StoredTransaction, ctx: ResponseContext) => Record<string, unknown>> = {
  paylater: (tx, { publicUrl, expiryLink }) => ({
    redirecturl: `${publicUrl}/kredivo/v2/signin?tk=${tx.token}`,
    expiryLink,
    paymentCode: null,
  }),
};

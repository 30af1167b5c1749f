import { CHANNELS } from '../channels/table.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { AppContext } from '../operations/context.js';
import type { AdmissionRefusal } from '../transactions/admission.js';
import { paidAmount, TRANSITIONS } from '../transactions/lifecycle.js';

/** Every refusal of the transactions service the gateway answers. */
export type Refusal = AdmissionRefusal | 'duplicate-order' | 'invalid-status' | 'never-paid' | 'not-permitted' | 'invalid-amount';

/** What the gateway knows of a refused request when it words the hint. */
export interface RefusalFacts {
  merchantId: string;
  orderId?: string;
  /** The order the request was about (void, refund, cancel). */
  tx?: StoredTransaction;
  channelType?: string;
  callbackUrl?: string;
  requestedScenario?: string;
  refundAmount?: number;
  operation?: 'void' | 'refund';
}

const RESET = 'use a new id or POST /_mock/reset';

function hostOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').hostname;
  } catch {
    return String(url);
  }
}

function pendingCancel(tx: StoredTransaction): string {
  const cancellable = CHANNELS.filter((c) => c.cancellableWhileInitiated).map((c) => c.type).join(', ');
  return tx.status === 'REQUEST_INITIATED'
    ? `${tx.channel} orders cannot be cancelled through the API (channels that can: ${cancellable})`
    : `order ${tx.orderId} is ${tx.status}: only ${TRANSITIONS.cancel.from.join(' or ')} orders can be cancelled`;
}

/** The hint of each refusal: what would have been accepted instead. */
export const REFUSAL_HINTS: Record<Refusal, (facts: RefusalFacts, ctx: AppContext) => string> = {
  'channel-disabled': (f) => `sourceOfFunds.type ${f.channelType} is switched off for ${f.merchantId} (--disable-channel)`,
  'callback-host': (f, ctx) => `url.callbackUrl host ${hostOf(f.callbackUrl)} is not allowed by --callback-hosts (allowed: ${ctx.config.callbackHosts.join(', ')})`,
  'unknown-scenario': (f, ctx) => {
    const names = ctx.scenarios.all().map((s) => s.name);
    return `X-Finnet-Mock-Scenario "${f.requestedScenario}" names no scenario (loaded: ${names.join(', ') || 'none'})`;
  },
  'duplicate-order': (f, ctx) => {
    const existing = f.orderId === undefined ? undefined : ctx.store.getTransaction(f.merchantId, f.orderId);
    if (existing?.status === 'REQUEST_INITIATED') {
      return `order.id ${f.orderId} is already used by a pending order with a different body: send the identical body to get it back, or ${RESET}`;
    }
    return `order.id ${f.orderId} is already used by a ${existing?.status.toLowerCase() ?? 'stored'} order: ${RESET}`;
  },
  'invalid-status': (f) => (f.tx ? pendingCancel(f.tx) : 'the order cannot be cancelled in its state'),
  'never-paid': (f) => `order ${f.tx?.orderId ?? f.orderId} is ${f.tx?.status ?? 'unknown'} and was never paid: only paid orders can be refunded`,
  'not-permitted': (f) => {
    const tx = f.tx;
    if (!tx) return 'the order does not allow this';
    const action = f.operation ?? 'refund';
    if (!TRANSITIONS[action].from.includes(tx.status)) {
      return `order ${tx.orderId} is ${tx.status}: only ${TRANSITIONS[action].from.join(', ')} orders can be ${action === 'void' ? 'voided' : 'refunded'}`;
    }
    return action === 'void'
      ? `order ${tx.orderId} was captured before the last settlement (00:00 WIB): refund it instead`
      : `nothing is left to refund of order ${tx.orderId}`;
  },
  'invalid-amount': (f) => {
    const left = f.tx ? paidAmount(f.tx) - f.tx.refundedAmount : 0;
    return `order.amount ${f.refundAmount} is more than is left to refund (${left} of ${f.tx ? paidAmount(f.tx) : 0})`;
  },
};

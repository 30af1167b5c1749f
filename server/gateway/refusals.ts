import { CHANNELS } from '../channels/table.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { AppContext } from '../operations/context.js';
import type { AdmissionRefusal } from '../transactions/admission.js';
import type { OpenVaRefusal } from '../transactions/open-vas.js';
import { paidAmount, TRANSITIONS } from '../transactions/lifecycle.js';
import type { SavedCardDeleteRefusal, SavedCardRefusal } from '../transactions/saved-cards.js';
import { GatewayError, invalidFormat, RESPONSE_CODES } from './response-codes.js';

/** Every refusal of the transactions service the gateway answers. */
export type Refusal = AdmissionRefusal | SavedCardRefusal | SavedCardDeleteRefusal | 'duplicate-order' | 'invalid-status' | 'never-paid' | 'not-permitted' | 'invalid-amount'
  | Exclude<OpenVaRefusal, AdmissionRefusal>;

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
  /** The saved-card token a request named, and the customer it named with it. */
  cardToken?: string;
  customerId?: string;
  /** The open VA a request named: `<sourceOfFunds.type>/<paymentCode>`. */
  openVa?: string;
}

const RESET = 'use a new id or POST /_mock/reset';

/** Where a token the merchant named is, if not among its live saved cards: another merchant's, or deleted. */
function tokenWhereabouts(f: RefusalFacts, ctx: AppContext): string {
  const card = ctx.savedCards.find(f.cardToken ?? '');
  if (card && card.merchantId !== f.merchantId) return `card.token ${f.cardToken} was saved by merchant ${card.merchantId}, not ${f.merchantId}: tokens belong to the merchant that saved them`;
  if (card?.deletedAt !== undefined) return `card.token ${f.cardToken} was deleted (GET /pg/payment/card/customer/delete/{cardToken}): save the card again with card.storedOnFile "TO_BE_STORED"`;
  return `card.token ${f.cardToken} is no saved card of merchant ${f.merchantId}: a token comes from a captured card.storedOnFile "TO_BE_STORED" order (list: GET /_mock/saved-cards?merchantId=${f.merchantId})`;
}

// Chosen: a token that cannot be used is a format error on card.token, whatever the reason (the hint says which).
const badToken = () => invalidFormat('card.token', 'card.token', 'savedCard');

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

interface RefusalAnswer {
  /** The gateway's answer. */
  answer(facts: RefusalFacts): GatewayError;
  /** What would have been accepted instead (X-Finnet-Mock-Hint and the terminal line). */
  hint(facts: RefusalFacts, ctx: AppContext): string;
}

const refusal = (answer: RefusalAnswer['answer'], hint: RefusalAnswer['hint']): RefusalAnswer => ({ answer, hint });

/** Each refusal of the transactions service as the gateway answers it, with its hint. */
export const REFUSALS: Record<Refusal, RefusalAnswer> = {
  'channel-disabled': refusal(() => GatewayError.of('featureNotAllowed'), (f) => `sourceOfFunds.type ${f.channelType} is switched off for ${f.merchantId} (--disable-channel)`),
  'callback-host': refusal(() => invalidFormat('url.callback url', 'url.callbackUrl', 'callbackHosts'),
    (f, ctx) => `url.callbackUrl host ${hostOf(f.callbackUrl)} is not allowed by --callback-hosts (allowed: ${ctx.config.callbackHosts.join(', ')})`),
  'unknown-scenario': refusal((f) => GatewayError.of('badRequest', `Unknown scenario "${f.requestedScenario}" in X-Finnet-Mock-Scenario`), (f, ctx) => {
    const names = ctx.scenarios.all().map((s) => s.name);
    return `X-Finnet-Mock-Scenario "${f.requestedScenario}" names no scenario (loaded: ${names.join(', ') || 'none'})`;
  }),
  'duplicate-order': refusal(() => GatewayError.of('duplicateOrderId'), (f, ctx) => {
    const existing = f.orderId === undefined ? undefined : ctx.store.getTransaction(f.merchantId, f.orderId);
    if (existing?.status === 'REQUEST_INITIATED') {
      return `order.id ${f.orderId} is already used by a pending order with a different body: send the identical body to get it back, or ${RESET}`;
    }
    return `order.id ${f.orderId} is already used by a ${existing?.status.toLowerCase() ?? 'stored'} order: ${RESET}`;
  }),
  'invalid-status': refusal(() => GatewayError.of('invalidTransactionStatus'), (f) => (f.tx ? pendingCancel(f.tx) : 'the order cannot be cancelled in its state')),
  // Observed on the sandbox: refunding an unpaid order answers as if there were no such transaction.
  'never-paid': refusal(() => GatewayError.of('transactionNotFound'),
    (f) => `order ${f.tx?.orderId ?? f.orderId} is ${f.tx?.status ?? 'unknown'} and was never paid: only paid orders can be refunded`),
  'not-permitted': refusal(() => GatewayError.of('transactionNotPermitted'), (f) => {
    const tx = f.tx;
    if (!tx) return 'the order does not allow this';
    const action = f.operation ?? 'refund';
    if (!TRANSITIONS[action].from.includes(tx.status)) {
      return `order ${tx.orderId} is ${tx.status}: only ${TRANSITIONS[action].from.join(', ')} orders can be ${action === 'void' ? 'voided' : 'refunded'}`;
    }
    return action === 'void'
      ? `order ${tx.orderId} was captured before the last settlement (00:00 WIB): refund it instead`
      : `nothing is left to refund of order ${tx.orderId}`;
  }),
  'card-unknown': refusal(badToken, tokenWhereabouts),
  'card-deleted': refusal(badToken, tokenWhereabouts),
  'card-foreign-customer': refusal(badToken, (f, ctx) =>
    `card.token ${f.cardToken} was saved for customer ${ctx.savedCards.record(f.merchantId, f.cardToken ?? '')?.customerId}, not customer.id ${f.customerId}: a saved card is used only by its own customer`),
  // Chosen: deleting a token that is not (or no longer) there answers the gateway's not-found.
  'card-not-found': refusal(() => GatewayError.of('notFound', 'Card token not found'), tokenWhereabouts),
  'invalid-amount': refusal(() => GatewayError.of('invalidAmount'), (f) => {
    const left = f.tx ? paidAmount(f.tx) - f.tx.refundedAmount : 0;
    return `order.amount ${f.refundAmount} is more than is left to refund (${left} of ${f.tx ? paidAmount(f.tx) : 0})`;
  }),
  'not-va': refusal(() => invalidFormat('sourceOfFunds.type', 'sourceOfFunds.type', 'openVaChannel'),
    (f) => `sourceOfFunds.type ${f.channelType} is no VA channel: open VAs exist only on ${CHANNELS.filter((c) => c.family === 'va').map((c) => c.type).join(', ')}`),
  // Chosen: a number held by another customer answers like a duplicate order id (409).
  'code-taken': refusal(() => new GatewayError(RESPONSE_CODES.duplicateOrderId.code, 'Duplicate Payment Code'),
    (f) => `open VA ${f.openVa} is registered to another customer of ${f.merchantId}: send that customer's data, another paymentCode, or none to get a new number`),
  'unknown-va': refusal(() => GatewayError.of('transactionNotFound'),
    (f) => `merchant ${f.merchantId} has no open VA ${f.openVa}: register it first (POST openpayment/register; the answer's paymentCode is the number to use)`),
  'va-deleted': refusal(() => GatewayError.of('invalidTransactionStatus'),
    (f) => `open VA ${f.openVa} was deleted: register it again with the same customer to bring it back`),
};

import type { Delivery, DeliveryAttempt } from '../model/delivery.js';
import type { AppContext } from './context.js';
import { parseDuration } from '../support/duration.js';
import { canApply, paidAmount, settlesAt, TRANSITIONS, type Action } from '../transactions/lifecycle.js';
import { rupiah } from '../support/indonesian-format.js';
import { calendarAdvance } from '../transactions/recurring-schedule.js';
import type { PaymentStatus, StoredTransaction } from '../model/transaction.js';
import { chainsOf } from '../scenarios/chain-state.js';

/** What an operator may do to an order (control API, dashboard buttons, library), in the order a developer reaches for them. */
export const OPERATOR_ACTIONS = [
  { action: 'pay', label: 'Pay', done: 'paid' },
  { action: 'fail', label: 'Fail', done: 'failed' },
  { action: 'expire', label: 'Expire', done: 'expired' },
  { action: 'cancel', label: 'Cancel', done: 'cancelled' },
] as const satisfies readonly { action: Action; label: string; done: string }[];

export type OperatorAction = (typeof OPERATOR_ACTIONS)[number]['action'];

/** The clock verbs without an argument; the dashboard's "back to real time" button is `reset`. */
export const CLOCK_VERBS = ['freeze', 'resume', 'reset'] as const;
export type ClockVerb = (typeof CLOCK_VERBS)[number];

// Far enough for any expiry or retry schedule; much further and dates stop being printable.
const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;
// Keeps the virtual clock inside what a Date can show (and a test can mean).
const LATEST_TIME = Date.UTC(9999, 11, 31);

/** Why an operation was refused; each surface turns it into its own answer (problem+json, a flash, an Error). */
export type OperationRefusal =
  | 'not-found' | 'ambiguous' | 'unknown-action' | 'invalid-status' | 'unknown-merchant' | 'callback-not-found' | 'bad-duration' | 'bad-time' | 'bad-amount';

export interface Refused {
  ok: false;
  refusal: OperationRefusal;
  /** One sentence, the same on every surface. */
  message: string;
}

export type Outcome<T> = ({ ok: true } & T) | Refused;

const refuse = (refusal: OperationRefusal, message: string): Refused => ({ ok: false, refusal, message });

function quoted(value: unknown): string {
  return (typeof value === 'string' ? value : JSON.stringify(value) ?? '').slice(0, 100);
}

/** A refund amount from JSON or a form: a whole number of rupiah, or undefined for all that is left; null when it is neither. */
function amountOf(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

const REFUNDABLE = TRANSITIONS.refund.from.join(', ').replace(/, (?=[^,]*$)/, ' or ');

function refundRefusal(tx: StoredTransaction, amount: number | undefined): string {
  const left = paidAmount(tx) - tx.refundedAmount;
  if (tx.payment === undefined) return `Cannot refund order ${tx.orderId}: it is ${tx.status} and was never paid; only ${REFUNDABLE} orders can be refunded.`;
  if (!canApply('refund', tx)) return `Cannot refund order ${tx.orderId}: it is ${tx.status}${tx.status === 'REFUNDED' ? ', nothing is left to refund' : `; only ${REFUNDABLE} orders can be refunded`}.`;
  return `Cannot refund ${rupiah(amount ?? left)} of order ${tx.orderId}: only ${rupiah(left)} of ${rupiah(paidAmount(tx))} is left to refund.`;
}

function voidRefusal(tx: StoredTransaction): string {
  if (!canApply('void', tx)) return `Cannot void order ${tx.orderId}: it is ${tx.status}, and only CAPTURED card payments can be voided${tx.payment && canApply('refund', tx) ? ': refund it instead' : ''}.`;
  return `Cannot void order ${tx.orderId}: captured before the last settlement, 00:00 WIB: refund it instead.`;
}

/**
 * The operator's actions, their checks and their wording, once for the control API, the dashboard and
 * the library; the transactions service does the writing.
 */
export class Operations {
  constructor(private readonly ctx: AppContext) {}

  /** The order with this id, expired first if its link ran out; `merchantId` picks among merchants that used the same id. */
  async find(orderId: string, merchantId?: string): Promise<Outcome<{ tx: StoredTransaction }>> {
    const found = this.ctx.store.findTransactions(orderId).filter((tx) => !merchantId || tx.merchantId === merchantId);
    if (found.length > 1) return refuse('ambiguous', `Order ${orderId} exists for merchants ${found.map((t) => t.merchantId).join(', ')}: pass merchantId`);
    const tx = found[0] && (await this.ctx.transactions.find(found[0].merchantId, orderId));
    if (!tx) return refuse('not-found', `No order ${orderId}${merchantId ? ` for merchant ${merchantId}` : ''}`);
    return { ok: true, tx };
  }

  /** Moves an order as the shopper or the channel would; `via` names the surface in the timeline. */
  async act(orderId: string, name: string, via: string, merchantId?: string): Promise<Outcome<{ tx: StoredTransaction; from: PaymentStatus; done: string; callback?: Delivery }>> {
    const action = OPERATOR_ACTIONS.find((a) => a.action === name);
    if (!action) return refuse('unknown-action', `Orders can be ${OPERATOR_ACTIONS.map((a) => a.done).join(', ')} (${OPERATOR_ACTIONS.map((a) => a.action).join(', ')}); not "${quoted(name)}"`);
    const found = await this.find(orderId, merchantId);
    if (!found.ok) return found;
    const { tx } = found;
    const from = tx.status;
    const earlier = this.latestDelivery(tx);
    if (!(await this.ctx.transactions.apply(tx, action.action, `${via}: ${action.action}`))) {
      return refuse('invalid-status', `Cannot ${action.action} order ${orderId}: it is ${from}, and only ${TRANSITIONS[action.action].from.join(' or ')} orders can be ${action.done}.`);
    }
    const created = this.latestDelivery(tx);
    return { ok: true, tx, from, done: action.done, ...(created && created !== earlier ? { callback: created } : {}) };
  }

  /** The order's actions as buttons: which the order's state allows, and where each leads. */
  actionsFor(tx: StoredTransaction): { action: OperatorAction; label: string; done: string; allowed: boolean; from: string; to: PaymentStatus }[] {
    return OPERATOR_ACTIONS.map((a) => ({
      ...a, allowed: TRANSITIONS[a.action].from.includes(tx.status), from: TRANSITIONS[a.action].from.join(' or '), to: TRANSITIONS[a.action].to(tx),
    }));
  }

  /** Refunds `amount` rupiah (a whole number; default: all that is left) of a paid order, as the merchant's refund API would. */
  async refund(orderId: string, amount: unknown, via: string, merchantId?: string): Promise<Outcome<{ tx: StoredTransaction; from: PaymentStatus; refunded: number; callback?: Delivery }>> {
    const wanted = amountOf(amount);
    if (wanted === null) return refuse('bad-amount', `"${quoted(amount)}" is not an amount to refund: write a whole number of rupiah, 1 or more, or leave it out to refund all that is left`);
    const found = await this.find(orderId, merchantId);
    if (!found.ok) return found;
    const { tx } = found;
    const from = tx.status;
    const before = tx.refundedAmount;
    const earlier = this.latestDelivery(tx);
    const done = await this.ctx.transactions.refund(tx, wanted, `${via}: refund`);
    if (!done.ok) return refuse('invalid-status', refundRefusal(tx, wanted));
    return { ok: true, tx, from, refunded: tx.refundedAmount - before, ...this.newDelivery(tx, earlier) };
  }

  /** Voids a captured card payment before its settlement (00:00 WIB), as the merchant's void API would. */
  async void(orderId: string, via: string, merchantId?: string): Promise<Outcome<{ tx: StoredTransaction; from: PaymentStatus; callback?: Delivery }>> {
    const found = await this.find(orderId, merchantId);
    if (!found.ok) return found;
    const { tx } = found;
    const from = tx.status;
    const earlier = this.latestDelivery(tx);
    if (!(await this.ctx.transactions.voidPayment(tx, `${via}: void`)).ok) return refuse('invalid-status', voidRefusal(tx));
    return { ok: true, tx, from, ...this.newDelivery(tx, earlier) };
  }

  /** Whether the order can be refunded (and how much is left) or voided (and until when), for the buttons. */
  moneyActionsFor(tx: StoredTransaction): { refund: { allowed: boolean; left: number }; void: { allowed: boolean; until: number | null } } {
    const until = tx.payment ? settlesAt(tx.payment.at) : null;
    return {
      refund: { allowed: tx.payment !== undefined && canApply('refund', tx), left: paidAmount(tx) - tx.refundedAmount },
      void: { allowed: canApply('void', tx) && until !== null && this.ctx.clock.now() < until, until },
    };
  }

  /** One attempt of a callback now, outside its retry schedule. */
  async resend(id: string): Promise<Outcome<{ delivery: Delivery; attempt: DeliveryAttempt }>> {
    const delivery = this.ctx.store.getDelivery(id);
    if (!delivery) return refuse('callback-not-found', `No callback ${id}`);
    return { ok: true, delivery, attempt: await this.ctx.transactions.resend(delivery) };
  }

  /**
   * Forgets transactions, callbacks and logged requests (of one merchant, when given); a full reset also
   * drops runtime scenarios and puts the clock back on real time.
   */
  async reset(merchantId?: string): Promise<Outcome<object>> {
    if (merchantId !== undefined && !this.ctx.merchants.has(merchantId)) return refuse('unknown-merchant', `There is no merchant "${merchantId}"`);
    this.ctx.requestLog.clear(merchantId);
    if (merchantId === undefined) this.ctx.scenarios.remove();
    // Scenario chains (fault and outcome sequences) start again, as a reset promises a fresh run.
    chainsOf(this.ctx.scenarios, this.ctx.generator.seed).clear();
    await this.ctx.transactions.reset(merchantId);
    return { ok: true };
  }

  /** Moves the clock forward by a duration (`90s`, `15m`, `2h`, `1d`, ms, or calendar `1 month`, `2 weeks`, at most 366 days), running everything due on the way. */
  async advanceClock(by: unknown): Promise<Outcome<{ ms: number }>> {
    const calendar = calendarAdvance(this.ctx.clock.now(), by);
    const ms = calendar === undefined ? parseDuration(by) : calendar - this.ctx.clock.now();
    if (ms === null || ms === 0) return refuse('bad-duration', `"${quoted(by)}" is not an amount of time: write it like 90s, 15m, 2h, 1d or 1 month`);
    if (ms > MAX_ADVANCE_MS) return refuse('bad-duration', `The clock moves at most ${MAX_ADVANCE_MS / 86_400_000} days at a time`);
    await this.ctx.transactions.advanceClock((now) => (calendar === undefined ? now + ms : calendarAdvance(now, by) ?? now + ms));
    return { ok: true, ms };
  }

  /** Puts the clock at an ISO-8601 time or epoch milliseconds: forward runs what is due on the way, backward just sets it. */
  async setClock(to: unknown): Promise<Outcome<object>> {
    const ms = typeof to === 'number' ? to : typeof to === 'string' ? Date.parse(to) : NaN;
    if (!Number.isFinite(ms) || ms < 0 || ms > LATEST_TIME) {
      return refuse('bad-time', `${quoted(to)} is not an ISO-8601 time or epoch milliseconds between 1970 and 9999`);
    }
    await this.ctx.transactions.moveClockTo(ms);
    return { ok: true };
  }

  /** Freezes the clock, lets it run again, or puts it back on real time. */
  clock(verb: ClockVerb): Promise<void> {
    return this.ctx.transactions.setClock(verb);
  }

  private newDelivery(tx: StoredTransaction, earlier: Delivery | undefined): { callback?: Delivery } {
    const created = this.latestDelivery(tx);
    return created && created !== earlier ? { callback: created } : {};
  }

  private latestDelivery(tx: StoredTransaction): Delivery | undefined {
    return this.ctx.store.deliveriesOf(tx.merchantId, tx.orderId).at(-1);
  }
}

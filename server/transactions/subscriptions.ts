import { createHash } from 'node:crypto';
import { channelOf } from '../channels/table.js';
import { testCardByMask } from '../channels/test-cards.js';
import type { VirtualClock } from '../clock/clock.js';
import { requestOf } from '../model/initiate-request.js';
import type { Scenario } from '../model/scenario.js';
import { MISSED_TRIES_KEPT, type Subscription, type SubscriptionCharge, type SubscriptionRetry } from '../model/subscription.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Store } from '../store/store.js';
import type { JsonObject } from '../support/json.js';
import type { Logger } from '../support/logger.js';
import type { Action } from './lifecycle.js';
import { jakartaDayAfter, jakartaMidnight, stepOf, stepsAfter } from './recurring-schedule.js';
import type { Done, OrderFollower, Refused, TransactionService } from './service.js';

export interface SubscriptionDeps {
  store: Store;
  clock: VirtualClock;
  scheduler: Scheduler;
  transactions: TransactionService;
  logger: Logger;
}

/** What the operator can do to a subscription (control API, dashboard, library). */
export type SubscriptionVerb = 'cancel' | 'pause' | 'resume' | 'fail-next';
export const SUBSCRIPTION_VERBS: readonly SubscriptionVerb[] = ['cancel', 'pause', 'resume', 'fail-next'];

/** The states each operator verb applies to; anything else is refused. */
export const VERB_FROM: Record<SubscriptionVerb, readonly Subscription['state'][]> = {
  cancel: ['active', 'paused'],
  pause: ['active'],
  resume: ['paused'],
  'fail-next': ['active', 'paused'],
};

// A try whose write failed is made again this long after (virtual time), not at once in a loop.
const RETRY_AFTER_FAILED_WRITE_MS = 60_000;
// Charge order ids: `<base>-C<n>` and `<base>-C<n>R<retry>`; the base keeps ids AlphaDash and at most 30 characters.
const MAX_BASE = 20;
const ALPHA_DASH = /^[A-Za-z0-9_-]+$/;

/** `recurring.id` when it is AlphaDash and short enough, else its first AlphaDash characters and a hash of it. */
export function chargeBase(subscriptionId: string): string {
  if (ALPHA_DASH.test(subscriptionId) && subscriptionId.length <= MAX_BASE) return subscriptionId;
  const hash = createHash('sha256').update(subscriptionId).digest('hex').slice(0, 6);
  return `${subscriptionId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, MAX_BASE - 7)}-${hash}`;
}

export function chargeOrderId(subscriptionId: string, n: number, attempt: number): string {
  return `${chargeBase(subscriptionId)}-C${n}${attempt > 1 ? `R${attempt - 1}` : ''}`;
}

// How every charge order id ends (`-C<n>` or `-C<n>R<retry>`), whatever its subscription.
const CHARGE_ID_END = /-C[1-9]\d{0,9}(?:R[1-9]\d{0,9})?$/;

/** The charge number and attempt a charge order id of the subscription names (the inverse of `chargeOrderId`). */
export function chargeOfOrderId(subscriptionId: string, orderId: string): { n: number; attempt: number } | undefined {
  const prefix = `${chargeBase(subscriptionId)}-C`;
  const match = orderId.startsWith(prefix) ? /^([1-9]\d{0,9})(?:R([1-9]\d{0,9}))?$/.exec(orderId.slice(prefix.length)) : null;
  return match ? { n: Number(match[1]), attempt: match[2] === undefined ? 1 : Number(match[2]) + 1 } : undefined;
}

/** `subscription S charge 2 retry 1`: how a try's order names it in its timeline. */
function tryLabel(sub: Subscription, n: number, attempt: number): string {
  return `subscription ${sub.id} charge ${n}${attempt > 1 ? ` retry ${attempt - 1}` : ''}`;
}

function jobOf(sub: Pick<Subscription, 'merchantId' | 'id'>): string {
  return `subscription:${sub.merchantId}\n${sub.id}`;
}

function keyOf(merchantId: string, id: string): string {
  return `${merchantId}\n${id}`;
}

/** A charge's order, with the try it was. */
interface ChargeOrder {
  tx: StoredTransaction;
  n: number;
  attempt: number;
}

/** A record written before charges were read from their orders: it listed every try. */
type LegacySubscription = Partial<Subscription> & { charges?: SubscriptionCharge[] };

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function retryOf(value: unknown): SubscriptionRetry | undefined {
  const retry = value as JsonObject | undefined;
  const interval = numberOf(retry?.interval);
  const maxInterval = numberOf(retry?.maxInterval);
  if (!retry || interval === undefined || maxInterval === undefined || typeof retry.intervalUnit !== 'string') return undefined;
  return { interval, intervalUnit: retry.intervalUnit, maxInterval };
}

/** How a try ends, and why. */
interface Verdict {
  action: 'pay' | 'fail';
  cause: string;
}

/** A charge under way: the try the job started, told to the follower when its order moves. */
interface Try {
  sub: Subscription;
  n: number;
  attempt: number;
  dueAt: number;
  cause: string;
}

/**
 * Subscriptions: started by the capture of a `recurring.subscribe: "Y"` card order, then charged on the virtual
 * clock, each try an order of its own (initiated and paid or failed at once through the transactions service),
 * written with the subscription in one write.
 */
export class SubscriptionService implements OrderFollower {
  /** Tries whose order is being moved, by merchant and order id. */
  private readonly tries = new Map<string, Try>();
  /** Subscriptions changed by a move, to schedule once it is written. */
  private readonly touched = new WeakMap<StoredTransaction, Subscription>();
  /** Each subscription's charge orders (by merchant and subscription id), oldest first: the record does not list them. */
  private readonly charged = new Map<string, ChargeOrder[]>();
  /** The same charge orders by merchant and order id. */
  private readonly byOrder = new Map<string, ChargeOrder>();

  constructor(private readonly deps: SubscriptionDeps) {}

  /** Every subscription (of one merchant), oldest first. */
  list(merchantId?: string): Subscription[] {
    const all = this.deps.store.customerRecords('subscription');
    return merchantId === undefined ? all : all.filter((s) => s.merchantId === merchantId);
  }

  /** The subscriptions with this id, across merchants (one, unless `merchantId` is needed to tell them apart). */
  find(id: string, merchantId?: string): Subscription[] {
    if (merchantId !== undefined) {
      const one = this.deps.store.getCustomerRecord('subscription', merchantId, id);
      return one ? [one] : [];
    }
    return this.list().filter((s) => s.id === id);
  }

  /** The subscription a charge order (or its first payment) belongs to. */
  ofOrder(tx: StoredTransaction): Subscription | undefined {
    const id = requestOf(tx).recurring?.id;
    const sub = typeof id === 'string' ? this.deps.store.getCustomerRecord('subscription', tx.merchantId, id) : undefined;
    return sub && (sub.firstOrderId === tx.orderId || this.chargeOf(tx)) ? sub : undefined;
  }

  /** The try a charge order was: its charge number and attempt. */
  chargeOf(tx: StoredTransaction): { n: number; attempt: number } | undefined {
    const found = this.byOrder.get(keyOf(tx.merchantId, tx.orderId));
    return found?.tx === tx ? { n: found.n, attempt: found.attempt } : undefined;
  }

  /** Every try of the subscription, oldest first: its charge orders (as they are now) and the tries that got none. */
  chargesOf(sub: Subscription): SubscriptionCharge[] {
    this.upgrade(sub);
    const made = this.ordersOf(sub).map(({ tx, n, attempt }): SubscriptionCharge => ({
      orderId: tx.orderId, n, dueAt: tx.createdAt, attempt, status: tx.status, cause: this.causeOf(sub, tx, n, attempt),
    }));
    return [...made, ...sub.missedTries].sort((a, b) => a.n - b.n || a.attempt - b.attempt);
  }

  /** Cancels, pauses, resumes or arms fail-next; refused when the subscription's state does not allow it. */
  async act(sub: Subscription, verb: SubscriptionVerb): Promise<Done | Refused<'invalid-state'>> {
    if (!VERB_FROM[verb].includes(sub.state)) return { ok: false, refusal: 'invalid-state' };
    const now = this.deps.clock.now();
    if (verb === 'cancel') this.end(sub, 'cancelled', 'cancelled by the operator', now);
    if (verb === 'pause') sub.state = 'paused';
    if (verb === 'fail-next') sub.failNext = true;
    if (verb === 'resume') {
      sub.state = 'active';
      this.skipMissed(sub, now);
    }
    await this.deps.store.commit(sub);
    this.schedule(sub);
    return { ok: true };
  }

  moved(tx: StoredTransaction, action: Action): Subscription[] {
    const key = `${tx.merchantId}\n${tx.orderId}`;
    const charging = this.tries.get(key);
    if (charging) {
      this.tries.delete(key);
      return [this.settle(tx, charging)];
    }
    const started = action === 'pay' ? this.start(tx) : undefined;
    return started ? [started] : [];
  }

  written(tx: StoredTransaction): void {
    const sub = this.touched.get(tx);
    if (sub) this.schedule(sub);
  }

  /** Indexes the charge orders of the data file, and schedules each subscription's next try. */
  restore(): void {
    const { store } = this.deps;
    this.charged.clear();
    this.byOrder.clear();
    const listed = new Set<string>();
    for (const sub of this.list()) {
      for (const orderId of this.upgrade(sub)) listed.add(keyOf(sub.merchantId, orderId));
      this.schedule(sub);
    }
    for (const tx of store.transactions()) {
      const sub = this.chargedBy(tx, listed.has(keyOf(tx.merchantId, tx.orderId)));
      if (sub) this.index(sub, tx);
    }
  }

  forget(merchantId?: string): void {
    for (const sub of this.list(merchantId)) {
      this.deps.scheduler.cancel(jobOf(sub));
      for (const { tx } of this.charged.get(keyOf(sub.merchantId, sub.id)) ?? []) this.byOrder.delete(keyOf(tx.merchantId, tx.orderId));
      this.charged.delete(keyOf(sub.merchantId, sub.id));
    }
  }

  /** A captured first payment with `recurring.subscribe: "Y"` on a card: its subscription, active from now. */
  private start(tx: StoredTransaction): Subscription | undefined {
    const request = requestOf(tx);
    const recurring = request.recurring;
    if (tx.channel !== 'cc' || recurring?.subscribe !== 'Y' || typeof recurring.id !== 'string') return undefined;
    // A recurring.id already in use starts no second subscription: the payment stays an ordinary order.
    if (this.deps.store.getCustomerRecord('subscription', tx.merchantId, recurring.id)) return undefined;
    const step = stepOf(String(recurring.intervalUnit));
    const interval = numberOf(recurring.interval);
    const amount = numberOf(recurring.amount);
    if (!step || interval === undefined || amount === undefined) return undefined;
    const now = this.deps.clock.now();
    const startDate = typeof recurring.startDate === 'string' ? recurring.startDate : undefined;
    const endDate = typeof recurring.endDate === 'string' ? recurring.endDate : undefined;
    const maxInterval = numberOf(recurring.maxInterval);
    const retry = retryOf(recurring.retry);
    // Charges start at startDate (slot 0) when it is still ahead, else one interval after the first payment (slot 1).
    const startAt = startDate === undefined ? undefined : jakartaMidnight(startDate);
    const fromStart = startAt !== undefined && startAt > now;
    const anchorAt = fromStart ? startAt : now;
    const sub: Subscription = {
      kind: 'subscription', id: recurring.id, merchantId: tx.merchantId, customerId: request.customer.id ?? '',
      firstOrderId: tx.orderId, ...(tx.cardToken ? { cardToken: tx.cardToken } : {}), state: 'active', createdAt: now,
      type: String(recurring.type), amount, interval, intervalUnit: String(recurring.intervalUnit),
      ...(maxInterval === undefined ? {} : { maxInterval }), ...(startDate ? { startDate } : {}), ...(endDate ? { endDate } : {}),
      ...(retry ? { retry } : {}), anchorAt, chargesMade: 0, missedTries: [],
    };
    this.planSlot(sub, fromStart ? 0 : 1, 1, now);
    this.deps.store.addCustomerRecord(sub);
    this.touched.set(tx, sub);
    return sub;
  }

  /** A try's order just moved to its end: counted, and the next try planned, in the same write. */
  private settle(tx: StoredTransaction, attempt: Try): Subscription {
    this.tried(attempt.sub, tx.payment === undefined, attempt.attempt, attempt.dueAt);
    this.touched.set(tx, attempt.sub);
    return attempt.sub;
  }

  /** A try is over: a first try counts as a charge made; then its retry, the next charge or the end is planned. */
  private tried(sub: Subscription, failed: boolean, attempt: number, dueAt: number): void {
    if (attempt === 1) {
      sub.chargesMade += 1;
      sub.chargeDueAt = dueAt;
    }
    this.planAfter(sub, failed, attempt, this.deps.clock.now());
  }

  /** After a try of the charge at `nextSlot`: its retry, or the next slot's charge, or the end. */
  private planAfter(sub: Subscription, failed: boolean, attempt: number, now: number): void {
    if (sub.state === 'cancelled' || sub.state === 'ended') return;
    const slot = sub.nextSlot ?? 0;
    const retry = sub.retry && stepOf(sub.retry.intervalUnit);
    if (failed && sub.retry && retry && attempt <= sub.retry.maxInterval) {
      // Retries are counted from the charge's first try, so a late one does not push the rest back.
      sub.nextAttempt = attempt + 1;
      sub.nextChargeAt = Math.max(stepsAfter(sub.chargeDueAt ?? now, retry, sub.retry.interval, attempt), now);
      return;
    }
    const made = sub.chargesMade;
    if (sub.maxInterval !== undefined && made >= sub.maxInterval) return this.end(sub, 'ended', `all ${sub.maxInterval} charges made`, now);
    this.planSlot(sub, slot + 1, made + 1, now);
  }

  /** Plans charge `n` at schedule slot `slot` (first try), or ends the subscription when that is past its endDate. */
  private planSlot(sub: Subscription, slot: number, n: number, now: number): void {
    const dueAt = Math.max(this.slotDue(sub, slot), now);
    if (sub.endDate !== undefined && dueAt >= jakartaDayAfter(sub.endDate)) return this.end(sub, 'ended', `endDate ${sub.endDate} reached`, now);
    Object.assign(sub, { nextSlot: slot, nextCharge: n, nextAttempt: 1, nextChargeAt: dueAt });
  }

  /** The first-try times of the `count` charges planned after the next one, as the schedule stands (maxInterval and endDate stop it). */
  upcoming(sub: Subscription, count: number): number[] {
    if (sub.nextSlot === undefined || sub.nextCharge === undefined) return [];
    const times: number[] = [];
    for (let k = 1; k <= count; k++) {
      if (sub.maxInterval !== undefined && sub.nextCharge + k > sub.maxInterval) break;
      const at = this.slotDue(sub, sub.nextSlot + k);
      if (sub.endDate !== undefined && at >= jakartaDayAfter(sub.endDate)) break;
      times.push(at);
    }
    return times;
  }

  /** On resume: charges that fell due while paused are skipped, a pending retry is tried now. */
  private skipMissed(sub: Subscription, now: number): void {
    if (sub.nextChargeAt === undefined || sub.nextChargeAt >= now) return;
    if ((sub.nextAttempt ?? 1) > 1) {
      sub.nextChargeAt = now;
      return;
    }
    let slot = sub.nextSlot ?? 0;
    while (this.slotDue(sub, slot) < now) slot++;
    this.planSlot(sub, slot, sub.nextCharge ?? 1, now);
  }

  private slotDue(sub: Subscription, slot: number): number {
    return stepsAfter(sub.anchorAt, stepOf(sub.intervalUnit)!, sub.interval, slot);
  }

  private end(sub: Subscription, state: 'cancelled' | 'ended', reason: string, now: number): void {
    sub.state = state;
    sub.endedAt = now;
    sub.endReason = reason;
    delete sub.nextChargeAt;
    delete sub.nextSlot;
    delete sub.nextCharge;
    delete sub.nextAttempt;
    delete sub.failNext;
  }

  /**
   * Puts the subscription's next try on the scheduler while it is active (and takes it off otherwise), at `at`
   * (default: when it is due). A try whose write fails is made again a minute later: it is rolled back, not lost.
   */
  private schedule(sub: Subscription, at?: number): void {
    const { scheduler, store, clock } = this.deps;
    const job = jobOf(sub);
    if (sub.state !== 'active' || sub.nextChargeAt === undefined) return scheduler.cancel(job);
    const { merchantId, id } = sub;
    scheduler.schedule(job, at ?? sub.nextChargeAt, async () => {
      // The record as it is now: a reset or a rolled-back write may have replaced it.
      const current = store.getCustomerRecord('subscription', merchantId, id);
      if (current) this.upgrade(current);
      if (!current || current.state !== 'active') return;
      try {
        await this.charge(current);
      } catch (err) {
        this.dropTriesOf(current);
        // After the try's time: a failed write may also have put the clock back.
        this.schedule(current, Math.max(current.nextChargeAt ?? 0, clock.now()) + RETRY_AFTER_FAILED_WRITE_MS);
        throw err;
      }
    });
  }

  /** Forgets the tries of the subscription still waiting for their order's move (one whose write failed). */
  private dropTriesOf(sub: Subscription): void {
    for (const [key, charging] of this.tries) if (charging.sub === sub) this.tries.delete(key);
  }

  /** Makes the subscription's next try: an order of its own, paid or failed at once. */
  private async charge(sub: Subscription): Promise<void> {
    const { store, transactions, clock, logger } = this.deps;
    const first = store.getTransaction(sub.merchantId, sub.firstOrderId);
    const card = channelOf('cc')!;
    const n = sub.nextCharge ?? 1;
    const attempt = sub.nextAttempt ?? 1;
    const dueAt = sub.nextChargeAt ?? clock.now();
    const orderId = chargeOrderId(sub.id, n, attempt);
    if (!first) return this.settleWithoutOrder(sub, n, attempt, dueAt, `its first order ${sub.firstOrderId} is gone`);
    const body = this.chargeBody(first, sub, orderId);
    const taken = await transactions.find(sub.merchantId, orderId);
    // This try's order is there already: the try was cut off (a crash, a stop) after its initiate was written.
    if (taken) return this.chargedBy(taken) === sub ? this.resume(sub, taken, first, body, { n, attempt, dueAt }) : this.settleWithoutOrder(sub, n, attempt, dueAt, `order id ${orderId} is taken by another order`);
    const admission = transactions.admit(sub.merchantId, body, card);
    if (!admission.ok) return this.settleWithoutOrder(sub, n, attempt, dueAt, `the gateway refused the charge (${admission.refusal})`);
    // The subscription decides the try at once: its scenario schedules no outcome that a restart could replay.
    const started = await transactions.initiate(sub.merchantId, body, card, admission.scenario, JSON.stringify(body), { decided: true });
    if (!started.ok) return this.settleWithoutOrder(sub, n, attempt, dueAt, `order id ${orderId} is taken by another order`);
    this.index(sub, started.tx);
    await this.decide(sub, started.tx, first, admission.scenario, { n, attempt, dueAt });
  }

  /** The order of an interrupted try: a pending one is decided now, a final one (moved meanwhile) counts as it ended. */
  private async resume(sub: Subscription, tx: StoredTransaction, first: StoredTransaction, body: JsonObject, at: Pick<Try, 'n' | 'attempt' | 'dueAt'>): Promise<void> {
    if (tx.status === 'REQUEST_INITIATED') {
      const admission = this.deps.transactions.admit(sub.merchantId, body, channelOf('cc')!);
      return this.decide(sub, tx, first, admission.ok ? admission.scenario : undefined, at);
    }
    this.tried(sub, tx.payment === undefined, at.attempt, at.dueAt);
    await this.deps.store.commit(sub);
    this.schedule(sub);
  }

  /** Pays or fails a try's order at once; the subscription is counted and planned in the same write (`settle`). */
  private async decide(sub: Subscription, tx: StoredTransaction, first: StoredTransaction, scenario: Scenario | undefined, at: Pick<Try, 'n' | 'attempt' | 'dueAt'>): Promise<void> {
    const verdict = this.verdict(sub, first, scenario);
    const key = keyOf(tx.merchantId, tx.orderId);
    this.tries.set(key, { sub, ...at, cause: verdict.cause });
    // The charge is made on the subscriber's card: its order shows that card, not the default test card.
    const card = tx.card ?? first.card;
    if (!(await this.deps.transactions.apply(tx, verdict.action, `${tryLabel(sub, at.n, at.attempt)}: ${verdict.cause}`, card ? { card } : {}))) {
      this.tries.delete(key);
      this.deps.logger.warn(`subscription ${sub.id}: charge order ${tx.orderId} could not be moved (${tx.status})`);
    }
  }

  /** A try that got no order: recorded as failed (the latest few are kept), and the schedule goes on. */
  private async settleWithoutOrder(sub: Subscription, n: number, attempt: number, dueAt: number, cause: string): Promise<void> {
    sub.missedTries.push({ orderId: '', n, dueAt, attempt, status: 'FAILURE', cause });
    if (sub.missedTries.length > MISSED_TRIES_KEPT) sub.missedTries.splice(0, sub.missedTries.length - MISSED_TRIES_KEPT);
    this.tried(sub, true, attempt, dueAt);
    await this.deps.store.commit(sub);
    this.schedule(sub);
  }

  /**
   * The subscription whose charge `tx` is: named by its recurring.id, with a charge order id of it, and its body
   * exactly the one a charge sends (so a merchant's own order with such an id is not taken for one); `listed`: an
   * old record listed it.
   */
  private chargedBy(tx: StoredTransaction, listed = false): Subscription | undefined {
    // Read every order at start: only a card order whose id ends like a charge's is worth parsing the body of.
    if (tx.channel !== 'cc' || !CHARGE_ID_END.test(tx.orderId)) return undefined;
    const id = requestOf(tx).recurring?.id;
    if (typeof id !== 'string' || !chargeOfOrderId(id, tx.orderId)) return undefined;
    const { store } = this.deps;
    const sub = store.getCustomerRecord('subscription', tx.merchantId, id);
    const first = sub && store.getTransaction(sub.merchantId, sub.firstOrderId);
    if (!sub || !first || first === tx) return undefined;
    return listed || tx.requestJson === JSON.stringify(this.chargeBody(first, sub, tx.orderId)) ? sub : undefined;
  }

  private index(sub: Subscription, tx: StoredTransaction): void {
    const key = keyOf(tx.merchantId, tx.orderId);
    if (this.byOrder.get(key)?.tx === tx) return;
    const entry: ChargeOrder = { tx, ...chargeOfOrderId(sub.id, tx.orderId)! };
    this.byOrder.set(key, entry);
    const orders = this.charged.get(keyOf(sub.merchantId, sub.id));
    if (orders) orders.push(entry);
    else this.charged.set(keyOf(sub.merchantId, sub.id), [entry]);
  }

  /** The subscription's charge orders still stored (one whose initiate could not be written is dropped). */
  private ordersOf(sub: Subscription): ChargeOrder[] {
    const key = keyOf(sub.merchantId, sub.id);
    const orders = this.charged.get(key) ?? [];
    const live = orders.filter(({ tx }) => this.deps.store.getTransaction(tx.merchantId, tx.orderId) === tx);
    if (live.length !== orders.length) this.charged.set(key, live);
    return live;
  }

  /** Why a try ended as it did: what the subscription said when it moved the order, else what moved it. */
  private causeOf(sub: Subscription, tx: StoredTransaction, n: number, attempt: number): string {
    const label = `${tryLabel(sub, n, attempt)}: `;
    const said = tx.timeline.find((e) => e.detail?.startsWith(label));
    if (said) return said.detail!.slice(label.length);
    if (tx.status === 'REQUEST_INITIATED') return 'under way';
    return tx.timeline[1]?.detail ?? tx.status;
  }

  /**
   * Brings a record written before charges were read from their orders to today's shape (counters, the tries
   * without an order); answers the order ids it listed. Idempotent.
   */
  private upgrade(sub: Subscription): string[] {
    const legacy = sub as LegacySubscription;
    const charges = legacy.charges;
    delete legacy.charges;
    sub.missedTries ??= [];
    if (charges === undefined) {
      sub.chargesMade ??= 0;
      return [];
    }
    sub.chargesMade = new Set(charges.map((c) => c.n)).size;
    const firstTry = charges.filter((c) => c.attempt === 1).at(-1);
    if (firstTry) sub.chargeDueAt = firstTry.dueAt;
    sub.missedTries = charges.filter((c) => !c.orderId).slice(-MISSED_TRIES_KEPT);
    return charges.flatMap((c) => (c.orderId ? [c.orderId] : []));
  }

  /** The first order's body, as this charge: its own id, the recurring amount, no items, no card form, no new subscription. */
  private chargeBody(first: StoredTransaction, sub: Subscription, orderId: string): JsonObject {
    const { card: _card, ...body } = JSON.parse(first.requestJson) as JsonObject;
    const { item: _items, ...order } = body.order as JsonObject;
    return { ...body, order: { ...order, id: orderId, amount: sub.amount }, recurring: { id: sub.id, type: sub.type } };
  }

  /** fail-next first, then a scenario's outcome, then the card's test-card outcome; else captured. */
  private verdict(sub: Subscription, first: StoredTransaction, scenario: Scenario | undefined): Verdict {
    if (sub.failNext) {
      delete sub.failNext;
      return { action: 'fail', cause: 'failed on request (fail-next)' };
    }
    const outcome = scenario?.effects.outcome?.action;
    if (outcome) return { action: outcome === 'pay' ? 'pay' : 'fail', cause: `scenario "${scenario!.name}": ${outcome}` };
    const saved = sub.cardToken ? this.deps.store.getCustomerRecord('savedCard', sub.merchantId, sub.cardToken) : undefined;
    if (saved?.deletedAt !== undefined) return { action: 'fail', cause: 'its saved card was deleted' };
    const mask = saved?.card.mask ?? first.card?.mask;
    const outcomeOfCard = mask ? testCardByMask(mask)?.outcome : undefined;
    if (outcomeOfCard === 'declined' || outcomeOfCard === 'insufficientFunds') {
      return { action: 'fail', cause: `test card ${mask} ${outcomeOfCard === 'declined' ? 'declined' : 'has insufficient funds'}` };
    }
    return { action: 'pay', cause: 'captured' };
  }
}

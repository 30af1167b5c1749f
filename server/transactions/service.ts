import { EventEmitter } from 'node:events';
import { channelOf, HOSTED, type Channel } from '../channels/table.js';
import { FAMILIES, type TokenKind } from '../channels/families.js';
import type { CallbackDispatcher } from '../callbacks/dispatcher.js';
import type { Delivery, DeliveryAttempt } from '../model/delivery.js';
import type { VirtualClock } from '../clock/clock.js';
import type { Config } from '../model/config.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { EarlierMatch, ScenarioRegistry } from '../scenarios/registry.js';
import type { Scenario } from '../model/scenario.js';
import type { Store } from '../store/store.js';
import type { ValueGenerator } from '../support/value-generator.js';
import { admit, type Admission } from './admission.js';
import { canApply, paidAmount, settlesAt, TRANSITIONS, type Action } from './lifecycle.js';
import { ExpiryQueue } from './expiry-queue.js';
import { parseInitiateRequest, RequestCache, type InitiateRequest } from '../model/initiate-request.js';
import type { JsonObject } from '../support/json.js';
import { jsonTextAt, needsSourceOrder } from '../model/ordered-json.js';
import { Checkout } from './checkout.js';
import { appendTimeline } from './timeline.js';
import type { CardDetails, CheckoutProgress, StoredTransaction } from '../model/transaction.js';
import type { CustomerRecord } from '../model/customer-record.js';

export interface TransactionDeps {
  store: Store;
  clock: VirtualClock;
  scheduler: Scheduler;
  generator: ValueGenerator;
  dispatcher: CallbackDispatcher;
  /** The admission rules' settings: disabled channels, allowed callback hosts. */
  config: Pick<Config, 'disabledChannels' | 'callbackHosts'>;
  scenarios: ScenarioRegistry;
}

/** The service's answer when it refuses: each surface words it its own way (response code, problem, message). */
export type Refused<R extends string> = { ok: false; refusal: R };
export type Done<T = object> = ({ ok: true } & T);

/** A service that keeps records beside orders (saved cards, subscriptions): told of every move of an order, in its write. */
export interface OrderFollower {
  /**
   * `action` just moved `tx`, not yet written: the records returned (created or changed) are written with it. It may
   * set the order's fields that come from its records (a saved card's token and card): they are written with the order.
   */
  moved(tx: StoredTransaction, action: Action): CustomerRecord[];
  /** That write is on disk: schedule what follows from it. */
  written?(tx: StoredTransaction, action: Action): void;
  /** At start: schedule what the data file holds. */
  restore?(): void;
  /** Before a reset: drop the scheduled jobs of one merchant (of all, when undefined). */
  forget?(merchantId?: string): void;
}

function outcomeJob(tx: StoredTransaction): string {
  return `outcome:${tx.merchantId}\n${tx.orderId}`;
}

// `meta.data` as written (`bodyText` is the body as received), when JS's view of it is not what a PHP gateway echoes.
function metaDataText(request: InitiateRequest, bodyText: string | undefined): { metaDataJson?: string } {
  if (bodyText === undefined || !needsSourceOrder(request.meta?.data)) return {};
  const text = jsonTextAt(bodyText, ['meta', 'data']);
  return text === undefined ? {} : { metaDataJson: text };
}

function freshCheckout(): CheckoutProgress {
  return { step: 'signin', otpFailures: 0, pinFailures: 0 };
}

/** Creates transactions and moves them through their lifecycle; every change is stored before its callback leaves. */
export class TransactionService {
  private readonly expiries: ExpiryQueue;
  /** This instance's parsed initiate bodies (see `requestOf`). */
  readonly requests = new RequestCache();
  /** The shopper's steps on the checkout pages. */
  readonly checkout = new Checkout(this);
  // The gateway hands the same validated body to `admit`, then to `initiate`: it is typed once.
  private readonly typedBodies = new WeakMap<JsonObject, InitiateRequest>();
  private readonly followers: OrderFollower[] = [];
  /** Emits `order` (tx) once a change of an order is on disk, `reset` (merchantId) after a reset; with nobody listening it costs nothing. */
  readonly changes = new EventEmitter();

  constructor(private readonly deps: TransactionDeps) {
    this.expiries = new ExpiryQueue(deps.scheduler, async (tx) => {
      await this.apply(tx, 'expire', 'payment link expired');
    });
    deps.dispatcher.notesAttemptsWith((delivery, attempt) => this.noteCallbackAttempt(delivery, attempt));
  }

  /** Tells `follower` of every move of every order from now on, in the order followers were added. */
  follow(follower: OrderFollower): void {
    this.followers.push(follower);
  }

  /** Schedules the expiry of every pending transaction in the data file, and runs what is overdue. */
  restore(): void {
    for (const tx of this.deps.store.transactions()) {
      this.requests.adopt(tx);
      if (tx.status !== 'REQUEST_INITIATED') continue;
      this.scheduleExpiry(tx);
      this.scheduleOutcome(tx);
    }
    for (const follower of this.followers) follower.restore?.();
  }

  /** The merchant's transaction, expired first if its link ran out. */
  async find(merchantId: string, orderId: string): Promise<StoredTransaction | undefined> {
    return this.settleExpiry(this.deps.store.getTransaction(merchantId, orderId));
  }

  /** The transaction behind a hosted-page token, expired first if its link ran out. */
  async findByToken(token: string): Promise<StoredTransaction | undefined> {
    return this.settleExpiry(this.deps.store.getByToken(token));
  }

  private typed(body: JsonObject): InitiateRequest {
    let request = this.typedBodies.get(body);
    if (!request) this.typedBodies.set(body, (request = parseInitiateRequest(body)));
    return request;
  }

  /** Whether the merchant may initiate this (valid) request, and the scenario that will shape it; `requested` is the one the request names. */
  admit(merchantId: string, body: JsonObject, channel: Channel, requested?: string, earlier?: EarlierMatch): Admission {
    return admit(this.deps, merchantId, this.typed(body), channel, requested, earlier);
  }

  /**
   * Stores a new admitted order; an identical request for a still-pending order gets that order again
   * (its answer is rebuilt from it). A matched scenario shapes its expiry, outcome and callbacks; `fixed.decided`
   * (the caller moves the order at once) takes no scheduled outcome from it, so a restart cannot move it twice.
   */
  async initiate(merchantId: string, body: JsonObject, channel: Channel, scenario?: Scenario, bodyText?: string,
    fixed: { paymentCode?: string; decided?: boolean } = {}): Promise<Done<{ tx: StoredTransaction }> | Refused<'duplicate-order'>> {
    const { store, clock, generator } = this.deps;
    const request = this.typed(body);
    const { order } = request;
    const orderId = order.id;
    const requestJson = JSON.stringify(body);
    const existing = await this.find(merchantId, orderId);
    if (existing) {
      if (existing.status === 'REQUEST_INITIATED' && existing.requestJson === requestJson) return { ok: true, tx: existing };
      return { ok: false, refusal: 'duplicate-order' };
    }
    const now = clock.now();
    const validityMs = scenario?.effects.expiryMs
      ?? (order.timeout ?? channel.defaultExpiryMinutes) * 60_000;
    const tx: StoredTransaction = {
      merchantId,
      orderId,
      channel: channel.type,
      status: 'REQUEST_INITIATED',
      amount: order.amount,
      currency: order.currency ?? 'IDR',
      requestJson,
      ...metaDataText(request, bodyText),
      ...(channel === HOSTED ? { hosted: true } : {}),
      token: this.newToken(FAMILIES[channel.family].token),
      createdAt: now,
      expiresAt: now + validityMs,
      reference: '',
      refundedAmount: 0,
      checkout: freshCheckout(),
      timeline: [{ at: now, event: 'initiated', detail: `${channel.name}, IDR ${order.amount}${scenario ? `, scenario "${scenario.name}"` : ''}` }],
    };
    if (scenario) {
      tx.scenario = scenario.name;
      if (scenario.effects.callback) tx.callbackBehaviour = scenario.effects.callback;
      const outcome = scenario.effects.outcome;
      if (outcome && !fixed.decided) tx.scheduledOutcome = { action: outcome.action, at: now + outcome.afterMs };
    }
    // A transfer into an open VA carries that VA's number; any other order gets a fresh one.
    if (channel.codePrefix) tx.paymentCode = fixed.paymentCode ?? generator.code(channel.codePrefix, 16);
    store.addTransaction(tx);
    this.requests.adopt(tx, request);
    await store.commit(tx);
    this.changes.emit('order', tx);
    this.scheduleExpiry(tx);
    this.scheduleOutcome(tx);
    return { ok: true, tx };
  }

  /**
   * Applies a lifecycle action; false when the order's state does not allow it. The new state is on disk
   * before the callback it triggers is sent. A refund counts `amount` (default: all that is left); `card`: the
   * stored card charged without its page (one-click, a subscription), which the order then shows.
   */
  async apply(tx: StoredTransaction, action: Action, cause: string, options: { amount?: number; card?: CardDetails } = {}): Promise<boolean> {
    // An order whose initiate could not be written (or that a reset forgot) has nothing left to move.
    if (!canApply(action, tx) || this.deps.store.getTransaction(tx.merchantId, tx.orderId) !== tx) return false;
    const { clock, generator, store, dispatcher, scheduler } = this.deps;
    const now = clock.now();
    const transition = TRANSITIONS[action];
    if (options.card) {
      tx.card = { mask: options.card.mask, info: { ...options.card.info } };
      tx.checkout.step = 'done';
    }
    if (action === 'pay') {
      const channel = channelOf(tx.channel) ?? HOSTED;
      const family = FAMILIES[channel.family];
      tx.reference = generator.reference();
      tx.payment = { at: now, reference: family.paymentReference(tx, channel, generator), amount: tx.amount };
      family.onPaid?.(tx);
    }
    if (action === 'refund') {
      tx.refundedAmount += options.amount ?? paidAmount(tx) - tx.refundedAmount;
      tx.refundedAt = now;
    }
    tx.status = transition.to(tx);
    tx.closedAt ??= now;
    appendTimeline(tx.timeline, { at: now, event: transition.event, detail: cause });
    const followed = this.followers.flatMap((follower) => follower.moved(tx, action));
    const delivery = dispatcher.prepare(tx);
    await store.commit(tx, ...followed);
    // Only once the move is on disk: a write that fails leaves the order, and its scheduled outcome, as they were.
    scheduler.cancel(outcomeJob(tx));
    if (delivery) dispatcher.start(delivery);
    for (const follower of this.followers) follower.written?.(tx, action);
    this.changes.emit('order', tx);
    return true;
  }

  /** The merchant's cancel API: only a pending order of a channel that allows it can be cancelled. */
  async cancel(tx: StoredTransaction, cause: string): Promise<Done | Refused<'invalid-status'>> {
    const cancellable = tx.status === 'REQUEST_INITIATED' && channelOf(tx.channel)?.cancellableWhileInitiated;
    return cancellable && (await this.apply(tx, 'cancel', cause)) ? { ok: true } : { ok: false, refusal: 'invalid-status' };
  }

  /** Voids a captured card payment that has not settled yet; anything else is not permitted. */
  async voidPayment(tx: StoredTransaction, cause: string): Promise<Done | Refused<'not-permitted'>> {
    const settled = tx.payment !== undefined && this.deps.clock.now() >= settlesAt(tx.payment.at);
    return !settled && (await this.apply(tx, 'void', cause)) ? { ok: true } : { ok: false, refusal: 'not-permitted' };
  }

  /**
   * Refunds `amount` (default: all that is left) of a paid order: never paid when it was not (the sandbox then
   * says the transaction is not found), not permitted when nothing is left, an invalid amount when more is asked than is left.
   */
  async refund(tx: StoredTransaction, amount: number | undefined, cause: string): Promise<Done | Refused<'never-paid' | 'not-permitted' | 'invalid-amount'>> {
    if (tx.payment === undefined) return { ok: false, refusal: 'never-paid' };
    if (!canApply('refund', tx)) return { ok: false, refusal: 'not-permitted' };
    const left = paidAmount(tx) - tx.refundedAmount;
    if (amount !== undefined && amount > left) return { ok: false, refusal: 'invalid-amount' };
    const refunding = amount ?? left;
    const detail = `${cause}: IDR ${refunding} (${tx.refundedAmount + refunding} of ${paidAmount(tx)} refunded)`;
    return (await this.apply(tx, 'refund', detail, { amount: refunding })) ? { ok: true } : { ok: false, refusal: 'not-permitted' };
  }

  /**
   * The shopper picked `channel` on the hosted page: the order continues on that channel, its page starts
   * afresh, and a channel with a pay code gets one.
   */
  async choose(tx: StoredTransaction, channel: Channel): Promise<void> {
    if (tx.channel === channel.type) return;
    tx.channel = channel.type;
    // Failed attempts carry over, so switching channels cannot reset the caps; the new page is still news.
    const { otpFailures, pinFailures } = tx.checkout;
    tx.checkout = { ...freshCheckout(), otpFailures, pinFailures };
    delete tx.card;
    if (channel.codePrefix) tx.paymentCode = this.deps.generator.code(channel.codePrefix, 16);
    else delete tx.paymentCode;
    await this.note(tx, 'channel chosen', channel.name);
  }

  /** Forgets every transaction and callback (of one merchant, when given); a full reset also puts the clock back on real time. */
  async reset(merchantId?: string): Promise<void> {
    this.forget(merchantId);
    if (merchantId === undefined) this.deps.clock.reset();
    await this.deps.store.commit();
    this.changes.emit('reset', merchantId);
  }

  /** Forgets every transaction and callback (of one merchant, when given), with their scheduled jobs. */
  private forget(merchantId?: string): void {
    const { store, scheduler } = this.deps;
    this.expiries.clear(merchantId);
    for (const follower of this.followers) follower.forget?.(merchantId);
    if (merchantId === undefined) {
      scheduler.clear();
    } else {
      for (const tx of store.transactions()) if (tx.merchantId === merchantId) scheduler.cancel(outcomeJob(tx));
      for (const d of store.deliveries()) if (d.merchantId === merchantId) this.deps.dispatcher.cancel(d);
    }
    store.reset(merchantId);
    this.requests.clear(merchantId);
  }

  /** Records a step in the transaction's timeline (page opened, OTP accepted, …) and saves it; the timeline stays bounded. */
  async note(tx: StoredTransaction, event: string, detail?: string): Promise<void> {
    this.record(tx, event, detail);
    await this.deps.store.commit(tx);
    this.changes.emit('order', tx);
  }

  /**
   * Records a step without waiting for the disk, when a transition or note of the same order follows at
   * once and saves both: no other request can change the order in between.
   */
  record(tx: StoredTransaction, event: string, detail?: string): void {
    appendTimeline(tx.timeline, { at: this.deps.clock.now(), event, ...(detail === undefined ? {} : { detail }) });
  }

  /** One attempt of a callback now, outside its retry schedule (which goes on). */
  resend(delivery: Delivery): Promise<DeliveryAttempt> {
    return this.deps.dispatcher.resend(delivery);
  }

  /**
   * Puts the virtual clock at `target`: forward runs everything due on the way, in order; backward just
   * sets it. The clock's new state is saved with the data.
   */
  async moveClockTo(target: number): Promise<void> {
    const { clock, scheduler, store } = this.deps;
    if (target >= clock.now()) await scheduler.advanceTo(target);
    else clock.set(target);
    await store.commit();
  }

  /** Moves the virtual clock forward to `step(now)`, `now` read once earlier moves are done, running everything due on the way. */
  async advanceClock(step: (now: number) => number): Promise<void> {
    await this.deps.scheduler.advanceTo(step);
    await this.deps.store.commit();
  }

  /** Freezes, resumes or puts the clock back on real time, and saves its state. */
  async setClock(verb: 'freeze' | 'resume' | 'reset'): Promise<void> {
    this.deps.clock[verb]();
    await this.deps.store.commit();
  }

  /** A callback attempt in its order's timeline; the order is stored with the attempt. */
  private noteCallbackAttempt(delivery: Delivery, attempt: DeliveryAttempt): StoredTransaction | undefined {
    const tx = this.deps.store.getTransaction(delivery.merchantId, delivery.orderId);
    if (tx) appendTimeline(tx.timeline, {
      at: attempt.at,
      event: `callback attempt ${attempt.n}`,
      detail: attempt.delivered ? `delivered (HTTP ${attempt.statusCode})` : `${attempt.error}${delivery.state === 'gave-up' ? '; gave up' : ''}`,
    });
    return tx;
  }

  /** A page token no stored order uses yet. */
  private newToken(kind: TokenKind): string {
    let token: string;
    do token = this.deps.generator[kind]();
    while (this.deps.store.getByToken(token));
    return token;
  }

  private scheduleExpiry(tx: StoredTransaction): void {
    this.expiries.add(tx);
  }

  private scheduleOutcome(tx: StoredTransaction): void {
    const outcome = tx.scheduledOutcome;
    if (!outcome) return;
    this.deps.scheduler.schedule(outcomeJob(tx), outcome.at, async () => {
      await this.apply(tx, outcome.action, `scenario "${tx.scenario}": ${outcome.action}`);
    });
  }

  private async settleExpiry(tx: StoredTransaction | undefined): Promise<StoredTransaction | undefined> {
    if (tx && tx.status === 'REQUEST_INITIATED' && this.deps.clock.now() >= tx.expiresAt) {
      await this.apply(tx, 'expire', 'payment link expired');
    }
    // What is answered from an order is what is on disk: a change still being written is waited for.
    if (tx) await this.deps.store.settled(tx);
    return tx && this.deps.store.getTransaction(tx.merchantId, tx.orderId) === tx ? tx : undefined;
  }
}

import { EventEmitter } from 'node:events';
import type { VirtualClock } from '../clock/clock.js';
import { isoJakarta } from '../support/indonesian-format.js';
import { clearRealTimeout, setRealTimeout } from '../support/real-time.js';
import { durationText } from '../support/duration.js';
import type { Config, Merchant } from '../model/config.js';
import type { Logger } from '../support/logger.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Store } from '../store/store.js';
import { callbackFields } from '../channels/gateway-body.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { ValueGenerator } from '../support/value-generator.js';
import { sendCallback } from './sender.js';
import { signFields } from './signature.js';
import { SnapSigner } from './snap-signature.js';
import { canonicalStatus } from './status-words.js';
import type { Delivery, DeliveryAttempt } from '../model/delivery.js';
import { requestOf } from '../model/initiate-request.js';
import { jsonText } from '../model/ordered-json.js';
import type { PaymentStatus } from '../model/transaction.js';
import type { CompanionOf } from '../model/delivery.js';
import {
  afterRedirectAt, COMPANION_GAP_MS, describeCallbackBehaviour, duplicateCount, duplicateNote, firstAttemptAt, misreported, withOrderId, withReportedAmount,
} from './faults.js';

/** The outcome of an attempt for its log line: delivered, when the next attempt is (on the simulator's clock), or given up. */
function attemptOutcome(delivery: Delivery, attempt: DeliveryAttempt): string {
  if (attempt.delivered) return `delivered (HTTP ${attempt.statusCode})`;
  const next = delivery.nextAttemptAt;
  const scheduled = delivery.attempts.filter((a) => !a.manual).length;
  if (delivery.state === 'gave-up') return `${attempt.error}; gave up after ${scheduled} scheduled attempt${scheduled === 1 ? '' : 's'} (--callback-retries)`;
  if (delivery.state !== 'pending' || next === null) return `${attempt.error}; no retry (${delivery.state})`;
  return `${attempt.error}; next attempt in ${durationText(Math.max(0, next - attempt.at))}, at ${isoJakarta(next)} on the simulator's clock`;
}

/** Notes an attempt in its order's timeline and gives the order to store with it, if it still exists. */
export type AttemptNote = (delivery: Delivery, attempt: DeliveryAttempt) => StoredTransaction | undefined;

export interface DispatcherDeps {
  store: Store;
  scheduler: Scheduler;
  clock: VirtualClock;
  generator: ValueGenerator;
  config: Config;
  logger: Logger;
  merchantKey(merchantId: string): Merchant['key'] | undefined;
}

/**
 * Builds, signs, sends and retries callbacks. A delivery is stored with the transition that caused it,
 * so pending attempts survive a restart; attempts run as scheduler jobs on the virtual clock.
 * Emits `attempt` (delivery, attempt) after each attempt is stored.
 */
export class CallbackDispatcher extends EventEmitter {
  // The transactions service writes the timeline; until it says how, attempts are noted nowhere.
  private noteAttempt: AttemptNote = () => undefined;
  /** Signs `x-signature`; its public key is served at `GET /_mock/keys/callback.pem`. */
  readonly signer: SnapSigner;

  constructor(private readonly deps: DispatcherDeps) {
    super();
    this.signer = new SnapSigner(deps.config.callbackRsaKey);
    // One listener per long-poll waiting for a callback; there may be many at once.
    this.setMaxListeners(0);
  }

  /**
   * Creates the delivery for the transaction's current (final) state, and any callback its scenario sends
   * beside it (a phantom, a stale FAILURE); nothing leaves until `start`.
   */
  prepare(tx: StoredTransaction): Delivery | null {
    const url = requestOf(tx).url.callbackUrl;
    const key = this.deps.merchantKey(tx.merchantId);
    if (url === undefined || key === undefined) return null;
    const behaviour = tx.callbackBehaviour ?? {};
    // Not sent is still recorded (as suppressed), so the dashboard can say why nothing arrived.
    const wanted = !behaviour.never && (behaviour.statuses ?? this.deps.config.callbackStatuses).map(canonicalStatus).includes(tx.status);
    const now = this.deps.clock.now();
    const fields = callbackFields(tx, this.deps.config.failureStatus);
    const reported = behaviour.wrongAmount === undefined ? fields : withReportedAmount(fields, misreported(tx.amount, behaviour.wrongAmount));
    const delivery = this.newDelivery(tx, tx.orderId, tx.status, reported, wanted ? firstAttemptAt(behaviour, now, tx.expiresAt) : null);
    if (!wanted) return delivery;
    const notes = describeCallbackBehaviour(behaviour);
    if (behaviour.redirect === 'before-callback') delivery.waitingFor = 'redirect';
    if (behaviour.phantom) {
      const phantomId = `${tx.orderId}-${this.deps.generator.token().slice(0, 6).toUpperCase()}`;
      const first = delivery.nextAttemptAt!;
      // Before: the phantom takes the real one's slot and the real one follows a second later.
      if (behaviour.phantom === 'before') delivery.nextAttemptAt = first + COMPANION_GAP_MS;
      const phantom = this.newDelivery(tx, phantomId, tx.status, withOrderId(reported, phantomId),
        behaviour.phantom === 'before' ? first : first + COMPANION_GAP_MS, { kind: 'phantom', deliveryId: delivery.id });
      (delivery.companions ??= []).push(phantom.id);
      phantom.notes = [`phantom: order id ${phantomId} was never created by merchant ${tx.merchantId}; sent ${behaviour.phantom} the real callback ${delivery.id}`];
      notes.push(`phantom callback ${phantom.id} for made-up order ${phantomId} is sent ${COMPANION_GAP_MS / 1000} s ${behaviour.phantom} this one`);
    }
    if (behaviour.outOfOrder && tx.payment) {
      // The earlier attempt of a retried checkout: the same order, failed, with its own gateway reference.
      const earlier: StoredTransaction = { ...tx, status: 'FAILURE', reference: this.deps.generator.reference(), closedAt: tx.createdAt };
      delete earlier.payment;
      const stale = this.newDelivery(earlier, tx.orderId, 'FAILURE', callbackFields(earlier, this.deps.config.failureStatus), null,
        { kind: 'stale-failure', deliveryId: delivery.id });
      stale.waitingFor = 'paid-delivery';
      (delivery.companions ??= []).push(stale.id);
      stale.notes = [`out of order: a FAILURE for an earlier failed attempt of ${tx.orderId}, sent ${COMPANION_GAP_MS / 1000} s after the ${tx.status} callback ${delivery.id} is delivered; check-status says ${tx.status}`];
      notes.push(`a stale FAILURE callback ${stale.id} follows ${COMPANION_GAP_MS / 1000} s after this one is delivered`);
    }
    if (notes.length > 0) delivery.notes = notes;
    return delivery;
  }

  /** One stored delivery of `fields` (signed as the order's scenario says) for `orderId`, first attempt at `firstAt` (null: not sent). */
  private newDelivery(tx: StoredTransaction, orderId: string, status: PaymentStatus, fields: Record<string, unknown>, firstAt: number | null,
    companionOf?: CompanionOf): Delivery {
    const behaviour = tx.callbackBehaviour ?? {};
    const key = this.deps.merchantKey(tx.merchantId)!;
    const signed = signFields(fields, behaviour.badSignature ? `${key}-wrong` : key);
    // An unescaped body keeps the PHP-encoding signature: it tests verifiers that re-encode (or not).
    const body = behaviour.unescapedBody ? jsonText({ ...fields, signature: signed.signature }) : signed.body;
    const delivery: Delivery = {
      id: `cb_${this.deps.generator.token().slice(0, 24)}`,
      merchantId: tx.merchantId,
      orderId,
      status,
      url: requestOf(tx).url.callbackUrl!,
      headers: {
        'User-Agent': 'GuzzleHttp/7',
        'Content-Type': 'application/json',
        'channel-id': 'FINPAY',
        'x-partner-id': tx.merchantId,
        'x-external-id': tx.reference,
      },
      body,
      signature: signed.signature,
      state: firstAt === null && !companionOf ? 'suppressed' : 'pending',
      attempts: [],
      nextAttemptAt: firstAt,
      createdAt: this.deps.clock.now(),
      ...(tx.callbackBehaviour ? { behaviour: tx.callbackBehaviour } : {}),
      ...(tx.scenario ? { scenario: tx.scenario } : {}),
      ...(companionOf ? { companionOf } : {}),
    };
    this.deps.store.addDelivery(delivery);
    return delivery;
  }

  /** How attempts reach their order's timeline (the transactions service, the one writer of orders). */
  notesAttemptsWith(note: AttemptNote): void {
    this.noteAttempt = note;
  }

  /** Schedules the delivery's next attempt (after it and its transition are on disk). */
  start(delivery: Delivery): void {
    // Companions (phantom, stale FAILURE) start with their delivery; a stale FAILURE then waits for it.
    for (const id of delivery.attempts.length === 0 ? delivery.companions ?? [] : []) {
      const companion = this.deps.store.getDelivery(id);
      if (companion) this.start(companion);
    }
    if (delivery.state !== 'pending' || delivery.nextAttemptAt === null) return;
    this.deps.scheduler.schedule(`deliver:${delivery.id}`, delivery.nextAttemptAt, async () => {
      await this.attempt(delivery, true);
    });
  }

  /**
   * The shopper's page redirected back to the merchant: a callback held for that (`redirect: before-callback`)
   * now leaves after its delay. Called once the redirect answer was sent.
   */
  async shopperRedirected(tx: StoredTransaction): Promise<void> {
    const held = this.deps.store.deliveriesOf(tx.merchantId, tx.orderId)
      .filter((d) => d.waitingFor === 'redirect' && d.state === 'pending' && d.attempts.length === 0);
    if (held.length === 0) return;
    const now = this.deps.clock.now();
    for (const d of held) {
      delete d.waitingFor;
      d.nextAttemptAt = afterRedirectAt(d.behaviour ?? {}, now);
      (d.notes ??= []).push(`the shopper was redirected back at ${isoJakarta(now)}; the callback leaves at ${isoJakarta(d.nextAttemptAt)}`);
    }
    await this.deps.store.commit(...held);
    held.forEach((d) => this.start(d));
  }

  /**
   * Resolves once the order's callback had its first attempt (`redirect: after-callback`), or after `boundMs`
   * of real time, whichever comes first; at once when it has none pending.
   */
  firstAttemptOf(tx: StoredTransaction, boundMs: number, stopped?: AbortSignal): Promise<void> {
    const waiting = this.deps.store.deliveriesOf(tx.merchantId, tx.orderId)
      .find((d) => !d.companionOf && d.state === 'pending' && d.attempts.length === 0);
    if (!waiting || stopped?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearRealTimeout(timer);
        this.off('attempt', heard);
        stopped?.removeEventListener('abort', done);
        resolve();
      };
      const heard = (delivery: Delivery) => {
        if (delivery === waiting) done();
      };
      const timer = setRealTimeout(done, boundMs);
      this.on('attempt', heard);
      // A stopping simulator sends the page on at once rather than cut it off after its grace period.
      stopped?.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops any scheduled attempt of the delivery. */
  cancel(delivery: Delivery): void {
    this.deps.scheduler.cancel(`deliver:${delivery.id}`);
    this.deps.scheduler.cancel(`duplicate:${delivery.id}`);
  }

  /** Re-schedules every pending delivery found in the data file. */
  restore(): void {
    for (const delivery of this.deps.store.deliveries()) this.start(delivery);
  }

  /** One attempt now, outside the retry schedule (the delivery's schedule, if any, goes on). */
  resend(delivery: Delivery): Promise<DeliveryAttempt> {
    return this.attempt(delivery, false);
  }

  /** Everything the request carries, in the order Finpay's Guzzle 7 notifier sends it (finpay-clients-facts §2.9). */
  private wireHeaders(delivery: Delivery, url: URL, timestamp: string): [string, string][] {
    const target = `${url.pathname}${url.search}`;
    // A wrong signature keeps the real one's shape: the right key over a string the merchant will not rebuild.
    const signed = delivery.behaviour?.badRsaSignature ? `${target}:wrong` : target;
    const { 'User-Agent': userAgent, 'Content-Type': contentType, ...finpay } = delivery.headers;
    return [
      ['Host', url.host],
      ['User-Agent', userAgent ?? 'GuzzleHttp/7'],
      ['Content-Type', contentType ?? 'application/json'],
      ['Content-Length', String(Buffer.byteLength(delivery.body))],
      ...Object.entries(finpay),
      ['x-timestamp', timestamp],
      ['x-signature', this.signer.sign(signed, delivery.body, timestamp)],
    ];
  }

  /** Schedules the scenario's next extra copy of a delivered callback; `stampAt` is the delivered attempt's time (same x-timestamp). */
  private scheduleCopy(delivery: Delivery, stampAt: number): void {
    const total = duplicateCount(delivery.behaviour) + 1;
    const copy = (delivery.duplicatesSent ?? (delivery.duplicateSent ? 1 : 0)) + 2;
    if (copy > total) return;
    const fresh = delivery.behaviour?.freshTimestamp === true;
    const now = this.deps.clock.now();
    this.deps.scheduler.schedule(`duplicate:${delivery.id}`, fresh ? now + COMPANION_GAP_MS : now, async () => {
      await this.attempt(delivery, false, { n: copy, of: total, stampAt: fresh ? null : stampAt });
    });
  }

  /** A stale FAILURE waiting for this delivery leaves a little after it was delivered (or given up). */
  private releaseStale(delivery: Delivery, at: number): Delivery[] {
    const stale = this.deps.store.deliveriesOf(delivery.merchantId, delivery.orderId)
      .filter((d) => d.companionOf?.deliveryId === delivery.id && d.waitingFor === 'paid-delivery');
    for (const d of stale) {
      delete d.waitingFor;
      d.nextAttemptAt = at + COMPANION_GAP_MS;
    }
    return stale;
  }

  private async attempt(delivery: Delivery, scheduled: boolean, copy?: { n: number; of: number; stampAt: number | null }): Promise<DeliveryAttempt> {
    const { clock, config, store, scheduler, logger } = this.deps;
    const at = clock.now();
    const scheduledSoFar = delivery.attempts.filter((a) => !a.manual).length;
    const heldBack = scheduled && scheduledSoFar < (delivery.behaviour?.failFirst ?? 0);
    const outcome = heldBack
      ? { latencyMs: 0, statusCode: null, responseExcerpt: '', delivered: false, error: `held back by scenario "${delivery.scenario}" (failFirst ${delivery.behaviour?.failFirst})` }
      : await sendCallback({
        url: delivery.url,
        headers: (url) => this.wireHeaders(delivery, url, isoJakarta(copy?.stampAt ?? at)),
        body: delivery.body,
        timeoutMs: config.callbackTimeoutMs,
      });
    const attempt: DeliveryAttempt = {
      n: delivery.attempts.length + 1, at, ...outcome, manual: !scheduled && !copy,
      ...(copy ? { note: duplicateNote(copy.n, copy.of, copy.stampAt === null) } : {}),
    };
    // A reset while the receiver was answering forgot this callback: nothing more to record or retry.
    if (store.getDelivery(delivery.id) !== delivery) return attempt;
    delivery.attempts.push(attempt);
    if (delivery.waitingFor === 'redirect') delete delivery.waitingFor;
    if (copy) {
      delivery.duplicatesSent = copy.n - 1;
      this.scheduleCopy(delivery, copy.stampAt ?? at);
    }
    if (attempt.delivered) {
      delivery.state = 'delivered';
      delivery.nextAttemptAt = null;
      scheduler.cancel(`deliver:${delivery.id}`);
      if (!copy && !delivery.duplicatesSent && !delivery.duplicateSent) this.scheduleCopy(delivery, at);
    } else if (scheduled && delivery.state === 'pending') {
      const retriesUsed = delivery.attempts.filter((a) => !a.manual).length - 1;
      const wait = config.callbackRetries[retriesUsed];
      if (wait === undefined) {
        delivery.state = 'gave-up';
        delivery.nextAttemptAt = null;
      } else {
        delivery.nextAttemptAt = at + wait * 1000;
      }
    }
    const released = delivery.state === 'delivered' || delivery.state === 'gave-up' ? this.releaseStale(delivery, at) : [];
    const tx = this.noteAttempt(delivery, attempt);
    logger[delivery.state === 'gave-up' && !attempt.delivered ? 'warn' : 'info'](
      `callback ${delivery.id} ${delivery.status} for ${delivery.orderId} attempt ${attempt.n}${attempt.manual ? ' (resent)' : ''}: ${attemptOutcome(delivery, attempt)}`, {
        deliveryId: delivery.id, merchantId: delivery.merchantId, orderId: delivery.orderId, orderStatus: delivery.status, attempt: attempt.n, manual: attempt.manual,
        delivered: attempt.delivered, statusCode: attempt.statusCode, error: attempt.delivered ? undefined : attempt.error, state: delivery.state,
        nextAttemptAt: delivery.nextAttemptAt === null ? null : isoJakarta(delivery.nextAttemptAt),
      });
    await store.commit(delivery, ...released, ...(tx ? [tx] : []));
    if (scheduled) this.start(delivery);
    released.forEach((d) => this.start(d));
    this.emit('attempt', delivery, attempt);
    return attempt;
  }
}

import { EventEmitter } from 'node:events';
import type { VirtualClock } from '../clock/clock.js';
import { isoJakarta } from '../support/indonesian-format.js';
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

  /** Creates the delivery for the transaction's current (final) state; nothing leaves until `start`. */
  prepare(tx: StoredTransaction): Delivery | null {
    const url = requestOf(tx).url.callbackUrl;
    const key = this.deps.merchantKey(tx.merchantId);
    if (url === undefined || key === undefined) return null;
    const behaviour = tx.callbackBehaviour ?? {};
    // Not sent is still recorded (as suppressed), so the dashboard can say why nothing arrived.
    const wanted = !behaviour.never && (behaviour.statuses ?? this.deps.config.callbackStatuses).map(canonicalStatus).includes(tx.status);
    const fields = callbackFields(tx, this.deps.config.failureStatus);
    const signed = signFields(fields, behaviour.badSignature ? `${key}-wrong` : key);
    // An unescaped body keeps the PHP-encoding signature: it tests verifiers that re-encode (or not).
    const body = behaviour.unescapedBody ? jsonText({ ...fields, signature: signed.signature }) : signed.body;
    const now = this.deps.clock.now();
    const delivery: Delivery = {
      id: `cb_${this.deps.generator.token().slice(0, 24)}`,
      merchantId: tx.merchantId,
      orderId: tx.orderId,
      status: tx.status,
      url,
      headers: {
        'User-Agent': 'GuzzleHttp/7',
        'Content-Type': 'application/json',
        'channel-id': 'FINPAY',
        'x-partner-id': tx.merchantId,
        'x-external-id': tx.reference,
      },
      body,
      signature: signed.signature,
      state: wanted ? 'pending' : 'suppressed',
      attempts: [],
      nextAttemptAt: wanted ? now + (behaviour.delayMs ?? 0) : null,
      createdAt: now,
      ...(tx.callbackBehaviour ? { behaviour: tx.callbackBehaviour } : {}),
      ...(tx.scenario ? { scenario: tx.scenario } : {}),
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
    if (delivery.state !== 'pending' || delivery.nextAttemptAt === null) return;
    this.deps.scheduler.schedule(`deliver:${delivery.id}`, delivery.nextAttemptAt, async () => {
      await this.attempt(delivery, true);
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

  private async attempt(delivery: Delivery, scheduled: boolean): Promise<DeliveryAttempt> {
    const { clock, config, store, scheduler, logger } = this.deps;
    const at = clock.now();
    const scheduledSoFar = delivery.attempts.filter((a) => !a.manual).length;
    const heldBack = scheduled && scheduledSoFar < (delivery.behaviour?.failFirst ?? 0);
    const outcome = heldBack
      ? { latencyMs: 0, statusCode: null, responseExcerpt: '', delivered: false, error: `held back by scenario "${delivery.scenario}" (failFirst ${delivery.behaviour?.failFirst})` }
      : await sendCallback({
        url: delivery.url,
        headers: (url) => this.wireHeaders(delivery, url, isoJakarta(at)),
        body: delivery.body,
        timeoutMs: config.callbackTimeoutMs,
      });
    const attempt: DeliveryAttempt = { n: delivery.attempts.length + 1, at, ...outcome, manual: !scheduled };
    // A reset while the receiver was answering forgot this callback: nothing more to record or retry.
    if (store.getDelivery(delivery.id) !== delivery) return attempt;
    delivery.attempts.push(attempt);
    if (attempt.delivered) {
      delivery.state = 'delivered';
      delivery.nextAttemptAt = null;
      scheduler.cancel(`deliver:${delivery.id}`);
      if (delivery.behaviour?.duplicate && !delivery.duplicateSent) {
        delivery.duplicateSent = true;
        scheduler.schedule(`duplicate:${delivery.id}`, at, async () => {
          await this.attempt(delivery, false);
        });
      }
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
    const tx = this.noteAttempt(delivery, attempt);
    logger[delivery.state === 'gave-up' && !attempt.delivered ? 'warn' : 'info'](
      `callback ${delivery.id} ${delivery.status} for ${delivery.orderId} attempt ${attempt.n}${attempt.manual ? ' (resent)' : ''}: ${attemptOutcome(delivery, attempt)}`, {
        deliveryId: delivery.id, merchantId: delivery.merchantId, orderId: delivery.orderId, orderStatus: delivery.status, attempt: attempt.n, manual: attempt.manual,
        delivered: attempt.delivered, statusCode: attempt.statusCode, error: attempt.delivered ? undefined : attempt.error, state: delivery.state,
        nextAttemptAt: delivery.nextAttemptAt === null ? null : isoJakarta(delivery.nextAttemptAt),
      });
    await store.commit(delivery, ...(tx ? [tx] : []));
    if (scheduled) this.start(delivery);
    this.emit('attempt', delivery, attempt);
    return attempt;
  }
}

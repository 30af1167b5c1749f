import type { Delivery } from './model/delivery.js';
import { waitForDelivered } from './callbacks/wait.js';
import { DEFAULTS } from './config.js';
import type { Config, Merchant } from './model/config.js';
import { deliveryView, transactionView } from './control/views.js';
import { startInstance } from './instance.js';
import { createLogger } from './support/logger.js';
import { Operations, type OperatorAction, type Outcome } from './operations/operations.js';
import { parseScenarios } from './scenarios/loader.js';
import type { PaymentStatus, StoredTransaction } from './model/transaction.js';

export type { Config, Merchant } from './model/config.js';
export type { PaymentStatus, StoredTransaction } from './model/transaction.js';
export type { Delivery, DeliveryAttempt } from './model/delivery.js';
export { phpJsonEncode } from './callbacks/php-json.js';
export { hmacSha512 } from './callbacks/signature.js';

export interface StartOptions extends Partial<Omit<Config, 'merchants'>> {
  /** Merchants as `{id, key}` or `"id:key"`; default the docs' FINPAY770:SoSecret123. */
  merchants?: (Merchant | string)[];
}

export interface WaitOptions {
  /** Wait for a callback reporting this status (PAID, FAILURE, …); any status otherwise. */
  status?: PaymentStatus;
  /** Default 10 s. */
  timeoutMs?: number;
  merchantId?: string;
}

/** A running simulator, for a test suite. */
export interface FinnetMock {
  /** Base URL to point the integration at, e.g. `http://127.0.0.1:43817`. */
  url: string;
  /** The first merchant, with its ready-made `Authorization` header value. */
  merchant: Merchant & { authorization: string };
  merchants: Merchant[];
  /** Moves an order as the shopper or the channel would; the callback follows. */
  pay(orderId: string, merchantId?: string): Promise<StoredTransaction>;
  fail(orderId: string, merchantId?: string): Promise<StoredTransaction>;
  expire(orderId: string, merchantId?: string): Promise<StoredTransaction>;
  cancel(orderId: string, merchantId?: string): Promise<StoredTransaction>;
  /** Moves the virtual clock forward (ms or `'15m'`), running expiries, retries and scheduled outcomes on the way. */
  advanceClock(by: number | string): Promise<void>;
  /** The clock's state changes at once; the promises say when it is saved. */
  clock: { now(): number; freeze(): Promise<void>; resume(): Promise<void>; set(epochMs: number): Promise<void>; reset(): Promise<void> };
  /** Resolves with the first delivered callback for the order (rejects after the timeout). */
  waitForCallback(orderId: string, options?: WaitOptions): Promise<Delivery & { json: Record<string, unknown> }>;
  /** Every stored transaction, newest first, with timelines and callbacks. */
  transactions(): Record<string, unknown>[];
  transaction(orderId: string, merchantId?: string): Record<string, unknown> | undefined;
  /** Adds runtime scenarios (same format as scenario files). */
  addScenario(scenario: unknown): void;
  /** Forgets every transaction, callback, request and runtime scenario, and puts the clock back. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** What a successful operation gave; a refused one is thrown with its sentence. */
function accepted<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`finnet-mock: ${outcome.message.charAt(0).toLowerCase()}${outcome.message.slice(1)}`);
  return outcome;
}

function toMerchant(m: Merchant | string): Merchant {
  if (typeof m !== 'string') return m;
  const colon = m.indexOf(':');
  if (colon < 1) throw new Error(`merchant "${m}" must be written id:key`);
  return { id: m.slice(0, colon), key: m.slice(colon + 1) };
}

/**
 * Starts an isolated simulator in this process: in memory, on a free port, quiet. One per test file is
 * the usual pattern; `reset()` between tests.
 */
export async function startFinnetMock(options: StartOptions = {}): Promise<FinnetMock> {
  const { merchants: given, ...rest } = options;
  const config: Config = {
    ...DEFAULTS, port: 0, db: ':memory:', logLevel: 'silent', ...rest,
    merchants: given ? given.map(toMerchant) : DEFAULTS.merchants,
  };
  const instance = await startInstance(config, createLogger(config.logLevel));
  const { ctx } = instance;
  const first = config.merchants[0]!;

  const operations = new Operations(ctx);
  const act = (action: OperatorAction) => async (orderId: string, merchantId?: string) => accepted(await operations.act(orderId, action, 'library', merchantId)).tx;

  return {
    url: instance.url,
    merchant: { ...first, authorization: `Basic ${Buffer.from(`${first.id}:${first.key}`).toString('base64')}` },
    merchants: config.merchants,
    pay: act('pay'),
    fail: act('fail'),
    expire: act('expire'),
    cancel: act('cancel'),
    async advanceClock(by) {
      accepted(await operations.advanceClock(by));
    },
    clock: {
      now: () => ctx.clock.now(),
      freeze: () => operations.clock('freeze'),
      resume: () => operations.clock('resume'),
      async set(epochMs) {
        accepted(await operations.setClock(epochMs));
      },
      reset: () => operations.clock('reset'),
    },
    async waitForCallback(orderId, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 10_000;
      const delivery = await waitForDelivered(ctx.store, ctx.dispatcher, {
        orderId, timeoutMs, ...(opts.status ? { status: opts.status } : {}), ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
      });
      if (!delivery) throw new Error(`finnet-mock: no delivered callback for order ${orderId}${opts.status ? ` with status ${opts.status}` : ''} within ${timeoutMs} ms`);
      return { ...(deliveryView(delivery) as unknown as Delivery), json: JSON.parse(delivery.body) as Record<string, unknown> };
    },
    transactions: () => [...ctx.store.transactions()].reverse().map((tx) => transactionView(ctx, tx)),
    transaction(orderId, merchantId) {
      const tx = ctx.store.findTransactions(orderId).find((t) => !merchantId || t.merchantId === merchantId);
      return tx && transactionView(ctx, tx);
    },
    addScenario: (scenario) => ctx.scenarios.add(parseScenarios(scenario, 'runtime')),
    async reset() {
      accepted(await operations.reset());
    },
    stop: () => instance.stop(),
  };
}

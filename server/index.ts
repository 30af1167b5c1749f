import { waitForDelivered } from './callbacks/wait.js';
import { configFromOptions, DEFAULTS } from './config.js';
import type { Config, Merchant } from './model/config.js';
import type { Delivery as StoredDelivery, DeliveryAttempt as StoredAttempt } from './model/delivery.js';
import type { CallbackBehaviour, FailureWord, FaultOperation, GatewayFault, ScenarioMatch, ScheduledAction } from './model/scenario.js';
import type { CardInfo, PaymentStatus, TimelineEvent } from './model/transaction.js';
import { deliveryView, requestView, transactionView } from './control/views.js';
import { subscriptionView } from './control/subscription-routes.js';
import { lookUpOpenVa, openVaView } from './control/open-va-routes.js';
import { savedCardView } from './control/saved-card-routes.js';
import { cardFor } from './channels/test-cards.js';
import type { SubscriptionVerb } from './transactions/subscriptions.js';
import { startInstance } from './instance.js';
import { createLogger } from './support/logger.js';
import { Operations, type OperatorAction, type Outcome } from './operations/operations.js';
import { readRequestFilter, type LoggedRequest as StoredRequest, type RequestFilter } from './operations/request-log.js';
import { parseScenarios, ScenarioError } from './scenarios/loader.js';

export type { Merchant } from './model/config.js';
export type { CardInfo, PaymentStatus } from './model/transaction.js';
export type { RequestFilter } from './operations/request-log.js';
export { phpJsonEncode } from './callbacks/php-json.js';
export { hmacSha512 } from './callbacks/signature.js';
export { signCallback, verifyCallback } from './callbacks/verify-callback.js';

// ---- Options: the settings in the forms the flags take -------------------------------------------------

/** A duration: milliseconds, or text as the flags take it (`'250ms'`, `'5s'`, `'16m'`, `'16 minutes'`). */
export type Duration = number | string;

/** `startFinnetMock` options: the [settings](README.md#settings), each also in the flag's written form. */
export interface StartOptions {
  /** Default 0: a free port. */
  port?: number | string;
  host?: string;
  publicUrl?: string;
  /** Default `:memory:`. */
  db?: string;
  /** `{id, key}` or `'id:key'`; default the docs' FINPAY770:SoSecret123. */
  merchants?: (Merchant | string)[] | string;
  seed?: string | number;
  /** Default `silent`. */
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** `human` (default) or `json`: one JSON object a line, for CI log collectors. */
  logFormat?: 'human' | 'json';
  successMessage?: string;
  /** `'5s,30s,2m'`, `'none'`, or a list of durations (`[5000, '30s']`). */
  callbackRetries?: string | Duration[];
  /** How long a callback receiver may take: 1 s to 5 min; a bare number in text is seconds (`'10'`), as the flag. */
  callbackTimeout?: Duration;
  scenarios?: string | string[];
  callbackHosts?: string | string[];
  callbackStatuses?: string | (PaymentStatus | 'FAILED')[];
  failureStatus?: FailureWord;
  /** Path of a PEM RSA-4096 private key, as the flag. */
  callbackRsaKey?: string;
  allowedHosts?: string | string[];
  adminToken?: string;
  /** `'merchantId:type'` (`'*:ovo'` for every merchant). */
  disabledChannels?: string | string[];
  /** Real time every gateway answer waits: `'20ms..80ms'` (picked per request, seeded), `'50ms'` or milliseconds; 0 = none. */
  latency?: Duration;
}

// ---- What the simulator hands out: copies, times as ISO strings ------------------------------------------

export interface DeliveryAttempt extends Omit<StoredAttempt, 'at'> {
  /** Virtual time the attempt left, ISO 8601. */
  at: string;
}

/** One callback (one final transition of one order) with its delivery attempts. */
export interface Delivery extends Omit<StoredDelivery, 'createdAt' | 'nextAttemptAt' | 'attempts'> {
  createdAt: string;
  nextAttemptAt: string | null;
  attempts: DeliveryAttempt[];
}
export type Callback = Delivery;

/** `result.payment` of a callback and of check-status. */
export interface PaymentResult {
  /** The stored status, but a failure worded FAILURE or FAILED (`--failure-status`). */
  status: Exclude<PaymentStatus, 'FAILURE'> | FailureWord;
  statusDesc: string;
  userDesc: string;
  /** Jakarta time, once the order left REQUEST_INITIATED. */
  datetime?: string;
  /** Once paid. */
  reference?: string;
  channel?: string | null;
  amount: number;
}

/** The JSON body of a callback, keys in the order sent (see `callbackFields` in server/channels/gateway-body.ts). */
export interface CallbackBody {
  merchant: { id: string };
  customer: { id: string };
  order: { id: string; reference: string; amount: number; currency: string };
  /** `token` once a `card.storedOnFile: "TO_BE_STORED"` order is captured. */
  card?: { token?: string; mask: string; info: CardInfo };
  transaction: { acquirerId: null };
  sourceOfFunds: { type: string; paymentCode?: string };
  meta: { data: unknown };
  result: { payment: PaymentResult; refund?: { amount: number; datetime: string } };
  signature: string;
}

/** A callback with its body parsed. */
export type ReceivedCallback = Callback & { json: CallbackBody };

/** One order as the control API shows it. */
export interface Transaction {
  merchantId: string;
  orderId: string;
  channel: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  createdAt: string;
  expiresAt: string;
  scenario: string | null;
  reference: string;
  /** The initiate body as sent. */
  request: Record<string, unknown>;
  /** The initiate answer. */
  response: Record<string, unknown>;
  timeline: (Omit<TimelineEvent, 'at'> & { at: string })[];
  callbacks: Callback[];
}

/** One gateway request from the request log. */
export interface LoggedRequest extends Omit<StoredRequest, 'at'> {
  at: string;
}

/** One gateway answer's fault in a scenario file: `delay` fixed (`'2s'`) or a range (`'200ms..2s'`); `{}` lets a request pass. */
export type ScenarioFault = Omit<GatewayFault, 'delayMs' | 'delayMaxMs'> & { delay?: Duration };

/** A scenario as a merchant writes it (the format of scenario files, schemas/scenario.json). */
export interface Scenario {
  name: string;
  description?: string;
  enabled?: boolean;
  match?: ScenarioMatch;
  effects: {
    initiate?: ScenarioFault;
    /** Per gateway operation (`any`: each one not named), one fault or a sequence: the n-th request gets step n, the last repeats. */
    faults?: Partial<Record<FaultOperation | 'any', ScenarioFault | ScenarioFault[]>>;
    /** Link validity instead of order.timeout or the channel default. */
    expiry?: Duration;
    /** `sequence` instead of `action`: the n-th initiate under the scenario (per header key) gets the n-th action. */
    outcome?: ({ action: ScheduledAction; sequence?: ScheduledAction[] } | { action?: ScheduledAction; sequence: ScheduledAction[] }) & { after?: Duration };
    /** An open VA registered under the scenario receives one transfer of `amount`, `after` the register (virtual time). */
    openVaTransfer?: { amount: number; after?: Duration };
    callback?: Omit<CallbackBehaviour, 'delayMs' | 'statuses'> & { delay?: Duration; statuses?: (PaymentStatus | 'FAILED')[] };
  };
}

export interface WaitOptions {
  /** Wait for a callback reporting this status (PAID, FAILURE, …); any status otherwise. */
  status?: PaymentStatus | 'FAILED';
  /** Default 10 s (real time). */
  timeoutMs?: number;
  merchantId?: string;
}

export interface AttemptWaitOptions extends WaitOptions {
  /** `false`: the first failed attempt (a refused, failing or silent receiver); default `true`, the first delivered one. */
  delivered?: boolean;
}

/** A subscription (`recurring.subscribe: "Y"`) as `GET /_mock/subscriptions/:id` shows it; times are ISO-8601. */
export interface Subscription {
  id: string;
  merchantId: string;
  customerId: string;
  firstOrderId: string;
  state: 'active' | 'paused' | 'cancelled' | 'ended';
  type: string;
  amount: number;
  interval: number;
  intervalUnit: string;
  maxInterval: number | null;
  startDate: string | null;
  endDate: string | null;
  retry: { interval: number; intervalUnit: string; maxInterval: number } | null;
  cardToken: string | null;
  createdAt: string;
  nextChargeAt: string | null;
  nextCharge: number | null;
  nextAttempt: number | null;
  failNext: boolean;
  chargesMade: number;
  endedAt: string | null;
  endReason: string | null;
  /** Every try, oldest first: its order (null when none could be made), charge number, attempt (2+ are retries) and outcome. */
  charges: { orderId: string | null; n: number; dueAt: string; attempt: number; status: PaymentStatus; cause: string }[];
}

/** An open (static) VA as `GET /_mock/open-vas/:sofId/:paymentCode` shows it; times are ISO-8601. */
export interface OpenVa {
  merchantId: string;
  channel: string;
  paymentCode: string;
  status: 'ACTIVE' | 'DELETED';
  customer: { id?: string; email?: string; firstName?: string; lastName?: string; mobilePhone?: string };
  callbackUrl: string | null;
  scenario: string | null;
  createdAt: string;
  updatedAt: string | null;
  deletedAt: string | null;
  scheduledTransfer: { at: string; amount: number } | null;
  /** The "simulate a transfer" page of this VA. */
  transferPage: string;
  /** Each transfer's order, oldest first. */
  payments: { merchantId: string; orderId: string; channel: string; status: PaymentStatus; amount: number; currency: string; createdAt: string; expiresAt: string; scenario: string | null }[];
}

/** A saved card (`card.storedOnFile: "TO_BE_STORED"`) as `GET /_mock/saved-cards/:token` shows it; times are ISO-8601. */
export interface SavedCard {
  /** 64 hex: `card.token` for two-click and one-click, the path of the delete API. */
  token: string;
  merchantId: string;
  customerId: string;
  mask: string;
  brand: string;
  card: { mask: string; info: CardInfo };
  /** The order whose capture saved it; null when saved through the control API or `saveCard()`. */
  savedBy: string | null;
  createdAt: string;
  deletedAt: string | null;
  deleted: boolean;
}

/** A running simulator, for a test suite. */
export interface FinnetMock {
  /** Base URL to point the integration at, e.g. `http://127.0.0.1:43817`. */
  url: string;
  /** The first merchant, with its ready-made `Authorization` header value. */
  merchant: Merchant & { authorization: string };
  merchants: Merchant[];
  /** Moves an order as the shopper or the channel would; the callback follows. */
  pay(orderId: string, merchantId?: string): Promise<Transaction>;
  fail(orderId: string, merchantId?: string): Promise<Transaction>;
  expire(orderId: string, merchantId?: string): Promise<Transaction>;
  cancel(orderId: string, merchantId?: string): Promise<Transaction>;
  /** Refunds `amount` rupiah of a paid order (default: all that is left), with its callback; throws the refusal's sentence. */
  refund(orderId: string, amount?: number, merchantId?: string): Promise<Transaction>;
  /** Voids a CAPTURED card payment before its settlement (00:00 WIB), with its callback; throws the refusal's sentence. */
  void(orderId: string, merchantId?: string): Promise<Transaction>;
  /** Moves the virtual clock forward (ms or `'15m'`), running expiries, retries and scheduled outcomes on the way. */
  advanceClock(by: Duration): Promise<void>;
  /** The clock's state changes at once; the promises say when it is saved. */
  clock: { now(): number; freeze(): Promise<void>; resume(): Promise<void>; set(epochMs: number): Promise<void>; reset(): Promise<void> };
  /** Resolves with the first delivered callback for the order (rejects after the timeout). */
  waitForCallback(orderId: string, options?: WaitOptions): Promise<ReceivedCallback>;
  /** Resolves with the order's first callback attempt that was delivered, or with `delivered: false` that failed, and that attempt. */
  waitForCallbackAttempt(orderId: string, options?: AttemptWaitOptions): Promise<{ callback: ReceivedCallback; attempt: DeliveryAttempt }>;
  /** Every stored transaction, newest first, with timelines and callbacks. */
  transactions(): Transaction[];
  transaction(orderId: string, merchantId?: string): Transaction | undefined;
  /** Every subscription, newest first. */
  subscriptions(merchantId?: string): Subscription[];
  subscription(id: string, merchantId?: string): Subscription | undefined;
  /** The operator's verbs; each throws when the subscription is unknown or its state does not allow it. */
  cancelSubscription(id: string, merchantId?: string): Promise<Subscription>;
  pauseSubscription(id: string, merchantId?: string): Promise<Subscription>;
  resumeSubscription(id: string, merchantId?: string): Promise<Subscription>;
  /** The next try fails (then retries per `recurring.retry`). */
  failNextCharge(id: string, merchantId?: string): Promise<Subscription>;
  /** Every open VA, newest first. */
  openVas(merchantId?: string): OpenVa[];
  openVa(channel: string, paymentCode: string, merchantId?: string): OpenVa | undefined;
  /** A transfer of any amount into an open VA: its PAID order (with the callback); throws for an unknown or deleted VA. */
  payOpenVa(transfer: { channel: string; paymentCode: string; amount: number; merchantId?: string }): Promise<Transaction>;
  /** Saved cards, newest first, of one customer and/or merchant when given. */
  savedCards(filter?: { customerId?: string; merchantId?: string }): SavedCard[];
  /** Saves a card number (a test card decides how charges on it end) for a customer of the merchant (default: the first). */
  saveCard(card: { customerId: string; number: string; merchantId?: string }): Promise<SavedCard>;
  /** Deletes a token as the gateway's delete API does; throws for an unknown or already deleted one. */
  deleteSavedCard(token: string): Promise<SavedCard>;
  /** Logged gateway requests, newest first, with their headers; every filter given must hold. */
  requests(filter?: RequestFilter): LoggedRequest[];
  /** Adds runtime scenarios (replacing runtime ones of the same name). */
  addScenario(scenario: Scenario | Scenario[]): void;
  /** Forgets every transaction, callback, request and runtime scenario, and puts the clock back. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

// ---- The handle ------------------------------------------------------------------------------------------

const LIBRARY_DEFAULTS: Config = { ...DEFAULTS, port: 0, db: ':memory:', logLevel: 'silent' };

/** What a successful operation gave; a refused one is thrown with its sentence. */
function accepted<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`finnet-mock: ${outcome.message.charAt(0).toLowerCase()}${outcome.message.slice(1)}`);
  return outcome;
}

// Copies: a test that changes what it was given does not change the simulator.
const copy = <T>(view: Record<string, unknown>): T => structuredClone(view) as T;

function received(delivery: StoredDelivery): ReceivedCallback {
  return { ...copy<Callback>(deliveryView(delivery)), json: JSON.parse(delivery.body) as CallbackBody };
}

/**
 * Starts an isolated simulator in this process: in memory, on a free port, quiet. One per test file is
 * the usual pattern; `reset()` between tests. Bad options throw one line naming the option.
 */
export async function startFinnetMock(options: StartOptions = {}): Promise<FinnetMock> {
  const config = configFromOptions(options as Record<string, unknown>, LIBRARY_DEFAULTS);
  const instance = await startInstance(config, createLogger(config.logLevel, { format: config.logFormat }));
  const { ctx } = instance;
  const first = config.merchants[0]!;
  const operations = new Operations(ctx);
  const view = (tx: Parameters<typeof transactionView>[1]) => copy<Transaction>(transactionView(ctx, tx));
  const act = (action: OperatorAction) => async (orderId: string, merchantId?: string) =>
    view(accepted(await operations.act(orderId, action, 'library', merchantId)).tx);
  const subscriptionAct = async (id: string, verb: SubscriptionVerb, merchantId?: string): Promise<Subscription> => {
    const found = ctx.subscriptions.find(id, merchantId);
    if (found.length !== 1) throw new Error(`finnet-mock: ${found.length === 0 ? 'no subscription' : 'more than one merchant has subscription'} "${id}"${merchantId ? ` for merchant ${merchantId}` : ''}`);
    const sub = found[0]!;
    if (!(await ctx.subscriptions.act(sub, verb)).ok) throw new Error(`finnet-mock: subscription "${id}" is ${sub.state}: ${verb} is not possible`);
    return copy<Subscription>(subscriptionView(ctx, sub));
  };
  const waitFor = async (orderId: string, opts: AttemptWaitOptions) => {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const delivered = opts.delivered ?? true;
    const delivery = await waitForDelivered(ctx.store, ctx.dispatcher, {
      orderId, timeoutMs, delivered, ...(opts.status ? { status: opts.status } : {}), ...(opts.merchantId ? { merchantId: opts.merchantId } : {}),
    });
    if (!delivery) {
      throw new Error(`finnet-mock: no ${delivered ? 'delivered callback' : 'failed callback attempt'} for order ${orderId}${opts.status ? ` with status ${opts.status}` : ''} within ${timeoutMs} ms`);
    }
    const callback = received(delivery);
    return { callback, attempt: callback.attempts.find((a) => a.delivered === delivered)! };
  };

  return {
    url: instance.url,
    merchant: { ...first, authorization: `Basic ${Buffer.from(`${first.id}:${first.key}`).toString('base64')}` },
    merchants: config.merchants.map((m) => ({ ...m })),
    pay: act('pay'),
    fail: act('fail'),
    expire: act('expire'),
    cancel: act('cancel'),
    refund: async (orderId, amount, merchantId) => view(accepted(await operations.refund(orderId, amount, 'library', merchantId)).tx),
    void: async (orderId, merchantId) => view(accepted(await operations.void(orderId, 'library', merchantId)).tx),
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
      return (await waitFor(orderId, { ...opts, delivered: true })).callback;
    },
    waitForCallbackAttempt: (orderId, opts = {}) => waitFor(orderId, opts),
    transactions: () => [...ctx.store.transactions()].reverse().map(view),
    transaction(orderId, merchantId) {
      const tx = ctx.store.findTransactions(orderId).find((t) => !merchantId || t.merchantId === merchantId);
      return tx && view(tx);
    },
    subscriptions: (merchantId) => ctx.subscriptions.list(merchantId).reverse().map((s) => copy<Subscription>(subscriptionView(ctx, s))),
    subscription(id, merchantId) {
      const sub = ctx.subscriptions.find(id, merchantId)[0];
      return sub && copy<Subscription>(subscriptionView(ctx, sub));
    },
    cancelSubscription: (id, merchantId) => subscriptionAct(id, 'cancel', merchantId),
    pauseSubscription: (id, merchantId) => subscriptionAct(id, 'pause', merchantId),
    resumeSubscription: (id, merchantId) => subscriptionAct(id, 'resume', merchantId),
    failNextCharge: (id, merchantId) => subscriptionAct(id, 'fail-next', merchantId),
    openVas: (merchantId) => ctx.openVas.list(merchantId === undefined ? {} : { merchantId }).reverse().map((va) => copy<OpenVa>(openVaView(ctx, va))),
    openVa(channel, paymentCode, merchantId) {
      const found = lookUpOpenVa(ctx, channel, paymentCode, merchantId);
      return 'va' in found ? copy<OpenVa>(openVaView(ctx, found.va)) : undefined;
    },
    async payOpenVa({ channel, paymentCode, amount, merchantId }) {
      const found = lookUpOpenVa(ctx, channel, paymentCode, merchantId);
      if (!('va' in found)) throw new Error(`finnet-mock: payOpenVa(): ${found.detail}`);
      const paid = await ctx.openVas.pay(found.va, amount, 'library');
      if (!paid.ok) {
        throw new Error(`finnet-mock: payOpenVa(): ${paid.refusal === 'va-deleted' ? `open VA ${found.va.id} was deleted and refuses transfers` : 'amount must be a whole number of rupiah, 1 or more'}`);
      }
      return view(paid.tx);
    },
    savedCards: ({ customerId, merchantId } = {}) => ctx.savedCards.list({ customerId, merchantId }).reverse().map((c) => copy<SavedCard>(savedCardView(c))),
    async saveCard({ customerId, number, merchantId = first.id }) {
      const card = cardFor(number);
      if (!card) throw new Error(`finnet-mock: saveCard(): "${number}" is not a valid Visa, Mastercard, JCB or AMEX number`);
      if (!ctx.merchants.has(merchantId)) throw new Error(`finnet-mock: saveCard(): there is no merchant "${merchantId}"`);
      if (!customerId) throw new Error('finnet-mock: saveCard(): customerId is the customer.id the card belongs to');
      return copy<SavedCard>(savedCardView((await ctx.savedCards.save(merchantId, customerId, card)).card));
    },
    async deleteSavedCard(token) {
      const card = ctx.savedCards.find(token);
      const deleted = card && (await ctx.savedCards.delete(card.merchantId, card.id));
      if (!deleted?.ok) throw new Error(`finnet-mock: deleteSavedCard(): ${card ? `saved card ${card.id} was already deleted` : `no saved card "${token}"`}`);
      return copy<SavedCard>(savedCardView(deleted.card));
    },
    requests(filter = {}) {
      const read = readRequestFilter(filter as Record<string, unknown>);
      if ('problem' in read) throw new Error(`finnet-mock: requests(): ${read.problem}`);
      return ctx.requestLog.find(read.filter).map((r) => copy<LoggedRequest>(requestView(r)));
    },
    addScenario(scenario) {
      try {
        ctx.scenarios.add(parseScenarios(scenario, 'runtime'));
      } catch (err) {
        if (err instanceof ScenarioError) throw new Error(`finnet-mock: invalid scenario: ${err.message}`);
        throw err;
      }
    },
    async reset() {
      accepted(await operations.reset());
    },
    stop: () => instance.stop(),
  };
}

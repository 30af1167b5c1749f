import { channelOf, type Channel } from '../channels/table.js';
import type { VirtualClock } from '../clock/clock.js';
import type { Config } from '../model/config.js';
import type { OpenVa, OpenVaCustomer } from '../model/open-va.js';
import type { Scenario } from '../model/scenario.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { ScenarioRegistry } from '../scenarios/registry.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Store } from '../store/store.js';
import type { JsonObject } from '../support/json.js';
import type { ValueGenerator } from '../support/value-generator.js';
import { callbackHostAllowed, channelEnabled, type AdmissionRefusal } from './admission.js';
import type { Action } from './lifecycle.js';
import type { Done, OrderFollower, Refused, TransactionService } from './service.js';

/** Why an open-VA request is refused; each surface words it its own way. */
export type OpenVaRefusal = AdmissionRefusal | 'not-va' | 'code-taken' | 'unknown-va' | 'va-deleted';

/** A register or update body, validated (`schemas/open-va-request.json`). */
export interface OpenVaRequest {
  customer: OpenVaCustomer;
  type: string;
  paymentCode?: string;
  callbackUrl?: string;
}

/** What the listing of the control API, dashboard and library filters on. */
export interface OpenVaFilter {
  merchantId?: string;
  channel?: string;
  status?: OpenVaStatus;
}

export type OpenVaStatus = 'ACTIVE' | 'DELETED';

interface OpenVaDeps {
  store: Store;
  clock: VirtualClock;
  scheduler: Scheduler;
  generator: ValueGenerator;
  config: Pick<Config, 'disabledChannels' | 'callbackHosts'>;
  scenarios: ScenarioRegistry;
  transactions: TransactionService;
}

/** Open-VA numbers have 16 digits, like every VA number the gateway hands out. */
export const OPEN_VA_CODE_LENGTH = 16;
// A scheduled transfer whose write failed is tried again this long after (virtual time), not at once in a loop.
const TRANSFER_RETRY_MS = 60_000;
// A transfer order id: `VA<bank code>-<paymentCode>-<n>`, at most 5 + 1 + 16 + 1 + 7 = 30 characters (AlphaDash).
const MAX_PAYMENTS = 9_999_999;

/**
 * The number's last digit becomes a mod-11 check digit over the first 15 (weights 2..7 from the right; 10 and 11
 * count as 0): the docs' sample asks for …312 and is given …313, which this rule gives (Luhn would give …319).
 */
export function withCheckDigit(code: string): string {
  const body = code.slice(0, OPEN_VA_CODE_LENGTH - 1);
  let sum = 0;
  [...body].reverse().forEach((digit, i) => {
    sum += Number(digit) * ((i % 6) + 2);
  });
  const check = 11 - (sum % 11);
  return body + String(check >= 10 ? 0 : check);
}

export function openVaId(channel: string, paymentCode: string): string {
  return `${channel}/${paymentCode}`;
}

export function openVaStatus(va: OpenVa): OpenVaStatus {
  return va.deletedAt === undefined ? 'ACTIVE' : 'DELETED';
}

// Customer data as compared for idempotent re-registration: the five documented fields, in one order.
function customerKey(customer: OpenVaCustomer): string {
  return JSON.stringify([customer.id, customer.email, customer.firstName, customer.lastName, customer.mobilePhone]);
}

function transferJob(va: OpenVa): string {
  return `open-va-transfer:${va.merchantId}\n${va.id}`;
}

function vaKey(merchantId: string, id: string): string {
  return `${merchantId}\n${id}`;
}

/** `VA<bank code>-<paymentCode>-`: every transfer order id of the VA starts so, then its number. */
function transferPrefix(channel: Channel, paymentCode: string): string {
  return `VA${channel.channelCode ?? ''}-${paymentCode}-`;
}

/** The transfers into one VA, as orders (oldest first), and the highest number their ids used. */
interface Transfers {
  orders: StoredTransaction[];
  last: number;
}

/**
 * Open (static) VAs: registered, updated, checked and deleted by the merchant; every transfer into one is its own
 * PAID order (initiated and paid through the transactions service). The VA record does not list them, so a
 * transfer writes only its order: they are found by their ids and number, indexed here (rebuilt at start).
 */
export class OpenVaService implements OrderFollower {
  // A VA whose scheduled transfer a payment uses up: written with that payment.
  private readonly paying = new Map<StoredTransaction, OpenVa>();
  // A scheduled transfer's order whose payment could not be written: its retry pays it rather than a new one.
  private readonly unpaid = new WeakMap<OpenVa, StoredTransaction>();
  /** Each VA's transfer orders, by merchant and VA id. */
  private readonly transfers = new Map<string, Transfers>();

  constructor(private readonly deps: OpenVaDeps) {}

  /** The merchant's open VA on `channel` (canonical or alias) with that number. */
  find(merchantId: string, channel: string, paymentCode: string): OpenVa | undefined {
    const canonical = channelOf(channel)?.type ?? channel;
    return this.deps.store.getCustomerRecord('openVa', merchantId, openVaId(canonical, paymentCode));
  }

  /** Every open VA that passes the filter, oldest first. */
  list(filter: OpenVaFilter = {}): OpenVa[] {
    const channel = filter.channel === undefined ? undefined : channelOf(filter.channel)?.type ?? filter.channel;
    return this.deps.store.customerRecords('openVa').filter((va) => (!filter.merchantId || va.merchantId === filter.merchantId)
      && (!channel || va.channel === channel) && (!filter.status || openVaStatus(va) === filter.status));
  }

  /** The order of each payment into the VA, oldest first. */
  paymentsOf(va: OpenVa): StoredTransaction[] {
    const entry = this.transfers.get(vaKey(va.merchantId, va.id));
    if (!entry) return [];
    // An order whose initiate could not be written (rolled back) is no payment.
    const live = entry.orders.filter((tx) => this.deps.store.getTransaction(tx.merchantId, tx.orderId) === tx);
    if (live.length !== entry.orders.length) entry.orders = live;
    return [...live];
  }

  /** The open VA a transfer order was paid into. */
  ofOrder(tx: StoredTransaction): OpenVa | undefined {
    const found = this.transferOf(tx);
    return found && this.paymentsOf(found.va).includes(tx) ? found.va : undefined;
  }

  /**
   * Registers a VA. The same customer asking for the same number again gets the same VA (a deleted one comes back);
   * a number held by another customer is taken. Without a requested number each register assigns a new one.
   */
  async register(merchantId: string, request: OpenVaRequest, requestedScenario?: string): Promise<Done<{ va: OpenVa }> | Refused<OpenVaRefusal>> {
    const admitted = this.admit(merchantId, request, requestedScenario);
    if (!admitted.ok) return admitted;
    const { channel, scenario } = admitted;
    const { store, clock, generator } = this.deps;
    const now = clock.now();
    if (request.paymentCode !== undefined) {
      const existing = this.find(merchantId, channel.type, withCheckDigit(request.paymentCode));
      if (existing) {
        if (customerKey(existing.customer) !== customerKey(request.customer)) return { ok: false, refusal: 'code-taken' };
        if (existing.deletedAt === undefined) return { ok: true, va: existing };
        delete existing.deletedAt;
        existing.updatedAt = now;
        this.scheduleTransfer(existing, scenario, now);
        await store.commit(existing);
        this.armTransfer(existing);
        return { ok: true, va: existing };
      }
    }
    const paymentCode = withCheckDigit(request.paymentCode ?? this.freeCode(merchantId, channel));
    const va: OpenVa = {
      kind: 'openVa', id: openVaId(channel.type, paymentCode), merchantId, channel: channel.type, paymentCode, createdAt: now,
      customer: request.customer,
      ...(request.callbackUrl === undefined ? {} : { callbackUrl: request.callbackUrl }),
      ...(scenario ? { scenario: scenario.name } : {}),
    };
    this.scheduleTransfer(va, scenario, now);
    store.addCustomerRecord(va);
    await store.commit(va);
    this.armTransfer(va);
    return { ok: true, va };
  }

  /** Replaces the customer data (and callback URL, when given) of an existing, not deleted VA. */
  async update(merchantId: string, request: OpenVaRequest): Promise<Done<{ va: OpenVa }> | Refused<OpenVaRefusal>> {
    const admitted = this.admit(merchantId, request);
    if (!admitted.ok) return admitted;
    const va = request.paymentCode === undefined ? undefined : this.find(merchantId, admitted.channel.type, request.paymentCode);
    if (!va) return { ok: false, refusal: 'unknown-va' };
    if (va.deletedAt !== undefined) return { ok: false, refusal: 'va-deleted' };
    va.customer = request.customer;
    if (request.callbackUrl !== undefined) va.callbackUrl = request.callbackUrl;
    va.updatedAt = this.deps.clock.now();
    await this.deps.store.commit(va);
    return { ok: true, va };
  }

  /** Deletes a VA: it refuses transfers from then on; deleting it again changes nothing. */
  async remove(va: OpenVa): Promise<Done<{ va: OpenVa }>> {
    if (va.deletedAt !== undefined) return { ok: true, va };
    va.deletedAt = this.deps.clock.now();
    delete va.scheduledTransfer;
    await this.deps.store.commit(va);
    this.deps.scheduler.cancel(transferJob(va));
    return { ok: true, va };
  }

  /** A transfer of `amount` into the VA: a new PAID order on the VA's channel and number, with its callback. */
  pay(va: OpenVa, amount: unknown, cause: string): Promise<Done<{ tx: StoredTransaction }> | Refused<'va-deleted' | 'bad-amount'>> {
    return this.transfer(va, amount, cause, false);
  }

  /**
   * A transfer; `vaChanged`: the VA itself changed (its scheduled transfer used up) and is written with the payment.
   * Such a transfer whose payment could not be written pays the order it initiated when it is tried again.
   */
  private async transfer(va: OpenVa, amount: unknown, cause: string, vaChanged: boolean): Promise<Done<{ tx: StoredTransaction }> | Refused<'va-deleted' | 'bad-amount'>> {
    if (va.deletedAt !== undefined) return { ok: false, refusal: 'va-deleted' };
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) return { ok: false, refusal: 'bad-amount' };
    const unpaid = vaChanged ? this.unpaid.get(va) : undefined;
    const tx = unpaid?.status === 'REQUEST_INITIATED' && this.deps.store.getTransaction(unpaid.merchantId, unpaid.orderId) === unpaid
      ? unpaid : await this.initiateTransfer(va, amount);
    if (vaChanged) {
      this.unpaid.set(va, tx);
      this.paying.set(tx, va);
    }
    try {
      await this.deps.transactions.apply(tx, 'pay', `${cause}: transfer of IDR ${amount} into open VA ${va.paymentCode}`);
      this.unpaid.delete(va);
    } finally {
      this.paying.delete(tx);
    }
    return { ok: true, tx };
  }

  /** The pending order of a transfer into the VA, indexed as its next payment. */
  private async initiateTransfer(va: OpenVa, amount: number): Promise<StoredTransaction> {
    const { transactions, scenarios } = this.deps;
    const channel = channelOf(va.channel)!;
    const { orderId, n } = this.nextOrderId(va, channel);
    const body: JsonObject = {
      order: { id: orderId, amount },
      customer: { ...va.customer },
      ...(va.callbackUrl === undefined ? {} : { url: { callbackUrl: va.callbackUrl } }),
      sourceOfFunds: { type: va.channel, paymentCode: va.paymentCode },
    };
    const scenario = va.scenario === undefined ? undefined : scenarios.get(va.scenario);
    const initiated = await transactions.initiate(va.merchantId, body, channel, scenario, undefined, { paymentCode: va.paymentCode, decided: true });
    // Refused only as a duplicate order, which cannot be: the id was free just now and nothing ran in between (a failed write throws).
    if (!initiated.ok) throw new Error(`open VA ${va.id}: order id ${orderId} was taken meanwhile`);
    this.index(va, initiated.tx, n);
    return initiated.tx;
  }

  /** The payment of a scheduled transfer is written with its VA, which no longer holds it. */
  moved(tx: StoredTransaction, action: Action): OpenVa[] {
    const va = this.paying.get(tx);
    return va && action === 'pay' ? [va] : [];
  }

  /** Indexes every transfer order of the data file, and puts the VAs' scheduled transfers on the clock. */
  restore(): void {
    const { store } = this.deps;
    this.transfers.clear();
    for (const va of store.customerRecords('openVa')) {
      // Records written before transfers were indexed listed their order ids: the orders themselves say as much.
      delete (va as OpenVa & { payments?: unknown }).payments;
      this.armTransfer(va);
    }
    for (const tx of store.transactions()) {
      const found = this.transferOf(tx);
      if (found) this.index(found.va, tx, found.n);
    }
  }

  forget(merchantId?: string): void {
    for (const va of this.list(merchantId === undefined ? {} : { merchantId })) {
      this.deps.scheduler.cancel(transferJob(va));
      this.transfers.delete(vaKey(va.merchantId, va.id));
    }
  }

  /** Channel a VA, enabled for the merchant, callback host allowed, and the scenario (if one is named) known. */
  private admit(merchantId: string, request: OpenVaRequest, requested?: string):
    Done<{ channel: Channel; scenario?: Scenario }> | Refused<OpenVaRefusal> {
    const { config, scenarios } = this.deps;
    const channel = channelOf(request.type);
    if (!channel || channel.family !== 'va') return { ok: false, refusal: 'not-va' };
    if (!channelEnabled(config, merchantId, channel.type)) return { ok: false, refusal: 'channel-disabled' };
    if (request.callbackUrl !== undefined && !callbackHostAllowed(request.callbackUrl, config.callbackHosts)) return { ok: false, refusal: 'callback-host' };
    const scenario = registerScenario(scenarios, merchantId, channel, request, requested);
    if (requested !== undefined && !scenario) return { ok: false, refusal: 'unknown-scenario' };
    return scenario ? { ok: true, channel, scenario } : { ok: true, channel };
  }

  /** A fresh number with the channel's VA prefix that the merchant does not hold yet on that channel. */
  private freeCode(merchantId: string, channel: Channel): string {
    const prefix = channel.codePrefix ?? '';
    let code: string;
    do code = withCheckDigit(this.deps.generator.code(prefix, OPEN_VA_CODE_LENGTH));
    while (this.find(merchantId, channel.type, code));
    return code;
  }

  /** The next transfer's order id and number; one the merchant already used for an order of its own is skipped. */
  private nextOrderId(va: OpenVa, channel: Channel): { orderId: string; n: number } {
    let n = (this.transfers.get(vaKey(va.merchantId, va.id))?.last ?? 0) + 1;
    const prefix = transferPrefix(channel, va.paymentCode);
    while (n <= MAX_PAYMENTS && this.deps.store.getTransaction(va.merchantId, `${prefix}${n}`)) n++;
    return { orderId: `${prefix}${n}`, n };
  }

  /** The VA a transfer order went into, and its number: by its channel, VA number and id `VA<bank code>-<paymentCode>-<n>`. */
  private transferOf(tx: StoredTransaction): { va: OpenVa; n: number } | undefined {
    const channel = channelOf(tx.channel);
    if (!channel || channel.family !== 'va' || tx.paymentCode === undefined) return undefined;
    const prefix = transferPrefix(channel, tx.paymentCode);
    const number = tx.orderId.startsWith(prefix) ? tx.orderId.slice(prefix.length) : '';
    if (!/^[1-9]\d{0,6}$/.test(number)) return undefined;
    const va = this.deps.store.getCustomerRecord('openVa', tx.merchantId, openVaId(channel.type, tx.paymentCode));
    return va && { va, n: Number(number) };
  }

  private index(va: OpenVa, tx: StoredTransaction, n: number): void {
    const key = vaKey(va.merchantId, va.id);
    const entry = this.transfers.get(key);
    if (!entry) return void this.transfers.set(key, { orders: [tx], last: n });
    entry.orders.push(tx);
    entry.last = Math.max(entry.last, n);
  }

  private scheduleTransfer(va: OpenVa, scenario: Scenario | undefined, now: number): void {
    const transfer = scenario?.effects.openVaTransfer;
    if (transfer) va.scheduledTransfer = { at: now + transfer.afterMs, amount: transfer.amount };
  }

  /**
   * Puts the VA's scheduled transfer (if any) on the virtual clock, at `at` (default: its time); it is dropped from
   * the VA in the write of its payment. A transfer that could not be written is kept and tried again a minute later.
   */
  private armTransfer(va: OpenVa, at?: number): void {
    const transfer = va.scheduledTransfer;
    if (!transfer || va.deletedAt !== undefined) return;
    this.deps.scheduler.schedule(transferJob(va), at ?? transfer.at, async () => {
      if (va.scheduledTransfer !== transfer || this.deps.store.getCustomerRecord('openVa', va.merchantId, va.id) !== va) return;
      delete va.scheduledTransfer;
      try {
        const paid = await this.transfer(va, transfer.amount, 'scenario transfer', true);
        if (!paid.ok) va.scheduledTransfer = transfer;
      } catch (err) {
        // A rolled-back write put back the VA's copy from disk, or none (its initiate failed): the transfer is still due.
        va.scheduledTransfer = transfer;
        // After its time: a failed write may also have put the clock back.
        this.armTransfer(va, Math.max(transfer.at, this.deps.clock.now()) + TRANSFER_RETRY_MS);
        throw err;
      }
    });
  }
}

/**
 * The scenario an open-VA register is under (the gateway's fault check and the service use this one rule): an open
 * VA has no order, so a scenario matches it on its channel, merchant, customer and requested number (as orderId).
 */
export function registerScenario(scenarios: ScenarioRegistry, merchantId: string, channel: Channel,
  request: { paymentCode?: string; customer: Pick<OpenVaCustomer, 'email' | 'mobilePhone'> }, requested?: string): Scenario | undefined {
  return scenarios.match({
    merchantId, channel: channel.type, amount: 0, orderId: request.paymentCode ?? '',
    email: request.customer.email ?? '', phone: request.customer.mobilePhone ?? '',
    ...(requested === undefined ? {} : { requested }),
  });
}

/** The "simulate a transfer" page of a VA (`pages/open-va-transfer.ts`), for links from every surface. */
export function transferPagePath(va: OpenVa): string {
  return `/va-transfer/${encodeURIComponent(va.merchantId)}/${va.channel}/${va.paymentCode}`;
}

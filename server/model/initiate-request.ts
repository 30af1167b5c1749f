import { objectOf, type JsonObject } from '../support/json.js';
import type { StoredTransaction } from './transaction.js';

export interface InitiateItem {
  name: string;
  quantity: number;
  unitPrice: number;
}

/**
 * An initiate body as the code reads it: typed once from the validated body (digit strings are numbers,
 * an integer order id is text), so no reader converts or casts. `body` is the body as sent, unknown keys included.
 */
export interface InitiateRequest {
  order: {
    id: string;
    amount: number;
    currency?: string;
    /** Minutes until the payment link expires. */
    timeout?: number;
    merchantCategoryCode?: string;
    items: InitiateItem[];
  };
  customer: { id?: string; email?: string; firstName?: string; lastName?: string; mobilePhone?: string };
  url: { callbackUrl?: string; successUrl?: string; failUrl?: string; backUrl?: string };
  sourceOfFunds?: { type: string };
  /** `meta.data` is echoed in check-status and callbacks as sent. */
  meta?: { data?: unknown };
  // Kept as sent: nothing reads them yet, and saved-card and recurring records will start from them.
  billing?: JsonObject;
  card?: JsonObject;
  recurring?: JsonObject;
  body: JsonObject;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// Item fields were shown as sent, numbers as digits: absent or non-scalar is an empty name and a 0.
function itemText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function itemNumber(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
}

function parseItems(value: unknown): InitiateItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => {
    const it = objectOf(item) ?? {};
    return { name: itemText(it.name), quantity: itemNumber(it.quantity), unitPrice: itemNumber(it.unitPrice) };
  });
}

function parseOrder(order: JsonObject): InitiateRequest['order'] {
  return {
    id: String(order.id),
    amount: Number(order.amount),
    currency: textOf(order.currency),
    timeout: order.timeout === undefined ? undefined : Number(order.timeout),
    merchantCategoryCode: textOf(order.merchantCategoryCode),
    items: parseItems(order.item),
  };
}

/** The typed view of an initiate body (validated at initiate; read back from the data file later, where a part that is not there stays undefined). */
export function parseInitiateRequest(body: JsonObject): InitiateRequest {
  const customer = objectOf(body.customer) ?? {};
  const url = objectOf(body.url) ?? {};
  const sourceOfFunds = objectOf(body.sourceOfFunds);
  const meta = objectOf(body.meta);
  const type = textOf(sourceOfFunds?.type);
  return {
    order: parseOrder(objectOf(body.order) ?? {}),
    customer: {
      id: textOf(customer.id), email: textOf(customer.email), firstName: textOf(customer.firstName),
      lastName: textOf(customer.lastName), mobilePhone: textOf(customer.mobilePhone),
    },
    url: { callbackUrl: textOf(url.callbackUrl), successUrl: textOf(url.successUrl), failUrl: textOf(url.failUrl), backUrl: textOf(url.backUrl) },
    sourceOfFunds: type === undefined ? undefined : { type },
    meta: meta && { data: meta.data },
    billing: objectOf(body.billing),
    card: objectOf(body.card),
    recurring: objectOf(body.recurring),
    body,
  };
}

// Orders keep their initiate body as text (a third of the memory of the parsed object); the few recently
// used ones are kept parsed, since pages and callbacks read the same order several times in a row.
const RECENT = 512;

/**
 * One instance's recently parsed initiate bodies (least recently used dropped first). Each instance owns
 * its own, and a reset clears it, so forgotten orders and their bodies are freed with them.
 */
export class RequestCache {
  private readonly parsed = new Map<StoredTransaction, InitiateRequest>();

  /** Makes `requestOf(tx)` cache the order's body here, starting with `request` when it is already parsed. */
  adopt(tx: StoredTransaction, request?: InitiateRequest): void {
    owners.set(tx, this);
    if (request) this.keep(tx, request);
  }

  get(tx: StoredTransaction): InitiateRequest {
    const request = this.parsed.get(tx) ?? parseStored(tx);
    this.keep(tx, request);
    return request;
  }

  private keep(tx: StoredTransaction, request: InitiateRequest): void {
    if (!this.parsed.delete(tx) && this.parsed.size >= RECENT) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(tx, request);
  }

  /** Drops the parsed bodies (of one merchant's orders, when given). */
  clear(merchantId?: string): void {
    if (merchantId === undefined) return this.parsed.clear();
    for (const tx of this.parsed.keys()) if (tx.merchantId === merchantId) this.parsed.delete(tx);
  }

  get size(): number {
    return this.parsed.size;
  }
}

// Which instance's cache an order belongs to; weak, so a forgotten order takes its entry with it.
const owners = new WeakMap<StoredTransaction, RequestCache>();

function parseStored(tx: StoredTransaction): InitiateRequest {
  return parseInitiateRequest(objectOf(JSON.parse(tx.requestJson)) ?? {});
}

/** The order's initiate request. */
export function requestOf(tx: StoredTransaction): InitiateRequest {
  return owners.get(tx)?.get(tx) ?? parseStored(tx);
}

import { realMonotonicNow } from '../support/real-time.js';

/** What the log copies out of one gateway exchange (the gateway's `Exchange` has these parts and more). */
export interface LoggableExchange {
  req: { method: string; originalUrl: string };
  res: { writableFinished: boolean; statusCode: number };
  startedAt: number;
  merchant?: { id: string };
  body?: unknown;
  bodyText?: string;
  orderId?: string;
  scenario?: string;
  error?: { detail?: { field?: string; rule?: string } };
  answer?: { responseCode: string; responseMessage: string };
  hint?: string;
}

export interface LoggedRequest {
  id: number;
  /** Virtual time, epoch ms. */
  at: number;
  method: string;
  path: string;
  merchantId: string | null;
  orderId: string | null;
  status: number;
  responseCode: string | null;
  responseMessage: string | null;
  /** For rejected requests: the field and the rule that failed. */
  field: string | null;
  rule: string | null;
  /** For rejected requests: what was expected (the X-Finnet-Mock-Hint header). */
  hint: string | null;
  scenario: string | null;
  durationMs: number;
  /** The body as received (first 4 KB), also when it was not valid JSON. */
  body: string | null;
}

const BODY_EXCERPT = 4096;
/** Every other text in an entry (path, order id, message, field) is kept to this many characters. */
const TEXT_EXCERPT = 512;

/**
 * The first `max` characters as a string of their own: a plain `slice` is a view that keeps the whole
 * request (a 1 MB body, or a 1 MB order id from JSON.parse) alive for as long as the entry lives.
 */
function excerpt(text: string, max: number): string {
  return Buffer.from(text.slice(0, max), 'utf16le').toString('utf16le');
}

function short(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : excerpt(text, TEXT_EXCERPT);
}

/** `order.id` of a JSON body, so that rejected initiates are found by their order too. */
function orderIdIn(body: unknown): string | null {
  const id = (body as { order?: { id?: unknown } } | null)?.order?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/** Every gateway request received, rejected ones included, newest last; the oldest fall off past `capacity`. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private nextId = 1;

  constructor(private readonly capacity = 1000) {}

  /** Records a gateway exchange once its answer is sent (or its connection dropped); copies only short texts out of it. */
  record(ex: LoggableExchange, at: number): void {
    this.add({
      at, method: short(ex.req.method) ?? '', path: short(ex.req.originalUrl) ?? '', merchantId: ex.merchant?.id ?? null,
      orderId: short(ex.orderId ?? orderIdIn(ex.body)),
      status: ex.res.writableFinished ? ex.res.statusCode : 0,
      responseCode: short(ex.answer?.responseCode),
      responseMessage: short(ex.answer?.responseMessage),
      field: short(ex.error?.detail?.field), rule: short(ex.error?.detail?.rule), hint: short(ex.hint),
      scenario: short(ex.scenario),
      durationMs: Math.round((realMonotonicNow() - ex.startedAt) * 100) / 100,
      body: ex.bodyText === undefined ? null : excerpt(ex.bodyText, BODY_EXCERPT),
    });
  }

  add(entry: Omit<LoggedRequest, 'id'>): void {
    this.entries.push({ id: this.nextId++, ...entry });
    // Trimmed by half a log at a time, so a request does not shift the whole log along.
    if (this.entries.length >= 2 * this.capacity) this.entries = this.entries.slice(-this.capacity);
  }

  /** Newest first. */
  list(): LoggedRequest[] {
    return this.entries.slice(-this.capacity).reverse();
  }

  clear(merchantId?: string): void {
    this.entries = merchantId === undefined ? [] : this.entries.filter((e) => e.merchantId !== merchantId);
  }
}

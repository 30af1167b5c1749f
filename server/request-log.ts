import type { Exchange } from './gateway/exchange.js';

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
  scenario: string | null;
  durationMs: number;
  /** The body as received (first 4 KB), also when it was not valid JSON. */
  body: string | null;
}

const BODY_EXCERPT = 4096;

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

  /** Records a gateway exchange once its answer is sent (or its connection dropped). */
  record(ex: Exchange, at: number): void {
    this.add({
      at, method: ex.req.method ?? '', path: ex.req.url ?? '', merchantId: ex.merchant?.id ?? null,
      orderId: ex.orderId ?? orderIdIn(ex.body),
      status: ex.res.writableFinished ? ex.res.statusCode : 0,
      responseCode: ex.answer?.responseCode ?? null,
      responseMessage: ex.answer?.responseMessage ?? null,
      field: ex.error?.detail?.field ?? null, rule: ex.error?.detail?.rule ?? null,
      scenario: ex.scenario ?? null,
      durationMs: Math.round((performance.now() - ex.startedAt) * 100) / 100,
      body: ex.bodyText === undefined ? null : ex.bodyText.slice(0, BODY_EXCERPT),
    });
  }

  add(entry: Omit<LoggedRequest, 'id'>): void {
    this.entries.push({ id: this.nextId++, ...entry });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Newest first. */
  list(): LoggedRequest[] {
    return [...this.entries].reverse();
  }

  clear(merchantId?: string): void {
    this.entries = merchantId === undefined ? [] : this.entries.filter((e) => e.merchantId !== merchantId);
  }
}

import type { NextFunction, Request, Response } from 'express';
import type { VirtualClock } from './clock/clock.js';
import type { GatewayError } from './gateway/response-codes.js';

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
  /** The JSON body as received (first 4 KB). */
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

  constructor(private readonly clock: VirtualClock, private readonly capacity = 1000) {}

  /** Express middleware: records the request once its answer is sent. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const at = this.clock.now();
    const started = performance.now();
    const originalJson = res.json.bind(res);
    let answer: { responseCode?: unknown; responseMessage?: unknown } | undefined;
    res.json = (body: unknown) => {
      answer = body as typeof answer;
      return originalJson(body);
    };
    // `close` also fires when a scenario drops the connection without an answer.
    res.once('close', () => {
      const error = res.locals.gatewayError as GatewayError | undefined;
      const merchant = res.locals.merchant as { id: string } | undefined;
      const body = req.body === undefined ? null : JSON.stringify(req.body);
      this.add({
        at, method: req.method, path: req.originalUrl, merchantId: merchant?.id ?? null,
        orderId: (res.locals.orderId as string | undefined) ?? orderIdIn(req.body),
        status: res.writableFinished ? res.statusCode : 0,
        responseCode: typeof answer?.responseCode === 'string' ? answer.responseCode : null,
        responseMessage: typeof answer?.responseMessage === 'string' ? answer.responseMessage : null,
        field: error?.detail?.field ?? null, rule: error?.detail?.rule ?? null,
        scenario: (res.locals.scenario as string | undefined) ?? null,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        body: body === null ? null : body.slice(0, BODY_EXCERPT),
      });
    });
    next();
  };

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

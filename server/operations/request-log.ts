import type { IncomingHttpHeaders } from 'node:http';
import { realMonotonicNow } from '../support/real-time.js';

/** What the log copies out of one gateway exchange (the gateway's `Exchange` has these parts and more). */
export interface LoggableExchange {
  req: { method: string; originalUrl: string; headers: IncomingHttpHeaders };
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
  /** The request's headers as received (lower-case names), `Authorization` without the merchant key. */
  headers: Record<string, string>;
  /** The body as received (first 4 KB), also when it was not valid JSON. */
  body: string | null;
}

/** What `find` selects; every criterion given must hold. */
export interface RequestFilter {
  /** The path without the query string, exactly, or up to a trailing `*` (`/pg/payment/card/check/*`). */
  path?: string;
  method?: string;
  orderId?: string;
  /** The HTTP status answered (0: the connection closed before an answer). */
  status?: number;
  merchantId?: string;
  /** Only answers of 400 and above. */
  rejected?: boolean;
}

const BODY_EXCERPT = 4096;
// A few headers of a few hundred characters are all a test asserts on; the rest would only grow the log.
const MAX_HEADERS = 16;
const HEADER_EXCERPT = 256;
/** Every other text in an entry (path, order id, message, field) is kept to this many characters. */
const TEXT_EXCERPT = 512;

/**
 * The first `max` characters as a string of their own: a plain `slice` is a view that keeps the whole
 * request (a 1 MB body, or a 1 MB order id from JSON.parse) alive for as long as the entry lives.
 * A text that fits is kept as it is: the texts that would pin a whole request are the long ones.
 */
function excerpt(text: string, max: number): string {
  return text.length <= max ? text : Buffer.from(text.slice(0, max), 'utf16le').toString('utf16le');
}

function short(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : excerpt(text, TEXT_EXCERPT);
}

/** Basic credentials show their merchant id only: the key stays out of the log, as it stays out of every page. */
function shownAuthorization(value: string): string {
  const [scheme = '', credentials = ''] = value.split(' ', 2);
  if (scheme.toLowerCase() !== 'basic') return `${scheme} …`;
  const id = Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] ?? '';
  return `${scheme} ${excerpt(id, TEXT_EXCERPT)}:…`;
}

function loggedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers).slice(0, MAX_HEADERS)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    kept[excerpt(name, HEADER_EXCERPT)] = name === 'authorization' ? shownAuthorization(text) : excerpt(text, HEADER_EXCERPT);
  }
  return kept;
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
      scenario: short(ex.scenario), headers: loggedHeaders(ex.req.headers),
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

  /** The entries that fit, newest first. */
  find(filter: RequestFilter): LoggedRequest[] {
    return this.list().filter(matcher(filter));
  }

  clear(merchantId?: string): void {
    this.entries = merchantId === undefined ? [] : this.entries.filter((e) => e.merchantId !== merchantId);
  }
}

function matcher(f: RequestFilter): (r: LoggedRequest) => boolean {
  const prefix = f.path?.endsWith('*') ? f.path.slice(0, -1) : undefined;
  const method = f.method?.toUpperCase();
  return (r) => {
    const path = r.path.split('?', 1)[0]!;
    return (f.path === undefined || (prefix === undefined ? path === f.path : path.startsWith(prefix)))
      && (method === undefined || r.method === method) && (f.orderId === undefined || r.orderId === f.orderId)
      && (f.status === undefined || r.status === f.status) && (f.merchantId === undefined || r.merchantId === f.merchantId)
      && (!f.rejected || r.status >= 400);
  };
}

type Read = { value: string | number | boolean } | { problem: string };
const ok = (value: string | number | boolean): Read => ({ value });
const bad = (problem: string): Read => ({ problem });

/** How each filter is read from text (a query string), or the sentence saying why it cannot be. */
const FILTER_READERS: Record<keyof RequestFilter, (text: string) => Read> = {
  path: (text) => (text.startsWith('/') ? ok(text) : bad('must be a path starting with /, e.g. /pg/payment/card/check/ORD-1 or /pg/payment/card/check/*')),
  method: (text) => (/^[A-Za-z]{1,16}$/.test(text) ? ok(text.toUpperCase()) : bad('must be an HTTP method such as GET or POST')),
  orderId: ok,
  merchantId: ok,
  status: (text) => (/^(0|[1-5]\d\d)$/.test(text) ? ok(Number(text)) : bad('must be an HTTP status from 100 to 599 (0 for a dropped connection)')),
  rejected: (text) => (text === 'true' || text === 'false' ? ok(text === 'true') : bad('must be true or false')),
};

export const REQUEST_FILTERS = Object.keys(FILTER_READERS) as (keyof RequestFilter)[];

/** A filter from query-string or option values (`status: '400'` or `400`); a bad one is a one-line reason naming it. */
export function readRequestFilter(input: Record<string, unknown>): { filter: RequestFilter } | { problem: string } {
  const filter: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    // An empty value is a filter not given, as an HTML form sends it.
    if (value === undefined || value === '') continue;
    const read = Object.hasOwn(FILTER_READERS, name) ? FILTER_READERS[name as keyof RequestFilter] : undefined;
    if (!read) return { problem: `${name} is not a request filter (filters: ${REQUEST_FILTERS.join(', ')})` };
    const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
    const result = text === null ? bad('must be a single value') : read(text);
    if ('problem' in result) return { problem: `${name} ${result.problem}, got ${JSON.stringify(value) ?? String(value)}` };
    filter[name] = result.value;
  }
  return { filter: filter as RequestFilter };
}

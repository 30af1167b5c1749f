import { channelOf } from '../channels/table.js';
import { formatJakarta, rupiah } from '../support/indonesian-format.js';
import type { StoredTransaction } from '../model/transaction.js';
import { requestOf } from '../model/initiate-request.js';
import type { JsonObject } from '../support/json.js';
import { initiateAnswer } from '../channels/initiate-responses.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `12 s ago`, `5 min ago`, `in 3 h` (the virtual clock can be set back). */
export function age(at: number, now: number): string {
  const diff = now - at;
  const abs = Math.abs(diff);
  if (abs < 5000) return 'just now';
  const text = abs < MINUTE ? `${Math.floor(abs / 1000)} s` : abs < HOUR ? `${Math.floor(abs / MINUTE)} min` : abs < DAY ? `${Math.floor(abs / HOUR)} h` : `${Math.floor(abs / DAY)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** `2 h 15 min`, `3 d 4 h`, `40 s`: a span of time, rounded to its two largest units. */
export function span(ms: number): string {
  const abs = Math.abs(ms);
  const parts: [number, string][] = [[Math.floor(abs / DAY), 'd'], [Math.floor(abs / HOUR) % 24, 'h'], [Math.floor(abs / MINUTE) % 60, 'min'], [Math.floor(abs / 1000) % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0 s';
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}`).join(' ');
}

/** The gateway's own time zone, as on `expiryLink`. */
export function wib(at: number): string {
  return `${formatJakarta(at)} WIB`;
}

export function iso(at: number): string {
  const date = new Date(at);
  // The control API can move the clock past what a Date holds; the clock page must still render to move it back.
  return Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString();
}

/** A CSS class suffix for any status string, known or not. */
export function tone(value: string | number): string {
  return String(value).toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** `ok` / `client` / `server` / `none` (dropped connection) for an HTTP status. */
export function httpTone(status: number | null): string {
  if (!status) return 'none';
  return status < 400 ? 'ok' : status < 500 ? 'client' : 'server';
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** A JSON text pretty-printed, or as it is when it is not JSON (or cut short). */
export function prettyText(text: string): string {
  try {
    return pretty(JSON.parse(text));
  } catch {
    return text;
  }
}

export function channelName(type: string): string {
  return channelOf(type)?.name ?? type;
}

interface CustomerView {
  name: string;
  email: string;
  phone: string;
}

/** Who the merchant said is paying (any of it may be missing, or hostile: views escape it). */
export function customerOf(tx: StoredTransaction): CustomerView {
  const { firstName, lastName, email, mobilePhone } = requestOf(tx).customer;
  return { name: [firstName, lastName].filter(Boolean).join(' '), email: email ?? '', phone: mobilePhone ?? '' };
}

export function callbackUrlOf(tx: StoredTransaction): string {
  return requestOf(tx).url.callbackUrl ?? '';
}

/** The initiate body as sent, unknown keys included (the order page shows it). */
function sentBodyOf(tx: StoredTransaction): JsonObject {
  return requestOf(tx).body;
}

/** The hosted page link handed out at initiate, when it is one a browser can open. */
export function paymentPageOf(tx: StoredTransaction, publicUrl: string): string {
  const url = initiateAnswer(tx, publicUrl).redirecturl;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : '';
}

export function transactionPath(merchantId: string, orderId: string): string {
  return `/transactions/${encodeURIComponent(merchantId)}/${encodeURIComponent(orderId)}`;
}

/** A path with the non-empty parameters as its query string. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** Everything views format with, handed to every template as `h`. */
export const helpers = { age, span, wib, iso, tone, httpTone, pretty, prettyText, rupiah, channelName, customerOf, callbackUrlOf, paymentPageOf, transactionPath, requestOf: sentBodyOf, initiateAnswer };

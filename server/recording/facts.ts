import { GATEWAY_PREFIX } from '../gateway/kit.js';
import { objectOf } from '../support/json.js';

// Operations whose second path segment is the merchant's order id (`check/ORD-1`).
const ORDER_IN_PATH = new Set(['check', 'cancel', 'void']);

/** The order a gateway request is about: in its path (check, cancel, void) or its body's `order.id`. */
export function orderIdOf(path: string, body: unknown): string | undefined {
  const segments = path.startsWith(GATEWAY_PREFIX) ? path.slice(GATEWAY_PREFIX.length).split('/') : [];
  if (segments.length === 2 && ORDER_IN_PATH.has(segments[0]!) && segments[1]) {
    try {
      return decodeURIComponent(segments[1]);
    } catch {
      return segments[1];
    }
  }
  const id = objectOf(objectOf(body)?.order)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The path without its query and with the order id's segment as `{orderId}`, as replay matches it. */
export function pathPattern(url: string, orderId: string | undefined): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (orderId === undefined) return path;
  return path.split('/').map((segment, i) => (i > 0 && safeDecode(segment) === orderId ? '{orderId}' : segment)).join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `YYYY-MM-DD HH:mm:ss` (Jakarta, as the gateway writes times) or ISO-8601. */
export const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The JSON value with the order id (whole or inside a string) as `{orderId}` and every time as `{time}`:
 * two requests that differ only in those match one recording.
 */
export function normalised(value: unknown, orderId: string | undefined): unknown {
  if (typeof value === 'string') {
    if (DATETIME.test(value)) return '{time}';
    return orderId ? value.split(orderId).join('{orderId}') : value;
  }
  if (typeof value === 'number' && orderId !== undefined && String(value) === orderId) return '{orderId}';
  if (Array.isArray(value)) return value.map((v) => normalised(v, orderId));
  const object = objectOf(value);
  if (!object) return value;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, normalised(v, orderId)]));
}

/** Credentials a recording must not keep, from an Authorization header: the key, `id:key`, and its base64. */
export interface Credentials {
  merchantId?: string;
  secrets: string[];
  /** `Basic <merchantId>:<redacted>`, or `<redacted>` for a header of another form. */
  redactedHeader?: string;
}

export function credentialsOf(header: string | undefined): Credentials {
  if (!header) return { secrets: [] };
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) return { secrets: [header.trim(), ...(match ? [match[1]!] : [])].filter((s) => s.length >= 4), redactedHeader: '<redacted>' };
  const merchantId = decoded.slice(0, colon);
  const key = decoded.slice(colon + 1);
  // A very short key would redact innocent text everywhere; it is still dropped from the header.
  const secrets = [match![1]!, decoded, ...(key.length >= 4 ? [key] : [])];
  return { merchantId, secrets, redactedHeader: `Basic ${merchantId}:<redacted>` };
}

/** The JSON value with every secret, wherever it appears in a string or a key, as `<redacted>`. */
export function redacted<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const clean = (text: string) => secrets.reduce((t, secret) => t.split(secret).join('<redacted>'), text);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    const object = objectOf(v);
    return object ? Object.fromEntries(Object.entries(object).map(([k, inner]) => [clean(k), walk(inner)])) : v;
  };
  return walk(value) as T;
}

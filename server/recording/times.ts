import { objectOf } from '../support/json.js';
import { DATETIME } from './facts.js';

// A time without a zone is the gateway's Asia/Jakarta (UTC+7, no daylight saving).
const JAKARTA_MINUTES = 7 * 60;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `text` moved by `deltaMs`, written as it was (separator, fraction, zone); null when it is no time. */
export function shiftedTime(text: string, deltaMs: number): string | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const offsetMinutes = zone === undefined ? JAKARTA_MINUTES : zone === 'Z' ? 0 : Math.sign(Number(`${zone[0]}1`)) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const ms = fraction ? Math.round(Number(`0${fraction}`) * 1000) : 0;
  const epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms) - offsetMinutes * 60_000;
  if (Number.isNaN(epoch)) return null;
  const local = new Date(epoch + deltaMs + offsetMinutes * 60_000);
  const separator = text[10];
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fractionText = fraction ? `.${pad(local.getUTCMilliseconds(), 3)}`.slice(0, fraction.length) : '';
  return `${date}${separator}${time}${fractionText}${zone ?? ''}`;
}

/** The JSON value with `from` (the recorded order id) as `to` wherever it appears in a string, and every time moved by `deltaMs`. */
export function rewritten(value: unknown, from: string | undefined, to: string | undefined, deltaMs: number): unknown {
  if (typeof value === 'string') {
    const time = shiftedTime(value, deltaMs);
    if (time !== null) return time;
    return from && to !== undefined ? value.split(from).join(to) : value;
  }
  if (Array.isArray(value)) return value.map((v) => rewritten(v, from, to, deltaMs));
  const object = objectOf(value);
  if (!object) return value;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, rewritten(v, from, to, deltaMs)]));
}

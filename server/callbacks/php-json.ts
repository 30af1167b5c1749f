import { OrderedObject } from '../model/ordered-json.js';

/**
 * PHP's `json_encode($value)` with default flags, byte for byte: compact, `/` escaped as `\/`,
 * every non-ASCII character as lower-case `\uHHHH` (UTF-16 units, so emoji become surrogate pairs).
 * Numbers: a JS number cannot tell `1000.0` from `1000`; whole values that fit PHP's int64 are written as
 * integers (`1000`, which is also what PHP writes for the float `1000.0` without JSON_PRESERVE_ZERO_FRACTION).
 * Other numbers are written as PHP writes floats (serialize_precision = -1): the shortest round-trip digits
 * (the same digits JS uses), but in exponent form `d.ddde±X` when the decimal exponent is below -4 or above 16
 * (`1.0e-5`, `1.0e+19`) where JS would write `0.00001` / `1e+21`. So PHP's `json_encode(json_decode($s, true))`
 * gives back exactly `$s`. Objects are written in their key order, an OrderedObject in the order its merchant sent.
 */
export function phpJsonEncode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      return encodeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => phpJsonEncode(v === undefined ? null : v)).join(',')}]`;
      // A merchant's object kept as PHP holds it: keys in the order sent, not JS's integer-keys-first order.
      if (value instanceof OrderedObject) return `{${value.entries.map(([k, v]) => `${encodeString(k)}:${phpJsonEncode(v)}`).join(',')}}`;
      return `{${Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encodeString(k)}:${phpJsonEncode(v)}`)
        .join(',')}}`;
    default:
      return 'null';
  }
}

const INT64_LIMIT = 2 ** 63;

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) return '0'; // PHP refuses NaN/INF (json_encode returns false); keep the body valid JSON.
  // A PHP int (json_decode reads integer literals that fit int64 as int); `-0` becomes `0`, as PHP decodes it.
  if (Number.isInteger(n) && Math.abs(n) < INT64_LIMIT) return n === 0 ? '0' : String(n);
  // A PHP float: php_gcvt(n, 17, '.', 'e') with mode 0 (shortest digits), decpt = exponent + 1.
  const [mantissa = '', exp = '0'] = n.toExponential().split('e');
  const exponent = Number(exp);
  const decpt = exponent + 1;
  if (decpt < 0 ? decpt < -3 : decpt > 17) {
    const sign = mantissa.startsWith('-') ? '-' : '';
    const digits = mantissa.replace(/^-/, '').replace('.', '');
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  return String(n); // fixed notation: same as JS in this range
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t',
};

// Everything PHP escapes: quote, backslash, slash, control characters and all non-ASCII.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\/\u0000-\u001f\u0080-\uffff]/g;

function encodeString(text: string): string {
  return `"${text.replace(NEEDS_ESCAPE, (ch) => SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

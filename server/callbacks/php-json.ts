/**
 * PHP's `json_encode($value)` with default flags, byte for byte: compact, `/` escaped as `\/`,
 * every non-ASCII character as lower-case `\uXXXX` (UTF-16 units, so emoji become surrogate pairs).
 * Numbers are written as JavaScript writes them: a JS number cannot tell `1000.0` from `1000`, so PHP
 * floats that hold whole values come out as integers (`1000`), which is what the callback amounts are.
 */
export function phpJsonEncode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : '0';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => phpJsonEncode(v === undefined ? null : v)).join(',')}]`;
      return `{${Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encodeString(k)}:${phpJsonEncode(v)}`)
        .join(',')}}`;
    default:
      return 'null';
  }
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

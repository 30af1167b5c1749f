/** Longest hint sent in X-Finnet-Mock-Hint, and longest refusal line written to the terminal. */
const MAX_HINT_CHARS = 512;
const MAX_LINE_CHARS = 1000;

// Controls (CR/LF, ESC…), invisible format characters, line separators and lone surrogates: a value the merchant
// sent must never end a header or log line early, forge a new one or repaint the terminal.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;
// A header value is ASCII text (RFC 9110 field-vchar and space): anything else is written as an escape.
const NOT_HEADER_TEXT = /[^\x20-\x7e]/gu;

function escaped(char: string): string {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` cut to `max` characters, marking the cut; never splits an escape or a surrogate pair. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 3);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/\\u(?:\{[0-9a-f]*|[0-9a-f]{0,3})$/, '')}...`;
}

/** A hint as a header value: printable ASCII, bounded. */
export function hintHeader(hint: string): string {
  return bounded(hint.slice(0, MAX_HINT_CHARS * 8).replace(NOT_HEADER_TEXT, escaped), MAX_HINT_CHARS);
}

/** A text for one terminal line (or a part of one, `max` long): no controls, bounded. */
export function logLine(text: string, max = MAX_LINE_CHARS): string {
  return bounded(text.slice(0, max * 8).replace(UNPRINTABLE, escaped), max);
}

// The scheme and `//` as typed: WHATWG parsing would also accept `http:x` and `http:///x`, and drop tabs and newlines.
const WRITTEN_AS_HTTP = /^https?:\/\/[^/\\?#]/i;
// Whitespace, controls and invisible format characters: a URL that carries them is not the one the merchant meant.
const INVISIBLE = /[\s\p{Cc}\p{Cf}]/u;
const MAX_HOST = 253;
const MAX_LABEL = 63;

/**
 * Whether `text` is an http(s) URL the callback sender can POST to and a browser can be sent to:
 * WHATWG-parseable as typed, no credentials (they would leave as an Authorization header), a real port, and a
 * host name DNS can look up.
 */
export function isSendableUrl(text: string): boolean {
  if (!WRITTEN_AS_HTTP.test(text) || INVISIBLE.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const host = url.hostname;
  // Port 0 names no listener; other ports nothing answers on stay a failed attempt (tests use :9 as a dead receiver).
  return url.username === '' && url.password === '' && url.port !== '0'
    && host.length <= MAX_HOST && host.split('.').every((label) => label.length <= MAX_LABEL);
}

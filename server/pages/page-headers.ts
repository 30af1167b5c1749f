import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

// A host CSP can name; a URL host may hold `;` or `'`, which must never reach the header.
const CSP_ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d+)?$/;

/** An http(s) URL's origin as a CSP source, or nothing when CSP cannot name it. */
function source(url: string): string[] {
  try {
    const { origin } = new URL(url);
    return CSP_ORIGIN.test(origin) ? [origin] : [];
  } catch {
    return [];
  }
}

/**
 * The shopper pages' headers, as strict as the dashboard's: no script at all, styles only from our stylesheet
 * and the page's one nonce'd `<style>` (its brand colours), never framed. Forms may post here and end in a
 * redirect to the merchant's own URLs (`leaveTo`), which form-action must allow. Gives the nonce.
 */
export function sendPageHeaders(res: Response, leaveTo: readonly string[]): string {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...new Set(leaveTo.flatMap(source))].join(' ');
  res.set({
    'Content-Security-Policy': `default-src 'none'; script-src 'none'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  return nonce;
}

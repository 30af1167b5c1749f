import { OrderedObject, parseOrdered } from '../model/ordered-json.js';
import { objectOf } from '../support/json.js';
import { phpJsonEncode } from './php-json.js';
import { hmacSha512, signaturesMatch } from './signature.js';

// The bytes the gateway sends end with the signature as the last key; removing it gives the signed string.
const TRAILING_SIGNATURE = /,"signature":"[0-9a-fA-F]{128}"\}\s*$/;

/**
 * Whether a callback body carries the HMAC-SHA512 signature of `merchantKey`, checked both ways the README
 * shows: over the raw bytes without the trailing signature (the Node check), and over PHP's `json_encode` of
 * the decoded body without `signature` (the official plugin's check). False, never a throw, on anything malformed.
 */
export function verifyCallback(rawBody: string | Buffer, merchantKey: string): boolean {
  try {
    const raw = typeof rawBody === 'string' ? rawBody : Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : null;
    if (raw === null || typeof merchantKey !== 'string' || merchantKey === '') return false;
    const signature = objectOf(JSON.parse(raw))?.signature;
    if (typeof signature !== 'string') return false;
    const decoded = parseOrdered(raw);
    if (!(decoded instanceof OrderedObject)) return false;
    const candidates = [phpJsonEncode(new OrderedObject(decoded.entries.filter(([key]) => key !== 'signature')))];
    if (TRAILING_SIGNATURE.test(raw)) candidates.push(raw.replace(TRAILING_SIGNATURE, '}'));
    return candidates.some((signed) => signaturesMatch(hmacSha512(signed, merchantKey), signature));
  } catch {
    return false;
  }
}

/** The `signature` the gateway would put on these callback fields (any `signature` among them is left out), for a test that posts its own callback. */
export function signCallback(fields: Record<string, unknown>, merchantKey: string): string {
  const body = objectOf(fields);
  if (!body) throw new TypeError('finnet-mock: signCallback needs the callback fields as an object');
  if (typeof merchantKey !== 'string' || merchantKey === '') throw new TypeError('finnet-mock: signCallback needs the merchant key as text');
  const { signature: _ignored, ...unsigned } = body;
  return hmacSha512(phpJsonEncode(unsigned), merchantKey);
}

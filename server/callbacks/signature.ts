import { createHmac, timingSafeEqual } from 'node:crypto';
import { phpJsonEncode } from './php-json.js';

/** The callback signature: lower-case hex HMAC-SHA512 with the merchant key over exactly `signedString`. */
export function hmacSha512(signedString: string, merchantKey: string): string {
  return createHmac('sha512', merchantKey).update(signedString, 'utf8').digest('hex');
}

export interface SignedBody {
  /** What was HMAC-ed: PHP `json_encode` of the fields without `signature`. */
  signedString: string;
  signature: string;
  /** The bytes to send: the signed string with `"signature":"…"` appended as the last key. */
  body: string;
}

/**
 * Signs callback fields as the gateway does and emits the body as the same encoding plus the signature,
 * so a raw-body verifier, a PHP re-encoding verifier and (without `/` or non-ASCII) `JSON.stringify` all agree.
 */
export function signFields(fields: Record<string, unknown>, merchantKey: string): SignedBody {
  const signedString = phpJsonEncode(fields);
  const signature = hmacSha512(signedString, merchantKey);
  return { signedString, signature, body: appendSignature(signedString, signature) };
}

/** `{…}` + signature → `{…,"signature":"…"}`. */
export function appendSignature(encodedObject: string, signature: string): string {
  const open = encodedObject === '{}' ? '{' : `${encodedObject.slice(0, -1)},`;
  return `${open}"signature":${phpJsonEncode(signature)}}`;
}

/** Constant-time comparison of two hex signatures (case-insensitive, as some merchants compare). */
export function signaturesMatch(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

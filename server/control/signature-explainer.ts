import { phpJsonEncode } from '../callbacks/php-json.js';
import { hmacSha512, signaturesMatch } from '../callbacks/signature.js';

export interface Explanation {
  merchantId: string;
  /** Exactly what the gateway HMACs: PHP json_encode of the body without `signature`. */
  signedString: string;
  expectedSignature: string;
  receivedSignature: string | null;
  matches: boolean | null;
  /** What other ways of verifying would compute, so a merchant sees which one its code uses. */
  variants: { method: string; signature: string; matchesExpected: boolean }[];
  notes: string[];
}

/** "Why does my verification fail?": the exact string signed, the expected signature and the usual mistakes. */
export function explainSignature(merchantId: string, key: string, body: Record<string, unknown>, raw: string | null): Explanation {
  const { signature, ...fields } = body;
  const signedString = phpJsonEncode(fields);
  const expected = hmacSha512(signedString, key);
  const received = typeof signature === 'string' ? signature : null;
  const variants = [
    { method: 'JSON.stringify (no PHP escaping of "/" and unicode)', signature: hmacSha512(JSON.stringify(fields), key) },
    ...(raw === null ? [] : [{ method: 'raw body with the signature pair removed', signature: hmacSha512(raw.replace(/,\s*"signature"\s*:\s*"[^"]*"/, ''), key) }]),
  ].map((v) => ({ ...v, matchesExpected: v.signature === expected }));
  const notes: string[] = [];
  if (/[/]|[^\x20-\x7e]/.test(JSON.stringify(fields))) {
    notes.push('The body holds "/" or non-ASCII text: PHP json_encode writes them as \\/ and \\uHHHH, so JSON.stringify gives a different string.');
  }
  if (received !== null && !signaturesMatch(received, expected)) {
    notes.push('The signature in the body is not the HMAC-SHA512 of the signed string with this merchant key: wrong key, or the body was changed.');
  }
  if (received !== null && received !== received.toLowerCase()) notes.push('The gateway writes signatures in lower-case hex.');
  if (JSON.stringify(fields).includes('{}')) notes.push('An empty object {} decodes to [] in PHP (json_decode with true) and re-encodes as [].');
  return {
    merchantId, signedString, expectedSignature: expected, receivedSignature: received,
    matches: received === null ? null : signaturesMatch(received, expected), variants, notes,
  };
}

import { timingSafeEqual } from 'node:crypto';
import type { Merchant } from '../model/config.js';
import { GatewayError } from './response-codes.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const BASIC = 'Authorization must be Basic base64(merchantId:key)';
// A merchant id is quoted in the hint up to this length (it is what the client sent, not a secret).
const MAX_QUOTED_ID = 64;

/** The merchant ids a refusal names (built only when refusing). */
function configured(merchants: ReadonlyMap<string, Merchant>): string {
  return `configured: ${[...merchants.keys()].join(', ')}`;
}

/** The 401 to answer, with the hint of what was wrong: names the configured merchants, never a key. */
function refused(reason: string, hint: string): GatewayError {
  return GatewayError.of('unauthorized', reason, { hint });
}

/** The merchant named by `Authorization: Basic base64(id:key)`, or the 401 to answer. */
export function authenticate(header: string | undefined, merchants: ReadonlyMap<string, Merchant>): Merchant {
  if (!header) throw refused('Authorization header is missing', `${BASIC}; no Authorization header was sent (${configured(merchants)})`);
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) throw refused('Authorization must be Basic base64(merchantId:merchantKey)', `${BASIC}; the header sent is not of that form`);
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw refused('Authorization must be Basic base64(merchantId:merchantKey)', `${BASIC}; the decoded value has no merchantId before a colon`);
  const id = decoded.slice(0, colon);
  const merchant = merchants.get(id);
  if (!merchant) throw refused('Invalid merchant id or key', `${BASIC}; merchant ${id.slice(0, MAX_QUOTED_ID)} is not configured (${configured(merchants)})`);
  if (!sameSecret(decoded.slice(colon + 1), merchant.key)) {
    throw refused('Invalid merchant id or key', `the key sent for merchant ${merchant.id} is not its configured key (--merchant or the config file)`);
  }
  return merchant;
}

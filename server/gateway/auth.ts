import { timingSafeEqual } from 'node:crypto';
import type { Merchant } from '../model/config.js';
import { GatewayError } from './response-codes.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The merchant named by `Authorization: Basic base64(id:key)`, or the 401 to answer. */
export function authenticate(header: string | undefined, merchants: ReadonlyMap<string, Merchant>): Merchant {
  if (!header) throw GatewayError.of('unauthorized', 'Authorization header is missing');
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) throw GatewayError.of('unauthorized', 'Authorization must be Basic base64(merchantId:merchantKey)');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw GatewayError.of('unauthorized', 'Authorization must be Basic base64(merchantId:merchantKey)');
  const merchant = merchants.get(decoded.slice(0, colon));
  if (!merchant || !sameSecret(decoded.slice(colon + 1), merchant.key)) throw GatewayError.of('unauthorized', 'Invalid merchant id or key');
  return merchant;
}

import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** The token a request carries: `Authorization: Bearer …`, `X-Admin-Token`, the `admin_token` cookie or `?token=`. */
export function presentedToken(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  const cookie = /(?:^|;\s*)admin_token=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
  const query = typeof req.query.token === 'string' ? req.query.token : undefined;
  return bearer ?? req.get('x-admin-token') ?? (cookie ? decodeCookie(cookie) : undefined) ?? query;
}

/** A malformed cookie is no token at all, not an error. */
function decodeCookie(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

type TokenSource = 'bearer' | 'header' | 'cookie' | 'query';

// Where a request may carry the admin token, in the order they are read.
const SOURCES: readonly [TokenSource, (req: Request) => string | undefined][] = [
  ['bearer', (req) => /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1]],
  ['header', (req) => req.get('x-admin-token')],
  ['cookie', (req) => {
    const cookie = /(?:^|;\s*)admin_token=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    return cookie ? decodeCookie(cookie) : undefined;
  }],
  ['query', (req) => (typeof req.query.token === 'string' ? req.query.token : undefined)],
];

function presented(req: Request): { source: TokenSource; token: string } | undefined {
  for (const [source, read] of SOURCES) {
    const token = read(req);
    if (token !== undefined) return { source, token };
  }
  return undefined;
}

/** The token a request carries: `Authorization: Bearer …`, `X-Admin-Token`, the `admin_token` cookie or `?token=`. */
export function presentedToken(req: Request): string | undefined {
  return presented(req)?.token;
}

/** Whether the token in use is the cookie: the one credential a browser adds by itself to a request another page makes. */
export function tokenFromCookie(req: Request): boolean {
  return presented(req)?.source === 'cookie';
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

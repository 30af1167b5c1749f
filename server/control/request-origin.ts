import type { Request } from 'express';

// What a browser says about where a request comes from; another localhost port is the same *site*.
const FOREIGN_FETCH_SITES = new Set(['cross-site', 'same-site']);

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origins (scheme, host and port) the simulator's own pages are served from: as addressed, and its `--public-url`. */
function ownOrigins(req: Request, publicUrl: string): Set<string> {
  const host = req.get('host');
  const origins = [host ? originOf(`${req.protocol}://${host}`) : undefined, originOf(publicUrl)];
  return new Set(origins.filter((o): o is string => o !== undefined));
}

/**
 * Why a browser sent this request on behalf of a page of another origin, or undefined when it did not
 * (same origin, or no browser at all: curl, a test suite and the library send neither header).
 */
export function foreignOrigin(req: Request, publicUrl: string): string | undefined {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && FOREIGN_FETCH_SITES.has(site)) return `Sec-Fetch-Site: ${site}`;
  const origin = req.get('origin');
  if (origin === undefined) return undefined;
  return ownOrigins(req, publicUrl).has(originOf(origin) ?? '') ? undefined : `Origin: ${origin}`;
}

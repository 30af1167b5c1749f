import type { NextFunction, Request, Response } from 'express';
import type { Dashboard } from './render.js';

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * Refuses form posts sent from other sites: otherwise any web page the developer opens could pay,
 * expire or reset orders on the simulator listening on localhost.
 */
export function sameOriginPosts(dash: Dashboard) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST') return next();
    const origin = req.get('origin');
    const hosts = new Set([req.get('host'), hostOf(dash.ctx.publicUrl())].filter((h): h is string => Boolean(h)));
    const foreign = req.get('sec-fetch-site') === 'cross-site' || (origin !== undefined && !hosts.has(hostOf(origin) ?? ''));
    if (!foreign) return next();
    dash.render(req, res, 'message', { title: 'Refused', status: 403 }, {
      heading: 'Form sent from another site',
      text: 'The dashboard only accepts forms sent from its own pages. Open the dashboard and use its buttons.',
    });
  };
}

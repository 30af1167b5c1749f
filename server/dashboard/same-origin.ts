import type { NextFunction, Request, Response } from 'express';
import { foreignOrigin } from '../control/request-origin.js';
import type { Dashboard } from './render.js';

/**
 * Refuses form posts sent from other origins (another scheme or localhost port included): otherwise any
 * web page the developer opens could pay, expire or reset orders on the simulator listening on localhost.
 */
export function sameOriginPosts(dash: Dashboard) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || foreignOrigin(req, dash.ctx.publicUrl()) === undefined) return next();
    dash.render(req, res, 'message', { title: 'Refused', status: 403 }, {
      heading: 'Form sent from another site',
      text: 'The dashboard only accepts forms sent from its own pages. Open the dashboard and use its buttons.',
    });
  };
}

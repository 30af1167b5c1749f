import type { NextFunction, Request, Response } from 'express';
import { tokenFromCookie } from './admin-token.js';
import { sendProblem } from './problem.js';
import { foreignOrigin } from './request-origin.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The header that marks a call as a program's: a form cannot send a header, and a script on another origin would need CORS. */
export const CONTROL_HEADER = 'X-Finnet-Mock';
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function bodiless(req: Request): boolean {
  return req.get('content-type') === undefined && req.get('transfer-encoding') === undefined && Number(req.get('content-length') ?? 0) === 0;
}

/**
 * Why this call is not one a web page could have made a browser send, or undefined. A form always sends a
 * Content-Type (urlencoded, multipart or text/plain) and never a custom header; a bodiless call carries no
 * Content-Type at all, which only a program or a script sends, and a script's browser adds its Origin.
 */
function formLike(req: Request): string | undefined {
  if (req.get(CONTROL_HEADER) !== undefined || JSON_TYPE.test(req.get('content-type') ?? '')) return undefined;
  if (!bodiless(req)) return `a ${req.get('content-type') ?? 'body without Content-Type'} body, as a form on any web page can send`;
  if (tokenFromCookie(req)) return 'only the admin cookie, which a browser sends by itself';
  return undefined;
}

/** Refuses changes to the simulator that a page on another origin could make the developer's browser send (CSRF). */
export function csrfGuard(publicUrl: () => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!MUTATING.has(req.method)) return next();
    const foreign = foreignOrigin(req, publicUrl());
    if (foreign) {
      return sendProblem(res, 403, 'Cross-site request refused', `${req.method} ${req.originalUrl} came from another origin (${foreign}): only the simulator's own pages and programs without a browser may change it.`);
    }
    const form = formLike(req);
    if (form) {
      return sendProblem(res, 403, 'Cross-site request refused', `${req.method} ${req.originalUrl} carried ${form}. Send a JSON body (Content-Type: application/json) or the header ${CONTROL_HEADER}: 1.`);
    }
    next();
  };
}

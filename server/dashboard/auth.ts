import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { objectOf } from '../support/json.js';
import { presentedToken, tokenMatches } from '../control/admin-token.js';
import { LoginThrottle } from './login-throttle.js';
import type { Dashboard } from './render.js';

const COOKIE = 'admin_token';
// Strict: no request another site starts carries it (another localhost port still counts as this site: see csrf-guard).
const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'strict', path: '/' } as const;

/** Only a path on this site: `next` must not send a signed-in browser elsewhere. */
function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}

function presented(req: Request): string | undefined {
  try {
    return presentedToken(req);
  } catch {
    return undefined; // A cookie that is not valid percent-encoding carries no token.
  }
}

/** With `--admin-token`, every dashboard page but the sign-in asks for it (cookie, bearer header or `?token=`). */
export function adminGate(dash: Dashboard) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = dash.ctx.config.adminToken;
    if (token === undefined || tokenMatches(presented(req), token)) return next();
    dash.render(req, res, 'login', { title: 'Sign in', bare: true, status: 401 }, { next: req.method === 'GET' ? req.originalUrl : '/', error: '' });
  };
}

/** `/login` sets the `admin_token` cookie (HttpOnly) that `/_mock` accepts too; `/logout` clears it. Wrong tokens are throttled per address. */
export function loginRoutes(dash: Dashboard, throttle = new LoginThrottle()): Router {
  const router = express.Router();

  router.get('/login', (req, res) => {
    const token = dash.ctx.config.adminToken;
    if (token === undefined || tokenMatches(presented(req), token)) return res.redirect(303, localPath(req.query.next));
    dash.render(req, res, 'login', { title: 'Sign in', bare: true }, { next: localPath(req.query.next), error: '' });
  });

  router.post('/login', (req, res) => {
    const token = dash.ctx.config.adminToken;
    const body = objectOf(req.body) ?? {};
    const next = localPath(body.next);
    if (token === undefined) return res.redirect(303, next);
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.retryAfterSeconds(address);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      return dash.render(req, res, 'login', { title: 'Sign in', bare: true, status: 429 }, { next, error: `Too many wrong tokens from this address: try again in ${wait} s.` });
    }
    if (!tokenMatches(typeof body.token === 'string' ? body.token : undefined, token)) {
      throttle.failed(address);
      return dash.render(req, res, 'login', { title: 'Sign in', bare: true, status: 401 }, { next, error: 'That is not the admin token this simulator was started with.' });
    }
    throttle.succeeded(address);
    res.cookie(COOKIE, token, { ...COOKIE_OPTIONS, secure: req.secure });
    res.redirect(303, next);
  });

  router.post('/logout', (req, res) => {
    res.clearCookie(COOKIE, { ...COOKIE_OPTIONS, secure: req.secure });
    res.redirect(303, dash.ctx.config.adminToken === undefined ? '/' : '/login');
  });
  return router;
}

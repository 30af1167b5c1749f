import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppContext } from '../operations/context.js';
import { adminGate, loginRoutes } from './auth.js';
import { callbackPages } from './callbacks.js';
import { clockPage } from './clock.js';
import { liveEventsRoute } from './events.js';
import { createDashboard } from './render.js';
import { requestLogPage } from './requests.js';
import { sameOriginPosts } from './same-origin.js';
import { scenarioPage } from './scenarios.js';
import { openVaPages } from './open-vas.js';
import { subscriptionPages } from './subscriptions.js';
import { savedCardPages } from './saved-cards.js';
import { transactionPage } from './transaction.js';
import { transactionListPage } from './transactions.js';
import { StoreWriteError } from '../store/store.js';

// The dashboard owns these paths; every other request goes on to the gateway-style 404.
const DASHBOARD_PATH = /^\/(?:(?:transactions|callbacks|requests|scenarios|subscriptions|open-vas|saved-cards|clock|events|reset|login|logout)(?:\/|$)|$)/;

// Pages render merchant-supplied text: even if escaping ever failed, no inline script could run.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The dashboard at `/`: server-rendered pages and plain forms; `public/dashboard.js` only makes them live. */
export function dashboardRouter(ctx: AppContext): Router {
  const dash = createDashboard(ctx);
  const router = express.Router();
  router.use((req, _res, next) => next(DASHBOARD_PATH.test(req.path) ? undefined : 'router'));
  router.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(sameOriginPosts(dash));
  router.use(loginRoutes(dash));
  router.use(adminGate(dash));
  router.use(liveEventsRoute(dash), transactionListPage(dash), transactionPage(dash), callbackPages(dash), requestLogPage(dash), scenarioPage(dash), subscriptionPages(dash), openVaPages(dash), savedCardPages(dash), clockPage(dash));
  router.use((req: Request, res: Response) => dash.notFound(req, res, 'Page not found', `The dashboard has no page at ${req.path}.`));
  // A client mistake (an oversized form) gets its reason; a bug is logged and shown without a stack trace.
  router.use((err: Error & { status?: number }, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.end();
    const client = err.status !== undefined && err.status >= 400 && err.status < 500;
    if (err instanceof StoreWriteError) {
      return dash.render(req, res, 'message', { title: 'Not saved', status: 503 }, { heading: 'The data file cannot be written', text: `Nothing was changed: ${err.message}.` });
    }
    if (!client) ctx.logger.error(`dashboard ${req.method} ${req.path} failed: ${err.stack ?? err.message}`);
    dash.render(req, res, 'message', { title: 'Error', status: client ? err.status : 500 }, {
      heading: client ? 'That request could not be read' : 'Something went wrong',
      text: client ? err.message : 'The simulator logged the error. Reload the page or go back to the transactions.',
    });
  });
  return router;
}

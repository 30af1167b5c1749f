import { IncomingMessage, ServerResponse, type ServerOptions } from 'node:http';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from './operations/context.js';
import { controlRouter } from './control/routes.js';
import { dashboardRouter } from './dashboard/index.js';
import { gatewayRouter, isGatewayRequest } from './gateway/routes.js';
import { shopperPages } from './pages/index.js';
import { PUBLIC_DIR, VIEWS_DIR } from './support/paths.js';
import { sendGatewayError, startClock } from './gateway/respond.js';
import { GatewayError } from './gateway/response-codes.js';
import { StoreWriteError } from './store/store.js';

/** The whole HTTP surface of one simulator instance. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  // First: the gateway API is the hot path, and leaves the routers below untouched. Other requests never enter it:
  // a request leaving an Express router is deferred with the global setImmediate, which a test's fake timers stop.
  const gateway = gatewayRouter(ctx);
  app.use((req: Request, res: Response, next: NextFunction) => (isGatewayRequest(req.url) ? gateway(req, res, next) : next()));
  app.use(startClock);
  app.use('/_mock', controlRouter(ctx));
  app.use('/assets', express.static(PUBLIC_DIR, { maxAge: '1h' }));
  // Browsers ask for /favicon.ico whatever the pages link: the same SVG, so no page logs a 404.
  app.get('/favicon.ico', (_req, res) => res.type('image/svg+xml').sendFile(join(PUBLIC_DIR, 'favicon.svg'), { maxAge: '1h' }));
  app.use(shopperPages(ctx));
  app.use(dashboardRouter(ctx));

  app.use((req: Request, res: Response) => {
    sendGatewayError(res, GatewayError.of('notFound', `No route for ${req.method} ${req.path}`), ctx.generator.traceId());
  });
  // Last resort: a client mistake (e.g. an oversized form) is a 400; a bug is logged and answers 500 in
  // the gateway's format; neither ever shows a stack trace.
  app.use((err: Error & { status?: number; expose?: boolean }, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.end();
    if (err.status && err.status >= 400 && err.status < 500) {
      return sendGatewayError(res, GatewayError.of('badRequest', err.expose === false ? undefined : err.message), ctx.generator.traceId());
    }
    if (!(err instanceof StoreWriteError)) ctx.logger.error(`${req.method} ${req.path} failed: ${err.stack ?? err.message}`);
    sendGatewayError(res, GatewayError.of('generalError'), ctx.generator.traceId());
  });
  return app;
}

/**
 * Node's request and response classes for the app's server: their objects are born with the app's
 * prototypes, so Express's per-request prototype swap is a no-op (a swapped object is slow in every later
 * property access: it made an Express request 2-3× the CPU of a plain one).
 */
export function expressClasses(app: Express): Pick<ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  function AppRequest(this: IncomingMessage, ...args: ConstructorParameters<typeof IncomingMessage>) {
    IncomingMessage.apply(this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: ServerResponse, ...args: ConstructorParameters<typeof ServerResponse>) {
    ServerResponse.apply(this, args);
  }
  AppResponse.prototype = app.response;
  return { IncomingMessage: AppRequest as unknown as typeof IncomingMessage, ServerResponse: AppResponse as unknown as typeof ServerResponse };
}

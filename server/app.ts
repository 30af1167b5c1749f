import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from './context.js';
import { gatewayRouter } from './gateway/routes.js';
import { sendGatewayError, startClock } from './gateway/respond.js';
import { GatewayError } from './gateway/response-codes.js';

/** The whole HTTP surface of one simulator instance. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(startClock);
  app.use('/pg/payment/card', gatewayRouter(ctx));

  app.use((req: Request, res: Response) => {
    sendGatewayError(res, GatewayError.of('notFound', `No route for ${req.method} ${req.path}`), ctx.generator.traceId());
  });
  // Last resort: a bug answers in the gateway's format, logged here, never with a stack trace.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    ctx.logger.error(`${req.method} ${req.path} failed: ${err.stack ?? err.message}`);
    if (res.headersSent) return void res.end();
    sendGatewayError(res, GatewayError.of('generalError'), ctx.generator.traceId());
  });
  return app;
}

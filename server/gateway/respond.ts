import type { NextFunction, Request, Response } from 'express';
import { errorBody } from './exchange.js';
import type { GatewayError } from './response-codes.js';
import { realMonotonicNow } from '../support/real-time.js';

/** Notes when the request arrived, for `processingTime`. */
export function startClock(_req: Request, res: Response, next: NextFunction): void {
  res.locals.startedAt = realMonotonicNow();
  next();
}

/** A gateway-format error from an Express route (unknown paths, pages' bad input). */
export function sendGatewayError(res: Response, error: GatewayError, traceId: string): void {
  res.status(error.status).json(errorBody(error, (res.locals.startedAt as number | undefined) ?? realMonotonicNow(), traceId));
}

import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from './response-codes.js';

/** Notes when the request arrived, for `processingTime`. */
export function startClock(_req: Request, res: Response, next: NextFunction): void {
  res.locals.startedAt = performance.now();
  next();
}

/** Real seconds spent on the request, as a float, like the gateway's `processingTime`. */
export function processingTime(res: Response): number {
  const started = res.locals.startedAt as number | undefined;
  return started === undefined ? 0 : (performance.now() - started) / 1000;
}

/** A successful answer: the given fields, then `processingTime` last, as in the samples. */
export function sendSuccess(res: Response, fields: Record<string, unknown>): void {
  res.status(200).json({ ...fields, processingTime: processingTime(res) });
}

export function sendGatewayError(res: Response, error: GatewayError, traceId: string): void {
  res.locals.gatewayError = error;
  res.status(error.status).json({
    responseCode: error.responseCode,
    responseMessage: error.message,
    processingTime: processingTime(res),
    traceId,
  });
}

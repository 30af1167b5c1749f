import type { Request, Response } from 'express';
import type { Merchant } from '../model/config.js';
import { jsonText } from '../model/ordered-json.js';
import type { GatewayError } from './response-codes.js';
import type { EarlierMatch } from '../scenarios/registry.js';
import { realMonotonicNow } from '../support/real-time.js';

/** One gateway request and what is learnt about it on the way (for the answer and the request log). */
export interface Exchange {
  req: Request;
  res: Response;
  startedAt: number;
  /** Path as sent, without the query string. */
  path: string;
  merchant?: Merchant;
  body?: Record<string, unknown>;
  /** The body as received, for the request log. */
  bodyText?: string;
  orderId?: string;
  scenario?: string;
  /** The scenario name `X-Finnet-Mock-Scenario` gives (`flaky; key=k` → `flaky`); the header itself stays as sent, for the request log. */
  requestedScenario?: string;
  /** The fault stage's scenario match of an initiate-like body, which admission reuses instead of matching again. */
  matched?: EarlierMatch;
  error?: GatewayError;
  /** What was expected, when the request was refused (X-Finnet-Mock-Hint). */
  hint?: string;
  /** The answer's code and message, once sent. */
  answer?: { responseCode: string; responseMessage: string };
}

/** The exchange the gateway router opened for this response. */
export function exchangeOf(res: Response): Exchange {
  return res.locals.exchange as Exchange;
}

/** Real seconds spent on the request, as a float, like the gateway's `processingTime`. */
export function secondsSince(startedAt: number): number {
  return (realMonotonicNow() - startedAt) / 1000;
}

/** The body of a gateway error answer. */
export function errorBody(error: GatewayError, startedAt: number, traceId: string): Record<string, unknown> {
  return { responseCode: error.responseCode, responseMessage: error.message, processingTime: secondsSince(startedAt), traceId };
}

/** Writes a JSON answer in one go, without res.json's header-by-header work; echoed merchant objects keep their key order. */
export function sendJson(ex: Exchange, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = jsonText(body);
  if (typeof body.responseCode === 'string') ex.answer = { responseCode: body.responseCode, responseMessage: String(body.responseMessage) };
  ex.res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  ex.res.end(text);
}

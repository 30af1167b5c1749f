import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { ValidationFailure } from '../validation/request-validator.js';
import type { Exchange } from './exchange.js';
import { GatewayError, invalidFormat, missingField } from './response-codes.js';
import type { Refusal, RefusalFacts } from './refusals.js';

/** The gateway's API paths all start with this. */
export const GATEWAY_PREFIX = '/pg/payment/card/';

export type Handler = (ex: Exchange) => Promise<void>;

export interface Route {
  /** Express route path under the gateway; `:orderId` and other parameters are percent-decoded. */
  path: string;
  /** Allowed methods and their handlers; `body` ones read a JSON object first. */
  methods: Partial<Record<'GET' | 'POST', { handler: Handler; body?: boolean }>>;
}

/** What every gateway handler answers with, so each family's routes answer the same way. */
export interface GatewayKit {
  ctx: AppContext;
  /** `{responseCode: 2000000, responseMessage}` as this simulator words success. */
  success(): { responseCode: string; responseMessage: string };
  /** A 200 with `fields`, then processingTime and traceId. */
  answer(ex: Exchange, fields: Record<string, unknown>, headers?: Record<string, string>): void;
  /** The merchant's order, or the gateway's not-found answer. */
  findOrder(ex: Exchange, orderId: string): Promise<StoredTransaction>;
  /** What a done step gave; a refused one is thrown as its gateway answer, with its hint. */
  accepted<R extends { ok: true } | { ok: false; refusal: Refusal }>(result: R, facts: RefusalFacts): Extract<R, { ok: true }>;
  /** The `X-Finnet-Mock-Scenario` header naming the exchange's scenario, if any. */
  scenarioHeader(ex: Exchange): Record<string, string>;
}

/** A validation failure as the gateway answers it. */
export function validationError(failure: ValidationFailure): GatewayError {
  return failure.kind === 'missing'
    ? missingField(failure.label, failure.field, failure.hint)
    : invalidFormat(failure.label, failure.field, failure.rule, failure.hint);
}

/** The route path parameter `name`, percent-decoded by Express. */
export function pathParam(ex: Exchange, name: string): string {
  return String(ex.req.params[name]);
}

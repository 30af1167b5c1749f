import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { channelEnabled } from '../channels/enablement.js';
import { channelOf, HOSTED } from '../channels/table.js';
import type { Merchant } from '../config.js';
import type { AppContext } from '../context.js';
import { authenticate } from './auth.js';
import { processingTime, sendGatewayError, sendSuccess } from './respond.js';
import { GatewayError, httpStatusOf, invalidFormat, messageFor, missingField, RESPONSE_CODES } from './response-codes.js';
import type { InitiateOverride, Scenario } from '../scenarios/types.js';
import { checkStatusData } from '../transactions/payment-view.js';
import type { Operation, ValidationFailure } from '../validation/request-validator.js';

const MAX_BODY = '1mb';
// A scenario may slow an answer down, but never hold a connection for longer than this.
const MAX_SCENARIO_DELAY_MS = 120_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Finpay's own web pages (card form, hosted picker) live under the gateway's prefix but are shopper pages, not API calls.
const SHOPPER_PAGES = ['/access', '/v2/access'];

function validationError(failure: ValidationFailure): GatewayError {
  return failure.kind === 'missing' ? missingField(failure.label, failure.field) : invalidFormat(failure.label, failure.field, failure.rule);
}

// body-parser's error types → what the merchant is told.
const BODY_ERRORS: Record<string, string> = {
  'entity.too.large': 'Body is larger than 1 MB',
  'entity.parse.failed': 'Body is not valid JSON',
  'encoding.unsupported': 'Content-Encoding is not supported',
  'charset.unsupported': 'Charset is not supported; send UTF-8 JSON',
  'request.size.invalid': 'Body is shorter or longer than its Content-Length',
  'request.aborted': 'Body was cut off before its end',
  'stream.encoding.set': 'Body could not be read',
};

/** `/pg/payment/card/*`: the gateway's own contract, errors always in the gateway's JSON format. */
export function gatewayRouter(ctx: AppContext): Router {
  const router = express.Router();
  router.use(SHOPPER_PAGES, (_req, _res, next) => next('router'));
  router.use(ctx.requestLog.middleware);
  const fail = (res: Response, error: GatewayError) => sendGatewayError(res, error, ctx.generator.traceId());
  const merchantOf = (res: Response) => res.locals.merchant as Merchant;

  const requireMerchant = (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals.merchant = authenticate(req.get('authorization'), ctx.merchants);
      next();
    } catch (err) {
      if (err instanceof GatewayError) fail(res, err);
      else next(err);
    }
  };
  const requireJsonObject = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/json') && !req.is('+json')) return fail(res, GatewayError.of('badRequest', 'Content-Type must be application/json'));
    if (!isObject(req.body)) return fail(res, GatewayError.of('badRequest', 'Body must be a JSON object'));
    next();
  };
  const handle = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (err instanceof GatewayError) fail(res, err);
      else next(err);
    }
  };
  const findOrder = async (res: Response, orderId: string) => {
    res.locals.orderId = orderId;
    const tx = await ctx.transactions.find(merchantOf(res).id, orderId);
    if (!tx) throw GatewayError.of('transactionNotFound');
    if (tx.scenario) res.set('X-Finnet-Mock-Scenario', tx.scenario);
    return tx;
  };
  const findOrderOf = (req: Request, res: Response) => findOrder(res, String(req.params.orderId));
  /** The validated `{order: {…}}` body of a void or refund. */
  const operationOrder = (req: Request, operation: Operation): { id: string; amount?: number } => {
    const failure = ctx.validator.validateOperation(operation, req.body);
    if (failure) throw validationError(failure);
    const order = (req.body as { order: { id: string | number; amount?: string | number } }).order;
    return { id: String(order.id), ...(order.amount === undefined ? {} : { amount: Number(order.amount) }) };
  };
  const answerDone = (res: Response) => sendSuccess(res, { responseCode: RESPONSE_CODES.success.code, responseMessage: ctx.config.successMessage });

  /** The scenario for this initiate: the one the request header names, else the first that matches. */
  const scenarioFor = (req: Request, res: Response, body: Record<string, unknown>, channel: string): Scenario | undefined => {
    const order = body.order as Record<string, unknown>;
    const customer = body.customer as Record<string, unknown>;
    const requested = req.get('x-finnet-mock-scenario');
    const scenario = ctx.scenarios.match({
      merchantId: merchantOf(res).id, channel, amount: Number(order.amount), orderId: String(order.id),
      email: typeof customer.email === 'string' ? customer.email : '', phone: typeof customer.mobilePhone === 'string' ? customer.mobilePhone : '',
      ...(requested === undefined ? {} : { requested }),
    });
    if (requested !== undefined && !scenario) throw GatewayError.of('badRequest', `Unknown scenario "${requested}" in X-Finnet-Mock-Scenario`);
    if (scenario) {
      res.locals.scenario = scenario.name;
      res.set('X-Finnet-Mock-Scenario', scenario.name);
    }
    return scenario;
  };

  /** Answers as the scenario says instead of the real answer; true when it did. */
  const answerOverride = (req: Request, res: Response, override: InitiateOverride | undefined): boolean => {
    if (!override) return false;
    if (override.dropConnection) {
      req.socket.destroy();
      return true;
    }
    if (override.responseCode === undefined && override.responseMessage === undefined && override.httpStatus === undefined) return false;
    const code = override.responseCode ?? RESPONSE_CODES.generalError.code;
    const message = override.responseMessage ?? messageFor(code) ?? RESPONSE_CODES.generalError.message;
    const status = override.httpStatus ?? httpStatusOf(code);
    if (code.startsWith('2')) res.status(status).json({ responseCode: code, responseMessage: message, processingTime: processingTime(res) });
    else fail(res, new GatewayError(code, message, undefined, status));
    return true;
  };

  const initiate = handle(async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const sof = body.sourceOfFunds;
    // Without sourceOfFunds the order opens the hosted page, where the shopper picks the channel.
    const requested = sof === undefined ? HOSTED : isObject(sof) && typeof sof.type === 'string' ? channelOf(sof.type) : undefined;
    const failure = ctx.validator.validate(body, requested);
    if (failure) throw validationError(failure);
    // A valid body names a known sourceOfFunds.type (the schema's enum), or none at all.
    const channel = requested!;
    if (!channelEnabled(ctx.config, merchantOf(res).id, channel.type)) throw GatewayError.of('featureNotAllowed');
    res.locals.orderId = String((body.order as Record<string, unknown>).id);
    const scenario = scenarioFor(req, res, body, channel.type);
    const override = scenario?.effects.initiate;
    if (override?.delayMs) await new Promise((resolve) => setTimeout(resolve, Math.min(override.delayMs!, MAX_SCENARIO_DELAY_MS)));
    if (!override?.process && answerOverride(req, res, override)) return;
    const { tx } = await ctx.transactions.initiate(merchantOf(res).id, body, channel, scenario);
    if (answerOverride(req, res, override)) return;
    sendSuccess(res, { responseCode: RESPONSE_CODES.success.code, responseMessage: ctx.config.successMessage, ...tx.response });
  });

  const check = handle(async (req, res) => {
    const tx = await findOrderOf(req, res);
    sendSuccess(res, { responseCode: RESPONSE_CODES.success.code, responseMessage: ctx.config.successMessage, data: checkStatusData(tx) });
  });

  const cancel = handle(async (req, res) => {
    const tx = await findOrderOf(req, res);
    const cancellable = tx.status === 'REQUEST_INITIATED' && channelOf(tx.channel)?.cancellableWhileInitiated;
    if (!cancellable || !(await ctx.transactions.apply(tx, 'cancel', 'cancel API'))) throw GatewayError.of('invalidTransactionStatus');
    answerDone(res);
  });

  const voidByPath = handle(async (req, res) => {
    await ctx.transactions.voidPayment(await findOrderOf(req, res), 'void API');
    answerDone(res);
  });

  const voidByBody = handle(async (req, res) => {
    const order = operationOrder(req, 'void');
    await ctx.transactions.voidPayment(await findOrder(res, order.id), 'void API');
    answerDone(res);
  });

  const refund = handle(async (req, res) => {
    const order = operationOrder(req, 'refund');
    await ctx.transactions.refund(await findOrder(res, order.id), order.amount, 'refund API');
    answerDone(res);
  });

  const methodNotAllowed = (allowed: string) => (_req: Request, res: Response) => {
    res.set('Allow', allowed);
    fail(res, GatewayError.of('methodNotAllowed', `Use ${allowed}`));
  };

  router.post('/initiate', requireMerchant, express.json({ limit: MAX_BODY, strict: false }), requireJsonObject, initiate);
  router.all('/initiate', methodNotAllowed('POST'));
  router.get('/check/:orderId', requireMerchant, check);
  router.post('/check/:orderId', requireMerchant, check);
  router.all('/check/:orderId', methodNotAllowed('GET'));
  router.get('/cancel/:orderId', requireMerchant, cancel);
  router.post('/cancel/:orderId', requireMerchant, cancel);
  router.all('/cancel/:orderId', methodNotAllowed('GET, POST'));
  const jsonBody = [express.json({ limit: MAX_BODY, strict: false }), requireJsonObject];
  router.get('/void/:orderId', requireMerchant, voidByPath);
  router.post('/void/:orderId', requireMerchant, voidByPath);
  router.all('/void/:orderId', methodNotAllowed('GET, POST'));
  router.post('/void', requireMerchant, ...jsonBody, voidByBody);
  router.all('/void', methodNotAllowed('POST'));
  // Some SDKs send the refund as a GET with a JSON body.
  router.post('/refund', requireMerchant, ...jsonBody, refund);
  router.get('/refund', requireMerchant, ...jsonBody, refund);
  router.all('/refund', methodNotAllowed('POST, GET'));

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (err as { type?: string }).type;
    if (type && BODY_ERRORS[type]) return fail(res, GatewayError.of('badRequest', BODY_ERRORS[type]));
    next(err);
  });
  return router;
}

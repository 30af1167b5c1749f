import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { initiateAnswer } from '../channels/initiate-responses.js';
import { channelOf, HOSTED } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import { checkStatusData } from '../channels/gateway-body.js';
import type { StoredTransaction } from '../model/transaction.js';
import type { Operation } from '../validation/request-validator.js';
import { withSourceOfFundsObject } from '../validation/source-of-funds.js';
import { authenticate } from './auth.js';
import { errorBody, exchangeOf, secondsSince, sendJson, type Exchange } from './exchange.js';
import { BodyError, jsonBody, MAX_JSON_DEPTH, MAX_JSON_VALUES } from './json-body.js';
import { objectOf } from '../support/json.js';
import { GatewayError, RESPONSE_CODES } from './response-codes.js';
import { StoreWriteError } from '../store/store.js';
import { hintHeader } from './hint-text.js';
import { requestLine } from './request-line.js';
import { REFUSALS, type Refusal, type RefusalFacts } from './refusals.js';
import { GATEWAY_PREFIX, pathParam, validationError, type GatewayKit, type Handler, type Route } from './kit.js';
import { openVaRoutes } from './open-va-routes.js';
import { savedCardRoutes } from './saved-card-routes.js';
import { GatewayFaults } from './faults.js';
import { queueRealMicrotask, realMonotonicNow, waitReal } from '../support/real-time.js';

// Finpay's own web pages (card form, hosted picker) live under the gateway's prefix but are shopper pages, not API calls.
const SHOPPER_PAGES = /^\/pg\/payment\/card\/(?:(?:id\/)?v2\/)?access(?:\/|$)/;

/** Whether a request is for the gateway API rather than a page. */
export function isGatewayRequest(url: string): boolean {
  return url.startsWith(GATEWAY_PREFIX) && !SHOPPER_PAGES.test(url);
}

const pathOrderId = (ex: Exchange) => pathParam(ex, 'orderId');

/** Record or replay (server/recording/), in front of the handlers; with none set the router has no extra stage. */
export interface GatewayHook {
  /** After the exchange is open, before authentication and the body: answers, or calls next. */
  front?: (req: Request, res: Response, next: NextFunction) => void;
  /** Wraps each route's handler (after authentication and the body). */
  wrap?: (path: string, handler: Handler) => Handler;
}
const hooks = new WeakMap<AppContext, GatewayHook>();
/** Sets the hook of the router built for `ctx` (before createApp). */
export function hookGateway(ctx: AppContext, hook: GatewayHook): void {
  hooks.set(ctx, hook);
}

/**
 * `/pg/payment/card/*`: the gateway's own contract (the hot path of every merchant's test suite), errors always
 * in the gateway's JSON format, every exchange in the request log. Mounted first, for `isGatewayRequest` paths only.
 */
export function gatewayRouter(ctx: AppContext): Router {
  const faults = new GatewayFaults(ctx);
  const success = () => ({ responseCode: RESPONSE_CODES.success.code, responseMessage: ctx.config.successMessage });
  // Every answer ends with a traceId, successes too (observed live), after processingTime as on errors.
  const answer = (ex: Exchange, fields: Record<string, unknown>, headers?: Record<string, string>) => {
    if (faults.answeredInstead(ex)) return;
    sendJson(ex, 200, { ...fields, processingTime: secondsSince(ex.startedAt), traceId: ctx.generator.traceId() }, headers);
  };
  const scenarioHeader = (ex: Exchange): Record<string, string> => (ex.scenario ? { 'X-Finnet-Mock-Scenario': ex.scenario } : {});

  const findOrder = async (ex: Exchange, orderId: string): Promise<StoredTransaction> => {
    ex.orderId = orderId;
    const tx = await ctx.transactions.find(ex.merchant!.id, orderId);
    if (!tx) {
      throw GatewayError.of('transactionNotFound').hinted(
        `merchant ${ex.merchant!.id} has no order ${orderId}: initiate it first (orders belong to the merchant that initiated them; POST /_mock/reset forgets them)`);
    }
    ex.scenario = tx.scenario;
    return tx;
  };
  const accepted = <R extends { ok: true } | { ok: false; refusal: Refusal }>(result: R, facts: RefusalFacts): Extract<R, { ok: true }> => {
    if (!result.ok) {
      const { refusal } = result as { refusal: Refusal };
      throw REFUSALS[refusal].answer(facts).hinted(REFUSALS[refusal].hint(facts, ctx));
    }
    return result as Extract<R, { ok: true }>;
  };
  const kit: GatewayKit = { ctx, success, answer, findOrder, accepted, scenarioHeader };
  /** The validated `{order: {…}}` body of a void or refund. */
  const operationOrder = (ex: Exchange, operation: Operation): { id: string; amount?: number } => {
    const failure = ctx.validator.validateOperation(operation, ex.body);
    if (failure) throw validationError(failure);
    const order = (ex.body as { order: { id: string | number; amount?: string | number } }).order;
    // The void schema leaves amount untyped (void takes the whole payment): only a refund's checked amount is read.
    const amount = operation === 'refund' && order.amount !== undefined ? Number(order.amount) : undefined;
    return { id: String(order.id), ...(amount === undefined ? {} : { amount }) };
  };

  const initiate: Handler = async (ex) => {
    const body = withSourceOfFundsObject(ex.body!);
    const sof = body.sourceOfFunds;
    // Without sourceOfFunds the order opens the hosted page, where the shopper picks the channel.
    const type = objectOf(sof)?.type;
    const requested = sof === undefined ? HOSTED : typeof type === 'string' ? channelOf(type) : undefined;
    const failure = ctx.validator.validate(body, requested);
    if (failure) throw validationError(failure);
    // A valid body names a known sourceOfFunds.type (the schema's enum), or none at all.
    const channel = requested!;
    const { requestedScenario } = ex;
    ex.orderId = String((body.order as Record<string, unknown>).id);
    const facts: RefusalFacts = {
      merchantId: ex.merchant!.id, orderId: ex.orderId, channelType: channel.type, requestedScenario,
      callbackUrl: String((body.url as Record<string, unknown>).callbackUrl),
    };
    const { scenario } = accepted(ctx.transactions.admit(ex.merchant!.id, body, channel, requestedScenario, ex.matched), facts);
    // Two-click: the saved card must be this merchant's and this customer's, and not deleted.
    accepted(ctx.savedCards.admit(ex.merchant!.id, body), { ...facts, cardToken: String(objectOf(body.card)?.token), customerId: String(objectOf(body.customer)?.id) });
    ex.scenario = scenario?.name;
    const newOrder = !ctx.store.getTransaction(ex.merchant!.id, ex.orderId);
    const shaped = faults.withOutcomeStep(ex, scenario, newOrder);
    const { tx } = accepted(await ctx.transactions.initiate(ex.merchant!.id, body, channel, shaped, ex.bodyText), facts);
    answer(ex, { ...success(), ...initiateAnswer(tx, ctx.publicUrl()) }, scenarioHeader(ex));
  };

  const check: Handler = async (ex) => {
    const tx = await findOrder(ex, pathOrderId(ex));
    answer(ex, { ...success(), data: checkStatusData(tx, ctx.config.failureStatus) }, scenarioHeader(ex));
  };

  const cancel: Handler = async (ex) => {
    const tx = await findOrder(ex, pathOrderId(ex));
    accepted(await ctx.transactions.cancel(tx, 'cancel API'), { merchantId: tx.merchantId, tx });
    answer(ex, success(), scenarioHeader(ex));
  };

  const voidByPath: Handler = async (ex) => {
    const tx = await findOrder(ex, pathOrderId(ex));
    accepted(await ctx.transactions.voidPayment(tx, 'void API'), { merchantId: tx.merchantId, tx, operation: 'void' });
    answer(ex, success(), scenarioHeader(ex));
  };

  const voidByBody: Handler = async (ex) => {
    const order = operationOrder(ex, 'void');
    const tx = await findOrder(ex, order.id);
    accepted(await ctx.transactions.voidPayment(tx, 'void API'), { merchantId: tx.merchantId, tx, operation: 'void' });
    answer(ex, success(), scenarioHeader(ex));
  };

  const refund: Handler = async (ex) => {
    const order = operationOrder(ex, 'refund');
    const tx = await findOrder(ex, order.id);
    accepted(await ctx.transactions.refund(tx, order.amount, 'refund API'), { merchantId: tx.merchantId, tx, operation: 'refund', refundAmount: order.amount });
    answer(ex, success(), scenarioHeader(ex));
  };

  const byOrderPath = (name: string, handler: Handler): Route => ({
    path: `${GATEWAY_PREFIX}${name}/:orderId`,
    methods: { GET: { handler }, POST: { handler } },
  });
  const routes: Route[] = [
    { path: `${GATEWAY_PREFIX}initiate`, methods: { POST: { handler: initiate, body: true } } },
    byOrderPath('check', check),
    byOrderPath('cancel', cancel),
    byOrderPath('void', voidByPath),
    { path: `${GATEWAY_PREFIX}void`, methods: { POST: { handler: voidByBody, body: true } } },
    // Some SDKs send the refund as a GET with a JSON body.
    { path: `${GATEWAY_PREFIX}refund`, methods: { POST: { handler: refund, body: true }, GET: { handler: refund, body: true } } },
    ...openVaRoutes(kit),
    ...savedCardRoutes(kit),
  ];

  const operations = new Set(routes.map((r) => r.path.slice(GATEWAY_PREFIX.length).split('/')[0]));
  const routeList = routes.map((r) => `${Object.keys(r.methods).join('|')} ${r.path.slice(GATEWAY_PREFIX.length)}`).join(', ');
  /** The operation a request is for (`initiate`, `check`, …), or its method and path when it names none. */
  const operationOf = (ex: Exchange) => {
    const name = ex.path.slice(GATEWAY_PREFIX.length).split('/')[0]!;
    return ex.path.startsWith(GATEWAY_PREFIX) && operations.has(name) ? name : `${ex.req.method} ${ex.path}`;
  };
  const fail = (ex: Exchange, error: GatewayError, headers: Record<string, string> = {}) => {
    ex.error = error;
    ex.hint = error.detail?.hint ?? `see the gateway's paths and answers in the README (paths: ${routeList}, under ${GATEWAY_PREFIX})`;
    sendJson(ex, error.status, errorBody(error, ex.startedAt, ctx.generator.traceId()),
      { ...scenarioHeader(ex), ...headers, 'X-Finnet-Mock-Hint': hintHeader(ex.hint) });
  };

  /** Opens the exchange of a gateway API request (logged once answered); the app enters this router only for those. */
  const open = (req: Request, res: Response, next: NextFunction) => {
    const query = req.url.indexOf('?');
    const ex: Exchange = { req, res, startedAt: realMonotonicNow(), path: query < 0 ? req.url : req.url.slice(0, query) };
    const at = ctx.clock.now();
    res.locals.exchange = ex;
    res.once('close', () => {
      ctx.requestLog.record(ex, at);
      if (!ctx.logger.enabled('info')) return;
      const line = requestLine(ex, operationOf(ex));
      ctx.logger.info(line.text, line.fields);
    });
    req.url = literalMalformedEscapes(req.url);
    // Not before the parser is done with the bytes at hand: a body whose framing is malformed gets that
    // 400 (client-errors.ts), not an early 401/404/405.
    // --latency holds every gateway answer back, errors too; never pages or /_mock.
    const latency = faults.latencyMs();
    if (latency > 0) void waitReal(latency, ctx.stopped).then(next);
    else queueRealMicrotask(next);
  };
  const merchant = (req: Request, res: Response, next: NextFunction) => {
    exchangeOf(res).merchant = authenticate(req.headers.authorization, ctx.merchants);
    next();
  };
  const drain = (req: Request, _res: Response, next: NextFunction) => {
    req.resume();
    next();
  };
  const run = (handler: Handler) => (_req: Request, res: Response) => handler(exchangeOf(res));

  const router = express.Router({ strict: true, caseSensitive: true });
  router.use(open);
  const hook = hooks.get(ctx);
  if (hook?.front) router.use(hook.front);
  for (const route of routes) {
    const allowed = Object.keys(route.methods).join(', ');
    const methodAllowed = (req: Request, res: Response, next: NextFunction) => {
      if (Object.hasOwn(route.methods, req.method)) return next();
      fail(exchangeOf(res), GatewayError.of('methodNotAllowed', `Use ${allowed}`, { hint: `${route.path} takes ${allowed}` }), { Allow: allowed });
    };
    const entry = router.route(route.path).all(methodAllowed);
    for (const [method, { handler, body }] of Object.entries(route.methods)) {
      const handle = faults.wrap(route.path, handler);
      entry[method.toLowerCase() as 'get' | 'post'](merchant, body ? jsonBody : drain, run(hook?.wrap ? hook.wrap(route.path, handle) : handle));
    }
  }
  router.use((req: Request, res: Response) => {
    const ex = exchangeOf(res);
    fail(ex, GatewayError.of('notFound', `No route for ${req.method} ${ex.path}`, { hint: `the gateway API is ${routeList}, under ${GATEWAY_PREFIX}` }));
  });
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent || res.destroyed) return;
    const ex = exchangeOf(res);
    if (err instanceof GatewayError) return fail(ex, err);
    if (err instanceof BodyError) {
      ex.bodyText = err.text;
      return fail(ex, GatewayError.of('badRequest', err.message, { hint: `the body must be one JSON object in UTF-8, sent as application/json, at most 1 MB, ${MAX_JSON_DEPTH} levels deep and ${MAX_JSON_VALUES} values` }));
    }
    // The store has logged why the disk refused the write; the merchant gets the gateway's general error.
    if (!(err instanceof StoreWriteError)) ctx.logger.error(`${req.method} ${ex.path} failed: ${(err as Error).stack ?? String(err)}`);
    const hint = err instanceof StoreWriteError ? 'the simulator could not write its data file: see its terminal' : 'the simulator failed: the stack trace is in its terminal';
    fail(ex, GatewayError.of('generalError', undefined, { hint }));
  });
  return router;
}

/**
 * The URL with each path segment that is no valid percent-encoding made literal (`%` → `%25`): the gateway
 * looks such an order id up as sent, where Express would refuse to decode the route parameter.
 */
function literalMalformedEscapes(url: string): string {
  if (!url.includes('%')) return url;
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const literal = path.split('/').map((segment) => (decodable(segment) ? segment : segment.replaceAll('%', '%25'))).join('/');
  return query < 0 ? literal : literal + url.slice(query);
}

function decodable(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

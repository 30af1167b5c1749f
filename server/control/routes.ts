import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { objectOf } from '../support/json.js';
import type { AppContext } from '../operations/context.js';
import { parseDuration } from '../support/duration.js';
import { waitForDelivered } from '../callbacks/wait.js';
import { Operations, type OperationRefusal, type Outcome } from '../operations/operations.js';
import { parseScenarios, ScenarioError } from '../scenarios/loader.js';
import { presentedToken, tokenMatches } from './admin-token.js';
import { csrfGuard } from './csrf-guard.js';
import { jsonShapeProblem } from '../gateway/json-body.js';
import { controlDocument, gatewayDocument } from './openapi.js';
import { sendProblem } from './problem.js';
import { filtersOf, page, Problem, text } from './query.js';
import { subscriptionRoutes } from './subscription-routes.js';
import { explainSignature } from './signature-explainer.js';
import { openVaControlRoutes } from './open-va-routes.js';
import { savedCardControlRoutes } from './saved-card-routes.js';
import { clockView, deliveryView, requestView, scenarioView, transactionSummary, transactionView } from './views.js';
import { StoreWriteError } from '../store/store.js';
import { REQUEST_FILTERS, readRequestFilter } from '../operations/request-log.js';
import { CALLBACK_HEALTH, callbackHealth, readCallbackHealth } from '../operations/callback-health.js';

const MAX_WAIT_MS = 120_000;

/** The filters of `GET /_mock/transactions` (besides limit and offset). */
const TRANSACTION_FILTERS = ['status', 'merchantId', 'channel', 'callback'] as const;

/** Each refused operation as problem+json: its status and title (the detail is the operation's own sentence). */
const PROBLEMS: Record<OperationRefusal, { status: number; title: string }> = {
  'not-found': { status: 404, title: 'Transaction not found' },
  ambiguous: { status: 409, title: 'Ambiguous order id' },
  'unknown-action': { status: 404, title: 'Unknown action' },
  'invalid-status': { status: 409, title: 'Not allowed in this state' },
  'unknown-merchant': { status: 404, title: 'Unknown merchant' },
  'callback-not-found': { status: 404, title: 'Callback not found' },
  'bad-duration': { status: 400, title: 'Bad duration' },
  'bad-time': { status: 400, title: 'Bad time' },
  'bad-amount': { status: 400, title: 'Bad amount' },
};

/** What a successful operation gave; a refused one is thrown as its problem. */
function accepted<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Problem(PROBLEMS[outcome.refusal].status, PROBLEMS[outcome.refusal].title, outcome.message);
  return outcome;
}

/**
 * `router` for the paths under `prefix` only: a request that enters a router it does not leave answered is deferred
 * with the global setImmediate, which a test's fake timers stop, so routers are entered only for their own paths.
 */
function under(prefix: string, router: Router): RequestHandler {
  const handler: RequestHandler = (req, res, next) => (req.path === prefix || req.path.startsWith(`${prefix}/`) ? router(req, res, next) : next());
  // Its routes stay listable from the control router (the OpenAPI document is checked against that list).
  return Object.assign(handler, { stack: router.stack });
}

/** `/_mock`: the simulator's own control API (JSON, errors as problem+json). */
export function controlRouter(ctx: AppContext): Router {
  const router = express.Router();
  const operations = new Operations(ctx);
  const handle = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res);
    } catch (err) {
      if (err instanceof Problem) sendProblem(res, err.status, err.title, err.message);
      else next(err);
    }
  };

  router.get('/health', (_req, res) => {
    const memory = process.memoryUsage();
    const store = ctx.store.health;
    // Not ready while writes fail: a container orchestrator (or a test) sees it instead of a stream of 5000000s.
    res.status(store.writable ? 200 : 503).json({
      status: store.writable ? 'ok' : 'not ready', transactions: ctx.store.transactions().length, now: new Date(ctx.clock.now()).toISOString(),
      store,
      memory: { rssMb: Math.round(memory.rss / 2 ** 20), heapUsedMb: Math.round(memory.heapUsed / 2 ** 20) },
    });
  });

  // A public key is no secret: merchants fetch it to verify x-signature, with or without the admin token.
  router.get('/keys/callback.pem', (_req, res) => {
    res.type('application/x-pem-file').send(ctx.dispatcher.signer.publicKeyPem);
  });

  router.use(csrfGuard(() => ctx.publicUrl()));
  router.use((req, res, next) => {
    const token = ctx.config.adminToken;
    if (!token || tokenMatches(presentedToken(req), token)) return next();
    sendProblem(res, 401, 'Admin token required', 'Send Authorization: Bearer <admin token> (the simulator was started with --admin-token).');
  });
  // The same shape limits as the gateway's reader, checked before parsing: a 1 MB body of brackets must not block the loop.
  router.use(express.json({
    limit: '1mb', strict: false, type: ['application/json', 'application/*+json'],
    verify: (_req, _res, buffer) => {
      const problem = jsonShapeProblem(buffer.toString('utf8'));
      if (problem) throw Object.assign(new Error(problem), { status: 400, type: 'entity.shape' });
    },
  }));

  router.post('/reset', handle(async (req, res) => {
    const body: unknown = req.body;
    const fields = objectOf(body);
    // A body that does not name one merchant plainly must not reset them all.
    if (body !== undefined && (!fields || Object.keys(fields).some((key) => key !== 'merchantId'))) {
      throw new Problem(400, 'Bad reset', 'Send no body to reset everything, or {"merchantId": "<id>"} for one merchant');
    }
    const given = fields && 'merchantId' in fields ? fields.merchantId : req.query.merchantId;
    if (given !== undefined && text(given) === undefined) throw new Problem(400, 'Bad merchantId', 'merchantId must be the id of a merchant, as text');
    const merchantId = text(given);
    accepted(await operations.reset(merchantId));
    res.json({ reset: merchantId ?? 'all' });
  }));

  router.get('/transactions', handle((req, res) => {
    const { status, merchantId, channel, callback: given } = filtersOf(req, TRANSACTION_FILTERS, 'Bad transaction filter');
    const callback = given === undefined ? undefined : readCallbackHealth(given);
    if (callback === null) throw new Problem(400, 'Bad callback filter', `callback must be one of ${CALLBACK_HEALTH.join(', ')}`);
    const { limit, offset } = page(req);
    const all = ctx.store.transactions();
    const items: Record<string, unknown>[] = [];
    let matched = 0;
    for (let i = all.length - 1; i >= 0; i--) {
      const tx = all[i]!;
      if ((status && tx.status !== status) || (merchantId && tx.merchantId !== merchantId) || (channel && tx.channel !== channel)) continue;
      if (callback && callbackHealth(ctx.store, tx).state !== callback) continue;
      if (matched++ >= offset && items.length < limit) items.push(transactionSummary(tx));
    }
    res.json({ total: matched, limit, offset, items });
  }));

  router.get('/transactions/:orderId', handle(async (req, res) => {
    res.json(transactionView(ctx, accepted(await operations.find(String(req.params.orderId), text(req.query.merchantId))).tx));
  }));

  router.post('/transactions/:orderId/refund', handle(async (req, res) => {
    const fields = objectOf(req.body);
    if (req.body !== undefined && (!fields || Object.keys(fields).some((key) => key !== 'amount'))) {
      throw new Problem(400, 'Bad refund', 'Send no body to refund all that is left, or {"amount": <rupiah>} for part of it');
    }
    // A refund cannot be undone: an amount given as null or "" is a mistake, not "all that is left" (leave it out for that).
    if (fields && (fields.amount === null || fields.amount === '')) throw new Problem(400, 'Bad amount', 'amount must be a whole number of rupiah, 1 or more; leave it out to refund all that is left');
    const { tx } = accepted(await operations.refund(String(req.params.orderId), fields?.amount, 'control API', text(req.query.merchantId)));
    res.json(transactionView(ctx, tx));
  }));

  router.post('/transactions/:orderId/void', handle(async (req, res) => {
    const { tx } = accepted(await operations.void(String(req.params.orderId), 'control API', text(req.query.merchantId)));
    res.json(transactionView(ctx, tx));
  }));

  router.post('/transactions/:orderId/:action', handle(async (req, res) => {
    const { tx } = accepted(await operations.act(String(req.params.orderId), String(req.params.action), 'control API', text(req.query.merchantId)));
    res.json(transactionView(ctx, tx));
  }));

  router.get('/callbacks', (req, res) => {
    const { orderId, merchantId, status } = { orderId: text(req.query.orderId), merchantId: text(req.query.merchantId), status: text(req.query.status) };
    const items = ctx.store.deliveries()
      .filter((d) => (!orderId || d.orderId === orderId) && (!merchantId || d.merchantId === merchantId) && (!status || d.status === status))
      .map(deliveryView).reverse();
    res.json({ total: items.length, items });
  });

  router.get('/callbacks/wait', handle(async (req, res) => {
    const orderId = text(req.query.orderId);
    if (!orderId) throw new Problem(400, 'orderId required', 'GET /_mock/callbacks/wait?orderId=…&status=…&timeoutMs=…');
    const timeoutMs = Math.min(parseDuration(req.query.timeoutMs ?? '10000') ?? 10_000, MAX_WAIT_MS);
    const status = text(req.query.status);
    const merchantId = text(req.query.merchantId);
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const delivery = await waitForDelivered(ctx.store, ctx.dispatcher, {
      orderId, timeoutMs, signal: gone.signal, ...(status ? { status } : {}), ...(merchantId ? { merchantId } : {}),
    });
    if (res.destroyed) return;
    if (!delivery) throw new Problem(408, 'No callback yet', `No delivered callback for order ${orderId}${status ? ` with status ${status}` : ''} within ${timeoutMs} ms`);
    res.json(deliveryView(delivery));
  }));

  router.post('/callbacks/:id/resend', handle(async (req, res) => {
    const { delivery, attempt } = accepted(await operations.resend(String(req.params.id)));
    res.json({ attempt: { ...attempt, at: new Date(attempt.at).toISOString() }, callback: deliveryView(delivery) });
  }));

  router.get('/clock', (_req, res) => {
    res.json(clockView(ctx));
  });

  const moveClock = handle(async (req, res) => {
    const body = objectOf(req.body) ?? {};
    const action = text(body.action) ?? (req.method === 'PUT' ? 'put' : undefined);
    switch (action) {
      case 'freeze': case 'resume': case 'reset': await operations.clock(action); break;
      case 'set': accepted(await operations.setClock(body.to)); break;
      case 'advance': accepted(await operations.advanceClock(body.by)); break;
      case 'put': {
        if (body.now !== undefined) accepted(await operations.setClock(body.now));
        if (body.frozen === true) await operations.clock('freeze');
        if (body.frozen === false) await operations.clock('resume');
        break;
      }
      default:
        throw new Problem(400, 'Unknown clock action', '"action" must be one of freeze, resume, set (with "to"), advance (with "by"), reset');
    }
    res.json(clockView(ctx));
  });
  router.post('/clock', moveClock);
  router.put('/clock', moveClock);

  router.get('/scenarios', (_req, res) => {
    res.json({ items: ctx.scenarios.all().map(scenarioView) });
  });

  router.post('/scenarios', handle((req, res) => {
    let added;
    try {
      added = parseScenarios(req.body, 'runtime');
    } catch (err) {
      if (err instanceof ScenarioError) throw new Problem(400, 'Invalid scenario', err.message);
      throw err;
    }
    ctx.scenarios.add(added);
    res.status(201).json({ items: added.map(scenarioView) });
  }));

  router.patch('/scenarios/:name', handle((req, res) => {
    const enabled = objectOf(req.body)?.enabled;
    if (typeof enabled !== 'boolean') throw new Problem(400, 'enabled required', 'Send {"enabled": true} or {"enabled": false}');
    const scenario = ctx.scenarios.setEnabled(String(req.params.name), enabled);
    if (!scenario) throw new Problem(404, 'Scenario not found', `No scenario ${req.params.name}`);
    res.json(scenarioView(scenario));
  }));

  router.delete('/scenarios', (_req, res) => {
    res.json({ removed: ctx.scenarios.remove() });
  });

  router.delete('/scenarios/:name', handle((req, res) => {
    const name = String(req.params.name);
    if (ctx.scenarios.remove(name) === 0) {
      throw new Problem(ctx.scenarios.get(name) ? 409 : 404, 'Scenario not removable', ctx.scenarios.get(name)
        ? `${name} comes from a file; disable it with PATCH {"enabled": false}` : `No runtime scenario ${name}`);
    }
    res.json({ removed: 1 });
  }));

  router.get('/requests', handle((req, res) => {
    const unknown = Object.keys(req.query).find((name) => name !== 'limit' && name !== 'offset' && !(REQUEST_FILTERS as readonly string[]).includes(name));
    if (unknown !== undefined) throw new Problem(400, 'Bad request filter', `${unknown.slice(0, 100)} is not a request filter (filters: ${REQUEST_FILTERS.join(', ')}, limit, offset)`);
    const given = Object.fromEntries(REQUEST_FILTERS.map((name) => [name, req.query[name]]));
    const read = readRequestFilter(given);
    if ('problem' in read) throw new Problem(400, 'Bad request filter', read.problem);
    const { limit, offset } = page(req);
    const matched = ctx.requestLog.find(read.filter);
    res.json({ total: matched.length, limit, offset, items: matched.slice(offset, offset + limit).map(requestView) });
  }));

  router.post('/signature', handle((req, res) => {
    const input = objectOf(req.body) ?? {};
    const merchantId = text(input.merchantId) ?? ctx.config.merchants[0]!.id;
    const merchant = ctx.merchants.get(merchantId);
    if (!merchant) throw new Problem(404, 'Unknown merchant', `No merchant ${merchantId}`);
    let body = input.body;
    const raw = typeof body === 'string' ? body : null;
    if (raw !== null) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new Problem(400, 'Body is not JSON', '"body" must be the callback as a JSON object or the raw JSON text');
      }
    }
    const fields = objectOf(body);
    if (!fields) throw new Problem(400, 'body required', 'Send {"merchantId": "…", "body": <the callback body>}');
    res.json(explainSignature(merchant.id, merchant.key, fields, raw));
  }));

  router.use(under('/subscriptions', subscriptionRoutes(ctx)));

  router.use(under('/open-vas', openVaControlRoutes(ctx)));

  router.use(under('/saved-cards', savedCardControlRoutes(ctx)));

  // The published openapi/*.json, pointed at this simulator.
  router.get('/openapi.json', (_req, res) => {
    res.json(gatewayDocument([{ url: ctx.publicUrl(), description: 'this simulator' }]));
  });
  router.get('/openapi-control.json', (_req, res) => {
    res.json(controlDocument([{ url: ctx.publicUrl(), description: 'this simulator' }]));
  });

  router.use((req: Request, res: Response) => sendProblem(res, 404, 'Not found', `No control endpoint ${req.method} ${req.baseUrl}${req.path}`));
  router.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return sendProblem(res, 400, 'Body is not JSON', err.message);
    if (err.status && err.status < 500) return sendProblem(res, err.status, 'Bad request', err.message);
    if (err instanceof StoreWriteError) return sendProblem(res, 503, 'Data file not writable', `Nothing was changed: ${err.message}.`);
    ctx.logger.error(`control API failed: ${err.stack ?? err.message}`);
    sendProblem(res, 500, 'Internal error', 'The simulator failed to handle this request; the log has the details.');
  });
  return router;
}

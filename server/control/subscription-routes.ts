import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppContext } from '../operations/context.js';
import type { Subscription, SubscriptionState } from '../model/subscription.js';
import { SUBSCRIPTION_VERBS, type SubscriptionVerb } from '../transactions/subscriptions.js';
import { sendProblem } from './problem.js';
import { answering, filtersOf, iso, oneOf, paged, text } from './query.js';

/** The states a subscription list can be filtered by. */
const STATES: readonly SubscriptionState[] = ['active', 'paused', 'cancelled', 'ended'];

/** A subscription as the control API shows it: times in ISO-8601, charges (read from their orders) with their order ids. */
export function subscriptionView(ctx: Pick<AppContext, 'subscriptions'>, sub: Subscription): Record<string, unknown> {
  return {
    id: sub.id, merchantId: sub.merchantId, customerId: sub.customerId, firstOrderId: sub.firstOrderId, state: sub.state,
    type: sub.type, amount: sub.amount, interval: sub.interval, intervalUnit: sub.intervalUnit, maxInterval: sub.maxInterval ?? null,
    startDate: sub.startDate ?? null, endDate: sub.endDate ?? null, retry: sub.retry ?? null, cardToken: sub.cardToken ?? null,
    createdAt: iso(sub.createdAt), nextChargeAt: iso(sub.nextChargeAt), nextCharge: sub.nextCharge ?? null, nextAttempt: sub.nextAttempt ?? null,
    failNext: sub.failNext ?? false, chargesMade: sub.chargesMade,
    endedAt: iso(sub.endedAt), endReason: sub.endReason ?? null,
    charges: ctx.subscriptions.chargesOf(sub).map((c) => ({ ...c, orderId: c.orderId || null, dueAt: iso(c.dueAt) })),
  };
}

/** `/_mock/subscriptions`: list, one, and the operator's verbs (cancel, pause, resume, fail-next). */
export function subscriptionRoutes(ctx: AppContext): Router {
  const router = express.Router();
  const { subscriptions } = ctx;

  /** The one subscription the request names, or the problem that says why not. */
  const one = (req: Request, res: Response): Subscription | undefined => {
    const id = String(req.params.id);
    const merchantId = text(req.query.merchantId);
    if (merchantId !== undefined && !ctx.merchants.has(merchantId)) return void sendProblem(res, 404, 'Unknown merchant', `There is no merchant "${merchantId}"`);
    const found = subscriptions.find(id, merchantId);
    if (found.length === 0) {
      return void sendProblem(res, 404, 'Subscription not found', `No subscription "${id}"${merchantId ? ` for merchant ${merchantId}` : ''}: it starts when the first payment of a recurring.subscribe "Y" card order is CAPTURED`);
    }
    if (found.length > 1) return void sendProblem(res, 409, 'Ambiguous subscription id', `Merchants ${found.map((s) => s.merchantId).join(', ')} each have subscription "${id}": add ?merchantId=`);
    return found[0];
  };

  router.get('/subscriptions', answering((req, res) => {
    const { merchantId, state: given } = filtersOf(req, ['merchantId', 'state'], 'Bad subscription filter');
    const state = oneOf(given, STATES, 'state', 'Bad subscription filter');
    res.json(paged(req, subscriptions.list(merchantId).filter((s) => !state || s.state === state).reverse(), (s) => subscriptionView(ctx, s)));
  }));

  router.get('/subscriptions/:id', (req, res) => {
    const sub = one(req, res);
    if (sub) res.json(subscriptionView(ctx, sub));
  });

  router.post('/subscriptions/:id/:verb', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const verb = String(req.params.verb);
      if (!(SUBSCRIPTION_VERBS as readonly string[]).includes(verb)) {
        return sendProblem(res, 404, 'Unknown action', `"${verb}" is not one of ${SUBSCRIPTION_VERBS.join(', ')}`);
      }
      const sub = one(req, res);
      if (!sub) return;
      const done = await subscriptions.act(sub, verb as SubscriptionVerb);
      if (!done.ok) return sendProblem(res, 409, 'Not allowed in this state', `Subscription "${sub.id}" is ${sub.state}: ${verb} is not possible`);
      res.json(subscriptionView(ctx, sub));
    } catch (err) {
      next(err);
    }
  });
  return router;
}

import express, { type Router } from 'express';
import type { AppContext } from '../context.js';
import { canApply, TRANSITIONS, type Action } from '../transactions/lifecycle.js';
import { callbackOutcome, latestDelivery } from './callback-result.js';
import { transactionPath, withQuery } from './format.js';
import type { Dashboard } from './render.js';

/** The buttons of a transaction page, in the order a developer reaches for them. */
const ACTIONS = [
  { action: 'pay', label: 'Pay', done: 'paid' },
  { action: 'fail', label: 'Fail', done: 'failed' },
  { action: 'expire', label: 'Expire', done: 'expired' },
  { action: 'cancel', label: 'Cancel', done: 'cancelled' },
] as const satisfies readonly { action: Action; label: string; done: string }[];


/** `/transactions/{merchant}/{order}`: everything about one order, and the buttons that move it. */
export function transactionPage(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;
  const missing = (merchantId: string, orderId: string) => `There is no order "${orderId}" for merchant "${merchantId}". It may have been reset, or the link is mistyped.`;

  router.get('/transactions/:merchantId/:orderId', async (req, res) => {
    const { merchantId, orderId } = req.params;
    const tx = await ctx.transactions.find(merchantId, orderId);
    if (!tx) return dash.notFound(req, res, 'Transaction not found', missing(merchantId, orderId));
    dash.render(req, res, 'transaction', { title: `Order ${orderId}`, section: 'transactions' }, {
      tx,
      deliveries: ctx.store.deliveriesOf(merchantId, orderId),
      requests: ctx.requestLog.list().filter((r) => r.merchantId === merchantId && r.orderId === orderId),
      actions: ACTIONS.map((a) => ({ ...a, allowed: canApply(a.action, tx), from: TRANSITIONS[a.action].from.join(' or '), to: TRANSITIONS[a.action].to(tx) })),
      jsonUrl: withQuery(`/_mock/transactions/${encodeURIComponent(orderId)}`, { merchantId }),
    });
  });

  router.post('/transactions/:merchantId/:orderId/:action', async (req, res) => {
    const { merchantId, orderId } = req.params;
    const action = ACTIONS.find((a) => a.action === req.params.action);
    const tx = await ctx.transactions.find(merchantId, orderId);
    if (!tx) return dash.notFound(req, res, 'Transaction not found', missing(merchantId, orderId));
    if (!action) return dash.notFound(req, res, 'No such action', `Orders can be ${ACTIONS.map((a) => a.done).join(', ')}; not "${req.params.action}".`);
    const back = transactionPath(merchantId, orderId);
    const before = tx.status;
    const earlier = latestDelivery(ctx, merchantId, orderId);
    if (!(await ctx.transactions.apply(tx, action.action, `dashboard: ${action.action}`))) {
      return dash.redirect(res, back, { kind: 'error', text: `Cannot ${action.action} order ${orderId}: it is ${before}, and only ${TRANSITIONS[action.action].from.join(' or ')} orders can be ${action.done}.` });
    }
    const created = latestDelivery(ctx, merchantId, orderId);
    const outcome = await callbackOutcome(ctx, created === earlier ? undefined : created);
    dash.redirect(res, back, { kind: 'ok', text: `Order ${orderId} ${action.done}: ${before} → ${tx.status}. ${outcome}` });
  });
  return router;
}

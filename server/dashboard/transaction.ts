import express, { type Request, type Response, type Router } from 'express';
import type { Refused } from '../operations/operations.js';
import { objectOf } from '../support/json.js';
import { rupiah } from '../support/indonesian-format.js';
import { callbackOutcome } from './callback-result.js';
import { callbackFlag } from './callback-flag.js';
import { callbackHealth } from '../operations/callback-health.js';
import { FINAL_STATUSES } from '../model/transaction.js';
import { openVaPath } from './open-vas.js';
import { subscriptionPath } from './subscriptions.js';
import { transactionPath, withQuery } from './view-helpers.js';
import type { Dashboard } from './render.js';

/** `/transactions/{merchant}/{order}`: everything about one order, and the buttons that move it. */
export function transactionPage(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx, operations } = dash;
  const missing = (merchantId: string, orderId: string) => `There is no order "${orderId}" for merchant "${merchantId}". It may have been reset, or the link is mistyped.`;

  router.get('/transactions/:merchantId/:orderId', async (req, res) => {
    const { merchantId, orderId } = req.params;
    const found = await operations.find(orderId, merchantId);
    if (!found.ok) return dash.notFound(req, res, 'Transaction not found', missing(merchantId, orderId));
    const { tx } = found;
    const subscription = ctx.subscriptions.ofOrder(tx);
    const charge = subscription && ctx.subscriptions.chargeOf(tx);
    const openVa = ctx.openVas.ofOrder(tx);
    dash.render(req, res, 'transaction', { title: `Order ${orderId}`, section: 'transactions' }, {
      tx,
      subscription: subscription && { path: subscriptionPath(subscription.merchantId, subscription.id), id: subscription.id,
        role: charge ? `charge ${charge.n}${charge.attempt > 1 ? `, retry ${charge.attempt - 1}` : ''}` : 'first payment' },
      openVa: openVa && { path: openVaPath(openVa.merchantId, openVa.channel, openVa.paymentCode), code: openVa.paymentCode },
      deliveries: ctx.store.deliveriesOf(merchantId, orderId),
      requests: ctx.requestLog.list().filter((r) => r.merchantId === merchantId && r.orderId === orderId),
      actions: operations.actionsFor(tx),
      money: operations.moneyActionsFor(tx),
      flag: callbackFlag(callbackHealth(ctx.store, tx)),
      final: FINAL_STATUSES.includes(tx.status),
      jsonUrl: withQuery(`/_mock/transactions/${encodeURIComponent(orderId)}`, { merchantId }),
    });
  });

  // Refund and void answer as the merchant's APIs would; a refusal comes back as the flash, worded by the operation.
  router.post('/transactions/:merchantId/:orderId/refund', async (req, res) => {
    const { merchantId, orderId } = req.params;
    const done = await operations.refund(orderId, objectOf(req.body)?.amount, 'dashboard', merchantId);
    if (!done.ok) return refused(req, res, merchantId, orderId, done);
    const outcome = await callbackOutcome(ctx, done.callback);
    dash.redirect(res, transactionPath(merchantId, orderId), { kind: 'ok', text: `Order ${orderId}: ${rupiah(done.refunded)} refunded, ${done.from} → ${done.tx.status}. ${outcome}` });
  });

  router.post('/transactions/:merchantId/:orderId/void', async (req, res) => {
    const { merchantId, orderId } = req.params;
    const done = await operations.void(orderId, 'dashboard', merchantId);
    if (!done.ok) return refused(req, res, merchantId, orderId, done);
    const outcome = await callbackOutcome(ctx, done.callback);
    dash.redirect(res, transactionPath(merchantId, orderId), { kind: 'ok', text: `Order ${orderId} voided: ${done.from} → ${done.tx.status}. ${outcome}` });
  });

  const refused = (req: Request, res: Response, merchantId: string, orderId: string, done: Refused) => {
    if (done.refusal === 'invalid-status' || done.refusal === 'bad-amount') return dash.redirect(res, transactionPath(merchantId, orderId), { kind: 'error', text: done.message });
    dash.notFound(req, res, 'Transaction not found', missing(merchantId, orderId));
  };

  router.post('/transactions/:merchantId/:orderId/:action', async (req, res) => {
    const { merchantId, orderId, action } = req.params;
    const back = transactionPath(merchantId, orderId);
    const done = await operations.act(orderId, action, 'dashboard', merchantId);
    if (done.ok) {
      const outcome = await callbackOutcome(ctx, done.callback);
      return dash.redirect(res, back, { kind: 'ok', text: `Order ${orderId} ${done.done}: ${done.from} → ${done.tx.status}. ${outcome}` });
    }
    if (done.refusal === 'invalid-status') return dash.redirect(res, back, { kind: 'error', text: done.message });
    if (done.refusal === 'unknown-action') return dash.notFound(req, res, 'No such action', `${done.message}.`);
    dash.notFound(req, res, 'Transaction not found', missing(merchantId, orderId));
  });
  return router;
}

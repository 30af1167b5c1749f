import express, { type Router } from 'express';
import { objectOf } from '../support/json.js';
import type { Delivery, DeliveryState } from '../model/delivery.js';
import { describeAttempt, nextStep } from './callback-result.js';
import { transactionPath, withQuery } from './view-helpers.js';
import { paginate, param } from './paging.js';
import type { Dashboard } from './render.js';

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'gave-up', 'suppressed'];

/** `/callbacks`: every callback of every order, newest first, with re-send. */
export function callbackPages(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;

  router.get('/callbacks', (req, res) => {
    const filters = { state: param(req.query.state), merchant: param(req.query.merchant), q: param(req.query.q) };
    const needle = filters.q.toLowerCase();
    const all = ctx.store.deliveries();
    const matched: Delivery[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const d = all[i]!;
      if ((filters.state && d.state !== filters.state) || (filters.merchant && d.merchantId !== filters.merchant)
        || (needle && !d.orderId.toLowerCase().includes(needle))) continue;
      matched.push(d);
    }
    dash.render(req, res, 'callbacks', { title: 'Callbacks', section: 'callbacks' }, {
      filters, paged: paginate(matched, req.query.page), filtered: Object.values(filters).some(Boolean), states: STATES,
      merchants: [...new Set([...ctx.config.merchants.map((m) => m.id), ...all.map((d) => d.merchantId)])],
      pageUrl: (page: number) => withQuery('/callbacks', { ...filters, page: page === 1 ? undefined : page }),
    });
  });

  router.post('/callbacks/:id/resend', async (req, res) => {
    const resent = await dash.operations.resend(req.params.id);
    if (!resent.ok) return dash.notFound(req, res, 'Callback not found', `There is no callback "${req.params.id}". It may have been reset.`);
    const { delivery, attempt } = resent;
    const back = objectOf(req.body)?.return === 'callbacks' ? '/callbacks' : transactionPath(delivery.merchantId, delivery.orderId);
    dash.redirect(res, back, attempt.delivered
      ? { kind: 'ok', text: `Callback for order ${delivery.orderId} re-sent (attempt ${attempt.n}): ${describeAttempt(attempt)}.` }
      : { kind: 'error', text: `Callback for order ${delivery.orderId} re-sent (attempt ${attempt.n}): ${describeAttempt(attempt)}; ${nextStep(delivery)}.` });
  });
  return router;
}

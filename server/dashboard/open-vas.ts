import express, { type Router } from 'express';
import { channelOf } from '../channels/table.js';
import { objectOf } from '../support/json.js';
import { openVaStatus, transferPagePath } from '../transactions/open-vas.js';
import type { Dashboard } from './render.js';

/** `/open-vas/<merchantId>/<sofId>/<paymentCode>`: one VA's page. */
export function openVaPath(merchantId: string, channel: string, paymentCode: string): string {
  return `/open-vas/${encodeURIComponent(merchantId)}/${channel}/${paymentCode}`;
}

/** `/open-vas`: every open VA (newest first); one VA with its payments and a form to simulate a transfer into it. */
export function openVaPages(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;

  router.get('/open-vas', (req, res) => {
    const vas = ctx.openVas.list().reverse();
    dash.render(req, res, 'open-vas', { title: 'Open VAs', section: 'open-vas' }, {
      rows: vas.map((va) => ({
        va, status: openVaStatus(va), path: openVaPath(va.merchantId, va.channel, va.paymentCode), channelName: channelOf(va.channel)?.name ?? va.channel,
        payments: ctx.openVas.paymentsOf(va).length,
      })),
    });
  });

  router.get('/open-vas/:merchantId/:sofId/:paymentCode', (req, res) => {
    const va = ctx.openVas.find(String(req.params.merchantId), String(req.params.sofId), String(req.params.paymentCode));
    if (!va) return dash.notFound(req, res, 'Open VA not found', `${req.params.merchantId} has no open VA ${req.params.sofId}/${req.params.paymentCode}.`);
    dash.render(req, res, 'open-va', { title: `Open VA ${va.paymentCode}`, section: 'open-vas' }, {
      va, status: openVaStatus(va), channelName: channelOf(va.channel)?.name ?? va.channel, payments: ctx.openVas.paymentsOf(va).reverse(),
      transferPage: transferPagePath(va), payAction: `${openVaPath(va.merchantId, va.channel, va.paymentCode)}/pay`,
    });
  });

  router.post('/open-vas/:merchantId/:sofId/:paymentCode/pay', async (req, res) => {
    const va = ctx.openVas.find(String(req.params.merchantId), String(req.params.sofId), String(req.params.paymentCode));
    if (!va) return dash.notFound(req, res, 'Open VA not found', `${req.params.merchantId} has no open VA ${req.params.sofId}/${req.params.paymentCode}.`);
    const path = openVaPath(va.merchantId, va.channel, va.paymentCode);
    const given = objectOf(req.body)?.amount;
    const amount = typeof given === 'string' && /^\d{1,12}$/.test(given.trim()) ? Number(given.trim()) : NaN;
    const paid = await ctx.openVas.pay(va, amount, 'dashboard');
    if (!paid.ok) {
      return dash.redirect(res, path, { kind: 'error', text: paid.refusal === 'va-deleted'
        ? 'This open VA was deleted: it refuses transfers. Register it again to bring it back.'
        : 'Enter the amount as whole rupiah, 1 or more.' });
    }
    dash.redirect(res, path, { kind: 'ok', text: `Transfer of IDR ${paid.tx.amount} received: order ${paid.tx.orderId} is ${paid.tx.status}.` });
  });
  return router;
}

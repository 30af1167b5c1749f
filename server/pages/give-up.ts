import express, { type Router } from 'express';
import type { AppContext } from '../operations/context.js';
import { backUrlFor, field, FINPAY_BRAND, frameOf, GIVE_UP_PATH, openOrder, redirectBack, showMessage } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { langOf } from './texts.js';

// The give-up answer uses only the common texts (message, end states).
const NO_PAGE_TEXT = { id: {}, en: {} };

/**
 * `POST /checkout/give-up` with the order's token: the shopper gave up on any order page (the form in the order
 * summary). The order ends in FAILURE with its callback, and the shopper goes back to failUrl, else backUrl.
 */
export function giveUpPage(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);
  router.post(GIVE_UP_PATH, form, async (req, res) => {
    const lang = langOf(field(req.body, 'lang'));
    const frame = frameOf(NO_PAGE_TEXT, lang, FINPAY_BRAND, GIVE_UP_PATH);
    const tx = await openOrder(ctx, res, frame, field(req.body, 'tk'), () => true);
    if (!tx) return;
    await ctx.transactions.checkout.cancel(tx);
    const target = backUrlFor(tx);
    if (target) return redirectBack(ctx, res, tx, target);
    showMessage(res, 200, { ...frame, otherLangUrl: '' }, { heading: frame.t.failedHeading, body: frame.t.cancelledBody, tx, backUrl: '' });
  });
  return router;
}

import express, { type Request, type Response, type Router } from 'express';
import { PAGE_PATHS } from '../channels/families.js';
import { channelOf } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import { FINPAY_BRAND, frameOf, openOrder, render, showMessage, summaryOf, urlOf, withLang, inputOf } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { instructionsFor, isInstructed, PENDING_TEXT } from './pending-text.js';
import { langOf } from './texts.js';

/** `3833 7483 3131 3131`: the code in groups of four, as instruction pages print it. */
function grouped(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * The payment instructions page at `/widgetpg/pending/<n>` for VA, pay code and retail orders: the code to pay,
 * how to pay it, and a sandbox button that simulates the payment (PAID, callback).
 */
export function pendingPages(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);

  const open = async (req: Request, res: Response) => {
    const input = inputOf(req);
    const frame = frameOf(PENDING_TEXT, langOf(input.lang), FINPAY_BRAND, withLang(PAGE_PATHS.pending(String(req.params.token)), langOf(input.lang)));
    const tx = await openOrder(ctx, res, frame, String(req.params.token), (found) => isInstructed(channelOf(found.channel)?.family ?? 'hosted'));
    return tx ? { tx, frame, channel: channelOf(tx.channel)! } : null;
  };

  router.get(PAGE_PATHS.pending(':token'), async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { tx, frame, channel } = opened;
    await ctx.transactions.checkout.opened(tx, `${channel.name} instructions page`);
    // VA rows are named "<bank> Virtual Account"; the steps name the bank alone.
    const instructions = instructionsFor(frame.lang, channel.family, channel.name.replace(/ Virtual Account$/, ''));
    render(res, 200, 'pending/instructions', frame, {
      ...summaryOf(tx), channel, code: grouped(tx.paymentCode ?? ''), rawCode: tx.paymentCode ?? '', isVa: channel.family === 'va', instructions,
      action: `${PAGE_PATHS.pending(tx.token)}/pay`,
    });
  });

  router.post(`${PAGE_PATHS.pending(':token')}/pay`, form, async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { tx, frame } = opened;
    await ctx.transactions.checkout.payOnPage(tx);
    showMessage(res, 200, frame, { heading: frame.t.paidHeading, body: frame.t.paidBody, tx, backUrl: urlOf(tx, 'successUrl') || urlOf(tx, 'backUrl') });
  });

  return router;
}

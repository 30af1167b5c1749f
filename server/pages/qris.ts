import express, { type Request, type Response, type Router } from 'express';
import QRCode from 'qrcode';
import { PAGE_PATHS } from '../channels/families.js';
import { nmidOf, qrisPayload } from '../channels/qris-payload.js';
import { channelOf } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import { FINPAY_BRAND, frameOf, leave, openOrder, render, summaryOf, withLang, inputOf } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { QRIS_TEXT } from './qris-text.js';
import { langOf } from './texts.js';

const isQris = (tx: StoredTransaction) => channelOf(tx.channel)?.family === 'qris';

/**
 * The QRIS page at `/qris/<token>`: the order's QR code (a real PNG of its `stringQr`, also the initiate's
 * `imageurl`), and a sandbox button that plays the app scanning and paying it.
 */
export function qrisPages(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);

  const open = async (req: Request, res: Response) => {
    const input = inputOf(req);
    const token = String(req.params.token);
    const frame = frameOf(QRIS_TEXT, langOf(input.lang), FINPAY_BRAND, withLang(PAGE_PATHS.qris(token), langOf(input.lang)));
    const tx = await openOrder(ctx, res, frame, token, isQris);
    return tx ? { tx, frame } : null;
  };

  // The image stays available whatever the order's state: merchants show it on their own pages.
  router.get(PAGE_PATHS.qrImage(':token'), async (req, res) => {
    const tx = await ctx.transactions.findByToken(String(req.params.token));
    if (!tx || !isQris(tx)) return void res.sendStatus(404);
    const png = await QRCode.toBuffer(qrisPayload(tx), { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 8 });
    res.set('Cache-Control', 'private, max-age=300').type('png').send(png);
  });

  router.get(PAGE_PATHS.qris(':token'), async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { tx, frame } = opened;
    await ctx.transactions.checkout.opened(tx, 'QRIS page');
    render(res, 200, 'qris/pay', frame, {
      ...summaryOf(tx), imageUrl: PAGE_PATHS.qrImage(tx.token), payload: qrisPayload(tx), nmid: nmidOf(tx.merchantId), action: `${PAGE_PATHS.qris(tx.token)}/scan`,
    });
  });

  router.post(`${PAGE_PATHS.qris(':token')}/scan`, form, async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { tx, frame } = opened;
    await ctx.transactions.checkout.payOnPage(tx);
    await leave(ctx, res, frame, tx);
  });

  return router;
}

import express, { type Request, type Response, type Router } from 'express';
import { channelOf } from '../channels/table.js';
import type { OpenVa } from '../model/open-va.js';
import type { AppContext } from '../operations/context.js';
import { rupiah } from '../support/indonesian-format.js';
import { transferPagePath } from '../transactions/open-vas.js';
import { brandOf, FINPAY_BRAND, frameOf, inputOf, render, withLang, type Frame } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { OPEN_VA_TRANSFER_TEXT } from './open-va-transfer-text.js';
import { langOf } from './texts.js';

type TransferFrame = Frame<typeof OPEN_VA_TRANSFER_TEXT>;

function grouped(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * `/va-transfer/<merchantId>/<sofId>/<paymentCode>`: the bank's transfer screen for an open VA, where a sandbox user
 * sends any amount into it (a PAID order and its callback), as a customer's bank app would.
 */
export function openVaTransferPage(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);
  const path = '/va-transfer/:merchantId/:sofId/:paymentCode';

  const open = (req: Request, res: Response): { va: OpenVa; frame: TransferFrame } | null => {
    const lang = langOf(inputOf(req).lang);
    const { merchantId, sofId, paymentCode } = { merchantId: String(req.params.merchantId), sofId: String(req.params.sofId), paymentCode: String(req.params.paymentCode) };
    const channel = channelOf(sofId);
    const va = ctx.openVas.find(merchantId, sofId, paymentCode);
    const frame = frameOf(OPEN_VA_TRANSFER_TEXT, lang, channel?.family === 'va' ? brandOf(channel) : FINPAY_BRAND, withLang(req.path, lang));
    if (!va) {
      render(res, 404, 'checkout/message', frame, { heading: frame.t.unknownVaHeading, body: frame.t.unknownVaBody, tx: null, backUrl: '' });
      return null;
    }
    if (va.deletedAt !== undefined) {
      render(res, 410, 'checkout/message', frame, { heading: frame.t.deletedHeading, body: frame.t.deletedBody, tx: null, backUrl: '' });
      return null;
    }
    return { va, frame };
  };
  // What the form and the receipt both show of the VA.
  const sheet = (va: OpenVa) => ({
    va, code: grouped(va.paymentCode), bank: channelOf(va.channel)!.name,
    recipient: [va.customer.firstName, va.customer.lastName].filter(Boolean).join(' ') || va.customer.email || va.merchantId,
  });
  const show = (res: Response, status: number, va: OpenVa, frame: TransferFrame, error = '') => {
    render(res, status, 'open-va/transfer', frame, { ...sheet(va), action: transferPagePath(va), error });
  };

  router.get(path, (req, res) => {
    const opened = open(req, res);
    if (opened) show(res, 200, opened.va, opened.frame);
  });

  router.post(path, form, async (req, res) => {
    const opened = open(req, res);
    if (!opened) return;
    const { va, frame } = opened;
    const given = inputOf(req).amount;
    const digits = typeof given === 'string' ? given.replace(/[.\s]/g, '') : '';
    const amount = /^\d{1,12}$/.test(digits) ? Number(digits) : NaN;
    const paid = await ctx.openVas.pay(va, amount, 'transfer page');
    if (!paid.ok) return show(res, 400, va, frame, frame.t.badAmount);
    const body = frame.t.doneBody.replace('{amount}', rupiah(paid.tx.amount)).replace('{code}', va.paymentCode).replace('{order}', paid.tx.orderId);
    render(res, 200, 'open-va/done', frame, { ...sheet(va), body, amount: rupiah(paid.tx.amount), tx: paid.tx, backUrl: withLang(transferPagePath(va), frame.lang) });
  });
  return router;
}

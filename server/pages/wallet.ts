import express, { type Request, type Response, type Router } from 'express';
import { PAGE_PATHS } from '../channels/families.js';
import { channelOf, type Channel, type Family } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import { brandOf, field, FINPAY_BRAND, type Frame, frameOf, leave, openOrder, render, showFailure, showMessage, summaryOf, normalisePhone, inputOf } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { langOf } from './texts.js';
import { IBANK_TEXT, WALLET_TEXT } from './wallet-text.js';
import { requestOf } from '../model/initiate-request.js';

interface AccountPage {
  /** The page's path for a channel type. */
  path: (type: string) => string;
  text: typeof WALLET_TEXT | typeof IBANK_TEXT;
  /** The account as the shopper typed it → as checked, or null when it is not one. */
  account: (input: string) => string | null;
  inputType: 'tel' | 'text';
}

const walletPage: AccountPage = {
  path: PAGE_PATHS.wallet,
  text: WALLET_TEXT,
  account: (input) => {
    const phone = normalisePhone(input);
    return /^\+62\d{7,16}$/.test(phone) ? phone : null;
  },
  inputType: 'tel',
};

// The provider's sign-in page each family hands the shopper to; every other family has its own pages.
const PAGES: Partial<Record<Family, AccountPage>> = {
  wallet: walletPage,
  webcheckout: walletPage,
  ibank: {
    path: PAGE_PATHS.ibank,
    text: IBANK_TEXT,
    account: (input) => (/^[A-Za-z0-9._-]{4,32}$/.test(input.trim()) ? input.trim() : null),
    inputType: 'text',
  },
};

/**
 * The e-wallet (`/ewallet/<type>/pay`) and internet-banking (`/ibank/<type>/login`) pages: sign in to the
 * provider and approve (or cancel) the payment, then back to the merchant.
 */
export function walletPages(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);

  const open = async (req: Request, res: Response, channel: Channel, page: AccountPage) => {
    const input = inputOf(req);
    const tk = typeof input.tk === 'string' ? input.tk : '';
    const lang = langOf(input.lang);
    const frame = frameOf(page.text, lang, brandOf(channel), `${page.path(channel.type)}?tk=${encodeURIComponent(tk)}${lang === 'en' ? '&lang=en' : ''}`);
    const tx = await openOrder(ctx, res, frame, tk, (found) => found.channel === channel.type);
    return tx ? { tx, tk, frame } : null;
  };

  type AccountFrame = Frame<typeof WALLET_TEXT> | Frame<typeof IBANK_TEXT>;
  const locals = (channel: Channel, page: AccountPage, tx: StoredTransaction, tk: string, account: string, error: string) => ({
    ...summaryOf(tx), tk, action: page.path(channel.type), account, error, inputType: page.inputType,
  });

  /** The channel whose page this path is, or null (answered with the not-found page). */
  const resolve = (req: Request, res: Response) => {
    const channel = channelOf(String(req.params.type));
    const page = channel ? PAGES[channel.family] : undefined;
    if (channel && page && page.path(channel.type) === req.path) return { channel, page };
    const frame = frameOf(WALLET_TEXT, langOf(req.query.lang), FINPAY_BRAND, req.originalUrl);
    showMessage(res, 404, frame, { heading: frame.t.unknownHeading, body: frame.t.unknownBody, tx: null, backUrl: '' });
    return null;
  };

  const show = async (req: Request, res: Response) => {
    const resolved = resolve(req, res);
    if (!resolved) return;
    const { channel, page } = resolved;
    const opened = await open(req, res, channel, page);
    if (!opened) return;
    const { tx, tk, frame } = opened;
    await ctx.transactions.checkout.opened(tx, `${channel.name} page`);
    const prefill = page.inputType === 'tel' ? requestOf(tx).customer.mobilePhone ?? '' : '';
    render(res, 200, 'wallet/pay', frame, locals(channel, page, tx, tk, prefill, ''));
  };

  const submit = async (req: Request, res: Response) => {
    const resolved = resolve(req, res);
    if (!resolved) return;
    const { channel, page } = resolved;
    const opened = await open(req, res, channel, page);
    if (!opened) return;
    const { tx, tk } = opened;
    const frame: AccountFrame = opened.frame;
    const { t } = frame;
    if (field(req.body, 'action') === 'cancel') {
      await ctx.transactions.checkout.cancel(tx);
      return leave(ctx, res, frame, tx);
    }
    const typed = field(req.body, 'account');
    const account = page.account(typed);
    const again = (error: string) => render(res, 422, 'wallet/pay', frame, locals(channel, page, tx, tk, typed, error));
    if (!account) return again(t.badAccount);
    const result = await ctx.transactions.checkout.signIn(tx, account, field(req.body, 'secret'));
    if (result.ok) return leave(ctx, res, frame, tx);
    if (result.refusal === 'wrong-secret') return again(`${t.wrongSecret} ${t.attemptsLeft} ${result.left}`);
    showFailure(res, frame, tx, result.refusal === 'declined' ? t[result.reason] : t.tooManySecrets);
  };

  const paths = [PAGE_PATHS.wallet(':type'), PAGE_PATHS.ibank(':type')];
  router.get(paths, show);
  router.post(paths, form, submit);
  return router;
}

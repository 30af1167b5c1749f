import type { Request, Response } from 'express';
import { PAGE_PATHS } from '../channels/families.js';
import { HOSTED, type Channel } from '../channels/table.js';
import { formatJakarta, rupiah } from '../support/indonesian-format.js';
import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import { objectOf, type JsonObject } from '../support/json.js';
import { sendPageHeaders } from './page-headers.js';
import { textsFor, type Lang, type TextTable, type Texts } from './texts.js';
import { requestOf, type InitiateItem } from '../model/initiate-request.js';

/** Whose page it is: the name in the header and the colours the page is drawn in (see `Channel`). */
export type Brand = Pick<Channel, 'name' | 'color' | 'surface' | 'onSurface' | 'textColor'>;

export function brandOf(channel: Channel): Brand {
  return { name: channel.name, color: channel.color, surface: channel.surface, onSurface: channel.onSurface, textColor: channel.textColor };
}

/** Finpay's own pages: card form, payment instructions, QR, channel picker. */
export const FINPAY_BRAND: Brand = { ...brandOf(HOSTED), name: 'Finpay' };

/** A page request's parameters: the query of a GET, the form of a POST. */
export function inputOf(req: Request): JsonObject {
  return req.method === 'GET' ? req.query : objectOf(req.body) ?? {};
}

/** A request field as text ('' when absent; numbers as digits). */
export function field(source: unknown, key: string): string {
  const value = objectOf(source)?.[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** `0812…`, `62812…` or `+62812…` → `+62812…`; anything else is returned trimmed. */
export function normalisePhone(input: string): string {
  const digits = input.replace(/[\s().-]/g, '');
  if (/^0\d{7,16}$/.test(digits)) return `+62${digits.slice(1)}`;
  if (/^62\d{7,16}$/.test(digits)) return `+${digits}`;
  return digits;
}

export function urlOf(tx: StoredTransaction, key: 'successUrl' | 'failUrl' | 'backUrl'): string {
  return requestOf(tx).url[key] ?? '';
}

/** Where the shopper goes back to once the order is over: successUrl after a payment, failUrl otherwise, else backUrl. */
export function backUrlFor(tx: StoredTransaction): string {
  return (tx.payment ? urlOf(tx, 'successUrl') : urlOf(tx, 'failUrl')) || urlOf(tx, 'backUrl');
}

/** What every page of one request is drawn with: language, brand, texts, and the same page in the other language. */
export interface Frame<P extends TextTable> {
  lang: Lang;
  brand: Brand;
  t: Texts<P>;
  otherLangUrl: string;
}

/** `path` with `?lang=en` (or without it for Indonesian), keeping its other query parameters. */
export function withLang(path: string, lang: Lang): string {
  const url = new URL(path, 'http://page.local');
  if (lang === 'en') url.searchParams.set('lang', 'en');
  else url.searchParams.delete('lang');
  return `${url.pathname}${url.search}`;
}

export function frameOf<P extends TextTable>(page: P, lang: Lang, brand: Brand, path: string): Frame<P> {
  return { lang, brand, t: textsFor(page, lang, brand.name), otherLangUrl: withLang(path, lang === 'en' ? 'id' : 'en') };
}

/** A page with its security headers; the order in `locals.tx` (from summaryOf or a message) names where its forms may lead. */
export function render<P extends TextTable>(res: Response, status: number, view: string, frame: Frame<P>, locals: Record<string, unknown> = {}): void {
  const tx = locals.tx as StoredTransaction | null | undefined;
  const cspNonce = sendPageHeaders(res, tx ? [urlOf(tx, 'successUrl'), urlOf(tx, 'failUrl'), urlOf(tx, 'backUrl')] : []);
  res.status(status).render(view, { ...frame, rupiah, cspNonce, ...locals });
}

/** Where every order page's "give up" form posts (pages/give-up.ts): one route, whatever the page family. */
export const GIVE_UP_PATH = '/checkout/give-up';

/**
 * Locals of the order summary at the top of a page; an order from the hosted page can go back and pick another
 * channel, and every order can be given up from any of its pages.
 */
export function summaryOf(tx: StoredTransaction): Record<string, unknown> {
  return {
    tx, merchantName: tx.merchantId, expiresAt: formatJakarta(tx.expiresAt), changeUrl: tx.hosted && tx.channel !== 'hosted' ? PAGE_PATHS.picker(tx.token) : '',
    giveUp: { path: GIVE_UP_PATH, token: tx.token },
  };
}

export function itemsOf(tx: StoredTransaction): InitiateItem[] {
  return requestOf(tx).order.items;
}

export function showMessage<P extends TextTable>(
  res: Response, status: number, frame: Frame<P>, message: { heading: string; body: string; tx: StoredTransaction | null; backUrl: string },
): void {
  render(res, status, 'checkout/message', frame, message);
}

/**
 * The order behind `token` when it can still be paid on this page (`accepts` says whether it belongs here);
 * otherwise answers with the not-found, expired or already-used page and gives null.
 */
export async function openOrder<P extends TextTable>(
  ctx: AppContext, res: Response, frame: Frame<P>, token: string, accepts: (tx: StoredTransaction) => boolean,
): Promise<StoredTransaction | null> {
  const { t } = frame;
  const tx = token ? await ctx.transactions.findByToken(token) : undefined;
  if (!tx || !accepts(tx)) {
    showMessage(res, 404, frame, { heading: t.unknownHeading, body: t.unknownBody, tx: null, backUrl: '' });
    return null;
  }
  if (tx.status === 'EXPIRED') {
    showMessage(res, 410, frame, { heading: t.expiredHeading, body: t.expiredBody, tx, backUrl: urlOf(tx, 'failUrl') || urlOf(tx, 'backUrl') });
    return null;
  }
  if (tx.status !== 'REQUEST_INITIATED') {
    showMessage(res, 409, frame, { heading: t.usedHeading, body: `${t.usedBody} ${tx.status}.`, tx, backUrl: backUrlFor(tx) });
    return null;
  }
  return tx;
}

// `redirect: after-callback`: the page waits at most this long beyond the callback timeout for the first attempt.
const AFTER_CALLBACK_MARGIN_MS = 1_000;

/**
 * Redirects the shopper back to the merchant (303) in the order the scenario asks: `after-callback` once the
 * callback had its first attempt (bounded), `before-callback` releasing the held callback once the redirect is sent.
 */
export async function redirectBack(ctx: AppContext, res: Response, tx: StoredTransaction, target: string): Promise<void> {
  const timing = tx.callbackBehaviour?.redirect;
  if (timing === 'after-callback') await ctx.dispatcher.firstAttemptOf(tx, ctx.config.callbackTimeoutMs + AFTER_CALLBACK_MARGIN_MS, ctx.stopped);
  if (timing === 'before-callback') {
    res.once('finish', () => {
      ctx.dispatcher.shopperRedirected(tx).catch((err: Error) => ctx.logger.warn(`order ${tx.orderId}: could not release the callback held for the redirect (${err.message}); it leaves at its latest time`));
    });
  }
  res.redirect(303, target);
}

/** The order just ended on this page: back to the merchant's success or fail URL, or a result page when it gave none. */
export async function leave<P extends TextTable>(ctx: AppContext, res: Response, frame: Frame<P>, tx: StoredTransaction): Promise<void> {
  const target = tx.payment ? urlOf(tx, 'successUrl') : urlOf(tx, 'failUrl');
  if (target) return redirectBack(ctx, res, tx, target);
  const { t } = frame;
  showMessage(res, 200, frame, tx.payment
    ? { heading: t.paidHeading, body: t.paidBody, tx, backUrl: urlOf(tx, 'backUrl') }
    : { heading: t.failedHeading, body: t.cancelledBody, tx, backUrl: urlOf(tx, 'backUrl') });
}

/** The order failed on this page for `reason`: say why, with the way back to the merchant. */
export function showFailure<P extends TextTable>(res: Response, frame: Frame<P>, tx: StoredTransaction, reason: string): void {
  showMessage(res, 200, frame, { heading: frame.t.failedHeading, body: reason, tx, backUrl: backUrlFor(tx) });
}

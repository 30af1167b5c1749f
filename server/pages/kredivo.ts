import express, { type Request, type Response, type Router } from 'express';
import type { AppContext } from '../context.js';
import { formatJakarta } from '../clock/jakarta-time.js';
import type { StoredTransaction } from '../transactions/types.js';
import { KREDIVO_PLANS, monthlyInstalment } from './kredivo-plans.js';
import { MAX_OTP_ATTEMPTS, refusalFor, SANDBOX_OTP, TEST_PIN } from './kredivo-shoppers.js';
import { KREDIVO_TEXT, langOf, type Lang } from './kredivo-text.js';
import { maskPhone, normalisePhone, rupiah } from './format.js';

const BASE = '/kredivo/v2';
type Step = StoredTransaction['checkout']['step'];
const STEP_PATHS: Record<Exclude<Step, 'done'>, string> = { signin: 'signin', otp: 'otp', plan: 'checkout' };

interface OrderItemView {
  name: string;
  quantity: number;
  unitPrice: number;
}

function field(source: unknown, key: string): string {
  const value = (source as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function itemsOf(tx: StoredTransaction): OrderItemView[] {
  const items = (tx.request.order as { item?: unknown[] }).item ?? [];
  return items.map((it) => ({ name: field(it, 'name'), quantity: Number(field(it, 'quantity')), unitPrice: Number(field(it, 'unitPrice')) }));
}

function urlOf(tx: StoredTransaction, key: 'successUrl' | 'failUrl'): string {
  return field(tx.request.url, key);
}

/**
 * The fake Kredivo checkout: sign-in (phone + PIN) → OTP → plan → pay or cancel, then back to the merchant.
 * Plain forms that work without JavaScript; every step is recorded in the transaction's timeline.
 */
export function kredivoPages(ctx: AppContext): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  const render = (res: Response, status: number, view: string, lang: Lang, locals: Record<string, unknown>) => {
    res.status(status).render(`kredivo/${view}`, { t: KREDIVO_TEXT[lang], lang, rupiah, ...locals });
  };
  const pageUrl = (step: Exclude<Step, 'done'>, tk: string, lang: Lang) =>
    `${BASE}/${STEP_PATHS[step]}?tk=${encodeURIComponent(tk)}${lang === 'en' ? '&lang=en' : ''}`;

  /** The order behind `tk` when it can still be paid on `step`; otherwise answers with the right page. */
  const open = async (req: Request, res: Response, step: Exclude<Step, 'done'>) => {
    const input = req.method === 'GET' ? req.query : (req.body as Record<string, unknown> | undefined) ?? {};
    const lang = langOf(input.lang);
    const tk = typeof input.tk === 'string' ? input.tk : '';
    const tx = tk ? await ctx.transactions.findByToken(tk) : undefined;
    if (!tx || tx.channel !== 'kredivo') {
      render(res, 404, 'message', lang, { heading: KREDIVO_TEXT[lang].unknownHeading, body: KREDIVO_TEXT[lang].unknownBody, tx: null, backUrl: '' });
      return null;
    }
    if (tx.status === 'EXPIRED') {
      render(res, 410, 'message', lang, { heading: KREDIVO_TEXT[lang].expiredHeading, body: KREDIVO_TEXT[lang].expiredBody, tx, backUrl: urlOf(tx, 'failUrl') });
      return null;
    }
    if (tx.status !== 'REQUEST_INITIATED') {
      const backUrl = tx.status === 'PAID' ? urlOf(tx, 'successUrl') : urlOf(tx, 'failUrl');
      render(res, 409, 'message', lang, { heading: KREDIVO_TEXT[lang].usedHeading, body: `${KREDIVO_TEXT[lang].usedBody} ${tx.status}.`, tx, backUrl });
      return null;
    }
    if (tx.checkout.step !== step) {
      res.redirect(303, pageUrl(tx.checkout.step === 'done' ? 'signin' : tx.checkout.step, tk, lang));
      return null;
    }
    return { tx, tk, lang };
  };

  const orderLocals = (tx: StoredTransaction, tk: string, lang: Lang) => ({
    tx, tk, items: itemsOf(tx), merchantName: tx.merchantId, expiresAt: formatJakarta(tx.expiresAt),
    otherLangUrl: `${pageUrl(tx.checkout.step === 'done' ? 'signin' : tx.checkout.step, tk, lang === 'en' ? 'id' : 'en')}`,
  });

  /** Ends the checkout in FAILURE (callback sent) and shows why, with the way back to the merchant. */
  const refuse = async (res: Response, tx: StoredTransaction, lang: Lang, reason: string, cause: string) => {
    tx.checkout.step = 'done';
    await ctx.transactions.apply(tx, 'fail', cause);
    render(res, 200, 'message', lang, { heading: KREDIVO_TEXT[lang].failedHeading, body: reason, tx, backUrl: urlOf(tx, 'failUrl') });
  };

  router.get(`${BASE}/signin`, async (req, res) => {
    const opened = await open(req, res, 'signin');
    if (!opened) return;
    const { tx, tk, lang } = opened;
    if (!tx.timeline.some((e) => e.event === 'checkout opened')) await ctx.transactions.note(tx, 'checkout opened', 'Kredivo sign-in page');
    render(res, 200, 'signin', lang, { ...orderLocals(tx, tk, lang), phone: field(tx.request.customer, 'mobilePhone'), error: '' });
  });

  router.post(`${BASE}/signin`, form, async (req, res) => {
    const opened = await open(req, res, 'signin');
    if (!opened) return;
    const { tx, tk, lang } = opened;
    const t = KREDIVO_TEXT[lang];
    const phone = normalisePhone(field(req.body, 'phone'));
    const pin = field(req.body, 'pin');
    const again = (error: string) => render(res, 422, 'signin', lang, { ...orderLocals(tx, tk, lang), phone, error });
    if (!/^\+62\d{7,16}$/.test(phone)) return again(t.badPhone);
    if (pin !== TEST_PIN) {
      tx.checkout.pinFailures++;
      await ctx.transactions.note(tx, 'sign-in refused', 'wrong PIN');
      return again(t.wrongPin);
    }
    tx.checkout.phone = phone;
    const refusal = refusalFor(phone);
    if (refusal) return refuse(res, tx, lang, t[refusal], `Kredivo refused ${maskPhone(phone)}: ${refusal}`);
    tx.checkout.step = 'otp';
    await ctx.transactions.note(tx, 'signed in', maskPhone(phone));
    res.redirect(303, pageUrl('otp', tk, lang));
  });

  router.get(`${BASE}/otp`, async (req, res) => {
    const opened = await open(req, res, 'otp');
    if (!opened) return;
    const { tx, tk, lang } = opened;
    render(res, 200, 'otp', lang, { ...orderLocals(tx, tk, lang), maskedPhone: maskPhone(tx.checkout.phone ?? ''), error: '' });
  });

  router.post(`${BASE}/otp`, form, async (req, res) => {
    const opened = await open(req, res, 'otp');
    if (!opened) return;
    const { tx, tk, lang } = opened;
    const t = KREDIVO_TEXT[lang];
    if (field(req.body, 'otp').trim() !== SANDBOX_OTP) {
      tx.checkout.otpFailures++;
      if (tx.checkout.otpFailures >= MAX_OTP_ATTEMPTS) return refuse(res, tx, lang, t.tooManyOtp, `${MAX_OTP_ATTEMPTS} wrong OTPs`);
      await ctx.transactions.note(tx, 'OTP refused', `attempt ${tx.checkout.otpFailures} of ${MAX_OTP_ATTEMPTS}`);
      return render(res, 422, 'otp', lang, {
        ...orderLocals(tx, tk, lang), maskedPhone: maskPhone(tx.checkout.phone ?? ''),
        error: `${t.wrongOtp} ${MAX_OTP_ATTEMPTS - tx.checkout.otpFailures}`,
      });
    }
    tx.checkout.step = 'plan';
    await ctx.transactions.note(tx, 'OTP accepted');
    res.redirect(303, pageUrl('plan', tk, lang));
  });

  router.get(`${BASE}/checkout`, async (req, res) => {
    const opened = await open(req, res, 'plan');
    if (!opened) return;
    const { tx, tk, lang } = opened;
    const plans = KREDIVO_PLANS.map((p) => ({ ...p, monthly: monthlyInstalment(p, tx.amount) }));
    render(res, 200, 'checkout', lang, { ...orderLocals(tx, tk, lang), plans });
  });

  router.post(`${BASE}/checkout`, form, async (req, res) => {
    const opened = await open(req, res, 'plan');
    if (!opened) return;
    const { tx } = opened;
    const plan = KREDIVO_PLANS.find((p) => p.id === field(req.body, 'plan')) ?? KREDIVO_PLANS[0]!;
    tx.checkout.step = 'done';
    tx.checkout.plan = plan.id;
    const paying = field(req.body, 'action') !== 'cancel';
    await ctx.transactions.apply(tx, paying ? 'pay' : 'fail', paying ? `paid with Kredivo, ${plan.label.en}` : 'shopper cancelled on the Kredivo page');
    // Kredivo's rules make both URLs mandatory at initiate, so there is always somewhere to go back to.
    res.redirect(303, paying ? urlOf(tx, 'successUrl') : urlOf(tx, 'failUrl'));
  });

  return router;
}

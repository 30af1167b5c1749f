import express, { type Request, type Response, type Router } from 'express';
import { PAGE_PATHS } from '../channels/families.js';
import type { Channel } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import { maskPhone } from '../transactions/checkout.js';
import { brandOf, field, frameOf, itemsOf, openOrder, redirectBack, render, showFailure, summaryOf, urlOf, normalisePhone, inputOf } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { PAYLATER_PLANS, monthlyInstalment } from '../transactions/paylater-plans.js';
import { PAYLATER_TEXT } from './paylater-text.js';
import { langOf, type Lang } from './texts.js';
import { requestOf } from '../model/initiate-request.js';

type Step = Exclude<StoredTransaction['checkout']['step'], 'done'>;
const STEP_PATHS: Record<Step, string> = { signin: 'signin', otp: 'otp', plan: 'checkout' };

/**
 * A paylater checkout like Kredivo's, at `/<type>/v2/`: sign-in (phone + PIN) → OTP → plan → pay or cancel,
 * then back to the merchant. Plain forms that work without JavaScript; every step is recorded in the timeline.
 */
export function paylaterPages(ctx: AppContext, channels: readonly Channel[]): Router {
  const router = express.Router();
  for (const channel of channels) router.use(paylaterCheckout(ctx, channel));
  return router;
}

/** One paylater provider's checkout. */
function paylaterCheckout(ctx: AppContext, channel: Channel): Router {
  const router = express.Router();
  const form = pageForm(ctx);
  const base = PAGE_PATHS.paylater(channel.type);
  const brand = brandOf(channel);

  const pageUrl = (step: Step, tk: string, lang: Lang) => `${base}/${STEP_PATHS[step]}?tk=${encodeURIComponent(tk)}${lang === 'en' ? '&lang=en' : ''}`;
  const frameFor = (lang: Lang, tk: string, tx?: StoredTransaction) => {
    const step = tx && tx.checkout.step !== 'done' ? tx.checkout.step : 'signin';
    return frameOf(PAYLATER_TEXT, lang, brand, pageUrl(step, tk, lang));
  };

  /** The order behind `tk` when it can still be paid on `step`; otherwise answers with the right page. */
  const open = async (req: Request, res: Response, step: Step) => {
    const input = inputOf(req);
    const lang = langOf(input.lang);
    const tk = typeof input.tk === 'string' ? input.tk : '';
    const tx = await openOrder(ctx, res, frameFor(lang, tk), tk, (found) => found.channel === channel.type);
    if (!tx) return null;
    if (tx.checkout.step !== step) {
      res.redirect(303, pageUrl(tx.checkout.step === 'done' ? 'signin' : tx.checkout.step, tk, lang));
      return null;
    }
    return { tx, tk, lang, frame: frameFor(lang, tk, tx) };
  };

  const orderLocals = (tx: StoredTransaction, tk: string) => ({ ...summaryOf(tx), tk, base, items: itemsOf(tx) });

  router.get(`${base}/signin`, async (req, res) => {
    const opened = await open(req, res, 'signin');
    if (!opened) return;
    const { tx, tk, frame } = opened;
    await ctx.transactions.checkout.opened(tx, `${channel.name} sign-in page`);
    render(res, 200, 'paylater/signin', frame, { ...orderLocals(tx, tk), phone: requestOf(tx).customer.mobilePhone ?? '', error: '' });
  });

  router.post(`${base}/signin`, form, async (req, res) => {
    const opened = await open(req, res, 'signin');
    if (!opened) return;
    const { tx, tk, lang, frame } = opened;
    const { t } = frame;
    const phone = normalisePhone(field(req.body, 'phone'));
    const pin = field(req.body, 'pin');
    const again = (error: string) => render(res, 422, 'paylater/signin', frame, { ...orderLocals(tx, tk), phone, error });
    if (!/^\+62\d{7,16}$/.test(phone)) return again(t.badPhone);
    const result = await ctx.transactions.checkout.signIn(tx, phone, pin);
    if (result.ok) return res.redirect(303, pageUrl('otp', tk, lang));
    if (result.refusal === 'wrong-secret') return again(`${t.wrongPin} ${t.attemptsLeft} ${result.left}`);
    showFailure(res, frame, tx, result.refusal === 'declined' ? t[result.reason] : t.tooManyPin);
  });

  router.get(`${base}/otp`, async (req, res) => {
    const opened = await open(req, res, 'otp');
    if (!opened) return;
    const { tx, tk, frame } = opened;
    render(res, 200, 'paylater/otp', frame, { ...orderLocals(tx, tk), maskedPhone: maskPhone(tx.checkout.phone ?? ''), error: '' });
  });

  router.post(`${base}/otp`, form, async (req, res) => {
    const opened = await open(req, res, 'otp');
    if (!opened) return;
    const { tx, tk, lang, frame } = opened;
    const { t } = frame;
    const result = await ctx.transactions.checkout.submitOtp(tx, field(req.body, 'otp'));
    if (result.ok) return res.redirect(303, pageUrl('plan', tk, lang));
    if (result.refusal === 'wrong-secret') {
      return render(res, 422, 'paylater/otp', frame, {
        ...orderLocals(tx, tk), maskedPhone: maskPhone(tx.checkout.phone ?? ''), error: `${t.wrongOtp} ${result.left}`,
      });
    }
    showFailure(res, frame, tx, t.tooManyOtp);
  });

  router.get(`${base}/checkout`, async (req, res) => {
    const opened = await open(req, res, 'plan');
    if (!opened) return;
    const { tx, tk, frame } = opened;
    const plans = PAYLATER_PLANS.map((p) => ({ ...p, monthly: monthlyInstalment(p, tx.amount) }));
    render(res, 200, 'paylater/checkout', frame, { ...orderLocals(tx, tk), plans });
  });

  router.post(`${base}/checkout`, form, async (req, res) => {
    const opened = await open(req, res, 'plan');
    if (!opened) return;
    const { tx } = opened;
    const plan = PAYLATER_PLANS.find((p) => p.id === field(req.body, 'plan')) ?? PAYLATER_PLANS[0]!;
    const paying = field(req.body, 'action') !== 'cancel';
    if (paying) await ctx.transactions.checkout.choosePlan(tx, plan);
    else await ctx.transactions.checkout.cancel(tx);
    // The paylater rules make both URLs mandatory at initiate, so there is always somewhere to go back to.
    await redirectBack(ctx, res, tx, paying ? urlOf(tx, 'successUrl') : urlOf(tx, 'failUrl'));
  });

  return router;
}

import express, { type Request, type Response, type Router } from 'express';
import { FAMILIES, PAGE_PATHS } from '../channels/families.js';
import { channelOf } from '../channels/table.js';
import { cardFor, cvvLength, SECURE_PROGRAMMES, TEST_CARDS, testCardByMask, type CardOutcome } from '../channels/test-cards.js';
import { requestOf } from '../model/initiate-request.js';
import type { SavedCard } from '../model/saved-card.js';
import { storedOnFileOf } from '../transactions/saved-cards.js';
import { formatJakarta } from '../support/indonesian-format.js';
import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import { CARD_TEXT } from './card-text.js';
import { field, FINPAY_BRAND, type Frame, frameOf, leave, openOrder, render, showFailure, summaryOf, withLang, inputOf } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { langOf } from './texts.js';

type CardFrame = Frame<typeof CARD_TEXT>;

// What the test-card table on the page calls each outcome.
const OUTCOME_LABELS: Record<CardOutcome, keyof (typeof CARD_TEXT)['id']> = {
  success: 'success', challenge: 'challenge', declined: 'declinedShort', insufficientFunds: 'insufficient',
};

const TEST_CARD_ROWS = TEST_CARDS.map((c) => ({ number: c.number.replace(/(\d{4})(?=\d)/g, '$1 '), brand: c.info.brand, label: OUTCOME_LABELS[c.outcome] }));

/** `411111xxxxxx1111` → `4111 11•• •••• 1111`: a saved card as a card shows its number. */
function spacedMask(mask: string): string {
  return mask.replace(/x/g, '•').replace(/(.{4})(?=.)/g, '$1 ');
}

/** `MM/YY` that is this month or later on the virtual clock (Jakarta time). */
function expiryValid(text: string, now: number): boolean {
  const match = /^(0[1-9]|1[0-2])\s*\/\s*(\d{2})$/.exec(text.trim());
  if (!match) return false;
  const [year, month] = formatJakarta(now).split('-').map(Number) as [number, number];
  return (2000 + Number(match[2])) * 12 + Number(match[1]) >= year * 12 + month;
}

/**
 * Finpay's card page at `/pg/payment/card/access/<token>`: card form (or, for a `STORED` order, the saved card
 * and its CVV) → (3-D Secure OTP for challenge cards) → CAPTURED or FAILURE, then back to the merchant. The test
 * card number (a saved card's mask) decides the outcome; a `TO_BE_STORED` form says the card will be saved. The same
 * link of a web checkout or internet-banking order hands the shopper on to that provider's page.
 */
export function cardPages(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);

  const frameFor = (req: Request): CardFrame => {
    const input = inputOf(req);
    return frameOf(CARD_TEXT, langOf(input.lang), FINPAY_BRAND, req.originalUrl);
  };
  const formPath = PAGE_PATHS.access;
  const challengePath = (token: string) => `${PAGE_PATHS.access(token)}/3ds`;

  /** The card order behind the link when it is on `step`; otherwise the right page (or step) is answered. */
  const open = async (req: Request, res: Response, step: 'signin' | 'otp') => {
    const frame = frameFor(req);
    const token = String(req.params.token);
    const tx = await openOrder(ctx, res, frame, token, (found) => channelOf(found.channel)?.family === 'card');
    if (!tx) return null;
    if (tx.checkout.step !== step) {
      res.redirect(303, withLang(tx.checkout.step === 'otp' ? challengePath(token) : formPath(token), frame.lang));
      return null;
    }
    return { tx, token, frame };
  };

  const formLocals = (tx: StoredTransaction, token: string, entered: { number: string; expiry: string; name: string }, error: string) => ({
    ...summaryOf(tx), action: formPath(token), testCards: TEST_CARD_ROWS, entered, error,
    savesCard: storedOnFileOf(requestOf(tx)) === 'TO_BE_STORED',
  });

  // Two-click: the saved card (mask, brand, issuer) and what its test card does; only the CVV is asked.
  const savedLocals = (tx: StoredTransaction, token: string, saved: SavedCard, error: string) => {
    const testCard = ctx.savedCards.testCardOf(saved);
    return {
      ...summaryOf(tx), action: formPath(token), saved: saved.card, shownMask: spacedMask(saved.card.mask), cvvLength: cvvLength(testCard),
      testOutcome: testCardByMask(saved.card.mask) ? OUTCOME_LABELS[testCard.outcome] : '', error,
    };
  };

  const challengeLocals = (tx: StoredTransaction, token: string, error: string) => ({
    ...summaryOf(tx), action: challengePath(token), card: tx.card, programme: SECURE_PROGRAMMES[tx.card?.info.brand ?? ''] ?? '3-D Secure',
    error,
  });

  const cancel = async (res: Response, tx: StoredTransaction, frame: CardFrame) => {
    await ctx.transactions.checkout.cancel(tx);
    await leave(ctx, res, frame, tx);
  };

  router.get(formPath(':token'), async (req, res) => {
    const found = await ctx.transactions.findByToken(String(req.params.token));
    const channel = found && channelOf(found.channel);
    // Finpay's link of a web checkout or internet-banking order leads on to the provider's page.
    const page = found && channel && channel.family !== 'card' ? FAMILIES[channel.family].page(found, channel) : null;
    if (page) return res.redirect(303, page);
    const opened = await open(req, res, 'signin');
    if (!opened) return;
    const { tx, token, frame } = opened;
    const saved = ctx.savedCards.cardOf(tx);
    await ctx.transactions.checkout.opened(tx, saved ? 'saved card page' : 'card page');
    if (saved) return render(res, 200, 'card/saved', frame, savedLocals(tx, token, saved, ''));
    render(res, 200, 'card/form', frame, formLocals(tx, token, { number: '', expiry: '', name: '' }, ''));
  });

  router.post(formPath(':token'), form, async (req, res) => {
    const opened = await open(req, res, 'signin');
    if (!opened) return;
    const { tx, token, frame } = opened;
    const { t } = frame;
    if (field(req.body, 'action') === 'cancel') return cancel(res, tx, frame);
    const saved = ctx.savedCards.cardOf(tx);
    if (saved) return paySaved(req, res, { tx, token, frame }, saved);
    const entered = { number: field(req.body, 'number'), expiry: field(req.body, 'expiry'), name: field(req.body, 'name') };
    const again = (error: string) => render(res, 422, 'card/form', frame, formLocals(tx, token, entered, error));
    const card = cardFor(entered.number);
    if (!card) return again(t.badNumber);
    if (!expiryValid(entered.expiry, ctx.clock.now())) return again(t.badExpiry);
    const result = await ctx.transactions.checkout.cardOutcome(tx, card, field(req.body, 'cvv'));
    if (result.ok) return result.next === 'otp' ? res.redirect(303, withLang(challengePath(token), frame.lang)) : leave(ctx, res, frame, tx);
    if (result.refusal === 'wrong-secret') return again(`${t.badCvv} ${t.attemptsLeft} ${result.left}`);
    showFailure(res, frame, tx, result.refusal === 'declined' ? t[result.reason] : t.tooManyCvv);
  });

  /** The CVV of a saved card: paid, on to 3-D Secure, or declined as its test card says. */
  const paySaved = async (req: Request, res: Response, { tx, token, frame }: { tx: StoredTransaction; token: string; frame: CardFrame }, saved: SavedCard) => {
    const { t } = frame;
    if (saved.deletedAt !== undefined) {
      await ctx.transactions.checkout.savedCardDeleted(tx, saved.card.mask);
      return showFailure(res, frame, tx, t.savedCardDeleted);
    }
    const result = await ctx.transactions.checkout.cardOutcome(tx, ctx.savedCards.testCardOf(saved), field(req.body, 'cvv'));
    if (result.ok) return result.next === 'otp' ? res.redirect(303, withLang(challengePath(token), frame.lang)) : leave(ctx, res, frame, tx);
    if (result.refusal === 'wrong-secret') return render(res, 422, 'card/saved', frame, savedLocals(tx, token, saved, `${t.badCvv} ${t.attemptsLeft} ${result.left}`));
    showFailure(res, frame, tx, result.refusal === 'declined' ? t[result.reason] : t.tooManyCvv);
  };

  router.get(challengePath(':token'), async (req, res) => {
    const opened = await open(req, res, 'otp');
    if (!opened) return;
    const { tx, token, frame } = opened;
    render(res, 200, 'card/challenge', frame, challengeLocals(tx, token, ''));
  });

  router.post(challengePath(':token'), form, async (req, res) => {
    const opened = await open(req, res, 'otp');
    if (!opened) return;
    const { tx, token, frame } = opened;
    const { t } = frame;
    if (field(req.body, 'action') === 'cancel') return cancel(res, tx, frame);
    const result = await ctx.transactions.checkout.submitOtp(tx, field(req.body, 'otp'));
    if (result.ok) return leave(ctx, res, frame, tx);
    if (result.refusal === 'wrong-secret') return render(res, 422, 'card/challenge', frame, challengeLocals(tx, token, `${t.wrongOtp} ${result.left}`));
    showFailure(res, frame, tx, t.authFailed);
  });

  return router;
}

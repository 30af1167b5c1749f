import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { cardFor, TEST_CARDS } from '../channels/test-cards.js';
import type { SavedCard } from '../model/saved-card.js';
import type { AppContext } from '../operations/context.js';
import { objectOf } from '../support/json.js';
import { sendProblem } from './problem.js';
import { answering, filtersOf, iso, paged, text } from './query.js';

const TOKEN = /^[0-9a-fA-F]{64}$/;
const MAX_CUSTOMER_ID = 320;

/** A saved card as the control API and the library show it: the token, whose it is, the card, and when it was saved or deleted. */
export function savedCardView(card: SavedCard): Record<string, unknown> {
  return {
    token: card.id, merchantId: card.merchantId, customerId: card.customerId, mask: card.card.mask, brand: card.card.info.brand,
    card: { mask: card.card.mask, info: { ...card.card.info } }, savedBy: card.savedBy ?? null,
    createdAt: iso(card.createdAt), deletedAt: iso(card.deletedAt), deleted: card.deletedAt !== undefined,
  };
}

/** `/_mock/saved-cards`: list (by merchant, customer), one, save a test card for a customer, delete. */
export function savedCardControlRoutes(ctx: AppContext): Router {
  const router = express.Router();
  const { savedCards } = ctx;

  /** The saved card the path names, or the problem that says why not. */
  const one = (req: Request, res: Response): SavedCard | undefined => {
    const token = String(req.params.token);
    if (!TOKEN.test(token)) return void sendProblem(res, 400, 'Bad token', `A card token is 64 hex characters (check-status's card.token); "${token.slice(0, 80)}" is not`);
    const card = savedCards.find(token);
    if (!card) return void sendProblem(res, 404, 'Saved card not found', `No saved card ${token}: a card is saved when a card.storedOnFile "TO_BE_STORED" order is CAPTURED, or by POST /_mock/saved-cards`);
    return card;
  };

  router.get('/saved-cards', answering((req, res) => {
    // Filters, as on /_mock/transactions: one that matches nothing gives an empty list.
    const { merchantId, customerId } = filtersOf(req, ['merchantId', 'customerId'], 'Bad saved card filter');
    res.json(paged(req, savedCards.list({ merchantId, customerId }).reverse(), savedCardView));
  }));

  router.get('/saved-cards/:token', (req, res) => {
    const card = one(req, res);
    if (card) res.json(savedCardView(card));
  });

  router.post('/saved-cards', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const body = objectOf(req.body);
      const usage = 'Send {"customerId": "…", "number": "<card number>", "merchantId": "… (default: the first merchant)"}';
      if (!body) return sendProblem(res, 400, 'Body required', usage);
      if (body.merchantId !== undefined && text(body.merchantId) === undefined) return sendProblem(res, 400, 'Bad merchantId', `merchantId must be the id of a merchant, as text. ${usage}`);
      const merchantId = text(body.merchantId) ?? ctx.config.merchants[0]!.id;
      if (!ctx.merchants.has(merchantId)) return sendProblem(res, 404, 'Unknown merchant', `There is no merchant "${merchantId}". ${usage}`);
      const customerId = text(body.customerId);
      if (!customerId || customerId.length > MAX_CUSTOMER_ID) return sendProblem(res, 400, 'Bad customerId', `customerId is the customer.id the card belongs to: 1 to ${MAX_CUSTOMER_ID} characters. ${usage}`);
      const card = typeof body.number === 'string' ? cardFor(body.number) : undefined;
      if (!card) {
        return sendProblem(res, 400, 'Bad card number', `number must be a valid Visa, Mastercard, JCB or AMEX number; the test cards are ${TEST_CARDS.map((c) => c.number).join(', ')}`);
      }
      const { card: saved, created } = await savedCards.save(merchantId, customerId, card);
      res.status(created ? 201 : 200).json(savedCardView(saved));
    } catch (err) {
      next(err);
    }
  });

  router.delete('/saved-cards/:token', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const card = one(req, res);
      if (!card) return;
      if (card.deletedAt !== undefined) return sendProblem(res, 409, 'Already deleted', `Saved card ${card.id} was deleted at ${iso(card.deletedAt)}`);
      const done = await savedCards.delete(card.merchantId, card.id);
      if (!done.ok) return sendProblem(res, 409, 'Already deleted', `Saved card ${card.id} was deleted meanwhile`);
      res.json(savedCardView(done.card));
    } catch (err) {
      next(err);
    }
  });

  return router;
}

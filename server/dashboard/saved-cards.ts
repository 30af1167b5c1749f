import express, { type Router } from 'express';
import type { SavedCard } from '../model/saved-card.js';
import { param } from './paging.js';
import type { Dashboard } from './render.js';
import { transactionPath } from './view-helpers.js';

const TOKEN = /^[0-9a-f]{64}$/;

/** `/saved-cards`: every saved card (newest first, by merchant or customer), each with the order that saved it and a delete button. */
export function savedCardPages(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;

  router.get('/saved-cards', (req, res) => {
    const filters = { merchant: param(req.query.merchant), customer: param(req.query.customer) };
    const cards = ctx.savedCards.list({ merchantId: filters.merchant || undefined, customerId: filters.customer || undefined }).reverse();
    const savedByPath = (card: SavedCard) => (card.savedBy ? transactionPath(card.merchantId, card.savedBy) : '');
    dash.render(req, res, 'saved-cards', { title: 'Saved cards', section: 'saved-cards' }, {
      cards, filters, filtered: Object.values(filters).some(Boolean), savedByPath,
      merchants: ctx.config.merchants.map((m) => m.id),
    });
  });

  router.post('/saved-cards/:token/delete', async (req, res) => {
    const token = String(req.params.token);
    const card = TOKEN.test(token) ? ctx.savedCards.find(token) : undefined;
    if (!card) return dash.notFound(req, res, 'Saved card not found', `There is no saved card ${token.slice(0, 80)}. It may have been reset.`);
    const deleted = await ctx.savedCards.delete(card.merchantId, card.id);
    dash.redirect(res, '/saved-cards', deleted.ok
      ? { kind: 'ok', text: `Saved card ${card.card.mask} of ${card.customerId} deleted: its token is refused from now on.` }
      : { kind: 'error', text: `Saved card ${card.card.mask} of ${card.customerId} was already deleted.` });
  });
  return router;
}

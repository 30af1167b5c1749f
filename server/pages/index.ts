import express, { type Router } from 'express';
import { CHANNELS } from '../channels/table.js';
import type { AppContext } from '../context.js';
import { cardPages } from './card.js';
import { pickerPages } from './picker.js';
import { paylaterPages } from './paylater.js';
import { pendingPages } from './pending.js';
import { qrisPages } from './qris.js';
import { walletPages } from './wallet.js';

/** Every page a shopper is sent to by a `redirecturl`. */
export function hostedPages(ctx: AppContext): Router {
  const router = express.Router();
  for (const channel of CHANNELS) if (channel.family === 'paylater') router.use(paylaterPages(ctx, channel));
  router.use(cardPages(ctx));
  router.use(pickerPages(ctx));
  router.use(pendingPages(ctx));
  router.use(qrisPages(ctx));
  router.use(walletPages(ctx));
  return router;
}

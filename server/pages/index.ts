import express, { type Router } from 'express';
import { CHANNELS, HOSTED, type Channel, type Family } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import { cardPages } from './card.js';
import { giveUpPage } from './give-up.js';
import { openVaTransferPage } from './open-va-transfer.js';
import { pickerPages } from './picker.js';
import { paylaterPages } from './paylater.js';
import { pendingPages } from './pending.js';
import { qrisPages } from './qris.js';
import { walletPages } from './wallet.js';

/** A page module: the routes of the pages of some channels (each family's paths are in PAGE_PATHS / FAMILIES). */
type PageModule = (ctx: AppContext, channels: readonly Channel[]) => Router;

/** Which module serves each channel family's pages; null when the family has no page (OVO pushes to the app). */
const PAGE_MODULES: Record<Family, PageModule | null> = {
  card: cardPages,
  hosted: pickerPages,
  va: pendingPages,
  paycode: pendingPages,
  retail: pendingPages,
  qris: qrisPages,
  wallet: walletPages,
  webcheckout: walletPages,
  ibank: walletPages,
  paylater: paylaterPages,
  push: null,
};

/** Every page a shopper is sent to by a `redirecturl`: each module once, with the channels it serves. */
export function shopperPages(ctx: AppContext): Router {
  const router = express.Router();
  const served = new Map<PageModule, Channel[]>();
  for (const channel of [...CHANNELS, HOSTED]) {
    const module = PAGE_MODULES[channel.family];
    if (module) served.set(module, [...(served.get(module) ?? []), channel]);
  }
  for (const [module, channels] of served) router.use(module(ctx, channels));
  router.use(giveUpPage(ctx));
  router.use(openVaTransferPage(ctx));
  return router;
}

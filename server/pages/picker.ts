import express, { type Request, type Response, type Router } from 'express';
import { channelEnabled } from '../transactions/admission.js';
import { FAMILIES, PAGE_PATHS } from '../channels/families.js';
import { CHANNELS, type Channel, type Family } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import type { StoredTransaction } from '../model/transaction.js';
import { PICKER_TEXT } from './picker-text.js';
import { field, FINPAY_BRAND, frameOf, itemsOf, openOrder, render, summaryOf, withLang, inputOf } from './page-kit.js';
import { pageForm } from './same-origin-forms.js';
import { langOf } from './texts.js';
import { requestOf } from '../model/initiate-request.js';

/** The picker's sections, in the order Indonesian checkouts list them; each names its heading in PICKER_TEXT. */
const GROUPS: readonly { key: keyof (typeof PICKER_TEXT)['id']; families: readonly Family[] }[] = [
  { key: 'va', families: ['va'] },
  { key: 'qris', families: ['qris'] },
  { key: 'wallet', families: ['wallet', 'webcheckout'] },
  { key: 'card', families: ['card'] },
  { key: 'paylater', families: ['paylater'] },
  { key: 'store', families: ['retail', 'paycode'] },
  { key: 'ibank', families: ['ibank'] },
];

/**
 * The hosted page at `/pg/payment/card/id/v2/access/<token>` for orders initiated without `sourceOfFunds`: the
 * shopper picks a channel, and the order continues on that channel's page. Only channels that have a page,
 * are enabled for the merchant and whose rules the order's request meets are offered.
 */
export function pickerPages(ctx: AppContext): Router {
  const router = express.Router();
  const form = pageForm(ctx);
  const path = PAGE_PATHS.picker;

  const offered = (tx: StoredTransaction): Channel[] => CHANNELS.filter((channel) => FAMILIES[channel.family].page(tx, channel) !== null
    && channelEnabled(ctx.config, tx.merchantId, channel.type)
    && ctx.validator.validate({ ...requestOf(tx).body, sourceOfFunds: { type: channel.type } }, channel) === null);

  const open = async (req: Request, res: Response) => {
    const input = inputOf(req);
    const token = String(req.params.token);
    const frame = frameOf(PICKER_TEXT, langOf(input.lang), FINPAY_BRAND, withLang(path(token), langOf(input.lang)));
    const tx = await openOrder(ctx, res, frame, token, (found) => found.hosted === true);
    return tx ? { tx, frame } : null;
  };

  // The live form and the 2023 docs' one both serve the page; answers hand out only the live form.
  const routes = [path(':token'), PAGE_PATHS.legacyPicker(':token')];
  router.get(routes, async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { tx, frame } = opened;
    await ctx.transactions.checkout.opened(tx, 'hosted payment page');
    const channels = offered(tx);
    const groups = GROUPS.map((g) => ({ key: g.key, heading: frame.t[g.key], channels: channels.filter((c) => g.families.includes(c.family)) }))
      .filter((g) => g.channels.length > 0)
      // Sections start folded, as checkouts list them; the one holding the earlier choice (or the only one) opens.
      .map((g, _i, all) => ({ ...g, open: all.length === 1 || g.channels.some((c) => c.type === tx.channel) }));
    render(res, 200, 'picker/channels', frame, { ...summaryOf(tx), items: itemsOf(tx), groups, action: path(tx.token), current: tx.channel });
  });

  router.post(routes, form, async (req, res) => {
    const opened = await open(req, res);
    if (!opened) return;
    const { tx, frame } = opened;
    const channel = offered(tx).find((c) => c.type === field(req.body, 'channel'));
    if (!channel) return res.redirect(303, withLang(path(tx.token), frame.lang));
    await ctx.transactions.choose(tx, channel);
    res.redirect(303, withLang(FAMILIES[channel.family].page(tx, channel)!, frame.lang));
  });

  return router;
}

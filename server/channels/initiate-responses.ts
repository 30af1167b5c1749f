import type { StoredTransaction } from '../model/transaction.js';
import { FAMILIES, PAGE_PATHS } from './families.js';
import { qrisPayload } from './qris-payload.js';
import { formatJakarta } from '../support/indonesian-format.js';
import { channelOf, HOSTED, type Channel, type Family } from './table.js';

export interface ResponseContext {
  publicUrl: string;
  /** `YYYY-MM-DD HH:mm:ss`, Asia/Jakarta. */
  expiryLink: string;
}

type Answer = (tx: StoredTransaction, channel: Channel, ctx: ResponseContext) => Record<string, unknown>;

const pageUrl = (tx: StoredTransaction, channel: Channel, ctx: ResponseContext) => `${ctx.publicUrl}${FAMILIES[channel.family].page(tx, channel)}`;

// The pay code sample: redirecturl to /widgetpg/pending/<n>, expiryLink, then the 16-digit paymentCode.
const withPaymentCode: Answer = (tx, channel, ctx) => ({ redirecturl: pageUrl(tx, channel, ctx), expiryLink: ctx.expiryLink, paymentCode: tx.paymentCode ?? '' });
// The Kredivo sample (and LinkAja web's paymentCode null): a redirect, expiryLink, no code.
const redirectOnly: Answer = (tx, channel, ctx) => ({ redirecturl: pageUrl(tx, channel, ctx), expiryLink: ctx.expiryLink, paymentCode: null });
const viaFinpayLink: Answer = (tx, _channel, ctx) => ({ redirecturl: `${ctx.publicUrl}${PAGE_PATHS.access(tx.token)}`, paymentCode: null, expiryLink: ctx.expiryLink });

/** The channel-specific part of a successful initiate answer, keys in the real samples' order. */
export const INITIATE_RESPONSES: Record<Family, Answer> = {
  card: (tx, channel, ctx) => ({ redirecturl: pageUrl(tx, channel, ctx), expiryLink: ctx.expiryLink }),
  hosted: (tx, channel, ctx) => ({ redirecturl: pageUrl(tx, channel, ctx), expiryLink: ctx.expiryLink }),
  va: withPaymentCode,
  paycode: withPaymentCode,
  retail: withPaymentCode,
  qris: (tx, channel, ctx) => ({
    redirecturl: pageUrl(tx, channel, ctx),
    imageurl: `${ctx.publicUrl}${PAGE_PATHS.qrImage(tx.token)}`,
    stringQr: qrisPayload(tx),
    expiryLink: ctx.expiryLink,
  }),
  // ShopeePay's sample: universal link, `shopeeid://` app link, empty imageurl and paymentCode.
  wallet: (tx, channel, ctx) => (channel.appScheme
    ? { redirecturl: pageUrl(tx, channel, ctx), appurl: `${channel.appScheme}?tk=${tx.token}`, imageurl: '', paymentCode: '', expiryLink: ctx.expiryLink }
    : redirectOnly(tx, channel, ctx)),
  webcheckout: viaFinpayLink,
  // OVO pushes the payment to the shopper's app: there is no page to send them to.
  push: (_tx, _channel, ctx) => ({ redirecturl: null, expiryLink: ctx.expiryLink, paymentCode: null }),
  paylater: redirectOnly,
  ibank: viaFinpayLink,
};

/** The channel part of an order's initiate answer, rebuilt from the order (the same every time it is asked). */
export function initiateAnswer(tx: StoredTransaction, publicUrl: string): Record<string, unknown> {
  const channel = tx.hosted ? HOSTED : channelOf(tx.channel) ?? HOSTED;
  return INITIATE_RESPONSES[channel.family](tx, channel, { publicUrl, expiryLink: formatJakarta(tx.expiresAt) });
}

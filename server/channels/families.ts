import type { StoredTransaction } from '../model/transaction.js';
import type { ValueGenerator } from '../support/value-generator.js';
import type { Channel, Family } from './table.js';
import { DEFAULT_CARD, detailsOf } from './test-cards.js';

/**
 * Where each shopper page lives on this server. The initiate answers link to these paths and the page
 * routers mount them (with `:token` / `:type` as the parameter), so the two cannot drift apart.
 */
export const PAGE_PATHS = {
  /** Finpay's own web link: the card page, or a hand-off to a web checkout or internet banking. */
  access: (token: string) => `/pg/payment/card/access/${token}`,
  /** The hosted page as the live gateway links it (2026). */
  picker: (token: string) => `/pg/payment/card/id/v2/access/${token}`,
  /** The hosted page as the 2023 docs link it: still served, no longer handed out. */
  legacyPicker: (token: string) => `/pg/payment/card/v2/access/${token}`,
  pending: (token: string) => `/widgetpg/pending/${token}`,
  qris: (token: string) => `/qris/${token}`,
  qrImage: (token: string) => `/qris/${token}/qr.png`,
  wallet: (type: string) => `/ewallet/${type}/pay`,
  ibank: (type: string) => `/ibank/${type}/login`,
  /** Base of a paylater checkout's steps (`/signin`, `/otp`, `/checkout`). */
  paylater: (type: string) => `/${type}/v2`,
};

/** Which generated value keys the order's page: 64 hex (Finpay links), Kredivo-style `tk`, or the pending page's number. */
export type TokenKind = 'token' | 'kredivoToken' | 'pendingId';

export interface FamilyBehaviour {
  token: TokenKind;
  /** The page the shopper pays on (a path on this server), or null when there is none (OVO: push to the app). */
  page(tx: StoredTransaction, channel: Channel): string | null;
  /** `result.payment.reference` once paid. */
  paymentReference(tx: StoredTransaction, channel: Channel, generator: ValueGenerator): string;
  /** What else a payment records; a card order paid without the card page gets the default test card. */
  onPaid?(tx: StoredTransaction): void;
}

// The captured real callback's `<uuid>014`: a UUID of its own (not order.reference) followed by the channel code.
const referencePlusChannel: FamilyBehaviour['paymentReference'] = (_tx, channel, generator) => `${generator.reference()}${channel.channelCode ?? ''}`;
const pendingPage: FamilyBehaviour['page'] = (tx) => PAGE_PATHS.pending(tx.token);
const walletPage: FamilyBehaviour['page'] = (tx, channel) => `${PAGE_PATHS.wallet(channel.type)}?tk=${tx.token}`;
// Every family but cards: a page, a token kind, and the reference-plus-channel payment reference.
const linked = (page: FamilyBehaviour['page'], token: TokenKind = 'token'): FamilyBehaviour => ({ token, page, paymentReference: referencePlusChannel });

export const FAMILIES: Record<Family, FamilyBehaviour> = {
  card: {
    token: 'token',
    page: (tx) => PAGE_PATHS.access(tx.token),
    // Cards carry the acquirer's 6-digit authorisation code, as in the docs' `016460`.
    paymentReference: (_tx, _channel, generator) => generator.authCode(),
    onPaid: (tx) => {
      tx.card ??= detailsOf(DEFAULT_CARD);
    },
  },
  hosted: linked((tx) => PAGE_PATHS.picker(tx.token)),
  va: linked(pendingPage, 'pendingId'),
  paycode: linked(pendingPage, 'pendingId'),
  retail: linked(pendingPage, 'pendingId'),
  qris: linked((tx) => PAGE_PATHS.qris(tx.token)),
  wallet: linked(walletPage),
  webcheckout: linked(walletPage),
  push: linked(() => null),
  paylater: linked((tx, channel) => `${PAGE_PATHS.paylater(channel.type)}/signin?tk=${tx.token}`, 'kredivoToken'),
  ibank: linked((tx, channel) => `${PAGE_PATHS.ibank(channel.type)}?tk=${tx.token}`),
};

import { detailsOf, testCardByMask, type TestCard } from '../channels/test-cards.js';
import type { VirtualClock } from '../clock/clock.js';
import { requestOf, type InitiateRequest } from '../model/initiate-request.js';
import type { SavedCard } from '../model/saved-card.js';
import type { CardDetails, StoredTransaction } from '../model/transaction.js';
import type { Store } from '../store/store.js';
import type { ValueGenerator } from '../support/value-generator.js';
import { objectOf, type JsonObject } from '../support/json.js';
import type { Action } from './lifecycle.js';
import type { Done, OrderFollower, Refused, TransactionService } from './service.js';

/** Why a saved-card token cannot be used or deleted; each surface words it its own way. */
export type SavedCardRefusal = 'card-unknown' | 'card-deleted' | 'card-foreign-customer';

/** Why a delete is refused: no live token of that merchant (never saved, another merchant's, or already deleted). */
export type SavedCardDeleteRefusal = 'card-not-found';

/** How a charge on a saved card ends, by the outcome of the test card behind its mask. */
const ONE_CLICK_OUTCOMES: Record<TestCard['outcome'], { action: 'pay' | 'fail'; cause: string }> = {
  success: { action: 'pay', cause: 'paid' },
  // Chosen: a one-click charge has no page for a challenge, so the stored card's 3-D Secure counts as done.
  challenge: { action: 'pay', cause: 'paid (3-D Secure not asked again on one-click)' },
  declined: { action: 'fail', cause: 'declined: do not honour' },
  insufficientFunds: { action: 'fail', cause: 'declined: insufficient funds' },
};

/** What the saved-card listing of the control API, dashboard and library filters on. */
export interface SavedCardFilter {
  merchantId?: string;
  customerId?: string;
}

interface SavedCardDeps {
  store: Store;
  clock: VirtualClock;
  generator: ValueGenerator;
  transactions: TransactionService;
}

/** `card.storedOnFile` of an order's initiate body, when it is one of the two the gateway knows. */
export function storedOnFileOf(request: InitiateRequest): 'TO_BE_STORED' | 'STORED' | undefined {
  const value = request.card?.storedOnFile;
  return value === 'TO_BE_STORED' || value === 'STORED' ? value : undefined;
}

/** `card.token` of an initiate body, lower-cased as tokens are stored. */
export function cardTokenOf(request: InitiateRequest): string | undefined {
  const token = request.card?.token;
  return typeof token === 'string' ? token.toLowerCase() : undefined;
}

/**
 * Saved cards: created in the same write as the capture of a `TO_BE_STORED` order, used by `STORED` orders
 * (two-click on the card page, one-click through the gateway), deleted by the merchant.
 */
export class SavedCardService implements OrderFollower {
  constructor(private readonly deps: SavedCardDeps) {}

  /** A capture of a `TO_BE_STORED` order saves its card; any move of a `STORED` order records which saved card it was. */
  moved(tx: StoredTransaction, action: Action): SavedCard[] {
    const request = requestOf(tx);
    const mode = storedOnFileOf(request);
    if (mode === 'STORED') {
      const saved = this.record(tx.merchantId, cardTokenOf(request) ?? '');
      if (saved && tx.card) {
        // The card the shopper confirmed is the saved one: its own mask and brand, whatever page or API paid it.
        tx.card = { mask: saved.card.mask, info: { ...saved.card.info } };
        tx.cardToken = saved.id;
      }
      return [];
    }
    const customerId = request.customer.id;
    if (mode !== 'TO_BE_STORED' || action !== 'pay' || !tx.card || !customerId) return [];
    const { card, created } = this.keep(tx.merchantId, customerId, tx.card, tx.orderId);
    tx.cardToken = card.id;
    return created ? [card] : [];
  }

  /**
   * Saves `testCard` for a customer outside any payment (control API, dashboard, library), to charge a card that
   * declines now; `created` is false when the customer already had it (its live token is kept).
   */
  async save(merchantId: string, customerId: string, testCard: TestCard): Promise<{ card: SavedCard; created: boolean }> {
    const kept = this.keep(merchantId, customerId, detailsOf(testCard));
    if (kept.created) await this.deps.store.commit(kept.card);
    return kept;
  }

  // Chosen: the same card (mask and brand) saved again by the same customer keeps its live token.
  private keep(merchantId: string, customerId: string, details: CardDetails, savedBy?: string): { card: SavedCard; created: boolean } {
    const existing = this.list({ merchantId, customerId })
      .find((c) => c.deletedAt === undefined && c.card.mask === details.mask && c.card.info.brand === details.info.brand);
    if (existing) return { card: existing, created: false };
    const card: SavedCard = {
      kind: 'savedCard', id: this.newToken(merchantId), merchantId, customerId,
      card: { mask: details.mask, info: { ...details.info } }, ...(savedBy === undefined ? {} : { savedBy }), createdAt: this.deps.clock.now(),
    };
    this.deps.store.addCustomerRecord(card);
    return { card, created: true };
  }

  /** The merchant's saved card behind `token` (deleted ones too), if any. */
  record(merchantId: string, token: string): SavedCard | undefined {
    return this.deps.store.getCustomerRecord('savedCard', merchantId, token.toLowerCase());
  }

  /** The saved card of any merchant behind `token`. */
  find(token: string): SavedCard | undefined {
    const id = token.toLowerCase();
    return this.deps.store.customerRecords('savedCard').find((c) => c.id === id);
  }

  /** Saved cards, oldest first, of one merchant and/or customer when given. */
  list(filter: SavedCardFilter = {}): SavedCard[] {
    return this.deps.store.customerRecords('savedCard').filter((c) =>
      (filter.merchantId === undefined || c.merchantId === filter.merchantId) && (filter.customerId === undefined || c.customerId === filter.customerId));
  }

  /** Whether `customerId` of `merchantId` may pay with `token`: it must be theirs and not deleted. */
  usable(merchantId: string, customerId: string, token: string): Done<{ card: SavedCard }> | Refused<SavedCardRefusal> {
    const card = this.record(merchantId, token);
    if (!card) return { ok: false, refusal: 'card-unknown' };
    if (card.deletedAt !== undefined) return { ok: false, refusal: 'card-deleted' };
    if (card.customerId !== customerId) return { ok: false, refusal: 'card-foreign-customer' };
    return { ok: true, card };
  }

  /** Whether an initiate body's saved card (`STORED` + `card.token`, already validated) may be used; anything else has nothing to check. */
  admit(merchantId: string, body: JsonObject): Done | Refused<SavedCardRefusal> {
    const card = objectOf(body.card);
    if (card?.storedOnFile !== 'STORED' || typeof card.token !== 'string') return { ok: true };
    const customerId = objectOf(body.customer)?.id;
    return this.usable(merchantId, typeof customerId === 'string' ? customerId : '', card.token);
  }

  /** The saved card a `STORED` order pays with (initiate checked it was usable). */
  cardOf(tx: StoredTransaction): SavedCard | undefined {
    const request = requestOf(tx);
    const token = storedOnFileOf(request) === 'STORED' ? cardTokenOf(request) : undefined;
    return token === undefined ? undefined : this.record(tx.merchantId, token);
  }

  /**
   * The card-page card behind a saved one: its test card (which decides the outcome), or a card that succeeds.
   * A saved card keeps no number, so any other card is named by its mask (`maskOf` of a mask is the mask).
   */
  testCardOf(card: SavedCard): TestCard {
    return testCardByMask(card.card.mask) ?? { number: card.card.mask, outcome: 'success', info: { ...card.card.info } };
  }

  /** Deletes the merchant's token: refused from then on. The record stays, marked, for the dashboard and the orders that used it. */
  async delete(merchantId: string, token: string): Promise<Done<{ card: SavedCard }> | Refused<SavedCardDeleteRefusal>> {
    const card = this.record(merchantId, token);
    if (!card || card.deletedAt !== undefined) return { ok: false, refusal: 'card-not-found' };
    card.deletedAt = this.deps.clock.now();
    await this.deps.store.commit(card);
    return { ok: true, card };
  }

  /**
   * Charges a pending `STORED` order at once (one-click): FAILURE when its scenario's outcome is `fail` or
   * its saved test card declines, else CAPTURED (a scenario's later outcome is replaced by this one). Its callback
   * goes out as for any payment. False when the order could not be moved (not pending, or no longer stored).
   */
  async charge(tx: StoredTransaction): Promise<boolean> {
    const card = this.cardOf(tx);
    if (!card || tx.status !== 'REQUEST_INITIATED') return false;
    const outcome = tx.scheduledOutcome?.action === 'fail'
      ? { action: 'fail' as const, cause: `scenario "${tx.scenario}" fails it` }
      : ONE_CLICK_OUTCOMES[this.testCardOf(card).outcome];
    return this.deps.transactions.apply(tx, outcome.action, `one-click charge on saved card ${card.card.mask}: ${outcome.cause}`, { card: card.card });
  }

  private newToken(merchantId: string): string {
    let token: string;
    do token = this.deps.generator.token();
    while (this.record(merchantId, token));
    return token;
  }
}

import type { CardDetails } from './transaction.js';

/** A card a customer let the merchant keep (`card.storedOnFile: "TO_BE_STORED"`), charged later by its token. */
export interface SavedCard {
  kind: 'savedCard';
  /** The token: 64 hex, as the docs' delete path shows. */
  id: string;
  merchantId: string;
  /** `customer.id` of the order that saved it: the token is refused for any other customer. */
  customerId: string;
  /** Mask and brand; the mask of a test card also decides how later charges end. */
  card: CardDetails;
  /** The order whose capture saved it; none when it was saved through the control API. */
  savedBy?: string;
  createdAt: number;
  /** Set by the delete API: the token is refused from then on. */
  deletedAt?: number;
}

import type { OpenVa } from './open-va.js';
import type { SavedCard } from './saved-card.js';
import type { Subscription } from './subscription.js';

/** What outlives one order and belongs to a merchant's customer: a saved card, a subscription, an open VA. */
export type CustomerRecord = SavedCard | Subscription | OpenVa;

export type CustomerRecordKind = CustomerRecord['kind'];

export const CUSTOMER_RECORD_KINDS: readonly CustomerRecordKind[] = ['savedCard', 'subscription', 'openVa'];

/** The record of `kind` among all of them. */
export type CustomerRecordOf<K extends CustomerRecordKind> = Extract<CustomerRecord, { kind: K }>;

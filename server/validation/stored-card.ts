import type { Channel } from '../channels/table.js';
import { objectOf } from '../support/json.js';
import { labelOf } from './labels.js';

// `ValidationFailure` of request-validator.ts, which calls this: named here so the two modules form no circle.
interface ValidationFailure {
  kind: 'missing' | 'format';
  field: string;
  label: string;
  rule: string;
  hint: string;
}

const failure = (kind: ValidationFailure['kind'], field: string, rule: string, hint: string): ValidationFailure => ({ kind, field, label: labelOf(field), rule, hint });

/**
 * The rules of `card.storedOnFile` and `card.token` the schemas cannot say (they span fields), checked after them:
 * only card orders store cards, a token goes only with `STORED`, `STORED` needs one, and both need the customer they belong to.
 */
export function storedCardFailure(body: Record<string, unknown>, channel: Channel | undefined): ValidationFailure | null {
  const card = objectOf(body.card);
  if (!card) return null;
  const mode = card.storedOnFile;
  const hasToken = card.token !== undefined;
  if (mode !== undefined && channel?.type !== 'cc') {
    return failure('format', 'card.storedOnFile', 'ccOnly', `card.storedOnFile is for sourceOfFunds.type "cc" only (this order is on ${channel?.type ?? 'the hosted page'}): drop card, or pay by card`);
  }
  if (hasToken && mode !== 'STORED') {
    return failure('format', 'card.token', 'storedOnly', `card.token is sent only with card.storedOnFile "STORED"${mode === undefined ? '' : ` (not "${String(mode)}": a card is saved without a token and gets one once paid)`}`);
  }
  if (mode === 'STORED' && !hasToken) return failure('missing', 'card.token', 'required', 'card.storedOnFile "STORED" pays with a saved card: send its card.token (64 hex, from a TO_BE_STORED payment)');
  const customerId = objectOf(body.customer)?.id;
  if (mode !== undefined && (typeof customerId !== 'string' || customerId === '')) {
    return failure('missing', 'customer.id', 'required', 'a saved card belongs to one customer: send customer.id with card.storedOnFile');
  }
  return null;
}

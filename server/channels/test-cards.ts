import type { CardDetails, CardInfo } from '../model/transaction.js';

/** The card page's test cards: the magic values listed in the README. The number decides the outcome. */
export type CardOutcome = 'success' | 'challenge' | 'declined' | 'insufficientFunds';

export interface TestCard {
  number: string;
  outcome: CardOutcome;
  info: CardInfo;
}

export const THREE_DS_OTP = '1234';

/** The 3-D Secure programme each scheme runs, named on the challenge page and in the timeline. */
export const SECURE_PROGRAMMES: Record<string, string> = {
  VISA: 'Visa Secure', MASTERCARD: 'Mastercard ID Check', JCB: 'J/Secure', AMEX: 'American Express SafeKey',
};

export const TEST_CARDS: readonly TestCard[] = [
  // The docs' own sample card (512345xxxxxx0008, MASTERCARD, Ecuador): the well-known MPGS test card.
  { number: '5123450000000008', outcome: 'success', info: { brand: 'MASTERCARD', issuing: 'BANCO DEL PICHINCHA, C.A.', type: 'CREDIT', subType: 'STANDARD', country: 'ECUADOR' } },
  { number: '4111111111111111', outcome: 'success', info: { brand: 'VISA', issuing: 'JPMORGAN CHASE BANK, N.A.', type: 'CREDIT', subType: 'CLASSIC', country: 'UNITED STATES' } },
  { number: '3566002020360505', outcome: 'success', info: { brand: 'JCB', issuing: 'JCB CO., LTD.', type: 'CREDIT', subType: 'STANDARD', country: 'JAPAN' } },
  { number: '378282246310005', outcome: 'success', info: { brand: 'AMEX', issuing: 'AMERICAN EXPRESS', type: 'CREDIT', subType: 'GREEN', country: 'UNITED STATES' } },
  { number: '4000000000001091', outcome: 'challenge', info: { brand: 'VISA', issuing: 'PT BANK CENTRAL ASIA TBK', type: 'CREDIT', subType: 'PLATINUM', country: 'INDONESIA' } },
  { number: '5200000000001096', outcome: 'challenge', info: { brand: 'MASTERCARD', issuing: 'PT BANK MANDIRI (PERSERO) TBK', type: 'DEBIT', subType: 'STANDARD', country: 'INDONESIA' } },
  { number: '4000000000000002', outcome: 'declined', info: { brand: 'VISA', issuing: 'PT BANK NEGARA INDONESIA (PERSERO) TBK', type: 'CREDIT', subType: 'GOLD', country: 'INDONESIA' } },
  { number: '4000000000009995', outcome: 'insufficientFunds', info: { brand: 'VISA', issuing: 'PT BANK RAKYAT INDONESIA (PERSERO) TBK', type: 'DEBIT', subType: 'CLASSIC', country: 'INDONESIA' } },
];

/** The card a card order is recorded with when it is paid without the card page (control API, scenario). */
export const DEFAULT_CARD: TestCard = TEST_CARDS[0]!;

// Brand by leading digits, for numbers that are not in the table.
const BRAND_RANGES: readonly { brand: string; test: RegExp; lengths: readonly number[] }[] = [
  { brand: 'VISA', test: /^4/, lengths: [13, 16, 19] },
  { brand: 'MASTERCARD', test: /^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/, lengths: [16] },
  { brand: 'JCB', test: /^35(2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] },
  { brand: 'AMEX', test: /^3[47]/, lengths: [15] },
];

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The card behind a number: a test card, or any other valid Visa, Mastercard, JCB or AMEX number (paid
 * like a success card); undefined when the number is not a card the page accepts.
 */
export function cardFor(number: string): TestCard | undefined {
  const digits = number.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(digits) || !passesLuhn(digits)) return undefined;
  const known = TEST_CARDS.find((c) => c.number === digits);
  if (known) return known;
  const range = BRAND_RANGES.find((r) => r.test.test(digits) && r.lengths.includes(digits.length));
  if (!range) return undefined;
  return { number: digits, outcome: 'success', info: { brand: range.brand, issuing: 'FINNET MOCK BANK', type: 'CREDIT', subType: 'STANDARD', country: 'INDONESIA' } };
}

/** `512345xxxxxx0008`: first six and last four digits, as in the docs' sample. */
export function maskOf(number: string): string {
  return `${number.slice(0, 6)}${'x'.repeat(number.length - 10)}${number.slice(-4)}`;
}

/** The test card behind a saved card's mask (it decides how charges on that card end); undefined for any other card, which succeeds. */
export function testCardByMask(mask: string): TestCard | undefined {
  return TEST_CARDS.find((c) => maskOf(c.number) === mask);
}

export function detailsOf(card: TestCard): CardDetails {
  return { mask: maskOf(card.number), info: { ...card.info } };
}

/** CVV length the card's brand uses. */
export function cvvLength(card: TestCard): number {
  return card.info.brand === 'AMEX' ? 4 : 3;
}

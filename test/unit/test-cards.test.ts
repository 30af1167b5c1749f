import { describe, expect, it } from 'vitest';
import { cardFor, cvvLength, DEFAULT_CARD, detailsOf, maskOf, TEST_CARDS, THREE_DS_OTP } from '../../server/channels/test-cards.js';

describe('card test numbers (README table)', () => {
  it.each([
    ['5123 4500 0000 0008', 'MASTERCARD', 'success'],
    ['4111 1111 1111 1111', 'VISA', 'success'],
    ['3566 0020 2036 0505', 'JCB', 'success'],
    ['3782 822463 10005', 'AMEX', 'success'],
    ['4000 0000 0000 1091', 'VISA', 'challenge'],
    ['5200 0000 0000 1096', 'MASTERCARD', 'challenge'],
    ['4000 0000 0000 0002', 'VISA', 'declined'],
    ['4000 0000 0000 9995', 'VISA', 'insufficientFunds'],
  ])('%s is a %s card with outcome %s, typed with spaces or dashes', (number, brand, outcome) => {
    for (const typed of [number, number.replace(/ /g, ''), number.replace(/ /g, '-')]) {
      expect(cardFor(typed)).toMatchObject({ number: number.replace(/ /g, ''), outcome, info: { brand } });
    }
  });

  it('every table card passes the Luhn check the card page applies (none is unreachable)', () => {
    for (const card of TEST_CARDS) expect(cardFor(card.number)?.outcome).toBe(card.outcome);
  });

  it('any other valid Visa / Mastercard (incl. 2-series) / JCB / AMEX number is paid like a success card', () => {
    expect(cardFor('4242424242424242')).toMatchObject({ outcome: 'success', info: { brand: 'VISA', issuing: 'FINNET MOCK BANK' } });
    expect(cardFor('5555555555554444')?.info.brand).toBe('MASTERCARD');
    expect(cardFor('2223003122003222')?.info.brand).toBe('MASTERCARD');
    expect(cardFor('3530111333300000')?.info.brand).toBe('JCB');
    expect(cardFor('371449635398431')?.info.brand).toBe('AMEX');
  });

  it('refuses numbers that fail Luhn, have the wrong length or belong to no accepted brand', () => {
    expect(cardFor('4111111111111112')).toBeUndefined(); // Luhn
    expect(cardFor('411111111111')).toBeUndefined(); // 12 digits
    expect(cardFor('6011111111111117')).toBeUndefined(); // Discover: valid Luhn, not accepted
    expect(cardFor('37828224631000')).toBeUndefined(); // AMEX needs 15 digits
    expect(cardFor('4111 1111 1111 111a')).toBeUndefined();
    expect(cardFor('')).toBeUndefined();
  });

  it('masks as the docs sample does: first six, x for the middle, last four', () => {
    expect(maskOf('5123450000000008')).toBe('512345xxxxxx0008');
    expect(maskOf('378282246310005')).toBe('378282xxxxx0005');
    expect(detailsOf(DEFAULT_CARD)).toEqual({ mask: '512345xxxxxx0008', info: DEFAULT_CARD.info });
  });

  it('details are a copy: changing an order card never changes the table', () => {
    const details = detailsOf(DEFAULT_CARD);
    details.info.brand = 'CHANGED';
    expect(DEFAULT_CARD.info.brand).toBe('MASTERCARD');
  });

  it('the default card is the docs sample, AMEX asks a 4-digit CVV and others 3, the 3-D Secure OTP is 1234', () => {
    expect(DEFAULT_CARD.number).toBe('5123450000000008');
    expect(cvvLength(cardFor('378282246310005')!)).toBe(4);
    expect(cvvLength(cardFor('4111111111111111')!)).toBe(3);
    expect(THREE_DS_OTP).toBe('1234');
  });
});

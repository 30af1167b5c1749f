import { describe, expect, it } from 'vitest';
import { crc16, nmidOf, qrisPayload } from '../../server/channels/qris-payload.js';
import { storedTransaction } from './transaction.js';

/** Splits an EMV payload into its tag → value fields; throws when a length does not fit. */
function fields(payload: string): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < payload.length;) {
    const tag = payload.slice(i, i + 2);
    const length = Number(payload.slice(i + 2, i + 4));
    if (!/^\d{2}$/.test(tag) || !Number.isInteger(length) || i + 4 + length > payload.length) throw new Error(`bad TLV at ${i}: ${payload.slice(i)}`);
    out.set(tag, payload.slice(i + 4, i + 4 + length));
    i += 4 + length;
  }
  return out;
}

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the catalogued check value 29B1 for "123456789"', () => {
    expect(crc16('123456789')).toBe('29B1');
  });

  it('matches the EMVCo merchant-presented QR specification example (UTF-8 bytes included): A13A', () => {
    const example = '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT'
      + '6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A011223344998877'
      + '0708123456786304';
    expect(crc16(example)).toBe('A13A');
  });

  it('is always four upper-case hex digits, zero-padded', () => {
    for (const text of ['', 'a', 'QRIS', '6304']) expect(crc16(text)).toMatch(/^[0-9A-F]{4}$/);
    expect(crc16('')).toBe('FFFF');
  });
});

describe('the QRIS stringQr of a dynamic order', () => {
  const tx = storedTransaction({
    merchantId: 'FINPAY770', orderId: 'QR-ORDER-1', channel: 'qris', amount: 150000, token: 'f'.repeat(64),
    requestJson: JSON.stringify({ order: { id: 'QR-ORDER-1', amount: '150000', merchantCategoryCode: '5411' } }),
  });
  const payload = qrisPayload(tx);

  it('is a well-formed EMV payload that ends in the CRC of everything before it', () => {
    const parsed = fields(payload);
    expect(parsed.get('00')).toBe('01');
    expect(parsed.get('01')).toBe('12'); // dynamic
    expect(payload.slice(-8, -4)).toBe('6304');
    expect(payload.slice(-4)).toBe(crc16(payload.slice(0, -4)));
  });

  it('carries the amount, rupiah, Indonesia, the merchant category and the order id as bill number', () => {
    const parsed = fields(payload);
    expect(parsed.get('54')).toBe('150000');
    expect(parsed.get('53')).toBe('360');
    expect(parsed.get('58')).toBe('ID');
    expect(parsed.get('52')).toBe('5411');
    expect(parsed.get('59')).toBe('FINPAY770');
    const additional = fields(parsed.get('62')!);
    expect(additional.get('01')).toBe('QR-ORDER-1');
    expect(additional.get('05')).toBe('f'.repeat(25));
  });

  it('names the merchant with its stable QRIS NMID (ID10 + 11 digits), the same for every order of the merchant', () => {
    const nmid = fields(fields(payload).get('51')!).get('02');
    expect(nmid).toBe(nmidOf('FINPAY770'));
    expect(nmid).toMatch(/^ID10\d{11}$/);
    expect(nmidOf('SHOP2')).not.toBe(nmid);
    const other = qrisPayload({ ...tx, orderId: 'QR-ORDER-2', amount: 1 });
    expect(fields(fields(other).get('51')!).get('02')).toBe(nmid);
  });

  it('uses the general merchant category 5999 when the request has none', () => {
    expect(fields(qrisPayload({ ...tx, requestJson: '{"order":{"id":"QR-ORDER-1","amount":"150000"}}' })).get('52')).toBe('5999');
  });
});

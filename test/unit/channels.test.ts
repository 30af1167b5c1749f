import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../server/channels/families.js';
import { acceptedTypes, CHANNELS, channelOf, HOSTED } from '../../server/channels/table.js';
import { storedTransaction } from './transaction.js';
import { ValueGenerator } from '../../server/support/value-generator.js';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'schemas', 'channels');
const token = 'c'.repeat(64);
const pageOf = (type: string) => {
  const channel = channelOf(type)!;
  return FAMILIES[channel.family].page(storedTransaction({ channel: channel.type, token }), channel);
};

describe('the channel table', () => {
  it('every type and alias names one channel, and aliases resolve to their canonical channel', () => {
    const names = CHANNELS.flatMap((c) => [c.type, ...c.aliases]);
    expect(new Set(names).size).toBe(names.length);
    expect(acceptedTypes().sort()).toEqual([...names].sort());
    expect(channelOf('shopeepaylater')?.type).toBe('shopeepay');
    expect(channelOf('linkajaweb')?.type).toBe('linkajawco');
    expect(channelOf('jenius')?.type).toBe('jeniuspay');
    expect(channelOf('KREDIVO')).toBeUndefined();
    expect(channelOf('nope')).toBeUndefined();
  });

  it('hosted is a stored channel (until the shopper picks one) but not an accepted sourceOfFunds.type', () => {
    expect(channelOf('hosted')).toBe(HOSTED);
    expect(acceptedTypes()).not.toContain('hosted');
  });

  it('only cards end CAPTURED; everything else PAID', () => {
    expect(CHANNELS.filter((c) => c.paidStatus === 'CAPTURED').map((c) => c.type)).toEqual(['cc']);
  });

  it('VA, pay code and retail channels (and only they) have a 4-5 digit payment code prefix, said to be observed or chosen', () => {
    for (const c of CHANNELS) {
      const coded = ['va', 'paycode', 'retail'].includes(c.family);
      expect(c.codePrefix !== undefined, c.type).toBe(coded);
      expect(c.prefixSource !== undefined, c.type).toBe(coded);
      if (coded) expect(c.codePrefix, c.type).toMatch(/^\d{4,5}$/);
    }
    expect(CHANNELS.filter((c) => c.prefixSource === 'observed').map((c) => [c.type, c.codePrefix])).toEqual([['finpaycode', '8802'], ['vabca', '38337']]);
  });

  it('VA bank codes are those the README lists (as in the captured BCA callback)', () => {
    const codes = Object.fromEntries(CHANNELS.filter((c) => c.family === 'va').map((c) => [c.type, c.channelCode]));
    expect(codes).toMatchObject({ vabca: '014', vabni: '009', vabri: '002', vamandiri: '008', vapermata: '013', vabsi: '451', vabtn: '200', vacimb: '022', vadanamon: '011' });
  });

  it('QRIS and e-wallets refuse cancel while initiated; VAs, cards and paylater allow it', () => {
    const refusing = CHANNELS.filter((c) => !c.cancellableWhileInitiated).map((c) => c.family);
    expect(new Set(refusing)).toEqual(new Set(['qris', 'wallet', 'webcheckout', 'push']));
    for (const type of ['cc', 'vabca', 'kredivo', 'alfamart']) expect(channelOf(type)?.cancellableWhileInitiated, type).toBe(true);
  });

  it('a Kredivo link lives 15 minutes, others 1440 (order.timeout default)', () => {
    expect(channelOf('kredivo')?.defaultExpiryMinutes).toBe(15);
    expect(channelOf('vabca')?.defaultExpiryMinutes).toBe(1440);
  });

  it('every channel rules file exists in schemas/channels/', () => {
    for (const c of CHANNELS.filter((ch) => ch.rules)) expect(existsSync(join(SCHEMAS, c.rules!)), c.rules).toBe(true);
  });
});

describe('channel families', () => {
  it('each family sends the shopper to its page', () => {
    expect(pageOf('cc')).toBe(`/pg/payment/card/access/${token}`);
    expect(pageOf('hosted')).toBe(`/pg/payment/card/id/v2/access/${token}`);
    expect(pageOf('vabca')).toBe(`/widgetpg/pending/${token}`);
    expect(pageOf('alfamart')).toBe(`/widgetpg/pending/${token}`);
    expect(pageOf('finpaycode')).toBe(`/widgetpg/pending/${token}`);
    expect(pageOf('qris')).toBe(`/qris/${token}`);
    expect(pageOf('dana')).toBe(`/ewallet/dana/pay?tk=${token}`);
    expect(pageOf('kredivo')).toBe(`/kredivo/v2/signin?tk=${token}`);
    expect(pageOf('octoclicks')).toBe(`/ibank/octoclicks/login?tk=${token}`);
  });

  it('OVO has no page: the payment is pushed to the app', () => {
    expect(pageOf('ovo')).toBeNull();
  });

  it('keys each page by the token its links use: Kredivo-style tk for paylater, the pending number for VA / pay code / retail', () => {
    expect(FAMILIES.paylater.token).toBe('kredivoToken');
    for (const family of ['va', 'paycode', 'retail'] as const) expect(FAMILIES[family].token).toBe('pendingId');
    for (const family of ['card', 'hosted', 'qris', 'wallet', 'ibank'] as const) expect(FAMILIES[family].token).toBe('token');
  });

  it('a non-card payment reference is a UUID of its own followed by the channel code (the captured <uuid>014 shape)', () => {
    const channel = channelOf('vabca')!;
    const tx = storedTransaction({ channel: 'vabca', reference: '0e7ad7f4-6c1b-4b5e-9f0a-3d2c1b0a9f8e' });
    const generator = new ValueGenerator('7');
    const reference = FAMILIES.va.paymentReference(tx, channel, generator);
    expect(reference).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}014$/);
    expect(reference.slice(0, 36)).not.toBe(tx.reference);
  });

  it('a card order paid without the card page is recorded with the default test card; one paid on the page keeps its card', () => {
    const unpaid = storedTransaction({ channel: 'cc' });
    FAMILIES.card.onPaid!(unpaid);
    expect(unpaid.card?.mask).toBe('512345xxxxxx0008');
    const onPage = storedTransaction({ channel: 'cc', card: { mask: '411111xxxxxx1111', info: { brand: 'VISA', issuing: 'x', type: 'CREDIT', subType: 'CLASSIC', country: 'US' } } });
    FAMILIES.card.onPaid!(onPage);
    expect(onPage.card?.mask).toBe('411111xxxxxx1111');
  });
});

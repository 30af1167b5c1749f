import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFinnetMock, type FinnetMock } from 'finnet-mock';
import { openShop, type Shop } from '../src/shop.js';

let finpay: FinnetMock;
let shop: Shop;

beforeAll(async () => {
  finpay = await startFinnetMock({ merchants: ['SHOP1:rahasia-toko'], seed: '42' });
  shop = await openShop({ gatewayUrl: finpay.url, merchantId: 'SHOP1', merchantKey: 'rahasia-toko' });
});
afterAll(async () => {
  await finpay.stop();
  await shop.close();
});
beforeEach(() => finpay.reset());

describe('Kredivo checkout (vitest)', () => {
  it('marks the order paid when the signed callback arrives', async () => {
    const { redirecturl } = await shop.checkout('SHOP-1001', 25000);
    expect(redirecturl).toContain('/kredivo/v2/signin?tk=');
    await finpay.pay('SHOP-1001');
    const callback = await finpay.waitForCallback('SHOP-1001', { status: 'PAID' });
    expect(callback.attempts.at(-1)?.statusCode).toBe(200);
    expect(shop.paidOrders.has('SHOP-1001')).toBe(true);
  });

  it('refuses a callback whose signature does not verify', async () => {
    finpay.addScenario({ name: 'forged', match: { orderId: '^SHOP-1002$' }, effects: { callback: { badSignature: true } } });
    await shop.checkout('SHOP-1002', 25000);
    const judged = once(shop.events, 'callback');
    await finpay.pay('SHOP-1002');
    expect(await judged).toEqual([{ orderId: 'SHOP-1002', statusCode: 401 }]);
    expect(shop.paidOrders.has('SHOP-1002')).toBe(false);
  });
});

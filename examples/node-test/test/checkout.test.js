import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFinnetMock } from 'finnet-mock';
import { openShop } from '../src/shop.js';

describe('Kredivo checkout (node:test)', () => {
  let finpay;
  let shop;

  before(async () => {
    finpay = await startFinnetMock({ merchants: ['SHOP1:rahasia-toko'], seed: '42' });
    shop = await openShop({ gatewayUrl: finpay.url, merchantId: 'SHOP1', merchantKey: 'rahasia-toko' });
  });
  after(async () => {
    await finpay.stop();
    await shop.close();
  });
  beforeEach(() => finpay.reset());

  it('marks the order paid when the signed callback arrives', async () => {
    const { redirecturl } = await shop.checkout('SHOP-1001', 25000);
    assert.match(redirecturl, /\/kredivo\/v2\/signin\?tk=/);
    await finpay.pay('SHOP-1001');
    const callback = await finpay.waitForCallback('SHOP-1001', { status: 'PAID' });
    assert.equal(callback.attempts.at(-1).statusCode, 200);
    assert.ok(shop.paidOrders.has('SHOP-1001'));
  });

  it('refuses a callback whose signature does not verify', async () => {
    finpay.addScenario({ name: 'forged', match: { orderId: '^SHOP-1002$' }, effects: { callback: { badSignature: true } } });
    await shop.checkout('SHOP-1002', 25000);
    const judged = once(shop.events, 'callback');
    await finpay.pay('SHOP-1002');
    assert.deepEqual(await judged, [{ orderId: 'SHOP-1002', statusCode: 401 }]);
    assert.equal(shop.paidOrders.has('SHOP-1002'), false);
  });
});

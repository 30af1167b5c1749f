// How a merchant's vitest suite uses finnet-mock: only the package's public API, as in the README.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFinnetMock, type FinnetMock } from 'finnet-mock';

let finpay: FinnetMock;
let shop: Server;
let shopUrl: string;
const paidOrders = new Set<string>();

/** The merchant's own code under test: create a Kredivo payment through the gateway. */
async function createPayment(orderId: string, amount: number): Promise<{ redirecturl: string }> {
  const res = await fetch(`${finpay.url}/pg/payment/card/initiate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: finpay.merchant.authorization },
    body: JSON.stringify({
      order: { id: orderId, amount: String(amount), item: [{ name: 'Kopi Susu', quantity: '1', unitPrice: String(amount) }] },
      customer: { email: 'budi@example.com', firstName: 'Budi', mobilePhone: '+6281234567890' },
      url: { callbackUrl: `${shopUrl}/finpay/callback`, successUrl: `${shopUrl}/thanks`, failUrl: `${shopUrl}/sorry` },
      sourceOfFunds: { type: 'kredivo' },
      billing: { address: { street: 'Jl. Sudirman 1', city: 'Jakarta', postcodeZip: '10210', country: 'IDN' } },
    }),
  });
  if (!res.ok) throw new Error(`initiate failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { redirecturl: string };
}

/** The merchant's own callback handler: verify the signature over the raw body, then mark the order paid. */
function callbackHandler(raw: string): number {
  const signature = (JSON.parse(raw) as { signature: string }).signature;
  const unsigned = raw.replace(/,"signature":"[0-9a-f]{128}"}$/, '}');
  const expected = createHmac('sha512', finpay.merchant.key).update(unsigned).digest('hex');
  if (expected !== signature) return 401;
  const body = JSON.parse(raw) as { order: { id: string }; result: { payment: { status: string } } };
  if (body.result.payment.status === 'PAID') paidOrders.add(body.order.id);
  return 200;
}

beforeAll(async () => {
  finpay = await startFinnetMock({ seed: '42' });
  shop = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => res.writeHead(callbackHandler(raw)).end());
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as { port: number }).port}`;
});
afterAll(async () => {
  await finpay.stop();
  shop.close();
});
beforeEach(() => finpay.reset());

describe('checkout with Kredivo', () => {
  it('marks the order paid when Finpay calls back', async () => {
    const { redirecturl } = await createPayment('SHOP-1001', 25000);
    expect(redirecturl).toContain('/kredivo/v2/signin?tk=');
    await finpay.pay('SHOP-1001');
    const callback = await finpay.waitForCallback('SHOP-1001', { status: 'PAID' });
    expect(callback.attempts.at(-1)?.statusCode).toBe(200);
    expect(paidOrders.has('SHOP-1001')).toBe(true);
  });

  it('leaves the order unpaid when the 15-minute link expires', async () => {
    await createPayment('SHOP-1002', 25000);
    await finpay.advanceClock('16m');
    const callback = await finpay.waitForCallback('SHOP-1002');
    expect(callback.json.result).toMatchObject({ payment: { status: 'EXPIRED' } });
    expect(paidOrders.has('SHOP-1002')).toBe(false);
  });

  it('rejects a forged callback (scenario: wrong signature)', async () => {
    finpay.addScenario({ name: 'forged', match: { orderId: '^SHOP-1003$' }, effects: { callback: { badSignature: true } } });
    await createPayment('SHOP-1003', 25000);
    await finpay.pay('SHOP-1003');
    await expect(finpay.waitForCallback('SHOP-1003', { timeoutMs: 300 })).rejects.toThrow(/no delivered callback/);
    expect(finpay.transaction('SHOP-1003')?.callbacks).toMatchObject([{ attempts: [{ statusCode: 401 }] }]);
    expect(paidOrders.has('SHOP-1003')).toBe(false);
  });
});

/**
 * Open (static) VAs in headless Chromium: a VA registered through the gateway, a transfer made on its shopper
 * transfer page (a PAID order and its signed callback), then the dashboard's Open VAs list and VA page with that
 * payment, and a second transfer from the dashboard's form. Screenshots at desktop and 390 px width go to test/artifacts/.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, DESKTOP, expectSignedCallback, MOBILE, openPage, screenshot, useBrowserSuite, warnIfNoBrowser } from './helpers/browser.js';
import { basicAuth, checkStatus, MERCHANT } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('open-vas-browser.test.ts');

const CUSTOMER = { id: 'cust-77', email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' };

describe.runIf(browserSuiteRuns)('open-VA pages in headless Chromium', () => {
  const suite = useBrowserSuite();
  let receiver: CallbackReceiver;
  let code: string;
  let transferPage: string;
  const vaPath = () => `/open-vas/${MERCHANT.id}/vabca/${code}`;
  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
  const payments = (page: Page) => page.getByTestId('open-va-payment').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-testid="tx-link"]')?.textContent));

  async function open(path: string, viewport = DESKTOP): Promise<Page> {
    const page = await openPage(suite.browser, suite.contexts, viewport);
    await page.goto(path.startsWith('http') ? path : `${suite.instance.url}${path}`);
    return page;
  }

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    const res = await request(suite.instance.server).post('/pg/payment/card/openpayment/register').set('Authorization', basicAuth())
      .send({ customer: CUSTOMER, sourceOfFunds: { type: 'vabca' }, url: { callbackUrl: `${receiver.url}/callback` } });
    expect(res.status, res.text).toBe(200);
    code = res.body.paymentCode;
    transferPage = res.headers['x-finnet-mock-transfer-page']!;
    expect(new URL(transferPage).pathname).toBe(`/va-transfer/${MERCHANT.id}/vabca/${code}`);
  });

  it('the transfer page shows the VA number and recipient, refuses a bad amount, and a transfer is a PAID order with its callback', async () => {
    const page = await open(transferPage, MOBILE);
    await expect(page.getByTestId('payment-code').getAttribute('data-code')).resolves.toBe(code);
    await expect(page.getByTestId('payment-code').textContent()).resolves.toBe(code.replace(/(\d{4})(?=\d)/g, '$1 '));
    await expect(page.getByTestId('recipient').textContent()).resolves.toBe('Hajar Ismail');
    await expect(page.getByTestId('channel-name').textContent()).resolves.toBe('BCA Virtual Account');
    expect(await noSideScroll(page)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(page, 'open-va-0-transfer-mobile');

    await page.getByTestId('transfer-amount').fill('seratus');
    await page.getByTestId('transfer-submit').click();
    await expect(page.getByTestId('transfer-error').textContent()).resolves.toBe('Masukkan jumlah dalam rupiah, minimal 1.');
    await screenshot(page, 'open-va-1-transfer-bad-amount-mobile');
    await page.getByTestId('transfer-amount').fill('150.000');
    await page.getByTestId('transfer-submit').click();
    await expect(page.getByTestId('message-heading').textContent()).resolves.toBe('Transfer berhasil');
    await expect(page.getByTestId('message-body').textContent()).resolves.toMatch(new RegExp(`^Transfer sebesar Rp 150\\.000 ke ${code} sudah diterima \\(pesanan VA014-${code}-1\\)\\.$`));
    await expect(page.getByTestId('receipt-amount').textContent()).resolves.toBe('Rp 150.000');
    await expect(page.getByTestId('receipt-order').textContent()).resolves.toBe(`VA014-${code}-1`);
    expect(await noSideScroll(page)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(page, 'open-va-2-transfer-done-mobile');
    // "Transfer lagi" goes back to the same VA's form, still in Indonesian.
    await page.getByTestId('transfer-again').click();
    await expect(page.getByTestId('transfer-submit').textContent()).resolves.toBe('Transfer sekarang');
    expect(await page.getByTestId('order-id').count()).toBe(0);

    const [callback] = await receiver.waitFor(1);
    const sent = expectSignedCallback(callback!, '/callback');
    expect(sent).toMatchObject({ order: { id: `VA014-${code}-1`, amount: 150000 }, result: { payment: { status: 'PAID' } } });
    expect((await checkStatus(suite.instance, `VA014-${code}-1`)).body.data.result.payment.status).toBe('PAID');

    const desktop = await open(`${transferPage}?lang=en`);
    await expect(desktop.getByTestId('transfer-submit').textContent()).resolves.toBe('Transfer now');
    await screenshot(desktop, 'open-va-3-transfer-desktop');
  });

  it('the dashboard lists the VA with its payment, and its form makes a second transfer', async () => {
    const list = await open('/open-vas');
    const row = list.locator(`[data-testid="open-va-row"][data-code="${code}"]`);
    await expect(row.getByTestId('open-va-status').textContent()).resolves.toBe('ACTIVE');
    await expect(row.locator('[data-label="Payments"]').textContent()).resolves.toBe('1');
    await screenshot(list, 'open-va-4-list-desktop');
    const mobileList = await open('/open-vas', MOBILE);
    expect(await noSideScroll(mobileList)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(mobileList, 'open-va-5-list-mobile');

    await row.getByTestId('open-va-link').click();
    await list.waitForURL(new RegExp(`${vaPath()}$`));
    expect(await payments(list)).toEqual([`VA014-${code}-1`]);
    await expect(list.getByTestId('open-va-customer').textContent()).resolves.toBe('Hajar Ismail');
    await screenshot(list, 'open-va-6-detail-desktop');

    await list.getByTestId('open-va-amount').fill('75000');
    await list.getByTestId('open-va-pay-button').click();
    await list.waitForURL(/\?flash=/);
    await expect(list.getByTestId('flash').textContent()).resolves.toBe(`Transfer of IDR 75000 received: order VA014-${code}-2 is PAID.`);
    expect(await payments(list)).toEqual([`VA014-${code}-2`, `VA014-${code}-1`]);
    await receiver.waitFor(2);
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ order: { id: `VA014-${code}-2`, amount: 75000 } });

    await list.getByTestId('open-va-amount').fill('-5');
    await list.getByTestId('open-va-pay-button').click();
    await list.waitForURL(/\?flash=/);
    await expect(list.getByTestId('flash').textContent()).resolves.toBe('Enter the amount as whole rupiah, 1 or more.');

    const mobile = await open(vaPath(), MOBILE);
    expect(await noSideScroll(mobile)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(mobile, 'open-va-7-detail-mobile');

    // The payment's order page names the VA it came into.
    await list.locator('[data-testid="open-va-payment"]').first().getByTestId('tx-link').click();
    await list.waitForURL(new RegExp(`/transactions/${MERCHANT.id}/VA014-${code}-2$`));
    await expect(list.getByTestId('tx-open-va').textContent()).resolves.toBe(code);
  });
});

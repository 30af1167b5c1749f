/**
 * End-to-end in real headless Chromium, one test per page a shopper can be sent to: the card page (3-D
 * Secure and a declined card), the payment instructions page (VA, and retail through the hosted picker),
 * QRIS, an e-wallet, a web checkout reached through Finpay's link, internet banking, and the paylater
 * pages built like Kredivo's. Each ends on the merchant's page (or the simulator's result page) with
 * exactly one signed callback and check-status agreeing. Screenshots at mobile and desktop width go to
 * test/artifacts/ (gitignored).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuiteRuns, DESKTOP, expectSignedCallback, onlyCallback, openPage, screenshot, useBrowserSuite, warnIfNoBrowser,
} from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { checkStatus, initiate } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('channel-browser.test.ts');

describe.runIf(browserSuiteRuns)('channel pages in headless Chromium', () => {
  const suite = useBrowserSuite();

  /** A fresh receiver, an order on `type` (null: hosted) pointing at it, and a mobile-sized page. */
  async function begin(type: string | null): Promise<{ receiver: CallbackReceiver; orderId: string; answer: any; page: Page }> {
    const receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    const body = channelRequest(type, { callbackUrl: `${receiver.url}/callback?src=finpay`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail` });
    const res = await initiate(suite.instance, body);
    expect(res.status).toBe(200);
    return { receiver, orderId: body.order.id as string, answer: res.body, page: await openPage(suite.browser, suite.contexts) };
  }

  /** The first page at desktop width too: the sheet is centred as a card. */
  async function desktopShot(url: string, ready: string, name: string): Promise<void> {
    const page = await openPage(suite.browser, suite.contexts, DESKTOP);
    await page.goto(url);
    await page.getByTestId(ready).waitFor();
    await screenshot(page, name);
    await page.context().close();
  }

  /** One signed callback to the receiver with `status`, and check-status saying the same; gives the callback body. */
  async function expectOutcome(receiver: CallbackReceiver, orderId: string, status: string): Promise<any> {
    const body = expectSignedCallback(await onlyCallback(receiver), '/callback?src=finpay');
    expect(body.order.id).toBe(orderId);
    expect(body.result.payment.status).toBe(status);
    const check = await checkStatus(suite.instance, orderId);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment).toEqual(body.result.payment);
    return body;
  }

  async function fillCard(page: Page, number: string): Promise<void> {
    await page.getByTestId('card-number-input').fill(number);
    await page.getByTestId('card-expiry-input').fill('12/39');
    await page.getByTestId('card-cvv-input').fill('100');
    await page.getByTestId('card-name-input').fill('Hajar Ismail');
  }

  it('card: a 3-D Secure card, a wrong OTP, then 1234 → successUrl, CAPTURED with the card', async () => {
    const { receiver, orderId, answer, page } = await begin('cc');
    await desktopShot(answer.redirecturl, 'card-form', 'card-0-form-desktop');
    await page.goto(answer.redirecturl);
    await page.getByTestId('test-cards').waitFor();
    await screenshot(page, 'card-1-form-mobile');
    await fillCard(page, '4000 0000 0000 1091');
    await page.getByTestId('pay-button').click();
    await page.waitForURL(/\/3ds$/);
    expect(await page.getByTestId('card-mask').textContent()).toBe('400000xxxxxx1091');
    await screenshot(page, 'card-2-3ds');
    await page.getByTestId('otp-input').fill('9999');
    await page.getByTestId('otp-submit').click();
    await page.getByTestId('error').waitFor();
    await screenshot(page, 'card-3-3ds-wrong-otp');
    expect(receiver.received).toHaveLength(0);
    await page.getByTestId('otp-input').fill('1234');
    await page.getByTestId('otp-submit').click();
    await page.waitForURL(`${receiver.url}/success`);
    await page.getByTestId('merchant-page').waitFor();
    const body = await expectOutcome(receiver, orderId, 'CAPTURED');
    expect(body.card).toEqual({ mask: '400000xxxxxx1091', info: expect.objectContaining({ brand: 'VISA', country: 'INDONESIA' }) });
    expect((await checkStatus(suite.instance, orderId)).body.data.card).toEqual(body.card);
  }, 45_000);

  it('card: a declined card shows why, and the way back leads to failUrl; FAILURE', async () => {
    const { receiver, orderId, answer, page } = await begin('cc');
    await page.goto(answer.redirecturl);
    await fillCard(page, '4000000000000002');
    await page.getByTestId('pay-button').click();
    await page.getByTestId('message-heading').waitFor();
    expect(await page.getByTestId('message-body').textContent()).toContain('ditolak');
    await screenshot(page, 'card-4-declined');
    await page.getByTestId('back-to-merchant').click();
    await page.waitForURL(`${receiver.url}/fail`);
    await expectOutcome(receiver, orderId, 'FAILURE');
  }, 45_000);

  it('VA: the instructions page, "simulate payment" → paid page → successUrl; PAID with the VA number and bank code', async () => {
    const { receiver, orderId, answer, page } = await begin('vabca');
    await desktopShot(answer.redirecturl, 'payment-code', 'va-0-instructions-desktop');
    await page.goto(answer.redirecturl);
    expect(await page.getByTestId('payment-code').getAttribute('data-code')).toBe(answer.paymentCode);
    await page.getByTestId('instructions-1').locator('summary').click();
    await screenshot(page, 'va-1-instructions-mobile');
    await page.getByTestId('simulate-payment').click();
    await page.getByTestId('message-heading').waitFor();
    await screenshot(page, 'va-2-paid');
    await page.getByTestId('back-to-merchant').click();
    await page.waitForURL(`${receiver.url}/success`);
    const body = await expectOutcome(receiver, orderId, 'PAID');
    expect(body.sourceOfFunds).toEqual({ type: 'vabca', paymentCode: answer.paymentCode });
    expect(body.result.payment.channel).toBe('014');
  }, 45_000);

  it('QRIS: the QR image loads, "scan & pay" → successUrl; PAID', async () => {
    const { receiver, orderId, answer, page } = await begin('qris');
    await desktopShot(answer.redirecturl, 'qr-image', 'qris-0-desktop');
    await page.goto(answer.redirecturl);
    await expect.poll(() => page.getByTestId('qr-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(200);
    expect(await page.getByTestId('qr-payload').textContent()).toBe(answer.stringQr);
    await screenshot(page, 'qris-1-mobile');
    await page.getByTestId('simulate-scan').click();
    await page.waitForURL(`${receiver.url}/success`);
    await expectOutcome(receiver, orderId, 'PAID');
  }, 45_000);

  it('DANA: wrong PIN, then PIN 123456 → successUrl; PAID', async () => {
    const { receiver, orderId, answer, page } = await begin('dana');
    await desktopShot(answer.redirecturl, 'wallet-form', 'wallet-0-dana-desktop');
    await page.goto(answer.redirecturl);
    await expect.poll(() => page.getByTestId('account-input').inputValue()).toBe('+6281286288844');
    await screenshot(page, 'wallet-1-dana-mobile');
    await page.getByTestId('secret-input').fill('111111');
    await page.getByTestId('pay-button').click();
    await page.getByTestId('error').waitFor();
    await screenshot(page, 'wallet-2-dana-wrong-pin');
    await page.getByTestId('secret-input').fill('123456');
    await page.getByTestId('pay-button').click();
    await page.waitForURL(`${receiver.url}/success`);
    expect((await expectOutcome(receiver, orderId, 'PAID')).result.payment.channel).toBe('DANA');
  }, 45_000);

  it('LinkAja web checkout: Finpay\'s link leads to the LinkAja page; cancel → failUrl; FAILURE', async () => {
    const { receiver, orderId, answer, page } = await begin('linkajawco');
    expect(answer.redirecturl).toMatch(/\/pg\/payment\/card\/access\/[0-9a-f]{64}$/);
    await page.goto(answer.redirecturl);
    await page.waitForURL(/\/ewallet\/linkajawco\/pay\?tk=/);
    await page.getByTestId('wallet-form').waitFor();
    await screenshot(page, 'wallet-3-linkaja-web-mobile');
    await page.getByTestId('cancel-button').click();
    await page.waitForURL(`${receiver.url}/fail`);
    await expectOutcome(receiver, orderId, 'FAILURE');
  }, 45_000);

  it('OCTO Clicks: user ID and password → successUrl; PAID with CIMB\'s bank code', async () => {
    const { receiver, orderId, answer, page } = await begin('octoclicks');
    await desktopShot(answer.redirecturl, 'wallet-form', 'ibank-0-octoclicks-desktop');
    await page.goto(answer.redirecturl);
    await page.waitForURL(/\/ibank\/octoclicks\/login\?tk=/);
    await page.getByTestId('account-input').fill('hajar.ismail');
    await page.getByTestId('secret-input').fill('123456');
    await screenshot(page, 'ibank-1-octoclicks-mobile');
    await page.getByTestId('pay-button').click();
    await page.waitForURL(`${receiver.url}/success`);
    expect((await expectOutcome(receiver, orderId, 'PAID')).result.payment.channel).toBe('022');
  }, 45_000);

  it.each([['indodana', 'pay', 'success', 'PAID'], ['akulaku', 'cancel', 'fail', 'FAILURE']] as const)(
    '%s: sign-in, OTP, plan, %s → %sUrl; %s', async (type, action, landing, status) => {
      const { receiver, orderId, answer, page } = await begin(type);
      await desktopShot(answer.redirecturl, 'signin-form', `paylater-0-${type}-desktop`);
      await page.goto(answer.redirecturl);
      await expect.poll(() => page.getByTestId('phone-input').inputValue()).toBe('+6281286288844');
      await screenshot(page, `paylater-1-${type}-signin`);
      await page.getByTestId('pin-input').fill('123456');
      await page.getByTestId('signin-submit').click();
      await page.waitForURL(new RegExp(`/${type}/v2/otp\\?`));
      await page.getByTestId('otp-input').fill('4567');
      await page.getByTestId('otp-submit').click();
      await page.waitForURL(new RegExp(`/${type}/v2/checkout\\?`));
      await page.getByTestId('plan-12_months').click();
      await screenshot(page, `paylater-2-${type}-plan`);
      await page.getByTestId(`${action}-button`).click();
      await page.waitForURL(`${receiver.url}/${landing}`);
      await expectOutcome(receiver, orderId, status);
    }, 45_000,
  );

  it('hosted page: pick Alfamart → its instructions → simulate → successUrl; PAID with the Alfamart code', async () => {
    const { receiver, orderId, answer, page } = await begin(null);
    await desktopShot(answer.redirecturl, 'channel-form', 'hosted-0-picker-desktop');
    await page.goto(answer.redirecturl);
    await page.getByTestId('channel-form').waitFor();
    await screenshot(page, 'hosted-1-picker-mobile');
    await page.getByTestId('group-store').locator('summary').click();
    await screenshot(page, 'hosted-2-picker-store-open');
    await page.getByTestId('channel-alfamart').click();
    await page.waitForURL(/\/widgetpg\/pending\/[0-9a-f]{64}$/);
    const code = await page.getByTestId('payment-code').getAttribute('data-code');
    expect(code).toMatch(/^8803\d{12}$/);
    await screenshot(page, 'hosted-3-alfamart-instructions');
    await page.getByTestId('change-method').click();
    await page.waitForURL(answer.redirecturl);
    expect(await page.getByTestId('group-store').getAttribute('open')).toBe('');
    await page.getByTestId('channel-alfamart').click();
    await page.waitForURL(/\/widgetpg\/pending\/[0-9a-f]{64}$/);
    expect(await page.getByTestId('payment-code').getAttribute('data-code')).toBe(code);
    await page.getByTestId('simulate-payment').click();
    await page.getByTestId('back-to-merchant').click();
    await page.waitForURL(`${receiver.url}/success`);
    const body = await expectOutcome(receiver, orderId, 'PAID');
    expect(body.sourceOfFunds).toEqual({ type: 'alfamart', paymentCode: code });
  }, 45_000);
});

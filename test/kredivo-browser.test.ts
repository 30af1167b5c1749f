/**
 * End-to-end: the fake Kredivo checkout in real headless Chromium (playwright-core + Debian's chromium).
 * Sign-in (wrong PIN, then the right one) → OTP (wrong, then right) → plan → pay or cancel → back on the
 * merchant's page, with exactly one signed callback and check-status agreeing. Screenshots of every page
 * go to test/artifacts/ (gitignored).
 *
 * Offline machine: no browser download. Without /usr/bin/chromium the suite does not run locally (a
 * warning says so) and fails on CI.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserSuiteRuns, DESKTOP, expectSignedCallback, onlyCallback, openPage, screenshot, useBrowserSuite, warnIfNoBrowser,
} from './helpers/browser.js';
import { checkStatus, initiate, kredivoRequest } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

const PHONE = '+6281286288844';
const PIN = '123456';
const OTP = '4567';

warnIfNoBrowser('kredivo-browser.test.ts');

describe.runIf(browserSuiteRuns)('Kredivo checkout in headless Chromium', () => {
  const suite = useBrowserSuite();

  const shot = (page: Page, name: string) => screenshot(page, `kredivo-${name}`);

  /** A fresh receiver, a Kredivo order pointing at it, and a mobile-sized page. */
  async function begin(): Promise<{ receiver: CallbackReceiver; orderId: string; redirectUrl: string; page: Page }> {
    const receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    const request = kredivoRequest({
      callbackUrl: `${receiver.url}/callback?src=finpay`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail`,
    });
    const res = await initiate(suite.instance, request);
    expect(res.status).toBe(200);
    expect(res.body.redirecturl).toMatch(/^http:\/\/localhost:\d+\/kredivo\/v2\/signin\?tk=/);
    const page = await openPage(suite.browser, suite.contexts);
    return { receiver, orderId: request.order.id as string, redirectUrl: res.body.redirecturl as string, page };
  }

  async function signIn(page: Page, redirectUrl: string, options: { wrongPinFirst?: boolean; screenshots?: boolean } = {}): Promise<void> {
    await page.goto(redirectUrl);
    await expect.poll(() => page.getByTestId('phone-input').inputValue()).toBe(PHONE);
    await page.getByTestId('sandbox-banner').waitFor();
    if (options.screenshots) await shot(page, '1-signin-mobile');
    if (options.wrongPinFirst) {
      await page.getByTestId('pin-input').fill('111111');
      await page.getByTestId('signin-submit').click();
      await page.getByTestId('error').waitFor();
      expect(page.url()).toContain('/kredivo/v2/signin');
      if (options.screenshots) await shot(page, '2-signin-wrong-pin');
      await expect.poll(() => page.getByTestId('phone-input').inputValue()).toBe(PHONE);
    }
    await page.getByTestId('pin-input').fill(PIN);
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(/\/kredivo\/v2\/otp\?/);
  }

  async function verifyOtp(page: Page, options: { wrongOtpFirst?: boolean; screenshots?: boolean } = {}): Promise<void> {
    await page.getByTestId('otp-input').waitFor();
    expect(await page.getByTestId('masked-phone').textContent()).toMatch(/8844$/);
    if (options.screenshots) await shot(page, '3-otp');
    if (options.wrongOtpFirst) {
      await page.getByTestId('otp-input').fill('0000');
      await page.getByTestId('otp-submit').click();
      await page.getByTestId('error').waitFor();
      expect(page.url()).toContain('/kredivo/v2/otp');
      if (options.screenshots) await shot(page, '4-otp-wrong');
    }
    await page.getByTestId('otp-input').fill(OTP);
    await page.getByTestId('otp-submit').click();
    await page.waitForURL(/\/kredivo\/v2\/checkout\?/);
    await page.getByTestId('plan-form').waitFor();
  }

  it('pays with the 3-month plan after a wrong PIN and a wrong OTP, lands on successUrl, one signed PAID callback', async () => {
    const { receiver, orderId, redirectUrl, page } = await begin();

    // The sign-in page at desktop width too (the sheet is centred as a card).
    const desktopPage = await openPage(suite.browser, suite.contexts, DESKTOP);
    await desktopPage.goto(redirectUrl);
    await desktopPage.getByTestId('signin-form').waitFor();
    await shot(desktopPage, '0-signin-desktop');
    await desktopPage.context().close();

    await signIn(page, redirectUrl, { wrongPinFirst: true, screenshots: true });
    await verifyOtp(page, { wrongOtpFirst: true, screenshots: true });

    await expect.poll(() => page.getByTestId('order-total').textContent()).toMatch(/200/);
    await page.getByTestId('plan-3_months').click();
    expect(await page.locator('[data-testid="plan-3_months"] input[type=radio]').isChecked()).toBe(true);
    await shot(page, '5-plan');
    expect(receiver.received).toHaveLength(0);

    await page.getByTestId('pay-button').click();
    await page.waitForURL(`${receiver.url}/success`);
    await page.getByTestId('merchant-page').waitFor();
    await shot(page, '6-merchant-success');

    const body = expectSignedCallback(await onlyCallback(receiver), '/callback?src=finpay');
    expect(body.order.id).toBe(orderId);
    expect(body.result.payment.status).toBe('PAID');
    expect(body.result.payment.amount).toBe(200);

    const check = await checkStatus(suite.instance, orderId);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment.status).toBe('PAID');
    expect(check.body.data.result.payment.amount).toBe(200);
    expect(check.body.data.order.amount).toBe(200);
  }, 45_000);

  it('cancels on the plan page, lands on failUrl, one signed FAILURE callback', async () => {
    const { receiver, orderId, redirectUrl, page } = await begin();
    await signIn(page, redirectUrl);
    await verifyOtp(page);

    await page.getByTestId('cancel-button').click();
    await page.waitForURL(`${receiver.url}/fail`);
    await page.getByTestId('merchant-page').waitFor();
    await shot(page, '7-merchant-fail');

    const body = expectSignedCallback(await onlyCallback(receiver), '/callback?src=finpay');
    expect(body.order.id).toBe(orderId);
    expect(body.result.payment.status).toBe('FAILURE');

    const check = await checkStatus(suite.instance, orderId);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment.status).toBe('FAILURE');
  }, 45_000);
});

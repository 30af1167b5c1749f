/**
 * Giving up in real headless Chromium, with JavaScript off (the control is a plain form under the pages' CSP):
 * the Kredivo sign-in, the card form and the hosted picker each end on the merchant's failUrl with one signed
 * FAILURE callback. Screenshots go to test/artifacts/give-up-*.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuiteRuns, expectSignedCallback, MOBILE, onlyCallback, screenshot, useBrowserSuite, warnIfNoBrowser } from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { checkStatus, initiate } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('give-up-browser.test.ts');

describe.runIf(browserSuiteRuns)('give up in headless Chromium, without JavaScript', () => {
  const suite = useBrowserSuite();

  async function begin(type: string | null): Promise<{ receiver: CallbackReceiver; orderId: string; url: string; page: Page; violations: string[] }> {
    const receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    const body = channelRequest(type, { callbackUrl: `${receiver.url}/callback`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail` });
    const res = await initiate(suite.instance, body);
    expect(res.status).toBe(200);
    const context = await suite.browser.newContext({ viewport: MOBILE, deviceScaleFactor: 1, javaScriptEnabled: false });
    suite.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const violations: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
    return { receiver, orderId: body.order.id as string, url: res.body.redirecturl as string, page, violations };
  }

  async function giveUp(type: string | null, ready: string, shot: string): Promise<void> {
    const { receiver, orderId, url, page, violations } = await begin(type);
    await page.goto(url);
    await page.getByTestId(ready).waitFor();
    const control = page.getByTestId('give-up');
    expect(await control.isVisible()).toBe(true);
    expect(await control.textContent()).toContain('Batal / Kembali ke merchant');
    await screenshot(page, shot);
    await control.click();
    await page.waitForURL(`${receiver.url}/fail`);
    await page.getByTestId('merchant-page').waitFor();
    expect(violations).toEqual([]);
    const callback = expectSignedCallback(await onlyCallback(receiver), '/callback');
    expect(callback.result.payment.status).toBe('FAILURE');
    expect((await checkStatus(suite.instance, orderId)).body.data.result.payment.status).toBe('FAILURE');
  }

  it('from the Kredivo sign-in', () => giveUp('kredivo', 'signin-form', 'give-up-0-kredivo-signin'));
  it('from the card form', () => giveUp('cc', 'test-cards', 'give-up-1-card-form'));
  it('from the channel picker', () => giveUp(null, 'order-summary', 'give-up-2-picker'));
});

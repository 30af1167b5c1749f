/**
 * Saved cards in headless Chromium: a TO_BE_STORED card page says the card will be saved and the capture gives a
 * token; the two-click page of that token shows its mask and brand and asks only the CVV (a wrong CVV again, 3-D
 * Secure for a challenge card, a declined saved card's failure). Screenshots at mobile and desktop width go to test/artifacts/.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuiteRuns, DESKTOP, expectSignedCallback, onlyCallback, openPage, screenshot, useBrowserSuite, warnIfNoBrowser } from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { checkStatus, initiate, MERCHANT } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('saved-cards-browser.test.ts');

const CUSTOMER = 'hajar@example.com';

describe.runIf(browserSuiteRuns)('saved-card pages in headless Chromium', () => {
  const suite = useBrowserSuite();

  /** A fresh receiver and a cc order with `card` pointing at it; its card page opened at `viewport`. */
  async function begin(card: Record<string, unknown>, viewport?: typeof DESKTOP): Promise<{ receiver: CallbackReceiver; orderId: string; page: Page }> {
    const receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    const body = channelRequest('cc', { callbackUrl: `${receiver.url}/callback`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail` });
    body.customer.id = CUSTOMER;
    body.card = card;
    const res = await initiate(suite.instance, body);
    expect(res.status).toBe(200);
    const page = await openPage(suite.browser, suite.contexts, viewport);
    await page.goto(res.body.redirecturl);
    return { receiver, orderId: body.order.id as string, page };
  }

  /** A saved card for the customer, as the control API seeds one (declining cards cannot be saved by paying). */
  async function seeded(number: string): Promise<string> {
    const res = await request(suite.instance.server).post('/_mock/saved-cards').send({ merchantId: MERCHANT.id, customerId: CUSTOMER, number });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  it('TO_BE_STORED: the card page says the card will be saved; the capture carries the new token', async () => {
    const { receiver, orderId, page } = await begin({ storedOnFile: 'TO_BE_STORED' });
    await expect(page.getByTestId('save-card-notice').textContent()).resolves.toContain('akan disimpan');
    await screenshot(page, 'saved-card-to-be-stored-mobile');
    await page.getByTestId('card-number-input').fill('4111 1111 1111 1111');
    await page.getByTestId('card-expiry-input').fill('12/39');
    await page.getByTestId('card-cvv-input').fill('123');
    await page.getByTestId('pay-button').click();
    await page.waitForURL(/\/success$/);
    const sent = expectSignedCallback(await onlyCallback(receiver), '/callback');
    expect(sent.card.token).toMatch(/^[0-9a-f]{64}$/);
    expect((await checkStatus(suite.instance, orderId)).body.data.card.token).toBe(sent.card.token);
  });

  it('two-click: the saved card shown by mask and brand, CVV only; a wrong CVV is asked again, a good one captures it', async () => {
    const token = await seeded('5123450000000008');
    const { receiver, orderId, page } = await begin({ storedOnFile: 'STORED', token });
    await expect(page.getByTestId('saved-card-mask').getAttribute('data-mask')).resolves.toBe('512345xxxxxx0008');
    await expect(page.getByTestId('saved-card-brand').textContent()).resolves.toBe('MASTERCARD');
    expect(await page.getByTestId('card-number-input').count()).toBe(0);
    expect(await page.getByTestId('card-expiry-input').count()).toBe(0);
    await screenshot(page, 'saved-card-two-click-mobile');
    await page.getByTestId('card-cvv-input').fill('12');
    await page.getByTestId('pay-button').click();
    await expect(page.getByTestId('error').textContent()).resolves.toContain('CVV tidak valid');
    await page.getByTestId('card-cvv-input').fill('123');
    await page.getByTestId('pay-button').click();
    await page.waitForURL(/\/success$/);
    const sent = expectSignedCallback(await onlyCallback(receiver), '/callback');
    expect(sent.result.payment.status).toBe('CAPTURED');
    expect(sent.card).toMatchObject({ token, mask: '512345xxxxxx0008', info: { brand: 'MASTERCARD' } });
    expect((await checkStatus(suite.instance, orderId)).body.data.card.token).toBe(token);
  });

  it('two-click with a saved 3-D Secure card: CVV, then the OTP page, then CAPTURED (desktop, English)', async () => {
    const token = await seeded('4000000000001091');
    const { receiver, page } = await begin({ storedOnFile: 'STORED', token }, DESKTOP);
    await page.getByTestId('lang-toggle').click();
    await expect(page.getByTestId('saved-card-hint').textContent()).resolves.toContain('3-D Secure, OTP 1234');
    await screenshot(page, 'saved-card-two-click-desktop');
    await page.getByTestId('card-cvv-input').fill('321');
    await page.getByTestId('pay-button').click();
    await page.getByTestId('otp-input').waitFor();
    await expect(page.getByTestId('card-mask').textContent()).resolves.toBe('400000xxxxxx1091');
    await page.getByTestId('otp-input').fill('1234');
    await page.getByTestId('otp-submit').click();
    await page.waitForURL(/\/success$/);
    const sent = expectSignedCallback(await onlyCallback(receiver), '/callback');
    expect(sent.result.payment.status).toBe('CAPTURED');
    expect(sent.card.token).toBe(token);
  });

  it('two-click with a saved card that now declines: FAILURE, a page saying why, its callback', async () => {
    const token = await seeded('4000000000000002');
    const { receiver, page } = await begin({ storedOnFile: 'STORED', token });
    await page.getByTestId('card-cvv-input').fill('123');
    await page.getByTestId('pay-button').click();
    await expect(page.getByTestId('message-body').textContent()).resolves.toContain('do not honour');
    await screenshot(page, 'saved-card-two-click-declined-mobile');
    const sent = expectSignedCallback(await onlyCallback(receiver), '/callback');
    expect(sent.result.payment.status).toBe('FAILURE');
    expect(sent.card.token).toBe(token);
  });
});

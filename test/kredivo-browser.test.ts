/**
 * End-to-end: the fake Kredivo checkout in real headless Chromium (playwright-core + Debian's chromium).
 * Sign-in (wrong PIN, then the right one) → OTP (wrong, then right) → plan → pay or cancel → back on the
 * merchant's page, with exactly one signed callback and check-status agreeing. Screenshots of every page
 * go to test/artifacts/ (gitignored).
 *
 * Offline machine: no browser download. Without /usr/bin/chromium the suite does not run locally (a
 * warning says so) and fails on CI.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import { checkStatus, initiate, kredivoRequest, MERCHANT, startTestInstance } from './helpers/instance.js';
import { CallbackReceiver, type ReceivedCallback } from './helpers/receiver.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const hasBrowser = existsSync(CHROMIUM);
const onCi = process.env.CI === 'true';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

const MOBILE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = '+6281286288844';
const PIN = '123456';
const OTP = '4567';
/** Long enough for a stray second callback to show up; the first one is awaited, not slept for. */
const QUIET_MS = 300;

if (!hasBrowser && !onCi) {
  console.warn(`kredivo-browser.test.ts: ${CHROMIUM} not found, browser tests not run (apt-get install -y chromium)`);
}

/** The raw body minus its trailing `,"signature":"…"` pair, and that signature. */
function splitSignature(body: string): { signed: string; signature: string } {
  const match = /,"signature":"([0-9a-f]*)"\}$/.exec(body);
  if (!match) throw new Error(`callback body does not end with a signature: ${body}`);
  return { signed: `${body.slice(0, match.index)}}`, signature: match[1]! };
}

function expectSignedCallback(cb: ReceivedCallback, path: string): any {
  expect(cb.method).toBe('POST');
  expect(cb.path).toBe(path);
  expect(cb.headers['content-type']).toBe('application/json');
  expect(cb.headers['user-agent']).toBe('GuzzleHttp/7');
  expect(cb.headers['channel-id']).toBe('FINPAY');
  expect(cb.headers['x-partner-id']).toBe(MERCHANT.id);
  const parsed = JSON.parse(cb.body);
  const { signed, signature } = splitSignature(cb.body);
  expect(parsed.signature).toBe(signature);
  expect(signature).toBe(createHmac('sha512', MERCHANT.key).update(signed, 'utf8').digest('hex'));
  return parsed;
}

describe.runIf(hasBrowser || onCi)('Kredivo checkout in headless Chromium', () => {
  let browser: Browser;
  let instance: Instance;
  const receivers: CallbackReceiver[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasBrowser) throw new Error(`CI=true but ${CHROMIUM} is missing: install it (apt-get install -y chromium); browsers cannot be downloaded here`);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    instance = await startTestInstance();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await instance?.stop();
    for (const receiver of receivers) await receiver.stop();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `kredivo-${name}.png`), fullPage: true });

  /** A fresh receiver, a Kredivo order pointing at it, and a mobile-sized page. */
  async function begin(): Promise<{ receiver: CallbackReceiver; orderId: string; redirectUrl: string; page: Page }> {
    const receiver = await new CallbackReceiver().start();
    receivers.push(receiver);
    const request = kredivoRequest({
      callbackUrl: `${receiver.url}/callback?src=finpay`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail`,
    });
    const res = await initiate(instance, request);
    expect(res.status).toBe(200);
    expect(res.body.redirecturl).toMatch(/^http:\/\/localhost:\d+\/kredivo\/v2\/signin\?tk=/);
    const context = await browser.newContext({ viewport: MOBILE, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
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

  /** Exactly one callback: the first is awaited, then a short quiet period must bring no second. */
  async function onlyCallback(receiver: CallbackReceiver): Promise<ReceivedCallback> {
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(receiver.received).toHaveLength(1);
    return receiver.received[0]!;
  }

  it('pays with the 3-month plan after a wrong PIN and a wrong OTP, lands on successUrl, one signed PAID callback', async () => {
    const { receiver, orderId, redirectUrl, page } = await begin();

    // The sign-in page at desktop width too (the sheet is centred as a card).
    const desktop = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
    contexts.push(desktop);
    const desktopPage = await desktop.newPage();
    await desktopPage.goto(redirectUrl);
    await desktopPage.getByTestId('signin-form').waitFor();
    await shot(desktopPage, '0-signin-desktop');
    await desktop.close();

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

    const check = await checkStatus(instance, orderId);
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

    const check = await checkStatus(instance, orderId);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment.status).toBe('FAILURE');
  }, 45_000);
});

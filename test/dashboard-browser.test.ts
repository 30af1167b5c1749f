/**
 * The dashboard in real headless Chromium (playwright-core + Debian's chromium): the transaction list
 * with filters and live refresh, acting on orders (pay, fail, expire, cancel, re-send) with the effect
 * checked at the gateway's check endpoint and a real callback receiver, the request log, scenarios, the
 * clock, escaping, the same forms with JavaScript off, and the admin-token sign-in. Screenshots go to
 * test/artifacts/ (gitignored).
 *
 * Offline machine: no browser download. Without /usr/bin/chromium the suite does not run locally (a
 * warning says so) and fails on CI.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import { Operations } from '../server/operations/operations.js';
import { checkStatus, initiate, kredivoRequest, MERCHANT, OTHER_MERCHANT, placeOrder, startTestInstance } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const hasBrowser = existsSync(CHROMIUM);
const onCi = process.env.CI === 'true';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 390, height: 844 };
/** The dashboard script re-fetches every 2.5 s; a live change must show within a few of those. */
const LIVE_MS = 10_000;

if (!hasBrowser && !onCi) {
  console.warn(`dashboard-browser.test.ts: ${CHROMIUM} not found, browser tests not run (apt-get install -y chromium)`);
}

describe.runIf(hasBrowser || onCi)('dashboard in headless Chromium', () => {
  let browser: Browser;
  let instance: Instance;
  let receiver: CallbackReceiver;
  const contexts: BrowserContext[] = [];
  /** Every alert/confirm any page opened: escaping must keep it empty. */
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!hasBrowser) throw new Error(`CI=true but ${CHROMIUM} is missing: install it (apt-get install -y chromium); browsers cannot be downloaded here`);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    instance = await startTestInstance();
    receiver = await new CallbackReceiver().start();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await instance?.stop();
    await receiver?.stop();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });

  async function open(path: string, options: { viewport?: typeof DESKTOP; javaScript?: boolean; target?: Instance } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, deviceScaleFactor: 1, javaScriptEnabled: options.javaScript ?? true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${(options.target ?? instance).url}${path}`);
    return page;
  }

  /** A Kredivo order whose callbacks go to the receiver. */
  const order = (mutate?: (body: Record<string, any>) => void, merchant = MERCHANT) => placeOrder(instance, `${receiver.url}/callback`, mutate, merchant);

  const paymentStatus = async (id: string, merchant = MERCHANT) => (await checkStatus(instance, id, merchant)).body.data.result.payment.status as string;
  const rows = (page: Page) => page.getByTestId('tx-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-id')));
  /** Callbacks the receiver got for the order, by the status they report. */
  const callbacksFor = (id: string) => receiver.received.map((c) => JSON.parse(c.body)).filter((b) => b.order.id === id).map((b) => b.result.payment.status as string);
  const controlPay = (id: string) => fetch(`${instance.url}/_mock/transactions/${id}/pay`, { method: 'POST' });

  /** A clean instance, and no page of an earlier test still refreshing. */
  async function fresh(): Promise<void> {
    for (const context of contexts.splice(0)) await context.close();
    await new Operations(instance.ctx).reset();
    receiver.received.length = 0;
  }

  it('lists pending, paid and other merchants\' orders newest first, filters them, and shows new ones by itself', async () => {
    await fresh();
    const pending = await order();
    const paid = await order((b) => {
      b.order.amount = '2500000';
      b.order.item = [{ name: 'Laptop', quantity: '1', unitPrice: '2500000' }];
    });
    expect((await controlPay(paid)).status).toBe(200);
    const theirs = await order(() => {}, OTHER_MERCHANT);
    const rejected = kredivoRequest();
    delete rejected.customer.mobilePhone;
    expect((await initiate(instance, rejected)).status).toBe(400);

    const page = await open('/');
    expect(await rows(page)).toEqual([theirs, paid, pending]);
    const paidRow = page.locator(`[data-testid="tx-row"][data-order-id="${paid}"]`);
    expect(await paidRow.getByTestId('tx-status').textContent()).toBe('PAID');
    expect(await paidRow.getByTestId('tx-amount').textContent()).toBe('Rp 2.500.000');
    await shot(page, '0-list-desktop');

    // The selects apply on change (JavaScript), keeping the other filters.
    await page.getByTestId('filter-status').selectOption('PAID');
    await page.waitForURL(/\?status=PAID$/);
    expect(await rows(page)).toEqual([paid]);
    await page.getByTestId('filter-status').selectOption('REQUEST_INITIATED');
    await page.waitForURL(/status=REQUEST_INITIATED/);
    await page.getByTestId('filter-merchant').selectOption(OTHER_MERCHANT.id);
    await page.waitForURL(/merchant=SHOP2/);
    expect(await rows(page)).toEqual([theirs]);
    await page.getByTestId('filter-clear').click();
    await page.waitForURL(`${instance.url}/`);

    // A new order and a payment made elsewhere show up without a reload.
    await page.evaluate(() => Object.assign(window, { untouched: true }));
    const arriving = await order();
    await controlPay(pending);
    await expect.poll(() => rows(page), { timeout: LIVE_MS }).toEqual([arriving, theirs, paid, pending]);
    await expect.poll(() => page.locator(`[data-testid="tx-row"][data-order-id="${pending}"] [data-testid="tx-status"]`).textContent(), { timeout: LIVE_MS }).toBe('PAID');
    expect(await page.evaluate(() => (window as unknown as { untouched?: boolean }).untouched)).toBe(true);

    const mobile = await open('/', { viewport: MOBILE });
    await mobile.getByTestId('tx-table').waitFor();
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(MOBILE.width);
    await shot(mobile, '1-list-mobile');
  }, 60_000);

  it('pays from the order page, shows the signed callback and its answer, and re-sends it', async () => {
    await fresh();
    const id = await order();
    const page = await open('/');
    await page.getByTestId('tx-link').first().click();
    await page.waitForURL(new RegExp(`/transactions/${MERCHANT.id}/${id}$`));
    expect(await page.getByTestId('tx-status').textContent()).toBe('REQUEST_INITIATED');
    expect(await page.getByTestId('no-callbacks').isVisible()).toBe(true);

    await page.getByTestId('action-pay').click();
    await page.waitForURL(/\?flash=/);
    expect(await page.getByTestId('flash').textContent()).toMatch(new RegExp(`Order ${id} paid: REQUEST_INITIATED → PAID\\. Callback delivered \\(HTTP 200, \\d+ ms\\)\\.`));
    expect(await page.getByTestId('tx-status').textContent()).toBe('PAID');
    expect(await page.getByTestId('action-pay').isDisabled()).toBe(true);
    expect(await paymentStatus(id)).toBe('PAID');
    const [callback] = await receiver.waitFor(1);
    expect(JSON.parse(callback!.body).result.payment.status).toBe('PAID');

    // The attempt: the exact bytes and signature the receiver got, its answer and the latency.
    await page.getByTestId('callback-request').locator('summary').click();
    expect(await page.getByTestId('callback-body').textContent()).toBe(callback!.body);
    expect(await page.getByTestId('callback-signature').textContent()).toBe(JSON.parse(callback!.body).signature);
    expect(await page.getByTestId('callback-request').textContent()).toContain('x-partner-id');
    expect(await page.getByTestId('attempt-answer').textContent()).toContain('HTTP 200');
    expect(await page.getByTestId('attempt-latency').textContent()).toMatch(/^\d+ ms$/);
    expect(await page.getByTestId('callback-state').textContent()).toBe('delivered');
    await shot(page, '2-transaction-desktop');

    await page.getByTestId('resend').click();
    await page.waitForURL(/\?flash=/);
    expect(await page.getByTestId('flash').textContent()).toMatch(/re-sent \(attempt 2\): delivered \(HTTP 200, \d+ ms\)/);
    await receiver.waitFor(2);
    expect(callbacksFor(id)).toEqual(['PAID', 'PAID']);
    expect(await page.getByTestId('attempt').count()).toBe(2);

    const mobile = await open(`/transactions/${MERCHANT.id}/${id}`, { viewport: MOBILE });
    await mobile.getByTestId('callbacks').waitFor();
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(MOBILE.width);
    await shot(mobile, '3-transaction-mobile');
  }, 60_000);

  it('fails, expires and cancels from the order page; the page follows a payment made elsewhere', async () => {
    await fresh();
    const expected = { fail: 'FAILURE', expire: 'EXPIRED', cancel: 'CANCELLED' } as const;
    for (const [action, status] of Object.entries(expected)) {
      const id = await order();
      const page = await open(`/transactions/${MERCHANT.id}/${id}`);
      await page.getByTestId(`action-${action}`).click();
      await page.waitForURL(/\?flash=/);
      expect(await page.getByTestId('flash').textContent()).toContain(`REQUEST_INITIATED → ${status}`);
      expect(await page.getByTestId('tx-status').textContent()).toBe(status);
      expect(await paymentStatus(id)).toBe(status);
      await expect.poll(() => callbacksFor(id)).toEqual([status]);
    }

    const elsewhere = await order();
    const page = await open(`/transactions/${MERCHANT.id}/${elsewhere}`);
    await controlPay(elsewhere);
    await expect.poll(() => page.getByTestId('tx-status').textContent(), { timeout: LIVE_MS }).toBe('PAID');
    await expect.poll(() => page.getByTestId('attempt').count(), { timeout: LIVE_MS }).toBe(1);
  }, 60_000);

  it('shows why the gateway said 4000001: message, field and rule, and filters refused requests', async () => {
    await fresh();
    await order();
    const rejected = kredivoRequest();
    rejected.customer.mobilePhone = '081286288844';
    expect((await initiate(instance, rejected)).body.responseCode).toBe('4000001');

    const page = await open('/requests');
    const refused = page.locator('tr.refused');
    expect(await refused.count()).toBe(1);
    expect(await refused.getByTestId('request-code').textContent()).toBe('4000001');
    expect(await refused.getByTestId('request-message').textContent()).toBe('Invalid Field Format. The customer.mobile phone format is invalid');
    expect(await refused.getByTestId('request-field').textContent()).toMatch(/field customer\.mobilePhone · rule pattern/);
    expect(await page.getByTestId('request-row').count()).toBe(2);
    await shot(page, '4-requests');

    await page.getByTestId('filter-rejected').check();
    await page.waitForURL(/rejected=1/);
    expect(await page.getByTestId('request-row').count()).toBe(1);
  }, 45_000);

  it('shows hostile merchant text as text', async () => {
    await fresh();
    const hostile = '<script>alert(1)</script>';
    const id = await order((b) => {
      b.customer.firstName = hostile;
      b.customer.lastName = '<img src=x onerror=alert(2)>';
    });
    const list = await open('/');
    expect(await list.getByTestId('tx-customer').textContent()).toBe(`${hostile} <img src=x onerror=alert(2)>`);
    const detail = await open(`/transactions/${MERCHANT.id}/${id}`);
    expect(await detail.getByTestId('customer-name').textContent()).toBe(`${hostile} <img src=x onerror=alert(2)>`);
    expect(await detail.locator('img').count()).toBe(0);
    expect(await detail.locator('script:not([src])').count()).toBe(0);
    // Past a live refresh too.
    await detail.waitForTimeout(3000);
    expect(await detail.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  }, 45_000);

  it('switches scenarios off and on, and moves the clock: +15m expires a Kredivo order; freeze and resume', async () => {
    await fresh();
    const page = await open('/scenarios');
    const autoPay = page.locator('[data-testid="scenario-row"][data-name="auto-pay"]');
    await autoPay.getByTestId('scenario-toggle').click();
    await page.waitForURL(/\?flash=/);
    expect(await page.getByTestId('flash').textContent()).toBe('Scenario "auto-pay" disabled.');
    expect(await autoPay.getByTestId('scenario-state').textContent()).toBe('off');
    const api = await (await fetch(`${instance.url}/_mock/scenarios`)).json();
    expect(api.items.find((s: { name: string }) => s.name === 'auto-pay').enabled).toBe(false);
    await shot(page, '5-scenarios');
    await autoPay.getByTestId('scenario-toggle').click();
    await page.waitForURL(/\?flash=/);
    expect(await autoPay.getByTestId('scenario-state').textContent()).toBe('on');

    const id = await order();
    const clock = await open('/clock');
    await clock.getByTestId('advance-input').fill('soon');
    await clock.getByTestId('advance-submit').click();
    await clock.waitForURL(/\?flash=/);
    expect(await clock.getByTestId('flash').textContent()).toBe('"soon" is not an amount of time: write it like 90s, 15m, 2h, 1d or 1 month.');

    await clock.getByTestId('advance-15m').click();
    await clock.waitForURL(/\?flash=/);
    expect(await clock.getByTestId('flash').textContent()).toMatch(/^Advanced 15 min to /);
    expect(await paymentStatus(id)).toBe('EXPIRED');
    await expect.poll(() => callbacksFor(id)).toEqual(['EXPIRED']);

    await clock.getByTestId('clock-freeze').click();
    await clock.waitForURL(/\?flash=/);
    expect(await clock.getByTestId('clock-state').textContent()).toBe('frozen');
    expect(await clock.getByTestId('clock-chip').textContent()).toContain('frozen');
    const frozenAt = await clock.getByTestId('clock-now').textContent();
    await clock.waitForTimeout(1200);
    expect(await clock.getByTestId('clock-now').textContent()).toBe(frozenAt);
    await shot(clock, '6-clock');
    await clock.getByTestId('clock-resume').click();
    await clock.waitForURL(/\?flash=/);
    expect(await clock.getByTestId('clock-state').textContent()).toBe('running');
    expect(await clock.getByTestId('clock-offset').textContent()).toMatch(/ahead of real time$/);
    await clock.getByTestId('clock-real-time').click();
    await clock.waitForURL(/\?flash=/);
    expect(await clock.getByTestId('clock-offset').textContent()).toBe('none: on real time');
  }, 60_000);

  it('works with JavaScript off: filter form, pay button, redirect back with the result', async () => {
    await fresh();
    const id = await order();
    await order(() => {}, OTHER_MERCHANT);
    const page = await open('/', { javaScript: false });
    expect(await page.locator('.live').isVisible()).toBe(false);
    await page.getByTestId('filter-merchant').selectOption(MERCHANT.id);
    await page.getByTestId('filter-submit').click();
    await page.waitForURL(/merchant=FINPAY770/);
    expect(await rows(page)).toEqual([id]);

    await page.getByTestId('tx-link').click();
    await page.getByTestId('action-pay').click();
    await page.waitForURL(/\?flash=/);
    expect(await page.getByTestId('flash').textContent()).toContain('REQUEST_INITIATED → PAID');
    expect(await paymentStatus(id)).toBe('PAID');
    await expect.poll(() => callbacksFor(id)).toEqual(['PAID']);
  }, 45_000);

  it('with --admin-token: a sign-in form, an HttpOnly cookie that also opens /_mock, and sign-out', async () => {
    const guarded = await startTestInstance({ adminToken: 'sekret-token-123' });
    try {
      const body = kredivoRequest({ callbackUrl: `${receiver.url}/callback` });
      expect((await initiate(guarded, body)).status).toBe(200);

      const page = await open('/requests', { target: guarded });
      await page.getByTestId('login-form').waitFor();
      expect(await page.content()).not.toContain(body.order.id);
      await page.getByTestId('token-input').fill('wrong-token');
      await page.getByTestId('login-submit').click();
      expect(await page.getByTestId('login-error').textContent()).toContain('not the admin token');
      await shot(page, '7-login');

      await page.getByTestId('token-input').fill('sekret-token-123');
      await page.getByTestId('login-submit').click();
      await page.waitForURL(`${guarded.url}/requests`);
      await page.getByTestId('nav-transactions').click();
      expect(await rows(page)).toEqual([body.order.id]);

      const [cookie] = await page.context().cookies();
      expect(cookie).toMatchObject({ name: 'admin_token', httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate(() => document.cookie)).toBe('');
      expect(await page.evaluate(async () => (await fetch('/_mock/transactions')).status)).toBe(200);
      for (const key of [MERCHANT.key, OTHER_MERCHANT.key]) expect(await page.content()).not.toContain(key);

      await page.getByTestId('logout').click();
      await page.getByTestId('login-form').waitFor();
      expect(await page.context().cookies()).toEqual([]);
      expect(await page.evaluate(async () => (await fetch('/_mock/transactions')).status)).toBe(401);
    } finally {
      await guarded.stop();
    }
  }, 45_000);
});

/**
 * The dashboard's "what is wrong" view in headless Chromium: an order whose callback is failing or gave up is
 * flagged in the list and found by the callback filter; Refund and Void buttons on an order's page; a final order
 * no longer counts down its expiry; and pages that follow the simulator live (server-sent events), updating by
 * themselves when an order is paid through the control API. Screenshots at desktop and 390 px go to test/artifacts/.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, DESKTOP, MOBILE, openPage, screenshot, useBrowserSuite, warnIfNoBrowser } from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { initiate, MERCHANT } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('dashboard-live-browser.test.ts');

const T0 = Date.parse('2025-03-10T03:00:00.000Z'); // 10:00 WIB

describe.runIf(browserSuiteRuns)('dashboard flags, filters, refund and void, live updates in headless Chromium', () => {
  const suite = useBrowserSuite();
  let healthy: CallbackReceiver;
  let broken: CallbackReceiver;
  const ids = {} as Record<'gaveUp' | 'failing' | 'captured' | 'paid', string>;

  const api = () => request(suite.instance.server);
  const clock = (body: Record<string, unknown>) => api().post('/_mock/clock').send(body).expect(200);
  const txPath = (id: string) => `/transactions/${MERCHANT.id}/${id}`;
  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
  const row = (page: Page, id: string) => page.locator(`[data-testid="tx-row"][data-order-id="${id}"]`);

  async function order(type: string, receiver: CallbackReceiver, pay = true): Promise<string> {
    const body = channelRequest(type, { callbackUrl: `${receiver.url}/callback` });
    expect((await initiate(suite.instance, body)).body.responseCode).toBe('2000000');
    if (pay) await api().post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    return body.order.id as string;
  }

  async function dashboard(path: string, viewport = DESKTOP): Promise<Page> {
    const page = await openPage(suite.browser, suite.contexts, viewport);
    await page.goto(`${suite.instance.url}${path}`);
    return page;
  }

  beforeAll(async () => {
    healthy = await new CallbackReceiver().start();
    broken = await new CallbackReceiver().start();
    broken.reply = (_req, res) => res.writeHead(500).end('internal error');
    suite.receivers.push(healthy, broken);
    await clock({ action: 'freeze' });
    await clock({ action: 'set', to: T0 });
    ids.gaveUp = await order('kredivo', broken);
    await broken.waitFor(1);
    // Through every retry of the default schedule (5 s … 1 h): the callback gives up.
    await clock({ action: 'advance', by: '3h' });
    ids.failing = await order('dana', broken);
    await broken.waitFor(8);
    ids.captured = await order('cc', healthy);
    ids.paid = await order('kredivo', healthy);
    await healthy.waitFor(2);
  }, 60_000);

  it('flags the failing and the given-up callback beside the status, and the callback filter finds each', async () => {
    const page = await dashboard('/');
    await expect(row(page, ids.failing).getByTestId('callback-flag').textContent()).resolves.toBe('callback failing (1 attempt, next 13:00)');
    await expect(row(page, ids.gaveUp).getByTestId('callback-flag').textContent()).resolves.toBe('callback gave up (7 attempts)');
    await expect(row(page, ids.gaveUp).getByTestId('tx-status').textContent()).resolves.toBe('PAID');
    await expect(row(page, ids.paid).getByTestId('callback-flag').count()).resolves.toBe(0);
    await screenshot(page, 'dashboard-live-list-flags-desktop');

    await page.getByTestId('filter-callback').selectOption('failing');
    await page.waitForURL(/\?callback=failing$/);
    await expect(page.getByTestId('tx-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id')))).resolves.toEqual([ids.failing]);
    await page.getByTestId('filter-callback').selectOption('gave-up');
    await page.waitForURL(/\?callback=gave-up$/);
    await expect(page.getByTestId('tx-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id')))).resolves.toEqual([ids.gaveUp]);
    await expect(page.getByTestId('json-link').getAttribute('href')).resolves.toBe('/_mock/transactions?callback=gave-up');

    const mobile = await dashboard('/', MOBILE);
    await expect(row(mobile, ids.failing).getByTestId('callback-flag').isVisible()).resolves.toBe(true);
    expect(await noSideScroll(mobile)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(mobile, 'dashboard-live-list-flags-mobile');
  });

  it('the order page links its flag to the callbacks, and a final order no longer says when it expires', async () => {
    const page = await dashboard(txPath(ids.gaveUp));
    await expect(page.getByTestId('callback-flag').textContent()).resolves.toBe('callback gave up (7 attempts)');
    await expect(page.getByTestId('expires').textContent()).resolves.toMatch(/no longer applies: the order is PAID/);
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/Expires/);
    await expect(page.getByTestId('action-void').count()).resolves.toBe(0);
    await expect(page.getByTestId('action-refund').isVisible()).resolves.toBe(true);
  });

  it('refunds an amount, refuses more than is left in words, and voids a capture before settlement', async () => {
    const page = await dashboard(txPath(ids.captured));
    await expect(page.getByTestId('action-void').isVisible()).resolves.toBe(true);
    await screenshot(page, 'dashboard-live-order-refund-void-desktop');
    await page.getByTestId('refund-amount').fill('50');
    await page.getByTestId('action-refund').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('flash').textContent()).resolves.toMatch(new RegExp(`^Order ${ids.captured}: Rp 50 refunded, CAPTURED → PARTIALLY_REFUNDED\\.`));
    await expect(page.getByTestId('tx-status').textContent()).resolves.toBe('PARTIALLY_REFUNDED');
    await expect(page.getByTestId('action-void').count()).resolves.toBe(0);
    // Past the field's max: the browser would stop the form, so the refusal is asked for without it.
    await page.getByTestId('refund-amount').evaluate((input) => input.removeAttribute('max'));
    await page.getByTestId('refund-amount').fill('99999999');
    await page.getByTestId('action-refund').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('flash').textContent()).resolves.toMatch(new RegExp(`^Cannot refund Rp 99\\.999\\.999 of order ${ids.captured}: only Rp [\\d.]+ of Rp [\\d.]+ is left to refund\\.$`));
    await page.getByTestId('action-refund').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('tx-status').textContent()).resolves.toBe('REFUNDED');
    await expect(page.getByTestId('refund-form').count()).resolves.toBe(0);

    const other = await order('cc', healthy);
    const mobile = await dashboard(txPath(other), MOBILE);
    expect(await noSideScroll(mobile)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(mobile, 'dashboard-live-order-refund-void-mobile');
    await mobile.getByTestId('action-void').click();
    await mobile.waitForURL(/\?flash=/);
    await expect(mobile.getByTestId('flash').textContent()).resolves.toMatch(new RegExp(`^Order ${other} voided: CAPTURED → CANCELLED\\.`));
  });

  it('says to refund instead when a capture settled at 00:00 WIB before the void', async () => {
    const late = await order('cc', healthy);
    const page = await dashboard(txPath(late));
    await clock({ action: 'advance', by: '1d' });
    await page.getByTestId('action-void').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('flash').textContent()).resolves.toBe(`Cannot void order ${late}: captured before the last settlement, 00:00 WIB: refund it instead.`);
  });

  it('the list, an order page and the callbacks page update by themselves when the order is paid through the control API', async () => {
    const id = await order('kredivo', healthy, false);
    const list = await dashboard('/');
    const detail = await dashboard(txPath(id), MOBILE);
    const callbacks = await dashboard('/callbacks');
    for (const page of [list, detail, callbacks]) {
      await page.waitForFunction(() => document.documentElement.dataset.live === 'on');
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    }
    await expect(row(list, id).getByTestId('tx-status').textContent()).resolves.toBe('REQUEST_INITIATED');
    await expect(detail.getByTestId('expires').textContent()).resolves.toMatch(/\(in \d+/);
    await api().post(`/_mock/transactions/${id}/pay`).expect(200);
    // Live pages poll only every 30 s: a change within the default 8 s wait came by the event stream.
    await row(list, id).locator('[data-testid="tx-status"]', { hasText: 'PAID' }).waitFor();
    await detail.locator('[data-testid="tx-status"]', { hasText: 'PAID' }).waitFor();
    await detail.locator('[data-testid="callback-state"]', { hasText: 'delivered' }).waitFor();
    await callbacks.locator('[data-testid="callback-row"]', { hasText: id }).waitFor();
    for (const page of [list, detail, callbacks]) await expect(page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    await screenshot(list, 'dashboard-live-list-updated-desktop');
    await screenshot(detail, 'dashboard-live-order-updated-mobile');
  });
});

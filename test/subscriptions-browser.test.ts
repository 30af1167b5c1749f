/**
 * The dashboard's Subscriptions pages in headless Chromium: a subscription started through the gateway and its card
 * page, charged on the virtual clock, listed and filtered by state, and paused, resumed and made to fail its next
 * charge with the detail page's buttons; the failed charge links to its order, which links back. Screenshots at
 * desktop and 390 px width go to test/artifacts/.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteRuns, DESKTOP, MOBILE, openPage, screenshot, useBrowserSuite, warnIfNoBrowser } from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { checkStatus, initiate, MERCHANT } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('subscriptions-browser.test.ts');

const T0 = Date.parse('2025-01-15T02:00:00.000Z'); // 09:00 WIB, 15 January
const SUB = 'GYM-MEMBER-7';

describe.runIf(browserSuiteRuns)('subscription pages in headless Chromium', () => {
  const suite = useBrowserSuite();
  let receiver: CallbackReceiver;
  let firstOrder: string;

  const clock = (body: Record<string, unknown>) => request(suite.instance.server).post('/_mock/clock').send(body).expect(200);
  const detailPath = `/subscriptions/${MERCHANT.id}/${SUB}`;
  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
  /** The charges table as [order id, status, why], newest first. */
  const chargeRows = (page: Page) => page.getByTestId('charge-row').evaluateAll((rows) => rows.map((r) => [
    r.getAttribute('data-order-id'), r.querySelector('[data-testid="charge-status"]')?.textContent, r.querySelector('[data-testid="charge-cause"]')?.textContent]));

  async function dashboard(path: string, viewport = DESKTOP): Promise<Page> {
    const page = await openPage(suite.browser, suite.contexts, viewport);
    await page.goto(`${suite.instance.url}${path}`);
    return page;
  }

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    await clock({ action: 'freeze' });
    await clock({ action: 'set', to: T0 });
    const body = channelRequest('cc', { callbackUrl: `${receiver.url}/callback`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail` });
    body.customer.id = 'member-0042';
    body.order.amount = '99000';
    body.order.item = [{ name: 'Gym membership, first month', quantity: '1', unitPrice: '99000' }];
    body.card = { storedOnFile: 'TO_BE_STORED' };
    body.recurring = { subscribe: 'Y', type: 'PURCHASE', id: SUB, amount: '99000', interval: 1, intervalUnit: 'monthly', maxInterval: 12 };
    const res = await initiate(suite.instance, body);
    expect(res.body.responseCode).toBe('2000000');
    firstOrder = body.order.id;
    // The first payment, as the shopper makes it on the card page.
    const page = await openPage(suite.browser, suite.contexts, DESKTOP);
    await page.goto(res.body.redirecturl);
    await page.getByTestId('card-number-input').fill('4111 1111 1111 1111');
    await page.getByTestId('card-expiry-input').fill('12/39');
    await page.getByTestId('card-cvv-input').fill('123');
    await page.getByTestId('pay-button').click();
    await page.waitForURL(/\/success$/);
    await clock({ action: 'advance', by: '2 months' });
  }, 60_000);

  it('lists the subscription with its amount, interval, next charge and charges made, filtered by state', async () => {
    const page = await dashboard('/subscriptions');
    const row = page.locator(`[data-testid="subscription-row"][data-id="${SUB}"]`);
    await expect(row.getByTestId('subscription-state').textContent()).resolves.toBe('active');
    await expect(row.getByTestId('subscription-amount').textContent()).resolves.toBe('Rp 99.000 every month');
    await expect(row.getByTestId('subscription-charges').textContent()).resolves.toBe('2 / 12');
    await expect(row.getByTestId('subscription-next').textContent()).resolves.toContain('2025-04-15 09:00');
    await expect(page.getByTestId('nav-subscriptions').getAttribute('aria-current')).resolves.toBe('page');
    // Every navigation entry fits on a desktop screen, none cut off.
    expect(await page.locator('nav.nav').evaluate((nav) => nav.scrollWidth - nav.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'subscriptions-0-list-desktop');

    await page.getByTestId('filter-state').selectOption('paused');
    await page.waitForURL(/\/subscriptions\?state=paused$/);
    await expect(page.getByTestId('empty').textContent()).resolves.toContain('No subscription matches these filters');
    await page.getByTestId('filter-state').selectOption('active');
    await page.waitForURL(/state=active$/);
    expect(await page.getByTestId('subscription-row').count()).toBe(1);

    const mobile = await dashboard('/subscriptions', MOBILE);
    await mobile.getByTestId('subscription-table').waitFor();
    expect(await noSideScroll(mobile)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(mobile, 'subscriptions-1-list-mobile');
  });

  it('shows the charges and schedule; Pause, Resume and Fail next charge work, a refused press says why, the failed charge links to its order', async () => {
    const page = await dashboard('/subscriptions');
    await page.getByTestId('subscription-link').click();
    await page.waitForURL(new RegExp(`${detailPath}$`));
    expect(await chargeRows(page)).toEqual([
      [`${SUB}-C2`, 'CAPTURED', 'captured'],
      [`${SUB}-C1`, 'CAPTURED', 'captured'],
    ]);
    await expect(page.getByTestId('first-order').textContent()).resolves.toBe(firstOrder);
    await expect(page.getByTestId('subscription-card').textContent()).resolves.toMatch(/^[0-9a-f]{64}$/);
    await expect(page.getByTestId('subscription-next').textContent()).resolves.toContain('charge 3 · 2025-04-15 09:00:00 WIB');
    await expect(page.getByTestId('subscription-upcoming').textContent()).resolves.toContain('2025-05-15 09:00');
    expect(await page.getByTestId('action-resume').isDisabled()).toBe(true);
    await screenshot(page, 'subscriptions-2-detail-desktop');

    await page.getByTestId('action-pause').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('flash').textContent()).resolves.toBe(`Subscription ${SUB} paused: no charge is made while paused, and charges that fall due meanwhile are skipped.`);
    await expect(page.getByTestId('subscription-state').textContent()).resolves.toBe('paused');
    expect(await page.getByTestId('action-pause').isDisabled()).toBe(true);

    // A press the state does not allow (a stale page, another tab): refused in words, nothing changed.
    const refused = await request(suite.instance.server).post(`${detailPath}/pause`).type('form').send({});
    expect(refused.status).toBe(303);
    const shown = await dashboard(refused.headers.location!);
    await expect(shown.getByTestId('flash').textContent()).resolves.toBe(`Subscription ${SUB} is paused: nothing was changed. Only active subscriptions can be paused.`);
    // Forms from another site are refused before they reach the subscription.
    const foreign = await request(suite.instance.server).post(`${detailPath}/cancel`).set('Origin', 'http://shop.example').type('form').send({});
    expect(foreign.status).toBe(403);

    await page.getByTestId('action-resume').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('flash').textContent()).resolves.toBe(`Subscription ${SUB} resumed: next charge 3, 2025-04-15 09:00:00 WIB.`);
    await page.getByTestId('action-fail-next').click();
    await page.waitForURL(/\?flash=/);
    await expect(page.getByTestId('flash').textContent()).resolves.toBe(`Subscription ${SUB} will fail its next try (charge 3, 2025-04-15 09:00:00 WIB), whatever its card or scenario says.`);
    await expect(page.getByTestId('fail-next-armed').isVisible()).resolves.toBe(true);

    await clock({ action: 'advance', by: '1 month' });
    await page.goto(`${suite.instance.url}${detailPath}`);
    expect((await chargeRows(page))[0]).toEqual([`${SUB}-C3`, 'FAILURE', 'failed on request (fail-next)']);
    await expect(page.getByTestId('subscription-charges').textContent()).resolves.toBe('3 of 12');
    await expect(page.getByTestId('subscription-next').textContent()).resolves.toContain('charge 4 · 2025-05-15 09:00:00 WIB');
    expect(await page.getByTestId('fail-next-armed').count()).toBe(0);
    await screenshot(page, 'subscriptions-3-failed-charge-desktop');
    expect((await checkStatus(suite.instance, `${SUB}-C3`)).body.data.result.payment.status).toBe('FAILURE');

    const mobile = await dashboard(detailPath, MOBILE);
    expect(await noSideScroll(mobile)).toBeLessThanOrEqual(MOBILE.width);
    await screenshot(mobile, 'subscriptions-4-detail-mobile');

    await page.locator(`[data-testid="charge-row"][data-order-id="${SUB}-C3"] [data-testid="charge-link"]`).click();
    await page.waitForURL(new RegExp(`/transactions/${MERCHANT.id}/${SUB}-C3$`));
    await expect(page.getByTestId('tx-status').textContent()).resolves.toBe('FAILURE');
    await expect(page.getByTestId('tx-subscription').textContent()).resolves.toBe(SUB);
    await expect(page.getByTestId('tx-details').textContent()).resolves.toContain('charge 3');
    await page.getByTestId('tx-subscription').click();
    await page.waitForURL(new RegExp(`${detailPath}$`));
  }, 60_000);

  it('answers an unknown subscription or action with a page that says so', async () => {
    const missing = await request(suite.instance.server).get(`/subscriptions/${MERCHANT.id}/NOPE`).expect(404);
    expect(missing.text).toContain('has no subscription &#34;NOPE&#34;');
    const action = await request(suite.instance.server).post(`${detailPath}/explode`).type('form').send({}).expect(404);
    expect(action.text).toContain('No such action');
  });
});

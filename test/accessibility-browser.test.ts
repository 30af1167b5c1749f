/**
 * Accessibility and phone layout of every page, in real headless Chromium: axe-core (WCAG 2.1 A/AA and best
 * practice) on each checkout page a shopper can reach and each dashboard page, failing on any serious or critical
 * violation and on the structure rules the pages keep (landmarks, heading order, one main); then each page at
 * 390 px, failing when text boxes overlap, text leaves the screen or the page scrolls sideways. One browser and
 * one context, pages in a loop. Screenshots of a few pages at desktop and 390 px go to test/artifacts/a11y-*.png.
 *
 * The pages keep their real CSP (no `bypassCSP`): axe is evaluated through the DevTools protocol, which CSP does
 * not govern, so what axe measures is what the shopper sees.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../server/channels/table.js';
import type { Instance } from '../server/instance.js';
import { ARTIFACTS, browserSuiteRuns, DESKTOP, launchBrowser, MOBILE, warnIfNoBrowser } from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, initiate, MERCHANT, OTHER_MERCHANT, startTestInstance } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('accessibility-browser.test.ts');

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ADMIN_TOKEN = 'a11y-admin-token';
/** A merchant id as long as real ones get: it must not run into the amount on a phone. */
const LONG_MERCHANT = { id: 'MERCHANTWITHAVERYLONGID2026', key: 'LongKey789' };
/** Moderate-impact rules the pages are built to keep, checked besides every serious and critical one. */
const STRUCTURE_RULES = new Set(['region', 'heading-order', 'landmark-one-main', 'page-has-heading-one', 'landmark-unique', 'landmark-no-duplicate-main']);
/** Pages also photographed at desktop and 390 px. */
const SCREENSHOTS = new Set(['dashboard-subscription', 'card-two-click', 'pending-vamaybank', 'dashboard-list', 'dashboard-order', 'card-form', 'kredivo-plan', 'wallet-dana', 'pending-vabca', 'picker']);

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }

/** The violations the test fails on, one line each with the elements. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((n) => ({ target: n.target })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || STRUCTURE_RULES.has(v.id))
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** What is wrong with the layout at the current width: sideways scrolling, text off screen, overlapping text boxes. */
function layoutProblems(): string[] {
  const problems: string[] = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways: ${root.scrollWidth} px in ${root.clientWidth} px`);
  const boxes: { el: Element; rect: DOMRect; text: string }[] = [];
  const clips = new Map<Element, DOMRect | null>();
  /** The part of the viewport an element's content can show in: cut by every ancestor that clips or scrolls. */
  const clipOf = (el: Element | null): DOMRect | null => {
    if (!el || el === root) return null;
    if (clips.has(el)) return clips.get(el)!;
    const outer = clipOf(el.parentElement);
    const style = getComputedStyle(el);
    let clip = outer;
    if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
      const own = el.getBoundingClientRect();
      clip = outer ? new DOMRect(Math.max(own.left, outer.left), Math.max(own.top, outer.top), 0, 0) : own;
      if (outer) clip = DOMRect.fromRect({ x: clip.x, y: clip.y, width: Math.min(own.right, outer.right) - clip.x, height: Math.min(own.bottom, outer.bottom) - clip.y });
    }
    clips.set(el, clip);
    return clip;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim() ?? '';
    const el = node.parentElement;
    if (!text || !el || el.closest('select, script, style')) continue;
    // Not drawn: hidden, or in a closed <details> (whose text still has boxes where it would be).
    if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const clip = clipOf(el);
    for (const box of range.getClientRects()) {
      // Text scrolled out of its box is not drawn there: only the part inside the clip counts.
      const left = Math.max(box.left, clip?.left ?? -Infinity);
      const top = Math.max(box.top, clip?.top ?? -Infinity);
      const rect = DOMRect.fromRect({ x: left, y: top, width: Math.min(box.right, clip?.right ?? Infinity) - left, height: Math.min(box.bottom, clip?.bottom ?? Infinity) - top });
      if (rect.width < 1 || rect.height < 1) continue;
      if (rect.right > root.clientWidth + 1 || rect.left < -1) problems.push(`"${text.slice(0, 40)}" is cut off by the screen edge (${Math.round(rect.left)}–${Math.round(rect.right)} px)`);
      boxes.push({ el, rect, text: text.slice(0, 40) });
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.el === b.el) continue;
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      // Line boxes of tight line-height touch by a pixel or two; real overlaps share a third of a line.
      if (w > 2 && h > Math.min(a.rect.height, b.rect.height) / 3) problems.push(`"${a.text}" overlaps "${b.text}"`);
    }
  }
  return [...new Set(problems)];
}

/** A page the test opens: how to get there (a URL, or steps in the page) and what shows it has loaded. */
interface Visit { name: string; open: (page: Page) => Promise<void> }

describe.runIf(browserSuiteRuns)('accessibility and phone layout of every page', () => {
  let instance: Instance;
  let receiver: CallbackReceiver;
  let context: BrowserContext;
  let page: Page;
  let closeBrowser: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const browser = await launchBrowser();
    closeBrowser = () => browser.close();
    instance = await startTestInstance({ adminToken: ADMIN_TOKEN, merchants: [MERCHANT, OTHER_MERCHANT, LONG_MERCHANT] });
    receiver = await new CallbackReceiver().start();
    context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await context?.close();
    await closeBrowser();
    await instance?.stop();
    await receiver?.stop();
  });

  const urls = (body: Record<string, any>) => {
    body.url = { callbackUrl: `${receiver.url}/callback`, successUrl: `${receiver.url}/success`, failUrl: `${receiver.url}/fail` };
    return body;
  };

  /** An order's first page: initiate, then follow its redirecturl. */
  async function order(type: string | null, mutate: (body: Record<string, any>) => void = () => {}, merchant = MERCHANT): Promise<string> {
    const body = urls(channelRequest(type));
    mutate(body);
    const res = await initiate(instance, body, merchant);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.redirecturl as string;
  }
  const goto = async (url: string, ready: string) => {
    await page.goto(url);
    await page.getByTestId(ready).first().waitFor();
  };
  const fillCard = async (number: string) => {
    await page.getByTestId('card-number-input').fill(number);
    await page.getByTestId('card-expiry-input').fill('12/39');
    await page.getByTestId('card-cvv-input').fill('123');
  };
  const signInPaylater = async (url: string) => {
    await goto(url, 'signin-form');
    await page.getByTestId('pin-input').fill('123456');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('otp-input').waitFor();
  };
  const control = (path: string) => request(instance.server).post(`/_mock${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

  /** Checks the page now open: axe at desktop width, then the layout at 390 px; screenshots for the chosen few. */
  async function check(name: string): Promise<void> {
    await page.setViewportSize(DESKTOP);
    const violations = await axeViolations(page);
    if (SCREENSHOTS.has(name)) await page.screenshot({ path: join(ARTIFACTS, `a11y-${name}-desktop.png`), fullPage: true });
    await page.setViewportSize(MOBILE);
    const layout = await page.evaluate(layoutProblems);
    if (SCREENSHOTS.has(name)) await page.screenshot({ path: join(ARTIFACTS, `a11y-${name}-mobile.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
    expect({ page: name, url: page.url(), violations, layout }).toEqual({ page: name, url: page.url(), violations: [], layout: [] });
  }

  const walletTypes = CHANNELS.filter((c) => ['wallet', 'ibank'].includes(c.family)).map((c) => c.type);
  const pendingTypes = CHANNELS.filter((c) => ['va', 'paycode', 'retail'].includes(c.family)).map((c) => c.type);
  const checkoutPages: Visit[] = [
    { name: 'card-form', open: async () => goto(await order('cc'), 'test-cards') },
    {
      name: 'card-3ds', open: async () => {
        await goto(await order('cc'), 'test-cards');
        await fillCard('4000 0000 0000 1091');
        await page.getByTestId('pay-button').click();
        await page.getByTestId('otp-input').waitFor();
      },
    },
    {
      name: 'card-two-click', open: async () => {
        const seeded = await control('/saved-cards').send({ merchantId: MERCHANT.id, customerId: 'hajar@example.com', number: '5123450000000008' });
        expect(seeded.status).toBe(201);
        await goto(await order('cc', (b) => { b.customer.id = 'hajar@example.com'; b.card = { storedOnFile: 'STORED', token: seeded.body.token }; }), 'saved-card-mask');
      },
    },
    { name: 'kredivo-signin', open: async () => goto(await order('kredivo'), 'signin-form') },
    { name: 'kredivo-otp', open: async () => signInPaylater(await order('kredivo')) },
    {
      name: 'kredivo-plan', open: async () => {
        await signInPaylater(await order('kredivo'));
        await page.getByTestId('otp-input').fill('4567');
        await page.getByTestId('otp-submit').click();
        await page.getByTestId('plan-form').waitFor();
      },
    },
    { name: 'paylater-indodana', open: async () => goto(await order('indodana'), 'signin-form') },
    { name: 'paylater-akulaku', open: async () => goto(await order('akulaku'), 'signin-form') },
    ...walletTypes.map((type): Visit => ({ name: `wallet-${type}`, open: async () => goto(await order(type), 'wallet-form') })),
    { name: 'wallet-linkajawco', open: async () => goto(await order('linkajawco'), 'wallet-form') },
    { name: 'qris', open: async () => goto(await order('qris'), 'qr-image') },
    ...pendingTypes.map((type): Visit => ({ name: `pending-${type}`, open: async () => goto(await order(type), 'payment-code') })),
    { name: 'picker', open: async () => goto(await order(null), 'order-summary') },
    {
      name: 'give-up-result', open: async () => {
        await goto(await order('cc', (b) => { b.url = { callbackUrl: `${receiver.url}/callback` }; }), 'test-cards');
        await page.getByTestId('give-up').click();
        await page.getByTestId('message-heading').waitFor();
      },
    },
    {
      name: 'open-va-transfer', open: async () => {
        const res = await request(instance.server).post('/pg/payment/card/openpayment/register').set('Authorization', basicAuth())
          .send({ customer: { id: 'cust-77', email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' }, sourceOfFunds: { type: 'vabca' }, url: { callbackUrl: `${receiver.url}/callback` } });
        expect(res.status, res.text).toBe(200);
        await goto(res.headers['x-finnet-mock-transfer-page']!, 'transfer-amount');
      },
    },
    {
      name: 'open-va-transfer-done', open: async () => {
        await page.getByTestId('transfer-amount').fill('150000');
        await page.getByTestId('transfer-submit').click();
        await page.getByTestId('receipt-amount').waitFor();
      },
    },
  ];

  it('every page links the SVG favicon, and /favicon.ico answers with it (no 404 in any browser\'s log)', async () => {
    for (const path of ['/favicon.ico', '/assets/favicon.svg']) {
      const res = await request(instance.server).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(String(res.body)).toContain('<svg');
    }
    await page.goto(await order('qris'));
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/assets/favicon.svg');
    await page.goto(`${instance.url}/login`);
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/assets/favicon.svg');
  });

  it.each(checkoutPages.map((visit) => [visit.name, visit] as const))('checkout page %s', async (_name, visit) => {
    await visit.open(page);
    await check(visit.name);
  }, 30_000);

  const dashboard = (path: string, ready: string) => async () => goto(`${instance.url}${path}`, ready);
  const dashboardPages: Visit[] = [
    { name: 'dashboard-login', open: dashboard('/', 'login-form') },
    {
      name: 'dashboard-list', open: async () => {
        await page.getByTestId('token-input').fill(ADMIN_TOKEN);
        await page.getByTestId('login-submit').click();
        // A paid order of a merchant with a long id, and a subscription paid by card, for the pages below.
        await order('kredivo', (b) => { b.order.amount = '2500000'; b.order.item = [{ name: 'Laptop', quantity: '1', unitPrice: '2500000', category: 'marketplace' }]; }, LONG_MERCHANT);
        await goto(await order('cc', (b) => {
          b.customer.id = 'member-0042';
          b.card = { storedOnFile: 'TO_BE_STORED' };
          b.recurring = { subscribe: 'Y', type: 'PURCHASE', id: 'GYM-MEMBER-7', amount: '200', interval: 1, intervalUnit: 'monthly', maxInterval: 12 };
        }), 'test-cards');
        await fillCard('4111 1111 1111 1111');
        await page.getByTestId('pay-button').click();
        await page.waitForURL(/\/success$/);
        await goto(`${instance.url}/`, 'tx-table');
      },
    },
    {
      name: 'dashboard-order', open: async () => {
        await goto(`${instance.url}/?merchant=${LONG_MERCHANT.id}`, 'tx-link');
        await page.getByTestId('tx-link').first().click();
        await page.getByTestId('action-pay').click();
        await page.getByTestId('flash').waitFor();
        await page.getByTestId('callback-request').first().locator('summary').click();
      },
    },
    { name: 'dashboard-callbacks', open: dashboard('/callbacks', 'nav-callbacks') },
    { name: 'dashboard-requests', open: dashboard('/requests', 'nav-requests') },
    { name: 'dashboard-scenarios', open: dashboard('/scenarios', 'nav-scenarios') },
    { name: 'dashboard-clock', open: dashboard('/clock', 'nav-clock') },
    { name: 'dashboard-subscriptions', open: dashboard('/subscriptions', 'nav-subscriptions') },
    { name: 'dashboard-subscription', open: dashboard(`/subscriptions/${MERCHANT.id}/GYM-MEMBER-7`, 'nav-subscriptions') },
    { name: 'dashboard-open-vas', open: dashboard('/open-vas', 'nav-open-vas') },
    {
      name: 'dashboard-open-va', open: async () => {
        await goto(`${instance.url}/open-vas`, 'nav-open-vas');
        await page.getByTestId('open-va-link').first().click();
        await page.getByTestId('open-va-payment').first().waitFor();
      },
    },
    { name: 'dashboard-saved-cards', open: dashboard('/saved-cards', 'nav-saved-cards') },
    { name: 'dashboard-not-found', open: dashboard(`/transactions/${MERCHANT.id}/NO-SUCH-ORDER`, 'nav-transactions') },
  ];

  it.each(dashboardPages.map((visit) => [visit.name, visit] as const))('dashboard page %s', async (_name, visit) => {
    await visit.open(page);
    await check(visit.name);
  }, 30_000);
});

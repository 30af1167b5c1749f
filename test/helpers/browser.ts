import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Instance } from '../../server/instance.js';
import { MERCHANT, startTestInstance } from './instance.js';
import type { CallbackReceiver, ReceivedCallback } from './receiver.js';

/**
 * Headless Chromium for the page tests: Debian's /usr/bin/chromium driven by playwright-core (this machine
 * cannot download browsers). Without it the browser suites do not run locally (a warning says so) and fail on CI.
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const hasBrowser = existsSync(CHROMIUM);
export const onCi = process.env.CI === 'true';
/** Whether a browser suite runs here: always on CI (where a missing browser must fail), else when Chromium is installed. */
export const browserSuiteRuns = hasBrowser || onCi;
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

export const MOBILE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
/** Long enough for a stray second callback to show up; the first one is awaited, not slept for. */
const QUIET_MS = 300;

export function warnIfNoBrowser(suite: string): void {
  if (!hasBrowser && !onCi) console.warn(`${suite}: ${CHROMIUM} not found, browser tests not run (apt-get install -y chromium)`);
}

export async function launchBrowser(): Promise<Browser> {
  if (!hasBrowser) throw new Error(`CI=true but ${CHROMIUM} is missing: install it (apt-get install -y chromium); browsers cannot be downloaded here`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A fresh context (closed by the caller's list) and page of the given size. */
export async function openPage(browser: Browser, contexts: BrowserContext[], viewport = MOBILE): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  return page;
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The raw body minus its trailing `,"signature":"…"` pair, and that signature. */
function splitSignature(body: string): { signed: string; signature: string } {
  const match = /,"signature":"([0-9a-f]*)"\}$/.exec(body);
  if (!match) throw new Error(`callback body does not end with a signature: ${body}`);
  return { signed: `${body.slice(0, match.index)}}`, signature: match[1]! };
}

/** Checks the callback's transport and signature (HMAC-SHA512 of the raw body before the signature); gives the parsed body. */
export function expectSignedCallback(cb: ReceivedCallback, path: string): any {
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

/** Exactly one callback: the first is awaited, then a short quiet period must bring no second. */
export async function onlyCallback(receiver: CallbackReceiver): Promise<ReceivedCallback> {
  await receiver.waitFor(1);
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  expect(receiver.received).toHaveLength(1);
  return receiver.received[0]!;
}

export interface BrowserSuite {
  browser: Browser;
  instance: Instance;
  /** Receivers the suite started; stopped after it. */
  receivers: CallbackReceiver[];
  /** Browser contexts the suite opened; closed after it. */
  contexts: BrowserContext[];
}

/** Chromium and a simulator for one browser suite, torn down after it (call inside the suite's describe). */
export function useBrowserSuite(): BrowserSuite {
  const suite = { receivers: [], contexts: [] } as unknown as BrowserSuite;
  beforeAll(async () => {
    suite.browser = await launchBrowser();
    suite.instance = await startTestInstance();
  });
  afterAll(async () => {
    for (const context of suite.contexts) await context.close().catch(() => undefined);
    await suite.browser?.close();
    await suite.instance?.stop();
    for (const receiver of suite.receivers) await receiver.stop();
  });
  return suite;
}

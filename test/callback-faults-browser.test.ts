/**
 * The delivery log of odd callbacks in headless Chromium: the Callbacks page tags a phantom and a stale FAILURE
 * with their notes, and the order's page shows each duplicate's note. Screenshots: test/artifacts/callback-faults-*.png.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { browserSuiteRuns, DESKTOP, openPage, screenshot, useBrowserSuite, warnIfNoBrowser } from './helpers/browser.js';
import { basicAuth, kredivoRequest, MERCHANT } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

warnIfNoBrowser('callback-faults-browser.test.ts');

describe.runIf(browserSuiteRuns)('odd callbacks in the dashboard, in headless Chromium', () => {
  const suite = useBrowserSuite();

  async function paidOrder(receiver: CallbackReceiver, scenario: string): Promise<string> {
    const body = kredivoRequest({ callbackUrl: `${receiver.url}/cb` });
    await request(suite.instance.server).post('/pg/payment/card/initiate').set({ Authorization: basicAuth(), 'X-Finnet-Mock-Scenario': scenario }).send(body).expect(200);
    await request(suite.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    return body.order.id as string;
  }

  it('tags the phantom and the out-of-order FAILURE, and notes each duplicate on the order page', async () => {
    const receiver = await new CallbackReceiver().start();
    suite.receivers.push(receiver);
    await request(suite.instance.server).post('/_mock/clock').send({ action: 'freeze' }).expect(200);
    const phantomOf = await paidOrder(receiver, 'callback-phantom-order');
    const paidThenFailed = await paidOrder(receiver, 'callback-out-of-order');
    const duplicated = await paidOrder(receiver, 'callback-duplicate-3-fresh');
    await request(suite.instance.server).post('/_mock/clock').send({ action: 'advance', by: '5s' }).expect(200);
    await receiver.waitFor(1 + 1 + 1 + 1 + 4);

    const page = await openPage(suite.browser, suite.contexts, DESKTOP);
    await page.goto(`${suite.instance.url}/callbacks`);
    const kinds = await page.getByTestId('callback-kind').allTextContents();
    expect(kinds.sort()).toEqual(['out of order', 'phantom']);
    const notes = (await page.getByTestId('callback-notes').allTextContents()).join('\n');
    expect(notes).toContain(`phantom: order id ${phantomOf}-`);
    expect(notes).toContain(`out of order: a FAILURE for an earlier failed attempt of ${paidThenFailed}`);
    await screenshot(page, 'callback-faults-callbacks');

    await page.goto(`${suite.instance.url}/transactions/${MERCHANT.id}/${duplicated}`);
    expect(await page.getByTestId('attempt-note').allTextContents()).toEqual([2, 3, 4].map((n) => `duplicate ${n} of 4, fresh x-timestamp and x-signature`));
    await screenshot(page, 'callback-faults-duplicates');
  });
});

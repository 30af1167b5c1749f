import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../server/dashboard/login-throttle.js';
import type { Instance } from '../server/instance.js';
import { browserSuiteRuns, launchBrowser, screenshot, warnIfNoBrowser } from './helpers/browser.js';
import { channelRequest } from './helpers/channel-requests.js';
import { initiate, kredivoRequest, MERCHANT, startTestInstance } from './helpers/instance.js';

const TOKEN = 'sekret-token-123';
let open: Instance;
let guarded: Instance;
let proxied: Instance;

beforeAll(async () => {
  [open, guarded, proxied] = await Promise.all([
    startTestInstance(),
    startTestInstance({ adminToken: TOKEN }),
    startTestInstance({ publicUrl: 'https://mock.example.test' }),
  ]);
});
afterAll(async () => {
  await Promise.all([open, guarded, proxied].map((i) => i?.stop()));
});

async function order(instance: Instance): Promise<string> {
  const body = kredivoRequest({ callbackUrl: 'http://127.0.0.1:9/cb' });
  expect((await initiate(instance, body)).status).toBe(200);
  return body.order.id as string;
}
const statusOf = (instance: Instance, id: string) => instance.ctx.store.getTransaction(MERCHANT.id, id)!.status;
const portOf = (instance: Instance) => new URL(instance.url).port;

function expectRefused(res: request.Response, detail: RegExp): void {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 403, title: 'Cross-site request refused' });
  expect(res.body.detail).toMatch(detail);
}

describe('control API: what a web page on another origin can send is refused', () => {
  const pay = (instance: Instance, id: string) => request(instance.server).post(`/_mock/transactions/${id}/pay`);

  it('refuses a form-encoded POST (even an empty form) and leaves the order alone', async () => {
    const id = await order(open);
    expectRefused(await pay(open, id).type('form').send({ a: '1' }), /X-Finnet-Mock: 1/);
    expectRefused(await pay(open, id).set('Content-Type', 'application/x-www-form-urlencoded'), /X-Finnet-Mock: 1/);
    expectRefused(await pay(open, id).set('Content-Type', 'multipart/form-data; boundary=x').send('--x--\r\n'), /JSON body/);
    expect(statusOf(open, id)).toBe('REQUEST_INITIATED');
  });

  it('refuses a text/plain POST (the form enctype that can carry a JSON-looking body)', async () => {
    const id = await order(open);
    const res = await request(open.server).post('/_mock/reset').set('Content-Type', 'text/plain').send('{"merchantId":"FINPAY770"}');
    expectRefused(res, /Content-Type: application\/json/);
    expect(statusOf(open, id)).toBe('REQUEST_INITIATED');
    expectRefused(await request(open.server).put('/_mock/clock').set('Content-Type', 'text/plain').send('{"frozen":true}'), /JSON/);
    expect(open.ctx.clock.frozen).toBe(false);
  });

  it('refuses a foreign Origin: another port, another scheme on the same host and port, another host, or null', async () => {
    const id = await order(open);
    const port = portOf(open);
    for (const origin of [`http://127.0.0.1:${Number(port) === 1 ? 2 : 1}`, `https://127.0.0.1:${port}`, 'http://evil.example', 'null']) {
      expectRefused(await pay(open, id).set('Origin', origin).send({}), /Origin/);
      // Bodiless, as fetch(url, {method: 'POST', mode: 'no-cors'}) from that page would send it.
      expectRefused(await pay(open, id).set('Origin', origin), /Origin/);
      expectRefused(await pay(open, id).set('Origin', origin).set('X-Finnet-Mock', '1'), /Origin/);
    }
    expect(statusOf(open, id)).toBe('REQUEST_INITIATED');
  });

  it('refuses Sec-Fetch-Site cross-site and same-site (another localhost port is the same site)', async () => {
    const id = await order(open);
    for (const site of ['cross-site', 'same-site']) {
      expectRefused(await pay(open, id).set('Sec-Fetch-Site', site).set('X-Finnet-Mock', '1'), /Sec-Fetch-Site/);
    }
    expectRefused(await request(open.server).delete('/_mock/scenarios').set('Sec-Fetch-Site', 'cross-site'), /Sec-Fetch-Site/);
    expectRefused(await request(open.server).patch('/_mock/scenarios/x').set('Sec-Fetch-Site', 'same-site').send({ enabled: false }), /Sec-Fetch-Site/);
    expect(statusOf(open, id)).toBe('REQUEST_INITIATED');
  });

  it('with --public-url, its origin is our own, scheme included', async () => {
    const res = await request(proxied.server).post('/_mock/clock').set('Origin', 'https://mock.example.test').send({ action: 'freeze' });
    expect(res.status).toBe(200);
    expectRefused(await request(proxied.server).post('/_mock/clock').set('Origin', 'http://mock.example.test').send({ action: 'resume' }), /Origin/);
    expect(proxied.ctx.clock.frozen).toBe(true);
  });

  it('refuses cookie-only admin auth from a form or a bodiless request, the credential a browser sends by itself', async () => {
    const id = await order(guarded);
    const cookie = `admin_token=${TOKEN}`;
    const reset = () => request(guarded.server).post('/_mock/reset').set('Cookie', cookie);
    expectRefused(await reset().type('form').send({}), /X-Finnet-Mock: 1/);
    expectRefused(await reset().type('form').set('Origin', 'http://127.0.0.1:1').send({}), /Origin/);
    expectRefused(await reset(), /cookie/);
    expect(statusOf(guarded, id)).toBe('REQUEST_INITIATED');
    // Same-origin script with the cookie and the header, or a client holding the token, is let in.
    expect((await request(guarded.server).post(`/_mock/transactions/${id}/fail`).set('Cookie', cookie).set('X-Finnet-Mock', '1')).status).toBe(200);
    expect((await request(guarded.server).post('/_mock/reset').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
  });
});

describe('control API: what a test suite, curl or the library sends still works', () => {
  it('accepts a JSON body, +json types included, from no Origin or our own', async () => {
    const id = await order(open);
    const own = await request(open.server).post(`/_mock/transactions/${id}/pay`).set('Origin', open.url).set('Sec-Fetch-Site', 'same-origin').send({});
    expect(own.status).toBe(200);
    const merge = await request(open.server).post('/_mock/clock').set('Content-Type', 'application/merge-patch+json').send('{"action":"freeze"}');
    expect(merge.status).toBe(200);
    expect(merge.body.frozen).toBe(true);
    expect((await request(open.server).post('/_mock/clock').set('Content-Type', 'application/json; charset=utf-8').send('{"action":"resume"}')).body.frozen).toBe(false);
  });

  it('accepts the X-Finnet-Mock header, and a bodiless call without Content-Type (curl -X POST, fetch without a body)', async () => {
    const a = await order(open);
    expect((await request(open.server).post(`/_mock/transactions/${a}/pay`).set('X-Finnet-Mock', '1')).status).toBe(200);
    const b = await order(open);
    expect((await fetch(`${open.url}/_mock/transactions/${b}/pay`, { method: 'POST' })).status).toBe(200);
    expect((await request(open.server).delete('/_mock/scenarios').set('Sec-Fetch-Site', 'none')).status).toBe(200);
    expect((await request(open.server).get('/_mock/transactions').set('Origin', 'http://evil.example')).status).toBe(200);
  });
});

describe('admin cookie', () => {
  it('is SameSite=Strict, so no other site can make a browser send it', async () => {
    const ok = await request(guarded.server).post('/login').type('form').send({ token: TOKEN, next: '/' });
    expect(ok.status).toBe(303);
    expect(String(ok.headers['set-cookie'])).toMatch(/^admin_token=sekret-token-123; Path=\/; HttpOnly; SameSite=Strict$/);
  });
});

describe('dashboard forms', () => {
  const payForm = (id: string) => request(open.server).post(`/transactions/${MERCHANT.id}/${id}/pay`).type('form').send({});

  it('work without JS from the dashboard itself', async () => {
    const id = await order(open);
    const res = await payForm(id).set('Origin', open.url).set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(303);
    expect(statusOf(open, id)).toBe('PAID');
  });

  it('are refused from the same host and port over another scheme, or from the same site', async () => {
    const id = await order(open);
    for (const refused of [payForm(id).set('Origin', `https://127.0.0.1:${portOf(open)}`), payForm(id).set('Sec-Fetch-Site', 'same-site')]) {
      const res = await refused;
      expect(res.status).toBe(403);
      expect(res.text).toContain('Form sent from another site');
    }
    expect(statusOf(open, id)).toBe('REQUEST_INITIATED');
  });
});

describe('checkout pages', () => {
  /** Path and query of the first HTML page of an order on `type` (null: the hosted picker), following Finpay's hand-off. */
  async function firstPage(type: string | null): Promise<string> {
    const { status, body } = await initiate(open, channelRequest(type, { callbackUrl: 'http://127.0.0.1:9/cb', successUrl: 'http://127.0.0.1:7/ok', failUrl: 'http://127.0.0.1:7/ko' }));
    expect(status).toBe(200);
    const url = new URL(body.redirecturl as string);
    const first = await request(open.server).get(`${url.pathname}${url.search}`);
    return first.status === 303 ? first.headers.location! : `${url.pathname}${url.search}`;
  }

  it('send a strict CSP with a per-page style nonce, frame-ancestors, X-Frame-Options, nosniff and Referrer-Policy on every page family', async () => {
    const paths = [...await Promise.all(['kredivo', 'cc', 'vabca', 'alfamart', 'qris', 'dana', 'octoclicks', null].map(firstPage)), '/pg/payment/card/access/nope'];
    const nonces = new Set<string>();
    for (const path of paths) {
      const res = await request(open.server).get(path);
      expect(res.headers['content-type'], path).toMatch(/text\/html/);
      const csp = String(res.headers['content-security-policy']);
      for (const part of ["default-src 'none'", "script-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "img-src 'self' data:"]) expect(csp, path).toContain(part);
      expect(csp, path).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:7(;|$)|form-action 'self'(;|$)/);
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['referrer-policy'], path).toBe('same-origin');
      const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, path).toBeDefined();
      expect(res.text, path).toContain(`<style nonce="${nonce}">`);
      expect(res.text, path).not.toMatch(/\sstyle="/);
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(paths.length);
  });

  it('allow posting to the merchant\'s own success and fail URLs, which the order ends on', async () => {
    const path = await firstPage('cc');
    expect(String((await request(open.server).get(path)).headers['content-security-policy'])).toContain("form-action 'self' http://127.0.0.1:7;");
  });

  it('refuse a form another site posts (a guessable open-VA transfer page, a Kredivo sign-in, a card form) and change nothing', async () => {
    const register = await request(open.server).post('/pg/payment/card/openpayment/register').set('Authorization', `Basic ${Buffer.from(`${MERCHANT.id}:${MERCHANT.key}`).toString('base64')}`)
      .send({ customer: { id: 'csrf-1', mobilePhone: '+6281286288844' }, sourceOfFunds: { type: 'vabca' } });
    const transfer = `/va-transfer/${MERCHANT.id}/vabca/${register.body.paymentCode}`;
    const pages = [transfer, await firstPage('kredivo'), await firstPage('cc')];
    const foreign = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };
    for (const page of pages) {
      for (const headers of [{ Origin: foreign.Origin }, { 'Sec-Fetch-Site': foreign['Sec-Fetch-Site'] }]) {
        const res = await request(open.server).post(page).set(headers).type('form').send({ amount: '12345', phone: '+6281286288844', pin: '123456', number: '4111111111111111', cvv: '123' });
        expect(res.status, page).toBe(403);
        expect(res.text).toContain('Formulir dari situs lain ditolak');
      }
    }
    expect((await request(open.server).get(`/_mock/open-vas/vabca/${register.body.paymentCode}`)).body.payments).toEqual([]);
    // The same form from the page itself goes through.
    const own = await request(open.server).post(transfer).set('Origin', open.url).type('form').send({ amount: '12345' });
    expect(own.status).toBe(200);
  });

  it('the dashboard cannot be framed either', async () => {
    expect((await request(open.server).get('/')).headers['x-frame-options']).toBe('DENY');
  });
});

describe('/login throttle', () => {
  it('after 5 wrong tokens from one address, answers 429 with Retry-After and a clear page, the right token included', async () => {
    const attempt = (token: string) => request(guarded.server).post('/login').type('form').send({ token, next: '/' });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
    const blocked = await attempt('wrong-again');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.text).toContain('data-testid="login-error"');
    expect(blocked.text).toMatch(/Too many wrong tokens from this address: try again in \d+ s/);
    expect((await attempt(TOKEN)).status).toBe(429);
    // A client that holds the token is not locked out of the API.
    expect((await request(guarded.server).get('/_mock/transactions').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('forgets an address after the minute, never blocks another address, and holds a bounded number of addresses', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) throttle.failed('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    now = 59_500;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(1);
    now = 60_000;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    throttle.failed('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    for (let i = 0; i < 50_000; i++) throttle.failed(`fd00::${i.toString(16)}`);
    expect(throttle.size).toBeLessThanOrEqual(LoginThrottle.MAX_ADDRESSES);
  });

  it('a right token clears the count of wrong ones', () => {
    const throttle = new LoginThrottle(() => 0);
    for (let i = 0; i < 4; i++) throttle.failed('10.0.0.3');
    throttle.succeeded('10.0.0.3');
    for (let i = 0; i < 4; i++) throttle.failed('10.0.0.3');
    expect(throttle.retryAfterSeconds('10.0.0.3')).toBe(0);
  });
});

describe.runIf(browserSuiteRuns)('in a browser', () => {
  let attacker: Server;
  beforeAll(async () => {
    // A page on another localhost port that posts a form to the simulator as soon as it opens.
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<form id="f" method="post" action="${open.url}/_mock/reset"><input name="merchantId" value="${MERCHANT.id}"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => attacker.close(resolve));
  });

  it('a form on another localhost port cannot reset the simulator; the checkout page renders in its colours under its CSP', async () => {
    const id = await order(open);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const refusal = page.waitForResponse((r) => r.url().endsWith('/_mock/reset'));
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      expect((await refusal).status()).toBe(403);
      expect(statusOf(open, id)).toBe('REQUEST_INITIATED');

      const violations: string[] = [];
      page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
      const { body } = await initiate(open, channelRequest(null, { callbackUrl: 'http://127.0.0.1:9/cb' }));
      await page.goto(body.redirecturl as string);
      await page.getByTestId('channel-form').waitFor();
      const colours = await page.evaluate(() => ({
        brand: getComputedStyle(document.querySelector('.brand')!).backgroundColor,
        dot: getComputedStyle(document.querySelector('[data-testid="channel-vabca"] .dot')!).backgroundColor,
      }));
      expect(colours).toEqual({ brand: 'rgb(11, 78, 162)', dot: 'rgb(0, 96, 175)' });
      expect(violations).toEqual([]);
      await screenshot(page, 'csrf-picker-under-csp');
    } finally {
      await browser.close();
    }
  });
});
warnIfNoBrowser('csrf');

/**
 * The dashboard over plain HTTP, as a browser without JavaScript uses it: pages, forms that answer
 * 303 back to the page with a result message, paging through 10 000 orders, bad input, escaping, and
 * the admin token. Effects are checked through the gateway's check endpoint and a real callback receiver.
 */
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentStatus, StoredTransaction } from '../server/model/transaction.js';
import { checkStatus, initiate, kredivoRequest, MERCHANT, OTHER_MERCHANT, placeOrder } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

/** Text as a reader sees it: ejs writes quotes and brackets as entities. */
function decode(html: string): string {
  return html.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function flashOf(html: string): string | undefined {
  const match = /data-testid="flash">([^<]*)</.exec(html);
  return match ? decode(match[1]!) : undefined;
}

function rowsOf(html: string): string[] {
  return [...html.matchAll(/data-testid="tx-row" data-order-id="([^"]*)"/g)].map((m) => decode(m[1]!));
}

const txPath = (orderId: string, merchantId = MERCHANT.id) => `/transactions/${merchantId}/${orderId}`;

describe('dashboard without JavaScript', () => {
  const sim = useSimulator({ reset: true });
  const page = (path: string) => request(sim.instance.server).get(path);
  const post = (path: string, fields: Record<string, string> = {}) => request(sim.instance.server).post(path).type('form').send(fields);

  /** Posts a form, expects the 303 back, and returns the page it leads to with its message. */
  async function submit(path: string, fields: Record<string, string> = {}): Promise<{ location: string; html: string; flash: string | undefined }> {
    const res = await post(path, fields);
    expect(res.status).toBe(303);
    const location = res.headers.location!;
    const next = await page(location);
    expect(next.status).toBe(200);
    return { location, html: next.text, flash: flashOf(next.text) };
  }

  const order = (mutate?: (body: Record<string, any>) => void, merchant = MERCHANT) => placeOrder(sim.instance, `${sim.receiver.url}/callback`, mutate, merchant);

  beforeEach(() => {
    sim.receiver.reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"responseCode":"2000000"}');
    };
  });

  it('serves the transaction list at / as HTML, with an empty state and strict headers', async () => {
    const res = await page('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('data-testid="empty"');
    expect(res.text).toContain('href="/assets/dashboard.css"');
    expect((await page('/assets/dashboard.css')).status).toBe(200);
    expect((await page('/assets/dashboard.js')).status).toBe(200);
  });

  it('lists transactions newest first with status, channel, amount in rupiah, merchant and age, and filters them', async () => {
    const first = await order((b) => { b.order.amount = '1500000'; b.order.item = [{ name: 'TV', quantity: '1', unitPrice: '1500000' }]; });
    const second = await order(() => {}, OTHER_MERCHANT);
    const third = await order();
    await submit(`${txPath(third)}/pay`);

    const list = await page('/');
    expect(rowsOf(list.text)).toEqual([third, second, first]);
    expect(list.text).toContain('Rp 1.500.000');
    expect(list.text).toContain('Kredivo');
    expect(list.text).toContain(OTHER_MERCHANT.id);
    expect(list.text).toMatch(/just now|\d+ s ago/);
    expect(list.text).toContain('Page 1 of 1 · 3 transactions');

    expect(rowsOf((await page('/?status=PAID')).text)).toEqual([third]);
    expect(rowsOf((await page(`/?merchant=${OTHER_MERCHANT.id}`)).text)).toEqual([second]);
    expect(rowsOf((await page('/?channel=kredivo&status=REQUEST_INITIATED')).text)).toEqual([second, first]);
    expect(rowsOf((await page(`/?q=${first.slice(-6).toLowerCase()}`)).text)).toEqual([first]);
    const none = await page('/?channel=qris');
    expect(rowsOf(none.text)).toEqual([]);
    expect(none.text).toContain('No transaction matches these filters');
    // The status select counts what the other filters keep.
    expect(decode(list.text)).toContain('<option value="PAID">PAID (1)</option>');
    expect(decode(list.text)).toContain('<option value="REQUEST_INITIATED">REQUEST_INITIATED (2)</option>');
  });

  it('shows a transaction: request, response, timeline, and the buttons that apply', async () => {
    const id = await order();
    const res = await page(txPath(id));
    expect(res.status).toBe(200);
    const html = decode(res.text);
    expect(html).toContain(`"id": "${id}"`);
    expect(html).toContain('"redirecturl": "http://localhost:');
    expect(html).toContain('data-testid="timeline-event"');
    expect(html).toContain('initiated');
    expect(html).toContain('REQUEST_INITIATED');
    expect(html).toContain(`${sim.receiver.url}/callback`);
    for (const action of ['pay', 'fail', 'expire', 'cancel']) {
      expect(html).toMatch(new RegExp(`data-testid="action-${action}">`));
    }
    expect(html).toContain('No callback yet');
  });

  it('pay: 303 back with the result, PAID at the check endpoint, one signed callback, and the attempt on the page', async () => {
    const id = await order();
    const { location, html, flash } = await submit(`${txPath(id)}/pay`);
    expect(location).toMatch(new RegExp(`^${txPath(id)}\\?flash=[0-9a-f]+$`));
    expect(flash).toContain(`Order ${id} paid: REQUEST_INITIATED → PAID.`);
    expect(flash).toMatch(/Callback delivered \(HTTP 200, \d+ ms\)/);

    const check = await checkStatus(sim.instance, id);
    expect(check.body.data.result.payment.status).toBe('PAID');
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).result.payment.status).toBe('PAID');

    const text = decode(html);
    expect(text).toContain('data-testid="attempt"');
    expect(text).toContain('HTTP 200');
    expect(text).toMatch(/data-testid="attempt-latency">\d+ ms/);
    expect(text).toContain('x-partner-id');
    expect(text).toContain('GuzzleHttp/7');
    expect(text).toContain(callback!.body);
    expect(text).toContain(JSON.parse(callback!.body).signature);
    expect(text).toContain('{"responseCode":"2000000"}');
    expect(html).toMatch(/data-testid="action-pay" disabled/);
  });

  it('fail, expire and cancel each move the order and send the callback', async () => {
    const expected: Record<string, string> = { fail: 'FAILURE', expire: 'EXPIRED', cancel: 'CANCELLED' };
    for (const [action, status] of Object.entries(expected)) {
      const id = await order();
      const { flash } = await submit(`${txPath(id)}/${action}`);
      expect(flash).toContain(`REQUEST_INITIATED → ${status}`);
      expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe(status);
    }
    const bodies = (await sim.receiver.waitFor(3)).map((c) => JSON.parse(c.body).result.payment.status);
    expect(bodies.sort()).toEqual(['CANCELLED', 'EXPIRED', 'FAILURE']);
  });

  it('refuses an action the state does not allow with a message, not an error page', async () => {
    const id = await order();
    await submit(`${txPath(id)}/pay`);
    const { flash, html } = await submit(`${txPath(id)}/cancel`);
    expect(flash).toBe(`Cannot cancel order ${id}: it is PAID, and only REQUEST_INITIATED orders can be cancelled.`);
    expect(html).toContain('flash-error');
    expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe('PAID');
  });

  it('re-sends a callback and shows the receiver\'s answer, on the order page or back on the callbacks list', async () => {
    const id = await order();
    sim.receiver.reply = (_req, res) => {
      res.writeHead(503);
      res.end('maintenance');
    };
    const paid = await submit(`${txPath(id)}/pay`);
    expect(paid.flash).toMatch(/Callback failed: receiver answered HTTP 503; next try \d{4}-\d\d-\d\d/);
    const delivery = (await request(sim.instance.server).get('/_mock/callbacks').query({ orderId: id })).body.items[0];

    sim.receiver.reply = (_req, res) => {
      res.writeHead(200);
      res.end('OK');
    };
    const resent = await submit(`/callbacks/${delivery.id}/resend`, { return: 'transaction' });
    expect(resent.location.startsWith(`${txPath(id)}?flash=`)).toBe(true);
    expect(resent.flash).toMatch(new RegExp(`Callback for order ${id} re-sent \\(attempt 2\\): delivered \\(HTTP 200, \\d+ ms\\)`));
    expect(sim.receiver.received).toHaveLength(2);
    expect(resent.html).toContain('maintenance');
    expect(resent.html).toContain('>hand<');

    const fromList = await submit(`/callbacks/${delivery.id}/resend`, { return: 'callbacks' });
    expect(fromList.location.startsWith('/callbacks?flash=')).toBe(true);
    expect(fromList.html).toContain('data-testid="callback-row"');
    expect(fromList.flash).toContain('attempt 3');

    const filtered = await page('/callbacks?state=gave-up');
    expect(filtered.text).toContain('No callback matches these filters');
  });

  it('answers unknown orders, actions, callbacks and pages with a clear 404 page', async () => {
    const unknown = await page(txPath('NO-SUCH-ORDER'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    expect(decode(unknown.text)).toContain(`There is no order "NO-SUCH-ORDER" for merchant "${MERCHANT.id}"`);
    expect((await post(`${txPath('NO-SUCH-ORDER')}/pay`)).status).toBe(404);

    const id = await order();
    const badAction = await post(`${txPath(id)}/refundify`);
    expect(badAction.status).toBe(404);
    expect(badAction.text).toContain('No such action');
    expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe('REQUEST_INITIATED');

    expect((await post('/callbacks/cb_nothing/resend')).status).toBe(404);
    const nothing = await page('/transactions');
    expect(nothing.status).toBe(404);
    expect(nothing.text).toContain('Page not found');
    // Paths the dashboard does not own keep the gateway's JSON 404.
    const gateway = await page('/no-such-thing');
    expect(gateway.status).toBe(404);
    expect(gateway.body.responseCode).toBe('4040000');
  });

  it('moves the clock: bad amounts give a message; +15m expires a Kredivo order; freeze, resume and real time', async () => {
    for (const by of ['abc', '0', '-5m', '999d', '']) {
      const { flash } = await submit('/clock', { action: 'advance', by });
      expect(flash).toMatch(/is not an amount of time|at most 366 days/);
    }
    expect((await submit('/clock', { action: 'rewind' })).flash).toContain('Unknown clock action');

    const id = await order();
    const before = (await request(sim.instance.server).get('/_mock/clock')).body.epochMs as number;
    const advanced = await submit('/clock', { action: 'advance', by: '15m' });
    expect(advanced.flash).toMatch(/^Advanced 15 min to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d WIB/);
    expect((await request(sim.instance.server).get('/_mock/clock')).body.epochMs - before).toBeGreaterThanOrEqual(15 * 60_000);
    expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe('EXPIRED');

    const frozen = await submit('/clock', { action: 'freeze' });
    expect(frozen.html).toContain('data-testid="clock-state">frozen');
    expect(frozen.html).toContain('data-testid="clock-frozen"');
    const resumed = await submit('/clock', { action: 'resume' });
    expect(resumed.html).toContain('data-testid="clock-state">running');
    // Frozen for a few milliseconds: the offset is 15 minutes give or take a second.
    expect(resumed.html).toMatch(/data-testid="clock-offset">(15 min( [1-9] s)?|14 min 59 s) ahead of real time/);
    const real = await submit('/clock', { action: 'real-time' });
    expect(real.html).toContain('data-testid="clock-offset">none: on real time');
  });

  it('shows rejected requests with the exact message, field and rule', async () => {
    await order();
    const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/callback` });
    delete body.customer.mobilePhone;
    expect((await initiate(sim.instance, body)).status).toBe(400);

    const all = decode((await page('/requests')).text);
    expect(all).toContain('4000001');
    expect(all).toContain('Invalid Mandatory Field customer.mobile phone');
    expect(all).toContain('field <code>customer.mobilePhone</code> · rule <code>required</code>');
    expect(all).toContain(body.order.id);
    expect(all).toContain('2000000');

    const rejected = decode((await page('/requests?rejected=1')).text);
    expect(rejected).toContain('4000001');
    expect(rejected).not.toContain('2000000');
    expect(decode((await page(`/requests?q=${body.order.id}`)).text)).toContain('customer.mobilePhone');
  });

  it('toggles scenarios, and says so when the name is unknown', async () => {
    const off = await submit('/scenarios/enabled', { name: 'auto-pay', enabled: 'false' });
    expect(off.flash).toBe('Scenario "auto-pay" disabled.');
    expect(off.html).toMatch(/data-name="auto-pay" class="off"/);
    const api = await request(sim.instance.server).get('/_mock/scenarios');
    expect(api.body.items.find((s: { name: string }) => s.name === 'auto-pay').enabled).toBe(false);
    expect((await submit('/scenarios/enabled', { name: 'auto-pay', enabled: 'true' })).flash).toBe('Scenario "auto-pay" enabled.');
    expect((await submit('/scenarios/enabled', { name: 'nope', enabled: 'true' })).flash).toContain('There is no scenario "nope"');
  });

  it('resets only after confirmation, all data or one merchant', async () => {
    const mine = await order();
    const theirs = await order(() => {}, OTHER_MERCHANT);
    expect((await submit('/reset', { merchant: '' })).flash).toContain('Nothing was reset');
    expect((await submit('/reset', { merchant: 'GHOST', confirm: 'yes' })).flash).toContain('There is no merchant "GHOST"');
    expect((await request(sim.instance.server).get('/_mock/transactions')).body.total).toBe(2);

    const one = await submit('/reset', { merchant: OTHER_MERCHANT.id, confirm: 'yes' });
    expect(one.location.startsWith('/?flash=')).toBe(true);
    expect(rowsOf(one.html)).toEqual([mine]);
    expect(one.html).not.toContain(theirs);
    const all = await submit('/reset', { merchant: '', confirm: 'yes' });
    expect(all.flash).toContain('Everything reset');
    expect(rowsOf(all.html)).toEqual([]);
  });

  it('escapes every merchant-supplied value', async () => {
    const hostile = '<script>alert(1)</script>';
    const id = await order((b) => {
      b.customer.firstName = hostile;
      b.customer.lastName = '"><img src=x onerror=alert(2)>';
      b.order.description = hostile;
      b.meta = { data: hostile };
    });
    await submit(`${txPath(id)}/pay`);
    for (const path of ['/', txPath(id), '/requests', '/callbacks']) {
      const res = await page(path);
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).not.toContain('<img src=x');
    }
    const detail = (await page(txPath(id))).text;
    expect(detail).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('never shows a merchant key, and shows a message only for ids it issued', async () => {
    await order();
    await order(() => {}, OTHER_MERCHANT);
    const id = await order();
    await submit(`${txPath(id)}/pay`);
    for (const path of ['/', txPath(id), '/requests', '/callbacks', '/scenarios', '/clock', txPath('nope')]) {
      const text = (await page(path)).text;
      expect(text).not.toContain(MERCHANT.key);
      expect(text).not.toContain(OTHER_MERCHANT.key);
    }
    expect(flashOf((await page('/?flash=You+have+been+hacked')).text)).toBeUndefined();
  });

  it('refuses form posts from other sites', async () => {
    const id = await order();
    const foreign = await post(`${txPath(id)}/pay`).set('Origin', 'http://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('Form sent from another site');
    expect((await post(`${txPath(id)}/pay`).set('Sec-Fetch-Site', 'cross-site')).status).toBe(403);
    expect((await request(sim.instance.server).post('/reset').set('Origin', 'null').type('form').send({ merchant: '', confirm: 'yes' })).status).toBe(403);
    // Another port on the same host is another site (a merchant app on localhost:3000, say).
    expect((await post(`${txPath(id)}/pay`).set('Origin', 'http://127.0.0.1:1')).status).toBe(403);
    expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe('REQUEST_INITIATED');
    expect((await request(sim.instance.server).get('/_mock/transactions')).body.total).toBe(1);

    const own = await post(`${txPath(id)}/pay`).set('Origin', sim.instance.url).set('Sec-Fetch-Site', 'same-origin');
    expect(own.status).toBe(303);
  });

  it('turns an oversized form into a readable 413 page', async () => {
    const res = await post('/clock', { action: 'advance', by: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('That request could not be read');
  });
});

describe('dashboard with 10 000 transactions', () => {
  const sim = useSimulator();
  const STATUSES: PaymentStatus[] = ['REQUEST_INITIATED', 'PAID', 'FAILURE', 'REFUNDED'];
  const COUNT = 10_000;
  const page = (path: string) => request(sim.instance.server).get(path);
  const bulkId = (i: number) => `BULK-${String(i).padStart(5, '0')}`;

  // 10 000 orders through the gateway would take most of the run: copies of one real order go straight into the store.
  beforeAll(async () => {
    // One real order is the template: every stored field as the gateway writes it.
    const body = kredivoRequest({ callbackUrl: 'http://127.0.0.1:9/callback' });
    expect((await initiate(sim.instance, body)).status).toBe(200);
    const template = structuredClone(sim.instance.ctx.store.getTransaction(MERCHANT.id, body.order.id)!);
    await request(sim.instance.server).post('/_mock/reset').expect(200);
    const now = sim.instance.ctx.clock.now();
    for (let i = 0; i < COUNT; i++) {
      const tx: StoredTransaction = structuredClone(template);
      tx.orderId = bulkId(i);
      const request = JSON.parse(tx.requestJson) as { order: object };
      tx.requestJson = JSON.stringify({ ...request, order: { ...request.order, id: tx.orderId } });
      tx.merchantId = i % 5 === 0 ? OTHER_MERCHANT.id : MERCHANT.id;
      // A channel the table may not know yet: the dashboard shows any channel string.
      tx.channel = i % 3 === 0 ? 'va_bca' : 'kredivo';
      tx.status = STATUSES[i % 4]!;
      tx.token = `${template.token}${i}`;
      tx.createdAt = now - (COUNT - i) * 1000;
      tx.expiresAt = now + 24 * 3_600_000;
      sim.instance.ctx.store.addTransaction(tx);
    }
  });
  it('pages newest first, 50 a page, with first/previous/next/last links', async () => {
    const first = await page('/');
    expect(first.status).toBe(200);
    const rows = rowsOf(first.text);
    expect(rows).toHaveLength(50);
    expect(rows[0]).toBe(bulkId(9999));
    expect(rows[49]).toBe(bulkId(9950));
    expect(first.text).toContain('Page 1 of 200 · 10,000 transactions');
    expect(first.text).toContain('href="/?page=2"');
    expect(first.text).toContain('href="/?page=200"');
    expect(first.text).not.toContain('data-testid="page-prev"');

    const second = await page('/?page=2');
    expect(rowsOf(second.text)[0]).toBe(bulkId(9949));
    expect(second.text).toMatch(/href="\/" rel="prev"/);

    const last = rowsOf((await page('/?page=200')).text);
    expect(last).toHaveLength(50);
    expect(last[49]).toBe(bulkId(0));
    expect((await page('/?page=9999')).text).toContain('Page 200 of 200');
    expect((await page('/?page=abc')).text).toContain('Page 1 of 200');
    expect((await page('/?page=-3')).text).toContain('Page 1 of 200');
  });

  it('filters and counts across all of them, keeping the filters in the paging links', async () => {
    const paid = await page('/?status=PAID');
    expect(paid.text).toContain('Page 1 of 50 · 2,500 transactions');
    expect(rowsOf(paid.text)[0]).toBe(bulkId(9997));
    expect(paid.text).toContain('href="/?status=PAID&amp;page=2"');
    expect(decode(paid.text)).toContain('<option value="REFUNDED">REFUNDED (2,500)</option>');

    const theirsPaid = await page(`/?status=PAID&merchant=${OTHER_MERCHANT.id}`);
    expect(theirsPaid.text).toContain('· 500 transactions');
    expect(rowsOf(theirsPaid.text).every((id) => (Number(id.slice(5)) % 20) === 5)).toBe(true);

    const va = await page('/?channel=va_bca');
    expect(va.text).toContain('· 3,334 transactions');
    expect(decode(va.text)).toContain('<option value="va_bca" selected>va_bca (3,334)</option>');
    expect(decode(va.text)).toContain('<option value="kredivo">Kredivo (6,666)</option>');
    expect(rowsOf((await page('/?q=bulk-0999')).text)).toHaveLength(10);
  });

  it('opens any of them, whatever its channel', async () => {
    const res = await page(`/transactions/${OTHER_MERCHANT.id}/${bulkId(0)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('va_bca');
  });
});

describe('dashboard with --admin-token', () => {
  const TOKEN = 'sekret-token-123';
  const sim = useSimulator({ config: { adminToken: TOKEN } });
  let orderIdSeen: string;
  const page = (path: string) => request(sim.instance.server).get(path);

  beforeAll(async () => {
    const body = kredivoRequest({ callbackUrl: 'http://127.0.0.1:9/callback' });
    expect((await initiate(sim.instance, body)).status).toBe(200);
    orderIdSeen = body.order.id;
  });

  it('shows a sign-in form, and nothing of the instance, to a browser without the token', async () => {
    for (const path of ['/', txPath(orderIdSeen), '/requests', '/clock', '/?status=PAID']) {
      const res = await page(path);
      expect(res.status).toBe(401);
      expect(res.text).toContain('data-testid="login-form"');
      // The requested path comes back only as where to go after signing in.
      expect(res.text.replace(/name="next" value="[^"]*"/, '')).not.toContain(orderIdSeen);
      expect(res.text).not.toContain('data-testid="nav-transactions"');
    }
    expect(decode((await page('/?status=PAID')).text)).toContain('name="next" value="/?status=PAID"');
    const action = await request(sim.instance.server).post(`${txPath(orderIdSeen)}/pay`).type('form').send({});
    expect(action.status).toBe(401);
    expect((await checkStatus(sim.instance, orderIdSeen)).body.data.result.payment.status).toBe('REQUEST_INITIATED');
  });

  it('signs in with the token into an HttpOnly cookie that opens the dashboard and /_mock; signs out', async () => {
    const wrong = await request(sim.instance.server).post('/login').type('form').send({ token: 'not-the-token', next: '/' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('data-testid="login-error"');
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const ok = await request(sim.instance.server).post('/login').type('form').send({ token: TOKEN, next: '/requests' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/requests');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/^admin_token=sekret-token-123; Path=\/; HttpOnly; SameSite=Strict$/);
    const jar = cookie.split(';')[0]!;

    const list = await page('/').set('Cookie', jar);
    expect(list.status).toBe(200);
    expect(list.text).toContain(orderIdSeen);
    expect(list.text).toContain('data-testid="logout"');
    expect((await request(sim.instance.server).get('/_mock/transactions').set('Cookie', jar)).status).toBe(200);
    expect((await page('/').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);

    const out = await request(sim.instance.server).post('/logout').set('Cookie', jar);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(String(out.headers['set-cookie'])).toMatch(/^admin_token=; Path=\/; Expires=Thu, 01 Jan 1970/);
  });

  it('sends a signed-in browser only to its own pages, and treats a broken cookie as no token', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await request(sim.instance.server).post('/login').type('form').send({ token: TOKEN, next });
      expect(res.headers.location).toBe('/');
    }
    expect(decode((await page('/login?next=//evil.example')).text)).toContain('name="next" value="/"');
    const signedIn = await page('/login?next=/clock').set('Authorization', `Bearer ${TOKEN}`);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/clock');
    expect((await page('/').set('Cookie', 'admin_token=%E0%A4%A')).status).toBe(401);
  });
});

describe('dashboard without --admin-token', () => {
  const sim = useSimulator();

  it('has nothing to sign in to', async () => {
    const res = await request(sim.instance.server).get('/login');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
  });
});

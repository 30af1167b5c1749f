import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { basicAuth, initiate, kredivoRequest, MERCHANT } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const SECRET = 'Very-Secret-Key-987';
const merchant = { id: 'SECURE1', key: SECRET };
const logs: string[] = [];
const sim = useSimulator({ config: { merchants: [merchant, MERCHANT], callbackHosts: ['127.0.0.1', '*.example.test'] }, log: (line) => logs.push(line) });

describe('security', () => {
  it('rejects javascript: and other non-http success, fail and back URLs at initiate', async () => {
    for (const key of ['successUrl', 'failUrl', 'backUrl'] as const) {
      for (const url of ['javascript:alert(1)', 'data:text/html,<script>1</script>', 'ftp://x', '//evil.example']) {
        const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb` });
        body.url[key] = url;
        const res = await initiate(sim.instance, body);
        expect(res.status).toBe(400);
        expect(res.body.responseCode).toBe('4000001');
      }
    }
  });

  it('restricts callback targets to the allowed hosts when --callback-hosts is set', async () => {
    const allowed = await initiate(sim.instance, kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb` }));
    expect(allowed.status).toBe(200);
    const subdomain = await initiate(sim.instance, kredivoRequest({ callbackUrl: 'https://shop.example.test/cb' }));
    expect(subdomain.status).toBe(200);
    const refused = await initiate(sim.instance, kredivoRequest({ callbackUrl: 'http://169.254.169.254/latest/meta-data' }));
    expect(refused.status).toBe(400);
    expect(refused.body.responseMessage).toBe('Invalid Field Format. The url.callback url format is invalid');
    const log = (await request(sim.instance.server).get('/_mock/requests?rejected=true')).body.items[0];
    expect(log).toMatchObject({ field: 'url.callbackUrl', rule: 'callbackHosts' });
  });

  it('never writes a merchant key to the log, a page or the dashboard', async () => {
    const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb` });
    const res = await initiate(sim.instance, body, merchant);
    await request(sim.instance.server).post('/pg/payment/card/initiate').set('Authorization', basicAuth({ id: merchant.id, key: 'wrong' })).send(body);
    await request(sim.instance.server).post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    await sim.receiver.waitFor(1);
    await sim.instance.ctx.scheduler.idle();
    const pages = await Promise.all([
      request(sim.instance.server).get(new URL(res.body.redirecturl).pathname + new URL(res.body.redirecturl).search),
      request(sim.instance.server).get('/'),
      request(sim.instance.server).get(`/transactions/${merchant.id}/${body.order.id}`),
      request(sim.instance.server).get('/requests'),
      request(sim.instance.server).get('/callbacks'),
      request(sim.instance.server).get(`/_mock/transactions/${body.order.id}`),
      request(sim.instance.server).get('/_mock/requests'),
      request(sim.instance.server).get('/_mock/openapi.json'),
    ]);
    expect(logs.length).toBeGreaterThan(0);
    for (const text of [...logs, ...pages.map((p) => p.text)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(`${merchant.id}:${SECRET}`).toString('base64'));
    }
  });

  it('escapes hostile values everywhere they are shown', async () => {
    const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb?x="><script>alert(1)</script>` });
    body.customer.firstName = '<img src=x onerror=alert(1)>';
    body.order.description = '"><svg onload=alert(2)>';
    body.order.item[0].name = '</script><script>alert(3)</script>';
    body.meta = { data: '<b>bold</b>' };
    const res = await initiate(sim.instance, body);
    expect(res.status).toBe(200);
    const url = new URL(res.body.redirecturl);
    const pages = await Promise.all([
      request(sim.instance.server).get(url.pathname + url.search),
      request(sim.instance.server).get('/'),
      request(sim.instance.server).get(`/transactions/${MERCHANT.id}/${body.order.id}`),
    ]);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).not.toMatch(/<script>alert|<img src=x|<svg onload/);
    }
  });
});

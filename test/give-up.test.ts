import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../server/channels/table.js';
import { channelRequest } from './helpers/channel-requests.js';
import { checkStatus, initiate } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const sim = useSimulator();
const local = (url: string) => `${new URL(url, 'http://x').pathname}${new URL(url, 'http://x').search}`;

/** One channel of every family that has a page, the three paylater providers, and the hosted picker (null). */
const ONE_PER_FAMILY = [...new Map(CHANNELS.filter((c) => c.family !== 'push').map((c) => [c.family, c.type])).values()];
const PAGES: (string | null)[] = [...new Set([...ONE_PER_FAMILY, 'kredivo', 'indodana', 'akulaku']), null];

/** The first screen of an order's page (following the card link on to a provider's page), as HTML. */
async function firstScreen(link: string): Promise<{ html: string; csp: string }> {
  let path = local(link);
  for (let hops = 0; hops < 3; hops++) {
    const res = await request(sim.instance.server).get(path);
    if (res.status === 200) return { html: res.text, csp: String(res.headers['content-security-policy']) };
    expect(res.status).toBe(303);
    path = local(String(res.headers.location));
  }
  throw new Error(`${link} redirects too often`);
}

/** The give-up form of a page: where it posts and what it sends. */
function giveUpForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]+)" class="give-up"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  expect(form, 'the page has a give-up form').not.toBeNull();
  const fields = Object.fromEntries([...form![2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  return { action: form![1]!, fields };
}

async function order(type: string | null, urls: { failUrl?: string; backUrl?: string } = { failUrl: `${sim.receiver.url}/ko` }) {
  const body = channelRequest(type, { callbackUrl: `${sim.receiver.url}/cb` });
  delete body.url.failUrl;
  Object.assign(body.url, urls);
  const { status, body: answer } = await initiate(sim.instance, body);
  expect(status, JSON.stringify(answer)).toBe(200);
  return { id: body.order.id as string, link: answer.redirecturl as string };
}

describe('give up from the first screen of every page family', () => {
  it.each(PAGES.map((type) => [type ?? 'hosted picker', type] as const))('%s: a visible "Batal / Kembali ke merchant" ends the order FAILURE with its callback and goes to failUrl', async (_name, type) => {
    const { id, link } = await order(type);
    const { html, csp } = await firstScreen(link);
    expect(html).toMatch(/data-testid="give-up"[^>]*>.*Batal \/ Kembali ke merchant/);
    const { action, fields } = giveUpForm(html);
    // It posts to this origin, which the pages' CSP form-action allows ('self').
    expect(action.startsWith('/')).toBe(true);
    expect(csp).toContain("form-action 'self'");
    const res = await request(sim.instance.server).post(action).type('form').send(fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${sim.receiver.url}/ko`);
    expect((await checkStatus(sim.instance, id)).body.data.result.payment.status).toBe('FAILURE');
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).result.payment.status).toBe('FAILURE');
  });

  it('speaks English with the page language toggle', async () => {
    const { link } = await order('cc');
    const { html } = await firstScreen(`${link}?lang=en`);
    expect(html).toContain('Cancel / Back to merchant');
    expect(giveUpForm(html).fields.lang).toBe('en');
  });

  it('goes to backUrl when the order has no failUrl, and says it is cancelled when it has neither', async () => {
    const back = await order('vabca', { backUrl: `${sim.receiver.url}/back` });
    const backForm = giveUpForm((await firstScreen(back.link)).html);
    const toBack = await request(sim.instance.server).post(backForm.action).type('form').send(backForm.fields);
    expect(toBack.headers.location).toBe(`${sim.receiver.url}/back`);

    const nowhere = await order('vabca', {});
    const form = giveUpForm((await firstScreen(nowhere.link)).html);
    const shown = await request(sim.instance.server).post(form.action).type('form').send(form.fields);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Anda membatalkan pembayaran ini.');
    expect((await checkStatus(sim.instance, nowhere.id)).body.data.result.payment.status).toBe('FAILURE');
  });

  it('a second give-up, or one for an unknown link, changes nothing and sends no second callback', async () => {
    const { link } = await order('qris');
    const form = giveUpForm((await firstScreen(link)).html);
    await request(sim.instance.server).post(form.action).type('form').send(form.fields).expect(303);
    await sim.receiver.waitFor(1);
    const again = await request(sim.instance.server).post(form.action).type('form').send(form.fields);
    expect(again.status).toBe(409);
    expect((await request(sim.instance.server).post(form.action).type('form').send({ tk: 'nope' })).status).toBe(404);
    expect((await request(sim.instance.server).post(form.action).type('form').send('')).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.receiver.received).toHaveLength(1);
  });
});

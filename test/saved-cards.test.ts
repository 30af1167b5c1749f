import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';
import { checkStatus, initiate, OTHER_MERCHANT } from './helpers/instance.js';

const sim = useSimulator({ reset: true });

const page = (path: string) => request(sim.instance.server).get(path);
const form = (path: string, fields: Record<string, string>) => request(sim.instance.server).post(path).type('form').send(fields);
const local = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;
const check = async (id: string, merchant?: typeof OTHER_MERCHANT) => (await checkStatus(sim.instance, id, merchant)).body.data;

/** A cc order body for `customerId` with `card` as given, URLs at the receiver. */
function cardBody(card: Record<string, unknown> | undefined, customerId: string | undefined = 'hajar@example.com') {
  const body = channelRequest('cc', { callbackUrl: `${sim.receiver.url}/cb`, successUrl: `${sim.receiver.url}/ok`, failUrl: `${sim.receiver.url}/ko` });
  if (card) body.card = card;
  if (customerId !== undefined) body.customer.id = customerId;
  return body;
}

/** Saves `number` for `customerId` through the card page and gives its token. */
async function saveCard(number: string, customerId = 'hajar@example.com', merchant?: typeof OTHER_MERCHANT): Promise<string> {
  const body = cardBody({ storedOnFile: 'TO_BE_STORED' }, customerId);
  const { status, body: answer } = await initiate(sim.instance, body, merchant);
  expect(status).toBe(200);
  const link = local(answer.redirecturl);
  const paid = await form(link, { number, expiry: '12/39', cvv: number.startsWith('37') ? '1000' : '100', action: 'pay' });
  expect(paid.status).toBe(303);
  if (paid.headers.location.endsWith('/3ds')) await form(`${link}/3ds`, { otp: '1234' });
  const data = await check(body.order.id, merchant);
  expect(data.result.payment.status).toBe('CAPTURED');
  return data.card.token as string;
}

describe('saving a card (TO_BE_STORED)', () => {
  it('a captured TO_BE_STORED order carries the new token, mask and brand in check-status and its callback', async () => {
    const body = cardBody({ storedOnFile: 'TO_BE_STORED' });
    const { body: answer } = await initiate(sim.instance, body);
    const link = local(answer.redirecturl);
    expect((await form(link, { number: '4111111111111111', expiry: '12/39', cvv: '100', action: 'pay' })).status).toBe(303);
    const data = await check(body.order.id);
    expect(data.card.token).toMatch(/^[0-9a-f]{64}$/);
    expect(data.card.mask).toBe('411111xxxxxx1111');
    expect(data.card.info.brand).toBe('VISA');
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).card).toEqual(data.card);
  });

  it('an order without storedOnFile saves nothing, and a declined TO_BE_STORED card gets no token', async () => {
    const plain = cardBody(undefined);
    const { body: a } = await initiate(sim.instance, plain);
    await form(local(a.redirecturl), { number: '4111111111111111', expiry: '12/39', cvv: '100', action: 'pay' });
    expect((await check(plain.order.id)).card.token).toBeUndefined();
    const declined = cardBody({ storedOnFile: 'TO_BE_STORED' });
    const { body: b } = await initiate(sim.instance, declined);
    await form(local(b.redirecturl), { number: '4000000000000002', expiry: '12/39', cvv: '100', action: 'pay' });
    const data = await check(declined.order.id);
    expect(data.result.payment.status).toBe('FAILURE');
    expect(data.card.token).toBeUndefined();
  });

  it('the same card saved again by the same customer keeps its token; another customer gets another', async () => {
    const first = await saveCard('5123450000000008');
    expect(await saveCard('5123450000000008')).toBe(first);
    expect(await saveCard('5123450000000008', 'other@example.com')).not.toBe(first);
  });
});


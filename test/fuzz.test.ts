import { describe, expect, it } from 'vitest';
import { createGeneratorSync } from 'json-schema-faker';
import { basicAuth, kredivoRequest } from './helpers/instance.js';
import { bundled, withFastText } from './helpers/schema-bundle.js';
import { useSimulator } from './helpers/suite.js';

const VALID_COUNT = 2000;
// Distinct generated items the requests' item lists are drawn from.
const ITEM_POOL = 1000;
const MAX_AMOUNT = 99_999_999_999_999;
const sim = useSimulator({ config: { callbackRetries: [] } });

async function post(body: string): Promise<number> {
  const res = await fetch(`${sim.instance.url}/pg/payment/card/initiate`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

let serial = 0;
/** A request generated from the schemas (core + Kredivo rules), made consistent where a schema cannot say it. */
function generatedRequest(body: Record<string, any>): Record<string, any> {
  body.order.id = `FZ-${(serial++).toString(36)}`;
  body.sourceOfFunds = { ...body.sourceOfFunds, type: 'kredivo' };
  const items = body.order.item as { quantity: string | number; unitPrice: string | number }[];
  const total = () => items.reduce((sum, it) => sum + Number(it.quantity) * Number(it.unitPrice), 0);
  // Generated quantities times prices overflow the 14-digit amount almost always: keep the items, make them affordable.
  if (total() > MAX_AMOUNT) {
    for (const it of items) {
      it.quantity = typeof it.quantity === 'string' ? '1' : 1;
      const price = Number(it.unitPrice) % 1_000_000;
      it.unitPrice = typeof it.unitPrice === 'string' ? String(price) : price;
    }
  }
  if (total() < 1) items[0]!.unitPrice = 1;
  body.order.amount = String(total());
  delete body.order.itemAmount;
  // Kredivo cannot save or use a card (only cc stores one): card.storedOnFile and card.token are cc fields.
  if (body.card) {
    delete body.card.storedOnFile;
    delete body.card.token;
  }
  // Kredivo cannot recur (only cc subscribes), and recurring dates must be real days in order.
  if (body.recurring) {
    delete body.recurring.subscribe;
    if (body.recurring.startDate !== undefined) body.recurring.startDate = '20240101';
    if (body.recurring.endDate !== undefined) body.recurring.endDate = '20241231';
  }
  return body;
}

/**
 * `count` valid initiate bodies from the schemas. Each `order.item` list has the length the schema draws
 * (1-100), filled from ITEM_POOL items generated from item.json: generating every item anew was most of the time.
 */
function validRequests(count: number): Record<string, any>[] {
  const core = bundled('initiate-request.json') as Record<string, any>;
  const itemList = core.properties.order.properties.item;
  const item = itemList.items;
  itemList.items = { type: 'integer', minimum: 0, maximum: ITEM_POOL - 1 };
  const { schema, formats } = withFastText({ item, request: { allOf: [core, bundled('channels/kredivo.json')] } }) as { schema: Record<string, object>; formats: object };
  const generator = createGeneratorSync({ seed: 20261124, alwaysFakeOptionals: false, formats: { ...formats, 'http-url': sendableUrl } });
  const pool = Array.from({ length: ITEM_POOL }, () => generator.generate(schema.item as never) as Record<string, unknown>);
  return Array.from({ length: count }, () => {
    const body = generator.generate(schema.request as never) as Record<string, any>;
    body.order.item = (body.order.item as number[]).map((i) => ({ ...pool[i] }));
    return generatedRequest(body);
  });
}

/** A URL the `http-url` format accepts (json-schema-faker cannot derive one from the format's name). */
function sendableUrl(random: { int(min: number, max: number): number; pick<T>(items: readonly T[]): T }): string {
  const host = random.pick(['shop.example', '127.0.0.1', '[::1]', 'localhost', 'merchant-api']);
  const port = random.pick(['', ':3000', ':8443', ':65535']);
  return `${random.pick(['http', 'https'])}://${host}${port}/${random.pick(['callback', 'pay/return', ''])}?id=${random.int(1, 99999)}`;
}

function deepArray(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Each mutation makes a valid request invalid in one way. */
const MUTATIONS: [string, (b: Record<string, any>) => unknown][] = [
  ['missing order', (b) => delete b.order],
  ['missing customer.mobilePhone', (b) => delete b.customer.mobilePhone],
  ['order as an array', (b) => (b.order = [b.order])],
  ['amount as an object', (b) => (b.order.amount = { value: 1 })],
  ['amount as a huge number', (b) => (b.order.amount = 1e308)],
  ['amount as 2^64', (b) => (b.order.amount = 18446744073709551616)],
  ['negative amount', (b) => (b.order.amount = -5)],
  ['order id too long', (b) => (b.order.id = 'x'.repeat(31))],
  ['order id with unicode', (b) => (b.order.id = 'ORDÉ-😀')],
  ['phone with letters', (b) => (b.customer.mobilePhone = '+62abc')],
  ['firstName of 51 characters', (b) => (b.customer.firstName = 'n'.repeat(51))],
  ['firstName nested 1 000 deep', (b) => (b.customer.firstName = deepArray(1000))],
  ['wrong channel enum', (b) => (b.sourceOfFunds.type = 'KREDIVO')],
  ['wrong storedOnFile enum', (b) => (b.card = { storedOnFile: 'MAYBE' })],
  ['callbackUrl javascript:', (b) => (b.url.callbackUrl = 'javascript:alert(1)')],
  ['callbackUrl file:', (b) => (b.url.callbackUrl = 'file:///etc/passwd')],
  ['items that do not add up', (b) => (b.order.amount = String(Number(b.order.amount) + 1))],
  ['null customer', (b) => (b.customer = null)],
  ['boolean item quantity', (b) => (b.order.item[0].quantity = true)],
  ['__proto__ instead of order', (b) => JSON.stringify(b).replace('"order":', '"__proto__":')],
  ['constructor instead of customer', (b) => JSON.stringify(b).replace('"customer":', '"constructor":')],
  ['prototype pollution attempt in meta and an invalid phone', (b) => {
    b.customer.mobilePhone = '0812';
    return JSON.stringify(b).replace('{', '{"__proto__":{"polluted":true},');
  }],
  ['body nested 1 000 deep', () => JSON.stringify({ order: deepArray(1000) })],
  ['lone surrogate in the description', (b) => JSON.stringify({ ...b, order: { ...b.order, description: 'x'.repeat(200) } }).replace('xxxx', '\\ud800')],
];

describe('fuzzing the initiate endpoint', () => {
  it(`accepts ${VALID_COUNT} valid requests generated from the schemas`, async () => {
    const bodies = validRequests(VALID_COUNT);
    const failures: string[] = [];
    await inBatches(bodies, 50, async (body) => {
      const res = await fetch(`${sim.instance.url}/pg/payment/card/initiate`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { responseMessage: string };
      if (res.status !== 200) failures.push(`${res.status} ${answer.responseMessage} for ${JSON.stringify(body).slice(0, 300)}`);
    });
    expect(failures.slice(0, 5)).toEqual([]);
    const listed = (await (await fetch(`${sim.instance.url}/_mock/transactions?limit=1`)).json()) as { total: number };
    expect(listed.total).toBeGreaterThanOrEqual(VALID_COUNT);
  }, 60_000);

  it('answers every mutated request with a 4xx gateway error, never a 5xx, with bounded memory', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const cases: [string, string][] = [];
    for (let round = 0; round < 40; round++) {
      for (const [name, mutate] of MUTATIONS) {
        const body = kredivoRequest({ id: `MUT-${round}-${cases.length}` });
        const mutated = mutate(body);
        cases.push([name, typeof mutated === 'string' && mutated.startsWith('{') ? mutated : JSON.stringify(body)]);
      }
    }
    const wrong: string[] = [];
    await inBatches(cases, 50, async ([name, body]) => {
      const status = await post(body);
      if (status < 400 || status >= 500) wrong.push(`${name}: HTTP ${status}`);
    });
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const health = await fetch(`${sim.instance.url}/_mock/health`);
    expect(health.status).toBe(200);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 2 ** 20);
  });
});

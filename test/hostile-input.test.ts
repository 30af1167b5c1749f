import { describe, expect, it } from 'vitest';
import { channelOf } from '../server/channels/table.js';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../server/gateway/json-body.js';
import type { Operation } from '../server/validation/request-validator.js';
import { basicAuth, kredivoRequest } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const sim = useSimulator({ config: { callbackRetries: [] } });

// What validating a body of any shape may cost, and what answering it may cost beyond reading it (parsing 1 MB of
// tiny JSON nodes and collecting the garbage takes 50-130 ms here by itself, and varies by half as much again):
// generous for a shared 2-core machine, yet far below what one quadratic pass over such a body costs (seconds to minutes).
const VALIDATE_MS = 20;
const READING_NOISE = 1.5;
const BEYOND_READING_MS = 50;

async function post(path: string, body: string): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${sim.instance.url}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body,
  });
  const answer = await res.json();
  return { status: res.status, body: answer, ms: performance.now() - started };
}

/** The Kredivo sample with `marker` (a JSON string) at the place `mutate` puts it, then `unit` repeated there to fill 1 MB. */
function oneMegabyte(unit: string, mutate: (body: Record<string, any>, marker: string) => void, wrap = (inner: string) => `[${inner}]`): string {
  const body = kredivoRequest();
  mutate(body, '@@FILL@@');
  const template = JSON.stringify(body);
  const room = MAX_BODY_BYTES - Buffer.byteLength(template) - 64;
  const count = Math.floor(room / (Buffer.byteLength(unit) + 1));
  const filled = template.replace('"@@FILL@@"', wrap(Array.from({ length: count }, () => unit).join(',')));
  expect(Buffer.byteLength(filled)).toBeGreaterThan(MAX_BODY_BYTES * 0.9);
  expect(Buffer.byteLength(filled)).toBeLessThanOrEqual(MAX_BODY_BYTES);
  return filled;
}

/** The Kredivo sample with one field set to `prefix`, then `unit` repeated to fill 1 MB, then `suffix`. */
function longString(unit: string, mutate: (body: Record<string, any>, marker: string) => void, prefix = '', suffix = ''): string {
  const body = kredivoRequest();
  mutate(body, '@@FILL@@');
  const template = JSON.stringify(body);
  const room = MAX_BODY_BYTES - Buffer.byteLength(template) - prefix.length - suffix.length - 64;
  return template.replace('@@FILL@@', `${prefix}${unit.repeat(Math.floor(room / unit.length))}${suffix}`);
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
}

const wide = (count: number) => JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i])));
function withItems(items: unknown[], amount = '200'): string {
  const body = kredivoRequest();
  body.order.amount = amount;
  body.order.item = items;
  return JSON.stringify(body);
}

const item = (fields: Record<string, unknown>) => JSON.stringify({ name: 'n', quantity: 1, unitPrice: 1, ...fields });

// Refused by the body reader before it parses them, so their cost does not depend on their shape.
const TOO_MANY_VALUES = `Bad Request. Body holds more than ${MAX_JSON_VALUES} JSON values`;
/** [what, endpoint, body, the answer's responseMessage] */
const HOSTILE: [string, string, () => string, string][] = [
  ['order.item of empty objects', 'initiate', () => oneMegabyte('{}', (b, m) => (b.order.item = m)), TOO_MANY_VALUES],
  ['order.item of zeros', 'initiate', () => oneMegabyte('0', (b, m) => (b.order.item = m)), TOO_MANY_VALUES],
  ['order.item of strings', 'initiate', () => oneMegabyte('"x"', (b, m) => (b.order.item = m)), TOO_MANY_VALUES],
  ['order.item of valid items that do not add up', 'initiate', () => oneMegabyte(item({}), (b, m) => (b.order.item = m)), TOO_MANY_VALUES],
  ['order.item at the cap, every item broken', 'initiate', () => withItems(Array.from({ length: 100 }, () => ({ name: {}, quantity: 'q'.repeat(10_000) }))), 'Invalid Field Format. The order.item.0.name format is invalid'],
  ['order.item one over the cap', 'initiate', () => withItems(Array.from({ length: 101 }, () => ({ name: 'n', quantity: 1, unitPrice: 1 })), '101'), 'Invalid Field Format. The order.item format is invalid'],
  ['order.item of arrays nested as deep as allowed', 'initiate', () => oneMegabyte(nested(MAX_JSON_DEPTH - 4), (b, m) => (b.order.item = m)), TOO_MANY_VALUES],
  ['customer.firstName of deep arrays', 'initiate', () => oneMegabyte(nested(MAX_JSON_DEPTH - 4), (b, m) => (b.customer.firstName = m)), TOO_MANY_VALUES],
  ['customer as an object of 50 000 keys', 'initiate', () => JSON.stringify(kredivoRequest()).replace(/"customer":\{[^}]*\}/, `"customer":${wide(50_000)}`), TOO_MANY_VALUES],
  ['order with 50 000 unknown keys and no amount', 'initiate', () => JSON.stringify(kredivoRequest()).replace('"order":{', `"order":${wide(50_000).slice(0, -1)},`).replace('"amount":"200",', ''), TOO_MANY_VALUES],
  ['meta.data of 1 MB with an invalid phone', 'initiate', () => oneMegabyte('{}', (b, m) => { b.meta = { data: m }; b.customer.mobilePhone = '0812'; }), TOO_MANY_VALUES],
  ['callbackUrl of 1 MB', 'initiate', () => longString('a', (b, m) => (b.url.callbackUrl = m), 'http://'), 'Invalid Field Format. The url.callback url format is invalid'],
  ['callbackUrl of 1 MB ending in a space', 'initiate', () => longString('a', (b, m) => (b.url.callbackUrl = m), 'http://', ' '), 'Invalid Field Format. The url.callback url format is invalid'],
  ['email of 1 MB of labels', 'initiate', () => longString('a.', (b, m) => (b.customer.email = m), 'a@'), 'Invalid Field Format. The customer.email format is invalid'],
  ['email of 1 MB without @', 'initiate', () => longString('a', (b, m) => (b.customer.email = m)), 'Invalid Field Format. The customer.email format is invalid'],
  ['mobilePhone of 1 MB of digits', 'initiate', () => longString('1', (b, m) => (b.customer.mobilePhone = m), '+62'), 'Invalid Field Format. The customer.mobile phone format is invalid'],
  ['amount of 1 MB of digits', 'initiate', () => longString('9', (b, m) => (b.order.amount = m)), 'Invalid Field Format. The order.amount format is invalid'],
  ['order.id of 1 MB', 'initiate', () => longString('A', (b, m) => (b.order.id = m)), 'Invalid Field Format. The order.id format is invalid'],
  ['description of 1 MB', 'initiate', () => longString('d', (b, m) => (b.order.description = m)), 'Invalid Field Format. The order.description format is invalid'],
  ['item name of 1 MB', 'initiate', () => longString('n', (b, m) => (b.order.item[0].name = m)), 'Invalid Field Format. The order.item.0.name format is invalid'],
  ['recurring.startDate of 1 MB', 'initiate', () => longString('1', (b, m) => (b.recurring = { startDate: m })), 'Invalid Field Format. The recurring.start date format is invalid'],
  ['card token of 1 MB', 'initiate', () => longString('a', (b, m) => (b.card = { token: m })), 'Invalid Field Format. The card.token format is invalid'],
  ['refund with an order of 50 000 keys', 'refund', () => JSON.stringify({ order: { ...JSON.parse(wide(50_000)), amount: 'x' } }), TOO_MANY_VALUES],
  ['refund with an order id of 1 MB', 'refund', () => JSON.stringify({ order: { id: 'A'.repeat(MAX_BODY_BYTES - 100) } }), 'Invalid Field Format. The order.id format is invalid'],
  ['void with an order id of 1 MB of digits', 'void', () => JSON.stringify({ order: { id: '1'.repeat(MAX_BODY_BYTES - 100) } }), 'Invalid Field Format. The order.id format is invalid'],
];

function fastest(times: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const ROUNDS = 5;

/** Per request: how long its answer took, the longest the event loop was blocked, the slowest health answer meanwhile. */
interface Phase {
  answerMs: number[];
  stallMs: number[];
  healthMs: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Infinity;

/**
 * Posts `text` to `path` and, in turn, to the void endpoint (whose schema reads only order.id: what reading the
 * body costs by itself, garbage collection included), ROUNDS times each, while GET /_mock/health is asked in a loop
 * and a 1 ms timer notes how long the event loop was blocked. Medians, because a garbage collection lands on either.
 */
async function burst(path: string, text: string): Promise<{ hostile: Phase; reading: Phase; answers: { status: number; body: any }[] }> {
  const hostile: Phase = { answerMs: [], stallMs: [], healthMs: [] };
  const reading: Phase = { answerMs: [], stallMs: [], healthMs: [] };
  // Each block and each health answer counts for the request under way when it began.
  const rounds: { phase: Phase; stallMs: number; slowestHealthMs: number }[] = [];
  let lastTick = performance.now();
  let roundAtLastTick: (typeof rounds)[number] | undefined;
  const ticker = setInterval(() => {
    const now = performance.now();
    if (roundAtLastTick) roundAtLastTick.stallMs = Math.max(roundAtLastTick.stallMs, now - lastTick);
    lastTick = now;
    roundAtLastTick = rounds.at(-1);
  }, 1);
  let pinging = true;
  const pings = (async () => {
    while (pinging) {
      const round = rounds.at(-1);
      const started = performance.now();
      const res = await fetch(`${sim.instance.url}/_mock/health`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      if (round) round.slowestHealthMs = Math.max(round.slowestHealthMs, performance.now() - started);
    }
  })();
  const answers = [];
  for (let i = 0; i < 2 * ROUNDS; i++) {
    const phase = i % 2 ? hostile : reading;
    rounds.push({ phase, stallMs: 0, slowestHealthMs: 0 });
    const answer = await post(`/pg/payment/card/${i % 2 ? path : 'void'}`, text);
    phase.answerMs.push(answer.ms);
    if (i % 2) answers.push(answer);
  }
  pinging = false;
  await pings;
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  for (const round of rounds) {
    round.phase.stallMs.push(round.stallMs);
    round.phase.healthMs.push(round.slowestHealthMs);
  }
  return { hostile, reading, answers };
}

describe('a 1 MB body of any shape is refused quickly, and the simulator stays responsive', () => {
  it.each(HOSTILE)('%s', async (_name, path, build, message) => {
    const text = build();
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const { validator } = sim.instance.ctx;
    const validate = () => (path === 'initiate' ? validator.validate(parsed, channelOf('kredivo')) : validator.validateOperation(path as Operation, parsed));
    expect(fastest(3, validate)).toBeLessThan(VALIDATE_MS);

    const { hostile, reading, answers } = await burst(path, text);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.responseCode).toBe(message === TOO_MANY_VALUES ? '4000000' : '4000001');
      expect(answer.body.responseMessage).toBe(message);
      expect(typeof answer.body.traceId).toBe('string');
    }
    const aboutAsFastAs = (ms: number[]) => median(ms) * READING_NOISE + BEYOND_READING_MS;
    expect(median(hostile.answerMs)).toBeLessThan(aboutAsFastAs(reading.answerMs));
    expect(median(hostile.stallMs)).toBeLessThan(aboutAsFastAs(reading.stallMs));
    expect(median(hostile.healthMs)).toBeLessThan(aboutAsFastAs(reading.healthMs));
  });
});

// An object whose conversion to a number or string throws, the classic way to turn a 400 into a 500.
const UNCONVERTIBLE = { toString: 1, valueOf: 1 };

/** [field, where it goes, endpoint, label in the message] */
const CONVERTED: [string, (b: Record<string, any>) => object | void, string, string][] = [
  ['order.amount', (b) => { b.order.amount = UNCONVERTIBLE; }, 'initiate', 'order.amount'],
  ['order.id', (b) => { b.order.id = UNCONVERTIBLE; }, 'initiate', 'order.id'],
  ['order.timeout', (b) => { b.order.timeout = UNCONVERTIBLE; }, 'initiate', 'order.timeout'],
  ['order.itemAmount', (b) => { b.order.itemAmount = UNCONVERTIBLE; }, 'initiate', 'order.item amount'],
  ['item quantity', (b) => { b.order.item[1].quantity = UNCONVERTIBLE; }, 'initiate', 'order.item.1.quantity'],
  ['item unitPrice', (b) => { b.order.item[0].unitPrice = UNCONVERTIBLE; }, 'initiate', 'order.item.0.unit price'],
  ['item unitTaxAmount', (b) => { b.order.item[0].unitTaxAmount = UNCONVERTIBLE; }, 'initiate', 'order.item.0.unit tax amount'],
  ['recurring.amount', (b) => { b.recurring = { amount: UNCONVERTIBLE }; }, 'initiate', 'recurring.amount'],
  ['customer.mobilePhone', (b) => { b.customer.mobilePhone = UNCONVERTIBLE; }, 'initiate', 'customer.mobile phone'],
  ['url.callbackUrl', (b) => { b.url.callbackUrl = UNCONVERTIBLE; }, 'initiate', 'url.callback url'],
  ['sourceOfFunds.type', (b) => { b.sourceOfFunds.type = UNCONVERTIBLE; }, 'initiate', 'sourceOfFunds.type'],
  ['refund order.amount', () => ({ order: { id: 'X1', amount: UNCONVERTIBLE } }), 'refund', 'order.amount'],
  ['refund order.id', () => ({ order: { id: UNCONVERTIBLE } }), 'refund', 'order.id'],
  ['void order.id', () => ({ order: { id: UNCONVERTIBLE } }), 'void', 'order.id'],
];

describe('values are typed by the schema before anything converts them', () => {
  it.each(CONVERTED)('%s as {toString, valueOf} is a 4000001 format error, not a 500', async (_field, mutate, path, label) => {
    const body = kredivoRequest();
    const replaced = mutate(body);
    const res = await post(`/pg/payment/card/${path}`, JSON.stringify(replaced ?? body));
    expect(res.status).toBe(400);
    expect(res.body.responseCode).toBe('4000001');
    expect(res.body.responseMessage).toBe(`Invalid Field Format. The ${label} format is invalid`);
  });

  it('ignores toString, valueOf, constructor and __proto__ keys in every object, and nothing is polluted', async () => {
    const keys = '"toString":{"a":1},"valueOf":[1],"constructor":{"prototype":{"polluted":1}},"hasOwnProperty":1,"__proto__":{"polluted":1},';
    const text = JSON.stringify(kredivoRequest())
      .replace(/"(order|customer|url|billing|address|sourceOfFunds)":\{/g, (open) => `${open}${keys}`)
      .replace(/\{"name"/g, `{${keys}"name"`);
    const res = await post('/pg/payment/card/initiate', text);
    expect(res.status).toBe(200);
    expect(res.body.responseCode).toBe('2000000');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not take a field from under __proto__', async () => {
    const text = JSON.stringify(kredivoRequest()).replace('"amount":"200"', '"__proto__":{"amount":"200"}');
    const res = await post('/pg/payment/card/initiate', text);
    expect(res.status).toBe(400);
    expect(res.body.responseMessage).toBe('Invalid Mandatory Field order.amount');
  });
});

const NOT_URLS = [
  'http://[::1/', 'http://x:99999999/', 'http://x:0/', 'http://exa\u0000mple.com/', 'http://exa mple.com/', 'http://exa\tmple.com/',
  'http://exa\nmple.com/', 'http://\u0001x/', 'http://x\u007f/', 'http://x/\r\n', 'http://%00/', 'http:///x', 'http://', 'http:x',
  'ftp://x/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://x/', 'http://user:secret@x/',
  `http://${'a'.repeat(64)}.example/`, `http://${'a.'.repeat(127)}example/`,
  'https://[fe80::1%25eth0]/', 'http://ex\u00ADample\uFEFF.com/',
];
const URLS = ['http://[::1]:8080/cb?x=1', 'http://127.0.0.1:9/dead-receiver', 'http://127.0.0.1:3000/callback', 'https://example.com/a/b?c=d#e', 'HTTP://EXAMPLE.COM/', 'http://finnet-receiver/', 'http://localhost:65535/'];
const URL_FIELDS: [string, string][] = [['callbackUrl', 'url.callback url'], ['successUrl', 'url.success url'], ['failUrl', 'url.fail url'], ['backUrl', 'url.back url']];

describe('URLs are URLs', () => {
  it.each(URL_FIELDS)('refuses what is not a sendable http(s) URL in url.%s with 4000001 on the field', async (field, label) => {
    const wrong: string[] = [];
    for (const url of NOT_URLS) {
      const body = kredivoRequest();
      body.url[field] = url;
      const res = await post('/pg/payment/card/initiate', JSON.stringify(body));
      if (res.status !== 400 || res.body.responseMessage !== `Invalid Field Format. The ${label} format is invalid`) wrong.push(`${JSON.stringify(url)}: ${res.status} ${res.body.responseMessage}`);
    }
    expect(wrong).toEqual([]);
  });

  it('accepts http(s) URLs with IP literals, ports, queries and single-label hosts', async () => {
    const wrong: string[] = [];
    for (const url of URLS) {
      const res = await post('/pg/payment/card/initiate', JSON.stringify(kredivoRequest({ callbackUrl: url, successUrl: url, failUrl: url })));
      if (res.status !== 200) wrong.push(`${url}: ${res.status} ${res.body.responseMessage}`);
    }
    expect(wrong).toEqual([]);
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { useSimulator } from './helpers/suite.js';
import { placeOrder } from './helpers/instance.js';

interface RawCallback {
  httpVersion: string;
  target: string;
  rawHeaders: string[];
  body: string;
}

/** A merchant receiver that keeps the request exactly as it came off the wire (names as sent, in order). */
let server: Server;
let base = '';
const received: RawCallback[] = [];
let waiting: (() => void) | null = null;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ httpVersion: req.httpVersion, target: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"responseCode":"2000000","responseMessage":"Success"}');
      waiting?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function nextCallback(): Promise<RawCallback> {
  const before = received.length;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no callback within 5 s')), 5000);
    waiting = () => {
      if (received.length === before) return;
      clearTimeout(timer);
      resolve();
    };
  });
  return received[received.length - 1]!;
}

/** rawHeaders [name, value, name, value, …] as [name, value] pairs. */
function pairs(raw: string[]): [string, string][] {
  return Array.from({ length: raw.length / 2 }, (_, i) => [raw[2 * i]!, raw[2 * i + 1]!]);
}

describe('the callback request on the wire is what Guzzle 7 sends', () => {
  const sim = useSimulator({ reset: true });

  it('carries exactly Host, User-Agent, Content-Type, Content-Length and the Finpay headers, in that order, over HTTP/1.1', async () => {
    const orderId = await placeOrder(sim.instance, `${base}/finpay/notify?shop=1`);
    const arrived = nextCallback();
    await request(sim.instance.server).post(`/_mock/transactions/${orderId}/pay`).expect(200);
    const cb = await arrived;
    const tx = (await request(sim.instance.server).get(`/_mock/transactions/${orderId}`).expect(200)).body;
    const headers = pairs(cb.rawHeaders);

    expect(cb.httpVersion).toBe('1.1');
    expect(cb.target).toBe('/finpay/notify?shop=1');
    expect(headers.map(([name]) => name)).toEqual([
      'Host', 'User-Agent', 'Content-Type', 'Content-Length', 'channel-id', 'x-partner-id', 'x-external-id', 'x-timestamp', 'x-signature',
    ]);
    const value = Object.fromEntries(headers);
    expect(value).toMatchObject({
      Host: base.slice('http://'.length),
      'User-Agent': 'GuzzleHttp/7',
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(cb.body)),
      'channel-id': 'FINPAY',
      'x-partner-id': 'FINPAY770',
      'x-external-id': JSON.parse(cb.body).order.reference,
    });
    expect(value['x-external-id']).toBe(tx.reference);
    expect(value['x-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(Buffer.from(value['x-signature']!, 'base64')).toHaveLength(512);
  });

  it('sends none of the browser-style defaults of Node\'s fetch (sec-fetch-mode, accept-language, accept, accept-encoding, connection)', async () => {
    const orderId = await placeOrder(sim.instance, `${base}/cb`);
    const arrived = nextCallback();
    await request(sim.instance.server).post(`/_mock/transactions/${orderId}/fail`).expect(200);
    const names = pairs((await arrived).rawHeaders).map(([name]) => name.toLowerCase());
    for (const browserish of ['sec-fetch-mode', 'accept-language', 'accept', 'accept-encoding', 'connection', 'transfer-encoding', 'expect']) {
      expect(names, browserish).not.toContain(browserish);
    }
  });
});

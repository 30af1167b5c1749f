// The merchant's own code under test: it creates Kredivo payments at the gateway and takes Finpay's callbacks.
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShopSettings {
  gatewayUrl: string;
  merchantId: string;
  merchantKey: string;
}

/** How the shop answered one callback. */
export interface Judgement {
  orderId?: string;
  statusCode: number;
}

export interface Shop {
  /** Base URL of the shop's own HTTP server, where Finpay calls back. */
  url: string;
  paidOrders: Set<string>;
  /** Emits `callback` with a Judgement each time the shop has answered a callback. */
  events: EventEmitter;
  checkout(orderId: string, amount: number): Promise<{ redirecturl: string }>;
  close(): Promise<void>;
}

interface Callback {
  order?: { id?: string };
  result?: { payment?: { status?: string } };
  signature?: string;
}

/** Finpay's documented check: HMAC-SHA512 with the merchant key over the raw body without its signature. */
export function isSignedByFinpay(raw: string, signature: string | undefined, merchantKey: string): boolean {
  const unsigned = raw.replace(/,"signature":"[0-9a-f]{128}"}$/, '}');
  return createHmac('sha512', merchantKey).update(unsigned).digest('hex') === signature;
}

export async function openShop(settings: ShopSettings): Promise<Shop> {
  const paidOrders = new Set<string>();
  const events = new EventEmitter();

  const judge = (raw: string): Judgement => {
    let body: Callback;
    try {
      body = JSON.parse(raw) as Callback;
    } catch {
      return { statusCode: 400 };
    }
    const orderId = body.order?.id;
    if (!isSignedByFinpay(raw, body.signature, settings.merchantKey)) return { orderId, statusCode: 401 };
    if (orderId !== undefined && body.result?.payment?.status === 'PAID') paidOrders.add(orderId);
    return { orderId, statusCode: 200 };
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/finpay/callback') return void res.writeHead(404).end();
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const judgement = judge(raw);
      res.writeHead(judgement.statusCode).end();
      events.emit('callback', judgement);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const authorization = `Basic ${Buffer.from(`${settings.merchantId}:${settings.merchantKey}`).toString('base64')}`;

  return {
    url,
    paidOrders,
    events,
    async checkout(orderId, amount) {
      const res = await fetch(`${settings.gatewayUrl}/pg/payment/card/initiate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: authorization },
        body: JSON.stringify({
          customer: { email: 'budi@example.com', firstName: 'Budi', mobilePhone: '+6281234567890' },
          order: { id: orderId, amount: String(amount), item: [{ name: 'Kopi Susu', quantity: '1', unitPrice: String(amount) }] },
          url: { callbackUrl: `${url}/finpay/callback`, successUrl: `${url}/thanks`, failUrl: `${url}/sorry` },
          sourceOfFunds: { type: 'kredivo' },
          billing: { address: { street: 'Jl. Sudirman 1', city: 'Jakarta', postcodeZip: '10210', country: 'IDN' } },
        }),
      });
      if (!res.ok) throw new Error(`initiate refused: ${res.status} ${await res.text()}`);
      return (await res.json()) as { redirecturl: string };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

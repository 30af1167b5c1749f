// The merchant's own code under test: it creates Kredivo payments at the gateway and takes Finpay's callbacks.
const { createHmac } = require('node:crypto');
const { EventEmitter } = require('node:events');
const { createServer } = require('node:http');

/** Finpay's documented check: HMAC-SHA512 with the merchant key over the raw body without its signature. */
function isSignedByFinpay(raw, signature, merchantKey) {
  const unsigned = raw.replace(/,"signature":"[0-9a-f]{128}"}$/, '}');
  return createHmac('sha512', merchantKey).update(unsigned).digest('hex') === signature;
}

/**
 * Starts the shop's HTTP server (Finpay calls back on /finpay/callback). `events` emits `callback` with
 * `{ orderId, statusCode }` each time the shop has answered a callback.
 */
async function openShop({ gatewayUrl, merchantId, merchantKey }) {
  const paidOrders = new Set();
  const events = new EventEmitter();

  const judge = (raw) => {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return { statusCode: 400 };
    }
    const orderId = body.order?.id;
    if (!isSignedByFinpay(raw, body.signature, merchantKey)) return { orderId, statusCode: 401 };
    if (orderId !== undefined && body.result?.payment?.status === 'PAID') paidOrders.add(orderId);
    return { orderId, statusCode: 200 };
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/finpay/callback') return void res.writeHead(404).end();
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const judgement = judge(raw);
      res.writeHead(judgement.statusCode).end();
      events.emit('callback', judgement);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const authorization = `Basic ${Buffer.from(`${merchantId}:${merchantKey}`).toString('base64')}`;

  return {
    url,
    paidOrders,
    events,
    async checkout(orderId, amount) {
      const res = await fetch(`${gatewayUrl}/pg/payment/card/initiate`, {
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
      return res.json();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

module.exports = { isSignedByFinpay, openShop };

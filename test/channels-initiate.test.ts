import { PNG } from 'pngjs';
import _jsQR from 'jsqr';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useSimulator } from './helpers/suite.js';
import { CHANNELS, type Family } from '../server/channels/table.js';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, checkStatus, initiate } from './helpers/instance.js';

// jsqr is CommonJS; under NodeNext its default export is the module object.
const jsQR = _jsQR as unknown as typeof _jsQR.default;

const sim = useSimulator();

const HEX64 = '[0-9a-f]{64}';
const origin = () => `http://localhost:${sim.instance.port}`;

/** What each family's initiate answer holds between responseMessage and processingTime, in order, and where it links. */
const SHAPES: Record<Family, { keys: string[]; link: () => RegExp | null }> = {
  card: { keys: ['redirecturl', 'expiryLink'], link: () => new RegExp(`^${origin()}/pg/payment/card/access/${HEX64}$`) },
  hosted: { keys: ['redirecturl', 'expiryLink'], link: () => new RegExp(`^${origin()}/pg/payment/card/id/v2/access/${HEX64}$`) },
  va: { keys: ['redirecturl', 'expiryLink', 'paymentCode'], link: () => new RegExp(`^${origin()}/widgetpg/pending/[1-9]\\d{6}$`) },
  paycode: { keys: ['redirecturl', 'expiryLink', 'paymentCode'], link: () => new RegExp(`^${origin()}/widgetpg/pending/[1-9]\\d{6}$`) },
  retail: { keys: ['redirecturl', 'expiryLink', 'paymentCode'], link: () => new RegExp(`^${origin()}/widgetpg/pending/[1-9]\\d{6}$`) },
  qris: { keys: ['redirecturl', 'imageurl', 'stringQr', 'expiryLink'], link: () => new RegExp(`^${origin()}/qris/${HEX64}$`) },
  wallet: { keys: ['redirecturl', 'expiryLink', 'paymentCode'], link: () => new RegExp(`^${origin()}/ewallet/[a-z]+/pay\\?tk=${HEX64}$`) },
  webcheckout: { keys: ['redirecturl', 'paymentCode', 'expiryLink'], link: () => new RegExp(`^${origin()}/pg/payment/card/access/${HEX64}$`) },
  push: { keys: ['redirecturl', 'expiryLink', 'paymentCode'], link: () => null },
  paylater: { keys: ['redirecturl', 'expiryLink', 'paymentCode'], link: () => new RegExp(`^${origin()}/[a-z]+/v2/signin\\?tk=[0-9A-Za-z]{40}$`) },
  ibank: { keys: ['redirecturl', 'paymentCode', 'expiryLink'], link: () => new RegExp(`^${origin()}/pg/payment/card/access/${HEX64}$`) },
};

const everyType = CHANNELS.flatMap((c) => [c.type, ...c.aliases].map((type) => [type, c] as const));

const control = (path: string) => request(sim.instance.server).post(`/_mock${path}`);
const gateway = (method: 'get' | 'post', path: string) => request(sim.instance.server)[method](`/pg/payment/card${path}`).set('Authorization', basicAuth());

describe('initiate on every sourceOfFunds.type', () => {
  it.each(everyType)('%s answers the family shape with its own link', async (type, channel) => {
    const { status, body } = await initiate(sim.instance, channelRequest(type));
    expect(status).toBe(200);
    const shape = SHAPES[channel.family];
    // ShopeePay's sample adds its app link and empty imageurl/paymentCode.
    const keys = channel.type === 'shopeepay' ? ['redirecturl', 'appurl', 'imageurl', 'paymentCode', 'expiryLink'] : shape.keys;
    expect(Object.keys(body)).toEqual(['responseCode', 'responseMessage', ...keys, 'processingTime', 'traceId']);
    expect(body.responseCode).toBe('2000000');
    expect(body.expiryLink).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const link = shape.link();
    if (link) expect(body.redirecturl).toMatch(link);
    else expect(body.redirecturl).toBeNull();
    if (channel.codePrefix) {
      expect(body.paymentCode).toMatch(/^\d{16}$/);
      expect(body.paymentCode.startsWith(channel.codePrefix)).toBe(true);
    }
  });

  it('uses the observed prefixes: finpaycode 8802… (docs sample), BCA VA 38337… (captured callback)', async () => {
    expect((await initiate(sim.instance, channelRequest('finpaycode'))).body.paymentCode).toMatch(/^8802\d{12}$/);
    expect((await initiate(sim.instance, channelRequest('vabca'))).body.paymentCode).toMatch(/^38337\d{11}$/);
  });

  it('gives ShopeePay its app link and empty imageurl/paymentCode, and the paylaters and wallets paymentCode null', async () => {
    const shopee = (await initiate(sim.instance, channelRequest('shopeepay'))).body;
    expect(shopee.appurl).toMatch(new RegExp(`^shopeeid://main\\?tk=${HEX64}$`));
    expect(shopee.imageurl).toBe('');
    expect(shopee.paymentCode).toBe('');
    for (const type of ['dana', 'indodana', 'akulaku', 'linkajawco', 'ovo']) expect((await initiate(sim.instance, channelRequest(type))).body.paymentCode).toBeNull();
  });

  it('gives every channel 24 hours by default, Kredivo 15 minutes, order.timeout when sent', async () => {
    sim.instance.ctx.clock.freeze();
    const now = sim.instance.ctx.clock.now();
    const minutesOf = async (body: Record<string, any>) => {
      await initiate(sim.instance, body);
      return (sim.instance.ctx.store.getTransaction('FINPAY770', body.order.id)!.expiresAt - now) / 60_000;
    };
    expect(await minutesOf(channelRequest('vabri'))).toBe(1440);
    expect(await minutesOf(channelRequest('qris'))).toBe(1440);
    expect(await minutesOf(channelRequest('kredivo'))).toBe(15);
    const timed = channelRequest('dana');
    timed.order.timeout = '60';
    expect(await minutesOf(timed)).toBe(60);
    sim.instance.ctx.clock.reset();
  });

  it('QRIS: imageurl is a PNG of the QR code whose content is stringQr, an EMV payload with the amount and a valid CRC', async () => {
    const { body } = await initiate(sim.instance, channelRequest('qris'));
    expect(body.stringQr).toMatch(/^000201010212/);
    expect(body.stringQr).toContain('5303360');
    expect(body.stringQr).toContain('5403200');
    expect(body.stringQr).toMatch(/6304[0-9A-F]{4}$/);
    const image = await request(sim.instance.server).get(new URL(body.imageurl).pathname).buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    const png = PNG.sync.read(image.body as Buffer);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(body.stringQr);
    expect((await request(sim.instance.server).get('/qris/nope/qr.png')).status).toBe(404);
  });
});

describe('channel rules', () => {
  const rejected = async (body: Record<string, any>, message: string) => {
    const { status, body: answer } = await initiate(sim.instance, body);
    expect(status).toBe(400);
    expect(answer.responseCode).toBe('4000001');
    expect(answer.responseMessage).toBe(message);
  };

  it('DANA needs order.item, and a category on every item', async () => {
    const noItems = channelRequest('dana');
    delete noItems.order.item;
    await rejected(noItems, 'Invalid Mandatory Field order.item');
    const noCategory = channelRequest('dana');
    delete noCategory.order.item[0].category;
    await rejected(noCategory, 'Invalid Mandatory Field order.item.0.category');
  });

  it('LinkAja (and its REST alias linkajaapplink) needs order.item', async () => {
    for (const type of ['linkaja', 'linkajaapplink']) {
      const body = channelRequest(type);
      delete body.order.item;
      await rejected(body, 'Invalid Mandatory Field order.item');
    }
  });

  it('OVO needs sourceOfFunds.accountId in local 08… format', async () => {
    const missing = channelRequest('ovo');
    delete missing.sourceOfFunds.accountId;
    await rejected(missing, 'Invalid Mandatory Field sourceOfFunds.account id');
    const e164 = channelRequest('ovo');
    e164.sourceOfFunds.accountId = '+6281286288844';
    await rejected(e164, 'Invalid Field Format. The sourceOfFunds.account id format is invalid');
  });

  it('Indodana and Akulaku need what Kredivo needs (Akulaku without the billing address)', async () => {
    const indodana = channelRequest('indodana');
    delete indodana.billing;
    await rejected(indodana, 'Invalid Mandatory Field billing');
    const akulaku = channelRequest('akulaku');
    delete akulaku.billing;
    expect((await initiate(sim.instance, akulaku)).status).toBe(200);
    const noFailUrl = channelRequest('akulaku');
    delete noFailUrl.url.failUrl;
    await rejected(noFailUrl, 'Invalid Mandatory Field url.fail url');
  });

  it('VA, QRIS and cards need nothing more than the core contract', async () => {
    for (const type of ['vamandiri', 'qris', 'cc']) {
      const body = channelRequest(type);
      delete body.order.item;
      delete body.billing;
      expect((await initiate(sim.instance, body)).status).toBe(200);
    }
  });

  it('without sourceOfFunds opens the hosted page; an empty sourceOfFunds still needs its type', async () => {
    expect((await initiate(sim.instance, channelRequest(null))).status).toBe(200);
    const empty = channelRequest(null);
    empty.sourceOfFunds = {};
    await rejected(empty, 'Invalid Mandatory Field sourceOfFunds.type');
  });
});

describe('cancel per channel', () => {
  it.each(['qris', 'dana', 'shopeepay', 'linkaja', 'linkajawco', 'ovo', 'jeniuspay', 'finpaymoney', 'virgo'])(
    '%s: refused while initiated with 404 4040100', async (type) => {
      const body = channelRequest(type);
      await initiate(sim.instance, body);
      const res = await gateway('get', `/cancel/${body.order.id}`);
      expect(res.status).toBe(404);
      expect(res.body.responseCode).toBe('4040100');
      expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('REQUEST_INITIATED');
    },
  );

  it.each(['vabca', 'alfamart', 'finpaycode', 'cc', 'octoclicks', null])('%s: cancelled while initiated', async (type) => {
    const body = channelRequest(type);
    await initiate(sim.instance, body);
    expect((await gateway('get', `/cancel/${body.order.id}`)).status).toBe(200);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('CANCELLED');
  });
});

describe('check-status and callbacks carry each family\'s fields', () => {
  it('VA: sourceOfFunds.paymentCode from initiate on, and a callback shaped like the captured real BCA one', async () => {
    const body = channelRequest('vabca', { callbackUrl: `${sim.receiver.url}/cb` });
    const { body: answer } = await initiate(sim.instance, body);
    const before = (await checkStatus(sim.instance, body.order.id)).body.data;
    expect(before.sourceOfFunds).toEqual({ type: 'vabca', paymentCode: answer.paymentCode });

    await control(`/transactions/${body.order.id}/pay`).expect(200);
    const [callback] = await sim.receiver.waitFor(1);
    const sent = JSON.parse(callback!.body);
    expect(Object.keys(sent)).toEqual(['merchant', 'customer', 'order', 'transaction', 'sourceOfFunds', 'meta', 'result', 'signature']);
    expect(sent.sourceOfFunds).toEqual({ type: 'vabca', paymentCode: answer.paymentCode });
    expect(sent.result.payment).toMatchObject({ status: 'PAID', statusDesc: 'PAID', channel: '014', amount: 200 });
    expect(sent.result.payment.reference).toMatch(/^[0-9a-f-]{36}014$/);
    expect(sent.result.payment.reference).not.toBe(`${sent.order.reference}014`);
    const after = (await checkStatus(sim.instance, body.order.id)).body.data;
    expect(after.sourceOfFunds).toEqual(sent.sourceOfFunds);
    expect(after.result.payment).toEqual(sent.result.payment);
  });

  it('card: CAPTURED with `card` after `order` (mask and info), channel null and a 6-digit authorisation reference', async () => {
    const body = channelRequest('cc', { callbackUrl: `${sim.receiver.url}/cb` });
    await initiate(sim.instance, body);
    expect(Object.keys((await checkStatus(sim.instance, body.order.id)).body.data)).not.toContain('card');
    await control(`/transactions/${body.order.id}/pay`).expect(200);
    const [callback] = await sim.receiver.waitFor(1);
    const sent = JSON.parse(callback!.body);
    expect(Object.keys(sent)).toEqual(['merchant', 'customer', 'order', 'card', 'transaction', 'sourceOfFunds', 'meta', 'result', 'signature']);
    expect(sent.card).toEqual({
      mask: '512345xxxxxx0008',
      info: { brand: 'MASTERCARD', issuing: 'BANCO DEL PICHINCHA, C.A.', type: 'CREDIT', subType: 'STANDARD', country: 'ECUADOR' },
    });
    expect(sent.result.payment).toMatchObject({ status: 'CAPTURED', channel: null, amount: 200 });
    expect(sent.result.payment.reference).toMatch(/^\d{6}$/);
    const check = (await checkStatus(sim.instance, body.order.id)).body.data;
    expect(Object.keys(check)).toEqual(['merchant', 'customer', 'order', 'card', 'sourceOfFunds', 'meta', 'result']);
    expect(check.card).toEqual(sent.card);
    expect(check.sourceOfFunds).toEqual({ type: 'cc' });
  });

  it('an alias is reported under its canonical type; a hosted order has an empty type until the shopper picks', async () => {
    const alias = channelRequest('jenius');
    await initiate(sim.instance, alias);
    expect((await checkStatus(sim.instance, alias.order.id)).body.data.sourceOfFunds).toEqual({ type: 'jeniuspay' });
    const hosted = channelRequest(null);
    await initiate(sim.instance, hosted);
    expect((await checkStatus(sim.instance, hosted.order.id)).body.data.sourceOfFunds).toEqual({ type: '' });
  });

  it('OVO (push, no page) is paid through the control API: PAID with channel OVO', async () => {
    const body = channelRequest('ovo', { callbackUrl: `${sim.receiver.url}/cb` });
    await initiate(sim.instance, body);
    await control(`/transactions/${body.order.id}/pay`).expect(200);
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).result.payment).toMatchObject({ status: 'PAID', channel: 'OVO' });
  });
});

import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { channelRequest } from './helpers/channel-requests.js';
import { useSimulator } from './helpers/suite.js';
import { checkStatus, initiate } from './helpers/instance.js';

const sim = useSimulator();

const page = (path: string) => request(sim.instance.server).get(path);
const form = (path: string, fields: Record<string, string>) => request(sim.instance.server).post(path).type('form').send(fields);
/** Path and query of an absolute link the simulator handed out. */
const local = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;
const check = async (id: string) => (await checkStatus(sim.instance, id)).body.data;

/** An order on `type` whose URLs point at the receiver; gives the order id and the page link (path and query). */
async function order(type: string | null, mutate: (b: Record<string, any>) => void = () => {}) {
  const body = channelRequest(type, { callbackUrl: `${sim.receiver.url}/cb`, successUrl: `${sim.receiver.url}/ok`, failUrl: `${sim.receiver.url}/ko` });
  mutate(body);
  const { status, body: answer } = await initiate(sim.instance, body);
  expect(status).toBe(200);
  return { id: body.order.id as string, link: answer.redirecturl === null ? '' : local(answer.redirecturl as string), answer };
}

async function onlyCallback(): Promise<Record<string, any>> {
  const [callback] = await sim.receiver.waitFor(1);
  return JSON.parse(callback!.body);
}

describe('card page', () => {
  const card = (link: string, number: string, extra: Record<string, string> = {}) =>
    form(link, { number, expiry: '12/39', cvv: '100', name: 'Hajar Ismail', action: 'pay', ...extra });

  it('shows the order, the card form with data-testids and the test cards, in Indonesian or English', async () => {
    const { link } = await order('cc');
    const res = await page(link);
    expect(res.status).toBe(200);
    for (const id of ['card-number-input', 'card-expiry-input', 'card-cvv-input', 'card-name-input', 'pay-button', 'cancel-button', 'test-cards', 'lang-toggle']) {
      expect(res.text).toContain(`data-testid="${id}"`);
    }
    expect(res.text).toContain('Bayar dengan kartu');
    expect(res.text).toContain('4000 0000 0000 1091');
    expect(res.text).toContain('Rp 200');
    expect((await page(`${link}?lang=en`)).text).toContain('Pay by card');
  });

  it('a success card is CAPTURED at once: back to successUrl, the card (mask, info) in check-status and the one callback', async () => {
    const { id, link } = await order('cc');
    const res = await card(link, '4111 1111 1111 1111');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${sim.receiver.url}/ok`);
    const sent = await onlyCallback();
    expect(sent.result.payment.status).toBe('CAPTURED');
    expect(sent.card).toEqual({ mask: '411111xxxxxx1111', info: { brand: 'VISA', issuing: 'JPMORGAN CHASE BANK, N.A.', type: 'CREDIT', subType: 'CLASSIC', country: 'UNITED STATES' } });
    expect((await check(id)).card).toEqual(sent.card);
  });

  it('a 3-D Secure card asks for the OTP: a wrong one is refused, 1234 captures it', async () => {
    const { id, link } = await order('cc');
    const entered = await card(link, '4000000000001091');
    expect(entered.headers.location).toBe(`${link}/3ds`);
    expect((await page(link)).headers.location).toBe(`${link}/3ds`);
    const challenge = await page(`${link}/3ds`);
    expect(challenge.text).toContain('Visa Secure');
    expect(challenge.text).toContain('400000xxxxxx1091');
    const wrong = await form(`${link}/3ds`, { otp: '0000' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Sisa percobaan: 2');
    const right = await form(`${link}/3ds`, { otp: '1234' });
    expect(right.headers.location).toBe(`${sim.receiver.url}/ok`);
    expect((await onlyCallback()).card.mask).toBe('400000xxxxxx1091');
    expect((await check(id)).result.payment.status).toBe('CAPTURED');
    const timeline = (await page(`/_mock/transactions/${id}`)).body.timeline.map((e: { event: string }) => e.event);
    expect(timeline.slice(0, 6)).toEqual(['initiated', 'card entered', '3-D Secure challenge', '3-D Secure OTP refused', '3-D Secure passed', 'paid']);
  });

  it('three wrong 3-D Secure OTPs fail the payment, with the card in the callback', async () => {
    const { id, link } = await order('cc');
    await card(link, '5200000000001096');
    await form(`${link}/3ds`, { otp: '1' });
    await form(`${link}/3ds`, { otp: '2' });
    const third = await form(`${link}/3ds`, { otp: '3' });
    expect(third.text).toContain('Verifikasi 3-D Secure gagal');
    expect(third.text).toContain(`href="${sim.receiver.url}/ko"`);
    const sent = await onlyCallback();
    expect(sent.result.payment.status).toBe('FAILURE');
    expect(sent.card.info.brand).toBe('MASTERCARD');
    expect((await check(id)).result.payment.status).toBe('FAILURE');
  });

  it.each([
    ['4000000000000002', 'ditolak oleh bank penerbit'],
    ['4000000000009995', 'tidak mencukupi'],
  ])('card %s ends in FAILURE and says why', async (number, reason) => {
    const { id, link } = await order('cc');
    const res = await card(link, number);
    expect(res.status).toBe(200);
    expect(res.text).toContain(reason);
    expect(res.text).toContain('data-testid="back-to-merchant"');
    expect((await onlyCallback()).result.payment.status).toBe('FAILURE');
    expect((await check(id)).card.mask).toBe(`${number.slice(0, 6)}xxxxxx${number.slice(-4)}`);
  });

  it.each([
    ['4111111111111112', '12/39', '100', 'Nomor kartu tidak valid'],
    ['6011111111111117', '12/39', '100', 'Nomor kartu tidak valid'],
    ['4111111111111111', '01/20', '100', 'Masa berlaku tidak valid'],
    ['4111111111111111', '13/39', '100', 'Masa berlaku tidak valid'],
    ['4111111111111111', '12/39', '12', 'CVV tidak valid'],
    ['378282246310005', '12/39', '100', 'CVV tidak valid'],
  ])('refuses %s %s %s with a message, the order stays payable', async (number, expiry, cvv, message) => {
    const { id, link } = await order('cc');
    const res = await form(link, { number, expiry, cvv, action: 'pay' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain(`value="${number}"`);
    expect((await check(id)).result.payment.status).toBe('REQUEST_INITIATED');
  });

  it('AMEX takes a 4-digit CVV; cancel goes to failUrl as FAILURE; without successUrl the page itself says it is paid', async () => {
    const amex = await order('cc');
    expect((await card(amex.link, '378282246310005', { cvv: '1234' })).headers.location).toBe(`${sim.receiver.url}/ok`);
    sim.receiver.received.length = 0;
    const cancelled = await order('cc');
    expect((await form(cancelled.link, { action: 'cancel' })).headers.location).toBe(`${sim.receiver.url}/ko`);
    expect((await check(cancelled.id)).result.payment.status).toBe('FAILURE');
    const bare = await order('cc', (b) => delete b.url.successUrl);
    const res = await card(bare.link, '5123450000000008');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Pembayaran berhasil');
  });

  it('Finpay\'s link of a web checkout or internet-banking order leads on to the provider\'s page; unknown links are a 404 page', async () => {
    const wco = await order('linkajawco');
    const forwarded = await page(wco.link);
    expect(forwarded.status).toBe(303);
    expect(forwarded.headers.location).toMatch(/^\/ewallet\/linkajawco\/pay\?tk=[0-9a-f]{64}$/);
    const ibank = await order('permatanet');
    expect((await page(ibank.link)).headers.location).toMatch(/^\/ibank\/permatanet\/login\?tk=[0-9a-f]{64}$/);
    const unknown = await page(`/pg/payment/card/access/${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Link pembayaran tidak ditemukan');
    const ovo = await order('ovo');
    const ovoToken = sim.instance.ctx.store.getTransaction('FINPAY770', ovo.id)!.token;
    expect((await page(`/pg/payment/card/access/${ovoToken}`)).status).toBe(404);
  });

  it('shopper pages under /pg/payment/card are not gateway requests: the request log leaves them out', async () => {
    const { link } = await order('cc');
    await page(link);
    await page(`/pg/payment/card/v2/access/${'0'.repeat(64)}`);
    await page(`/pg/payment/card/id/v2/access/${'0'.repeat(64)}`);
    const logged = (await page('/_mock/requests')).body.items.map((r: { path: string }) => r.path);
    expect(logged.some((p: string) => p.includes('/access/'))).toBe(false);
    expect(logged).toContain('/pg/payment/card/initiate');
  });
});

describe('payment instructions page (VA, pay code, retail)', () => {
  it('shows the VA number in groups, the bank\'s steps and the simulate button; simulating pays it once', async () => {
    const { id, link, answer } = await order('vabri');
    const res = await page(link);
    expect(res.status).toBe(200);
    expect(res.text).toContain('BRI Virtual Account');
    expect(res.text).toContain(answer.paymentCode.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(res.text).toContain('ATM BRI');
    expect(res.text).toContain('data-testid="simulate-payment"');
    const paid = await form(`${link}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.text).toContain('Pembayaran berhasil');
    expect(paid.text).toContain(`href="${sim.receiver.url}/ok"`);
    const sent = await onlyCallback();
    expect(sent.sourceOfFunds).toEqual({ type: 'vabri', paymentCode: answer.paymentCode });
    expect(sent.result.payment).toMatchObject({ status: 'PAID', channel: '002' });
    const again = await page(link);
    expect(again.status).toBe(409);
    expect(again.text).toContain('PAID');
    expect((await form(`${link}/pay`, {})).status).toBe(409);
    expect((await check(id)).result.payment.status).toBe('PAID');
  });

  it('explains retail and pay codes their own way, in both languages', async () => {
    expect((await page((await order('alfamart')).link)).text).toContain('Kasir Alfamart');
    expect((await page(`${(await order('idm')).link}?lang=en`)).text).toContain('Indomaret cashier');
    expect((await page((await order('finpaycode')).link)).text).toContain('Gerai retail');
  });

  it('shows the expired page once the link has run out, and refuses the payment', async () => {
    const { id, link } = await order('vabtn');
    const tx = sim.instance.ctx.store.getTransaction('FINPAY770', id)!;
    sim.instance.ctx.clock.set(tx.expiresAt + 1);
    const late = await page(link);
    const latePay = await form(`${link}/pay`, {});
    sim.instance.ctx.clock.reset();
    expect(late.status).toBe(410);
    expect(late.text).toContain('kedaluwarsa');
    expect(latePay.status).toBe(410);
    expect((await check(id)).result.payment.status).toBe('EXPIRED');
    // Moving the clock a day on expired every pending order of this file: let their callbacks land first.
    await sim.instance.ctx.scheduler.idle();
    sim.receiver.received.length = 0;
  });
});

describe('QRIS page', () => {
  it('shows the QR image and its payload; "scan" pays it and returns to successUrl', async () => {
    const { id, link, answer } = await order('qris');
    const res = await page(link);
    expect(res.text).toContain(`src="${new URL(answer.imageurl).pathname}"`);
    expect(res.text).toContain(answer.stringQr);
    const scanned = await form(`${link}/scan`, {});
    expect(scanned.headers.location).toBe(`${sim.receiver.url}/ok`);
    expect((await onlyCallback()).result.payment).toMatchObject({ status: 'PAID', channel: 'QRIS' });
    expect((await check(id)).result.payment.status).toBe('PAID');
    expect((await request(sim.instance.server).get(new URL(answer.imageurl).pathname)).status).toBe(200);
  });
});

describe('e-wallet and internet-banking pages', () => {
  it('DANA: prefilled phone, wrong PIN refused, PIN 123456 pays and returns to successUrl', async () => {
    const { id, link } = await order('dana');
    const res = await page(link);
    expect(res.text).toContain('Bayar dengan DANA');
    expect(res.text).toContain('value="+6281286288844"');
    const path = link.split('?')[0]!;
    const tk = new URLSearchParams(link.split('?')[1]).get('tk')!;
    const wrong = await form(path, { tk, account: '081286288844', secret: '000000', action: 'pay' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('PIN salah');
    const paid = await form(path, { tk, account: '081286288844', secret: '123456', action: 'pay' });
    expect(paid.headers.location).toBe(`${sim.receiver.url}/ok`);
    expect((await onlyCallback()).result.payment).toMatchObject({ status: 'PAID', channel: 'DANA' });
    expect((await check(id)).result.payment.status).toBe('PAID');
  });

  it.each([
    ['+6281200000001', 'Saldo ShopeePay Anda tidak mencukupi'],
    ['081200000002', 'Akun ShopeePay Anda diblokir'],
  ])('test account %s is refused: FAILURE with a reason', async (account, reason) => {
    const { id, link } = await order('shopeepay');
    const tk = new URLSearchParams(link.split('?')[1]).get('tk')!;
    const res = await form(link.split('?')[0]!, { tk, account, secret: '123456', action: 'pay' });
    expect(res.text).toContain(reason);
    expect((await check(id)).result.payment.status).toBe('FAILURE');
  });

  it('cancel on a wallet page goes to failUrl as FAILURE; a link under another channel\'s path is a 404 page', async () => {
    const { id, link } = await order('virgo');
    const tk = new URLSearchParams(link.split('?')[1]).get('tk')!;
    expect((await form(link.split('?')[0]!, { tk, action: 'cancel' })).headers.location).toBe(`${sim.receiver.url}/ko`);
    expect((await check(id)).result.payment.status).toBe('FAILURE');
    expect((await page(`/ewallet/dana/pay?tk=${tk}`)).status).toBe(404);
    expect((await page(`/ewallet/vabca/pay?tk=${tk}`)).status).toBe(404);
    expect((await page(`/ibank/dana/login?tk=${tk}`)).status).toBe(404);
  });

  it('OCTO Clicks: user ID and password, then PAID with the bank code as channel', async () => {
    const { id, link } = await order('octoclicks');
    const provider = (await page(link)).headers.location!;
    const tk = new URLSearchParams(provider.split('?')[1]).get('tk')!;
    const res = await page(provider);
    expect(res.text).toContain('Masuk ke OCTO Clicks');
    const bad = await form('/ibank/octoclicks/login', { tk, account: 'a b', secret: '123456', action: 'pay' });
    expect(bad.status).toBe(422);
    const paid = await form('/ibank/octoclicks/login', { tk, account: 'hajar.ismail', secret: '123456', action: 'pay' });
    expect(paid.headers.location).toBe(`${sim.receiver.url}/ok`);
    expect((await onlyCallback()).result.payment).toMatchObject({ status: 'PAID', channel: '022' });
    expect((await check(id)).result.payment.status).toBe('PAID');
  });
});

describe('paylater pages built like Kredivo\'s', () => {
  it.each([['indodana', 'Indodana PayLater'], ['akulaku', 'Akulaku PayLater']])('%s: sign-in, OTP, plan, pay', async (type, name) => {
    const { id, link } = await order(type);
    const tk = new URLSearchParams(link.split('?')[1]).get('tk')!;
    const signin = await page(link);
    expect(signin.text).toContain(`Masuk ke ${name}`);
    expect((await form(`/${type}/v2/signin`, { tk, phone: '+6281286288844', pin: '123456' })).headers.location).toBe(`/${type}/v2/otp?tk=${tk}`);
    expect((await form(`/${type}/v2/otp`, { tk, otp: '4567' })).headers.location).toBe(`/${type}/v2/checkout?tk=${tk}`);
    expect((await page(`/${type}/v2/checkout?tk=${tk}`)).text).toContain('data-testid="plan-6_months"');
    expect((await form(`/${type}/v2/checkout`, { tk, plan: '6_months', action: 'pay' })).headers.location).toBe(`${sim.receiver.url}/ok`);
    expect((await onlyCallback()).result.payment.status).toBe('PAID');
    expect((await check(id)).result.payment.status).toBe('PAID');
    // The Kredivo pages do not open another paylater's order.
    expect((await page(`/kredivo/v2/signin?tk=${tk}`)).status).toBe(404);
  });
});

describe('hosted page (no sourceOfFunds)', () => {
  it('offers only the channels whose rules the order meets, grouped; never OVO (no page)', async () => {
    const { link } = await order(null, (b) => {
      delete b.order.item;
      delete b.billing;
    });
    const res = await page(link);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Pilih metode pembayaran');
    for (const type of ['vabca', 'vamandiri', 'qris', 'cc', 'shopeepay', 'linkajawco', 'alfamart', 'finpaycode', 'octoclicks']) expect(res.text).toContain(`data-testid="channel-${type}"`);
    for (const type of ['kredivo', 'indodana', 'akulaku', 'dana', 'linkaja', 'ovo']) expect(res.text).not.toContain(`data-testid="channel-${type}"`);
    const full = await page((await order(null)).link);
    for (const type of ['kredivo', 'indodana', 'dana', 'linkaja']) expect(full.text).toContain(`data-testid="channel-${type}"`);
    expect(full.text).not.toContain('data-testid="channel-ovo"');
  });

  it('picking a VA continues on its instructions page with a fresh code; picking again switches channel', async () => {
    const { id, link } = await order(null);
    const picked = await form(link, { channel: 'vabca' });
    expect(picked.status).toBe(303);
    const token = link.split('/').pop();
    expect(picked.headers.location).toBe(`/widgetpg/pending/${token}`);
    const afterPick = await check(id);
    expect(afterPick.sourceOfFunds).toEqual({ type: 'vabca', paymentCode: expect.stringMatching(/^38337\d{11}$/) });
    expect((await page(link)).text).toMatch(/data-testid="channel-vabca"[^>]*>[\s\S]*?dipilih/);

    const repicked = await form(`${link}?lang=en`, { channel: 'qris', lang: 'en' });
    expect(repicked.headers.location).toBe(`/qris/${token}?lang=en`);
    expect((await check(id)).sourceOfFunds).toEqual({ type: 'qris' });
    expect((await page(`/widgetpg/pending/${token}`)).status).toBe(404);
    expect((await form(`/qris/${token}/scan`, {})).headers.location).toBe(`${sim.receiver.url}/ok`);
    const sent = await onlyCallback();
    expect(sent.sourceOfFunds).toEqual({ type: 'qris' });
    expect(sent.result.payment.status).toBe('PAID');
    const timeline = (await page(`/_mock/transactions/${id}`)).body.timeline.map((e: { event: string }) => e.event);
    expect(timeline).toEqual(expect.arrayContaining(['channel chosen', 'paid']));
  });

  it('picking Kredivo continues on the Kredivo sign-in with the same token', async () => {
    const { link } = await order(null);
    const token = link.split('/').pop();
    expect((await form(link, { channel: 'kredivo' })).headers.location).toBe(`/kredivo/v2/signin?tk=${token}`);
    expect((await page(`/kredivo/v2/signin?tk=${token}`)).text).toContain('Masuk ke Kredivo');
  });

  it('an unknown choice stays on the page; a card-order link is not a hosted page; merchant values are escaped', async () => {
    const { id, link } = await order(null, (b) => {
      b.order.item[0].name = '<script>alert(1)</script>';
    });
    expect((await form(link, { channel: 'bitcoin' })).headers.location).toBe(link);
    expect((await check(id)).sourceOfFunds).toEqual({ type: '' });
    const res = await page(link);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const cardOrder = await order('cc');
    expect((await page(cardOrder.link.replace('/access/', '/v2/access/'))).status).toBe(404);
  });
});

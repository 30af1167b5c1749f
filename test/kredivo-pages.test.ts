import { describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { useSimulator } from './helpers/suite.js';
import { checkStatus, initiate, kredivoRequest } from './helpers/instance.js';

const sim = useSimulator();

async function newOrder(mutate: (b: Record<string, any>) => void = () => {}) {
  const body = kredivoRequest({ callbackUrl: `${sim.receiver.url}/cb`, successUrl: `${sim.receiver.url}/ok`, failUrl: `${sim.receiver.url}/ko` });
  mutate(body);
  const { body: answer } = await initiate(sim.instance, body);
  const tk = new URL(answer.redirecturl).searchParams.get('tk')!;
  return { body, tk };
}

const page = () => request(sim.instance.server);
const form = (path: string, fields: Record<string, string>) => page().post(path).type('form').send(fields);

async function signIn(tk: string, phone = '+6281286288844') {
  return form('/kredivo/v2/signin', { tk, phone, pin: '123456' });
}

describe('Kredivo checkout pages', () => {
  it('sign-in page shows the order, prefilled phone, test hints, and data-testids', async () => {
    const { tk } = await newOrder();
    const res = await page().get(`/kredivo/v2/signin?tk=${tk}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('value="+6281286288844"');
    expect(res.text).toContain('data-testid="pin-input"');
    expect(res.text).toContain('Rp 200');
    expect(res.text).toContain('Masuk ke Kredivo');
    const en = await page().get(`/kredivo/v2/signin?tk=${tk}&lang=en`);
    expect(en.text).toContain('Sign in to Kredivo');
  });

  it('pay flow: PIN → OTP → plan → pay ends on successUrl, PAID is stored before the one signed callback', async () => {
    const { body, tk } = await newOrder();
    const wrongPin = await form('/kredivo/v2/signin', { tk, phone: '+6281286288844', pin: '000000' });
    expect(wrongPin.status).toBe(422);
    expect(wrongPin.text).toContain('data-testid="error"');

    const signedIn = await signIn(tk);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe(`/kredivo/v2/otp?tk=${tk}`);
    const otpPage = await page().get(signedIn.headers.location!);
    expect(otpPage.text).toContain('+62812****8844');

    const wrongOtp = await form('/kredivo/v2/otp', { tk, otp: '1111' });
    expect(wrongOtp.status).toBe(422);
    expect(wrongOtp.text).toMatch(/Sisa percobaan: 2/);
    const otp = await form('/kredivo/v2/otp', { tk, otp: '4567' });
    expect(otp.headers.location).toBe(`/kredivo/v2/checkout?tk=${tk}`);

    const plans = await page().get(otp.headers.location!);
    for (const id of ['30_days', '3_months', '6_months', '12_months']) expect(plans.text).toContain(`data-testid="plan-${id}"`);
    expect(plans.text).toContain('data-testid="order-item-1"');

    let statusSeenByReceiver = '';
    sim.receiver.reply = (_req, res) => {
      void checkStatus(sim.instance, body.order.id).then((c) => {
        statusSeenByReceiver = c.body.data.result.payment.status;
        res.writeHead(200).end('OK');
      });
    };
    const paid = await form('/kredivo/v2/checkout', { tk, plan: '3_months', action: 'pay' });
    expect(paid.status).toBe(303);
    expect(paid.headers.location).toBe(`${sim.receiver.url}/ok`);
    const [callback] = await sim.receiver.waitFor(1);
    // The sim.receiver asked check-status while handling the callback: the new state was already stored.
    await vi.waitFor(() => expect(statusSeenByReceiver).toBe('PAID'));
    const sent = JSON.parse(callback!.body);
    expect(sent.result.payment.status).toBe('PAID');
    expect(sent.result.payment.amount).toBe(200);
    expect(sent.order.reference).toMatch(/^[0-9a-f-]{36}$/);
    expect(callback!.headers['x-external-id']).toBe(sent.order.reference);
    const check = await checkStatus(sim.instance, body.order.id);
    expect(check.body.data.result.payment.status).toBe('PAID');
    expect(check.body.data.order.reference).toBe(sent.order.reference);
    expect(check.body.data.result.payment.reference).toBe(sent.result.payment.reference);
    expect(check.body.data.result.payment.datetime).toBe(sent.result.payment.datetime);
    sim.receiver.reply = (_req, res) => res.writeHead(200).end();
  });

  it('cancel on the plan page ends in FAILURE on failUrl', async () => {
    const { body, tk } = await newOrder();
    await signIn(tk);
    await form('/kredivo/v2/otp', { tk, otp: '4567' });
    const cancelled = await form('/kredivo/v2/checkout', { tk, action: 'cancel' });
    expect(cancelled.headers.location).toBe(`${sim.receiver.url}/ko`);
    const [callback] = await sim.receiver.waitFor(1);
    expect(JSON.parse(callback!.body).result.payment.status).toBe('FAILURE');
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('FAILURE');
  });

  it('three wrong OTPs fail the payment', async () => {
    const { body, tk } = await newOrder();
    await signIn(tk);
    await form('/kredivo/v2/otp', { tk, otp: '1' });
    await form('/kredivo/v2/otp', { tk, otp: '2' });
    const third = await form('/kredivo/v2/otp', { tk, otp: '3' });
    expect(third.text).toContain('data-testid="back-to-merchant"');
    expect(third.text).toContain(`href="${sim.receiver.url}/ko"`);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('FAILURE');
  });

  it.each([
    ['+6281200000001', 'Limit Kredivo Anda tidak mencukupi'],
    ['081200000002', 'Akun Kredivo Anda diblokir'],
  ])('test shopper %s is refused: FAILURE with a reason', async (phone, reason) => {
    const { body, tk } = await newOrder();
    const res = await signIn(tk, phone);
    expect(res.text).toContain(reason);
    expect((await checkStatus(sim.instance, body.order.id)).body.data.result.payment.status).toBe('FAILURE');
  });

  it('steps cannot be skipped: the plan page before the OTP sends the shopper back to the current step', async () => {
    const { tk } = await newOrder();
    const res = await form('/kredivo/v2/checkout', { tk, action: 'pay' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/kredivo/v2/signin?tk=${tk}`);
  });

  it('unknown, used and expired tokens show a clear page and change nothing', async () => {
    const unknown = await page().get('/kredivo/v2/signin?tk=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Link pembayaran tidak ditemukan');
    expect((await page().get('/kredivo/v2/signin')).status).toBe(404);

    const used = await newOrder();
    await signIn(used.tk);
    await form('/kredivo/v2/otp', { tk: used.tk, otp: '4567' });
    await form('/kredivo/v2/checkout', { tk: used.tk, action: 'pay' });
    const again = await page().get(`/kredivo/v2/signin?tk=${used.tk}`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('PAID');
    const payAgain = await form('/kredivo/v2/checkout', { tk: used.tk, action: 'cancel' });
    expect(payAgain.status).toBe(409);
    expect((await checkStatus(sim.instance, used.body.order.id)).body.data.result.payment.status).toBe('PAID');

    const expired = await newOrder();
    const tx = sim.instance.ctx.store.getTransaction('FINPAY770', expired.body.order.id)!;
    sim.instance.ctx.clock.set(tx.expiresAt + 1);
    const late = await page().get(`/kredivo/v2/signin?tk=${expired.tk}`);
    sim.instance.ctx.clock.reset();
    expect(late.status).toBe(410);
    expect(late.text).toContain('kedaluwarsa');
    const lateSignIn = await signIn(expired.tk);
    expect(lateSignIn.status).toBe(410);
    expect((await checkStatus(sim.instance, expired.body.order.id)).body.data.result.payment.status).toBe('EXPIRED');
  });

  it('escapes every merchant-supplied value', async () => {
    const { tk } = await newOrder((b) => {
      b.order.item[0].name = '<script>alert(1)</script>';
      b.customer.mobilePhone = '+6281286288844';
    });
    await signIn(tk);
    await form('/kredivo/v2/otp', { tk, otp: '4567' });
    const res = await page().get(`/kredivo/v2/checkout?tk=${tk}`);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('records the checkout steps in the timeline at /_mock/transactions/{orderId}', async () => {
    const { body, tk } = await newOrder();
    await page().get(`/kredivo/v2/signin?tk=${tk}`);
    await signIn(tk);
    await form('/kredivo/v2/otp', { tk, otp: '4567' });
    await form('/kredivo/v2/checkout', { tk, action: 'pay' });
    await sim.receiver.waitFor(1);
    await sim.instance.ctx.scheduler.idle();
    const res = await page().get(`/_mock/transactions/${body.order.id}`);
    expect(res.status).toBe(200);
    expect(res.body.timeline.map((e: { event: string }) => e.event)).toEqual([
      'initiated', 'checkout opened', 'signed in', 'OTP accepted', 'paid', 'callback attempt 1',
    ]);
    expect(res.body.callbacks).toHaveLength(1);
    expect(res.body.callbacks[0].state).toBe('delivered');
    expect(res.body.callbacks[0].attempts[0]).toMatchObject({ n: 1, statusCode: 200, delivered: true });
    const missing = await page().get('/_mock/transactions/none');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

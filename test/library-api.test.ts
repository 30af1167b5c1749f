import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signCallback, startFinnetMock, verifyCallback, type CallbackBody, type FinnetMock, type Scenario, type StartOptions,
} from '../server/index.js';
import { kredivoRequest } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

async function initiateOn(mock: FinnetMock, body: Record<string, unknown>) {
  const res = await fetch(`${mock.url}/pg/payment/card/initiate`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: mock.merchant.authorization }, body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

describe('startFinnetMock options', () => {
  it.each<[StartOptions, RegExp]>([
    [{ port: 'abc' }, /^finnet-mock: option port: port must be a whole number from 0 to 65535, got "abc"$/],
    [{ callbackRetries: '5s,soon' }, /option callbackRetries: callback retry "soon" must be a duration such as 5s, 2m or 1h/],
    [{ callbackRetries: [5000, -1] }, /option callbackRetries: callback retry "-1ms" must be a duration/],
    [{ callbackTimeout: '10 years' }, /option callbackTimeout: callback timeout "10 years" must be from 1 to 300 seconds/],
    [{ callbackTimeout: 999_999 }, /callback timeout "999999ms" must be from 1 to 300 seconds/],
    [{ merchants: ['nokey'] }, /option merchants: merchant "nokey:…" must be written id:key/],
    [{ logLevel: 'loud' as never }, /option logLevel: log level "loud" must be one of/],
    [{ logFormat: 'xml' as never }, /option logFormat: .*xml/],
    [{ callbackStatuses: ['PAID', 'DONE' as never] }, /option callbackStatuses: callback status "DONE" must be one of/],
    [{ seed: { deep: 1 } as never }, /option seed: must be written as for --seed/],
    [{ callbackTimeoutMs: 500 } as never, /unknown option callbackTimeoutMs \(options: port, host/],
  ])('refuses %j with one line naming the option', async (options, message) => {
    const error = await startFinnetMock(options).then(() => null, (err: Error) => err);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });

  it('takes the flags\' forms: text durations, words, milliseconds and id:key', async () => {
    const mock = await startFinnetMock({ port: '0', merchants: 'SHOP1:k1,SHOP2:k2', callbackRetries: ['2s', 1500, '1 minute'], callbackTimeout: '2 seconds', seed: 42 });
    try {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(mock.merchants.map((m) => m.id)).toEqual(['SHOP1', 'SHOP2']);
      const receiver = await new CallbackReceiver().start();
      try {
        receiver.reply = (_req, res) => res.writeHead(503).end();
        await initiateOn(mock, kredivoRequest({ id: 'OPT-1', callbackUrl: `${receiver.url}/cb` }));
        await mock.pay('OPT-1');
        await mock.waitForCallbackAttempt('OPT-1', { delivered: false });
        const pending = mock.transaction('OPT-1')!.callbacks[0]!;
        // The first retry is 2 s after the failed attempt, on the virtual clock.
        expect(Date.parse(pending.nextAttemptAt!) - Date.parse(pending.attempts[0]!.at)).toBe(2000);
      } finally {
        await receiver.stop();
      }
    } finally {
      await mock.stop();
    }
  });
});

describe('the handle', () => {
  let mock: FinnetMock;
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    [mock, receiver] = await Promise.all([startFinnetMock({ callbackRetries: 'none' }), new CallbackReceiver().start()]);
  });
  afterAll(async () => {
    await Promise.all([mock.stop(), receiver.stop()]);
  });

  it('hands out copies: changing them does not change the simulator', async () => {
    await initiateOn(mock, kredivoRequest({ id: 'COPY-1', callbackUrl: `${receiver.url}/cb` }));
    const paid = await mock.pay('COPY-1');
    paid.status = 'EXPIRED';
    (paid.request.order as { amount: string }).amount = '1';
    const [listed] = mock.transactions();
    listed!.timeline.length = 0;
    const callback = await mock.waitForCallback('COPY-1');
    callback.headers['x-signature'] = 'changed';
    callback.attempts.length = 0;
    const again = mock.transaction('COPY-1')!;
    expect(again.status).toBe('PAID');
    expect((again.request.order as { amount: string }).amount).toBe('200');
    expect(again.timeline.length).toBeGreaterThan(0);
    expect(again.callbacks[0]!.headers['x-signature']).not.toBe('changed');
    expect(again.callbacks[0]!.attempts).toHaveLength(1);
  });

  it('waitForCallback gives the parsed body, typed, and verifyCallback accepts what the receiver got', async () => {
    await initiateOn(mock, kredivoRequest({ id: 'SIGN-1', callbackUrl: `${receiver.url}/cb` }));
    await mock.pay('SIGN-1');
    const { json, body } = await mock.waitForCallback('SIGN-1', { status: 'PAID' });
    const typed: CallbackBody = json;
    expect(typed.order.id).toBe('SIGN-1');
    expect(typed.result.payment.status).toBe('PAID');
    const raw = receiver.received.find((r) => r.body === body)!.body;
    expect(verifyCallback(raw, mock.merchant.key)).toBe(true);
    expect(verifyCallback(Buffer.from(raw), mock.merchant.key)).toBe(true);
    expect(signCallback(json as unknown as Record<string, unknown>, mock.merchant.key)).toBe(json.signature);
  });

  it('verifyCallback is false, never a throw, for a wrong key, a changed body or garbage', () => {
    const fields = { merchant: { id: 'FINPAY770' }, order: { id: 'V-1', amount: 1000 }, meta: { data: { url: 'https://shop.example/é' } } };
    const key = 'SoSecret123';
    const body = JSON.stringify({ ...fields, signature: signCallback(fields, key) });
    // JSON.stringify writes "/" and "é" unescaped: only the PHP re-encoding check can accept it.
    expect(verifyCallback(body, key)).toBe(true);
    expect(verifyCallback(body, 'OtherKey')).toBe(false);
    expect(verifyCallback(body.replace('1000', '1001'), key)).toBe(false);
    for (const junk of ['', 'null', '[]', '{"signature":1}', '{"a":1', '{"a":1,"signature":"abc"}']) expect(verifyCallback(junk, key)).toBe(false);
    expect(verifyCallback(undefined as never, key)).toBe(false);
    expect(verifyCallback(body, undefined as never)).toBe(false);
    expect(() => signCallback(null as never, key)).toThrow('finnet-mock: signCallback needs the callback fields as an object');
  });

  it('waitForCallbackAttempt({delivered: false}) resolves on the first failed attempt, without waiting for a timeout', async () => {
    receiver.reply = (_req, res) => res.writeHead(500).end('down');
    await initiateOn(mock, kredivoRequest({ id: 'NEG-1', callbackUrl: `${receiver.url}/cb` }));
    await mock.fail('NEG-1');
    const { callback, attempt } = await mock.waitForCallbackAttempt('NEG-1', { delivered: false, status: 'FAILURE' });
    expect(attempt).toMatchObject({ n: 1, delivered: false, statusCode: 500 });
    expect(callback.json.result.payment.status).toBe('FAILURE');
    await expect(mock.waitForCallback('NEG-1', { timeoutMs: 50 })).rejects.toThrow('finnet-mock: no delivered callback for order NEG-1 within 50 ms');
    await expect(mock.waitForCallbackAttempt('NOPE', { delivered: false, timeoutMs: 50 })).rejects.toThrow('no failed callback attempt for order NOPE');
  });

  it('addScenario takes the file format, one or a list, and refuses a bad one in one line', async () => {
    const scenarios: Scenario[] = [
      { name: 'lib-expire', match: { amount: 4242 }, effects: { expiry: '2m' } },
      { name: 'lib-pay', match: { amount: 4343 }, effects: { outcome: { action: 'pay', after: '30s' } } },
      // Every effect kind is typed: faults per operation (one or a sequence, delays as ranges) and outcome chains.
      {
        name: 'lib-faults', match: { amount: 4444 },
        effects: { faults: { check: [{ httpStatus: 504, delay: '10ms..20ms' }, {}], any: { rate: 0.5, responseCode: '5000000' } }, outcome: { sequence: ['fail', 'pay'] } },
      },
    ];
    mock.addScenario(scenarios);
    const body = kredivoRequest({ id: 'SCN-1' });
    body.order.amount = '4242';
    body.order.item = [{ name: 'x', quantity: '1', unitPrice: '4242', url: 'https://finpay.id' }];
    await initiateOn(mock, body);
    const tx = mock.transaction('SCN-1')!;
    expect(tx.scenario).toBe('lib-expire');
    expect(Date.parse(tx.expiresAt) - Date.parse(tx.createdAt)).toBe(120_000);
    expect(() => mock.addScenario({ name: 'bad', effects: { expiry: 'soon' } })).toThrow(/^finnet-mock: invalid scenario: /);
  });
});

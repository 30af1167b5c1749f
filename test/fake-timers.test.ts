import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFinnetMock, type FinnetMock } from '../server/index.js';
import { kredivoRequest } from './helpers/instance.js';
import { CallbackReceiver, replyOk } from './helpers/receiver.js';

// Everything vitest can fake in its default (forks) pool; nextTick only in threads.
const EVERYTHING = ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'Date', 'performance', 'queueMicrotask', 'hrtime'] as const;

/** A POST over node:http, as axios and most merchant clients send it (Node's own fetch stops under a faked queueMicrotask). */
function post(url: string, authorization: string, body: unknown, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'Content-Type': 'application/json', Authorization: authorization } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('a test that fakes every timer', () => {
  let mock: FinnetMock;
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    [mock, receiver] = await Promise.all([startFinnetMock({ callbackRetries: '5s' }), new CallbackReceiver().start()]);
  });
  afterEach(() => {
    vi.useRealTimers();
    receiver.reply = replyOk;
  });
  afterAll(async () => {
    await Promise.all([mock.stop(), receiver.stop()]);
  });

  it('still gets initiate, pay, the callback and clock moves answered', async () => {
    vi.useFakeTimers({ toFake: [...EVERYTHING], now: new Date('2001-01-01T00:00:00Z') });
    const initiated = await post(`${mock.url}/pg/payment/card/initiate`, mock.merchant.authorization, kredivoRequest({ id: 'FAKE-1', callbackUrl: `${receiver.url}/cb` }));
    expect(initiated.status).toBe(200);
    expect((await mock.pay('FAKE-1')).status).toBe('PAID');
    const callback = await mock.waitForCallback('FAKE-1', { status: 'PAID' });
    expect(callback.attempts[0]?.statusCode).toBe(200);
    // The simulator's time is real time, not the test's faked 2001.
    expect(new Date(callback.createdAt).getUTCFullYear()).toBeGreaterThan(2020);
    await mock.advanceClock('1h');
    expect(mock.transaction('FAKE-1')?.status).toBe('PAID');
  });

  it('answers the control API over HTTP too, its own routes and those of the record kinds', async () => {
    vi.useFakeTimers({ toFake: [...EVERYTHING] });
    await post(`${mock.url}/pg/payment/card/initiate`, mock.merchant.authorization, kredivoRequest({ id: 'FAKE-3', callbackUrl: `${receiver.url}/cb` }));
    expect((await post(`${mock.url}/_mock/transactions/FAKE-3/pay`, '', {})).body.status).toBe('PAID');
    expect((await post(`${mock.url}/_mock/transactions/FAKE-3`, '', undefined, 'GET')).body.status).toBe('PAID');
    expect((await post(`${mock.url}/_mock/subscriptions`, '', undefined, 'GET')).body.items).toEqual([]);
    expect((await post(`${mock.url}/_mock/health`, '', undefined, 'GET')).status).toBe(200);
  });

  it('retries a failed callback when the clock is advanced, with the test\'s timers still faked', async () => {
    vi.useFakeTimers({ toFake: [...EVERYTHING] });
    receiver.reply = (_req, res) => res.writeHead(500).end();
    await post(`${mock.url}/pg/payment/card/initiate`, mock.merchant.authorization, kredivoRequest({ id: 'FAKE-2', callbackUrl: `${receiver.url}/cb` }));
    await mock.fail('FAKE-2');
    const { attempt } = await mock.waitForCallbackAttempt('FAKE-2', { delivered: false });
    expect(attempt.statusCode).toBe(500);
    receiver.reply = replyOk;
    await mock.advanceClock('5s');
    expect((await mock.waitForCallback('FAKE-2')).attempts.map((a) => a.statusCode)).toEqual([500, 200]);
  });
});

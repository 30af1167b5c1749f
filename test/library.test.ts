import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFinnetMock, type FinnetMock } from '../server/index.js';
import { kredivoRequest } from './helpers/instance.js';

async function initiateOn(mock: FinnetMock, body: Record<string, unknown>) {
  const res = await fetch(`${mock.url}/pg/payment/card/initiate`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: mock.merchant.authorization }, body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('startFinnetMock', () => {
  let a: FinnetMock;
  let b: FinnetMock;
  beforeAll(async () => {
    [a, b] = await Promise.all([startFinnetMock(), startFinnetMock({ merchants: ['SHOP9:key9'] })]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it('gives two instances in one process separate ports, merchants, data and clocks', async () => {
    expect(a.url).not.toBe(b.url);
    expect(a.merchant).toMatchObject({ id: 'FINPAY770', key: 'SoSecret123', authorization: 'Basic RklOUEFZNzcwOlNvU2VjcmV0MTIz' });
    expect(b.merchant.id).toBe('SHOP9');
    const body = kredivoRequest({ id: 'SAME-ID' });
    expect((await initiateOn(a, body)).status).toBe(200);
    expect((await initiateOn(b, body)).status).toBe(200);
    await a.pay('SAME-ID');
    b.clock.freeze();
    await b.advanceClock('20m');
    expect(a.transaction('SAME-ID')).toMatchObject({ status: 'PAID' });
    expect(b.transaction('SAME-ID')).toMatchObject({ status: 'EXPIRED' });
    expect(Math.abs(a.clock.now() - Date.now())).toBeLessThan(1000);
    expect(a.transactions()).toHaveLength(1);
  });

  it('explains what went wrong in plain words', async () => {
    await expect(a.pay('NOPE')).rejects.toThrow('finnet-mock: no order NOPE');
    await initiateOn(a, kredivoRequest({ id: 'TWICE' }));
    await a.fail('TWICE');
    await expect(a.pay('TWICE')).rejects.toThrow('finnet-mock: cannot pay order TWICE: it is FAILURE');
    await expect(a.advanceClock('soon')).rejects.toThrow(/not an amount of time/);
    expect(() => a.addScenario({ name: 'bad', effects: {} })).toThrow();
  });

  it('reset forgets orders, runtime scenarios and clock moves', async () => {
    await initiateOn(a, kredivoRequest({ id: 'GONE' }));
    a.addScenario({ name: 'tmp', match: { amount: 1 }, effects: { expiry: '1m' } });
    a.clock.freeze();
    await a.reset();
    expect(a.transaction('GONE')).toBeUndefined();
    expect(Math.abs(a.clock.now() - Date.now())).toBeLessThan(1000);
  });
});

describe('--seed', () => {
  it('makes tokens, references and trace ids identical for the same requests', async () => {
    const run = async () => {
      const mock = await startFinnetMock({ seed: 'snapshot' });
      try {
        const first = await initiateOn(mock, kredivoRequest({ id: 'SEED-1' }));
        const bad = await initiateOn(mock, { ...kredivoRequest({ id: 'SEED-2' }), customer: {} });
        await mock.pay('SEED-1');
        const tx = mock.transaction('SEED-1') as { reference: string };
        return [first.body.redirecturl!.replace(mock.url.replace('127.0.0.1', 'localhost'), ''), bad.body.traceId, tx.reference];
      } finally {
        await mock.stop();
      }
    };
    const [one, two] = [await run(), await run()];
    expect(one).toEqual(two);
    const other = await startFinnetMock({ seed: 'other' });
    try {
      const res = await initiateOn(other, kredivoRequest({ id: 'SEED-1' }));
      expect(res.body.redirecturl!.split('tk=')[1]).not.toBe(one[0]!.split('tk=')[1]);
    } finally {
      await other.stop();
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import { placeOrder, startTestInstance } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

const HANGING = 10;
// Each hanging receiver holds its attempt this long: serialised, ten of them would hold an advance 20 s.
const CALLBACK_TIMEOUT_MS = 2_000;

let instance: Instance;
let healthy: CallbackReceiver;
const hanging: Server[] = [];

/** A receiver that accepts the connection and never answers. */
async function hangingReceiver(): Promise<string> {
  const server = createServer(() => {});
  hanging.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
}

const control = () => request(instance.server);
const json = (path: string, body: unknown) => control().post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));

beforeAll(async () => {
  instance = await startTestInstance({ callbackTimeoutMs: CALLBACK_TIMEOUT_MS });
  healthy = await new CallbackReceiver().start();
});

afterAll(async () => {
  await instance?.stop();
  await healthy?.stop();
  for (const server of hanging) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('one clock advance with hanging callback receivers', () => {
  it('starts every due job at its own virtual time without waiting for the slow ones: a healthy receiver is not held up', async () => {
    await json('/_mock/clock', { action: 'freeze' }).expect(200);
    await json('/_mock/scenarios', { name: 'pays-later', match: { merchant: 'FINPAY770' }, effects: { outcome: { action: 'pay', after: '2s' } } }).expect(201);
    const start = instance.ctx.clock.now();
    for (let i = 0; i < HANGING; i++) await placeOrder(instance, await hangingReceiver());
    const healthyOrder = await placeOrder(instance, `${healthy.url}/cb`);

    const before = Date.now();
    await json('/_mock/clock', { action: 'advance', by: '5s' }).expect(200);
    const took = Date.now() - before;
    const [callback] = await healthy.waitFor(1, 1_500);

    expect(took).toBeLessThan(1_500);
    expect(callback!.receivedAt - before).toBeLessThan(1_500);
    expect(instance.ctx.clock.now()).toBe(start + 5_000);
    // Started at the virtual time it was due (the scheduled payment), not at the end of the advance.
    const [delivery] = instance.ctx.store.deliveriesOf('FINPAY770', healthyOrder);
    expect(delivery!.attempts[0]).toMatchObject({ at: start + 2_000, delivered: true });
    expect(JSON.parse(callback!.body).result.payment.status).toBe('PAID');
  });
});

describe('clock advances asked for at once', () => {
  it('add up: three advances of a day each move the clock three days, running what falls due on the way', async () => {
    await json('/_mock/clock', { action: 'freeze' }).expect(200);
    const start = instance.ctx.clock.now();
    // A job due between the first and the second day keeps each advance busy while the others wait their turn.
    let ranAt: number | undefined;
    instance.ctx.scheduler.schedule('test:between-days', start + 36 * 3_600_000, async () => {
      ranAt = instance.ctx.clock.now();
    });
    const answers = await Promise.all([1, 2, 3].map(() => json('/_mock/clock', { action: 'advance', by: '1d' })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(instance.ctx.clock.now()).toBe(start + 3 * 86_400_000);
    expect(ranAt).toBe(start + 36 * 3_600_000);
    const calendar = await Promise.all([1, 2].map(() => json('/_mock/clock', { action: 'advance', by: '1 month' })));
    expect(calendar.map((a) => a.status)).toEqual([200, 200]);
    const after = new Date(instance.ctx.clock.now());
    const expected = new Date(start + 3 * 86_400_000);
    expect((after.getUTCFullYear() - expected.getUTCFullYear()) * 12 + after.getUTCMonth() - expected.getUTCMonth()).toBe(2);
  });
});

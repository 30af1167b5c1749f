import request from 'supertest';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Config } from '../../server/model/config.js';
import type { Instance } from '../../server/instance.js';
import { startTestInstance } from './instance.js';
import { CallbackReceiver, replyOk } from './receiver.js';

export interface Simulator {
  instance: Instance;
  receiver: CallbackReceiver;
}

export interface SimulatorOptions {
  /** Settings on top of the test defaults (in memory, two merchants, seed 7): a data file path, flags, merchants. */
  config?: Partial<Config>;
  /** Reset the simulator before each test. */
  reset?: boolean;
  /** Receives every log line at debug level (silent otherwise). */
  log?: (line: string) => void;
}

/**
 * One simulator and one merchant callback receiver for a test file. Before each test the receiver has
 * received nothing and answers 200; with `reset`, the simulator is reset too.
 */
export function useSimulator(options: SimulatorOptions = {}): Simulator {
  const sim = {} as Simulator;
  beforeAll(async () => {
    sim.instance = await startTestInstance(options.config, options.log);
    sim.receiver = await new CallbackReceiver().start();
  });
  afterAll(async () => {
    await sim.instance?.stop();
    await sim.receiver?.stop();
  });
  beforeEach(async () => {
    sim.receiver.received.length = 0;
    sim.receiver.reply = replyOk;
    if (options.reset) await request(sim.instance.server).post('/_mock/reset').expect(200);
  });
  return sim;
}

export interface ClockView {
  now: string;
  epochMs: number;
  frozen: boolean;
  pendingJobs: number;
}

/** Moves the virtual clock through the control API (`freeze`, `resume`, `reset`, `set` with `to`, `advance` with `by`). */
export async function moveClock(instance: Instance, body: { action: string; to?: number | string; by?: number | string }): Promise<ClockView> {
  const res = await request(instance.server).post('/_mock/clock').send(body).expect(200);
  return res.body as ClockView;
}

/** An order as the control API shows it, or undefined when it has none (404). */
export async function mockTransaction(instance: Instance, orderId: string, merchantId?: string): Promise<Record<string, any> | undefined> {
  const res = await request(instance.server).get(`/_mock/transactions/${encodeURIComponent(orderId)}`).query(merchantId ? { merchantId } : {});
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET /_mock/transactions/${orderId}: ${res.status} ${res.text}`);
  return res.body as Record<string, any>;
}

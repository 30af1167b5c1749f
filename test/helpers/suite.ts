import request from 'supertest';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Config } from '../../server/config.js';
import type { Instance } from '../../server/instance.js';
import { startTestInstance } from './instance.js';
import { CallbackReceiver, replyOk } from './receiver.js';

export interface Simulator {
  instance: Instance;
  receiver: CallbackReceiver;
}

/**
 * One simulator and one merchant callback receiver for a test file. Before each test the receiver has
 * received nothing and answers 200; with `reset`, the simulator is reset too.
 */
export function useSimulator(options: { config?: Partial<Config>; reset?: boolean } = {}): Simulator {
  const sim = {} as Simulator;
  beforeAll(async () => {
    sim.instance = await startTestInstance(options.config);
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

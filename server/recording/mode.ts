import type { Config } from '../model/config.js';
import type { AppContext } from '../operations/context.js';
import type { GatewayHook } from '../gateway/routes.js';
import { CassetteError, emptyCassette, readCassette } from './cassette.js';
import { Recorder } from './recorder.js';
import { Replayer } from './replayer.js';

/** A simulator started beside this one, for the drift report. */
export interface Shadow {
  url: string;
  stop(): Promise<void>;
}

export interface RecordingMode {
  hook: GatewayHook;
  stop(): Promise<void>;
}

/**
 * The settings of the throw-away simulator the recorder compares with: this one's behaviour, in memory, on a
 * free loopback port, sending no callbacks (the real gateway sends those), never recording itself.
 */
export function shadowConfig(config: Config): Config {
  const { recordFrom: _record, replay: _replay, latency: _latency, adminToken: _token, ...rest } = config;
  return { ...rest, port: 0, host: '127.0.0.1', db: ':memory:', callbackStatuses: [], allowedHosts: [] };
}

/** The gateway hook of `--record-from` or `--replay`, or none; a bad cassette is a CassetteError. */
export async function recordingMode(ctx: AppContext, config: Config, startShadow: (config: Config) => Promise<Shadow>): Promise<RecordingMode | undefined> {
  if (config.recordFrom && config.replay) throw new CassetteError('--record-from and --replay cannot be used together: record first, then replay the cassette');
  if (config.replay) {
    const replayer = new Replayer(ctx, readCassette(config.replay));
    ctx.logger.info(`replaying ${config.replay} for matching gateway requests`);
    return { hook: { wrap: replayer.wrap }, stop: async () => {} };
  }
  if (!config.recordFrom) return undefined;
  // An existing cassette is added to (and refused, untouched, if broken) before anything is started.
  const upstream = config.recordFrom;
  const cassette = readCassette(config.cassette, () => emptyCassette(upstream));
  const shadow = await startShadow(shadowConfig(config));
  const recorder = new Recorder(ctx, { upstream, file: config.cassette, shadowUrl: shadow.url }, cassette);
  ctx.logger.info(`recording the gateway API from ${config.recordFrom} into ${config.cassette}`);
  return { hook: { front: recorder.front }, stop: () => shadow.stop() };
}

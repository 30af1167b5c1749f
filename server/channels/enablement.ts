import type { Config } from '../config.js';

/** Whether the merchant may use the channel (not switched off with --disable-channel for it or for every merchant). */
export function channelEnabled(config: Config, merchantId: string, type: string): boolean {
  return !config.disabledChannels.some((d) => d.type === type && (d.merchantId === '*' || d.merchantId === merchantId));
}

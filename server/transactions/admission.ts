import type { Config } from '../model/config.js';
import type { Channel } from '../channels/table.js';
import type { EarlierMatch, ScenarioRegistry } from '../scenarios/registry.js';
import type { InitiateRequest } from '../model/initiate-request.js';
import type { Scenario } from '../model/scenario.js';

/** Why an initiate is not admitted; the gateway answers each with its response code. */
export type AdmissionRefusal = 'channel-disabled' | 'callback-host' | 'unknown-scenario';

export type Admission = { ok: true; scenario?: Scenario } | { ok: false; refusal: AdmissionRefusal };

interface AdmissionRules {
  config: Pick<Config, 'disabledChannels' | 'callbackHosts'>;
  scenarios: ScenarioRegistry;
}

/** Whether the merchant may use the channel (not switched off with --disable-channel for it or for every merchant). */
export function channelEnabled(config: Pick<Config, 'disabledChannels'>, merchantId: string, type: string): boolean {
  return !config.disabledChannels.some((d) => d.type === type && (d.merchantId === '*' || d.merchantId === merchantId));
}

/**
 * Whether a callback URL's host is one the operator allows (`--callback-hosts`): exact names, or
 * `*.example.com` for any subdomain. With no list every http(s) host is allowed.
 */
export function callbackHostAllowed(url: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowed.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
}

/**
 * The rules a valid initiate must pass before it is stored, in the order they are checked: the channel is
 * enabled, the callback host allowed, and the scenario it names (if any) exists. The first scenario that
 * matches shapes the order otherwise (`earlier`'s, when the gateway matched the same input already). Duplicates and
 * replays are decided when the order is stored.
 */
export function admit(rules: AdmissionRules, merchantId: string, request: InitiateRequest, channel: Channel, requested?: string, earlier?: EarlierMatch): Admission {
  if (!channelEnabled(rules.config, merchantId, channel.type)) return { ok: false, refusal: 'channel-disabled' };
  if (!callbackHostAllowed(request.url.callbackUrl ?? '', rules.config.callbackHosts)) return { ok: false, refusal: 'callback-host' };
  const { order, customer } = request;
  const scenario = rules.scenarios.match({
    merchantId, channel: channel.type, amount: order.amount, orderId: order.id,
    email: customer.email ?? '', phone: customer.mobilePhone ?? '',
    ...(requested === undefined ? {} : { requested }),
  }, earlier);
  if (requested !== undefined && !scenario) return { ok: false, refusal: 'unknown-scenario' };
  return scenario ? { ok: true, scenario } : { ok: true };
}

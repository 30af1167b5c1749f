import { acceptedTypes, channelOf } from './channels/table.js';
import { durationText, parseDuration } from './support/duration.js';
import { parseDurationRange, type DurationRange } from './support/duration-range.js';
import { SCENARIO_DIR } from './support/paths.js';
import type { Config, DisabledChannel, Merchant } from './model/config.js';
import { FINAL_STATUSES, type PaymentStatus } from './model/transaction.js';
import { FAILURE_WORDS, type FailureWord } from './model/scenario.js';
import { readPrivateKeyPem } from './callbacks/snap-signature.js';
import { canonicalStatus } from './callbacks/status-words.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './support/logger.js';

export class ConfigError extends Error {}

export const DEFAULT_MERCHANT: Merchant = { id: 'FINPAY770', key: 'SoSecret123' };

interface Setting<K extends keyof Config> {
  key: K;
  flag: string;
  env: string;
  help: string;
  /** Repeatable flags collect every value. */
  repeatable?: boolean;
  /** The library option's name, when it is not the `Config` key. */
  option?: string;
  /** A library option given as a number is milliseconds (else the number is written as the flag's text). */
  duration?: boolean;
  parse(values: string[]): Config[K];
}

function last(values: string[]): string {
  return values[values.length - 1]!;
}

function integerIn(name: string, min: number, max: number) {
  return (values: string[]): number => {
    const text = last(values).trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return n;
  };
}

function parseMerchants(values: string[]): Merchant[] {
  const merchants = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean).map((pair) => {
    const match = /^([A-Za-z0-9_-]{1,64}):(\S{1,256})$/.exec(pair);
    if (!match) throw new ConfigError(`merchant "${pair.split(':')[0]}:…" must be written id:key (id of letters, digits, - or _; key without spaces)`);
    return { id: match[1]!, key: match[2]! };
  });
  if (merchants.length === 0) throw new ConfigError('merchant list is empty; give at least one id:key');
  const ids = new Set<string>();
  for (const m of merchants) {
    if (ids.has(m.id)) throw new ConfigError(`merchant ${m.id} is given twice`);
    ids.add(m.id);
  }
  return merchants;
}

function parsePublicUrl(values: string[]): string {
  const text = last(values).trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`public URL "${text}" is not a URL (e.g. http://localhost:4000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`public URL "${text}" must start with http:// or https://`);
  return text;
}

function parseRecordFrom(values: string[]): string | undefined {
  const text = last(values).trim().replace(/\/+$/, '');
  if (text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`"${text}" is not a URL (e.g. https://devo.finnet.co.id)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`"${text}" must start with http:// or https://`);
  if (url.search || url.hash || url.username) throw new ConfigError(`"${text}" must be the gateway's base URL, without query, fragment or credentials`);
  return text;
}

// Settings also take units in words ('16 minutes', '1 hour'), as a person writes them in a test suite.
const UNIT_WORDS: Record<string, string> = {
  millisecond: 'ms', milliseconds: 'ms', sec: 's', secs: 's', second: 's', seconds: 's', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  hour: 'h', hours: 'h', day: 'd', days: 'd',
};

/** A setting's duration in ms: `250ms`, `5s`, `16m`, `16 minutes`; a bare whole number is seconds, as the flags write them. */
function settingDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const worded = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(trimmed);
  const unit = worded ? UNIT_WORDS[worded[2]!.toLowerCase()] : undefined;
  return parseDuration(worded && unit ? `${worded[1]}${unit}` : trimmed);
}

// A gateway answer may be held back at most this long, as a scenario's delay.
const MAX_LATENCY_MS = 120_000;

function parseLatency(values: string[]): DurationRange | undefined {
  const text = last(values).trim();
  if (text === '' || text === '0' || text === 'none') return undefined;
  // Elsewhere a bare number is seconds; a latency meant in milliseconds would then hold every answer a minute.
  if (text.split('..').some((end) => /^\s*\d+(\.\d+)?\s*$/.test(end))) {
    throw new ConfigError(`latency "${text}" needs a unit on each end, such as 50ms or 20ms..80ms`);
  }
  const range = parseDurationRange(text, settingDuration);
  if (!range || (range.maxMs ?? range.minMs) > MAX_LATENCY_MS) {
    throw new ConfigError(`latency "${text}" must be a duration or a range of them up to 2 minutes, such as 50ms or 20ms..80ms (0 = none)`);
  }
  return range.minMs === 0 && range.maxMs === undefined ? undefined : range;
}

function parseRetries(values: string[]): number[] {
  const text = last(values).trim();
  if (text === '' || text === 'none') return [];
  return text.split(',').map((part) => {
    const ms = settingDuration(part);
    if (ms === null) throw new ConfigError(`callback retry "${part.trim()}" must be a duration such as 5s, 2m or 1h`);
    return ms / 1000;
  });
}

function parseCallbackTimeout(values: string[]): number {
  const text = last(values).trim();
  const ms = settingDuration(text);
  if (ms === null || ms < 1000 || ms > 300_000) throw new ConfigError(`callback timeout "${text}" must be from 1 to 300 seconds (10, 10s, 1500ms or 2 minutes)`);
  return ms;
}

// A host name (optionally `*.`-prefixed, a trailing dot allowed) or IP address, never a port, scheme or path.
const HOST_ENTRY = /^(?:\*\.)?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$|^\[[0-9a-f:.]+\]$/;

function parseAllowedHosts(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean).map((host) => {
    if (!HOST_ENTRY.test(host)) throw new ConfigError(`allowed host "${host}" must be a host name or address without a port, such as finnet-mock, *.internal or 10.0.0.7`);
    return host;
  });
}

function parseDisabledChannels(values: string[]): DisabledChannel[] {
  return values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean).map((pair) => {
    const match = /^([A-Za-z0-9_-]{1,64}|\*):([a-z]+)$/.exec(pair);
    if (!match) throw new ConfigError(`disabled channel "${pair}" must be written merchantId:type (or *:type for every merchant)`);
    const channel = acceptedTypes().includes(match[2]!) ? channelOf(match[2]!) : undefined;
    if (!channel) throw new ConfigError(`"${match[2]}" in "${pair}" is not a sourceOfFunds.type (e.g. vabca, qris, ovo)`);
    return { merchantId: match[1]!, type: channel.type };
  });
}

export const SETTINGS: { [K in keyof Config]: Setting<K> } = {
  port: { key: 'port', flag: '--port', env: 'PORT', help: 'port to listen on (0 = pick a free one)', parse: integerIn('port', 0, 65535) },
  host: { key: 'host', flag: '--host', env: 'HOST', help: 'address to bind', parse: (v) => last(v).trim() || '127.0.0.1' },
  publicUrl: { key: 'publicUrl', flag: '--public-url', env: 'FINNET_MOCK_PUBLIC_URL', help: 'base URL used in redirecturl and other links', parse: parsePublicUrl },
  db: { key: 'db', flag: '--db', env: 'FINNET_MOCK_DB', help: 'data file, or :memory:', parse: (v) => last(v).trim() || ':memory:' },
  merchants: { key: 'merchants', flag: '--merchant', env: 'FINNET_MOCK_MERCHANTS', help: 'merchant id:key (repeatable, or a comma list)', repeatable: true, parse: parseMerchants },
  seed: { key: 'seed', flag: '--seed', env: 'FINNET_MOCK_SEED', help: 'seed for every generated value', parse: (v) => last(v) },
  logLevel: {
    key: 'logLevel', flag: '--log-level', env: 'LOG_LEVEL', help: LOG_LEVELS.join(' | '),
    parse: (v) => {
      const level = last(v).trim().toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`log level "${level}" must be one of ${LOG_LEVELS.join(', ')}`);
      return level as LogLevel;
    },
  },
  logFormat: {
    key: 'logFormat', flag: '--log-format', env: 'LOG_FORMAT', help: 'human (one readable line per event) | json (one JSON object per line, for log collectors)',
    parse: (v) => {
      const format = last(v).trim().toLowerCase();
      if (!(LOG_FORMATS as readonly string[]).includes(format)) throw new ConfigError(`log format "${format}" must be one of ${LOG_FORMATS.join(', ')}`);
      return format as LogFormat;
    },
  },
  successMessage: { key: 'successMessage', flag: '--success-message', env: 'FINNET_MOCK_SUCCESS_MESSAGE', help: 'responseMessage of successful answers', parse: (v) => last(v) },
  callbackRetries: { key: 'callbackRetries', flag: '--callback-retries', env: 'FINNET_MOCK_CALLBACK_RETRIES', help: 'delays before each callback retry, e.g. 5s,30s,2m (none = no retry)', duration: true, parse: parseRetries },
  callbackTimeoutMs: {
    key: 'callbackTimeoutMs', flag: '--callback-timeout', env: 'FINNET_MOCK_CALLBACK_TIMEOUT', help: 'how long a callback receiver may take: seconds, or a duration such as 1500ms',
    option: 'callbackTimeout', duration: true, parse: parseCallbackTimeout,
  },
  scenarios: {
    key: 'scenarios', flag: '--scenarios', env: 'FINNET_MOCK_SCENARIOS', help: 'scenario folders (repeatable, or a comma list)', repeatable: true,
    parse: (v) => v.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean),
  },
  callbackHosts: {
    key: 'callbackHosts', flag: '--callback-hosts', env: 'FINNET_MOCK_CALLBACK_HOSTS', help: 'hosts callbacks may go to, e.g. localhost,*.internal', repeatable: true,
    parse: (v) => v.flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean).map((host) => {
      if (!/^(\*\.)?[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/.test(host)) throw new ConfigError(`callback host "${host}" must be a host name such as localhost or *.example.com`);
      return host;
    }),
  },
  callbackStatuses: {
    key: 'callbackStatuses', flag: '--callback-statuses', env: 'FINNET_MOCK_CALLBACK_STATUSES', help: 'final statuses that send a callback (FAILED = FAILURE)',
    parse: (v) => last(v).split(',').map((s) => canonicalStatus(s.trim().toUpperCase())).filter(Boolean).map((status) => {
      if (!FINAL_STATUSES.includes(status as PaymentStatus)) throw new ConfigError(`callback status "${status}" must be one of ${FINAL_STATUSES.join(', ')} (or FAILED)`);
      return status as PaymentStatus;
    }),
  },
  failureStatus: {
    key: 'failureStatus', flag: '--failure-status', env: 'FINNET_MOCK_FAILURE_STATUS', help: 'word a failed payment is reported with in callbacks and check-status: FAILURE (the docs) | FAILED',
    parse: (v) => {
      const word = last(v).trim().toUpperCase();
      if (!(FAILURE_WORDS as readonly string[]).includes(word)) throw new ConfigError(`failure status "${word}" must be ${FAILURE_WORDS.join(' or ')}`);
      return word as FailureWord;
    },
  },
  callbackRsaKey: {
    key: 'callbackRsaKey', flag: '--callback-rsa-key', env: 'FINNET_MOCK_CALLBACK_RSA_KEY', help: 'PEM file of the RSA-4096 private key that signs x-signature',
    parse: (v) => readPrivateKeyPem(last(v).trim()),
  },
  allowedHosts: {
    key: 'allowedHosts', flag: '--allowed-hosts', env: 'FINNET_MOCK_ALLOWED_HOSTS', repeatable: true, parse: parseAllowedHosts,
    help: 'Host header names served besides loopback ones and the public URL\'s, e.g. finnet-mock,*.internal (repeatable; bound to 0.0.0.0, any is served unless set)',
  },
  adminToken: {
    key: 'adminToken', flag: '--admin-token', env: 'FINNET_MOCK_ADMIN_TOKEN', help: 'token that /_mock and the dashboard require',
    parse: (v) => {
      const token = last(v).trim();
      if (token.length < 8) throw new ConfigError('admin token must be at least 8 characters');
      return token;
    },
  },
  latency: {
    key: 'latency', flag: '--latency', env: 'FINNET_MOCK_LATENCY', duration: true, parse: parseLatency,
    help: 'real time every gateway API answer waits, a duration or a range picked per request (seeded), e.g. 20ms..80ms (0 = none)',
  },
  disabledChannels: {
    key: 'disabledChannels', flag: '--disable-channel', env: 'FINNET_MOCK_DISABLED_CHANNELS',
    help: 'channel a merchant has not enabled, merchantId:type (* = every merchant; repeatable, or a comma list)', repeatable: true, parse: parseDisabledChannels,
  },
  recordFrom: {
    key: 'recordFrom', flag: '--record-from', env: 'FINNET_MOCK_RECORD_FROM', parse: parseRecordFrom,
    help: 'forward the gateway API to this gateway (e.g. https://devo.finnet.co.id), answer with its answers and record them in --cassette',
  },
  cassette: { key: 'cassette', flag: '--cassette', env: 'FINNET_MOCK_CASSETTE', help: 'cassette file --record-from writes', parse: (v) => last(v).trim() || 'data/cassette.json' },
  replay: { key: 'replay', flag: '--replay', env: 'FINNET_MOCK_REPLAY', help: 'cassette file whose recorded answers are served for matching requests', parse: (v) => last(v).trim() || undefined },
};

export const DEFAULTS: Config = {
  port: 4000,
  host: '127.0.0.1',
  db: 'data/finnet-mock.json',
  merchants: [DEFAULT_MERCHANT],
  logLevel: 'info',
  logFormat: 'human',
  successMessage: 'Success',
  callbackRetries: [5, 30, 120, 600, 1800, 3600],
  callbackTimeoutMs: 10_000,
  scenarios: [SCENARIO_DIR],
  disabledChannels: [],
  callbackHosts: [],
  callbackStatuses: [...FINAL_STATUSES],
  failureStatus: 'FAILURE',
  allowedHosts: [],
  cassette: 'data/cassette.json',
};

/** Each given setting's text read by its one parser on top of `base`; a mistake is one ConfigError line starting with `label`. */
function applySettings(base: Config, given: Map<keyof Config, string[]>, label: (setting: Setting<keyof Config>) => string): Config {
  const config: Config = { ...base };
  for (const [key, values] of given) {
    const setting = SETTINGS[key] as Setting<keyof Config>;
    try {
      (config as unknown as Record<string, unknown>)[key] = setting.parse(values);
    } catch (err) {
      throw new ConfigError(`${label(setting)}: ${(err as Error).message}`);
    }
  }
  return config;
}

/** Settings from the environment, then flags (flags win); every mistake is one ConfigError line. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const byFlag = new Map(Object.values(SETTINGS).map((s) => [s.flag, s as Setting<keyof Config>]));
  const given = new Map<keyof Config, string[]>();
  for (const setting of Object.values(SETTINGS) as Setting<keyof Config>[]) {
    const value = env[setting.env];
    if (value !== undefined && value !== '') given.set(setting.key, [value]);
  }
  const fromFlags = new Map<keyof Config, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!flag.startsWith('-')) throw new ConfigError(`unexpected "${arg}": a value follows its option, e.g. --port 4000 (see --help)`);
    const setting = byFlag.get(flag);
    if (!setting) throw new ConfigError(`unknown option ${flag} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value (see --help)`);
    // `--db --port 0` forgot the data file: the next option is not taken as the value.
    if (inline === undefined && looksLikeOption(value)) throw new ConfigError(`${flag} needs a value, but ${value} follows it (write ${flag}=${value} if that is the value)`);
    const values = fromFlags.get(setting.key) ?? [];
    fromFlags.set(setting.key, setting.repeatable ? [...values, value] : [value]);
  }
  for (const [key, values] of fromFlags) given.set(key, values);
  return applySettings(DEFAULTS, given, (setting) => `${setting.flag} / ${setting.env}`);
}

const optionName = (setting: Setting<keyof Config>) => setting.option ?? setting.key;

/** A library option's value as the flag's text: a number is milliseconds for a duration, a merchant object `id:key`, a list one value each (or a comma list). */
function optionTexts(setting: Setting<keyof Config>, value: unknown): string[] {
  const text = (item: unknown): string => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number') return setting.duration ? `${item}ms` : String(item);
    const merchant = item as Partial<Merchant> | null;
    if (setting.key === 'merchants' && typeof merchant?.id === 'string' && typeof merchant.key === 'string') return `${merchant.id}:${merchant.key}`;
    throw new ConfigError(`must be written as for ${setting.flag} (text${setting.duration ? ' or milliseconds' : ''}), got ${JSON.stringify(item) ?? typeof item}`);
  };
  if (!Array.isArray(value)) return [text(value)];
  const texts = value.map(text);
  return setting.repeatable ? texts : [texts.join(',')];
}

/**
 * The library's options (`startFinnetMock({...})`) read by the same parsers as the flags, on top of `base`:
 * `port: '4000'` or `4000`, `callbackRetries: '5s,30s'` or `['5s', 30_000]`; a mistake is one ConfigError line.
 */
export function configFromOptions(options: Record<string, unknown>, base: Config): Config {
  const byOption = new Map((Object.values(SETTINGS) as Setting<keyof Config>[]).map((s) => [optionName(s), s]));
  const given = new Map<keyof Config, string[]>();
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const setting = byOption.get(name);
    if (!setting) throw new ConfigError(`finnet-mock: unknown option ${name} (options: ${[...byOption.keys()].join(', ')})`);
    try {
      given.set(setting.key, optionTexts(setting, value));
    } catch (err) {
      throw new ConfigError(`finnet-mock: option ${name}: ${(err as Error).message}`);
    }
  }
  return applySettings(base, given, (setting) => `finnet-mock: option ${optionName(setting)}`);
}

function looksLikeOption(text: string): boolean {
  return text.startsWith('--') || text === '-h' || text === '-v';
}

/** Defaults that are not a plain value of `DEFAULTS` (unset, empty, objects, milliseconds), as a person reads them. */
const DEFAULT_TEXT: Partial<Record<keyof Config, string>> = {
  publicUrl: 'http://localhost:<port>',
  seed: 'a new random one each start',
  merchants: DEFAULTS.merchants.map((m) => `${m.id}:${m.key}`).join(','),
  callbackRetries: DEFAULTS.callbackRetries.map((s) => durationText(s * 1000)).join(','),
  callbackTimeoutMs: durationText(DEFAULTS.callbackTimeoutMs),
  scenarios: 'the scenarios/ folder of the package',
  callbackHosts: 'any host',
  callbackRsaKey: 'the shipped, public keys/callback-rsa.pem',
  allowedHosts: 'none set',
  adminToken: 'none (open)',
  disabledChannels: 'none',
  latency: 'none',
  recordFrom: 'none (simulate)',
  replay: 'none',
};

function defaultText(key: keyof Config): string {
  const value = DEFAULTS[key];
  return DEFAULT_TEXT[key] ?? (Array.isArray(value) ? value.join(',') : String(value));
}

/** The subcommands, for --help: how to call each, and what it does. */
const COMMANDS: readonly [string, string][] = [
  ['finnet-mock conformance --target <url> --merchant ID:KEY', 'check a Finpay endpoint against finnet-mock (conformance --help)'],
  ['finnet-mock conformance --diff <report.json>', 'the settings that would match a report\'s differences'],
  ['finnet-mock cassette-to-scenarios <cassette.json>', 'a recorded cassette as a scenario file, on stdout'],
];

export function helpText(): string {
  const row = (flag: string, env: string, help: string) => `  ${flag.padEnd(28)} ${env.padEnd(30)} ${help}`;
  const rows = (Object.values(SETTINGS) as Setting<keyof Config>[]).map((s) => row(`${s.flag} <value>`, s.env, `${s.help} [default: ${defaultText(s.key)}]`));
  return [
    'Usage: finnet-mock [options]', '', row('option', 'env var', 'meaning'), ...rows,
    row('--help, -h', '', 'this list'), row('--version, -v', '', 'the version of finnet-mock'), '',
    'Commands:', ...COMMANDS.map(([usage, help]) => `  ${usage.padEnd(58)} ${help}`), '',
  ].join('\n');
}

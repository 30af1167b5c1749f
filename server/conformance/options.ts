// The arguments of `finnet-mock conformance`, read into typed options or refused with one clear line.
import { channelOf } from '../channels/table.js';
import { parseDuration } from '../support/duration.js';
import type { Merchant } from './client.js';
import { DEFAULT_CHANNELS } from './probes.js';

export interface ConformanceOptions {
  mode: 'run' | 'dry-run' | 'diff';
  target: string;
  merchant: Merchant;
  channels: string[];
  report?: string;
  diff?: string;
  delayMs: number;
  timeoutMs: number;
  callbackUrl: string;
}

export class UsageError extends Error {}

const FLAGS = ['--target', '--merchant', '--report', '--delay', '--timeout', '--channels', '--callback-url', '--diff'] as const;
type Flag = (typeof FLAGS)[number];

export const CONFORMANCE_HELP = `finnet-mock conformance: the simulator's contract probes against any Finpay endpoint

  finnet-mock conformance --target <url> --merchant ID:KEY [--report conformance.json] [--delay 250ms]
                          [--timeout 15s] [--channels cc,vabca,...] [--callback-url <url>] [--dry-run]
  finnet-mock conformance --diff conformance.json

  --target        base URL of the gateway, e.g. https://devo.finnet.co.id or http://127.0.0.1:4000
  --merchant      sandbox merchant id and key (Basic auth)
  --report        write the JSON report to this file
  --delay         pause before each request to the target [default: 250ms]
  --timeout       longest wait for one answer [default: 15s]
  --channels      channels to initiate on [default: ${DEFAULT_CHANNELS.join(',')}]
  --callback-url  url.callbackUrl of the probe orders [default: https://example.com/finnet-mock-conformance/callback]
  --dry-run       print every request it would send (key redacted) and send nothing
  --diff          read a report and print which finnet-mock settings would match the target

Exit: 0 every probe agrees, 1 some probe differs, 2 the target cannot be reached, 64 bad arguments.
`;

function valueOf(argv: string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value (see finnet-mock conformance --help)`);
  return value;
}

function duration(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === null || ms < min) throw new UsageError(`${flag} "${text}" must be a duration such as 250ms or 2s${min ? ` (at least ${min} ms)` : ''}`);
  return ms;
}

function httpUrl(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} "${text}" must be an http(s) URL, e.g. https://devo.finnet.co.id`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} "${text}" must start with http:// or https://`);
  return url.href.replace(/\/$/, '');
}

function merchantOf(text: string): Merchant {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) throw new UsageError('--merchant must be written ID:KEY');
  return { id: text.slice(0, at), key: text.slice(at + 1) };
}

function channelsOf(text: string | undefined): string[] {
  if (text === undefined) return [...DEFAULT_CHANNELS];
  const channels = [...new Set(text.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean))];
  const unknown = channels.filter((c) => !channelOf(c));
  if (unknown.length || channels.length === 0) throw new UsageError(`--channels: unknown channel ${unknown.join(', ') || '(none given)'}`);
  return channels;
}

export function parseConformanceArgs(argv: string[]): ConformanceOptions {
  const given = new Map<Flag, string>();
  let dryRun = false;
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === '--dry-run') {
      dryRun = true;
      continue;
    }
    if (!(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown option ${argv[i]} (see finnet-mock conformance --help)`);
    given.set(name as Flag, inline ?? valueOf(argv, i, name));
    if (inline === undefined) i += 1;
  }
  const diff = given.get('--diff');
  const base = { channels: [] as string[], delayMs: 0, timeoutMs: 0, callbackUrl: '', target: '', merchant: { id: '', key: '' } };
  if (diff !== undefined) {
    if (given.size > 1 || dryRun) throw new UsageError('--diff takes only the report file');
    return { ...base, mode: 'diff', diff };
  }
  const target = given.get('--target');
  const merchant = given.get('--merchant');
  if (target === undefined || merchant === undefined) throw new UsageError('--target <url> and --merchant ID:KEY are needed (or --diff <report>)');
  const report = given.get('--report');
  return {
    mode: dryRun ? 'dry-run' : 'run',
    target: httpUrl('--target', target),
    merchant: merchantOf(merchant),
    channels: channelsOf(given.get('--channels')),
    ...(report === undefined ? {} : { report }),
    delayMs: duration('--delay', given.get('--delay'), 250, 0),
    timeoutMs: duration('--timeout', given.get('--timeout'), 15_000, 1),
    callbackUrl: httpUrl('--callback-url', given.get('--callback-url') ?? 'https://example.com/finnet-mock-conformance/callback'),
  };
}

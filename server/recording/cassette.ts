import { readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { objectOf } from '../support/json.js';

/** The format name every cassette file starts with. */
export const CASSETTE_FORMAT = 'finnet-mock-cassette';
export const CASSETTE_VERSION = 1;
/** Recording stops adding entries past this many (the gateway keeps forwarding): a cassette stays reviewable. */
export const MAX_ENTRIES = 2000;
/** ...or past this many bytes of file: each batch of entries rewrites the whole file, so the cost per request stays bounded. */
export const MAX_CASSETTE_BYTES = 64 * 1024 * 1024;

/** One recorded request, credentials redacted. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. `/pg/payment/card/check/ORD-1`. */
  url: string;
  /** content-type and `authorization` as `Basic <merchantId>:<redacted>`. */
  headers: Record<string, string>;
  /** The JSON body, or null when there was none or it was not JSON (then `text`). */
  body: unknown;
  text?: string;
}

/** The upstream's answer as the caller got it. */
export interface RecordedResponse {
  status: number;
  /** The answer's headers (lower-case names) but hop-by-hop ones, Date and Set-Cookie. */
  headers: Record<string, string>;
  /** The JSON body, or null when it was not JSON (then `text`). */
  body: unknown;
  text?: string;
}

export interface CassetteEntry {
  /** When the request was answered (the simulator's virtual clock), ISO-8601 UTC. */
  recordedAt: string;
  /** The order the request is about, if any: replay rewrites it to the caller's. */
  orderId?: string;
  request: RecordedRequest;
  response: RecordedResponse;
}

/** One way the simulator's answer differs from the recorded one. */
export interface Difference {
  kind: 'status' | 'code' | 'message' | 'missing-field' | 'extra-field' | 'key-order' | 'type';
  /** Dotted path of the field (`data.status`, `items[0].name`); `` for the answer itself. */
  path: string;
  recorded: unknown;
  simulated: unknown;
}

export interface DriftEntry {
  recordedAt: string;
  /** `POST /pg/payment/card/initiate` */
  request: string;
  orderId?: string;
  differences: Difference[];
}

export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  version: typeof CASSETTE_VERSION;
  /** The gateway the entries were recorded from. */
  upstream: string;
  entries: CassetteEntry[];
  drift: DriftEntry[];
}

/** Why a cassette file cannot be used: one line naming the file and the problem. */
export class CassetteError extends Error {}

export function emptyCassette(upstream: string): Cassette {
  return { format: CASSETTE_FORMAT, version: CASSETTE_VERSION, upstream, entries: [], drift: [] };
}

const isStringMap = (value: unknown) => {
  const object = objectOf(value);
  return object !== undefined && Object.values(object).every((v) => typeof v === 'string');
};

/** What is wrong with entry `i`, or null. */
function entryProblem(value: unknown, i: number): string | null {
  const entry = objectOf(value);
  const request = objectOf(entry?.request);
  const response = objectOf(entry?.response);
  if (!entry || !request || !response) return `entries[${i}] must be an object with request and response`;
  if (typeof entry.recordedAt !== 'string' || Number.isNaN(Date.parse(entry.recordedAt))) return `entries[${i}].recordedAt must be an ISO-8601 time`;
  if (entry.orderId !== undefined && typeof entry.orderId !== 'string') return `entries[${i}].orderId must be a string`;
  if (typeof request.method !== 'string' || typeof request.url !== 'string' || !request.url.startsWith('/')) return `entries[${i}].request needs method and url (a path)`;
  if (!isStringMap(request.headers) || !isStringMap(response.headers)) return `entries[${i}] headers must be objects of strings`;
  if (!Number.isInteger(response.status) || (response.status as number) < 100 || (response.status as number) > 599) return `entries[${i}].response.status must be an HTTP status`;
  if (response.body === undefined && typeof response.text !== 'string') return `entries[${i}].response needs body (JSON) or text`;
  return null;
}

/** The cassette in `text`; anything else is a CassetteError naming `file` and what is wrong. */
export function parseCassette(text: string, file: string): Cassette {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CassetteError(`cassette ${file} is not valid JSON (${(err as Error).message})`);
  }
  const cassette = objectOf(value);
  if (cassette?.format !== CASSETTE_FORMAT || cassette.version !== CASSETTE_VERSION) {
    throw new CassetteError(`cassette ${file} is not a finnet-mock cassette: it must start with {"format": "${CASSETTE_FORMAT}", "version": ${CASSETTE_VERSION}, ...}`);
  }
  if (typeof cassette.upstream !== 'string' || !Array.isArray(cassette.entries) || !Array.isArray(cassette.drift)) {
    throw new CassetteError(`cassette ${file} needs upstream (a URL), entries and drift (lists)`);
  }
  const problem = cassette.entries.map(entryProblem).find((p) => p !== null);
  if (problem) throw new CassetteError(`cassette ${file}: ${problem}`);
  return cassette as unknown as Cassette;
}

/** Reads a cassette file; a missing file is `missing()` when given, else a CassetteError. */
export function readCassette(file: string, missing?: () => Cassette): Cassette {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && missing) return missing();
    throw new CassetteError(`cassette ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseCassette(text, file);
}

/** One item of a cassette list as it sits in the file: two-space JSON, indented under its list. */
export const listed = (item: unknown): string => `    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}`;

/** The cassette file's text from its items already serialised by `listed`: a new entry costs its own JSON, not the whole cassette's. */
export function cassetteText(upstream: string, entries: readonly string[], drift: readonly string[]): string {
  const list = (items: readonly string[]) => (items.length === 0 ? '[]' : `[\n${items.join(',\n')}\n  ]`);
  return `{\n  "format": ${JSON.stringify(CASSETTE_FORMAT)},\n  "version": ${CASSETTE_VERSION},\n  "upstream": ${JSON.stringify(upstream)},\n  "entries": ${list(entries)},\n  "drift": ${list(drift)}\n}\n`;
}

/**
 * Writes `text` to `file` so that a crash at any moment leaves the old file or the new one whole: a temporary
 * file beside it, fsync, rename over, fsync of the folder; all without blocking the event loop.
 */
export async function writeDurably(file: string, text: string): Promise<void> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${file.split(/[\\/]/).pop()}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  // The rename is only durable once the folder's entry is; some platforms cannot open a folder (then it is best effort).
  try {
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* Windows: folders cannot be fsynced */
  }
}

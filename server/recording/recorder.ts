import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../operations/context.js';
import { errorBody, exchangeOf, sendJson, type Exchange } from '../gateway/exchange.js';
import { hintHeader } from '../gateway/hint-text.js';
import { GatewayError } from '../gateway/response-codes.js';
import { objectOf } from '../support/json.js';
import {
  cassetteText, listed, MAX_CASSETTE_BYTES, MAX_ENTRIES, writeDurably, type Cassette, type CassetteEntry, type DriftEntry,
} from './cassette.js';
import { driftBetween } from './drift.js';
import { credentialsOf, orderIdOf, redacted } from './facts.js';
import { callUpstream, readBody, UpstreamError, type Incoming, type Outgoing } from './upstream.js';

// Headers that describe one connection, not the answer; Date and Set-Cookie are the upstream's own business.
const NOT_PASSED_ON = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'set-cookie', 'proxy-connection', 'upgrade', 'trailer']);
// What a gateway request carries that the gateway reads.
const FORWARDED = ['authorization', 'content-type', 'accept', 'x-finnet-mock-scenario'] as const;

export interface RecorderOptions {
  /** The gateway's base URL. */
  upstream: string;
  /** The cassette file (the cassette given is what it holds, or a new one). */
  file: string;
  /** A throw-away simulator answering the same requests, for the drift report; none = no drift entries. */
  shadowUrl?: string;
}

function passedOn(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_PASSED_ON.has(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function jsonOf(bytes: Buffer): { body: unknown; text?: string } {
  const text = bytes.toString('utf8');
  if (text === '') return { body: null };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: null, text };
  }
}

/**
 * `--record-from`: every gateway API request goes to the upstream with the caller's own credentials; its
 * answer goes back unchanged once the entry (redacted) and any drift are on disk in the cassette.
 */
export class Recorder {
  /** Bytes and entries on disk plus those waiting for the next write: the limits count both. */
  private bytes: number;
  private count: number;
  /** The cassette's items as they sit in the file, so a write serialises only the new ones. */
  private readonly entryTexts: string[];
  private readonly driftTexts: string[];
  /** Entries waiting for the next write: requests that arrive during a write go to disk together in the next. */
  private queue: { entry: CassetteEntry; drift: DriftEntry | undefined; size: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;
  private fullNoted = false;

  constructor(private readonly ctx: AppContext, private readonly options: RecorderOptions, cassette: Cassette) {
    this.entryTexts = cassette.entries.map(listed);
    this.driftTexts = cassette.drift.map(listed);
    this.bytes = JSON.stringify(cassette).length;
    this.count = cassette.entries.length;
  }

  /** The gateway router's front stage: answers every gateway API request itself. */
  readonly front = (req: Request, res: Response, _next: NextFunction): void => {
    const ex = exchangeOf(res);
    this.forward(ex).catch((err: unknown) => {
      this.ctx.logger.error(`recording ${req.method} ${ex.path} failed: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) this.fail(ex, GatewayError.of('generalError', undefined, { hint: 'the recorder failed: the stack trace is in its terminal' }));
    });
  };

  private async forward(ex: Exchange): Promise<void> {
    const { req } = ex;
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return;
    if (body === null) {
      return this.fail(ex, GatewayError.of('badRequest', 'Body is larger than 1 MB', { hint: 'the body must be at most 1 MB (not forwarded)' }));
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const out: Outgoing = { method: req.method, url: req.originalUrl, headers, body };
    const [upstream, simulated] = await Promise.all([
      callUpstream(this.options.upstream, out).catch((err: unknown) => err as Error),
      this.options.shadowUrl ? callUpstream(this.options.shadowUrl, out).catch(() => undefined) : Promise.resolve(undefined),
    ]);
    if (upstream instanceof Error) return this.unreachable(ex, upstream);
    const credentials = credentialsOf(req.headers.authorization);
    const request = jsonOf(body);
    const response = jsonOf(upstream.body);
    ex.orderId = orderIdOf(ex.path, request.body);
    if (credentials.merchantId) ex.merchant = { id: credentials.merchantId, key: '' };
    ex.bodyText = request.text ?? (request.body === null ? undefined : body.toString('utf8'));
    const recordedAt = new Date(this.ctx.clock.now()).toISOString();
    const entry: CassetteEntry = redacted({
      recordedAt,
      ...(ex.orderId === undefined ? {} : { orderId: ex.orderId }),
      request: {
        method: req.method, url: req.originalUrl,
        headers: { ...(headers['content-type'] ? { 'content-type': headers['content-type'] } : {}), ...(credentials.redactedHeader ? { authorization: credentials.redactedHeader } : {}) },
        body: request.body, ...(request.text === undefined ? {} : { text: request.text }),
      },
      response: { status: upstream.status, headers: passedOn(upstream.headers), body: response.body, ...(response.text === undefined ? {} : { text: response.text }) },
    }, credentials.secrets);
    const drift = simulated ? this.driftOf(entry, simulated) : undefined;
    try {
      await this.append(entry, drift);
    } catch (err) {
      this.ctx.logger.error(`cassette ${this.options.file} could not be written: ${(err as Error).message}`);
      return this.fail(ex, GatewayError.of('generalError', undefined, { hint: `the recorder could not write its cassette ${this.options.file}: see its terminal (the upstream did answer)` }));
    }
    const answer = objectOf(response.body);
    if (typeof answer?.responseCode === 'string') ex.answer = { responseCode: answer.responseCode, responseMessage: String(answer.responseMessage) };
    ex.res.writeHead(upstream.status, { ...passedOn(upstream.headers), 'content-length': String(upstream.body.length) });
    ex.res.end(upstream.body);
  }

  private driftOf(entry: CassetteEntry, simulated: Incoming): DriftEntry | undefined {
    const differences = driftBetween({ status: entry.response.status, body: entry.response.body }, { status: simulated.status, body: jsonOf(simulated.body).body });
    if (differences.length === 0) return undefined;
    return { recordedAt: entry.recordedAt, request: `${entry.request.method} ${entry.request.url}`, ...(entry.orderId === undefined ? {} : { orderId: entry.orderId }), differences };
  }

  /** Queues the entry (and drift) for the next durable write of the cassette; answers once it is on disk. */
  private append(entry: CassetteEntry, drift: DriftEntry | undefined): Promise<void> {
    const size = JSON.stringify(entry).length + (drift ? JSON.stringify(drift).length : 0);
    if (this.count >= MAX_ENTRIES || this.bytes + size > MAX_CASSETTE_BYTES) {
      if (!this.fullNoted) this.ctx.logger.warn(`cassette ${this.options.file} is full (${MAX_ENTRIES} entries or ${MAX_CASSETTE_BYTES / 1024 / 1024} MB): requests are still forwarded, no longer recorded`);
      this.fullNoted = true;
      return Promise.resolve();
    }
    this.count++;
    this.bytes += size;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, drift, size, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Writes the queued entries, one batch at a time; a failed batch is answered as failed and left out of the file. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const entries = batch.map((b) => listed(b.entry));
      const drift = batch.flatMap((b) => (b.drift ? [listed(b.drift)] : []));
      try {
        await writeDurably(this.options.file, cassetteText(this.options.upstream, [...this.entryTexts, ...entries], [...this.driftTexts, ...drift]));
        this.entryTexts.push(...entries);
        this.driftTexts.push(...drift);
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) {
          this.count--;
          this.bytes -= b.size;
          b.reject(err);
        }
      }
    }
    this.flushing = false;
  }

  private unreachable(ex: Exchange, err: Error): void {
    const kind = err instanceof UpstreamError ? err.kind : 'unreachable';
    const hint = `recording from ${this.options.upstream}: ${err.message}; nothing was recorded`;
    if (kind === 'timeout') return this.fail(ex, GatewayError.of('timeout', undefined, { hint }));
    this.fail(ex, GatewayError.of('generalError', undefined, { hint }));
  }

  private fail(ex: Exchange, error: GatewayError): void {
    ex.error = error;
    ex.hint = error.detail?.hint;
    sendJson(ex, error.status, errorBody(error, ex.startedAt, this.ctx.generator.traceId()), { 'X-Finnet-Mock-Hint': hintHeader(ex.hint ?? '') });
  }
}

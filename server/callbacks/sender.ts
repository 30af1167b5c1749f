import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeliveryAttempt } from '../model/delivery.js';
import { clearRealTimeout, realMonotonicNow, setRealTimeout } from '../support/real-time.js';

const EXCERPT_BYTES = 2048;

const CLIENTS = { 'http:': httpRequest, 'https:': httpsRequest } as const;

export interface SendRequest {
  url: string;
  /** Every header sent, in wire order, built for the parsed URL (Host included: nothing is added). */
  headers(url: URL): [string, string][];
  body: string;
  timeoutMs: number;
}

type Outcome = Omit<DeliveryAttempt, 'n' | 'at' | 'manual'>;

class NoAnswer extends Error {}

/**
 * POSTs one callback and reports how it went; it never throws. Delivered means a 2xx within the
 * timeout; redirects are not followed (a 3xx is a failed attempt, as at real gateways).
 */
export async function sendCallback(request: SendRequest): Promise<Outcome> {
  const started = realMonotonicNow();
  const elapsed = () => Math.round((realMonotonicNow() - started) * 10) / 10;
  try {
    const { statusCode, responseExcerpt } = await post(request);
    const delivered = statusCode >= 200 && statusCode < 300;
    return { latencyMs: elapsed(), statusCode, responseExcerpt, delivered, error: delivered ? null : `receiver answered HTTP ${statusCode}` };
  } catch (err) {
    return { latencyMs: elapsed(), statusCode: null, responseExcerpt: '', delivered: false, error: describeError(err, request.timeoutMs) };
  }
}

/** One request with exactly the given headers: node:http adds none of its own (no Connection, no Accept). */
function post(request: SendRequest): Promise<{ statusCode: number; responseExcerpt: string }> {
  const url = new URL(request.url);
  const client = CLIENTS[url.protocol as keyof typeof CLIENTS];
  if (!client) return Promise.reject(new Error(`cannot send to a ${url.protocol} URL`));
  const headers = request.headers(url);
  return new Promise((resolve, reject) => {
    const req = client(url, { method: 'POST', agent: false, setHost: false, headers: Object.fromEntries(headers) });
    // Without this node:http writes `Connection: close`, which Guzzle (curl, HTTP/1.1) never sends.
    req.removeHeader('connection');
    const timer = setRealTimeout(() => req.destroy(new NoAnswer()), request.timeoutMs);
    req.once('error', (err) => {
      clearRealTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      readExcerpt(res).then((responseExcerpt) => {
        clearRealTimeout(timer);
        req.destroy();
        resolve({ statusCode: res.statusCode ?? 0, responseExcerpt });
      }, reject);
    });
    req.end(request.body);
  });
}

/** Up to EXCERPT_BYTES of the answer; a receiver that resets mid-answer still answered with a status. */
function readExcerpt(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'));
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= EXCERPT_BYTES) done();
    });
    res.once('end', done);
    res.once('error', done);
    res.once('close', done);
  });
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof NoAnswer) return `no answer within ${timeoutMs / 1000} s`;
  const error = err as NodeJS.ErrnoException;
  if (error.code) return `${error.code}${error.message ? `: ${error.message}` : ''}`;
  return error.message || String(err);
}

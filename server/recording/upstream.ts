import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MAX_BODY_BYTES } from '../gateway/json-body.js';

/** A request as forwarded: method, path and query, the headers to send, the body bytes. */
export interface Outgoing {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Incoming {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why no answer came: it took too long, the connection failed, or the answer was over 1 MB. */
export class UpstreamError extends Error {
  constructor(readonly kind: 'timeout' | 'unreachable' | 'too-large', message: string) {
    super(message);
  }
}

/** How long the upstream may take to answer in full. */
export const UPSTREAM_TIMEOUT_MS = 30_000;

/**
 * Sends `out` to `base` (a gateway's base URL) and reads its answer, at most 1 MB. node:http rather than fetch:
 * some SDKs send a refund as a GET with a JSON body, which fetch refuses to send.
 */
export function callUpstream(base: string, out: Outgoing, timeoutMs = UPSTREAM_TIMEOUT_MS): Promise<Incoming> {
  const target = new URL(base.replace(/\/+$/, '') + out.url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers = { ...out.headers, ...(out.body.length > 0 ? { 'content-length': String(out.body.length) } : {}) };
    const req = send(target, { method: out.method, headers });
    const timer = setTimeout(() => req.destroy(new UpstreamError('timeout', `${target.origin} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err instanceof UpstreamError ? err : new UpstreamError('unreachable', `${target.origin} cannot be reached (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) return req.destroy(new UpstreamError('too-large', `${target.origin} answered with more than 1 MB`));
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks, size) });
      });
    });
    req.end(out.body.length > 0 ? out.body : undefined);
  });
}

/** The request's body bytes, at most 1 MB (null when larger: the gateway's limit). */
export function readBody(stream: NodeJS.ReadableStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    stream.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks, size)));
    stream.on('aborted', () => reject(new Error('the request was cut off before its end')));
    stream.on('error', reject);
  });
}

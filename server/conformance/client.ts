// Sends one probe request with Basic auth and a timeout; tells an answer (any HTTP status) from a target that cannot be reached.
import type { Merchant } from '../model/config.js';
import type { ProbeRequest } from './probes.js';

export type { Merchant };

export interface Answer {
  status: number;
  contentType: string;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** Epoch ms when the request left: the base of the `expiryLink` offset. */
  sentAt: number;
}

/** The target gave no HTTP answer: connection refused, DNS, TLS or the per-request timeout. */
export class UnreachableError extends Error {}

const WRONG_KEY = 'finnet-mock-conformance-wrong-key';

function authorization(request: ProbeRequest, merchant: Merchant): Record<string, string> {
  if (request.control) return { 'X-Finnet-Mock': '1' };
  if (request.auth === 'none') return {};
  const key = request.auth === 'wrong-key' ? WRONG_KEY : merchant.key;
  return { Authorization: `Basic ${Buffer.from(`${merchant.id}:${key}`).toString('base64')}` };
}

function reason(err: unknown): string {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return 'no answer before the timeout';
  return error.cause?.code ?? error.cause?.message ?? error.message ?? String(err);
}

export async function send(base: string, request: ProbeRequest, merchant: Merchant, timeoutMs: number): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'finnet-mock-conformance', ...authorization(request, merchant) };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const sentAt = Date.now();
  let text: string;
  let response: Response;
  try {
    response = await fetch(new URL(request.path, base), {
      method: request.method, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    text = await response.text();
  } catch (err) {
    throw new UnreachableError(`${base} cannot be reached (${reason(err)})`);
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text, so the report shows what came instead.
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body, sentAt };
}

/** The request as the report and --dry-run show it: Authorization written with the key redacted. */
export function shown(request: ProbeRequest, merchant: Merchant): Record<string, unknown> {
  const auth = request.control ? 'X-Finnet-Mock: 1' : request.auth === 'none' ? 'none' : `Basic ${merchant.id}:${request.auth === 'wrong-key' ? '(a wrong key)' : '(key redacted)'}`;
  return { method: request.method, path: request.path, authorization: auth, ...(request.body === undefined ? {} : { body: request.body }) };
}

import type { DeliveryAttempt } from '../model/delivery.js';

const EXCERPT_BYTES = 2048;

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * POSTs one callback and reports how it went; it never throws. Delivered means a 2xx within the
 * timeout; redirects are not followed (a 3xx is a failed attempt, as at real gateways).
 */
export async function sendCallback(request: SendRequest): Promise<Omit<DeliveryAttempt, 'n' | 'at' | 'manual'>> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const responseExcerpt = await readExcerpt(response);
    const delivered = response.status >= 200 && response.status < 300;
    return {
      latencyMs: elapsed(), statusCode: response.status, responseExcerpt, delivered,
      error: delivered ? null : `receiver answered HTTP ${response.status}`,
    };
  } catch (err) {
    return { latencyMs: elapsed(), statusCode: null, responseExcerpt: '', delivered: false, error: describeError(err, request.timeoutMs) };
  }
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A receiver that resets mid-answer still answered with a status; keep what arrived.
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

function describeError(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = error.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error.message || String(err);
}

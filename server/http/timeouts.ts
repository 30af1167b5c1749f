import type { ServerOptions } from 'node:http';

/** How long a client may take to send a request (the README documents the defaults). */
export interface HttpTimeouts {
  /** From the first byte of a request to the end of its headers. */
  headersMs: number;
  /** From the first byte of a request to the end of its body. */
  requestMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 10_000 };

/** Node's server options for them; expiry is checked often enough to drop a client at most a tenth (≤ 1 s) late. */
export function timeoutOptions(timeouts: HttpTimeouts): ServerOptions {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(timeouts.headersMs / 10))),
  };
}

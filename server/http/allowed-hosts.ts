import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { BlockList, isIP, type AddressInfo } from 'node:net';
import { errorBody } from '../gateway/exchange.js';
import { GatewayError } from '../gateway/response-codes.js';
import { realMonotonicNow } from '../support/real-time.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

// The gateway's pattern, HTTP status then `0000` (its catalog has no plain 403).
const FORBIDDEN = '4030000';

// `name[:port]` or `[ipv6][:port]`: anything else (user info, a path, spaces) is no host at all.
const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)\.?)(?::\d{1,5})?$/i;
// A DNS name has at most 253 characters; longer is not a host (and is never echoed back).
const MAX_HOST_HEADER = 260;

// Every IPv4 address in 127.0.0.0/8 spells its first byte "127" (isIP refuses leading zeros): no BlockList
// lookup, which builds a SocketAddress, for the usual Host of every local request. IPv6 ones (::ffff:127.x too) use it.
function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  return family === 6 && LOOPBACK.check(address, 'ipv6');
}

/** The host name of a Host header, lower-cased, without port, brackets or trailing dot; null when it is not one. */
function hostName(header: string): string | null {
  const match = header.length <= MAX_HOST_HEADER ? HOST_HEADER.exec(header) : null;
  if (!match) return null;
  return (match[1] ?? match[2]!).toLowerCase();
}

/** The same spelling for a configured host as `hostName` gives for a header (IPv6 without brackets). */
function entryName(entry: string): string {
  return entry.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

interface HostRules {
  /** The address the server is bound to: on loopback only known names are served. */
  boundTo: string;
  /** The public URL's host name (as `hostName` spells it) is always served. */
  publicHost?: string;
  /** `--allowed-hosts`: served too, and on a non-loopback binding the only names served besides loopback ones. */
  allowedHosts: string[];
}

/**
 * Whether a host name may be served. A browser tricked by DNS rebinding sends the attacker's name, so a server
 * on loopback serves only loopback names and the ones it was told; bound to all interfaces (a container) it
 * serves any name, because sibling containers reach it by theirs, unless `--allowed-hosts` says otherwise.
 */
function hostAllowed(name: string, rules: HostRules): boolean {
  if (!isLoopbackAddress(rules.boundTo) && rules.allowedHosts.length === 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name)) return true;
  if (name === rules.publicHost) return true;
  return rules.allowedHosts.some((entry) => (entry.startsWith('*.') ? name.endsWith(entryName(entry.slice(1))) : name === entryName(entry)));
}

interface Refusal {
  status: number;
  gateway: GatewayError;
  /** Title and detail of the control API's problem+json. */
  title: string;
  detail: string;
}

/** Why a request is refused by its Host header, or null when it may be served. */
function refusalFor(req: IncomingMessage, rules: HostRules): Refusal | null {
  const header = req.headers.host;
  // RFC 9112 requires Host on HTTP/1.1; an HTTP/1.0 client without one cannot be a browser, so it is no rebinding.
  if (header === undefined) {
    if (req.httpVersion !== '1.1') return null;
    const detail = 'HTTP/1.1 requests must send a Host header';
    return { status: 400, gateway: GatewayError.of('badRequest', detail), title: 'Host header required', detail };
  }
  const name = hostName(header);
  if (name !== null && hostAllowed(name, rules)) return null;
  const detail = name === null
    ? 'The Host header is not a host name'
    : `Host "${name}" is not served here (DNS rebinding protection); start finnet-mock with --allowed-hosts ${name} to allow it`;
  return { status: 403, gateway: new GatewayError(FORBIDDEN, `Forbidden. ${detail}`), title: 'Host not allowed', detail };
}

function send(res: ServerResponse, status: number, type: string, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/**
 * Refuses, before any route sees it, a request whose Host the server must not answer to: the control API
 * answers problem+json, everything else the gateway's JSON error. Returns whether it answered.
 */
export function hostGuard(server: Server, options: { publicUrl: string | undefined; allowedHosts: string[] }, traceId: () => string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const rules = { allowedHosts: options.allowedHosts, ...(options.publicUrl ? { publicHost: entryName(new URL(options.publicUrl).hostname) } : {}) };
  // Until the server listens, nothing is known about its binding, so the strict (loopback) rules apply.
  let active: HostRules = { ...rules, boundTo: '127.0.0.1' };
  server.once('listening', () => {
    active = { ...rules, boundTo: (server.address() as AddressInfo).address };
  });
  return (req, res) => {
    const refusal = refusalFor(req, active);
    if (!refusal) return false;
    req.resume();
    if ((req.url ?? '').startsWith('/_mock')) {
      const slug = refusal.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      send(res, refusal.status, 'application/problem+json', { type: `https://finnet-mock.local/problems/${slug}`, title: refusal.title, status: refusal.status, detail: refusal.detail });
    } else {
      send(res, refusal.status, 'application/json', errorBody(refusal.gateway, realMonotonicNow(), traceId()));
    }
    return true;
  };
}

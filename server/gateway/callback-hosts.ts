/**
 * Whether a callback URL's host is one the operator allows (`--callback-hosts`): exact names, or
 * `*.example.com` for any subdomain. With no list every http(s) host is allowed.
 */
export function callbackHostAllowed(url: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowed.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
}

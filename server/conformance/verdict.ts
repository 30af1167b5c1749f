// Judges one probe: the observed answer against finnet-mock's (status, content type, body shape, chosen values, expiry offset).
import type { Answer } from './client.js';
import type { Probe } from './probes.js';
import { compareShapes, type Difference } from './shape.js';

const ALWAYS_BY_VALUE = ['responseCode', 'responseMessage'];
/** How far the two expiryLink offsets may drift apart: clocks of two machines and the time between requests. */
const EXPIRY_TOLERANCE_MINUTES = 2;

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase() || '(none)';
}

/** Minutes from the send time to `expiryLink` (written in Asia/Jakarta, no zone marker); null when absent or unreadable. */
export function expiryOffsetMinutes(answer: Answer): number | null {
  const link = (answer.body as { expiryLink?: unknown } | null)?.expiryLink;
  if (typeof link !== 'string' || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(link)) return null;
  // Asia/Jakarta has no daylight saving: the fixed +07:00 is exact.
  const at = Date.parse(`${link.replace(' ', 'T')}+07:00`);
  return Number.isNaN(at) ? null : Math.round((at - answer.sentAt) / 60_000);
}

export function differences(probe: Probe, expected: Answer, observed: Answer): Difference[] {
  const found: Difference[] = [];
  if (expected.status !== observed.status) found.push({ path: 'HTTP status', kind: 'status', expected: expected.status, observed: observed.status });
  const [te, to] = [mediaType(expected.contentType), mediaType(observed.contentType)];
  if (te !== to) found.push({ path: 'content-type', kind: 'header', expected: te, observed: to });
  found.push(...compareShapes(expected.body, observed.body, new Set([...ALWAYS_BY_VALUE, ...(probe.values ?? [])])));
  if (probe.expiryMinutes !== undefined) {
    const [oe, oo] = [expiryOffsetMinutes(expected), expiryOffsetMinutes(observed)];
    if (oe !== null && (oo === null || Math.abs(oe - oo) > EXPIRY_TOLERANCE_MINUTES)) {
      found.push({ path: 'expiryLink offset', kind: 'offset', expected: `+${oe} min`, observed: oo === null ? 'unreadable' : `${oo >= 0 ? '+' : ''}${oo} min` });
    }
  }
  return found;
}

/** One line for the table: HTTP status, responseCode and responseMessage. */
export function summary(answer: Pick<Answer, 'status' | 'body'> | null): string {
  if (!answer) return '-';
  const body = answer.body as { responseCode?: unknown; responseMessage?: unknown } | null;
  if (typeof body !== 'object' || body === null) return `${answer.status} (not JSON)`;
  return `${answer.status} ${String(body.responseCode ?? '?')} ${String(body.responseMessage ?? '')}`.trim();
}

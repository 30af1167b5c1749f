// [chosen] Card captures settle in a nightly batch at 00:00 Asia/Jakarta (UTC+7, no daylight saving).
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The virtual time a capture made at `capturedAt` settles: until then it can be voided, afterwards only refunded. */
export function settlesAt(capturedAt: number): number {
  return (Math.floor((capturedAt + JAKARTA_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - JAKARTA_OFFSET_MS;
}

// How the gateway writes times (Asia/Jakarta) and how Indonesian checkouts write amounts.
// Asia/Jakarta has no daylight saving: a fixed UTC+7 offset is exact, and much cheaper than Intl.
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:mm:ss` in Asia/Jakarta with no zone marker, as in `expiryLink` and `result.payment.datetime`. */
export function formatJakarta(epochMs: number): string {
  const d = new Date(epochMs + JAKARTA_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** ISO-8601 with a `+07:00` offset, as in the callback's `x-timestamp` header. */
export function isoJakarta(epochMs: number): string {
  return `${formatJakarta(epochMs).replace(' ', 'T')}+07:00`;
}

const rupiahFormat = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

/** `Rp 1.500.000`, as Indonesian checkouts write amounts. */
export function rupiah(amount: number): string {
  return `Rp ${rupiahFormat.format(amount)}`;
}

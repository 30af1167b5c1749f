const rupiahFormat = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

/** `Rp 1.500.000`, as Indonesian checkouts write amounts. */
export function rupiah(amount: number): string {
  return `Rp ${rupiahFormat.format(amount)}`;
}

/** `0812…`, `62812…` or `+62812…` → `+62812…`; anything else is returned trimmed. */
export function normalisePhone(input: string): string {
  const digits = input.replace(/[\s().-]/g, '');
  if (/^0\d{7,16}$/.test(digits)) return `+62${digits.slice(1)}`;
  if (/^62\d{7,16}$/.test(digits)) return `+${digits}`;
  return digits;
}

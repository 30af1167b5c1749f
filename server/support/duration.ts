const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `5s`, `15m`, `2h`, `1d` or a bare number of milliseconds → milliseconds; null when unreadable. */
export function parseDuration(input: unknown): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : null;
  if (typeof input !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(input);
  if (!match) return null;
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}

/** Milliseconds in the largest unit that writes them whole: 5000 → `5s`, 120000 → `2m`, 1500 → `1500ms`. */
export function durationText(ms: number): string {
  const [unit, size] = Object.entries(UNITS).reverse().find(([, size]) => ms > 0 && ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

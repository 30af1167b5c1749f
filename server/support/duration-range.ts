/** A duration or a range of them, in milliseconds: `max` is absent for a fixed one. */
export interface DurationRange {
  minMs: number;
  maxMs?: number;
}

/**
 * `200ms..2s` → `{minMs: 200, maxMs: 2000}`, `50ms` → `{minMs: 50}`, each end read by `one`; null when
 * unreadable or when the range runs backwards.
 */
export function parseDurationRange(input: unknown, one: (text: string) => number | null): DurationRange | null {
  if (typeof input === 'number') {
    const ms = one(`${input}ms`);
    return ms === null ? null : { minMs: ms };
  }
  if (typeof input !== 'string') return null;
  const parts = input.split('..');
  if (parts.length > 2) return null;
  const [low, high] = parts.map((part) => one(part.trim()));
  if (low === null || low === undefined || high === null) return null;
  if (high === undefined || high === low) return { minMs: low };
  return high > low ? { minMs: low, maxMs: high } : null;
}

/** A point of the range for the random value `unit` in [0, 1). */
export function pickIn(range: DurationRange, unit: number): number {
  return range.maxMs === undefined ? range.minMs : Math.round(range.minMs + unit * (range.maxMs - range.minMs));
}

/** `200ms..2s` or `50ms`, as written in a setting or a scenario. */
export function rangeText(range: DurationRange, text: (ms: number) => string): string {
  return range.maxMs === undefined ? text(range.minMs) : `${text(range.minMs)}..${text(range.maxMs)}`;
}

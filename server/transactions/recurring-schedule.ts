// Asia/Jakarta has no daylight saving: calendar arithmetic on UTC+7 wall time is exact.
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

/** One step of a schedule: a fixed number of milliseconds, or calendar months (a year is 12). */
export type IntervalStep = { ms: number } | { months: number };

/**
 * The `intervalUnit` values accepted (chosen: the docs show only `monthly` and, in retry, `minutes`), each as one
 * step; `schemas/recurring.json` lists the same names (a test keeps the two in step).
 */
export const INTERVAL_UNITS: Readonly<Record<string, IntervalStep>> = {
  minute: { ms: MINUTE_MS }, minutes: { ms: MINUTE_MS },
  hour: { ms: 60 * MINUTE_MS }, hours: { ms: 60 * MINUTE_MS }, hourly: { ms: 60 * MINUTE_MS },
  day: { ms: 1440 * MINUTE_MS }, days: { ms: 1440 * MINUTE_MS }, daily: { ms: 1440 * MINUTE_MS },
  week: { ms: 7 * 1440 * MINUTE_MS }, weeks: { ms: 7 * 1440 * MINUTE_MS }, weekly: { ms: 7 * 1440 * MINUTE_MS },
  month: { months: 1 }, months: { months: 1 }, monthly: { months: 1 },
  year: { months: 12 }, years: { months: 12 }, yearly: { months: 12 },
};

/** The step of `unit` (written in lower case, as the docs do), or undefined for a unit not in the table. */
export function stepOf(unit: string): IntervalStep | undefined {
  return Object.hasOwn(INTERVAL_UNITS, unit) ? INTERVAL_UNITS[unit] : undefined;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** `count` months after `at` in Asia/Jakarta, same time of day, the day clamped to the month's last (Jan 31 + 1 → Feb 28/29). */
export function addMonths(at: number, count: number): number {
  const wall = new Date(at + JAKARTA_OFFSET_MS);
  const months = wall.getUTCFullYear() * 12 + wall.getUTCMonth() + count;
  const year = Math.floor(months / 12);
  const month0 = months - year * 12;
  const day = Math.min(wall.getUTCDate(), daysInMonth(year, month0));
  const timeOfDay = at + JAKARTA_OFFSET_MS - Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  return Date.UTC(year, month0, day) + timeOfDay - JAKARTA_OFFSET_MS;
}

/** `count` × `interval` steps after `at`, counted from `at` itself so month ends never drift. */
export function stepsAfter(at: number, step: IntervalStep, interval: number, count: number): number {
  return 'ms' in step ? at + step.ms * interval * count : addMonths(at, step.months * interval * count);
}

/** 00:00 Asia/Jakarta of a `YYYYMMDD` date (validated by the request schema). */
export function jakartaMidnight(yyyymmdd: string): number {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) - JAKARTA_OFFSET_MS;
}

/** The first instant after `YYYYMMDD` in Asia/Jakarta: the end date is the last day charges may fall on. */
export function jakartaDayAfter(yyyymmdd: string): number {
  return jakartaMidnight(yyyymmdd) + 1440 * MINUTE_MS;
}

/**
 * A calendar amount of time (`1 month`, `2 years`, `3 weeks`, `1 monthly`) added to `at`; undefined for anything
 * else (the clock's plain durations, `90s`, `2h`, are read elsewhere).
 */
export function calendarAdvance(at: number, amount: unknown): number | undefined {
  if (typeof amount !== 'string') return undefined;
  const match = /^\s*(\d{1,4})\s*([a-zA-Z]+)\s*$/.exec(amount);
  const step = match && stepOf(match[2]!.toLowerCase());
  return step ? stepsAfter(at, step, Number(match[1]), 1) : undefined;
}

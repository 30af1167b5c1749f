import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './problem.js';

/** A refused control request, answered as problem+json by `answering`. */
export class Problem extends Error {
  constructor(readonly status: number, readonly title: string, detail: string) {
    super(detail);
  }
}

/** A non-empty string, or undefined for anything else. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A virtual-clock time as ISO-8601 UTC; none as null. */
export const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

const MAX_PAGE = 1000;

/** `limit` (1-1000, default 100) and `offset` (default 0) of a list; anything else is refused, not guessed at. */
export function page(req: Request): { limit: number; offset: number } {
  const read = (name: 'limit' | 'offset', fallback: number, min: number, max: number): number => {
    const given = req.query[name];
    if (given === undefined || given === '') return fallback;
    const value = typeof given === 'string' && /^\d{1,15}$/.test(given) ? Number(given) : NaN;
    if (!(value >= min && value <= max)) throw new Problem(400, 'Bad paging', `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(given)}`);
    return value;
  };
  return { limit: read('limit', 100, 1, MAX_PAGE), offset: read('offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

/**
 * The filters of a list query, each one text value (empty = not given); an unknown name or a list or object
 * (`?state[]=active`) is refused, since it would otherwise be no filter at all. `limit` and `offset` are always allowed.
 */
export function filtersOf<K extends string>(req: Request, filters: readonly K[], title: string): Partial<Record<K, string>> {
  const allowed = [...filters, 'limit', 'offset'];
  const read: Partial<Record<K, string>> = {};
  for (const [name, value] of Object.entries(req.query)) {
    if (!allowed.includes(name)) throw new Problem(400, title, `${name.slice(0, 100)} is not a filter (filters: ${allowed.join(', ')})`);
    if (typeof value !== 'string') throw new Problem(400, title, `${name} must be a single value`);
    if (value !== '' && (filters as readonly string[]).includes(name)) read[name as K] = value;
  }
  return read;
}

/** `value` if it is one of `allowed` (or not given), else a 400 naming the choices. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, title: string): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new Problem(400, title, `${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value.slice(0, 100))}`);
}

/** One page of `items` (newest first already) as the control lists answer it. */
export function paged<T>(req: Request, items: readonly T[], view: (item: T) => unknown): { total: number; limit: number; offset: number; items: unknown[] } {
  const { limit, offset } = page(req);
  return { total: items.length, limit, offset, items: items.slice(offset, offset + limit).map(view) };
}

/** A route whose thrown Problem is answered as problem+json; anything else goes to the router's error handler. */
export const answering = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response, next: NextFunction): Promise<void> => {
  try {
    await fn(req, res);
  } catch (err) {
    if (err instanceof Problem) sendProblem(res, err.status, err.title, err.message);
    else next(err);
  }
};

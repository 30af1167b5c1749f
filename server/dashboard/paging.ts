const PAGE_SIZE = 50;

interface Paged<T> {
  items: T[];
  total: number;
  /** 1-based, within 1…pages. */
  page: number;
  pages: number;
}

/** One page of `all`; a page number past either end (or not a number) gives the nearest page. */
export function paginate<T>(all: readonly T[], requested: unknown, size = PAGE_SIZE): Paged<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const wanted = typeof requested === 'string' ? Number.parseInt(requested, 10) : 1;
  const page = Math.min(Math.max(Number.isFinite(wanted) ? wanted : 1, 1), pages);
  return { items: all.slice((page - 1) * size, page * size), total: all.length, page, pages };
}

/** A query parameter as a trimmed string ('' when absent, repeated or too long to be a real value). */
export function param(value: unknown, maxLength = 200): string {
  return typeof value === 'string' && value.length <= maxLength ? value.trim() : '';
}

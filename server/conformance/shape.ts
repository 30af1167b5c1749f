// Compares two gateway answers by shape: keys, their order, JSON types and string formats; values only where asked.

/** One way an observed answer departs from what finnet-mock answers. */
export interface Difference {
  /** Dotted JSON path (`data.result.payment.status`), or `HTTP status`, `content-type`, `expiryLink offset`. */
  path: string;
  kind: 'status' | 'header' | 'value' | 'missing' | 'extra' | 'order' | 'type' | 'format' | 'offset';
  expected: unknown;
  observed: unknown;
}

/** String formats told apart by pattern: values that differ by nature (ids, tokens, times) still match by format. */
const FORMATS: ReadonlyArray<readonly [string, RegExp]> = [
  ['empty', /^$/],
  ['datetime YYYY-MM-DD HH:mm:ss', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/],
  ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
  ['url', /^https?:\/\/\S+$/],
  ['app link', /^[a-z][a-z0-9+.-]*:\/\/\S+$/i],
  ['digits', /^\d+$/],
];

export function formatOf(text: string): string {
  return FORMATS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'text';
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeOf(value) === 'object';
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

/** Differences of shape between `expected` and `observed`; paths in `values` are also compared by value. */
export function compareShapes(expected: unknown, observed: unknown, values: ReadonlySet<string>, path = ''): Difference[] {
  if (values.has(path) && JSON.stringify(expected) !== JSON.stringify(observed)) return [{ path, kind: 'value', expected, observed }];
  const [te, to] = [typeOf(expected), typeOf(observed)];
  if (te !== to) return [{ path, kind: 'type', expected: te, observed: to }];
  if (typeof expected === 'string' && typeof observed === 'string') {
    const [fe, fo] = [formatOf(expected), formatOf(observed)];
    return fe === fo ? [] : [{ path, kind: 'format', expected: fe, observed: fo }];
  }
  if (Array.isArray(expected) && Array.isArray(observed)) {
    return expected.slice(0, observed.length).flatMap((item, i) => compareShapes(item, observed[i], values, join(path, i)));
  }
  if (isObject(expected) && isObject(observed)) return compareObjects(expected, observed, values, path);
  return [];
}

function compareObjects(expected: Record<string, unknown>, observed: Record<string, unknown>, values: ReadonlySet<string>, path: string): Difference[] {
  const [ke, ko] = [Object.keys(expected), Object.keys(observed)];
  const differences: Difference[] = [
    ...ke.filter((k) => !(k in observed)).map((k): Difference => ({ path: join(path, k), kind: 'missing', expected: typeOf(expected[k]), observed: 'absent' })),
    ...ko.filter((k) => !(k in expected)).map((k): Difference => ({ path: join(path, k), kind: 'extra', expected: 'absent', observed: typeOf(observed[k]) })),
  ];
  const shared = (keys: string[], other: Record<string, unknown>) => keys.filter((k) => k in other);
  const [oe, oo] = [shared(ke, observed), shared(ko, expected)];
  if (oe.join() !== oo.join()) differences.push({ path: path || '(top level)', kind: 'order', expected: oe, observed: oo });
  for (const key of oe) differences.push(...compareShapes(expected[key], observed[key], values, join(path, key)));
  return differences;
}

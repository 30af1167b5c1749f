/**
 * Merchant JSON as a PHP gateway echoes it. JS objects put integer-like keys first (`{"1":"a","0":"b"}` reads
 * back as `{"0":"b","1":"a"}`); PHP arrays keep the order sent, and decode `{}` and `{"0":…,"1":…}` into lists.
 */
export class OrderedObject {
  constructor(readonly entries: readonly (readonly [string, OrderedValue])[]) {}

  /** For JSON.stringify, which cannot keep the order: the same keys and values (and a note that it met one). */
  toJSON(): Record<string, OrderedValue> {
    stringified++;
    return Object.fromEntries(this.entries);
  }
}

// How many OrderedObjects JSON.stringify has met: jsonText's fast path is right when it met none.
let stringified = 0;

export type OrderedValue = null | boolean | number | string | readonly OrderedValue[] | OrderedObject;

const INTEGER_KEY = /^(?:0|[1-9]\d*)$/;

/** Whether JS's own view of `value` differs from PHP's: some object in it is empty or has an integer-like key. */
export function needsSourceOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(needsSourceOrder);
  const keys = Object.keys(value);
  return keys.length === 0 || keys.some((k) => INTEGER_KEY.test(k)) || Object.values(value).some(needsSourceOrder);
}

/** A reader over JSON text that JSON.parse has already accepted (so it never meets malformed input). */
class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }

  private stringEnd(from: number): number {
    let end = this.text.indexOf('"', from + 1);
    // A quote preceded by an odd number of backslashes is escaped.
    for (;;) {
      let slashes = 0;
      while (this.text[end - 1 - slashes] === '\\') slashes++;
      if (slashes % 2 === 0) return end + 1;
      end = this.text.indexOf('"', end + 1);
    }
  }

  private string(): string {
    const start = this.at;
    this.at = this.stringEnd(start);
    return JSON.parse(this.text.slice(start, this.at)) as string;
  }

  /** The members of the object at the cursor, each read by `member` once its key is read. */
  private members(member: (key: string) => void): void {
    this.at++;
    this.skipSpace();
    while (this.text[this.at] !== '}') {
      const key = this.string();
      this.skipSpace();
      this.at++;
      member(key);
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      this.skipSpace();
    }
    this.at++;
  }

  private elements(element: () => void): void {
    this.at++;
    this.skipSpace();
    while (this.text[this.at] !== ']') {
      element();
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      this.skipSpace();
    }
    this.at++;
  }

  /** The value at the cursor as PHP's `json_decode($text, true)` holds it. */
  value(): OrderedValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '[') {
      const list: OrderedValue[] = [];
      this.elements(() => list.push(this.value()));
      return list;
    }
    if (c === '{') {
      const entries: [string, OrderedValue][] = [];
      const index = new Map<string, number>();
      // A repeated key keeps its first place and its last value, in PHP as in JS.
      this.members((key) => {
        const value = this.value();
        const seen = index.get(key);
        if (seen === undefined) index.set(key, entries.push([key, value]) - 1);
        else entries[seen] = [key, value];
      });
      return entries.every(([key], i) => key === String(i)) ? entries.map(([, v]) => v) : new OrderedObject(entries);
    }
    const start = this.at;
    while (this.at < this.text.length && !',]} \t\n\r'.includes(this.text[this.at]!)) this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as OrderedValue;
  }

  private skip(): void {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '"') this.at = this.stringEnd(this.at);
    else if (c === '[') this.elements(() => this.skip());
    else if (c === '{') this.members(() => this.skip());
    else while (this.at < this.text.length && !',]} \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }

  /** The text of the value at `path` (object keys; the last of a repeated key, as JSON.parse reads it). */
  textAt(path: readonly string[]): string | undefined {
    this.skipSpace();
    const start = this.at;
    if (path.length === 0) {
      this.skip();
      return this.text.slice(start, this.at);
    }
    if (this.text[this.at] !== '{') return undefined;
    let found: number | undefined;
    this.members((key) => {
      this.skipSpace();
      if (key === path[0]) found = this.at;
      this.skip();
    });
    if (found === undefined) return undefined;
    this.at = found;
    return this.textAt(path.slice(1));
  }
}

/** The JSON text of the value at `path` in `text` (valid JSON), as the merchant wrote it. */
export function jsonTextAt(text: string, path: readonly string[]): string | undefined {
  return new Reader(text).textAt(path);
}

/** A JSON text (valid JSON) as PHP decodes it: keys in the order written, lists where PHP makes them. */
export function parseOrdered(text: string): OrderedValue {
  return new Reader(text).value();
}

/** JSON.stringify, except that OrderedObjects are written in their own key order. */
export function jsonText(value: unknown): string {
  const before = stringified;
  const text = JSON.stringify(value) ?? 'null';
  return stringified === before ? text : orderedText(value);
}

function orderedText(value: unknown): string {
  if (value instanceof OrderedObject) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${orderedText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : orderedText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${orderedText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

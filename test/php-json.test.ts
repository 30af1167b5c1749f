import { describe, expect, it } from 'vitest';
import { phpJsonEncode } from '../server/callbacks/php-json.js';

// Every expected string below is the exact output of PHP 8.2 `json_encode($value)` with default flags
// (checked with php8.2-cli on Debian 12). Inputs are given as JS values; the PHP input is the equivalent
// string / array / stdClass.

describe('phpJsonEncode: strings, against known PHP json_encode output', () => {
  const cases: Array<[name: string, input: string, php: string]> = [
    ['escapes every "/" in URLs', 'https://example.com/a/b?x=1&y=2', '"https:\\/\\/example.com\\/a\\/b?x=1&y=2"'],
    ['é becomes \\u00e9', 'é', '"\\u00e9"'],
    ['Latin-1 ÿ becomes \\u00ff', 'ÿ', '"\\u00ff"'],
    ['en dash becomes \\u2013', 'Rp 1.000 – ok', '"Rp 1.000 \\u2013 ok"'],
    ['emoji becomes a lower-case surrogate pair', '😀', '"\\ud83d\\ude00"'],
    ['highest code point U+10FFFF becomes \\udbff\\udfff', '\u{10FFFF}', '"\\udbff\\udfff"'],
    ['CJK becomes \\uXXXX per character', '日本語 中文', '"\\u65e5\\u672c\\u8a9e \\u4e2d\\u6587"'],
    ['quotes and backslashes are escaped', 'say "hi" \\ back', '"say \\"hi\\" \\\\ back"'],
    ['\\n \\t \\r \\b \\f use short escapes', 'a\nb\tc\r\b\f', '"a\\nb\\tc\\r\\b\\f"'],
    ['other control characters become \\u00XX (lower-case hex)', '\u0001\u001f\u0000\u001b', '"\\u0001\\u001f\\u0000\\u001b"'],
    ['DEL (0x7f) is kept raw', 'del\u007f', '"del\u007f"'],
    ["<, >, & and ' are not escaped (only the / is)", "<a href='x'>&</a>", '"<a href=\'x\'>&<\\/a>"'],
    ['U+2028 / U+2029 are escaped', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['empty string', '', '""'],
  ];
  for (const [name, input, php] of cases) {
    it(name, () => {
      expect(phpJsonEncode(input)).toBe(php);
    });
  }

  it('escapes object keys the same way as values', () => {
    expect(phpJsonEncode({ 'a/b': 1, 'é"': 2 })).toBe('{"a\\/b":1,"\\u00e9\\"":2}');
  });
});

describe('phpJsonEncode: scalars and numbers', () => {
  it('writes integers, negative numbers, zero, null and booleans like PHP', () => {
    expect(phpJsonEncode(1)).toBe('1');
    expect(phpJsonEncode(200000)).toBe('200000');
    expect(phpJsonEncode(-5)).toBe('-5');
    expect(phpJsonEncode(0)).toBe('0');
    expect(phpJsonEncode(null)).toBe('null');
    expect(phpJsonEncode(true)).toBe('true');
    expect(phpJsonEncode(false)).toBe('false');
    expect(phpJsonEncode(9007199254740992)).toBe('9007199254740992');
    expect(phpJsonEncode(123456789012)).toBe('123456789012');
  });

  it('writes ordinary floats with the shortest round-trip digits (PHP serialize_precision = -1)', () => {
    expect(phpJsonEncode(3.5)).toBe('3.5');
    expect(phpJsonEncode(-0.25)).toBe('-0.25');
    expect(phpJsonEncode(0.1)).toBe('0.1');
    expect(phpJsonEncode(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(phpJsonEncode(123456.789)).toBe('123456.789');
    expect(phpJsonEncode(0.0001)).toBe('0.0001');
  });

  it('whole floats such as 1000.0 encode as "1000": a JS number cannot tell 1000.0 from 1000, and PHP default json_encode(1000.0) is also "1000" (".0" only with JSON_PRESERVE_ZERO_FRACTION)', () => {
    expect(phpJsonEncode(1000.0)).toBe('1000');
    expect(phpJsonEncode(200000.0)).toBe('200000');
  });

  it('writes tiny and huge floats in PHP exponent form (1.0e-5, 1.0e+21), not JS form (0.00001, 1e+21)', () => {
    expect(phpJsonEncode(0.00001)).toBe('1.0e-5');
    expect(phpJsonEncode(2.5e-5)).toBe('2.5e-5');
    expect(phpJsonEncode(-1.5e-7)).toBe('-1.5e-7');
    expect(phpJsonEncode(5e-324)).toBe('5.0e-324');
    expect(phpJsonEncode(1e21)).toBe('1.0e+21');
    expect(phpJsonEncode(1.5e300)).toBe('1.5e+300');
    expect(phpJsonEncode(1.7976931348623157e308)).toBe('1.7976931348623157e+308');
    // Whole values that do not fit PHP's int64 are floats in PHP (json_decode reads them as float).
    expect(phpJsonEncode(1e19)).toBe('1.0e+19');
    expect(phpJsonEncode(-(2 ** 63))).toBe('-9.223372036854776e+18');
    // ...whole values that fit stay integers, however large.
    expect(phpJsonEncode(1e17)).toBe('100000000000000000');
    expect(phpJsonEncode(1e18)).toBe('1000000000000000000');
  });

  it('writes -0 as 0 (PHP json_decode reads "-0" as int 0)', () => {
    expect(phpJsonEncode(-0)).toBe('0');
  });
});

describe('phpJsonEncode: arrays and objects', () => {
  it('is compact and encodes nested arrays/objects', () => {
    expect(phpJsonEncode({ b: 1, a: { x: [], y: {}, z: [1, [2, []]] } })).toBe('{"b":1,"a":{"x":[],"y":{},"z":[1,[2,[]]]}}');
    expect(phpJsonEncode([1, 'two', null, true, { k: [false] }])).toBe('[1,"two",null,true,{"k":[false]}]');
  });

  it('encodes an empty array as [] and an empty object as {}', () => {
    expect(phpJsonEncode([])).toBe('[]');
    expect(phpJsonEncode({})).toBe('{}');
  });

  it('preserves key insertion order (no sorting)', () => {
    expect(phpJsonEncode({ zeta: 1, alpha: 2, mid: 3 })).toBe('{"zeta":1,"alpha":2,"mid":3}');
  });

  it('drops undefined values in objects (like JSON.stringify) and writes undefined array items as null', () => {
    expect(phpJsonEncode({ a: 1, gone: undefined, b: 2 })).toBe('{"a":1,"b":2}');
    expect(phpJsonEncode([1, undefined, 3])).toBe('[1,null,3]');
  });

  it('encodes a callback-shaped object exactly', () => {
    const fields = {
      merchant: { id: 'MID' },
      customer: { id: '' },
      order: { id: 'TX604860-926105', reference: 'ref/1', amount: 200000, currency: 'IDR' },
      transaction: { acquirerId: null },
      meta: { data: 'Café – https://x/y 😀' },
    };
    expect(phpJsonEncode(fields)).toBe(
      '{"merchant":{"id":"MID"},"customer":{"id":""},' +
        '"order":{"id":"TX604860-926105","reference":"ref\\/1","amount":200000,"currency":"IDR"},' +
        '"transaction":{"acquirerId":null},' +
        '"meta":{"data":"Caf\\u00e9 \\u2013 https:\\/\\/x\\/y \\ud83d\\ude00"}}',
    );
  });
});

// ---- property test: JSON.parse(phpJsonEncode(v)) deep-equals v ----

/** mulberry32: small seeded PRNG so failures are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function generator(rand: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

  const codePoint = (): number => {
    switch (int(8)) {
      case 0: return int(0x20); // control characters
      case 1: return pick([0x22, 0x5c, 0x2f, 0x7f, 0x3c, 0x3e, 0x26, 0x27]); // " \ / DEL < > & '
      case 2: return 0x80 + int(0x780); // Latin-1 .. 2-byte UTF-8
      case 3: return 0x800 + int(0xd800 - 0x800); // BMP below the surrogates (CJK, dashes, ...)
      case 4: return 0xe000 + int(0x2000); // BMP above the surrogates
      case 5: return 0x10000 + int(0x100000); // astral: emoji etc. (surrogate pairs)
      default: return 0x20 + int(0x5f); // printable ASCII
    }
  };
  const string = (): string => {
    let s = '';
    for (let n = int(12); n > 0; n--) s += String.fromCodePoint(codePoint());
    return s;
  };
  const number = (): number => {
    let v: number;
    switch (int(6)) {
      case 0: v = int(2_000_001) - 1_000_000; break;
      case 1: v = Math.round((rand() - 0.5) * 10 ** int(22)); break; // integers up to ~1e21
      case 2: v = Number(((rand() - 0.5) * 1e6).toFixed(int(4))); break; // money-like decimals
      case 3: v = (rand() - 0.5) * 10 ** (int(40) - 20); break; // tiny .. huge floats
      case 4: v = pick([0, 1, -1, 0.1, 1e-5, 1e21, 2 ** 53, 2 ** 63, Number.MAX_VALUE, Number.MIN_VALUE]); break;
      default: v = rand() * 1000;
    }
    return Object.is(v, -0) ? 0 : v; // -0 is written as 0 (see above); keep the deep-equality exact
  };
  const value = (depth: number): Json => {
    switch (int(depth > 3 ? 4 : 6)) {
      case 0: return null;
      case 1: return rand() < 0.5;
      case 2: return number();
      case 3: return string();
      case 4: return Array.from({ length: int(5) }, () => value(depth + 1));
      default: {
        const obj: { [key: string]: Json } = {};
        for (let n = int(5); n > 0; n--) obj[rand() < 0.3 ? String(int(100)) : string()] = value(depth + 1);
        return obj;
      }
    }
  };
  return { value };
}

describe('phpJsonEncode: round-trip property', () => {
  it('JSON.parse(phpJsonEncode(v)) deep-equals v for 3000 seeded random JSON values, and the output is ASCII only', () => {
    const rand = prng(0xf1e7);
    const { value } = generator(rand);
    for (let i = 0; i < 3000; i++) {
      const v = value(0);
      const encoded = phpJsonEncode(v);
      // Printable ASCII plus raw DEL; anything else must have been escaped.
      expect(encoded, `case ${i}`).toMatch(/^[\x20-\x7f]*$/);
      expect(JSON.parse(encoded), `case ${i}: ${encoded}`).toStrictEqual(v);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        expect(Object.keys(JSON.parse(encoded) as object), `case ${i}: key order`).toEqual(Object.keys(v));
      }
    }
  });
});

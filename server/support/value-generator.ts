import { randomInt } from 'node:crypto';
import { createGeneratorSync, type JsonSchema } from 'json-schema-faker';
import { loadSchemaFile } from './schema-files.js';

type ValueKind = 'token' | 'kredivoToken' | 'pendingId' | 'reference' | 'authCode' | 'digits';

/**
 * Every generated value (tokens, payment codes, references) comes from json-schema-faker over
 * `schemas/generated-values.json`, and trace ids from a PRNG, all seeded: the same seed and the same
 * requests give the same values.
 */
export class ValueGenerator {
  private readonly generator: { generate(schema: JsonSchema): unknown };
  // Trace ids go out with every answer, so they come from a seeded PRNG: json-schema-faker takes ~25 µs a value.
  private readonly traceRandom: () => number;
  private readonly schemas: Record<ValueKind, JsonSchema>;
  readonly seed: number;

  constructor(seed?: string) {
    this.seed = seed === undefined ? randomInt(2 ** 31) : seedNumber(seed);
    this.generator = createGeneratorSync({ seed: this.seed });
    this.traceRandom = sfc32(this.seed);
    const file = loadSchemaFile('generated-values.json') as { $defs: Record<ValueKind, JsonSchema> };
    this.schemas = file.$defs;
  }

  private value(kind: ValueKind): string {
    return String(this.generator.generate(this.schemas[kind]));
  }

  /** 64 lower-case hex characters, as in the card page URL. */
  token(): string {
    return this.value('token');
  }

  kredivoToken(): string {
    return this.value('kredivoToken');
  }

  /** The number in `/widgetpg/pending/<n>`, as in the pay code sample. */
  pendingId(): string {
    return this.value('pendingId');
  }

  /** A UUID, as observed in `order.reference` and `x-external-id`. */
  reference(): string {
    return this.value('reference');
  }

  /** A UUID (version 4 layout), as in the gateway's `traceId`. */
  traceId(): string {
    const hex = [this.traceRandom(), this.traceRandom(), this.traceRandom(), this.traceRandom()].map((n) => n.toString(16).padStart(8, '0')).join('');
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** A 6-digit acquirer authorisation code. */
  authCode(): string {
    return this.value('authCode');
  }

  /** `prefix` followed by random digits up to `length` characters. */
  code(prefix: string, length: number): string {
    let digits = '';
    while (digits.length < length - prefix.length) digits += this.value('digits');
    return prefix + digits.slice(0, length - prefix.length);
  }
}

/** The sfc32 generator: 32-bit unsigned values, the same sequence for the same seed. */
export function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first values of a fresh state are poorly mixed.
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** A seed given as a number is used as is; any other text is hashed (FNV-1a) to a number. */
export function seedNumber(seed: string): number {
  if (/^\d{1,9}$/.test(seed)) return Number(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

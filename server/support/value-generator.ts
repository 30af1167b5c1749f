import { randomInt } from 'node:crypto';
import { createGeneratorSync, type JsonSchema } from 'json-schema-faker';
import { loadSchemaFile } from './schema-files.js';

type ValueKind = 'token' | 'kredivoToken' | 'pendingId' | 'reference' | 'traceId' | 'authCode' | 'digits';

/**
 * Every generated value (tokens, payment codes, references, trace ids) comes from json-schema-faker
 * over `schemas/generated-values.json`, seeded: the same seed and the same requests give the same values.
 */
export class ValueGenerator {
  private readonly generator: { generate(schema: JsonSchema): unknown };
  private readonly schemas: Record<ValueKind, JsonSchema>;
  readonly seed: number;

  constructor(seed?: string) {
    this.seed = seed === undefined ? randomInt(2 ** 31) : seedNumber(seed);
    this.generator = createGeneratorSync({ seed: this.seed });
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

  traceId(): string {
    return this.value('traceId');
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

/** A seed given as a number is used as is; any other text is hashed (FNV-1a) to a number. */
function seedNumber(seed: string): number {
  if (/^\d{1,9}$/.test(seed)) return Number(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

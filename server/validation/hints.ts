import type { ErrorObject } from 'ajv';

/** A schema node as the hints read it (the keywords the request schemas use). */
interface SchemaNode {
  type?: string | string[];
  anyOf?: SchemaNode[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  description?: string;
}

// Every pattern of the request schemas, as a developer reads it (test/hints.test.ts checks none is missing).
export const PATTERN_TEXT: Record<string, string> = {
  '^\\+62[0-9]{7,16}$': 'E.164 +62 then 7-16 digits, e.g. +6281234567890 (08... is refused)',
  '^\\+?[0-9]{5,15}$': '5-15 digits, + allowed in front',
  '^[1-9][0-9]{0,13}(\\.0+)?$': 'a whole amount in digits, 1-14 of them, no leading 0 (".0" allowed)',
  '^[0-9]{1,14}(\\.0+)?$': 'a whole amount in digits, 1-14 of them (".0" allowed)',
  '^[1-9][0-9]{0,7}$': 'minutes in digits, 1-99999999',
  '^[0-9]{1,2}$': '1-2 digits',
  '^[1-9][0-9]{0,5}$': 'a count in digits, 1-999999',
  '^[A-Za-z0-9_-]+$': 'letters, digits, _ and - only',
  '^[A-Z]{3}$': 'three capital letters (ISO code, e.g. IDR)',
  '^[0-9]{4}$': 'exactly 4 digits',
  '^[0-9]{8}$': 'exactly 8 digits',
  '^[0-9a-fA-F]{64}$': '64 hexadecimal characters',
  '^[0-9]+$': 'digits only',
  '^08[0-9]{7,12}$': 'a local number 08 then 7-12 digits (OVO wants it without +62)',
  '^(0?[1-9]|[1-9][0-9])$': 'a count in digits, 1-99',
};

const FORMAT_TEXT: Record<string, string> = {
  email: 'an email address',
  'http-url': 'an http(s) URL without credentials, spaces or port 0',
  yyyymmdd: 'a real date written YYYYMMDD, e.g. 20240715',
};

const TYPE_TEXT: Record<string, string> = {
  string: 'text', integer: 'an integer', number: 'a number', object: 'an object', array: 'a list', boolean: 'true or false', null: 'null',
};

/** At most this many enum values are listed; the header stays short. */
const MAX_LISTED = 50;

function listOf(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED).map(String).join(', ');
  return values.length > MAX_LISTED ? `${shown}, ...` : shown;
}

function typeText(type: string | string[] | undefined): string {
  return (Array.isArray(type) ? type : [type ?? 'string']).map((t) => TYPE_TEXT[t] ?? t).join(' or ');
}

function lengthText(node: SchemaNode): string {
  const min = node.minLength ?? 0;
  return node.maxLength === undefined ? 'non-empty text' : `text of ${Math.max(min, 1)}-${node.maxLength} characters`;
}

/** What a schema node accepts, in words. */
function describeSchema(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map(describeSchema).join(', or ');
  if (node.enum) return `one of: ${listOf(node.enum)}`;
  if (node.pattern) {
    const text = PATTERN_TEXT[node.pattern] ?? `text matching ${node.pattern}`;
    return node.maxLength === undefined ? text : `${text}, up to ${node.maxLength} characters`;
  }
  if (node.format) return FORMAT_TEXT[node.format] ?? `a ${node.format}`;
  if (node.minimum !== undefined || node.maximum !== undefined) {
    return `${typeText(node.type)} from ${node.minimum ?? '-infinity'} to ${node.maximum ?? 'infinity'}`;
  }
  if (node.type === 'string' && (node.minLength !== undefined || node.maxLength !== undefined)) return lengthText(node);
  return typeText(node.type);
}

type Params = Record<string, unknown>;

/** What one failed keyword asks for, from its parameters (and its schema node when a type is wrong). */
const KEYWORD_TEXT: Record<string, (params: Params, node: SchemaNode) => string> = {
  type: (_params, node) => `must be ${describeSchema(node)}`,
  enum: (params) => `must be one of: ${listOf(params.allowedValues as unknown[])}`,
  const: (params) => `must be ${String(params.allowedValue)}`,
  pattern: (_params, node) => `must be ${describeSchema(node)}`,
  format: (params) => `must be ${FORMAT_TEXT[String(params.format)] ?? `a ${String(params.format)}`}`,
  maxLength: (params) => `must be at most ${String(params.limit)} characters`,
  minLength: (params) => (params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`),
  maxItems: (params) => `must hold at most ${String(params.limit)} items`,
  minItems: (params) => `must hold at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
  minimum: (params) => `must be at least ${String(params.limit)}`,
  maximum: (params) => `must be at most ${String(params.limit)}`,
  anyOf: (_params, node) => `must be ${describeSchema(node)}`,
  datesInOrder: (params) => `${String(params.value)} is before ${String(params.from)} ${String(params.limit)}`,
  not: (_params, node) => `is refused: ${node.description ?? 'the value is not allowed here'}`,
  itemsTotalEqualsAmount: (params) => `${String(params.amount)} is not the sum of the items (${String(params.total)})`,
};

/** ` for the kredivo channel` when a channel's own rule file (schemas/channels/) asks for the field. */
function neededBy(error: ErrorObject): string {
  const channel = /channels\/([a-z0-9-]+)\.json/.exec(error.schemaPath)?.[1];
  return channel ? ` for the ${channel} channel` : '';
}

/**
 * What the developer should have sent for `field`, from the errors ajv gave for that field (run with
 * `verbose`, so each carries its schema node): an `anyOf` is described whole, not by its first failed branch.
 */
export function validationHint(field: string, kind: 'missing' | 'format', errors: readonly ErrorObject[]): string {
  const chosen = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
  if (kind === 'missing') return chosen?.keyword === 'required' ? `${field} is required${neededBy(chosen)}` : `${field} must not be empty`;
  if (!chosen) return `${field} is not valid`;
  const text = KEYWORD_TEXT[chosen.keyword]?.(chosen.params as Params, (chosen.parentSchema ?? {}) as SchemaNode);
  return `${field} ${text ?? `fails the schema rule "${chosen.keyword}"`}`;
}

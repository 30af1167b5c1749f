import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import _Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { acceptedTypes, CHANNELS, type Channel } from '../channels/table.js';
import { canonicalPath, labelOf } from './labels.js';
import { outlineOf, type SchemaOutline } from './schema-outline.js';
import { SCHEMA_DIR } from '../paths.js';
import { loadSchemaFile } from './schema-files.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export is the module object.
const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;

export interface ValidationFailure {
  kind: 'missing' | 'format';
  /** The path as sent, e.g. `order.item.0.category`. */
  field: string;
  /** The path as the gateway names it in messages, e.g. `customer.mobile phone`. */
  label: string;
  /** The schema rule that failed (`required`, `pattern`, `maxLength`, …). */
  rule: string;
}

interface CompiledRules {
  validate: ValidateFunction;
  outline: SchemaOutline;
}

const BASE = 'https://finnet-mock.local/schemas/';
const REQUEST_SCHEMA_FILES = ['common.json', 'order.json', 'item.json', 'customer.json', 'url.json', 'address.json',
  'billing.json', 'shipping.json', 'meta.json', 'card.json', 'recurring.json', 'source-of-funds.json', 'device.json',
  'initiate-request.json', 'void-request.json', 'refund-request.json'];

/** Bodies of the operations on an existing order, each with its own schema file. */
export type Operation = 'void' | 'refund';

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** `order.item` must add up to `order.amount` (sum of quantity × unitPrice) whenever items are sent. */
function itemsTotalEqualsAmount(this: unknown, _schema: boolean, order: unknown, _parent?: unknown, cxt?: { instancePath: string }): boolean {
  const validateFn = itemsTotalEqualsAmount as unknown as { errors?: Partial<ErrorObject>[] };
  const { item, amount } = (order ?? {}) as { item?: unknown; amount?: unknown };
  if (!Array.isArray(item) || item.length === 0 || amount === undefined) return true;
  const total = item.reduce((sum: number, it: { quantity?: unknown; unitPrice?: unknown } | null) =>
    sum + toNumber(it?.quantity) * toNumber(it?.unitPrice), 0);
  if (!Number.isFinite(total) || total === toNumber(amount)) return true;
  validateFn.errors = [{ keyword: 'itemsTotalEqualsAmount', instancePath: `${cxt?.instancePath ?? ''}/amount`, params: {} }];
  return false;
}

/** Compiles the request schemas once and reports the first failing field in document order. */
export class RequestValidator {
  private readonly core: CompiledRules;
  private readonly byChannel = new Map<Channel, CompiledRules>();
  private readonly operations: Record<Operation, CompiledRules>;

  constructor() {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ['email']);
    ajv.addKeyword({ keyword: 'itemsTotalEqualsAmount', type: 'object', schemaType: 'boolean', errors: true, validate: itemsTotalEqualsAmount });
    for (const file of REQUEST_SCHEMA_FILES) ajv.addSchema(loadSchemaFile(file) as object);
    for (const file of readdirSync(join(SCHEMA_DIR, 'channels'))) ajv.addSchema(loadSchemaFile(`channels/${file}`) as object);

    const knownTypes = { type: 'object', properties: { sourceOfFunds: { type: 'object', properties: { type: { enum: acceptedTypes() } } } } };
    const compile = (ruleFiles: string[]): CompiledRules => ({
      validate: ajv.compile({
        allOf: [{ $ref: `${BASE}initiate-request.json` }, ...ruleFiles.map((f) => ({ $ref: `${BASE}channels/${f}` })), knownTypes],
      }),
      outline: outlineOf('initiate-request.json', ruleFiles),
    });
    this.core = compile([]);
    for (const channel of CHANNELS) if (channel.rules) this.byChannel.set(channel, compile([channel.rules]));
    const operation = (file: string): CompiledRules => ({ validate: ajv.compile({ $ref: `${BASE}${file}` }), outline: outlineOf(file, []) });
    this.operations = { void: operation('void-request.json'), refund: operation('refund-request.json') };
  }

  /** Validates an initiate body (already known to be an object) against the core rules plus the channel's. */
  validate(body: Record<string, unknown>, channel: Channel | undefined): ValidationFailure | null {
    const rules = (channel && this.byChannel.get(channel)) ?? this.core;
    if (rules.validate(body)) return null;
    return firstFailure(rules.validate.errors ?? [], rules.outline, body);
  }

  /** Validates the JSON body of a void or refund. */
  validateOperation(operation: Operation, body: unknown): ValidationFailure | null {
    const rules = this.operations[operation];
    if (rules.validate(body)) return null;
    return firstFailure(rules.validate.errors ?? [], rules.outline, body);
  }
}

function pointerToPath(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(body: unknown, path: string[]): unknown {
  let node = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function firstFailure(errors: ErrorObject[], outline: SchemaOutline, body: unknown): ValidationFailure | null {
  let best: { failure: ValidationFailure; rank: number[] } | null = null;
  for (const error of errors) {
    const path = pointerToPath(error.instancePath);
    if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
    const field = path.join('.');
    const value = valueAt(body, path);
    const missing = error.keyword === 'required' || ((value === null || value === '') && outline.required.has(canonicalPath(field)));
    const rank = documentRank(path, outline);
    // Within one field a missing value is reported before a format problem.
    const order = best ? compareRanks(rank, best.rank) || (missing && best.failure.kind === 'format' ? -1 : 0) : -1;
    if (order < 0) {
      best = { failure: { kind: missing ? 'missing' : 'format', field, label: labelOf(field), rule: error.keyword }, rank };
    }
  }
  return best?.failure ?? null;
}

/** For each segment: its place in document order and its array position, so parents sort before children. */
function documentRank(path: string[], outline: SchemaOutline): number[] {
  const rank: number[] = [];
  const canonical: string[] = [];
  for (const segment of path) {
    const index = /^\d+$/.test(segment) ? Number(segment) : -1;
    canonical.push(index >= 0 ? '*' : segment);
    rank.push(outline.order.get(canonical.join('.')) ?? Number.MAX_SAFE_INTEGER, index);
  }
  return rank;
}

// A shorter rank is a parent of the longer one's field: -2 sorts it first (below any array position).
function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -2;
    const y = b[i] ?? -2;
    if (x !== y) return x - y;
  }
  return 0;
}

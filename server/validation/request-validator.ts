import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { acceptedTypes, CHANNELS, type Channel } from '../channels/table.js';
import { isSendableUrl } from './http-url.js';
import { validationHint } from './hints.js';
import { canonicalPath, labelOf } from './labels.js';
import { outlineOf, type SchemaOutline } from './schema-outline.js';
import { loneSurrogatePath } from './php-decodable.js';
import { storedCardFailure } from './stored-card.js';
import { SCHEMA_DIR } from '../support/paths.js';
import { loadSchemaFile } from '../support/schema-files.js';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = _addFormats as unknown as typeof _addFormats.default;

export interface ValidationFailure {
  kind: 'missing' | 'format';
  /** The path as sent, e.g. `order.item.0.category`. */
  field: string;
  /** The path as the gateway names it in messages, e.g. `customer.mobile phone`. */
  label: string;
  /** The schema rule that failed (`required`, `pattern`, `maxLength`, …). */
  rule: string;
  /** What was expected, in words from the schema (the simulator's hint; never in the gateway's message). */
  hint: string;
}

/**
 * `fast` stops at the first failure (linear, and all a valid body costs); `thorough` collects every failure so the
 * first in document order can be reported, and only ever sees a body clipped to what the schemas allow.
 */
interface CompiledRules {
  fast: ValidateFunction;
  thorough: ValidateFunction;
  outline: SchemaOutline;
}

const BASE = 'https://finnet-mock.local/schemas/';
const REQUEST_SCHEMA_FILES = ['common.json', 'order.json', 'item.json', 'customer.json', 'url.json', 'address.json',
  'billing.json', 'shipping.json', 'meta.json', 'card.json', 'recurring.json', 'source-of-funds.json', 'device.json',
  'initiate-request.json', 'void-request.json', 'refund-request.json', 'open-va-request.json'];

/** Bodies of the operations on an existing order, each with its own schema file. */
export type Operation = 'void' | 'refund' | 'openVa';

/** One past the longest array and string any request schema allows: cut there, each keeps its verdict. */
interface Limits {
  items: number;
  chars: number;
}

// Only numbers and strings are converted: anything else is the field's own format error, never a thrown TypeError.
function numberOf(value: unknown): number {
  return typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
}

/** `order.item` must add up to `order.amount` (sum of quantity × unitPrice) whenever items are sent. */
function itemsTotalEqualsAmount(this: unknown, _schema: boolean, order: unknown, parent?: { properties?: { item?: { maxItems?: number } } },
  cxt?: { instancePath: string }): boolean {
  const validateFn = itemsTotalEqualsAmount as unknown as { errors?: Partial<ErrorObject>[] };
  const { item, amount } = (order ?? {}) as { item?: unknown; amount?: unknown };
  // Too many items is reported as that, whatever they add up to (and the sum is never taken over a clipped list).
  const tooMany = Array.isArray(item) && item.length > (parent?.properties?.item?.maxItems ?? Infinity);
  if (!Array.isArray(item) || item.length === 0 || tooMany || !Number.isFinite(numberOf(amount))) return true;
  const total = item.reduce((sum: number, it: { quantity?: unknown; unitPrice?: unknown } | null) =>
    sum + numberOf(it?.quantity) * numberOf(it?.unitPrice), 0);
  if (!Number.isFinite(total) || total === numberOf(amount)) return true;
  validateFn.errors = [{ keyword: 'itemsTotalEqualsAmount', instancePath: `${cxt?.instancePath ?? ''}/amount`, params: { amount: numberOf(amount), total } }];
  return false;
}

/** `YYYYMMDD` that names a real day (no 20230231). */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = [text.slice(0, 4), text.slice(4, 6), text.slice(6, 8)].map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return /^\d{8}$/.test(text) && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `[from, to]`: two `YYYYMMDD` fields of one object, `to` not before `from` (checked only when both are dates). */
function datesInOrder(this: unknown, [from, to]: string[], value: unknown, _parent?: unknown, cxt?: { instancePath: string }): boolean {
  const validateFn = datesInOrder as unknown as { errors?: Partial<ErrorObject>[] };
  const dates = (value ?? {}) as Record<string, unknown>;
  const [start, end] = [dates[from!], dates[to!]];
  if (typeof start !== 'string' || typeof end !== 'string' || !isCalendarDate(start) || !isCalendarDate(end) || end >= start) return true;
  validateFn.errors = [{ keyword: 'datesInOrder', instancePath: `${cxt?.instancePath ?? ''}/${to}`, params: { from, value: end, limit: start } }];
  return false;
}

function createAjv(allErrors: boolean, files: string[]): InstanceType<typeof Ajv2020> {
  // verbose: each error carries its schema node, which the hint describes (hints.ts).
  const ajv = new Ajv2020({ allErrors, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, ['email']);
  ajv.addFormat('http-url', { type: 'string', validate: isSendableUrl });
  ajv.addFormat('yyyymmdd', { type: 'string', validate: isCalendarDate });
  ajv.addKeyword({ keyword: 'datesInOrder', type: 'object', schemaType: 'array', errors: true, validate: datesInOrder });
  ajv.addKeyword({ keyword: 'itemsTotalEqualsAmount', type: 'object', schemaType: 'boolean', errors: true, validate: itemsTotalEqualsAmount });
  for (const file of files) ajv.addSchema(loadSchemaFile(file) as object);
  return ajv;
}

/** The largest value `keyword` has anywhere in the given schemas. */
function largest(keyword: string, node: unknown): number {
  if (node === null || typeof node !== 'object') return 0;
  const own = (node as Record<string, unknown>)[keyword];
  return Math.max(typeof own === 'number' ? own : 0, ...Object.values(node).map((child) => largest(keyword, child)));
}

/**
 * What the schemas see of a parsed body, at bounded cost: only the keys they look at, every array and string
 * cut to `limits`. The thorough pass runs on this view, so a 1 MB body costs it no more than a small one.
 */
function viewOf(value: unknown, path: string, outline: SchemaOutline, limits: Limits): unknown {
  if (typeof value === 'string') return value.length > limits.chars ? value.slice(0, limits.chars) : value;
  const below = path ? `${path}.` : '';
  if (Array.isArray(value)) return value.slice(0, limits.items).map((v) => viewOf(v, `${below}*`, outline, limits));
  if (value === null || typeof value !== 'object') return value;
  const view: Record<string, unknown> = {};
  for (const key of outline.children.get(path) ?? []) {
    if (Object.hasOwn(value, key)) view[key] = viewOf((value as Record<string, unknown>)[key], below + key, outline, limits);
  }
  return view;
}

/** Compiles the request schemas once and reports the first failing field in document order. */
export class RequestValidator {
  private readonly core: CompiledRules;
  private readonly byChannel = new Map<Channel, CompiledRules>();
  private readonly operations: Record<Operation, CompiledRules>;
  private readonly limits: Limits;

  constructor() {
    const files = [...REQUEST_SCHEMA_FILES, ...readdirSync(join(SCHEMA_DIR, 'channels')).map((f) => `channels/${f}`)];
    const schemas = files.map(loadSchemaFile);
    this.limits = { items: largest('maxItems', schemas) + 1, chars: largest('maxLength', schemas) + 1 };
    const fast = createAjv(false, files);
    const thorough = createAjv(true, files);

    const knownTypes = { type: 'object', properties: { sourceOfFunds: { type: 'object', properties: { type: { enum: acceptedTypes() } } } } };
    const both = (schema: object, outline: SchemaOutline): CompiledRules => ({ fast: fast.compile(schema), thorough: thorough.compile(schema), outline });
    const compile = (ruleFiles: string[]): CompiledRules => both(
      { allOf: [{ $ref: `${BASE}initiate-request.json` }, ...ruleFiles.map((f) => ({ $ref: `${BASE}channels/${f}` })), knownTypes] },
      outlineOf('initiate-request.json', ruleFiles),
    );
    this.core = compile([]);
    for (const channel of CHANNELS) if (channel.rules) this.byChannel.set(channel, compile([channel.rules]));
    const operation = (file: string): CompiledRules => both({ $ref: `${BASE}${file}` }, outlineOf(file, []));
    this.operations = { void: operation('void-request.json'), refund: operation('refund-request.json'), openVa: operation('open-va-request.json') };
  }

  /**
   * Validates an initiate body (already known to be an object) against the core rules plus the channel's, then
   * refuses strings PHP cannot decode: a callback echoing them could not be verified by a PHP merchant.
   */
  validate(body: Record<string, unknown>, channel: Channel | undefined): ValidationFailure | null {
    return this.check((channel && this.byChannel.get(channel)) ?? this.core, body) ?? storedCardFailure(body, channel) ?? undecodable(body);
  }

  /** Validates the JSON body of a void or refund. */
  validateOperation(operation: Operation, body: unknown): ValidationFailure | null {
    return this.check(this.operations[operation], body);
  }

  private check(rules: CompiledRules, body: unknown): ValidationFailure | null {
    if (rules.fast(body)) return null;
    const view = viewOf(body, '', rules.outline, this.limits);
    // A failure the view hides (a rule it does not model, a string without maxLength): report the one fast found.
    if (rules.thorough(view)) return firstFailure(rules.fast.errors ?? [], rules.outline, body);
    return firstFailure(rules.thorough.errors ?? [], rules.outline, view);
  }
}

function undecodable(body: Record<string, unknown>): ValidationFailure | null {
  const path = loneSurrogatePath(body);
  if (!path) return null;
  const field = path.join('.');
  const hint = `${field || 'a key of the body'} holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair), which PHP's json_decode refuses`;
  return { kind: 'format', field, label: labelOf(field), rule: 'loneSurrogate', hint };
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
  let best: { failure: Omit<ValidationFailure, 'hint'>; rank: number[]; pointer: string; error: ErrorObject } | null = null;
  for (const error of errors) {
    // A failed `if` only says its `then` failed; that branch's own error names the field.
    if (error.keyword === 'if') continue;
    const path = pointerToPath(error.instancePath);
    if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
    const field = path.join('.');
    const value = valueAt(body, path);
    const missing = error.keyword === 'required' || ((value === null || value === '') && outline.required.has(canonicalPath(field)));
    const rank = documentRank(path, outline);
    // Within one field a missing value is reported before a format problem.
    const order = best ? compareRanks(rank, best.rank) || (missing && best.failure.kind === 'format' ? -1 : 0) : -1;
    if (order < 0) {
      best = { failure: { kind: missing ? 'missing' : 'format', field, label: labelOf(field), rule: error.keyword }, rank, pointer: error.instancePath, error };
    }
  }
  if (!best) return null;
  const { failure, pointer, error: chosen } = best;
  // The hint reads every error ajv gave for the same field (an anyOf's branches included).
  const related = failure.kind === 'missing' ? [chosen] : errors.filter((e) => e.instancePath === pointer && e.keyword !== 'required');
  return { ...failure, hint: validationHint(failure.field, failure.kind, related) };
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

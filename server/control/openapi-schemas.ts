import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR } from '../support/paths.js';
import { loadSchemaFile } from '../support/schema-files.js';

type Json = Record<string, unknown>;

// JSON Schema 2020-12 keywords (core, applicator, validation, format, content, meta-data) and OpenAPI 3.1's additions.
const STANDARD_KEYWORDS = new Set([
  '$ref', '$defs', '$anchor', '$dynamicRef', '$dynamicAnchor',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'items', 'contains',
  'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties',
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required',
  'dependentRequired', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema',
  'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples',
  'discriminator', 'xml', 'externalDocs', 'example',
]);
// Ids and dialect are the files' own (the document names components instead); comments are notes for maintainers.
const DROPPED = new Set(['$id', '$schema', '$comment']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_VALUES = new Set(['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'contentSchema']);

/** The simulator's own keywords, as standard JSON Schema plus words (the validator's ajv knows them; no other tool does). */
const CUSTOM_KEYWORDS: Record<string, (value: unknown, node: Json) => Json> = {
  itemsTotalEqualsAmount: (value, node) => (value === true
    ? { description: sentence(node.description, 'When `item` is sent, the sum of quantity × unitPrice over the items must equal `amount` (else 4000001 Invalid Field Format order.amount).') }
    : {}),
  datesInOrder: (value, node) => (Array.isArray(value)
    ? { description: sentence(node.description, `\`${String(value[1])}\` must not be before \`${String(value[0])}\` (else 4000001 Invalid Field Format on it).`) }
    : {}),
};
/** Formats only the simulator's ajv knows, as the nearest standard format and a pattern. */
const CUSTOM_FORMATS: Record<string, Json> = {
  'http-url': { format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/\\\\?#]' },
  yyyymmdd: { pattern: '^[0-9]{8}$' },
};

function sentence(description: unknown, addition: string): string {
  return typeof description === 'string' ? `${description} ${addition}` : addition;
}

/** Where a `$ref` of a schema file points in the document: `order.json` → `#/components/schemas/order`. */
export type ComponentNamer = (file: string) => string;

/** The component name of a schema file: its path without `.json`, folders joined by `-` (`channels/kredivo.json` → `channels-kredivo`). */
export const componentName: ComponentNamer = (file) => file.replace(/\.json$/, '').replaceAll('/', '-');

/**
 * A request schema file as an OpenAPI 3.1 component: references between files become component references, ids and
 * comments go, and the simulator's own keywords and formats are translated. A keyword nobody translated is an error,
 * so a new custom keyword cannot leak into the published document.
 */
export function schemaComponent(file: string, namer: ComponentNamer = componentName): Json {
  const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const ref = (value: string): string => {
    const [target, pointer] = value.split('#');
    return `#/components/schemas/${namer(target ? folder + target : file)}${pointer ?? ''}`;
  };
  const schema = (node: unknown, at: string): unknown => {
    if (typeof node === 'boolean') return node;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error(`${file}: ${at} is not a schema`);
    let out: Json = {};
    for (const [key, value] of Object.entries(node as Json)) {
      if (DROPPED.has(key)) continue;
      if (key === '$ref') out.$ref = ref(String(value));
      else if (key in CUSTOM_KEYWORDS) out = { ...out, ...CUSTOM_KEYWORDS[key]!(value, { ...(node as Json), ...out }) };
      else if (key === 'format' && typeof value === 'string' && value in CUSTOM_FORMATS) out = { ...out, ...CUSTOM_FORMATS[value] };
      else if (!STANDARD_KEYWORDS.has(key)) throw new Error(`${file}: ${at}/${key} is no JSON Schema keyword: translate it in server/control/openapi-schemas.ts`);
      else if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, s]) => [name, schema(s, `${at}/${key}/${name}`)]));
      else if (SCHEMA_LISTS.has(key)) out[key] = (value as unknown[]).map((s, i) => schema(s, `${at}/${key}/${i}`));
      else if (SCHEMA_VALUES.has(key)) out[key] = schema(value, `${at}/${key}`);
      else out[key] = value;
    }
    return out;
  };
  return schema(loadSchemaFile(file), '#') as Json;
}

/** The schema files of `schemas/channels/` (what a channel requires on top of the core contract), by file name. */
export function channelRuleFiles(): string[] {
  return readdirSync(join(SCHEMA_DIR, 'channels')).filter((f) => f.endsWith('.json')).sort();
}

/** Whether `schemas/<file>` exists (request schemas of operations still being added). */
export function schemaFileExists(file: string): boolean {
  return existsSync(join(SCHEMA_DIR, file));
}

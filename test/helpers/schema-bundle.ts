import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'schemas');

function load(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Record<string, unknown>;
}

/** Inlines every `$ref` between the schema files, so json-schema-faker can generate from one object. */
export function bundled(file: string): Record<string, unknown> {
  const inline = (node: unknown, currentFile: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => inline(n, currentFile));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const [target, pointer] = obj.$ref.split('#');
      const targetFile = target || currentFile;
      let resolved: unknown = load(targetFile);
      for (const part of (pointer ?? '').split('/').filter(Boolean)) resolved = (resolved as Record<string, unknown>)[part];
      const { $ref: _ref, ...rest } = obj;
      return { ...(inline(resolved, targetFile) as object), ...(inline(rest, currentFile) as object) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (k !== '$id' && k !== '$schema' && k !== '$defs') out[k] = inline(v, currentFile);
    return out;
  };
  return inline(load(file), file) as Record<string, unknown>;
}

// The letters json-schema-faker draws free text from.
const TEXT_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

type TextFormat = (random: { int(min: number, max: number): number }) => string;

/**
 * The schema with every free-text string (no pattern, format or enum) given a format that draws the
 * same length and letters as json-schema-faker's own, which copies its alphabet per character: with
 * 255-character item fields that was 30 of the 40 s the fuzz suite took for 2 000 requests.
 */
export function withFastText(schema: object): { schema: object; formats: Record<string, TextFormat> } {
  const formats: Record<string, TextFormat> = {};
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)])) as Record<string, unknown>;
    if (out.type !== 'string' || out.pattern !== undefined || out.format !== undefined || out.enum !== undefined || out.const !== undefined) return out;
    const min = (out.minLength as number | undefined) ?? 0;
    const max = (out.maxLength as number | undefined) ?? Math.max(min + 10, 10);
    const name = `text-${min}-${max}`;
    formats[name] ??= (random) => {
      let text = '';
      for (let n = random.int(min, max); n > 0; n--) text += TEXT_LETTERS[random.int(0, TEXT_LETTERS.length - 1)];
      return text;
    };
    return { ...out, format: name };
  };
  return { schema: walk(schema) as object, formats };
}

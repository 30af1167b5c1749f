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

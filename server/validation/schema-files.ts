import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package root, whether this runs from server/ (tsx, vitest) or dist/server/ (compiled).
const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = here.includes(`${join('dist', 'server')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
export const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');

const cache = new Map<string, unknown>();

/** Reads a JSON file from `schemas/` once. */
export function loadSchemaFile(name: string): unknown {
  let schema = cache.get(name);
  if (schema === undefined) {
    schema = JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8'));
    cache.set(name, schema);
  }
  return schema;
}

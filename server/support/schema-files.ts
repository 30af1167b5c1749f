import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR } from './paths.js';

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

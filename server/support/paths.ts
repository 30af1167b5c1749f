import { join, sep } from 'node:path';
import { MODULE_DIR } from './module-dir.cjs';

// How far below the package root this folder sits: compiled to CommonJS, compiled to ESM, or run from source (tsx, vitest).
const DEPTHS: readonly [suffix: string, depth: number][] = [
  [`${sep}dist${sep}cjs${sep}server${sep}support`, 4],
  [`${sep}dist${sep}server${sep}support`, 3],
];

const depth = DEPTHS.find(([suffix]) => MODULE_DIR.endsWith(suffix))?.[1] ?? 2;
export const PACKAGE_ROOT = join(MODULE_DIR, ...Array<string>(depth).fill('..'));
export const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');
export const VIEWS_DIR = join(PACKAGE_ROOT, 'views');
export const PUBLIC_DIR = join(PACKAGE_ROOT, 'public');
export const SCENARIO_DIR = join(PACKAGE_ROOT, 'scenarios');

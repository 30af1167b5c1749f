import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package root, whether this runs from server/support/ (tsx, vitest) or dist/server/support/ (compiled).
const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = here.endsWith(`${sep}dist${sep}server${sep}support`) ? join(here, '..', '..', '..') : join(here, '..', '..');
export const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');
export const VIEWS_DIR = join(PACKAGE_ROOT, 'views');
export const PUBLIC_DIR = join(PACKAGE_ROOT, 'public');
export const SCENARIO_DIR = join(PACKAGE_ROOT, 'scenarios');

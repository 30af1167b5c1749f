import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

/** Runs the layer rules (as `npm run lint:layers` does) over a small tree of files, path → source. */
function cruise(files: Record<string, string>): { status: number | null; errors: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  fixtures.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = spawnSync(DEPCRUISE, ['server', '--config', CONFIG], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  // One `error <rule>: <from> → <to>` line per violation (a circle's other steps follow on lines of their own).
  return { status: run.status, errors: run.stdout.split('\n').filter((line) => line.trim().startsWith('error ')).map((line) => line.trim()) };
}

describe('the layer rules', () => {
  it('pass a tree that imports only downward', () => {
    const result = cruise({
      'server/model/order.ts': 'export interface Order { id: string }\n',
      'server/store/store.ts': "import type { Order } from '../model/order.js';\nexport const orders: Order[] = [];\n",
      'server/gateway/routes.ts': "import { orders } from '../store/store.js';\nexport const count = () => orders.length;\n",
    });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('fail on an upward import, type-only ones included', () => {
    const result = cruise({
      'server/gateway/errors.ts': 'export class GatewayError extends Error {}\n',
      'server/model/order.ts': "import type { GatewayError } from '../gateway/errors.js';\nexport type Failure = GatewayError;\n",
      'server/transactions/service.ts': "import { handle } from '../operations/operations.js';\nexport const run = handle;\n",
      'server/operations/operations.ts': 'export function handle(): void {}\n',
    });
    expect(result.status).not.toBe(0);
    expect(result.errors).toEqual(expect.arrayContaining([
      'error model-imports-upward: server/model/order.ts → server/gateway/errors.ts',
      'error domain-imports-upward: server/transactions/service.ts → server/operations/operations.ts',
    ]));
  });

  it('fail on a circle of modules, and of folders in one layer', () => {
    const result = cruise({
      'server/store/a.ts': "import { b } from './b.js';\nexport const a = () => b();\n",
      'server/store/b.ts': "import { a } from './a.js';\nexport const b = (): unknown => a;\n",
      'server/channels/table.ts': "import { check } from '../validation/rules.js';\nexport const table = check;\n",
      'server/validation/rules.ts': "import type { table } from '../channels/table.js';\nexport const check = (t?: typeof table) => t;\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error no-circular: server\/store\/[ab]\.ts →/),
      expect.stringMatching(/^error no-circular-folders: server\/(channels|validation) →/),
    ]));
  });
});

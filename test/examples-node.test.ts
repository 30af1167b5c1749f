// The vitest, jest and node:test example projects (examples/) pass against the packed tarball, installed the way
// a merchant installs it: ESM import, CommonJS require under jest's defaults, and node:test with no framework.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// An install takes 5-20 s from a warm npm cache and a suite a few seconds; the limits stop a hung one.
const INSTALL_LIMIT_MS = 90_000;
const RUN_LIMIT_MS = 60_000;

/** Each example, and the summary line its runner prints when both of its tests passed. */
const EXAMPLES = [
  { name: 'vitest', passed: /Tests\s+2 passed \(2\)/ },
  { name: 'jest', passed: /Tests:\s+2 passed, 2 total/ },
  { name: 'node-test', passed: /# pass 2\n# fail 0/ },
] as const;

/** The environment of a merchant's shell: nothing of this vitest run or of an npm script around it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|npm_|NODE_OPTIONS$|NODE_ENV$|TEST$)/.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_update_notifier: 'false' };
}

/** Runs a command to its end (killed after `limitMs`); resolves with its exit code and everything it printed. */
function run(command: string, args: string[], cwd: string, limitMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: limitMs, killSignal: 'SIGKILL' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

let work: string;
let tarball: string;

beforeAll(async () => {
  // The suite's `npm test` builds first; packing here must not rebuild dist/ under the other test files.
  expect(existsSync(join(root, 'dist', 'cjs', 'server', 'index.js')), 'dist/cjs is missing: run `npm run build` first').toBe(true);
  work = mkdtempSync(join(tmpdir(), 'finnet-mock-examples-'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], root, INSTALL_LIMIT_MS);
  expect(packed.code, packed.output).toBe(0);
  const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
  expect(name, packed.output).toBeDefined();
  tarball = join(work, name!);
}, INSTALL_LIMIT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Node example projects, installed from the packed tarball', () => {
  for (const { name, passed } of EXAMPLES) it(`examples/${name} passes`, async () => {
    const source = join(root, 'examples', name);
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    // What `npm pack` in the repository writes, so that `npm install` in the example works as the README says.
    expect(manifest.devDependencies['finnet-mock']).toBe(`file:../../${tarball.slice(work.length + 1)}`);

    const project = join(work, name);
    cpSync(source, project, { recursive: true, filter: (path) => !path.includes(`${join(source, 'node_modules')}`) });
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--include=dev', tarball], project, INSTALL_LIMIT_MS);
    expect(install.code, install.output).toBe(0);

    const suite = await run('npm', ['test'], project, RUN_LIMIT_MS);
    expect(suite.code, suite.output).toBe(0);
    expect(suite.output).toMatch(passed);
  }, INSTALL_LIMIT_MS + RUN_LIMIT_MS);
});

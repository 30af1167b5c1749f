// The PHPUnit and pytest example projects (examples/) pass against a simulator started from source, the way a
// merchant's CI runs them against the Docker image: through FINNET_MOCK_URL and FINNET_MOCK_MERCHANTS.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// Debian's interpreter, the one python3-pytest and python3-requests are installed for (PATH may hold pyenv's).
const PYTHON = '/usr/bin/python3';
const MERCHANT = 'SHOP1:example-key';
// Each suite takes a few seconds; a tenfold margin still stops a hung one.
const RUN_LIMIT_MS = 120_000;
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const missing = (needs: Array<[debianPackage: string, present: () => boolean]>) => needs.filter(([, present]) => !present()).map(([name]) => name);

const phpMissing = missing([
  ['php-cli', () => works('php', ['--version'])],
  ['phpunit', () => works('phpunit', ['--version'])],
  ['php-guzzlehttp-guzzle', () => existsSync('/usr/share/php/GuzzleHttp/autoload.php')],
]);
const pythonMissing = missing([
  ['python3-pytest', () => works(PYTHON, ['-c', 'import pytest'])],
  ['python3-requests', () => works(PYTHON, ['-c', 'import requests'])],
]);
for (const [suite, absent] of [['PHPUnit', phpMissing], ['pytest', pythonMissing]] as const) {
  if (absent.length > 0 && !inCi) {
    console.warn(`Skipping the ${suite} example: apt-get install ${absent.join(' ')} to run it (with CI=true it fails instead).`);
  }
}

let simulator: ChildProcess;
let url = '';

beforeAll(async () => {
  simulator = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', ':memory:', '--merchant', MERCHANT], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    simulator.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    simulator.once('exit', (code) => reject(new Error(`finnet-mock exited (${code}) before printing its URL:\n${out}`)));
  });
});
afterAll(() => {
  simulator?.kill('SIGKILL');
});

/** Runs an example suite against the simulator; resolves with its exit code and everything it printed. */
function runExample(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, FINNET_MOCK_URL: url, FINNET_MOCK_MERCHANTS: MERCHANT, PYTHONDONTWRITEBYTECODE: '1' };
  delete env.FINNET_MOCK_CMD;
  delete env.CALLBACK_HOST;
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const limit = setTimeout(() => {
    output += `\n(stopped after ${RUN_LIMIT_MS} ms)`;
    child.kill('SIGKILL');
  }, RUN_LIMIT_MS);
  return new Promise((resolve) => {
    child.once('error', (err) => (output += String(err)));
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

/** The orders the example created in this simulator, by their id prefix. */
async function paidOrders(prefix: string): Promise<string[]> {
  const res = await fetch(`${url}/_mock/transactions?merchantId=SHOP1&status=PAID&limit=1000`);
  const { items } = (await res.json()) as { items: Array<{ orderId: string }> };
  return items.map((tx) => tx.orderId).filter((id) => id.startsWith(prefix));
}

describe('the example projects for PHP and Python merchants', () => {
  it.skipIf(phpMissing.length > 0 && !inCi)('examples/phpunit: Guzzle initiates, the PHP receiver verifies the callback, a tampered one is refused', async () => {
    expect(phpMissing, `install the Debian packages: apt-get install ${phpMissing.join(' ')}`).toEqual([]);
    const run = await runExample('phpunit', ['-c', 'examples/phpunit']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/OK \(2 tests, \d+ assertions\)/);
    expect(await paidOrders('PHP-')).toHaveLength(2);
  }, RUN_LIMIT_MS + 10_000);

  it.skipIf(pythonMissing.length > 0 && !inCi)('examples/pytest: requests initiates, the http.server receiver verifies the raw body, a tampered one is refused', async () => {
    expect(pythonMissing, `install the Debian packages: apt-get install ${pythonMissing.join(' ')}`).toEqual([]);
    const run = await runExample(PYTHON, ['-m', 'pytest', 'examples/pytest', '-q']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/\b2 passed\b/);
    expect(await paidOrders('PY-')).toHaveLength(2);
  }, RUN_LIMIT_MS + 10_000);
});

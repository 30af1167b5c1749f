import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, helpText, loadConfig, SETTINGS } from '../server/config.js';
import { basicAuth, kredivoRequest } from './helpers/instance.js';

describe('settings', () => {
  it('defaults match the spec', () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', db: 'data/finnet-mock.json', logLevel: 'info' });
    expect(config.merchants).toEqual([{ id: 'FINPAY770', key: 'SoSecret123' }]);
    expect(config.callbackRetries).toEqual(DEFAULTS.callbackRetries);
  });

  it('reads env vars, and flags win over them', () => {
    const config = loadConfig(['--port', '5001', '--merchant', 'A:ka', '--merchant=B:kb'], {
      PORT: '5000', HOST: '0.0.0.0', FINNET_MOCK_MERCHANTS: 'X:kx', FINNET_MOCK_SEED: 'abc', FINNET_MOCK_DB: ':memory:',
      FINNET_MOCK_PUBLIC_URL: 'https://pay.example.test/', FINNET_MOCK_CALLBACK_RETRIES: '1s,2m',
    });
    expect(config.port).toBe(5001);
    expect(config.host).toBe('0.0.0.0');
    expect(config.merchants).toEqual([{ id: 'A', key: 'ka' }, { id: 'B', key: 'kb' }]);
    expect(config.seed).toBe('abc');
    expect(config.db).toBe(':memory:');
    expect(config.publicUrl).toBe('https://pay.example.test');
    expect(config.callbackRetries).toEqual([1, 120]);
  });

  it.each([
    [['--port', 'abc'], /--port \/ PORT: port must be a whole number/],
    [['--port', '70000'], /port must be a whole number from 0 to 65535/],
    [['--merchant', 'nokey'], /--merchant \/ FINNET_MOCK_MERCHANTS: merchant "nokey:…" must be written id:key/],
    [['--merchant', 'A:k,A:j'], /merchant A is given twice/],
    [['--public-url', 'ftp://x'], /must start with http/],
    [['--log-level', 'loud'], /log level "loud" must be one of/],
    [['--callback-retries', '5x'], /callback retry "5x" must be a duration/],
    [['--bogus'], /unknown option --bogus/],
    [['--callback-statuses', 'PAID,DONE'], /callback status "DONE" must be one of PAID, CAPTURED/],
    [['--port'], /^--port needs a value \(see --help\)$/],
    [['--db', ':memory:', '--port'], /^--port needs a value/],
    [['--db', '--port', '0'], /^--db needs a value, but --port follows it \(write --db=--port if that is the value\)$/],
    [['--port', '--db', ':memory:'], /^--port needs a value, but --db follows it/],
    [['--log-format', '--port', '0'], /^--log-format needs a value, but --port follows it/],
    [['0'], /^unexpected "0": a value follows its option, e.g. --port 4000/],
    [['--log-format', 'xml'], /--log-format \/ LOG_FORMAT: log format "xml" must be one of human, json/],
  ])('refuses %j with one clear line', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
  });

  it('a value that starts with -- is given with =', () => {
    expect(loadConfig(['--success-message=--ok--'], {}).successMessage).toBe('--ok--');
  });

  it('takes the log format from --log-format or LOG_FORMAT (human by default)', () => {
    expect(loadConfig([], {}).logFormat).toBe('human');
    expect(loadConfig([], { LOG_FORMAT: 'JSON' }).logFormat).toBe('json');
    expect(loadConfig(['--log-format', 'human'], { LOG_FORMAT: 'json' }).logFormat).toBe('human');
  });
});

describe('--help', () => {
  const rows = helpText().split('\n');
  const rowOf = (flag: string) => rows.find((r) => r.startsWith(`  ${flag} <value> `));

  it('lists every setting with its env var and its default', () => {
    for (const setting of Object.values(SETTINGS)) {
      expect(rowOf(setting.flag), setting.flag).toMatch(new RegExp(` ${setting.env} .* \\[default: [^\\]]+\\]$`));
    }
  });

  it('lists the subcommands, each of which answers', async () => {
    expect(rows.filter((r) => /^  finnet-mock (conformance|cassette-to-scenarios) /.test(r))).toHaveLength(3);
    const conformance = runCli(['conformance', '--help']);
    expect(await conformance.output(/--target/)).toContain('--merchant');
  });

  it('says the defaults the simulator really starts with', () => {
    expect(rowOf('--port')).toContain(`[default: ${DEFAULTS.port}]`);
    expect(rowOf('--db')).toContain(`[default: ${DEFAULTS.db}]`);
    expect(rowOf('--log-level')).toContain('[default: info]');
    expect(rowOf('--log-format')).toContain('[default: human]');
    expect(rowOf('--merchant')).toContain('[default: FINPAY770:SoSecret123]');
    expect(rowOf('--callback-retries')).toContain('[default: 5s,30s,2m,10m,30m,1h]');
    expect(loadConfig(['--callback-retries', '5s,30s,2m,10m,30m,1h'], {}).callbackRetries).toEqual(DEFAULTS.callbackRetries);
    expect(rowOf('--callback-timeout')).toContain('[default: 10s]');
    expect(loadConfig(['--callback-timeout', '10s'], {}).callbackTimeoutMs).toBe(DEFAULTS.callbackTimeoutMs);
    expect(rows.some((r) => /^ {2}--version, -v /.test(r))).toBe(true);
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = async (pattern: RegExp, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return stdout;
  };
  return { child, exited, output, stderr: () => stderr };
}

describe('the finnet-mock command', () => {
  it('starts on a free port with --port 0, prints URL and credentials, and stops within 2 s of SIGTERM with data flushed', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'data.json');
    const run = runCli(['--port', '0', '--db', db]);
    const out = await run.output(/listening on (http:\/\/\S+)/);
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    expect(out).toContain('FINPAY770:SoSecret123');
    expect(out).toContain('Basic RklOUEFZNzcwOlNvU2VjcmV0MTIz');

    const body = kredivoRequest();
    const answer = await fetch(`${url}/pg/payment/card/initiate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    await fetch(`${url}/_mock/health`);
    const stopAsked = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(2000);

    const again = runCli(['--port', '0', '--db', db]);
    const url2 = /listening on (http:\/\/\S+)/.exec(await again.output(/listening on (http:\/\/\S+)/))![1]!;
    const check = await fetch(`${url2}/pg/payment/card/check/${body.order.id}`, { headers: { Authorization: basicAuth() } });
    expect(check.status).toBe(200);
    again.child.kill('SIGTERM');
    await again.exited;
  });

  it('stops with one line naming the setting when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const run = runCli(['--port', String(port), '--db', ':memory:']);
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toBe(`finnet-mock: --port / PORT: port ${port} on 127.0.0.1 is already in use`);
    blocker.close();
  });

  it('stops with one line for a malformed merchant pair or a corrupt data file', async () => {
    const bad = runCli([], { FINNET_MOCK_MERCHANTS: 'FINPAY770' });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr().trim().split('\n')).toHaveLength(1);
    expect(bad.stderr()).toMatch(/^finnet-mock: --merchant \/ FINNET_MOCK_MERCHANTS: merchant "FINPAY770:…" must be written id:key/);

    const db = join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'data.json');
    writeFileSync(db, 'not json');
    const corrupt = runCli(['--port', '0', '--db', db]);
    expect(await corrupt.exited).toBe(1);
    expect(corrupt.stderr().trim().split('\n')).toHaveLength(1);
    expect(corrupt.stderr()).toMatch(/data file .* is not valid JSON/);
  });
});

describe('the finnet-mock command, for CI', () => {
  const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

  it.each([['--version'], ['-v']])('%s prints the package version and exits', async (flag) => {
    const run = runCli([flag]);
    expect(await run.exited).toBe(0);
    expect(await run.output(/\n/)).toBe(`${version}\n`);
  });

  it('--help prints the settings table and exits', async () => {
    const run = runCli(['--help']);
    expect(await run.exited).toBe(0);
    expect(await run.output(/--version/)).toBe(helpText());
  });

  it('an option followed by another option stops with one line saying which value is missing', async () => {
    const run = runCli(['--db', '--port', '0']);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toBe('finnet-mock: --db needs a value, but --port follows it (write --db=--port if that is the value)\n');
  });

  it('--log-format json writes one JSON object per line on stderr, one per request', async () => {
    const run = runCli(['--port', '0', '--db', ':memory:', '--log-format', 'json', '--log-level', 'info']);
    const url = /listening on (http:\/\/\S+)/.exec(await run.output(/listening on (http:\/\/\S+)/))![1]!;
    const body = kredivoRequest();
    const answer = await fetch(`${url}/pg/payment/card/initiate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basicAuth() }, body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    expect((await fetch(`${url}/pg/payment/card/check/${body.order.id}`, { headers: { Authorization: basicAuth() } })).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const lines = run.stderr().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.orderId === body.order.id).map((l) => [l.operation, l.status, l.responseCode])).toEqual([['initiate', 200, '2000000'], ['check', 200, '2000000']]);
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'SIGTERM: finishing in-flight requests and flushing the data file' });
  });

  // SIGTERM is passed on by npm (the start script execs node); after a SIGKILL the simulator sees npm is gone.
  it.each(['SIGTERM', 'SIGKILL'] as const)('npm start stops, and frees its port, when the npm process gets %s', async (signal) => {
    const root = join(import.meta.dirname, '..');
    if (!existsSync(join(root, 'dist', 'server', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    const db = join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'data.json');
    const npm = spawn('npm', ['start', '--', '--port', '0', '--db', db], {
      cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', npm_config_update_notifier: 'false' },
    });
    children.push(npm);
    let stdout = '';
    npm.stdout.on('data', (d) => (stdout += d));
    npm.stderr.resume();
    const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!/listening on http:\/\/127\.0\.0\.1:(\d+)/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`npm start did not start:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
    npm.kill(signal);
    await exited;
    // The simulator itself stopped: its port can be bound again and its data file lock is gone.
    const free = async () => {
      const probe = createServer();
      const bound = await new Promise<boolean>((resolve) => {
        probe.once('error', () => resolve(false));
        probe.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (bound) await new Promise((r) => probe.close(r));
      return bound;
    };
    const stopDeadline = Date.now() + 10_000;
    while (!(await free()) && Date.now() < stopDeadline) await new Promise((r) => setTimeout(r, 50));
    try {
      expect(await free()).toBe(true);
      expect(existsSync(`${db}.lock`)).toBe(false);
    } finally {
      // A simulator left running holds the data file's lock, which names its pid: it goes with the test.
      if (existsSync(`${db}.lock`)) {
        try {
          process.kill(Number(readFileSync(`${db}.lock`, 'utf8')), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../server/config.js';
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
    [['--port'], /option --port needs a value/],
  ])('refuses %j with one clear line', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(ConfigError);
    expect(() => loadConfig(argv, {})).toThrow(message);
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

/**
 * The Docker image, built and run for real with podman: build the root Dockerfile, start it with host
 * networking and a data volume, wait for /_mock/health, check it runs as non-root with node as PID 1 and
 * carries no sources, tests or dev dependencies, then a real round trip from the host (initiate → the
 * Kredivo checkout forms over HTTP → pay → signed callback on a receiver on 127.0.0.1 → check-status
 * PAID), a SIGTERM stop in under 2 s, and the transaction found again by a new container on the same
 * volume. Prints the build time and the image size.
 *
 * Run by `npm run test:container` (not by `npm test`). Outside CI, without podman, the suite does not run
 * (a warning says so); with CI=true it fails instead. On the project's machines (no Docker engine, no
 * registry) ../shared/tools/podman-setup.sh writes a podman config and builds a stand-in base image; it is
 * run here when either is missing. Elsewhere podman pulls the real base image.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, kredivoRequest, MERCHANT } from './helpers/instance.js';
import { CallbackReceiver } from './helpers/receiver.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SETUP_SCRIPT = join(REPO, '..', 'shared', 'tools', 'podman-setup.sh');
const CONF = '/etc/containers/finnet-mock.conf';
const IMAGE = 'localhost/finnet-mock:test';
const onCi = process.env.CI === 'true';
/** On the PATH (a podman that is there but broken makes the suite fail with its own message). */
const hasPodman = (spawnSync('podman', ['--version'], { stdio: 'ignore' }).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';

const BUILD_TIMEOUT_MS = 5 * 60_000;
const PHONE = '+6281286288844';

if (!hasPodman && !onCi) {
  console.warn('container.test.ts: podman not found, container tests not run (apt-get install -y podman runc)');
}

/** The base image the Dockerfile builds on, as podman names it (`node:20-…` → `docker.io/library/node:20-…`). */
function baseImage(): string {
  const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)/m.exec(readFileSync(join(REPO, 'Dockerfile'), 'utf8'))?.[1];
  if (!from) throw new Error('Dockerfile has no FROM line');
  const firstPart = from.split('/')[0]!;
  const hasRegistry = from.includes('/') && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost');
  if (hasRegistry) return from;
  return `docker.io/${from.includes('/') ? from : `library/${from}`}`;
}

function podmanEnv(): NodeJS.ProcessEnv {
  return existsSync(CONF) ? { ...process.env, CONTAINERS_CONF: CONF } : process.env;
}

function tail(text: string | undefined, lines = 30): string {
  return (text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (the callback receiver lives in this process). */
function run(command: string, args: string[], timeoutMs = 60_000, env = podmanEnv()): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === -1 ? `\n${err.message}` : '') });
    });
  });
}

/** `podman …`, throwing with the command's output when it fails. */
async function podman(args: string[], timeoutMs?: number): Promise<string> {
  const result = await run('podman', args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`podman ${args.join(' ')} exited with ${result.code}\n${tail(result.stderr)}\n${tail(result.stdout)}`);
  }
  return result.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The raw body minus its trailing `,"signature":"…"` pair, and that signature. */
function splitSignature(body: string): { signed: string; signature: string } {
  const match = /,"signature":"([0-9a-f]*)"\}$/.exec(body);
  if (!match) throw new Error(`callback body does not end with a signature: ${body}`);
  return { signed: `${body.slice(0, match.index)}}`, signature: match[1]! };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

describe.runIf(hasPodman || onCi)('the Docker image, run with podman', () => {
  const containers: string[] = [];
  const receiver = new CallbackReceiver();
  let dataDir = '';
  let current = { name: '', port: 0, url: '' };
  let orderId = '';
  let paid: any;

  /** Starts the image on a free port with the data volume; resolves once /_mock/health answers. */
  async function startContainer(): Promise<typeof current> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const name = `finnet-mock-test-${process.pid}-${containers.length + 1}`;
    containers.push(name);
    await podman([
      'run', '-d', '--network', 'host', '--name', name,
      '-e', `PORT=${port}`, '-e', `FINNET_MOCK_PUBLIC_URL=${url}`, '-e', 'LOG_LEVEL=info',
      '-v', `${dataDir}:/app/data`,
      IMAGE,
    ]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const res = await fetch(`${url}/_mock/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          expect(await res.json()).toMatchObject({ status: 'ok' });
          break;
        }
      } catch {
        // not listening yet
      }
      const state = await podman(['inspect', '--format', '{{.State.Status}}', name]);
      if (state !== 'running' || Date.now() > deadline) {
        const logs = await run('podman', ['logs', name]);
        throw new Error(`container ${name} is ${state} and not healthy on ${url}\n${tail(logs.stdout)}\n${tail(logs.stderr)}`);
      }
      await sleep(200);
    }
    current = { name, port, url };
    return current;
  }

  async function gateway(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${current.url}${path}`, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: basicAuth(MERCHANT), ...init.headers },
    });
    return { status: res.status, body: await res.json() };
  }

  async function postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return fetch(`${current.url}${path}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  }

  beforeAll(async () => {
    if (!hasPodman) {
      throw new Error('CI=true but podman is not installed: install it (apt-get install -y podman runc), or run .ci/run, which does');
    }
    // This machine's podman config and stand-in base image (no registry here); elsewhere podman pulls.
    const base = baseImage();
    const baseMissing = (await run('podman', ['image', 'exists', base])).code !== 0;
    if ((!existsSync(CONF) || baseMissing) && existsSync(SETUP_SCRIPT)) {
      const setup = await run('bash', [SETUP_SCRIPT, base], 5 * 60_000, process.env);
      if (setup.code !== 0) throw new Error(`${SETUP_SCRIPT} failed (exit ${setup.code})\n${tail(setup.stderr)}\n${tail(setup.stdout)}`);
    }

    const started = Date.now();
    // --format docker keeps HEALTHCHECK (the OCI image format has no place for it); --network host lets
    // `npm ci` reach the registry the way the host does.
    const build = await run('podman', ['build', '--network', 'host', '--format', 'docker', '-t', IMAGE, REPO], BUILD_TIMEOUT_MS);
    if (build.code !== 0) throw new Error(`podman build failed (exit ${build.code})\n${tail(build.stdout, 60)}\n${tail(build.stderr, 30)}`);
    console.log(`container.test.ts: image ${IMAGE} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    dataDir = mkdtempSync(join(tmpdir(), 'finnet-mock-container-'));
    chmodSync(dataDir, 0o777); // the server runs as node (uid 1000) inside
    await receiver.start();
    await startContainer();
  }, BUILD_TIMEOUT_MS + 6 * 60_000);

  afterAll(async () => {
    for (const name of containers) await run('podman', ['rm', '-f', name]);
    await receiver.stop();
    if (dataDir) {
      try {
        rmSync(dataDir, { recursive: true, force: true });
      } catch {
        // files written by the container's user; left in the temp folder
      }
    }
  }, 60_000);

  it('runs node as PID 1, as a non-root user, and its HEALTHCHECK passes', async () => {
    // `id` need not exist in the image; node does.
    const uid = await podman(['exec', current.name, 'node', '-e', 'process.stdout.write(String(process.getuid()))']);
    expect(uid).not.toBe('0');
    expect(uid).toBe('1000');
    const top = await podman(['top', current.name, 'pid', 'user', 'args']);
    const pid1 = top.split('\n').slice(1).map((line) => line.trim().split(/\s+/)).find((cols) => cols[0] === '1');
    expect(pid1?.slice(1)).toEqual(['node', 'node', 'dist/server/cli.js']);
    const config = JSON.parse(await podman(['image', 'inspect', '--format', '{{json .Config}}', IMAGE]));
    expect(config.User).toBe('node');
    expect(Object.keys(config.ExposedPorts ?? {})).toContain('4000/tcp');
    expect(Object.keys(config.Volumes ?? {})).toContain('/app/data');
    expect(config.Env).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'PORT=4000', 'NODE_ENV=production', 'FINNET_MOCK_DB=/app/data/finnet-mock.json']));
    await podman(['healthcheck', 'run', current.name]); // exit 0 = healthy
  }, 60_000);

  it('holds the compiled server, assets and production dependencies only', async () => {
    const probe = `const fs = require('fs'); process.stdout.write(JSON.stringify(Object.fromEntries(
      ['dist/server/cli.js', 'schemas/order.json', 'views/paylater/signin.ejs', 'public/checkout.css', 'scenarios', 'package.json',
       'node_modules/express', 'server', 'test', 'tsconfig.json', 'node_modules/typescript', 'node_modules/vitest',
       'node_modules/playwright-core', 'node_modules/tsx', '.git', 'data', 'README.md'].map((p) => [p, fs.existsSync(p)]))))`;
    const present = JSON.parse(await podman(['exec', current.name, 'node', '-e', probe]));
    expect(present).toEqual({
      'dist/server/cli.js': true, 'schemas/order.json': true, 'views/paylater/signin.ejs': true, 'public/checkout.css': true,
      scenarios: true, 'package.json': true, 'node_modules/express': true,
      server: false, test: false, 'tsconfig.json': false, 'node_modules/typescript': false, 'node_modules/vitest': false,
      'node_modules/playwright-core': false, 'node_modules/tsx': false, '.git': false, data: true, 'README.md': false,
    });
  }, 30_000);

  it('initiate → Kredivo checkout → pay → signed callback on the host → check-status PAID', async () => {
    const body = kredivoRequest({
      callbackUrl: `${receiver.url}/finpay/callback?shop=container`, successUrl: `${receiver.url}/thanks`, failUrl: `${receiver.url}/failed`,
    });
    orderId = body.order.id;
    const initiated = await gateway('/pg/payment/card/initiate', { method: 'POST', body: JSON.stringify(body) });
    expect(initiated.status).toBe(200);
    expect(initiated.body.responseCode).toBe('2000000');
    // FINNET_MOCK_PUBLIC_URL is what the shopper's browser is sent to.
    expect(initiated.body.redirecturl).toMatch(new RegExp(`^${current.url}/kredivo/v2/signin\\?tk=`));
    const tk = new URL(initiated.body.redirecturl).searchParams.get('tk')!;

    const signinPage = await fetch(initiated.body.redirecturl);
    expect(signinPage.status).toBe(200);
    expect(await signinPage.text()).toContain('data-testid="pin-input"');
    const css = await fetch(`${current.url}/assets/checkout.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    await css.arrayBuffer();

    const signedIn = await postForm('/kredivo/v2/signin', { tk, phone: PHONE, pin: '123456' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(`/kredivo/v2/otp?tk=${tk}`);
    const otp = await postForm('/kredivo/v2/otp', { tk, otp: '4567' });
    expect(otp.status).toBe(303);
    expect(otp.headers.get('location')).toBe(`/kredivo/v2/checkout?tk=${tk}`);
    const planPage = await fetch(`${current.url}${otp.headers.get('location')}`);
    expect(await planPage.text()).toContain('data-testid="plan-30_days"');
    const pay = await postForm('/kredivo/v2/checkout', { tk, plan: '30_days', action: 'pay' });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe(`${receiver.url}/thanks`);

    const [callback] = await receiver.waitFor(1, 10_000);
    expect(callback!.method).toBe('POST');
    expect(callback!.path).toBe('/finpay/callback?shop=container');
    expect(callback!.headers['content-type']).toBe('application/json');
    expect(callback!.headers['x-partner-id']).toBe(MERCHANT.id);
    const { signed, signature } = splitSignature(callback!.body);
    expect(signature).toBe(createHmac('sha512', MERCHANT.key).update(signed, 'utf8').digest('hex'));
    const sent = JSON.parse(callback!.body);
    expect(sent.order.id).toBe(orderId);
    expect(sent.result.payment.status).toBe('PAID');

    const check = await gateway(`/pg/payment/card/check/${orderId}`);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment.status).toBe('PAID');
    expect(check.body.data.order.reference).toBe(sent.order.reference);
    paid = check.body.data;
  }, 60_000);

  it('stops on SIGTERM in under 2 s, exit code 0, data file on the volume', async () => {
    const started = Date.now();
    await podman(['stop', '-t', '5', current.name], 30_000);
    const elapsed = Date.now() - started;
    console.log(`container.test.ts: podman stop took ${elapsed} ms`);
    expect(elapsed).toBeLessThan(2000);
    expect(await podman(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', current.name])).toBe('exited 0');
    const logs = await run('podman', ['logs', current.name]);
    expect(logs.stdout + logs.stderr).toContain('SIGTERM');
    const file = join(dataDir, 'finnet-mock.json');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(orderId);
  }, 60_000);

  it('a new container on the same volume finds the paid transaction, and sends no callback again', async () => {
    expect(paid).toBeDefined();
    await startContainer();
    const check = await gateway(`/pg/payment/card/check/${orderId}`);
    expect(check.status).toBe(200);
    expect(check.body.data.result.payment.status).toBe('PAID');
    expect(check.body.data.order.reference).toBe(paid.order.reference);
    expect(check.body.data.result.payment.reference).toBe(paid.result.payment.reference);
    const stored = await fetch(`${current.url}/_mock/transactions/${orderId}`);
    expect(stored.status).toBe(200);
    await sleep(300);
    expect(receiver.received).toHaveLength(1);
  }, 60_000);

  it('reports the image size', async () => {
    const size = Number(await podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE]));
    const baseSize = Number(await podman(['image', 'inspect', '--format', '{{.Size}}', baseImage()]));
    console.log(`container.test.ts: image ${IMAGE} is ${mb(size)} (${size} bytes); ${mb(size - baseSize)} on top of ${baseImage()} (${mb(baseSize)})`);
    expect(size).toBeGreaterThan(baseSize);
    // Production dependencies, compiled code and assets are a few MB; dev dependencies would add ~100 MB.
    expect(size - baseSize).toBeLessThan(40e6);
  }, 30_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import type { Report } from '../server/conformance/run.js';
import { compareShapes } from '../server/conformance/shape.js';
import { CallbackReceiver } from './helpers/receiver.js';
import { MERCHANT, startTestInstance } from './helpers/instance.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Runs `finnet-mock conformance ...` as a child process; resolves with its exit code and output. */
function conformance(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'conformance', ...args], { cwd: join(import.meta.dirname, '..') });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const merchant = `${MERCHANT.id}:${MERCHANT.key}`;
const reportFile = () => join(mkdtempSync(join(tmpdir(), 'conformance-')), 'report.json');
const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

let receiver: CallbackReceiver;
beforeAll(async () => {
  receiver = await new CallbackReceiver().start();
});
afterAll(async () => {
  await receiver.stop();
});

describe('finnet-mock conformance against finnet-mock itself', { timeout: 60_000 }, () => {
  let target: Instance;
  beforeAll(async () => {
    target = await startTestInstance();
  });
  afterAll(() => target.stop());

  it('agrees on every probe (exit 0), prints the table and one progress line per probe, writes the report', async () => {
    const file = reportFile();
    const run = await conformance(['--target', target.url, '--merchant', merchant, '--delay', '0ms', '--callback-url', `${receiver.url}/cb`, '--report', file]);
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(file);
    expect(report).toMatchObject({ target: target.url, merchantId: MERCHANT.id, targetIsFinnetMock: true });
    expect(Date.parse(report.startedAt)).not.toBeNaN();
    expect(report.probes.map((p) => p.id)).toEqual(expect.arrayContaining([
      'initiate.cc', 'initiate.vabca', 'initiate.qris', 'initiate.kredivo', 'cancel.kredivo', 'lifecycle.refund-unpaid', 'lifecycle.cancel-twice',
      'initiate.local-phone-format', 'initiate.missing-mobile-phone', 'initiate.bad-credentials', 'check.unknown-order', 'cancel.unknown-order', 'failed.status-word',
    ]));
    expect(report.probes.filter((p) => p.verdict !== 'agrees')).toEqual([]);
    expect(report.probes.find((p) => p.id === 'lifecycle.refund-unpaid')!.observed).toMatchObject({ status: 404, body: { responseCode: '4040001' } });
    expect(report.probes.find((p) => p.id === 'cancel.qris')!.observed).toMatchObject({ status: 404, body: { responseCode: '4040100' } });
    expect(run.stdout).toMatch(/^probe +expected \(finnet-mock\) +observed +verdict$/m);
    expect(run.stdout).toMatch(new RegExp(`${report.probes.length} agrees, 0 differs, 0 skipped`));
    expect(run.stderr.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l))).toHaveLength(report.probes.length);
    // The key never leaves in the report: requests show it redacted.
    expect(readFileSync(file, 'utf8')).not.toContain(MERCHANT.key);
    const ids = target.ctx.requestLog.list().map((r) => r.orderId).filter((id): id is string => !!id);
    expect(ids.every((id) => /^cf[0-9a-z]+-/.test(id))).toBe(true);
  });

  it('--dry-run prints every request with the key redacted and sends nothing', async () => {
    let connections = 0;
    const count = () => { connections += 1; };
    target.server.on('connection', count);
    const before = target.ctx.requestLog.list().length;
    const run = await conformance(['--target', target.url, '--merchant', merchant, '--dry-run', '--channels', 'kredivo,vabca']);
    target.server.off('connection', count);
    expect(run.code, run.stderr).toBe(0);
    expect(connections).toBe(0);
    expect(target.ctx.requestLog.list()).toHaveLength(before);
    expect(run.stdout).toContain('"path":"/pg/payment/card/initiate"');
    expect(run.stdout).toContain('"authorization":"Basic FINPAY770:(key redacted)"');
    expect(run.stdout).toMatch(/^initiate\.vabca: /m);
    expect(run.stdout).not.toMatch(/^initiate\.cc: /m);
    expect(run.stdout).not.toContain(MERCHANT.key);
  });
});

describe('finnet-mock conformance against a target that behaves differently', { timeout: 60_000 }, () => {
  let target: Instance;
  beforeAll(async () => {
    target = await startTestInstance({
      successMessage: 'Request has been processed successfully', disabledChannels: [{ merchantId: MERCHANT.id, type: 'vabca' }], failureStatus: 'FAILED',
    });
  });
  afterAll(() => target.stop());

  it('reports exactly those differences (exit 1), and --diff names the three settings', async () => {
    const file = reportFile();
    const run = await conformance(['--target', target.url, '--merchant', merchant, '--delay', '0ms', '--callback-url', `${receiver.url}/cb`, '--report', file]);
    expect(run.code, run.stderr).toBe(1);
    const report = readReport(file);
    const vabca = ['initiate.vabca', 'check.vabca', 'cancel.vabca'];
    for (const probe of report.probes) {
      const succeeded = (probe.expected.body as { responseCode: string }).responseCode === '2000000';
      const paths = probe.differences.map((d) => d.path);
      if (vabca.includes(probe.id)) {
        expect(probe.verdict, probe.id).toBe('differs');
        expect(paths, probe.id).toContain('responseCode');
      } else if (probe.id === 'failed.status-word') {
        expect(paths.sort()).toEqual(['data.result.payment.status', 'data.result.payment.statusDesc', 'responseMessage']);
        expect(probe.differences.find((d) => d.path === 'data.result.payment.status')).toMatchObject({ expected: 'FAILURE', observed: 'FAILED' });
      } else if (succeeded) {
        expect(probe.differences, probe.id).toEqual([{ path: 'responseMessage', kind: 'value', expected: 'Success', observed: 'Request has been processed successfully' }]);
      } else {
        expect(probe.verdict, probe.id).toBe('agrees');
      }
    }
    expect(report.probes.find((p) => p.id === 'initiate.vabca')!.observed).toMatchObject({ status: 403, body: { responseCode: '4030001' } });

    const diff = await conformance(['--diff', file]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(`set --disable-channel ${MERCHANT.id}:vabca`);
    expect(diff.stdout).toMatch(/^check\.vabca\n {2}follows from initiate\.vabca/m);
    expect(diff.stdout).toContain(
      `Start finnet-mock with: --success-message "Request has been processed successfully" --disable-channel ${MERCHANT.id}:vabca --failure-status FAILED\n`,
    );
  });
});

/** A stand-in for the real sandbox: forwards the gateway API to a finnet-mock and has no control API. */
function sandboxStandIn(upstream: string): Promise<Server> {
  const server = createHttpServer((req, res) => {
    if (!req.url?.startsWith('/pg/')) {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>');
      return;
    }
    const forward = httpRequest(new URL(req.url, upstream), { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('finnet-mock conformance against a gateway that is not a finnet-mock', { timeout: 60_000 }, () => {
  it('runs the gateway probes and skips the one that needs the control API (exit 0)', async () => {
    const upstream = await startTestInstance();
    const standIn = await sandboxStandIn(upstream.url);
    try {
      const file = reportFile();
      const url = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
      const run = await conformance(['--target', url, '--merchant', merchant, '--delay', '0ms', '--channels', 'kredivo', '--callback-url', `${receiver.url}/cb`, '--report', file]);
      expect(run.code, run.stderr).toBe(0);
      const report = readReport(file);
      expect(report.targetIsFinnetMock).toBe(false);
      expect(report.probes.filter((p) => p.verdict === 'skipped').map((p) => p.id)).toEqual(['failed.status-word']);
      expect(upstream.ctx.requestLog.list().some((r) => r.path.includes('/fail'))).toBe(false);
    } finally {
      await new Promise((resolve) => standIn.close(resolve));
      await upstream.stop();
    }
  });
});

describe('finnet-mock conformance when the target cannot be used', { timeout: 60_000 }, () => {
  it('exits 2 at once when the target refuses connections (no wait for the timeout)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const run = await conformance(['--target', `http://127.0.0.1:${port}`, '--merchant', merchant, '--timeout', '120s']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be reached \(ECONNREFUSED\)/);
    expect(Date.now() - started).toBeLessThan(120_000);
  });

  it('exits 2 when the target accepts but never answers (--timeout), with the report of what it got', async () => {
    const silent = createHttpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const file = reportFile();
      const run = await conformance(['--target', `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, '--merchant', merchant, '--timeout', '300ms', '--report', file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('cannot be reached (no answer before the timeout)');
      expect(readReport(file)).toMatchObject({ probes: [], unreachable: expect.stringContaining('no answer before the timeout') });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it.each([
    [['--merchant', merchant], /--target <url> and --merchant ID:KEY are needed/],
    [['--target', 'ftp://x', '--merchant', merchant], /--target "ftp:\/\/x" must start with http/],
    [['--target', 'http://127.0.0.1:1', '--merchant', 'nokey'], /--merchant must be written ID:KEY/],
    [['--target', 'http://127.0.0.1:1', '--merchant', merchant, '--channels', 'kredivo,bogus'], /unknown channel bogus/],
    [['--target', 'http://127.0.0.1:1', '--merchant', merchant, '--delay', 'soon'], /--delay "soon" must be a duration/],
    [['--diff', '/nonexistent/report.json'], /--diff: cannot read/],
    [['--bogus'], /unknown option --bogus/],
  ])('refuses %j with one line and exit 64', async (args, message) => {
    const run = await conformance(args);
    expect(run.code).toBe(64);
    expect(run.stderr.trim()).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('shape comparison', () => {
  const none = new Set<string>();
  it('ignores values that differ by nature and names key order, types and formats', () => {
    expect(compareShapes({ traceId: 'a0b63ee1-d935-46b1-8f23-c0655084ec7d', processingTime: 0.1 }, { traceId: 'f37962b1-117a-46b3-a167-68e4bf41dbd1', processingTime: 2 }, none)).toEqual([]);
    expect(compareShapes({ a: 1, b: 2 }, { b: 2, a: 1 }, none)).toEqual([{ path: '(top level)', kind: 'order', expected: ['a', 'b'], observed: ['b', 'a'] }]);
    expect(compareShapes({ d: { amount: 1 } }, { d: { amount: '1' } }, none)).toEqual([{ path: 'd.amount', kind: 'type', expected: 'number', observed: 'string' }]);
    expect(compareShapes({ expiryLink: '2026-12-01 20:09:29' }, { expiryLink: '2026-12-01T20:09:29+07:00' }, none))
      .toEqual([{ path: 'expiryLink', kind: 'format', expected: 'datetime YYYY-MM-DD HH:mm:ss', observed: 'text' }]);
    expect(compareShapes({ x: 1 }, { y: 1 }, none).map((d) => d.kind)).toEqual(['missing', 'extra']);
  });
});

// One conformance run: every probe sent to finnet-mock (the reference) and to the target, politely, and judged.
import { send, shown, UnreachableError, type Answer, type Merchant } from './client.js';
import type { Probe, ProbeRequest, RunContext } from './probes.js';
import type { Difference } from './shape.js';
import { differences } from './verdict.js';

export type Verdict = 'agrees' | 'differs' | 'skipped';

export interface AnswerView {
  status: number;
  contentType: string;
  body: unknown;
}

export interface ProbeResult {
  id: string;
  what: string;
  dependsOn?: string;
  request: Record<string, unknown>;
  expected: AnswerView;
  observed: AnswerView | null;
  verdict: Verdict;
  differences: Difference[];
  note?: string;
}

export interface Report {
  target: string;
  merchantId: string;
  startedAt: string;
  finishedAt: string;
  /** Whether the target answered finnet-mock's health check (then the control-API probes run too). */
  targetIsFinnetMock: boolean;
  probes: ProbeResult[];
  /** Set when the run stopped because the target could not be reached. */
  unreachable?: string;
}

export interface RunOptions {
  target: string;
  reference: string;
  merchant: Merchant;
  probes: Probe[];
  context: RunContext;
  delayMs: number;
  timeoutMs: number;
  /** Called after each probe, for the progress display. */
  progress(result: ProbeResult, index: number, total: number): void;
}

const view = (answer: Answer): AnswerView => ({ status: answer.status, contentType: answer.contentType, body: answer.body });
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function isFinnetMock(options: RunOptions): Promise<boolean> {
  const answer = await send(options.target, { method: 'GET', path: '/_mock/health', auth: 'none' }, options.merchant, options.timeoutMs);
  const body = answer.body as { status?: unknown; transactions?: unknown } | null;
  return answer.status === 200 && body?.status === 'ok' && typeof body.transactions === 'number';
}

/** Sends a probe's setup to one side; the first refused step (not 2xx) is the reason to skip the probe. */
async function setUp(base: string, steps: ProbeRequest[], options: RunOptions, polite: boolean): Promise<string | null> {
  for (const step of steps) {
    if (polite) await pause(options.delayMs);
    const answer = await send(base, step, options.merchant, options.timeoutMs);
    if (answer.status < 200 || answer.status > 299) return `setup ${step.method} ${step.path} answered ${answer.status}`;
  }
  return null;
}

async function runProbe(probe: Probe, options: RunOptions, finnetMock: boolean): Promise<ProbeResult> {
  const request = probe.request(options.context);
  const steps = probe.setup?.(options.context) ?? [];
  const base = { id: probe.id, what: probe.what, ...(probe.dependsOn ? { dependsOn: probe.dependsOn } : {}), request: shown(request, options.merchant) };
  const refSetup = await setUp(options.reference, steps, options, false);
  if (refSetup) throw new Error(`finnet-mock itself refused the setup of ${probe.id}: ${refSetup}`);
  const expected = await send(options.reference, request, options.merchant, options.timeoutMs);
  const skip = (note: string): ProbeResult => ({ ...base, expected: view(expected), observed: null, verdict: 'skipped', differences: [], note });
  if (steps.some((s) => s.control) && !finnetMock) return skip('needs finnet-mock\'s control API; a sandbox cannot fail an order without a shopper');
  const targetSetup = await setUp(options.target, steps, options, true);
  if (targetSetup) return skip(targetSetup);
  await pause(options.delayMs);
  const observed = await send(options.target, request, options.merchant, options.timeoutMs);
  const found = differences(probe, expected, observed);
  return { ...base, expected: view(expected), observed: view(observed), verdict: found.length ? 'differs' : 'agrees', differences: found };
}

export async function runConformance(options: RunOptions): Promise<Report> {
  const report: Report = {
    target: options.target, merchantId: options.merchant.id, startedAt: new Date().toISOString(), finishedAt: '', targetIsFinnetMock: false, probes: [],
  };
  try {
    report.targetIsFinnetMock = await isFinnetMock(options);
    for (const [index, probe] of options.probes.entries()) {
      const result = await runProbe(probe, options, report.targetIsFinnetMock);
      report.probes.push(result);
      options.progress(result, index, options.probes.length);
    }
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    report.unreachable = err.message;
  }
  report.finishedAt = new Date().toISOString();
  return report;
}

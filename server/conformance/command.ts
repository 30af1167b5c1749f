// `finnet-mock conformance`: reads the arguments, starts finnet-mock as the reference, runs or prints the probes, reports.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../model/config.js';
import { diffText } from './advice.js';
import { shown } from './client.js';
import { CONFORMANCE_HELP, parseConformanceArgs, UsageError, type ConformanceOptions } from './options.js';
import { probesFor, type RunContext } from './probes.js';
import { runConformance, type Report } from './run.js';
import { progressLine, tableText } from './table.js';

export const EXIT = { agrees: 0, differs: 1, unreachable: 2, usage: 64 } as const;

export interface ConformanceDeps {
  /** Starts an in-memory finnet-mock with these settings over the defaults: the answers every probe expects. */
  startReference(settings: Partial<Config>): Promise<{ url: string; stop(): Promise<void> }>;
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTty: boolean;
}

function contextOf(options: ConformanceOptions): RunContext {
  // Order ids start with the run's prefix (letters and digits, AlphaDash), unique per run.
  return { prefix: `cf${Date.now().toString(36)}`, callbackUrl: options.callbackUrl };
}

function dryRun(options: ConformanceOptions, deps: ConformanceDeps): number {
  const context = contextOf(options);
  deps.stdout(`Dry run against ${options.target} as ${options.merchant.id}: these requests would be sent, ${options.delayMs} ms apart; nothing was sent.\n`);
  for (const probe of probesFor(options.channels)) {
    deps.stdout(`\n${probe.id}: ${probe.what}\n`);
    for (const step of [...(probe.setup?.(context) ?? []), probe.request(context)]) {
      const note = step.control ? ' (only when the target is a finnet-mock)' : '';
      deps.stdout(`  ${JSON.stringify(shown(step, options.merchant))}${note}\n`);
    }
  }
  return EXIT.agrees;
}

function readReport(file: string): Report {
  let report: Partial<Report>;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as Partial<Report>;
  } catch (err) {
    throw new UsageError(`--diff: cannot read ${file} as JSON (${(err as Error).message})`);
  }
  if (typeof report?.target !== 'string' || !Array.isArray(report.probes)) throw new UsageError(`--diff: ${file} is not a conformance report (no target or probes)`);
  return report as Report;
}

function exitOf(report: Report): number {
  if (report.unreachable) return EXIT.unreachable;
  return report.probes.some((p) => p.verdict === 'differs') ? EXIT.differs : EXIT.agrees;
}

async function run(options: ConformanceOptions, deps: ConformanceDeps): Promise<number> {
  const reference = await deps.startReference({
    port: 0, host: '127.0.0.1', db: ':memory:', merchants: [options.merchant], callbackStatuses: [], disabledChannels: [],
  });
  let report: Report;
  try {
    const probes = probesFor(options.channels);
    deps.stderr(`conformance: ${probes.length} probes against ${options.target}, ${options.delayMs} ms apart\n`);
    report = await runConformance({
      target: options.target, reference: reference.url, merchant: options.merchant, probes, context: contextOf(options),
      delayMs: options.delayMs, timeoutMs: options.timeoutMs,
      progress: (result, index, total) => deps.stderr(progressLine(result, index, total, deps.stderrIsTty)),
    });
  } finally {
    await reference.stop();
  }
  if (report.unreachable) deps.stderr(`conformance: ${report.unreachable}\n`);
  deps.stdout(tableText(report));
  if (options.report) {
    try {
      writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      throw new UsageError(`--report: cannot write ${options.report} (${(err as Error).message})`);
    }
    deps.stderr(`conformance: report written to ${options.report}\n`);
  }
  return exitOf(report);
}

/** Runs the subcommand; answers the exit code (see EXIT). */
export async function conformanceCommand(argv: string[], deps: ConformanceDeps): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    deps.stdout(CONFORMANCE_HELP);
    return EXIT.agrees;
  }
  try {
    const options = parseConformanceArgs(argv);
    if (options.mode === 'dry-run') return dryRun(options, deps);
    if (options.mode === 'diff') {
      const report = readReport(options.diff!);
      deps.stdout(diffText(report));
      return exitOf(report);
    }
    return await run(options, deps);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    deps.stderr(`finnet-mock conformance: ${err.message}\n`);
    return EXIT.usage;
  }
}

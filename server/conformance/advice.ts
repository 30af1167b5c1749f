// --diff: for each differing probe of a report, the finnet-mock setting that would match the target, or why none does.
import type { ProbeResult, Report } from './run.js';
import type { Difference } from './shape.js';

export interface Advice {
  /** The flag (and value) that makes finnet-mock answer as the target did; absent when no setting does. */
  setting?: string;
  text: string;
}

interface Rule {
  applies(difference: Difference, probe: ProbeResult, report: Report): boolean;
  advise(difference: Difference, probe: ProbeResult, report: Report): Advice;
}

/** A refusal where finnet-mock accepts explains the whole answer (status, missing fields): one advice for the probe. */
const REFUSALS: Array<{ code: string; applies(probe: ProbeResult): boolean; advise(probe: ProbeResult, report: Report): Advice }> = [
  {
    code: '4030001',
    applies: (p) => channelOfProbe(p) !== undefined,
    advise: (p, r) => ({ setting: `--disable-channel ${r.merchantId}:${channelOfProbe(p)}`, text: `${channelOfProbe(p)} is not enabled for merchant ${r.merchantId} on the target (403 4030001 Feature Not Allowed)` }),
  },
];

const codeOf = (body: unknown): unknown => (body as { responseCode?: unknown } | null)?.responseCode;
const channelOfProbe = (probe: ProbeResult): string | undefined => /^initiate\.([a-z0-9]+)$/.exec(probe.id)?.[1];
const quoted = (text: unknown) => JSON.stringify(String(text));

/** Settings of finnet-mock a difference can point to; the first rule that applies speaks. */
const RULES: Rule[] = [
  {
    applies: (d, p) => d.path === 'responseMessage' && codeOf(p.expected.body) === '2000000' && codeOf(p.observed?.body) === '2000000',
    advise: (d) => ({ setting: `--success-message ${quoted(d.observed)}`, text: `the target words success ${quoted(d.observed)}, finnet-mock ${quoted(d.expected)}` }),
  },
  {
    applies: (d) => /^data\.result\.payment\.status(Desc)?$/.test(d.path) && (d.observed === 'FAILED' || d.observed === 'FAILURE') && d.expected !== d.observed,
    advise: (d) => ({ setting: `--failure-status ${String(d.observed)}`, text: `the target reports a failed order as ${String(d.observed)}` }),
  },
];

function describe(d: Difference): string {
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const where = {
    status: 'HTTP status', header: 'content-type', value: `${d.path}`, missing: `${d.path} (missing on the target)`, extra: `${d.path} (only on the target)`,
    order: `key order of ${d.path}`, type: `type of ${d.path}`, format: `format of ${d.path}`, offset: 'expiryLink offset',
  }[d.kind];
  return `not configurable: the gateway answers ${show(d.observed)} where finnet-mock answers ${show(d.expected)} (${where})`;
}

export function adviceFor(probe: ProbeResult, report: Report): Advice[] {
  const parent = report.probes.find((p) => p.id === probe.dependsOn);
  if (parent?.verdict === 'differs' && codeOf(probe.observed?.body) !== codeOf(probe.expected.body)) {
    return [{ text: `follows from ${parent.id} (same order): change that first` }];
  }
  const refusal = REFUSALS.find((r) => codeOf(probe.expected.body) === '2000000' && codeOf(probe.observed?.body) === r.code && r.applies(probe));
  if (refusal) return [refusal.advise(probe, report)];
  const seen = new Set<string>();
  return probe.differences.map((d) => {
    const rule = RULES.find((r) => r.applies(d, probe, report));
    return rule ? rule.advise(d, probe, report) : { text: describe(d) };
  }).filter((a) => !seen.has(a.setting ?? a.text) && seen.add(a.setting ?? a.text));
}

/** The --diff text: each differing probe with its advice, then the settings that together would match. */
export function diffText(report: Report): string {
  const differing = report.probes.filter((p) => p.verdict === 'differs');
  if (differing.length === 0) return `Every probe agreed with ${report.target}: nothing to change.\n`;
  const settings = new Set<string>();
  const lines = [`${differing.length} of ${report.probes.length} probes differ from ${report.target}:`, ''];
  for (const probe of differing) {
    lines.push(`${probe.id}`);
    for (const advice of adviceFor(probe, report)) {
      if (advice.setting) settings.add(advice.setting);
      lines.push(advice.setting ? `  set ${advice.setting}: ${advice.text}` : `  ${advice.text}`);
    }
  }
  lines.push('');
  lines.push(settings.size ? `Start finnet-mock with: ${[...settings].join(' ')}` : 'No setting of finnet-mock matches these differences.');
  return `${lines.join('\n')}\n`;
}

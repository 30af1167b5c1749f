// The table on stdout and the progress lines on stderr.
import type { ProbeResult, Report } from './run.js';
import { summary } from './verdict.js';

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

function observedText(result: ProbeResult): string {
  if (result.verdict === 'skipped') return `skipped: ${result.note ?? ''}`;
  const first = result.differences[0];
  const more = result.differences.length > 1 ? ` (+${result.differences.length - 1} more)` : '';
  const detail = first ? `; ${first.path}: ${typeof first.observed === 'string' ? first.observed : JSON.stringify(first.observed)}${more}` : '';
  return `${summary(result.observed)}${detail}`;
}

export function tableText(report: Report): string {
  const rows = report.probes.map((p) => [p.id, summary(p.expected), observedText(p), p.verdict]);
  const header = ['probe', 'expected (finnet-mock)', 'observed', 'verdict'];
  const limits = [34, 48, 72, 8];
  const widths = header.map((h, i) => Math.min(limits[i]!, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => clip(c, widths[i]!).padEnd(widths[i]!)).join('  ').trimEnd();
  const counts = (['agrees', 'differs', 'skipped'] as const).map((v) => `${report.probes.filter((p) => p.verdict === v).length} ${v}`).join(', ');
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `${report.target}: ${counts}`];
  if (report.unreachable) lines.push(`stopped: ${report.unreachable}`);
  return `${lines.join('\n')}\n`;
}

/** One line per probe, or one line rewritten in place on a terminal. */
export function progressLine(result: ProbeResult, index: number, total: number, tty: boolean): string {
  const text = `[${index + 1}/${total}] ${result.id}: ${result.verdict}`;
  return tty ? `\r\x1b[2K${text}${index + 1 === total ? '\n' : ''}` : `${text}\n`;
}

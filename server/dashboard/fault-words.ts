import type { GatewayFault, Scenario } from '../model/scenario.js';
import { durationText } from '../support/duration.js';
import { rangeText } from '../support/duration-range.js';

/** The operations as the dashboard names them. */
const OPERATION_NAMES: Record<string, string> = {
  initiate: 'initiate', check: 'check-status', cancel: 'cancel', void: 'void', refund: 'refund', oneClick: 'one-click payment',
  cardDelete: 'saved-card delete', openVaRegister: 'open-VA register', openVaUpdate: 'open-VA update', openVaCheck: 'open-VA check',
  openVaDelete: 'open-VA delete', any: 'every operation',
};

/** One fault step in words: `waits 200ms..2s, then answers HTTP 504 (5040000), although the operation is done, 1 in 10 requests`. */
function stepWords(fault: GatewayFault): string {
  const parts: string[] = [];
  if (fault.delayMs) parts.push(`waits ${rangeText({ minMs: fault.delayMs, ...(fault.delayMaxMs === undefined ? {} : { maxMs: fault.delayMaxMs }) }, durationText)}`);
  if (fault.dropConnection) parts.push('drops the connection');
  else if (fault.responseCode !== undefined || fault.httpStatus !== undefined || fault.responseMessage !== undefined) {
    parts.push(`answers ${[fault.httpStatus === undefined ? '' : `HTTP ${fault.httpStatus}`, fault.responseCode ?? '', fault.responseMessage ? `"${fault.responseMessage}"` : ''].filter(Boolean).join(' ')}`);
  }
  if (parts.length === 0) return 'passes';
  const what = parts.join(', then ');
  const done = fault.process && (fault.dropConnection || parts.length > 1 || !fault.delayMs) ? ' although the operation is done' : fault.delayMs && parts.length === 1 ? '' : ' and does nothing';
  return `${what}${done}${fault.rate === undefined ? '' : ` (${Math.round(fault.rate * 1000) / 10}% of requests)`}`;
}

/** The scenario's gateway faults and outcome sequence in words, one line each, for the scenarios page. */
export function faultWords(scenario: Scenario): string[] {
  const { initiate, faults, outcome } = scenario.effects;
  const blocks: [string, GatewayFault[]][] = [...(initiate ? [['initiate', [initiate]] as [string, GatewayFault[]]] : []), ...Object.entries(faults ?? {})];
  const lines = blocks.map(([operation, steps]) => {
    const name = OPERATION_NAMES[operation] ?? operation;
    if (steps.length === 1) return `${name}: ${stepWords(steps[0]!)}`;
    return `${name}, request by request: ${steps.map((step, i) => `${i + 1}. ${stepWords(step)}`).join('; ')} (the last repeats)`;
  });
  if (outcome?.sequence) {
    lines.push(`outcome, checkout by checkout: ${outcome.sequence.join(', ')}${outcome.afterMs ? `, each ${durationText(outcome.afterMs)} after its initiate` : ''} (the last repeats)`);
  }
  return lines;
}

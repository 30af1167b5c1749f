import { objectOf } from '../support/json.js';
import type { Difference } from './cassette.js';

/** One answer to compare: its HTTP status and JSON body (null when it was not JSON). */
export interface Answer {
  status: number;
  body: unknown;
}

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Differences of field set, key order and types of two JSON values, values themselves aside (ids and times always differ). */
function shapeDifferences(recorded: unknown, simulated: unknown, path: string, out: Difference[]): void {
  const recordedType = typeOf(recorded);
  const simulatedType = typeOf(simulated);
  if (recordedType !== simulatedType) {
    out.push({ kind: 'type', path, recorded: recordedType, simulated: simulatedType });
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(simulated)) {
    const shared = Math.min(recorded.length, simulated.length);
    for (let i = 0; i < shared; i++) shapeDifferences(recorded[i], simulated[i], `${path}[${i}]`, out);
    return;
  }
  const a = objectOf(recorded);
  const b = objectOf(simulated);
  if (!a || !b) return;
  const recordedKeys = Object.keys(a);
  const simulatedKeys = Object.keys(b);
  for (const key of recordedKeys) if (!Object.hasOwn(b, key)) out.push({ kind: 'missing-field', path: at(path, key), recorded: typeOf(a[key]), simulated: null });
  for (const key of simulatedKeys) if (!Object.hasOwn(a, key)) out.push({ kind: 'extra-field', path: at(path, key), recorded: null, simulated: typeOf(b[key]) });
  const recordedOrder = recordedKeys.filter((k) => Object.hasOwn(b, k));
  const simulatedOrder = simulatedKeys.filter((k) => Object.hasOwn(a, k));
  if (recordedOrder.join('\n') !== simulatedOrder.join('\n')) out.push({ kind: 'key-order', path, recorded: recordedOrder, simulated: simulatedOrder });
  for (const key of recordedOrder) shapeDifferences(a[key], b[key], at(path, key), out);
}

/** How the simulator's answer differs from the recorded one: status, responseCode, responseMessage, then shapes. */
export function driftBetween(recorded: Answer, simulated: Answer): Difference[] {
  const out: Difference[] = [];
  if (recorded.status !== simulated.status) out.push({ kind: 'status', path: '', recorded: recorded.status, simulated: simulated.status });
  const a = objectOf(recorded.body);
  const b = objectOf(simulated.body);
  if (a && b) {
    if (a.responseCode !== b.responseCode) out.push({ kind: 'code', path: 'responseCode', recorded: a.responseCode, simulated: b.responseCode });
    if (a.responseMessage !== b.responseMessage) out.push({ kind: 'message', path: 'responseMessage', recorded: a.responseMessage, simulated: b.responseMessage });
  }
  shapeDifferences(recorded.body, simulated.body, '', out);
  return out;
}

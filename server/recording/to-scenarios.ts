import { GATEWAY_PREFIX } from '../gateway/kit.js';
import { objectOf } from '../support/json.js';
import { CassetteError, readCassette, type Cassette, type CassetteEntry } from './cassette.js';

/** Operations of an order a scenario can answer differently, by the first segment of the path under the prefix. */
const ORDER_OPERATIONS: Record<string, string> = { initiate: 'initiate', check: 'check', cancel: 'cancel', void: 'void', refund: 'refund', payment: 'oneClick' };
const SUCCESS = '2000000';

interface Fault {
  responseCode?: string;
  responseMessage?: string;
  httpStatus?: number;
}

/** One scenario of the file, as `schemas/scenario.json` has it. */
interface ScenarioJson {
  name: string;
  description: string;
  match: { amount: number } | { orderId: string };
  effects: { faults: Record<string, Fault | Fault[]> };
}

/** The answer as a fault step: `{}` (pass) for a success, else its status, code and message. */
function stepOf(entry: CassetteEntry): Fault {
  const body = objectOf(entry.response.body);
  const code = typeof body?.responseCode === 'string' ? body.responseCode : undefined;
  if (code === SUCCESS && entry.response.status === 200) return {};
  const message = typeof body?.responseMessage === 'string' && body.responseMessage !== '' ? body.responseMessage : undefined;
  return {
    ...(code && /^[1-5][0-9]{6}$/.test(code) ? { responseCode: code } : {}),
    ...(message ? { responseMessage: message } : {}),
    httpStatus: entry.response.status,
  };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The recorded error answers as scenarios: per recorded order with an error, one scenario matched by the
 * amount of its initiate (the project's magic-value style; by its exact order id when no initiate was
 * recorded or another recorded order has its amount), whose faults replay each operation's recorded answers in order.
 */
export function scenariosOf(cassette: Cassette): { scenarios: ScenarioJson[] } {
  interface Order { amount?: number; steps: Map<string, Fault[]>; first: number }
  const orders = new Map<string, Order>();
  cassette.entries.forEach((entry, i) => {
    const segments = entry.request.url.split('?')[0]!.slice(GATEWAY_PREFIX.length).split('/');
    const operation = entry.request.url.startsWith(GATEWAY_PREFIX) ? ORDER_OPERATIONS[segments[0]!] : undefined;
    // A 401 is about the caller's credentials, which the simulator checks by itself: no scenario of an order.
    if (!operation || entry.orderId === undefined || entry.response.status === 401) return;
    const order: Order = orders.get(entry.orderId) ?? { steps: new Map(), first: i };
    if (operation === 'initiate') {
      const amount = Number(objectOf(objectOf(entry.request.body)?.order)?.amount);
      if (Number.isInteger(amount) && amount >= 0) order.amount = amount;
    }
    order.steps.set(operation, [...(order.steps.get(operation) ?? []), stepOf(entry)]);
    orders.set(entry.orderId, order);
  });
  const failing = [...orders].filter(([, order]) => [...order.steps.values()].some((steps) => steps.some((s) => s.responseCode ?? s.httpStatus)));
  const amounts = [...orders.values()].map((order) => order.amount);
  return {
    scenarios: failing.map(([orderId, order]) => {
      // An amount is a match only when no other recorded order has it (a recorded success must stay one).
      const byAmount = order.amount !== undefined && amounts.filter((a) => a === order.amount).length === 1;
      const faults = Object.fromEntries([...order.steps].map(([operation, steps]) => [operation, steps.length === 1 ? steps[0]! : steps.slice(0, 100)]));
      return {
        name: `recorded-${order.first + 1}`.slice(0, 64),
        description: `Recorded from ${cassette.upstream} (order ${orderId}): ${[...order.steps].map(([op, steps]) => `${op} ${steps.map((s) => s.responseCode ?? 'ok').join(', ')}`).join('; ')}`,
        match: byAmount ? { amount: order.amount! } : { orderId: `^${escapeRegex(orderId)}$` },
        effects: { faults },
      };
    }),
  };
}

/** `finnet-mock cassette-to-scenarios <cassette.json>`: the scenario file on stdout; exit 1 with one line on stderr when the cassette is unusable. */
export function cassetteToScenarios(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    err.write('finnet-mock: usage: finnet-mock cassette-to-scenarios <cassette.json> > scenarios/recorded.json\n');
    return 1;
  }
  try {
    out.write(`${JSON.stringify(scenariosOf(readCassette(args[0]!)), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof CassetteError)) throw error;
    err.write(`finnet-mock: ${error.message}\n`);
    return 1;
  }
}

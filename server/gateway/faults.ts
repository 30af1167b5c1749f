import { channelOf, HOSTED } from '../channels/table.js';
import type { AppContext } from '../operations/context.js';
import type { FaultOperation, GatewayFault, Scenario } from '../model/scenario.js';
import { chainsOf, type ChainState } from '../scenarios/chain-state.js';
import { pickIn } from '../support/duration-range.js';
import { objectOf } from '../support/json.js';
import { waitReal } from '../support/real-time.js';
import { secondsSince, sendJson, type Exchange } from './exchange.js';
import { GATEWAY_PREFIX, type Handler } from './kit.js';
import { REFUSALS } from './refusals.js';
import { withSourceOfFundsObject } from '../validation/source-of-funds.js';
import { registerScenario } from '../transactions/open-vas.js';
import { GatewayError, httpStatusOf, messageFor, RESPONSE_CODES } from './response-codes.js';

const HEADER = 'x-finnet-mock-scenario';
// A scenario may slow an answer down, but never hold a connection for longer than this.
export const MAX_SCENARIO_DELAY_MS = 120_000;
const KEY = /^[A-Za-z0-9._:-]{1,64}$/;

/** Each gateway route's operation, by its path under the prefix: a route missing here fails at start. */
const ROUTE_OPERATIONS: Record<string, FaultOperation> = {
  'initiate': 'initiate',
  'check/:orderId': 'check',
  'cancel/:orderId': 'cancel',
  'void/:orderId': 'void',
  'void': 'void',
  'refund': 'refund',
  'payment': 'oneClick',
  'customer/delete/:cardToken': 'cardDelete',
  'openpayment/register': 'openVaRegister',
  'openpayment/update': 'openVaUpdate',
  'openpayment/check/:sofId/:paymentCode': 'openVaCheck',
  'openpayment/delete/:sofId/:paymentCode': 'openVaDelete',
};

/** What `X-Finnet-Mock-Scenario: name; key=value` says: the scenario's name and the correlation key of its chains. */
interface Requested {
  name?: string;
  key?: string;
}

/** A fault picked for one request, and where in the scenario it is written (for the hint). */
interface Picked {
  fault: GatewayFault;
  where: string;
  chain: string;
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
// Only a string or a number is read as an amount: an object could convert itself (and throw) on the way.
const amountOf = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN);

/** The scenario a request is under when its header names none: the order's, the open VA's, or the one its body matches. */
type Finder = (ex: Exchange, ctx: AppContext) => Scenario | undefined;

const enabled = (ctx: AppContext, name: string | undefined) => {
  const scenario = name === undefined ? undefined : ctx.scenarios.get(name);
  return scenario?.enabled ? scenario : undefined;
};
// Matched on the body as sent: a body too broken to match is answered by the handler's validation instead.
const byInitiateBody: Finder = (ex, ctx) => {
  const body = ex.body ?? {};
  const order = objectOf(body.order) ?? {};
  const customer = objectOf(body.customer) ?? {};
  const type = objectOf(body.sourceOfFunds)?.type;
  const channel = type === undefined ? HOSTED : typeof type === 'string' ? channelOf(type) : undefined;
  if (!channel) return undefined;
  ex.matched = ctx.scenarios.matchOnce({
    merchantId: ex.merchant!.id, channel: channel.type, amount: amountOf(order.amount), orderId: text(order.id),
    email: text(customer.email), phone: text(customer.mobilePhone),
  });
  return ex.matched.scenario;
};
const byOrder: Finder = (ex, ctx) => {
  const id = text(ex.req.params.orderId ?? objectOf(ex.body?.order)?.id);
  return enabled(ctx, ctx.store.getTransaction(ex.merchant!.id, id)?.scenario);
};
const byVaPath: Finder = (ex, ctx) => enabled(ctx, ctx.openVas.find(ex.merchant!.id, String(ex.req.params.sofId), String(ex.req.params.paymentCode))?.scenario);
const byVaBody: Finder = (ex, ctx) => {
  const sof = objectOf(ex.body?.sourceOfFunds) ?? {};
  return enabled(ctx, ctx.openVas.find(ex.merchant!.id, text(sof.type), text(sof.paymentCode))?.scenario);
};
// As the open-VA service matches a register: channel, merchant, customer, and the requested number as orderId.
const byVaRegister: Finder = (ex, ctx) => {
  const sof = objectOf(ex.body?.sourceOfFunds) ?? {};
  const customer = objectOf(ex.body?.customer) ?? {};
  const channel = typeof sof.type === 'string' ? channelOf(sof.type) : undefined;
  if (!channel) return undefined;
  return registerScenario(ctx.scenarios, ex.merchant!.id, channel, {
    paymentCode: text(sof.paymentCode), customer: { email: text(customer.email), mobilePhone: text(customer.mobilePhone) },
  });
};
// A saved card keeps no scenario: its delete is under one only through the header.
const none: Finder = () => undefined;

const FINDERS: Record<FaultOperation, Finder> = {
  initiate: byInitiateBody, oneClick: byInitiateBody,
  check: byOrder, cancel: byOrder, void: byOrder, refund: byOrder,
  cardDelete: none,
  openVaRegister: byVaRegister, openVaUpdate: byVaBody, openVaCheck: byVaPath, openVaDelete: byVaPath,
};

/** Operations that answer a replay of the same body from the order it made: an ambiguous fault is not repeated on the retry. */
const REPLAYED: ReadonlySet<FaultOperation> = new Set(['initiate', 'oneClick']);

const answers = (fault: GatewayFault) =>
  fault.dropConnection === true || fault.responseCode !== undefined || fault.responseMessage !== undefined || fault.httpStatus !== undefined;

/** The catalog's code for an HTTP status (504 → 5040000), else the general error's. */
function codeOf(fault: GatewayFault): string {
  if (fault.responseCode !== undefined) return fault.responseCode;
  const entry = Object.values(RESPONSE_CODES).find((e) => e.code.endsWith('0000') && httpStatusOf(e.code) === fault.httpStatus);
  return (entry ?? RESPONSE_CODES.generalError).code;
}

/**
 * The scenario faults of every gateway operation, and the global latency (`--latency`): each route's handler
 * runs through `wrap`, which waits, answers the fault, drops the connection, or lets the request through.
 */
export class GatewayFaults {
  private readonly chains: ChainState;
  /** Faults to answer instead of the real answer, once the operation is done (`process`). */
  private readonly held = new WeakMap<Exchange, Picked>();
  /** The correlation key each exchange's header gave. */
  private readonly keys = new WeakMap<Exchange, string>();

  constructor(private readonly ctx: AppContext) {
    this.chains = chainsOf(ctx.scenarios, ctx.generator.seed);
  }

  /** This request's share of `--latency` (0 when unset), from the seeded series. */
  latencyMs(): number {
    const range = this.ctx.config.latency;
    return range ? pickIn(range, this.chains.random('\0latency')) : 0;
  }

  /** The handler of the route at `path` (a gateway route path), with its operation's faults applied first. */
  wrap(path: string, handler: Handler): Handler {
    const operation = ROUTE_OPERATIONS[path.slice(GATEWAY_PREFIX.length)];
    if (!operation) throw new Error(`gateway route ${path} has no fault operation in gateway/faults.ts`);
    return async (ex) => {
      const requested = this.requested(ex);
      const scenario = requested.name === undefined ? FINDERS[operation](ex, this.ctx) : this.named(ex, requested.name);
      if (requested.name !== undefined && !scenario) {
        const facts = { merchantId: ex.merchant!.id, requestedScenario: requested.name };
        throw REFUSALS['unknown-scenario'].answer(facts).hinted(REFUSALS['unknown-scenario'].hint(facts, this.ctx));
      }
      const picked = scenario && this.pick(scenario, operation, requested.key);
      if (!picked) return handler(ex);
      ex.scenario = scenario.name;
      const { fault } = picked;
      if (fault.delayMs) {
        const wait = Math.min(fault.delayMaxMs === undefined ? fault.delayMs : pickIn({ minMs: fault.delayMs, maxMs: fault.delayMaxMs }, this.chains.random(picked.chain)), MAX_SCENARIO_DELAY_MS);
        await waitReal(wait, this.ctx.stopped);
      }
      if (!answers(fault)) return handler(ex);
      if (!fault.process) return this.answerFault(ex, picked);
      if (!(REPLAYED.has(operation) && this.isReplay(ex))) this.held.set(ex, picked);
      return handler(ex);
    };
  }

  /** Answers the held fault of an operation that was done (`process`) instead of its success; false when none is held. */
  answeredInstead(ex: Exchange): boolean {
    const picked = this.held.get(ex);
    if (!picked) return false;
    this.held.delete(ex);
    this.answerFault(ex, picked);
    return true;
  }

  /**
   * The scenario an initiate stores its order with: under an outcome `sequence`, a new order takes the chain's
   * next action (per correlation key); a replay or another scenario is used as it is.
   */
  withOutcomeStep(ex: Exchange, scenario: Scenario | undefined, newOrder: boolean): Scenario | undefined {
    const outcome = scenario?.effects.outcome;
    if (!scenario || !outcome?.sequence || !newOrder) return scenario;
    const position = this.chains.advance(`${scenario.name}\0outcome\0${this.keys.get(ex) ?? ''}`);
    const action = outcome.sequence[Math.min(position, outcome.sequence.length - 1)]!;
    return { ...scenario, effects: { ...scenario.effects, outcome: { ...outcome, action } } };
  }

  /** The scenario the header names, kept for admission as the match of the request. */
  private named(ex: Exchange, name: string): Scenario | undefined {
    ex.matched = this.ctx.scenarios.matchOnce({ requested: name });
    return ex.matched.scenario;
  }

  /** The header's scenario name and key; the handlers read the name from `ex.requestedScenario`. */
  private requested(ex: Exchange): Requested {
    const header = ex.req.headers[HEADER];
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined) return {};
    const [name, ...parameters] = value.split(';').map((part) => part.trim());
    let key: string | undefined;
    for (const parameter of parameters) {
      const [field, given] = parameter.split('=').map((part) => part.trim());
      if (field !== 'key' || given === undefined || !KEY.test(given)) {
        throw GatewayError.of('badRequest', `X-Finnet-Mock-Scenario parameter "${parameter}" is not key=<value>`, {
          hint: 'write X-Finnet-Mock-Scenario: <scenario name>; key=<1 to 64 letters, digits, . _ : or ->, e.g. flaky-then-ok; key=test-42',
        });
      }
      key = given;
    }
    ex.requestedScenario = name;
    if (key !== undefined) this.keys.set(ex, key);
    return { name: name!, ...(key === undefined ? {} : { key }) };
  }

  /** The step of the operation's fault sequence this request gets, unless its rate lets it pass. */
  private pick(scenario: Scenario, operation: FaultOperation, key: string | undefined): Picked | undefined {
    const { faults, initiate } = scenario.effects;
    const [where, steps] = faults?.[operation] ? [`effects.faults.${operation}`, faults[operation]]
      : operation === 'initiate' && initiate ? ['effects.initiate', [initiate]]
      : faults?.any ? ['effects.faults.any', faults.any] : [undefined, undefined];
    if (!where || !steps) return undefined;
    const chain = `${scenario.name}\0${operation}\0${key ?? ''}`;
    const position = steps.length > 1 ? this.chains.advance(chain) : 0;
    const fault = steps[Math.min(position, steps.length - 1)]!;
    if (fault.rate !== undefined && this.chains.random(chain) >= fault.rate) return undefined;
    return { fault, chain, where: steps.length > 1 ? `${where}, step ${Math.min(position, steps.length - 1) + 1} of ${steps.length}` : where };
  }

  /** Whether an initiate-like body is the one an existing, still answerable order was made with. */
  private isReplay(ex: Exchange): boolean {
    const order = objectOf(ex.body?.order);
    const earlier = order ? this.ctx.store.getTransaction(ex.merchant!.id, text(order.id)) : undefined;
    return earlier !== undefined && earlier.requestJson === JSON.stringify(withSourceOfFundsObject(ex.body!));
  }

  private answerFault(ex: Exchange, { fault, where }: Picked): void {
    // The request log names the order even when the fault came before the handler read it.
    ex.orderId ??= text(ex.req.params.orderId ?? objectOf(ex.body?.order)?.id) || undefined;
    if (fault.dropConnection) {
      ex.req.socket.destroy();
      return;
    }
    const code = codeOf(fault);
    const message = fault.responseMessage ?? messageFor(code) ?? RESPONSE_CODES.generalError.message;
    const status = fault.httpStatus ?? httpStatusOf(code);
    if (code.startsWith('2')) {
      sendJson(ex, status, { responseCode: code, responseMessage: message, processingTime: secondsSince(ex.startedAt), traceId: this.ctx.generator.traceId() },
        { 'X-Finnet-Mock-Scenario': ex.scenario! });
      return;
    }
    throw new GatewayError(code, message, { hint: `answer set by scenario ${ex.scenario} (its ${where})` }, status);
  }
}

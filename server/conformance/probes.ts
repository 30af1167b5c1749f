// The contract probes: a table of requests that are safe on a sandbox (nothing is ever paid), each compared with finnet-mock's answer.
import { channelOf } from '../channels/table.js';

export type Auth = 'merchant' | 'wrong-key' | 'none';

export interface ProbeRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  auth: Auth;
  /** finnet-mock's control API (`/_mock`): sent only to a target that is a finnet-mock. */
  control?: boolean;
}

/** What every probe of one run shares: order ids start with the run's prefix, so a run's orders are easy to find. */
export interface RunContext {
  prefix: string;
  callbackUrl: string;
}

export interface Probe {
  id: string;
  /** What it checks, in a few words. */
  what: string;
  request(run: RunContext): ProbeRequest;
  /** JSON paths compared by value besides responseCode and responseMessage. */
  values?: readonly string[];
  /** `order.timeout` the request sends: the offset of `expiryLink` from the send time is compared. */
  expiryMinutes?: number;
  /** The probe whose order this one uses: if that one differs, this one's differences follow from it. */
  dependsOn?: string;
  /** Requests sent first (their answers are not compared), e.g. failing an order through finnet-mock's control API. */
  setup?(run: RunContext): ProbeRequest[];
}

export const PROBE_AMOUNT = 10000;
export const PROBE_TIMEOUT_MINUTES = 60;
export const DEFAULT_CHANNELS = ['cc', 'vabca', 'finpaycode', 'qris', 'kredivo'] as const;
const STATUS_VALUES = ['data.order.id', 'data.order.amount', 'data.order.currency', 'data.sourceOfFunds.type', 'data.result.payment.status'];

export function orderIdOf(run: RunContext, slot: string): string {
  return `${run.prefix}-${slot}`.slice(0, 30);
}

/** An initiate body every channel accepts (items with categories summing to the amount, billing address, OVO's accountId). */
export function initiateBody(run: RunContext, orderId: string, type: string | null, timeout = PROBE_TIMEOUT_MINUTES): Record<string, any> {
  const half = String(PROBE_AMOUNT / 2);
  const item = (name: string) => ({ name, category: 'marketplace', quantity: '1', unitPrice: half, url: 'https://example.com/item' });
  return {
    customer: { email: 'conformance@example.com', firstName: 'Finnet', lastName: 'Conformance', mobilePhone: '+6281286288844' },
    order: { id: orderId, amount: String(PROBE_AMOUNT), description: 'finnet-mock conformance probe', timeout: String(timeout), item: [item('probe-a'), item('probe-b')] },
    url: { callbackUrl: run.callbackUrl, successUrl: 'https://example.com/finnet-mock-conformance/success', failUrl: 'https://example.com/finnet-mock-conformance/fail' },
    ...(type === null ? {} : { sourceOfFunds: type === 'ovo' ? { type, accountId: '081286288844' } : { type } }),
    billing: { address: { city: 'Jakarta Selatan', country: 'IDN', postcodeZip: '12740', street: 'Jalan Gatot Subroto' } },
  };
}

const initiate = (body: unknown, auth: Auth = 'merchant'): ProbeRequest => ({ method: 'POST', path: '/pg/payment/card/initiate', body, auth });
const get = (op: 'check' | 'cancel', orderId: string): ProbeRequest => ({ method: 'GET', path: `/pg/payment/card/${op}/${encodeURIComponent(orderId)}`, auth: 'merchant' });

/** A Kredivo initiate body with one change: the documented refusals each come from one field. */
function refusal(id: string, what: string, change: (body: Record<string, any>) => void, auth: Auth = 'merchant'): Probe {
  return {
    id,
    what,
    request: (run) => {
      const body = initiateBody(run, orderIdOf(run, id.replace(/^initiate\./, 'x-')), 'kredivo');
      change(body);
      return initiate(body, auth);
    },
  };
}

/** Per channel: initiate (small amount), its check-status, then cancel (refused with 4040100 where the channel allows none). */
function channelProbes(type: string): Probe[] {
  const slot = (run: RunContext) => orderIdOf(run, type);
  const cancellable = channelOf(type)?.cancellableWhileInitiated ?? true;
  return [
    { id: `initiate.${type}`, what: `initiate on ${type}, IDR ${PROBE_AMOUNT}, ${PROBE_TIMEOUT_MINUTES} min`, request: (run) => initiate(initiateBody(run, slot(run), type)), expiryMinutes: PROBE_TIMEOUT_MINUTES },
    { id: `check.${type}`, what: 'check-status of the unpaid order', request: (run) => get('check', slot(run)), values: STATUS_VALUES, dependsOn: `initiate.${type}` },
    { id: `cancel.${type}`, what: cancellable ? 'cancel the unpaid order' : 'cancel, refused on this channel', request: (run) => get('cancel', slot(run)), dependsOn: `initiate.${type}` },
  ];
}

/** One Kredivo order through the documented refusals of its life: refund unpaid, cancel, cancel again, check cancelled. */
const LIFECYCLE: Probe[] = [
  { id: 'lifecycle.initiate', what: 'initiate the order the lifecycle probes use', request: (run) => initiate(initiateBody(run, orderIdOf(run, 'life'), 'kredivo')), expiryMinutes: PROBE_TIMEOUT_MINUTES },
  {
    id: 'lifecycle.refund-unpaid', what: 'refund of an unpaid order', dependsOn: 'lifecycle.initiate',
    request: (run) => ({ method: 'POST', path: '/pg/payment/card/refund', body: { order: { id: orderIdOf(run, 'life'), amount: String(PROBE_AMOUNT) } }, auth: 'merchant' }),
  },
  { id: 'lifecycle.cancel', what: 'cancel the unpaid order', request: (run) => get('cancel', orderIdOf(run, 'life')), dependsOn: 'lifecycle.initiate' },
  { id: 'lifecycle.cancel-twice', what: 'cancel the cancelled order again', request: (run) => get('cancel', orderIdOf(run, 'life')), dependsOn: 'lifecycle.initiate' },
  { id: 'lifecycle.check-cancelled', what: 'check-status of the cancelled order', request: (run) => get('check', orderIdOf(run, 'life')), values: STATUS_VALUES, dependsOn: 'lifecycle.initiate' },
];

const REFUSALS: Probe[] = [
  refusal('initiate.missing-mobile-phone', 'initiate without customer.mobilePhone', (b) => delete b.customer.mobilePhone),
  refusal('initiate.local-phone-format', 'initiate with mobilePhone 08…', (b) => { b.customer.mobilePhone = '081286288844'; }),
  refusal('initiate.missing-order-id', 'initiate without order.id', (b) => delete b.order.id),
  refusal('initiate.missing-amount', 'initiate without order.amount', (b) => delete b.order.amount),
  refusal('initiate.bad-amount', 'initiate with order.amount "abc"', (b) => { b.order.amount = 'abc'; }),
  refusal('initiate.unknown-channel', 'initiate on sourceOfFunds.type "nosuchchannel"', (b) => { b.sourceOfFunds = { type: 'nosuchchannel' }; }),
  refusal('initiate.bad-credentials', 'initiate with a wrong merchant key', () => {}, 'wrong-key'),
  refusal('initiate.no-credentials', 'initiate without Authorization', () => {}, 'none'),
  { id: 'check.unknown-order', what: 'check-status of an order never initiated', request: (run) => get('check', orderIdOf(run, 'never')) },
  { id: 'cancel.unknown-order', what: 'cancel of an order never initiated', request: (run) => get('cancel', orderIdOf(run, 'never')) },
];

/** A sandbox cannot fail an order without a shopper: this one runs only against a finnet-mock, through its control API. */
const FAILED: Probe = {
  id: 'failed.status-word',
  what: 'the status word of a failed order (finnet-mock targets only)',
  setup: (run) => [
    initiate(initiateBody(run, orderIdOf(run, 'fail'), 'kredivo')),
    { method: 'POST', path: `/_mock/transactions/${encodeURIComponent(orderIdOf(run, 'fail'))}/fail`, auth: 'none', control: true },
  ],
  request: (run) => get('check', orderIdOf(run, 'fail')),
  values: [...STATUS_VALUES, 'data.result.payment.statusDesc'],
};

export function probesFor(channels: readonly string[]): Probe[] {
  return [...channels.flatMap(channelProbes), ...LIFECYCLE, ...REFUSALS, FAILED];
}

import { CHANNELS } from '../channels/table.js';
import { TEST_CARDS } from '../channels/test-cards.js';
import { FINAL_STATUSES } from '../model/transaction.js';
import { SUBSCRIPTION_VERBS } from '../transactions/subscriptions.js';
import { INTERVAL_UNITS } from '../transactions/recurring-schedule.js';
import { CALLBACK_HEALTH } from '../operations/callback-health.js';
import { CONTROL_HEADER } from './csrf-guard.js';
import { schemaComponent } from './openapi-schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, example?: unknown) => ({ 'application/json': { schema, ...(example === undefined ? {} : { example }) } });
const problem = (name: string) => ({ $ref: `#/components/responses/${name}` });
const ok = (description: string, schema: Json, example?: unknown) => ({ 200: { description, content: json(schema, example) } });
const query = (name: string, description: string, schema: Json = { type: 'string' }, required = false) => ({ name, in: 'query', required, description, schema });
const path = (name: string, description: string, schema: Json = { type: 'string', minLength: 1 }) => ({ name, in: 'path', required: true, description, schema });
const body = (schema: Json, example: unknown, required = true) => ({ required, content: json(schema, example) });

const STATUSES = ['REQUEST_INITIATED', ...FINAL_STATUSES];
const iso = { type: 'string', format: 'date-time' };
const nullable = (schema: Json) => ({ anyOf: [schema, { type: 'null' }] });
const PAGING = [
  query('limit', 'At most this many (1-1000, default 100).', { type: 'integer', minimum: 1, maximum: 1000 }),
  query('offset', 'Skip this many first.', { type: 'integer', minimum: 0 }),
];
const MERCHANT_ID = query('merchantId', 'Only this merchant\'s; needed when two merchants used the same order id.');
const ORDER_ID = path('orderId', '`order.id` as sent at initiate.');
const TOKEN = path('token', 'The saved card\'s token (check-status\'s `card.token`).', { type: 'string', pattern: '^[0-9a-fA-F]{64}$' });
const VA_CHANNELS = CHANNELS.filter((c) => c.family === 'va');
const SOF_ID = path('sofId', 'The VA channel (`sourceOfFunds.type` at register).', { enum: VA_CHANNELS.flatMap((c) => [c.type, ...c.aliases]) });
const PAYMENT_CODE = path('paymentCode', 'The VA number register answered.');
const UNITS = Object.keys(INTERVAL_UNITS);
// calendarAdvance reads the unit in any letter case: each letter as a class of both cases.
const anyCase = (word: string) => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
// Calls that change something: a browser form can send neither a JSON body nor this header (CSRF guard).
const CONTROL = { $ref: '#/components/parameters/X-Finnet-Mock' };

const PROBLEMS: Record<string, string> = {
  BadRequest: 'The request is not what the endpoint takes (detail says why).',
  Unauthorized: 'The simulator runs with --admin-token and the request carries no or a wrong token.',
  Forbidden: 'A change sent from another origin, or without a JSON body or X-Finnet-Mock header while authenticated by the cookie.',
  NotFound: 'No such transaction, callback, scenario, merchant, saved card, subscription, open VA, action or endpoint.',
  Conflict: 'The state does not allow it (or the id is ambiguous: add merchantId).',
  Timeout: 'Nothing matched within timeoutMs.',
  Unavailable: 'The data file cannot be written: nothing was changed.',
};
const STATUS_OF: Record<string, string> = { BadRequest: '400', Unauthorized: '401', Forbidden: '403', NotFound: '404', Conflict: '409', Timeout: '408', Unavailable: '503' };

/** The problems an operation may answer: every guarded one may be 401, every change 403 and 503. */
function problems(names: string[], change: boolean): Json {
  const all = [...names, 'Unauthorized', ...(change ? ['Forbidden', 'Unavailable'] : [])];
  return Object.fromEntries(all.map((name) => [STATUS_OF[name], problem(name)]));
}

function op(operationId: string, summary: string, tag: string, rest: Json & { responses: Json }, errors: string[] = [], change = false): Json {
  const parameters = [...((rest.parameters as Json[] | undefined) ?? []), ...(change ? [CONTROL] : [])];
  return { operationId, summary, tags: [tag], ...rest, ...(parameters.length ? { parameters } : {}), responses: { ...rest.responses, ...problems(errors, change) } };
}

function schemas(): Json {
  const summary = {
    type: 'object', required: ['merchantId', 'orderId', 'channel', 'status', 'amount', 'currency', 'createdAt', 'expiresAt', 'scenario'],
    properties: {
      merchantId: { type: 'string' }, orderId: { type: 'string' },
      channel: { type: 'string', description: 'Canonical sourceOfFunds.type, `hosted` until the shopper picks one.' },
      status: { enum: STATUSES }, amount: { type: 'integer' }, currency: { type: 'string' }, createdAt: iso, expiresAt: iso, scenario: nullable({ type: 'string' }),
    },
  };
  const attempt = {
    type: 'object', required: ['n', 'at', 'latencyMs', 'statusCode', 'responseExcerpt', 'error', 'delivered', 'manual'],
    properties: {
      n: { type: 'integer' }, at: iso, latencyMs: { type: 'number' }, statusCode: nullable({ type: 'integer' }),
      responseExcerpt: { type: 'string', description: 'The first 2 KB of the answer.' }, error: nullable({ type: 'string' }), delivered: { type: 'boolean' },
      manual: { type: 'boolean', description: 'Sent by hand (resend), not by the retry schedule.' },
      note: { type: 'string', description: 'What makes the attempt odd: "duplicate 2 of 4, fresh x-timestamp and x-signature".' },
    },
  };
  return {
    Problem: {
      title: 'RFC 7807 problem', type: 'object', required: ['type', 'title', 'status'],
      properties: { type: { type: 'string', format: 'uri' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
    },
    Health: {
      type: 'object', required: ['status', 'transactions', 'now', 'store', 'memory'],
      properties: {
        status: { enum: ['ok', 'not ready'] }, transactions: { type: 'integer' }, now: { ...iso, description: 'Virtual time.' },
        store: { type: 'object', required: ['writable'], properties: { writable: { type: 'boolean' }, problem: nullable({ type: 'string' }) } },
        memory: { type: 'object', properties: { rssMb: { type: 'integer' }, heapUsedMb: { type: 'integer' } } },
      },
    },
    TransactionSummary: summary,
    TransactionList: { type: 'object', required: ['total', 'limit', 'offset', 'items'], properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: ref('TransactionSummary') } } },
    Transaction: {
      allOf: [ref('TransactionSummary'), {
        type: 'object', required: ['reference', 'request', 'response', 'timeline', 'callbacks'],
        properties: {
          reference: { type: 'string' },
          request: { type: 'object', description: 'The initiate body as sent.' },
          response: { type: 'object', description: 'The channel part of the initiate answer (redirecturl, expiryLink, paymentCode …).' },
          timeline: {
            type: 'array',
            items: { type: 'object', required: ['at', 'event'], properties: { at: iso, event: { type: 'string' }, detail: { type: 'string' }, times: { type: 'integer', description: 'Repeats folded into one entry.' } } },
          },
          callbacks: { type: 'array', items: ref('Delivery') },
        },
      }],
    },
    DeliveryAttempt: attempt,
    Delivery: {
      type: 'object', required: ['id', 'merchantId', 'orderId', 'status', 'url', 'headers', 'body', 'signature', 'state', 'attempts', 'nextAttemptAt', 'createdAt'],
      properties: {
        id: { type: 'string' }, merchantId: { type: 'string' }, orderId: { type: 'string' }, status: { enum: FINAL_STATUSES }, url: { type: 'string' },
        headers: { type: 'object', additionalProperties: { type: 'string' } }, body: { type: 'string', description: 'The exact bytes POSTed.' },
        signature: { type: 'string' }, state: { enum: ['pending', 'delivered', 'gave-up', 'suppressed'] }, attempts: { type: 'array', items: ref('DeliveryAttempt') },
        nextAttemptAt: nullable(iso), createdAt: iso, behaviour: { type: 'object', description: 'The scenario\'s callback effects.' }, scenario: { type: 'string' },
        duplicateSent: { type: 'boolean' },
        duplicatesSent: { type: 'integer', description: 'Extra copies of the delivered callback sent so far (callback.duplicate).' },
        notes: { type: 'array', items: { type: 'string' }, description: 'What the scenario does to this callback, in words: late, wrong amount, phantom beside it, held for the redirect …' },
        companionOf: {
          type: 'object', required: ['kind', 'deliveryId'], description: 'Set on a callback a scenario sends beside the real one: a phantom (made-up order id) or a stale FAILURE (out of order).',
          properties: { kind: { enum: ['phantom', 'stale-failure'] }, deliveryId: { type: 'string', description: 'The real callback.' } },
        },
        companions: { type: 'array', items: { type: 'string' }, description: 'Ids of the callbacks sent beside this one.' },
        waitingFor: { enum: ['paid-delivery', 'redirect'], description: 'A stale FAILURE waiting for the paid callback, or a callback held until the shopper is redirected back.' },
      },
    },
    DeliveryList: { type: 'object', required: ['total', 'items'], properties: { total: { type: 'integer' }, items: { type: 'array', items: ref('Delivery') } } },
    Clock: {
      type: 'object', required: ['now', 'epochMs', 'frozen', 'offsetMs', 'pendingJobs'],
      properties: { now: iso, epochMs: { type: 'integer' }, frozen: { type: 'boolean' }, offsetMs: nullable({ type: 'integer' }), pendingJobs: { type: 'integer' } },
    },
    ClockCommand: {
      oneOf: [
        { type: 'object', required: ['action'], properties: { action: { enum: ['freeze', 'resume', 'reset'] } } },
        { type: 'object', required: ['action', 'to'], properties: { action: { const: 'set' }, to: { type: ['string', 'integer'], description: 'ISO time or epoch ms.' } } },
        {
          type: 'object', required: ['action', 'by'],
          properties: { action: { const: 'advance' }, by: { anyOf: [ref('scenario/$defs/duration'), ref('CalendarAmount')], description: 'Not 0, at most 366 days.' } },
        },
      ],
    },
    ClockState: { type: 'object', properties: { now: { type: ['string', 'integer'], description: 'ISO time or epoch ms.' }, frozen: { type: 'boolean' } } },
    scenario: schemaComponent('scenario.json'),
    ScenarioView: {
      type: 'object', required: ['name', 'enabled', 'match', 'effects', 'source'],
      description: 'A scenario as loaded: durations in ms (`delayMs`, `expiryMs`, `afterMs`).',
      properties: {
        name: { type: 'string' }, description: { type: 'string' }, enabled: { type: 'boolean' }, match: { type: 'object' }, effects: { type: 'object' },
        source: { type: 'string', description: '`runtime`, or the file it came from.' },
      },
    },
    ScenarioList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('ScenarioView') } } },
    Removed: { type: 'object', required: ['removed'], properties: { removed: { type: 'integer' } } },
    LoggedRequest: {
      type: 'object', required: ['id', 'at', 'method', 'path', 'status'],
      properties: {
        id: { type: 'integer' }, at: iso, method: { type: 'string' }, path: { type: 'string' },
        headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'As received (lower-case names), Authorization without the merchant key.' }, merchantId: nullable({ type: 'string' }), orderId: nullable({ type: 'string' }),
        status: { type: 'integer' }, responseCode: nullable({ type: 'string' }), responseMessage: nullable({ type: 'string' }),
        field: nullable({ type: 'string' }), rule: nullable({ type: 'string' }), hint: nullable({ type: 'string' }), scenario: nullable({ type: 'string' }),
        durationMs: { type: 'number' }, body: nullable({ type: 'string', description: 'The first 4 KB as received.' }),
      },
    },
    SignatureRequest: {
      type: 'object', required: ['body'],
      properties: { merchantId: { type: 'string', description: 'Default: the first merchant.' }, body: { anyOf: [{ type: 'object' }, { type: 'string' }], description: 'The callback, parsed or as raw text.' } },
    },
    SignatureExplanation: {
      type: 'object', required: ['merchantId', 'signedString', 'expectedSignature', 'receivedSignature', 'matches', 'variants', 'notes'],
      properties: {
        merchantId: { type: 'string' }, signedString: { type: 'string', description: 'PHP json_encode of the body without signature.' },
        expectedSignature: { type: 'string' }, receivedSignature: nullable({ type: 'string' }), matches: nullable({ type: 'boolean' }),
        variants: { type: 'array', items: { type: 'object', required: ['method', 'signature', 'matchesExpected'], properties: { method: { type: 'string' }, signature: { type: 'string' }, matchesExpected: { type: 'boolean' } } } },
        notes: { type: 'array', items: { type: 'string' } },
      },
    },
    CalendarAmount: {
      type: 'string', pattern: `^\\s*\\d{1,4}\\s*(?:${UNITS.map(anyCase).join('|')})\\s*$`,
      description: `A count and a calendar unit (${UNITS.join(', ')}; any case), Asia/Jakarta: \`1 month\` from 31 January is the last day of February.`,
    },
    SavedCard: {
      type: 'object', required: ['token', 'merchantId', 'customerId', 'mask', 'brand', 'card', 'savedBy', 'createdAt', 'deletedAt', 'deleted'],
      properties: {
        token: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'What a one-click order sends as `card.token`.' },
        merchantId: { type: 'string' }, customerId: { type: 'string', description: 'The only `customer.id` the token is accepted for.' },
        mask: { type: 'string' }, brand: { type: 'string' },
        card: {
          type: 'object', required: ['mask', 'info'],
          properties: {
            mask: { type: 'string' },
            info: { type: 'object', required: ['brand', 'issuing', 'type', 'subType', 'country'], properties: Object.fromEntries(['brand', 'issuing', 'type', 'subType', 'country'].map((k) => [k, { type: 'string' }])) },
          },
        },
        savedBy: nullable({ type: 'string', description: 'The order whose capture saved it; null when saved by POST /_mock/saved-cards.' }),
        createdAt: iso, deletedAt: nullable(iso), deleted: { type: 'boolean' },
      },
    },
    SavedCardList: { type: 'object', required: ['total', 'limit', 'offset', 'items'], properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: ref('SavedCard') } } },
    SavedCardSeed: {
      type: 'object', required: ['customerId', 'number'],
      properties: {
        merchantId: { type: 'string', minLength: 1, description: 'Default: the first merchant.' }, customerId: { type: 'string', minLength: 1, maxLength: 320 },
        number: { type: 'string', description: `A valid Visa, Mastercard, JCB or AMEX number; a test card (${TEST_CARDS.map((c) => c.number).join(', ')}) decides how later charges end.` },
      },
    },
    Subscription: {
      type: 'object',
      required: ['id', 'merchantId', 'customerId', 'firstOrderId', 'state', 'type', 'amount', 'interval', 'intervalUnit', 'maxInterval', 'startDate', 'endDate',
        'retry', 'cardToken', 'createdAt', 'nextChargeAt', 'nextCharge', 'nextAttempt', 'failNext', 'chargesMade', 'endedAt', 'endReason', 'charges'],
      properties: {
        id: { type: 'string', description: '`recurring.id`, unique per merchant.' }, merchantId: { type: 'string' }, customerId: { type: 'string' },
        firstOrderId: { type: 'string', description: 'The order whose capture started it.' },
        state: { enum: ['active', 'paused', 'cancelled', 'ended'] }, type: { enum: ['PURCHASE', 'TOPUP'] }, amount: { type: 'integer' },
        interval: { type: 'integer' }, intervalUnit: { enum: UNITS }, maxInterval: nullable({ type: 'integer' }),
        startDate: nullable({ type: 'string', pattern: '^[0-9]{8}$' }), endDate: nullable({ type: 'string', pattern: '^[0-9]{8}$' }),
        retry: nullable({
          type: 'object', required: ['interval', 'intervalUnit', 'maxInterval'],
          properties: { interval: { type: 'integer' }, intervalUnit: { enum: UNITS }, maxInterval: { type: 'integer' } },
        }),
        cardToken: nullable({ type: 'string', description: 'The saved card its charges use.' }), createdAt: iso,
        nextChargeAt: nullable({ ...iso, description: 'Virtual time of the next try; null once cancelled or ended.' }),
        nextCharge: nullable({ type: 'integer' }), nextAttempt: nullable({ type: 'integer', description: '1, or 2 and up for a retry.' }),
        failNext: { type: 'boolean', description: 'The next try fails (fail-next).' }, chargesMade: { type: 'integer' },
        endedAt: nullable(iso), endReason: nullable({ type: 'string' }),
        charges: {
          type: 'array',
          description: 'Every try, oldest first, read from its order (its status as the order is now); of the tries that got no order, the latest 20.',
          items: {
            type: 'object', required: ['orderId', 'n', 'dueAt', 'attempt', 'status', 'cause'],
            properties: {
              orderId: nullable({ type: 'string', description: 'null when no order could be created.' }), n: { type: 'integer' },
              dueAt: { ...iso, description: 'Virtual time the try was made (its order was created).' },
              attempt: { type: 'integer' }, status: { enum: STATUSES }, cause: { type: 'string' },
            },
          },
        },
      },
    },
    SubscriptionList: { type: 'object', required: ['total', 'limit', 'offset', 'items'], properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: ref('Subscription') } } },
    OpenVaSummary: {
      type: 'object', description: 'An open VA as a list shows it (its payments are in GET /_mock/open-vas/{sofId}/{paymentCode}).',
      required: ['merchantId', 'channel', 'paymentCode', 'status', 'customer', 'callbackUrl', 'scenario', 'createdAt', 'updatedAt', 'deletedAt', 'scheduledTransfer',
        'transferPage'],
      properties: {
        merchantId: { type: 'string' }, channel: { enum: VA_CHANNELS.map((c) => c.type) }, paymentCode: { type: 'string' }, status: { enum: ['ACTIVE', 'DELETED'] },
        customer: { type: 'object', properties: Object.fromEntries(['id', 'email', 'firstName', 'lastName', 'mobilePhone'].map((k) => [k, { type: 'string' }])) },
        callbackUrl: nullable({ type: 'string' }), scenario: nullable({ type: 'string' }), createdAt: iso, updatedAt: nullable(iso), deletedAt: nullable(iso),
        scheduledTransfer: nullable({ type: 'object', required: ['at', 'amount'], properties: { at: iso, amount: { type: 'integer' } } }),
        transferPage: { type: 'string', format: 'uri', description: 'The shopper\'s transfer page for this VA.' },
      },
    },
    OpenVa: {
      allOf: [ref('OpenVaSummary'), {
        type: 'object', required: ['payments'],
        properties: { payments: { type: 'array', items: ref('TransactionSummary'), description: 'Each transfer as an order, oldest first.' } },
      }],
    },
    OpenVaList: { type: 'object', required: ['total', 'limit', 'offset', 'items'], properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: ref('OpenVaSummary') } } },
    OpenVaTransfer: {
      type: 'object', required: ['amount'],
      properties: { amount: { type: 'integer', minimum: 1, description: 'Whole rupiah: an open VA takes any amount.' }, merchantId: { type: 'string', minLength: 1 } },
    },
    OpenVaPayment: { type: 'object', required: ['openVa', 'transaction'], properties: { openVa: ref('OpenVa'), transaction: ref('TransactionSummary') } },
  };
}

function paths(): Json {
  const transactionOk = ok('The transaction with its request, answer, timeline and callbacks', ref('Transaction'));
  return {
    '/_mock/health': {
      get: op('health', 'Readiness', 'Simulator', {
        security: [],
        responses: { ...ok('Ready', ref('Health')), 503: { description: 'Not ready: the data file cannot be written', content: json(ref('Health')) } },
      }),
    },
    '/_mock/keys/callback.pem': {
      get: op('callbackPublicKey', 'The public key of the callbacks\' x-signature', 'Callbacks', {
        security: [], responses: { 200: { description: 'SPKI PEM', content: { 'application/x-pem-file': { schema: { type: 'string' } } } } },
      }),
    },
    '/_mock/reset': {
      post: op('reset', 'Forget transactions, callbacks, requests, runtime scenarios and clock moves', 'Simulator', {
        parameters: [query('merchantId', 'Reset only this merchant\'s data.')],
        requestBody: body({ type: 'object', properties: { merchantId: { type: 'string', minLength: 1 } }, additionalProperties: false }, { merchantId: 'SHOP2' }, false),
        responses: ok('Reset', { type: 'object', required: ['reset'], properties: { reset: { type: 'string', description: 'The merchant id, or `all`.' } } }, { reset: 'all' }),
      }, ['BadRequest', 'NotFound'], true),
    },
    '/_mock/transactions': {
      get: op('listTransactions', 'Transactions, newest first', 'Transactions', {
        parameters: [query('status', 'Only this status.', { enum: STATUSES }), MERCHANT_ID, query('channel', 'Only this channel.', { enum: [...CHANNELS.map((c) => c.type), 'hosted'] }),
          query('callback', 'Only orders whose worst callback is in this state: `gave-up` (no more retries), `failing` (failed, a retry is scheduled), `pending` (not tried yet), `delivered`, `none` (no callback, or one a scenario suppressed).', { enum: [...CALLBACK_HEALTH] }), ...PAGING],
        responses: ok('A page of transactions', ref('TransactionList')),
      }, ['BadRequest']),
    },
    '/_mock/transactions/{orderId}': {
      get: op('getTransaction', 'A transaction with its timeline and callbacks', 'Transactions', { parameters: [ORDER_ID, MERCHANT_ID], responses: transactionOk }, ['NotFound', 'Conflict']),
    },
    '/_mock/transactions/{orderId}/refund': {
      post: op('refundTransaction', 'Refund all that is left of a paid order, or an amount of it, with its callback', 'Transactions', {
        parameters: [ORDER_ID, MERCHANT_ID],
        requestBody: body({ type: 'object', properties: { amount: { type: 'integer', minimum: 1, description: 'Whole rupiah, at most what is left; leave out to refund all of it.' } }, additionalProperties: false }, { amount: 5000 }, false),
        responses: transactionOk,
      }, ['BadRequest', 'NotFound', 'Conflict'], true),
    },
    '/_mock/transactions/{orderId}/void': {
      post: op('voidTransaction', 'Void a CAPTURED card payment before its settlement (00:00 WIB), with its callback', 'Transactions', {
        parameters: [ORDER_ID, MERCHANT_ID], responses: transactionOk,
      }, ['NotFound', 'Conflict'], true),
    },
    '/_mock/transactions/{orderId}/{action}': {
      post: op('actOnTransaction', 'Move an order as the shopper or channel would, with its callback', 'Transactions', {
        parameters: [ORDER_ID, path('action', 'What happens to the order.', { enum: ['pay', 'fail', 'expire', 'cancel'] }), MERCHANT_ID], responses: transactionOk,
      }, ['NotFound', 'Conflict'], true),
    },
    '/_mock/callbacks': {
      get: op('listCallbacks', 'Callbacks with every attempt, newest first', 'Callbacks', {
        parameters: [query('orderId', 'Only this order\'s.'), MERCHANT_ID, query('status', 'Only callbacks reporting this status.', { enum: FINAL_STATUSES })],
        responses: ok('Callbacks', ref('DeliveryList')),
      }),
    },
    '/_mock/callbacks/wait': {
      get: op('waitForCallback', 'Long-poll until a delivered callback matches', 'Callbacks', {
        parameters: [
          query('orderId', 'The order.', { type: 'string', minLength: 1 }, true), query('status', 'Only a callback reporting this status.', { enum: FINAL_STATUSES }), MERCHANT_ID,
          query('timeoutMs', 'How long to wait (ms or 5s, 2m …; default 10 s, at most 120 s).', ref('scenario/$defs/duration')),
        ],
        responses: ok('The delivered callback', ref('Delivery')),
      }, ['BadRequest', 'Timeout']),
    },
    '/_mock/callbacks/{id}/resend': {
      post: op('resendCallback', 'Send the same bytes again now', 'Callbacks', {
        parameters: [path('id', 'The callback\'s id (GET /_mock/callbacks).')],
        responses: ok('The attempt and the callback', { type: 'object', required: ['attempt', 'callback'], properties: { attempt: ref('DeliveryAttempt'), callback: ref('Delivery') } }),
      }, ['NotFound'], true),
    },
    '/_mock/clock': {
      get: op('getClock', 'The virtual clock', 'Clock', { responses: ok('The clock', ref('Clock')) }),
      post: op('moveClock', 'Freeze, resume, set, advance or reset the virtual clock', 'Clock', {
        requestBody: body(ref('ClockCommand'), { action: 'advance', by: '2h' }), responses: ok('The clock after the move', ref('Clock')),
      }, ['BadRequest'], true),
      put: op('putClock', 'Set the clock\'s time and whether it is frozen', 'Clock', {
        requestBody: body(ref('ClockState'), { now: '2030-01-01T00:00:00Z', frozen: true }), responses: ok('The clock after the move', ref('Clock')),
      }, ['BadRequest'], true),
    },
    '/_mock/scenarios': {
      get: op('listScenarios', 'Scenarios, in match order', 'Scenarios', { responses: ok('Scenarios', ref('ScenarioList')) }),
      post: op('addScenarios', 'Add runtime scenarios (one, a list, or {"scenarios": [...]})', 'Scenarios', {
        requestBody: body(ref('scenario'), { name: 'slow-initiate', match: { channel: 'kredivo' }, effects: { initiate: { delay: '2s' } } }),
        responses: { 201: { description: 'Added', content: json(ref('ScenarioList')) } },
      }, ['BadRequest'], true),
      delete: op('removeRuntimeScenarios', 'Remove every runtime scenario', 'Scenarios', { responses: ok('How many were removed', ref('Removed')) }, [], true),
    },
    '/_mock/scenarios/{name}': {
      patch: op('setScenarioEnabled', 'Turn a scenario on or off', 'Scenarios', {
        parameters: [path('name', 'The scenario\'s name.')],
        requestBody: body({ type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } }, { enabled: false }),
        responses: ok('The scenario', ref('ScenarioView')),
      }, ['BadRequest', 'NotFound'], true),
      delete: op('removeScenario', 'Remove a runtime scenario (one from a file: 409, disable it instead)', 'Scenarios', {
        parameters: [path('name', 'The scenario\'s name.')], responses: ok('Removed', ref('Removed')),
      }, ['NotFound', 'Conflict'], true),
    },
    '/_mock/requests': {
      get: op('listRequests', 'Gateway requests received, newest first, refused ones with the failing field, rule and hint', 'Simulator', {
        parameters: [
          query('path', 'Only this path; a trailing * matches a prefix (/pg/payment/card/check/*).', { type: 'string', pattern: '^/' }),
          query('method', 'Only this HTTP method.', { type: 'string', pattern: '^[A-Za-z]{1,16}$' }), MERCHANT_ID, query('orderId', 'Only this order\'s.'),
          query('status', 'Only this HTTP status (0: a dropped connection).', { type: 'integer', anyOf: [{ const: 0 }, { minimum: 100, maximum: 599 }] }),
          query('rejected', 'Only refused ones (HTTP status 400 or above).', { enum: ['true', 'false'] }), ...PAGING,
        ],
        responses: ok('Requests', {
          type: 'object', required: ['total', 'limit', 'offset', 'items'],
          properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: ref('LoggedRequest') } },
        }),
      }, ['BadRequest']),
    },
    '/_mock/signature': {
      post: op('explainSignature', 'Why a callback signature does (not) verify: the exact string signed and the expected signature', 'Callbacks', {
        requestBody: body(ref('SignatureRequest'), { merchantId: 'FINPAY770', body: '{"merchant":{"id":"FINPAY770"},"signature":"…"}' }),
        responses: ok('The explanation', ref('SignatureExplanation')),
      }, ['BadRequest', 'NotFound'], true),
    },
    '/_mock/saved-cards': {
      get: op('listSavedCards', 'Saved cards, newest first, deleted ones too', 'Saved cards', {
        parameters: [query('merchantId', 'Only this merchant\'s.'), query('customerId', 'Only this customer\'s (`customer.id`).'), ...PAGING],
        responses: ok('A page of saved cards', ref('SavedCardList')),
      }, ['BadRequest']),
      post: op('saveCard', 'Save a card for a customer, as a captured TO_BE_STORED order would (the same live card again answers its token)', 'Saved cards', {
        requestBody: body(ref('SavedCardSeed'), { merchantId: 'FINPAY770', customerId: 'hajar@yahoo.com', number: '5123450000000008' }),
        responses: {
          200: { description: 'The customer already had this card: its live token', content: json(ref('SavedCard')) },
          201: { description: 'The saved card', content: json(ref('SavedCard')) },
        },
      }, ['BadRequest', 'NotFound'], true),
    },
    '/_mock/saved-cards/{token}': {
      get: op('getSavedCard', 'A saved card', 'Saved cards', { parameters: [TOKEN], responses: ok('The saved card', ref('SavedCard')) }, ['BadRequest', 'NotFound']),
      delete: op('deleteSavedCard', 'Delete a saved card, as the gateway\'s delete does: its token is refused from then on', 'Saved cards', {
        parameters: [TOKEN], responses: ok('The card, deleted', ref('SavedCard')),
      }, ['BadRequest', 'NotFound', 'Conflict'], true),
    },
    '/_mock/subscriptions': {
      get: op('listSubscriptions', 'Subscriptions, newest first', 'Subscriptions', {
        parameters: [MERCHANT_ID, query('state', 'Only those in this state.', { enum: ['active', 'paused', 'cancelled', 'ended'] }), ...PAGING],
        responses: ok('A page of subscriptions', ref('SubscriptionList')),
      }, ['BadRequest']),
    },
    '/_mock/subscriptions/{id}': {
      get: op('getSubscription', 'A subscription with its charges', 'Subscriptions', {
        parameters: [path('id', '`recurring.id` as sent at initiate.'), query('merchantId', 'Whose; needed when two merchants used the same id.')],
        responses: ok('The subscription', ref('Subscription')),
      }, ['NotFound', 'Conflict']),
    },
    '/_mock/subscriptions/{id}/{verb}': {
      post: op('actOnSubscription', 'Cancel, pause, resume, or make the next charge fail', 'Subscriptions', {
        parameters: [
          path('id', '`recurring.id` as sent at initiate.'),
          path('verb', 'cancel (active or paused), pause (active), resume (paused), fail-next (active or paused).', { enum: [...SUBSCRIPTION_VERBS] }),
          query('merchantId', 'Whose; needed when two merchants used the same id.'),
        ],
        responses: ok('The subscription after it', ref('Subscription')),
      }, ['NotFound', 'Conflict'], true),
    },
    '/_mock/open-vas': {
      get: op('listOpenVas', 'Open VAs, newest first (without their payments: see one VA)', 'Open VAs', {
        parameters: [
          MERCHANT_ID, query('channel', 'Only this VA channel.', { enum: VA_CHANNELS.flatMap((c) => [c.type, ...c.aliases]) }),
          query('status', 'Only ACTIVE or DELETED ones.', { enum: ['ACTIVE', 'DELETED'] }), ...PAGING,
        ],
        responses: ok('A page of open VAs', ref('OpenVaList')),
      }, ['BadRequest']),
    },
    '/_mock/open-vas/{sofId}/{paymentCode}': {
      get: op('getOpenVa', 'An open VA with its payments', 'Open VAs', {
        parameters: [SOF_ID, PAYMENT_CODE, query('merchantId', 'Whose; needed when two merchants have the same VA.')],
        responses: ok('The open VA', ref('OpenVa')),
      }, ['NotFound', 'Conflict']),
    },
    '/_mock/open-vas/{sofId}/{paymentCode}/pay': {
      post: op('payOpenVa', 'Transfer an amount into an open VA, as the customer\'s bank would: a PAID order and its callback', 'Open VAs', {
        parameters: [SOF_ID, PAYMENT_CODE, query('merchantId', 'Whose (the body\'s merchantId wins); needed when two merchants have the same VA.')],
        requestBody: body(ref('OpenVaTransfer'), { amount: 150000 }),
        responses: ok('The VA and the payment\'s order', ref('OpenVaPayment')),
      }, ['BadRequest', 'NotFound', 'Conflict'], true),
    },
    '/_mock/openapi.json': {
      get: op('gatewayOpenApi', 'The OpenAPI 3.1 document of the gateway contract (openapi/finpay.json, servers set to this simulator)', 'Simulator', {
        responses: ok('OpenAPI document', { type: 'object' }),
      }),
    },
    '/_mock/openapi-control.json': {
      get: op('controlOpenApi', 'This document (openapi/control.json, servers set to this simulator)', 'Simulator', { responses: ok('OpenAPI document', { type: 'object' }) }),
    },
  };
}

/** The OpenAPI 3.1 document of the control API (`/_mock`). */
export function controlDocument(servers: { url: string; description: string }[] = [{ url: 'http://localhost:4000', description: 'finnet-mock on its default port' }]): Json {
  const problemResponses = Object.fromEntries(Object.entries(PROBLEMS).map(([name, description]) => [name, {
    description, content: { 'application/problem+json': { schema: ref('Problem') } },
  }]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'finnet-mock control API',
      version: '1.0.0',
      summary: 'The simulator\'s own API under /_mock: state, clock, scenarios, callbacks, request log, saved cards, subscriptions, open VAs.',
      description: 'JSON in and out; errors are RFC 7807 application/problem+json. A POST, PUT, PATCH or DELETE needs a JSON body, the header X-Finnet-Mock: 1, or no body '
        + 'at all, and is refused (403) when the browser says it comes from another origin. With --admin-token every call but health and the public key needs the token.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers,
    security: [{}, { adminBearer: [] }, { adminHeader: [] }, { adminCookie: [] }, { adminQuery: [] }],
    tags: [
      { name: 'Simulator', description: 'Health, reset, the request log, the documents.' },
      { name: 'Transactions', description: 'Orders and moving them.' },
      { name: 'Callbacks', description: 'Deliveries, waiting for one, resending, signatures.' },
      { name: 'Clock', description: 'The virtual clock.' },
      { name: 'Scenarios', description: 'Forced outcomes.' },
      { name: 'Saved cards', description: 'Card tokens kept for one-click payments.' },
      { name: 'Subscriptions', description: 'Recurring card charges on the virtual clock.' },
      { name: 'Open VAs', description: 'Static VA numbers and transfers into them.' },
    ],
    paths: paths(),
    components: {
      schemas: schemas(),
      responses: problemResponses,
      parameters: {
        [CONTROL_HEADER]: {
          name: CONTROL_HEADER, in: 'header', required: false, schema: { const: '1' },
          description: 'Needed on a change sent without a JSON body (a browser form can send neither).',
        },
      },
      securitySchemes: {
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The --admin-token, when the simulator was started with one.' },
        adminHeader: { type: 'apiKey', in: 'header', name: 'X-Admin-Token' },
        adminCookie: { type: 'apiKey', in: 'cookie', name: 'admin_token', description: 'The dashboard\'s cookie; a change also needs a JSON body or X-Finnet-Mock.' },
        adminQuery: { type: 'apiKey', in: 'query', name: 'token' },
      },
    },
  };
}

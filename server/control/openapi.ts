import { readdirSync } from 'node:fs';
import { CHANNELS, HOSTED, type Channel, type Family } from '../channels/table.js';
import { USER_DESCRIPTIONS } from '../channels/gateway-body.js';
import { FAILURE_WORDS } from '../model/scenario.js';
import type { PaymentStatus } from '../model/transaction.js';
import { RESPONSE_CODES, type ResponseCodeName } from '../gateway/response-codes.js';
import { SCHEMA_DIR } from '../support/paths.js';
import { channelRuleFiles, componentName, schemaComponent, schemaFileExists } from './openapi-schemas.js';
import {
  CALLBACK_EXAMPLE, CARD_PAYMENT_EXAMPLE, CARD_TOKEN_EXAMPLE, CHECK_STATUS_EXAMPLES, INITIATE_REQUEST_EXAMPLES, INITIATE_RESPONSE_EXAMPLES,
  OPEN_VA_EXAMPLES, SUCCESS_EXAMPLE, TRACE_ID_EXAMPLE,
} from './openapi-examples.js';
import { controlDocument } from './openapi-control.js';

type Json = Record<string, unknown>;

export interface Server {
  url: string;
  description: string;
}

/** Where the published documents point when no simulator URL is known: the default port and Finpay's own hosts. */
export const DEFAULT_SERVERS: Server[] = [
  { url: 'http://localhost:4000', description: 'finnet-mock on its default port' },
  { url: 'https://devo.finnet.co.id', description: 'Finpay development (sandbox)' },
  { url: 'https://live.finnet.co.id', description: 'Finpay production' },
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, examples?: Json) => ({ 'application/json': { schema, ...(examples ? { examples } : {}) } });
const exampleOf = (summary: string, value: unknown) => ({ summary, value });

// Schema files that are no request body: the element labels, the simulator's generated values, the scenarios (control document).
const NOT_GATEWAY_SCHEMAS = new Set(['labels.json', 'generated-values.json', 'scenario.json']);
// The core initiate file is one part of every channel's body; `initiate-request` is the choice between those bodies.
const RENAMED: Record<string, string> = { 'initiate-request.json': 'initiate-body' };
const namer = (file: string) => RENAMED[file] ?? componentName(file);

/**
 * Request schemas of operations whose schema files are being added (issue 14): the file's schema once
 * `schemas/<file>` exists, this description until then. The one place to update when they land.
 */
const PENDING_REQUEST_SCHEMAS: { component: string; file: string; inline: () => Json }[] = [
  {
    component: 'card-payment-request',
    file: 'card-payment-request.json',
    inline: () => ({
      title: 'POST /pg/payment/card/payment',
      description: 'The initiate body of a card order, charged at once with a saved card (one-click): `card.storedOnFile` STORED and the token a '
        + 'TO_BE_STORED capture gave.',
      allOf: [ref('initiate-body'), {
        type: 'object',
        required: ['sourceOfFunds', 'card'],
        properties: {
          sourceOfFunds: { type: 'object', required: ['type'], properties: { type: { const: 'cc' } } },
          card: { type: 'object', required: ['storedOnFile', 'token'], properties: { storedOnFile: { const: 'STORED' }, token: { $ref: '#/components/schemas/card/properties/token' } } },
        },
      }],
    }),
  },
  {
    component: 'open-va-request',
    file: 'open-va-request.json',
    inline: () => ({
      title: 'POST /pg/payment/card/openpayment/register and /update',
      description: 'A static (open) VA for a customer: no order, no amount; every transfer into it is a payment.',
      type: 'object',
      required: ['customer', 'sourceOfFunds'],
      properties: {
        customer: ref('customer'),
        sourceOfFunds: {
          type: 'object', required: ['type'],
          properties: { type: { enum: typesOf(CHANNELS.filter((c) => c.family === 'va')) }, paymentCode: { $ref: '#/components/schemas/source-of-funds/properties/paymentCode' } },
        },
        url: { type: 'object', required: ['callbackUrl'], properties: { callbackUrl: { $ref: '#/components/schemas/common/$defs/httpUrl' } } },
      },
    }),
  },
];

function typesOf(channels: readonly Channel[]): string[] {
  return channels.flatMap((c) => [c.type, ...c.aliases]);
}

/** Every request schema file as a component, plus the pending ones not on disk yet. */
function fileComponents(): Json {
  const files = [...readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json') && !NOT_GATEWAY_SCHEMAS.has(f)).sort(), ...channelRuleFiles().map((f) => `channels/${f}`)];
  const schemas: Json = Object.fromEntries(files.map((file) => [namer(file), schemaComponent(file, namer)]));
  for (const pending of PENDING_REQUEST_SCHEMAS) if (!schemaFileExists(pending.file)) schemas[pending.component] = pending.inline();
  return schemas;
}

const EXPIRY_LINK = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$', description: 'When the link expires, `YYYY-MM-DD HH:mm:ss` in Asia/Jakarta.' };
const SUCCESS_PROPERTIES: Json = {
  responseCode: { const: RESPONSE_CODES.success.code },
  responseMessage: { type: 'string', description: '`Success` (the docs), or `--success-message` (the live gateway says "Request has been processed successfully").' },
  processingTime: { type: 'number', description: 'Seconds the gateway took.' },
  traceId: { type: 'string', format: 'uuid' },
};
const SUCCESS_REQUIRED = ['responseCode', 'responseMessage', 'processingTime', 'traceId'];
const success = (title: string, properties: Json = {}, required: string[] = []): Json => ({
  title, type: 'object', required: [...SUCCESS_REQUIRED, ...required], properties: { ...SUCCESS_PROPERTIES, ...properties },
});

/** The shapes of an initiate answer; every family answers with one (the simulator builds them in channels/initiate-responses.ts). */
type AnswerShape = 'page' | 'payment-code' | 'qris' | 'app-link' | 'redirect' | 'push';
const pageUrl = (description: string) => ({ type: 'string', format: 'uri', description });
const ANSWER_SHAPES: Record<AnswerShape, { title: string; properties: Json }> = {
  page: { title: 'A page of the gateway', properties: { redirecturl: pageUrl('The card page or the hosted channel picker.'), expiryLink: EXPIRY_LINK } },
  'payment-code': {
    title: 'A number to pay to',
    properties: {
      redirecturl: pageUrl('The payment instructions page (`/widgetpg/pending/<n>`).'), expiryLink: EXPIRY_LINK,
      paymentCode: { type: 'string', pattern: '^[0-9]{16}$', description: 'The VA number or pay code: 16 digits, starting with the channel\'s prefix.' },
    },
  },
  qris: {
    title: 'A QR code',
    properties: {
      redirecturl: pageUrl('The QR page.'), imageurl: pageUrl('A PNG of the QR code.'),
      stringQr: { type: 'string', description: 'The EMV QRIS payload (ends with its CRC16).' }, expiryLink: EXPIRY_LINK,
    },
  },
  'app-link': {
    title: 'A wallet with an app link',
    properties: {
      redirecturl: pageUrl('The wallet\'s universal link.'), appurl: { type: 'string', description: 'The app\'s deep link (`shopeeid://…`).' },
      imageurl: { const: '' }, paymentCode: { const: '' }, expiryLink: EXPIRY_LINK,
    },
  },
  redirect: {
    title: 'The provider\'s page',
    properties: { redirecturl: pageUrl('The wallet, paylater or internet banking page, or Finpay\'s hand-off to it.'), expiryLink: EXPIRY_LINK, paymentCode: { type: 'null' } },
  },
  push: { title: 'Pushed to the shopper\'s app', properties: { redirecturl: { type: 'null' }, expiryLink: EXPIRY_LINK, paymentCode: { type: 'null' } } },
};
const SHAPE_OF: Record<Family, (channel: Channel) => AnswerShape> = {
  card: () => 'page', hosted: () => 'page', va: () => 'payment-code', paycode: () => 'payment-code', retail: () => 'payment-code', qris: () => 'qris',
  wallet: (channel) => (channel.appScheme ? 'app-link' : 'redirect'), webcheckout: () => 'redirect', paylater: () => 'redirect', ibank: () => 'redirect',
  push: () => 'push',
};

/** The initiate answer of a channel (or of the hosted page): the component holding its shape. */
export function initiateAnswerComponent(channel: Channel): string {
  return `initiate-answer-${SHAPE_OF[channel.family](channel)}`;
}

function initiateAnswers(): Json {
  const schemas: Json = {};
  for (const [shape, { title, properties }] of Object.entries(ANSWER_SHAPES)) {
    const channels = [...CHANNELS, HOSTED].filter((c) => SHAPE_OF[c.family](c) === shape);
    const names = channels.map((c) => (c === HOSTED ? 'no sourceOfFunds (hosted page)' : `\`${c.type}\``)).join(', ');
    schemas[`initiate-answer-${shape}`] = { ...success(title, properties, Object.keys(properties)), description: `Answered for ${names}.` };
  }
  schemas['initiate-response'] = {
    title: 'The initiate answer', description: 'One shape per channel family; `sourceOfFunds.type` decides which.',
    anyOf: Object.keys(ANSWER_SHAPES).map((shape) => ref(`initiate-answer-${shape}`)),
  };
  return schemas;
}

/** One body schema per set of channel rules: the core body, the rules file, and the types it applies to. */
function initiateRequests(): Json {
  const schemas: Json = {};
  const groups = new Map<string, Channel[]>();
  for (const channel of CHANNELS) groups.set(channel.rules ?? '', [...(groups.get(channel.rules ?? '') ?? []), channel]);
  const variants: string[] = [];
  for (const [rules, channels] of groups) {
    const name = rules ? `initiate-request-${rules.replace(/\.json$/, '')}` : 'initiate-request-other';
    const typed = { type: 'object', required: ['sourceOfFunds'], properties: { sourceOfFunds: { type: 'object', required: ['type'], properties: { type: { enum: typesOf(channels) } } } } };
    schemas[name] = {
      title: rules ? `Initiate on ${channels.map((c) => c.name).join(', ')}` : 'Initiate on a channel without rules of its own',
      allOf: [ref('initiate-body'), ...(rules ? [ref(namer(`channels/${rules}`))] : []), typed],
    };
    variants.push(name);
  }
  schemas['initiate-request-hosted'] = { title: 'Initiate the hosted page (the shopper picks the channel)', allOf: [ref('initiate-body'), { not: { required: ['sourceOfFunds'] } }] };
  schemas['initiate-request'] = {
    title: 'POST /pg/payment/card/initiate',
    description: 'The core body plus what the channel of `sourceOfFunds.type` requires; without sourceOfFunds, the hosted page. A plain string '
      + '(`"sourceOfFunds": "vabca"`) is read as `{"type": "vabca"}`.',
    oneOf: [...variants, 'initiate-request-hosted'].map(ref),
  };
  return schemas;
}

const STATUSES: string[] = [...(Object.keys(USER_DESCRIPTIONS) as PaymentStatus[]), ...FAILURE_WORDS.filter((w) => !(w in USER_DESCRIPTIONS))];

/** What check-status and the callback say about an order (channels/gateway-body.ts builds both). */
function paymentSchemas(): Json {
  const order = {
    type: 'object', required: ['id', 'reference', 'amount', 'currency'],
    properties: { id: { type: 'string' }, reference: { type: 'string', description: 'Empty until paid.' }, amount: { type: 'integer' }, currency: { type: 'string' } },
  };
  const card = {
    type: 'object', required: ['mask', 'info'], description: 'Orders a card was entered for.',
    properties: {
      token: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The saved card\'s token, when the order saved the card (card.storedOnFile TO_BE_STORED) or was paid with it.' },
      mask: { type: 'string', examples: ['512345xxxxxx0008'] },
      info: { type: 'object', required: ['brand', 'issuing', 'type', 'subType', 'country'], properties: Object.fromEntries(['brand', 'issuing', 'type', 'subType', 'country'].map((k) => [k, { type: 'string' }])) },
    },
  };
  const payment = {
    type: 'object', required: ['status', 'statusDesc', 'userDesc', 'amount'],
    properties: {
      status: { enum: STATUSES, description: 'A failed payment is FAILURE, or FAILED with --failure-status FAILED or a scenario\'s callback.failureStatus.' },
      statusDesc: { type: 'string' },
      userDesc: { type: 'string' },
      datetime: { ...EXPIRY_LINK, description: 'When it was paid or closed, `YYYY-MM-DD HH:mm:ss` in Asia/Jakarta.' },
      reference: { type: 'string', description: 'Once paid: a card\'s authorisation code, else a UUID followed by the channel code.' },
      channel: { type: ['string', 'null'], description: 'Once paid: the bank or provider code (BCA 014 …); null for cards.' },
      amount: { type: 'integer', description: 'The amount paid: 0 until paid.' },
    },
  };
  const common = {
    merchant: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    customer: { type: 'object', required: ['id'], properties: { id: { type: 'string', description: '`customer.id` as sent at initiate, else empty.' } } },
    order: ref('PaymentOrder'),
    card: ref('PaymentCard'),
    sourceOfFunds: {
      type: 'object', required: ['type'],
      properties: { type: { type: 'string', description: 'Empty while a hosted order has no channel.' }, paymentCode: { type: 'string', description: 'VA, pay code and retail orders.' } },
    },
    meta: { type: 'object', required: ['data'], properties: { data: { description: '`meta.data` as sent, in the merchant\'s key order; null when none.' } } },
    result: {
      type: 'object', required: ['payment'],
      properties: { payment: ref('PaymentResult'), refund: { type: 'object', required: ['amount', 'datetime'], properties: { amount: { type: 'integer', description: 'Refunded so far.' }, datetime: EXPIRY_LINK } } },
    },
  };
  const required = ['merchant', 'customer', 'order', 'sourceOfFunds', 'meta', 'result'];
  return {
    PaymentOrder: order,
    PaymentCard: card,
    PaymentResult: payment,
    CheckStatusData: { title: 'An order as check-status reports it', type: 'object', required, properties: common },
    CheckStatusResponse: success('GET /pg/payment/card/check/{orderId}', { data: ref('CheckStatusData') }, ['data']),
    Callback: {
      title: 'The signed callback body', type: 'object', required: [...required, 'transaction', 'signature'],
      description: 'Keys in this order: merchant, customer, order, card (cards), transaction, sourceOfFunds, meta, result, signature. `signature` is the lower-case hex '
        + 'HMAC-SHA512, with the merchant key, of PHP json_encode (default flags) of the body without signature.',
      properties: {
        ...common,
        transaction: { type: 'object', required: ['acquirerId'], properties: { acquirerId: { type: 'null' } } },
        signature: { type: 'string', pattern: '^[0-9a-f]{128}$' },
      },
    },
    MerchantReply: {
      type: 'object', description: 'What the docs show the merchant answering; the gateway reads only the HTTP status.',
      properties: { responseCode: { type: 'string' }, responseMessage: { type: 'string' } },
    },
  };
}

/** Answers of the operations being added (issue 14). */
function storedCardAndOpenVaSchemas(): Json {
  return {
    CardPaymentResponse: success('POST /pg/payment/card/payment', { data: { ...ref('CheckStatusData'), description: 'The order, CAPTURED or FAILURE (FAILED).' } }, ['data']),
    OpenVaCodeResponse: success('Open VA registered or updated', { paymentCode: { type: 'string', pattern: '^[0-9]+$', description: 'The VA number the gateway assigned.' } }, ['paymentCode']),
    OpenVaData: {
      type: 'object', required: ['customer', 'sourceOfFunds', 'status'],
      properties: {
        customer: ref('customer'),
        sourceOfFunds: { type: 'object', required: ['type', 'paymentCode'], properties: { type: { type: 'string' }, paymentCode: { type: 'string' } } },
        status: { type: 'string', description: 'Whether the VA takes transfers.' },
        payments: { type: 'array', description: 'The transfers into the VA so far.', items: { type: 'object' } },
      },
    },
    OpenVaCheckResponse: success('GET /pg/payment/card/openpayment/check/{sofId}/{paymentCode}', { data: ref('OpenVaData') }, ['data']),
  };
}

const errorExample = (name: ResponseCodeName, message?: string) => exampleOf(name, {
  responseCode: RESPONSE_CODES[name].code, responseMessage: message ?? RESPONSE_CODES[name].message, processingTime: 0.0123, traceId: TRACE_ID_EXAMPLE,
});
const HINT_HEADER = { $ref: '#/components/headers/X-Finnet-Mock-Hint' };
/** The gateway's error answers by HTTP status, each with examples of what the simulator answers with it. */
const ERROR_RESPONSES: Record<string, { description: string; examples: Json }> = {
  BadRequest: {
    description: 'The body is not one JSON object, or a field is missing or malformed (the first failing field in document order).',
    examples: {
      missingField: errorExample('missingField', 'Invalid Mandatory Field customer.mobile phone'),
      invalidFormat: errorExample('invalidFormat', 'Invalid Field Format. The customer.mobile phone format is invalid'),
      badRequest: errorExample('badRequest', 'Bad Request. The body is not valid JSON'),
    },
  },
  Unauthorized: { description: 'Missing, malformed or wrong Basic credentials.', examples: { unauthorized: errorExample('unauthorized', 'Unauthorized. Unknown merchant') } },
  Forbidden: {
    description: 'The channel is not enabled for this merchant, or the order does not allow the operation.',
    examples: { featureNotAllowed: errorExample('featureNotAllowed'), transactionNotPermitted: errorExample('transactionNotPermitted') },
  },
  NotFound: {
    description: 'No such order for this merchant (or never paid, for a refund), a state that does not allow it, or an amount above what is left.',
    examples: { transactionNotFound: errorExample('transactionNotFound'), invalidTransactionStatus: errorExample('invalidTransactionStatus'), invalidAmount: errorExample('invalidAmount') },
  },
  Conflict: { description: 'The order id is already used with another body, or is no longer pending.', examples: { duplicateOrderId: errorExample('duplicateOrderId') } },
  ServerError: {
    description: 'The data file could not be written, or a scenario injected the fault.',
    examples: { generalError: errorExample('generalError'), timeout: errorExample('timeout') },
  },
};
const STATUS_OF: Record<string, string> = { BadRequest: '400', Unauthorized: '401', Forbidden: '403', NotFound: '404', Conflict: '409', ServerError: '500' };
type ErrorName = keyof typeof STATUS_OF;

interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  parameters?: Json[];
  body?: { schema: Json; examples?: Json; description?: string };
  ok: { description: string; schema: Json; examples?: Json };
  errors: ErrorName[];
}

function operation(spec: OperationSpec): Json {
  const errors = Object.fromEntries(spec.errors.map((name) => [STATUS_OF[name], { $ref: `#/components/responses/${name}` }]));
  return {
    operationId: spec.operationId, summary: spec.summary, ...(spec.description ? { description: spec.description } : {}), tags: [spec.tag],
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, ...(spec.body.description ? { description: spec.body.description } : {}), content: json(spec.body.schema, spec.body.examples) } } : {}),
    responses: {
      200: { description: spec.ok.description, headers: { 'X-Finnet-Mock-Scenario': { $ref: '#/components/headers/X-Finnet-Mock-Scenario' } }, content: json(spec.ok.schema, spec.ok.examples) },
      ...errors,
    },
  };
}

const pathParameter = (name: string, description: string, schema: Json, example: string) => ({ name, in: 'path', required: true, description, schema, example });
const ORDER_ID = pathParameter('orderId', '`order.id` as sent at initiate.', { type: 'string', minLength: 1 }, '1680576995412');
const CARD_TOKEN = pathParameter('cardToken', 'The saved card\'s token (64 hex).', { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, CARD_TOKEN_EXAMPLE);
const SOF_ID = pathParameter('sofId', 'The VA\'s `sourceOfFunds.type`.', { enum: typesOf(CHANNELS.filter((c) => c.family === 'va')) }, 'vabca');
const PAYMENT_CODE = pathParameter('paymentCode', 'The VA number the register answer gave.', { type: 'string', pattern: '^[0-9]+$' }, '8804483313131313');
const okSuccess = (description: string) => ({ description, schema: ref('Success'), examples: { success: exampleOf('Success', SUCCESS_EXAMPLE) } });

/** GET and POST of one path: the simulator takes both (real SDKs differ), with the same answers. */
function getAndPost(spec: OperationSpec, postId: string): Json {
  return { get: operation(spec), post: operation({ ...spec, operationId: postId, summary: `${spec.summary} (POST; any body is ignored)` }) };
}

function paths(): Json {
  const check: OperationSpec = {
    operationId: 'checkStatus', summary: 'Check an order\'s status', tag: 'Payments', parameters: [ORDER_ID],
    ok: { description: 'The order as it is now', schema: ref('CheckStatusResponse'), examples: CHECK_STATUS_EXAMPLES }, errors: ['Unauthorized', 'NotFound', 'ServerError'],
  };
  const cancel: OperationSpec = {
    operationId: 'cancel', summary: 'Cancel an unpaid order', tag: 'After payment', parameters: [ORDER_ID],
    description: 'REQUEST_INITIATED → CANCELLED with its callback. QRIS and e-wallet orders refuse it while REQUEST_INITIATED (4040100).',
    ok: okSuccess('Cancelled'), errors: ['Unauthorized', 'NotFound', 'ServerError'],
  };
  const voidPath: OperationSpec = {
    operationId: 'voidByPath', summary: 'Void a captured card payment before it settles', tag: 'After payment', parameters: [ORDER_ID],
    description: 'CAPTURED → CANCELLED with its callback, until 00:00 WIB after the capture.',
    ok: okSuccess('Voided'), errors: ['Unauthorized', 'Forbidden', 'NotFound', 'ServerError'],
  };
  const refund: OperationSpec = {
    operationId: 'refund', summary: 'Refund all or part of a paid order', tag: 'After payment',
    description: '→ PARTIALLY_REFUNDED or REFUNDED with its callback. Without `order.amount`, everything not refunded yet.',
    body: { schema: ref('refund-request'), examples: { partial: exampleOf('Refund 500 of it', { order: { id: '1680576995412', amount: '500' } }) } },
    ok: okSuccess('Refunded'), errors: ['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'ServerError'],
  };
  const deleteCard: OperationSpec = {
    operationId: 'deleteSavedCard', summary: 'Delete a saved card', tag: 'Saved cards', parameters: [CARD_TOKEN],
    ok: okSuccess('Deleted: the token is refused from now on'), errors: ['Unauthorized', 'NotFound', 'ServerError'],
  };
  const openVaBody = { schema: ref('open-va-request'), examples: { vabca: exampleOf('The docs\' register sample', OPEN_VA_EXAMPLES.request) } };
  const openVaAnswer = { description: 'The VA number', schema: ref('OpenVaCodeResponse'), examples: { vabca: exampleOf('The docs\' sample', OPEN_VA_EXAMPLES.answer) } };
  return {
    '/pg/payment/card/initiate': {
      post: operation({
        operationId: 'initiate', summary: 'Start a payment on a channel, or on the hosted page', tag: 'Payments',
        description: 'Stores the order as REQUEST_INITIATED and answers with the channel family\'s fields. Re-sending an identical body for a pending order answers the same again.',
        parameters: [{ $ref: '#/components/parameters/X-Finnet-Mock-Scenario' }],
        body: { schema: ref('initiate-request'), examples: INITIATE_REQUEST_EXAMPLES },
        ok: { description: 'The channel\'s answer', schema: ref('initiate-response'), examples: INITIATE_RESPONSE_EXAMPLES },
        errors: ['BadRequest', 'Unauthorized', 'Forbidden', 'Conflict', 'ServerError'],
      }),
    },
    '/pg/payment/card/check/{orderId}': getAndPost(check, 'checkStatusByPost'),
    '/pg/payment/card/cancel/{orderId}': getAndPost(cancel, 'cancelByPost'),
    '/pg/payment/card/void/{orderId}': getAndPost(voidPath, 'voidByPathPost'),
    '/pg/payment/card/void': {
      post: operation({
        ...voidPath, operationId: 'voidByBody', summary: 'Void, the order named in the body', parameters: undefined,
        body: { schema: ref('void-request'), examples: { order: exampleOf('The order to void', { order: { id: '1664255905824' } }) } },
        errors: ['BadRequest', ...voidPath.errors],
      }),
    },
    '/pg/payment/card/refund': {
      post: operation(refund),
      get: operation({ ...refund, operationId: 'refundByGet', summary: 'Refund, sent as a GET with a JSON body (as the PHP SDK does)' }),
    },
    '/pg/payment/card/payment': {
      post: operation({
        operationId: 'cardPayment', summary: 'Charge a saved card at once (one-click)', tag: 'Saved cards',
        description: 'No page, no redirect: the answer carries the order as check-status would report it, CAPTURED or FAILURE.',
        body: { schema: ref('card-payment-request'), examples: { stored: exampleOf('A saved card\'s token', CARD_PAYMENT_EXAMPLE) } },
        ok: {
          description: 'The order, charged', schema: ref('CardPaymentResponse'),
          examples: { captured: exampleOf('Captured', { ...CHECK_STATUS_EXAMPLES.captured.value }) },
        },
        errors: ['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'ServerError'],
      }),
    },
    '/pg/payment/card/customer/delete/{cardToken}': getAndPost(deleteCard, 'deleteSavedCardByPost'),
    '/pg/payment/card/openpayment/register': {
      post: operation({
        operationId: 'registerOpenVa', summary: 'Register an open (static) VA for a customer', tag: 'Open VA', body: openVaBody, ok: openVaAnswer,
        errors: ['BadRequest', 'Unauthorized', 'Forbidden', 'Conflict', 'ServerError'],
      }),
    },
    '/pg/payment/card/openpayment/update': {
      post: operation({
        operationId: 'updateOpenVa', summary: 'Update an open VA', tag: 'Open VA', body: openVaBody, ok: openVaAnswer,
        errors: ['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'ServerError'],
      }),
    },
    '/pg/payment/card/openpayment/check/{sofId}/{paymentCode}': getAndPost({
      operationId: 'checkOpenVa', summary: 'An open VA and the transfers into it', tag: 'Open VA', parameters: [SOF_ID, PAYMENT_CODE],
      ok: { description: 'The VA', schema: ref('OpenVaCheckResponse') }, errors: ['Unauthorized', 'NotFound', 'ServerError'],
    }, 'checkOpenVaByPost'),
    '/pg/payment/card/openpayment/delete/{sofId}/{paymentCode}': getAndPost({
      operationId: 'deleteOpenVa', summary: 'Delete an open VA', tag: 'Open VA', parameters: [SOF_ID, PAYMENT_CODE],
      ok: okSuccess('Deleted: transfers are refused from now on'), errors: ['Unauthorized', 'NotFound', 'ServerError'],
    }, 'deleteOpenVaByPost'),
  };
}

function webhooks(): Json {
  const header = (name: string, description: string, schema: Json = { type: 'string' }) => ({ name, in: 'header', required: true, description, schema });
  return {
    paymentNotification: {
      post: {
        operationId: 'paymentNotification', summary: 'The callback of every final transition', tags: ['Callbacks'],
        description: 'POSTed to `url.callbackUrl` (verbatim) after PAID or CAPTURED, FAILURE, CANCELLED, EXPIRED, REFUNDED and PARTIALLY_REFUNDED, once the new state is stored. '
          + 'Sent over HTTP/1.1 with exactly these headers, in this order: Host, User-Agent: GuzzleHttp/7, Content-Type: application/json, Content-Length, channel-id, '
          + 'x-partner-id, x-external-id, x-timestamp, x-signature. Any 2xx within 10 s is delivered; anything else is retried after 5 s, 30 s, 2 min, 10 min, 30 min and 1 h.',
        security: [],
        parameters: [
          header('User-Agent', 'What Finpay\'s notifier sends.', { const: 'GuzzleHttp/7' }),
          header('channel-id', 'Always FINPAY.', { const: 'FINPAY' }),
          header('x-partner-id', 'The merchant id.'),
          header('x-external-id', '`order.reference`.'),
          header('x-timestamp', 'ISO-8601 with +07:00.', { type: 'string', examples: ['2023-04-05T10:12:30+07:00'] }),
          header('x-signature', 'Base64 of a 512-byte RSA SHA256withRSA signature over `POST:<path of callbackUrl with query>:<hex SHA-256 of the body>:<x-timestamp>`; '
            + 'the public key is GET /_mock/keys/callback.pem.', { type: 'string', contentEncoding: 'base64' }),
        ],
        requestBody: { required: true, content: json(ref('Callback'), { paidVa: exampleOf('A paid BCA VA order', CALLBACK_EXAMPLE) }) },
        responses: {
          200: { description: 'Delivered (any 2xx)', content: json(ref('MerchantReply'), { ok: exampleOf('As the docs show', { responseCode: '2000000', responseMessage: 'Success' }) }) },
          default: { description: 'Any other answer, or none within 10 s: a failed attempt, retried.' },
        },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the gateway contract, built from the schemas that validate requests and the channel table. */
export function gatewayDocument(servers: Server[] = DEFAULT_SERVERS): Json {
  const errorResponses = Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([name, { description, examples }]) => [name, {
    description, headers: { 'X-Finnet-Mock-Hint': HINT_HEADER }, content: json(ref('GatewayError'), examples),
  }]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Finpay payment gateway',
      version: '1.0.0',
      summary: 'The Finpay (Finnet) payment gateway contract, as finnet-mock serves it.',
      description: 'Every path, body and answer the simulator accepts and gives, per channel. HTTP status = the first three digits of `responseCode`. '
        + 'Headers named X-Finnet-Mock-* are the simulator\'s own; the real gateway neither reads nor sends them.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers,
    security: [{ merchant: [] }],
    tags: [
      { name: 'Payments', description: 'Start a payment and follow it.' },
      { name: 'After payment', description: 'Cancel, void and refund.' },
      { name: 'Saved cards', description: 'One-click payments with a card the customer let the merchant keep.' },
      { name: 'Open VA', description: 'Static virtual accounts a customer keeps.' },
      { name: 'Callbacks', description: 'What the gateway sends to the merchant.' },
    ],
    paths: paths(),
    webhooks: webhooks(),
    components: {
      schemas: {
        ...fileComponents(),
        ...initiateRequests(),
        Success: success('A success without data'),
        GatewayError: {
          title: 'The gateway\'s error answer', type: 'object', required: ['responseCode', 'responseMessage', 'processingTime', 'traceId'],
          properties: {
            responseCode: { type: 'string', pattern: '^[1-5][0-9]{6}$', description: 'HTTP status (3 digits), service code and case code.' },
            responseMessage: { type: 'string' }, processingTime: { type: 'number' }, traceId: { type: 'string', format: 'uuid' },
          },
        },
        ...initiateAnswers(),
        ...paymentSchemas(),
        ...storedCardAndOpenVaSchemas(),
      },
      responses: errorResponses,
      parameters: {
        'X-Finnet-Mock-Scenario': {
          name: 'X-Finnet-Mock-Scenario', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
          description: 'Simulator only: the scenario to apply to this order (GET /_mock/scenarios lists them).',
        },
      },
      headers: {
        'X-Finnet-Mock-Hint': { description: 'Simulator only: what it expected, in words.', schema: { type: 'string' } },
        'X-Finnet-Mock-Scenario': { description: 'Simulator only: the scenario applied to the order.', schema: { type: 'string' } },
      },
      securitySchemes: { merchant: { type: 'http', scheme: 'basic', description: 'Merchant id as the user name, merchant key as the password.' } },
    },
  };
}

/** The published files (`openapi/*.json`) and their text, as `npm run openapi` writes them and the test compares them. */
export function openApiFiles(): { file: string; text: string }[] {
  return [
    { file: 'openapi/finpay.json', text: `${JSON.stringify(gatewayDocument(), null, 2)}\n` },
    { file: 'openapi/control.json', text: `${JSON.stringify(controlDocument(), null, 2)}\n` },
  ];
}

export { controlDocument };

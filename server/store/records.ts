import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CUSTOMER_RECORD_KINDS } from '../model/customer-record.js';
import { FINAL_STATUSES } from '../model/transaction.js';

const time = { type: 'number' };
const text = { type: 'string' };

/** What a stored record must hold for every reader to use it; unknown and optional fields are left to their readers. */
const SCHEMAS = {
  transaction: {
    type: 'object',
    required: ['merchantId', 'orderId', 'channel', 'status', 'amount', 'currency', 'requestJson', 'token', 'createdAt', 'expiresAt',
      'reference', 'refundedAmount', 'checkout', 'timeline'],
    properties: {
      merchantId: text, orderId: text, channel: text, currency: text, token: text, reference: text,
      // The initiate body as text: every reader parses it, so at least its outline is checked.
      requestJson: { type: 'string', pattern: '^\\{[\\s\\S]*\\}$' },
      status: { enum: ['REQUEST_INITIATED', ...FINAL_STATUSES] },
      amount: { type: 'number' }, refundedAmount: { type: 'number' }, createdAt: time, expiresAt: time,
      checkout: { type: 'object', required: ['step'], properties: { step: { enum: ['signin', 'otp', 'plan', 'done'] } } },
      timeline: { type: 'array', items: { type: 'object', required: ['at', 'event'], properties: { at: time, event: text } } },
    },
  },
  delivery: {
    type: 'object',
    required: ['id', 'merchantId', 'orderId', 'status', 'url', 'headers', 'body', 'signature', 'state', 'attempts', 'nextAttemptAt', 'createdAt'],
    properties: {
      id: text, merchantId: text, orderId: text, url: text, body: text, signature: text, createdAt: time,
      status: { enum: FINAL_STATUSES }, headers: { type: 'object', additionalProperties: text },
      state: { enum: ['pending', 'delivered', 'gave-up', 'suppressed'] },
      attempts: { type: 'array', items: { type: 'object' } }, nextAttemptAt: { type: ['number', 'null'] },
    },
  },
  customerRecord: {
    type: 'object',
    required: ['kind', 'id', 'merchantId', 'createdAt'],
    properties: { kind: { enum: CUSTOMER_RECORD_KINDS }, id: text, merchantId: text, createdAt: time },
  },
  clock: {
    type: 'object',
    required: ['offsetMs', 'frozenAt'],
    properties: { offsetMs: { type: 'number' }, frozenAt: { type: ['number', 'null'] } },
  },
} as const;

type RecordKind = keyof typeof SCHEMAS;

const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)])) as Record<RecordKind, ValidateFunction>;

function describe(error: ErrorObject): string {
  const at = error.instancePath.split('/').filter(Boolean).join('.');
  if (error.keyword === 'required') return `has no ${[at, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.')}`;
  return `${at || 'the record'} ${error.message ?? 'is malformed'}`;
}

/** Null when `value` is a well-formed record of this kind, else what is wrong with it ("has no requestJson"). */
export function recordProblem<K extends RecordKind>(kind: K, value: unknown): string | null {
  const validate = validators[kind];
  if (validate(value)) return null;
  if (value === null || typeof value !== 'object') return `is ${value === null ? 'null' : typeof value}, not an object`;
  return describe(validate.errors![0]!);
}


/** Format 1 kept the initiate body parsed, with its hash and answer: later formats keep the body's text only. */
export function upgradeTransaction(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const tx = value as { request?: unknown; requestHash?: unknown; response?: unknown; requestJson?: string };
  if (tx.request !== undefined) tx.requestJson = JSON.stringify(tx.request);
  delete tx.request;
  delete tx.requestHash;
  delete tx.response;
}

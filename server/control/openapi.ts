import { loadSchemaFile } from '../support/schema-files.js';

const COMPONENT_FILES = ['common', 'initiate-request', 'order', 'item', 'customer', 'url', 'address', 'billing', 'shipping', 'meta', 'card',
  'recurring', 'source-of-funds', 'device', 'void-request', 'refund-request', 'scenario'];

/** Rewrites file references (`order.json`, `common.json#/$defs/amount`) into component references. */
function toComponent(node: unknown, self: string): unknown {
  if (Array.isArray(node)) return node.map((n) => toComponent(n, self));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') {
      const [file, pointer] = value.split('#');
      out.$ref = `#/components/schemas/${file ? file.replace(/\.json$/, '') : self}${pointer ?? ''}`;
    } else {
      out[key] = toComponent(value, self);
    }
  }
  return out;
}

const gatewayError = { $ref: '#/components/schemas/GatewayError' };
const problem = { $ref: '#/components/schemas/Problem' };
const json = (schema: object) => ({ 'application/json': { schema } });
const op = (summary: string, responses: Record<string, object>, extra: object = {}) => ({ summary, ...extra, responses });
const orderIdParam = { name: 'orderId', in: 'path', required: true, schema: { type: 'string' } };

/** The OpenAPI 3.1 document of the gateway and the control API, built from the same schemas that validate requests. */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const name of COMPONENT_FILES) schemas[name] = toComponent(loadSchemaFile(`${name}.json`), name);
  schemas.GatewayError = {
    type: 'object', required: ['responseCode', 'responseMessage', 'processingTime'],
    properties: { responseCode: { type: 'string', pattern: '^[0-9]{7}$' }, responseMessage: { type: 'string' }, processingTime: { type: 'number' }, traceId: { type: 'string' } },
  };
  schemas.Problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } };
  const gatewayAnswers = { 400: { description: 'Bad request', content: json(gatewayError) }, 401: { description: 'Unauthorized', content: json(gatewayError) },
    404: { description: 'Not found', content: json(gatewayError) } };
  const ok = (description: string) => ({ 200: { description, content: json({ type: 'object' }) } });
  return {
    openapi: '3.1.0',
    info: { title: 'finnet-mock', version: '1', description: 'Finpay gateway simulator: the gateway contract (/pg/payment/card) and the control API (/_mock). '
      + 'A POST, PUT, PATCH or DELETE under /_mock needs a JSON body or the header X-Finnet-Mock: 1 (or no body at all, without the admin cookie), and is refused (403) when a browser says it comes from another origin.' },
    servers: [{ url: publicUrl }],
    components: {
      schemas,
      securitySchemes: { merchant: { type: 'http', scheme: 'basic', description: 'merchant id : merchant key' }, admin: { type: 'http', scheme: 'bearer', description: '--admin-token, when set' } },
    },
    paths: {
      '/pg/payment/card/initiate': { post: op('Initiate a payment', { ...ok('Channel-specific answer'), ...gatewayAnswers, 409: { description: 'Duplicate order id', content: json(gatewayError) } },
        { security: [{ merchant: [] }], requestBody: { required: true, content: json({ $ref: '#/components/schemas/initiate-request' }) } }) },
      '/pg/payment/card/check/{orderId}': { get: op('Check status', { ...ok('Status'), ...gatewayAnswers }, { security: [{ merchant: [] }], parameters: [orderIdParam] }) },
      '/pg/payment/card/cancel/{orderId}': {
        get: op('Cancel an unpaid order', { ...ok('Cancelled'), ...gatewayAnswers }, { security: [{ merchant: [] }], parameters: [orderIdParam] }),
        post: op('Cancel an unpaid order (any body is ignored)', { ...ok('Cancelled'), ...gatewayAnswers }, { security: [{ merchant: [] }], parameters: [orderIdParam] }),
      },
      '/pg/payment/card/void/{orderId}': {
        get: op('Void a captured card payment before it settles', { ...ok('Voided'), ...gatewayAnswers, 403: { description: 'Not permitted', content: json(gatewayError) } },
          { security: [{ merchant: [] }], parameters: [orderIdParam] }),
      },
      '/pg/payment/card/void': {
        post: op('Void, the order named in the body', { ...ok('Voided'), ...gatewayAnswers, 403: { description: 'Not permitted', content: json(gatewayError) } },
          { security: [{ merchant: [] }], requestBody: { required: true, content: json({ $ref: '#/components/schemas/void-request' }) } }),
      },
      '/pg/payment/card/refund': {
        post: op('Refund all or part of a paid order', { ...ok('Refunded'), ...gatewayAnswers, 403: { description: 'Not permitted', content: json(gatewayError) } },
          { security: [{ merchant: [] }], requestBody: { required: true, content: json({ $ref: '#/components/schemas/refund-request' }) } }),
      },
      '/_mock/health': { get: op('Readiness', ok('Ready')) },
      '/_mock/reset': { post: op('Forget transactions, callbacks and requests (all, or {"merchantId"})', ok('Reset')) },
      '/_mock/transactions': { get: op('Transactions, newest first (?status, ?merchantId, ?channel, ?limit, ?offset)', ok('List')) },
      '/_mock/transactions/{orderId}': { get: op('A transaction with timeline and callbacks', { ...ok('Transaction'), 404: { description: 'Unknown', content: { 'application/problem+json': { schema: problem } } } }, { parameters: [orderIdParam] }) },
      '/_mock/transactions/{orderId}/{action}': { post: op('pay | fail | expire | cancel', { ...ok('Done'), 409: { description: 'Not allowed in this state' } },
        { parameters: [orderIdParam, { name: 'action', in: 'path', required: true, schema: { enum: ['pay', 'fail', 'expire', 'cancel'] } }] }) },
      '/_mock/callbacks': { get: op('Callbacks with their attempts (?orderId, ?merchantId, ?status)', ok('List')) },
      '/_mock/callbacks/wait': { get: op('Long-poll until a delivered callback matches (?orderId, ?status, ?timeoutMs)', { ...ok('Callback'), 408: { description: 'Timed out' } }) },
      '/_mock/callbacks/{id}/resend': { post: op('Send a callback again now', ok('Attempt')) },
      '/_mock/clock': {
        get: op('The virtual clock', ok('Clock')),
        post: op('{"action": "freeze" | "resume" | "set" | "advance" | "reset", "to", "by"}', ok('Clock')),
        put: op('{"now", "frozen"}', ok('Clock')),
      },
      '/_mock/scenarios': {
        get: op('Scenarios, in match order', ok('List')),
        post: op('Add runtime scenarios', ok('Added'), { requestBody: { content: json({ $ref: '#/components/schemas/scenario' }) } }),
        delete: op('Remove every runtime scenario', ok('Removed')),
      },
      '/_mock/scenarios/{name}': { patch: op('{"enabled": bool}', ok('Scenario')), delete: op('Remove a runtime scenario', ok('Removed')) },
      '/_mock/requests': { get: op('Gateway requests received, newest first, with validation errors', ok('List')) },
      '/_mock/signature': { post: op('{"merchantId", "body"}: the exact string signed and the expected signature', ok('Explanation')) },
      '/_mock/openapi.json': { get: op('This document', ok('OpenAPI')) },
    },
  };
}

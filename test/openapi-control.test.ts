/** The control API's document against the simulator: every route is described, and real answers fit their schemas. */
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import type { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { controlDocument } from '../server/control/openapi.js';
import { controlRouter } from '../server/control/routes.js';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, initiate, MERCHANT } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;

type Json = Record<string, any>;
const doc = controlDocument() as Json;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** `/transactions/:orderId` as the document writes it: `/_mock/transactions/{orderId}`. */
const templateOf = (path: string) => `/_mock${path.replace(/:(\w+)/g, '{$1}')}`;

/** Every `METHOD /_mock/...` an Express router answers, through the routers it mounts at `/`. */
function routesOf(router: Router): string[] {
  return router.stack.flatMap((layer: any) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${templateOf(String(layer.route.path))}`);
    if (Array.isArray(layer.handle?.stack)) {
      // A router mounted under a path would need that path in front of its routes; all are mounted at `/` today.
      expect(layer.slash, `${layer.name} is mounted at /`).toBe(true);
      return routesOf(layer.handle as Router);
    }
    return [];
  });
}

/** An ajv over the document: checks a request body or an answer against what the operation says of it. */
function operationValidator() {
  const ajv = new Ajv2020({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: true });
  addFormats(ajv);
  const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"control#/$defs/'));
  ajv.addSchema({ $id: 'control', $defs: local(doc.components.schemas) });
  const operation = (method: string, template: string): Json => {
    const found = doc.paths[template]?.[method.toLowerCase()];
    if (!found) throw new Error(`${method} ${template} is not in openapi/control.json`);
    return found;
  };
  const verdict = (schema: Json, value: unknown, what: string) => {
    const validate = ajv.compile(local(schema));
    return validate(value) ? 'valid' : `${what}: ${ajv.errorsText(validate.errors)}`;
  };
  return {
    /** The answer's status is one the operation lists, and its JSON fits that response's schema. */
    answer(method: string, template: string, res: request.Response): string {
      let response = operation(method, template).responses[String(res.status)];
      if (!response) return `${method} ${template} does not list status ${res.status} (${res.text.slice(0, 200)})`;
      if (response.$ref) response = doc.components.responses[String(response.$ref).split('/').pop()!];
      const [type, media] = Object.entries(response.content as Json)[0]!;
      expect(res.headers['content-type'], `${method} ${template} ${res.status}`).toContain(type);
      return verdict(media.schema, res.body, `${method} ${template} ${res.status}`);
    },
    body(method: string, template: string, value: unknown): string {
      return verdict(operation(method, template).requestBody.content['application/json'].schema, value, `${method} ${template} body`);
    },
    operations: () => Object.entries(doc.paths as Json).flatMap(([template, item]) => METHODS.filter((m) => item[m]).map((m) => ({ method: m, template, op: item[m] as Json }))),
  };
}

describe('the control API document', () => {
  const sim = useSimulator({ reset: true });
  const api = () => request(sim.instance.server);
  const check = operationValidator();
  /** Sends the call, and expects the answer to be the one the document describes for its status. */
  const described = async (method: string, template: string, call: request.Test, status: number) => {
    const res = await call;
    expect(res.status, res.text).toBe(status);
    expect(check.answer(method, template, res)).toBe('valid');
    return res.body as Json;
  };

  it('describes every route the control router has, with its method', () => {
    const routes = routesOf(controlRouter(sim.instance.ctx));
    expect(routes).toContain('POST /_mock/saved-cards');
    const documented = new Set(check.operations().map(({ method, template }) => `${method.toUpperCase()} ${template}`));
    expect(routes.filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('gives every request body example that its schema accepts', () => {
    const withBody = check.operations().filter(({ op }) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(5);
    for (const { method, template, op } of withBody) expect(check.body(method, template, op.requestBody.content['application/json'].example)).toBe('valid');
  });

  it('describes saved cards: seed, list, one, delete, and their refusals', async () => {
    const seed = { merchantId: MERCHANT.id, customerId: 'ana@example.com', number: '4111111111111111' };
    expect(check.body('POST', '/_mock/saved-cards', seed)).toBe('valid');
    const card = await described('POST', '/_mock/saved-cards', api().post('/_mock/saved-cards').send(seed), 201);
    await described('POST', '/_mock/saved-cards', api().post('/_mock/saved-cards').send(seed), 200);
    await described('GET', '/_mock/saved-cards', api().get('/_mock/saved-cards').query({ merchantId: MERCHANT.id, customerId: 'ana@example.com' }), 200);
    await described('GET', '/_mock/saved-cards/{token}', api().get(`/_mock/saved-cards/${card.token}`), 200);
    const deleted = await described('DELETE', '/_mock/saved-cards/{token}', api().delete(`/_mock/saved-cards/${card.token}`).set('X-Finnet-Mock', '1'), 200);
    expect(deleted.deleted).toBe(true);
    await described('DELETE', '/_mock/saved-cards/{token}', api().delete(`/_mock/saved-cards/${card.token}`).set('X-Finnet-Mock', '1'), 409);
    await described('GET', '/_mock/saved-cards/{token}', api().get('/_mock/saved-cards/abc'), 400);
    await described('GET', '/_mock/saved-cards/{token}', api().get(`/_mock/saved-cards/${'f'.repeat(64)}`), 404);
    await described('GET', '/_mock/saved-cards', api().get('/_mock/saved-cards').query({ merchantId: 'NOPE' }), 200);
    await described('GET', '/_mock/saved-cards', api().get('/_mock/saved-cards').query({ limit: 1, offset: 1 }), 200);
    await described('GET', '/_mock/saved-cards', api().get('/_mock/saved-cards').query({ owner: 'ana' }), 400);
    const badNumber = { ...seed, number: '4111111111111112' };
    await described('POST', '/_mock/saved-cards', api().post('/_mock/saved-cards').send(badNumber), 400);
    await described('POST', '/_mock/saved-cards', api().post('/_mock/saved-cards').send({ ...seed, merchantId: 'NOPE' }), 404);
    await described('POST', '/_mock/saved-cards', api().post('/_mock/saved-cards').set('Origin', 'http://evil.example').send(seed), 403);
  });

  it('describes subscriptions: list, one with a charge made a calendar month later, each verb, and their refusals', async () => {
    const body = channelRequest('cc', { callbackUrl: `${sim.receiver.url}/cb` });
    body.customer.id = 'CUST-1';
    body.recurring = { subscribe: 'Y', type: 'PURCHASE', id: 'SUB-DOC-1', amount: '50000', interval: 1, intervalUnit: 'monthly', retry: { interval: 30, intervalUnit: 'minutes', maxInterval: 2 } };
    expect((await initiate(sim.instance, body)).body.responseCode).toBe('2000000');
    await api().post(`/_mock/transactions/${body.order.id}/pay`).set('X-Finnet-Mock', '1').expect(200);
    const advance = { action: 'advance', by: '1 month' };
    expect(check.body('POST', '/_mock/clock', advance)).toBe('valid');
    await described('POST', '/_mock/clock', api().post('/_mock/clock').send(advance), 200);
    const one = await described('GET', '/_mock/subscriptions/{id}', api().get('/_mock/subscriptions/SUB-DOC-1').query({ merchantId: MERCHANT.id }), 200);
    expect(one.charges.length).toBeGreaterThan(0);
    const list = await described('GET', '/_mock/subscriptions', api().get('/_mock/subscriptions').query({ state: 'active' }), 200);
    expect(list.total).toBe(1);
    await described('GET', '/_mock/subscriptions', api().get('/_mock/subscriptions').query({ limit: 1, offset: 0 }), 200);
    await described('GET', '/_mock/subscriptions', api().get('/_mock/subscriptions').query({ state: 'bogus' }), 400);
    const verb = (name: string) => api().post(`/_mock/subscriptions/SUB-DOC-1/${name}`).set('X-Finnet-Mock', '1');
    for (const name of ['pause', 'resume', 'fail-next', 'cancel']) await described('POST', '/_mock/subscriptions/{id}/{verb}', verb(name), 200);
    await described('POST', '/_mock/subscriptions/{id}/{verb}', verb('pause'), 409);
    await described('POST', '/_mock/subscriptions/{id}/{verb}', verb('nope'), 404);
    await described('GET', '/_mock/subscriptions/{id}', api().get('/_mock/subscriptions/NOPE'), 404);
    await described('POST', '/_mock/clock', api().post('/_mock/clock').send({ action: 'advance', by: '2 fortnights' }), 400);
  });

  it('describes open VAs: list, one, a transfer into one, and their refusals', async () => {
    const registered = await request(sim.instance.server).post('/pg/payment/card/openpayment/register').set('Authorization', basicAuth()).send({
      customer: { id: 'cust-77', email: 'hajar.finnet@gmail.com', firstName: 'Hajar', mobilePhone: '+6281286288844' },
      sourceOfFunds: { type: 'vabca' }, url: { callbackUrl: `${sim.receiver.url}/cb` },
    });
    expect(registered.status, registered.text).toBe(200);
    const code = String(registered.body.paymentCode);
    const transfer = { amount: 150000 };
    expect(check.body('POST', '/_mock/open-vas/{sofId}/{paymentCode}/pay', transfer)).toBe('valid');
    const paid = await described('POST', '/_mock/open-vas/{sofId}/{paymentCode}/pay', api().post(`/_mock/open-vas/vabca/${code}/pay`).send(transfer), 200);
    expect(paid.transaction.status).toBe('PAID');
    const one = await described('GET', '/_mock/open-vas/{sofId}/{paymentCode}', api().get(`/_mock/open-vas/vabca/${code}`), 200);
    expect(one.payments).toHaveLength(1);
    const list = await described('GET', '/_mock/open-vas', api().get('/_mock/open-vas').query({ merchantId: MERCHANT.id, channel: 'vabca', status: 'ACTIVE', limit: 10 }), 200);
    expect(list.items[0]).not.toHaveProperty('payments');
    await described('GET', '/_mock/open-vas', api().get('/_mock/open-vas').query({ offset: 'x' }), 400);
    await described('GET', '/_mock/open-vas', api().get('/_mock/open-vas').query({ status: 'GONE' }), 400);
    await described('GET', '/_mock/open-vas/{sofId}/{paymentCode}', api().get('/_mock/open-vas/vabca/8804483313131313'), 404);
    await described('POST', '/_mock/open-vas/{sofId}/{paymentCode}/pay', api().post(`/_mock/open-vas/vabca/${code}/pay`).send({ amount: 0 }), 400);
  });

  it('describes the request log\'s filters and their refusal', async () => {
    await initiate(sim.instance, channelRequest('qris'));
    const log = await described('GET', '/_mock/requests', api().get('/_mock/requests').query({ path: '/pg/*', method: 'post', status: 200, rejected: 'false', merchantId: MERCHANT.id }), 200);
    expect(log.total).toBe(1);
    await described('GET', '/_mock/requests', api().get('/_mock/requests').query({ status: 50 }), 400);
  });
});

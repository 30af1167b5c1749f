import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { channelRequest } from './helpers/channel-requests.js';
import { basicAuth, checkStatus, initiate } from './helpers/instance.js';
import { mockTransaction, useSimulator } from './helpers/suite.js';

// Issue 13, items 1-6 and 10: where real merchant code shows the real gateway answers differently.
const sim = useSimulator();

const api = () => request(sim.instance.server);
const auth = { Authorization: basicAuth() };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** POST initiate with exactly these bytes (key order and escapes as written). */
async function initiateText(text: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.instance.url}/pg/payment/card/initiate`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: text,
  });
  return { status: res.status, body: await res.json() };
}

async function pay(orderId: string): Promise<{ headers: Record<string, unknown>; body: string }> {
  await api().post(`/_mock/transactions/${encodeURIComponent(orderId)}/pay`).expect(200);
  const [callback] = await sim.receiver.waitFor(1);
  return { headers: callback!.headers, body: callback!.body };
}

describe('1. sourceOfFunds as a plain string means {"type": …}', () => {
  it('"sourceOfFunds": "vabca" opens a BCA VA order, stored, checked and called back as {"type":"vabca",…}', async () => {
    const body = channelRequest('vabca', { callbackUrl: `${sim.receiver.url}/cb` });
    body.sourceOfFunds = 'vabca';
    const answer = await initiate(sim.instance, body);
    expect(answer.status).toBe(200);
    expect(answer.body.responseCode).toBe('2000000');
    expect(answer.body.paymentCode).toMatch(/^\d{16}$/);
    const check = (await checkStatus(sim.instance, body.order.id)).body.data;
    expect(check.sourceOfFunds).toEqual({ type: 'vabca', paymentCode: answer.body.paymentCode });
    expect((await mockTransaction(sim.instance, body.order.id))!.request.sourceOfFunds).toEqual({ type: 'vabca' });
    const sent = JSON.parse((await pay(body.order.id)).body);
    expect(sent.sourceOfFunds).toEqual({ type: 'vabca', paymentCode: answer.body.paymentCode });
  });

  it('the string form meets the channel\'s rules and an unknown one gets the type\'s format error', async () => {
    const dana = channelRequest('dana');
    dana.sourceOfFunds = 'dana';
    delete dana.order.item[0].category;
    expect((await initiate(sim.instance, dana)).body.responseMessage).toBe('Invalid Mandatory Field order.item.0.category');
    const unknown = channelRequest('vabca');
    unknown.sourceOfFunds = 'nosuchbank';
    const refused = await initiate(sim.instance, unknown);
    expect(refused.status).toBe(400);
    expect(refused.body.responseMessage).toBe('Invalid Field Format. The sourceOfFunds.type format is invalid');
  });

  it('the same request re-sent in the other spelling replays the pending order', async () => {
    const body = channelRequest('vabca');
    const first = await initiate(sim.instance, body);
    body.sourceOfFunds = 'vabca';
    const again = await initiate(sim.instance, body);
    expect(again.status).toBe(200);
    expect(again.body.paymentCode).toBe(first.body.paymentCode);
  });
});

describe('2. refunding an order that was never paid', () => {
  const refund = (body: unknown) => api().post('/pg/payment/card/refund').set(auth).send(body as object);

  it('answers 404 4040001 Transaction Not Found (pending, cancelled or expired alike)', async () => {
    const pending = channelRequest('cc');
    await initiate(sim.instance, pending);
    const res = await refund({ order: { id: pending.order.id, amount: '100' } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ responseCode: '4040001', responseMessage: 'Transaction Not Found' });
    const cancelled = channelRequest('vabca');
    await initiate(sim.instance, cancelled);
    await api().get(`/pg/payment/card/cancel/${cancelled.order.id}`).set(auth).expect(200);
    expect((await refund({ order: { id: cancelled.order.id } })).body.responseCode).toBe('4040001');
  });

  it('keeps 404 4040013 for more than is left and 403 4030015 for a fully refunded order', async () => {
    const body = channelRequest('vabca', { callbackUrl: `${sim.receiver.url}/cb` });
    await initiate(sim.instance, body);
    await pay(body.order.id);
    expect((await refund({ order: { id: body.order.id, amount: 201 } })).body.responseCode).toBe('4040013');
    expect((await refund({ order: { id: body.order.id } })).status).toBe(200);
    const again = await refund({ order: { id: body.order.id } });
    expect(again.status).toBe(403);
    expect(again.body.responseCode).toBe('4030015');
  });
});

describe('3. traceId on every answer', () => {
  it('initiate, check, cancel, void and refund successes end with a UUID traceId after processingTime, as errors do', async () => {
    const body = channelRequest('cc');
    const started = await initiate(sim.instance, body);
    expect(Object.keys(started.body)).toEqual(['responseCode', 'responseMessage', 'redirecturl', 'expiryLink', 'processingTime', 'traceId']);
    expect(started.body.traceId).toMatch(UUID);
    const check = (await checkStatus(sim.instance, body.order.id)).body;
    expect(Object.keys(check)).toEqual(['responseCode', 'responseMessage', 'data', 'processingTime', 'traceId']);
    expect(check.traceId).toMatch(UUID);
    expect(check.traceId).not.toBe(started.body.traceId);
    await api().post(`/_mock/transactions/${body.order.id}/pay`).expect(200);
    const refunded = await api().post('/pg/payment/card/refund').set(auth).send({ order: { id: body.order.id, amount: 50 } });
    expect(Object.keys(refunded.body)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
    const voided = channelRequest('cc');
    await initiate(sim.instance, voided);
    await api().post(`/_mock/transactions/${voided.order.id}/pay`).expect(200);
    expect(Object.keys((await api().get(`/pg/payment/card/void/${voided.order.id}`).set(auth)).body)).toContain('traceId');
    const cancelled = channelRequest('vabca');
    await initiate(sim.instance, cancelled);
    const cancel = await api().get(`/pg/payment/card/cancel/${cancelled.order.id}`).set(auth);
    expect(Object.keys(cancel.body)).toEqual(['responseCode', 'responseMessage', 'processingTime', 'traceId']);
  });
});

describe('4. the hosted page URL', () => {
  it('is …/pg/payment/card/id/v2/access/<token>, served as the picker; the older /pg/payment/card/v2/access/<token> still is', async () => {
    const body = channelRequest(null);
    const { body: answer } = await initiate(sim.instance, body);
    const link = new URL(answer.redirecturl);
    expect(link.pathname).toMatch(/^\/pg\/payment\/card\/id\/v2\/access\/[0-9a-f]{64}$/);
    const page = await api().get(link.pathname);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const legacy = await api().get(link.pathname.replace('/id/v2/', '/v2/'));
    expect(legacy.status).toBe(200);
    expect(legacy.headers['content-type']).toMatch(/text\/html/);
    const unknown = await api().get(`/pg/payment/card/id/v2/access/${'0'.repeat(64)}`);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('5. result.payment.reference is its own identifier', () => {
  it('a VA payment reference is a fresh UUID plus the bank code, not order.reference; x-external-id stays order.reference', async () => {
    const body = channelRequest('vabca', { callbackUrl: `${sim.receiver.url}/cb` });
    await initiate(sim.instance, body);
    const { headers, body: raw } = await pay(body.order.id);
    const sent = JSON.parse(raw);
    expect(sent.order.reference).toMatch(UUID);
    expect(sent.result.payment.reference).toMatch(/^[0-9a-f-]{36}014$/);
    expect(sent.result.payment.reference.slice(0, 36)).toMatch(UUID);
    expect(sent.result.payment.reference.slice(0, 36)).not.toBe(sent.order.reference);
    expect(headers['x-external-id']).toBe(sent.order.reference);
  });
});

describe('6. BCA VA numbers', () => {
  it('look like the captured real one: 38337 and 11 more digits', async () => {
    expect((await initiate(sim.instance, channelRequest('vabca'))).body.paymentCode).toMatch(/^38337\d{11}$/);
  });
});

/** PHP's own json_decode / json_encode / hash_hmac, as the official WooCommerce plugin verifies a callback. */
function phpReEncode(body: string): { reEncoded: string; valid: boolean } {
  const code = `$fields = json_decode(stream_get_contents(STDIN), true);
$signature = $fields['signature']; unset($fields['signature']);
$encoded = json_encode($fields);
echo hash_equals(hash_hmac('sha512', $encoded, 'SoSecret123'), $signature) ? 'VALID' : 'INVALID', "\\n", $encoded;`;
  const r = spawnSync('php', ['-r', code], { input: body, encoding: 'utf8' });
  if (r.error) throw r.error;
  expect(r.stderr).toBe('');
  const [verdict, ...rest] = r.stdout.split('\n');
  return { reEncoded: rest.join('\n'), valid: verdict === 'VALID' };
}

describe('10. merchant key order and PHP-decodable strings', () => {
  const withMeta = (metaJson: string) => {
    const body = channelRequest('vabca', { callbackUrl: `${sim.receiver.url}/cb` });
    delete body.meta;
    const text = JSON.stringify(body);
    return { id: body.order.id as string, text: `${text.slice(0, -1)},"meta":{"data":${metaJson}}}` };
  };

  it('integer-like keys come back in the merchant\'s order in check-status and the callback, and PHP re-encodes the signed bytes', async () => {
    const meta = '{"1":"a","0":"b","z":{"10":1,"9":[{"2":"x","1":"y"}]},"list":{"0":"p","1":"q"},"empty":{}}';
    const { id, text } = withMeta(meta);
    expect((await initiateText(text)).status).toBe(200);
    const check = await api().get(`/pg/payment/card/check/${id}`).set(auth);
    // PHP decodes {"0":…,"1":…} and {} into lists: what a PHP gateway echoes, and what a PHP re-encode gives.
    const echoed = '{"1":"a","0":"b","z":{"10":1,"9":[{"2":"x","1":"y"}]},"list":["p","q"],"empty":[]}';
    expect(check.text).toContain(`"meta":{"data":${echoed}}`);
    const { body } = await pay(id);
    expect(body).toContain(`"meta":{"data":${echoed}}`);
    const php = phpReEncode(body);
    expect(php.valid).toBe(true);
    expect(php.reEncoded).toBe(body.slice(0, body.lastIndexOf(',"signature":')) + '}');
  });

  it('a lone surrogate anywhere in the body is refused at initiate with 4000001 on its field', async () => {
    const { text } = withMeta('{"note":"\\ud800 x"}');
    const refused = await initiateText(text);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ responseCode: '4000001', responseMessage: 'Invalid Field Format. The meta.data.note format is invalid' });
    const name = channelRequest('vabca');
    const lastName = JSON.stringify(name).replace('"Ismail"', '"Ismail\\udc00"');
    expect((await initiateText(lastName)).body.responseMessage).toBe('Invalid Field Format. The customer.last name format is invalid');
    const paired = withMeta('{"note":"\\ud83d\\ude00"}');
    expect((await initiateText(paired.text)).status).toBe(200);
  });
});

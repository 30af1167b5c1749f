import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../server/config.js';
import { startInstance, type Instance } from '../server/instance.js';
import { createLogger } from '../server/support/logger.js';
import { basicAuth, checkStatus, initiate, kredivoRequest, MERCHANT, startTestInstance } from './helpers/instance.js';

let instance: Instance;
let port: number;
beforeAll(async () => {
  instance = await startTestInstance();
  port = instance.port;
});
afterAll(() => instance.stop());

/** Sends raw bytes and resolves with everything the server wrote back before closing (or after `waitMs`). */
function raw(payload: string | Buffer, waitMs = 2000, to = port): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(to, '127.0.0.1');
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => (received += d));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(payload);
  });
}

function request(body: string | Buffer, headers: Record<string, string | number> = {}): Buffer {
  const all = { Host: '127.0.0.1', Authorization: basicAuth(), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers };
  const head = Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  return Buffer.concat([Buffer.from(`POST /pg/payment/card/initiate HTTP/1.1\r\n${head}\r\n\r\n`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

async function stillServing(): Promise<void> {
  const body = kredivoRequest();
  expect((await initiate(instance, body)).status).toBe(200);
  expect((await checkStatus(instance, body.order.id)).status).toBe(200);
}

describe('malformed HTTP', () => {
  it('a truncated body (shorter than Content-Length) is closed cleanly', async () => {
    const full = JSON.stringify(kredivoRequest());
    const cut = request(full).subarray(0, request(full).length - 40);
    const answer = await raw(cut, 500);
    expect(answer === '' || /^HTTP\/1\.1 4\d\d/.test(answer)).toBe(true);
    await stillServing();
  });

  it('a 10 MB body gets a 400 gateway error (or a closed connection), never a crash', async () => {
    const huge = JSON.stringify({ ...kredivoRequest(), padding: 'x'.repeat(10 * 1024 * 1024) });
    const answer = await raw(request(huge), 5000);
    if (answer !== '') {
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(answer).toContain('"responseCode":"4000000"');
    }
    await stillServing();
  });

  it('invalid UTF-8 in the body is a 4xx gateway error', async () => {
    const body = Buffer.concat([Buffer.from('{"order":{"id":"BAD-UTF8","amount":"200","description":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}')]);
    const answer = await raw(request(body));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/"responseCode":"400000[01]"/);
  });

  it.each([
    ['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], ['application/xml'],
  ])('Content-Type %s is a 400 gateway error', async (type) => {
    const answer = await raw(request(JSON.stringify(kredivoRequest()), { 'Content-Type': type }));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('Content-Type must be application/json');
  });

  it('slow clients (slowloris-style) do not block other requests', async () => {
    const slow: Socket[] = [];
    for (let i = 0; i < 40; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('POST /pg/payment/card/initiate HTTP/1.1\r\nHost: x\r\n');
      slow.push(socket);
    }
    const drip = setInterval(() => slow.forEach((s) => s.write('X-Slow: 1\r\n')), 200);
    try {
      await stillServing();
      await stillServing();
    } finally {
      clearInterval(drip);
      slow.forEach((s) => s.destroy());
    }
  });
});

/** Status line and parsed JSON body of a raw HTTP answer. */
function parseAnswer(answer: string): { status: number; headers: string; body: Record<string, unknown> } {
  const split = answer.indexOf('\r\n\r\n');
  const headers = answer.slice(0, split);
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(headers)?.[1]), headers, body: JSON.parse(answer.slice(split + 4)) };
}

/** Sends `head`, then holds the connection open, writing `drip` every 200 ms; resolves with what came back and when. */
function stall(to: number, head: string, drip?: string, limitMs = 15_000): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(to, '127.0.0.1');
    let answer = '';
    const timer = setInterval(() => drip && socket.write(drip), 200);
    const guard = setTimeout(() => socket.destroy(), limitMs);
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.write(head);
  });
}

const GATEWAY_ERROR_KEYS = ['processingTime', 'responseCode', 'responseMessage', 'traceId'];

describe('malformed HTTP gets a gateway error', () => {
  const post = 'POST /pg/payment/card/initiate HTTP/1.1\r\nHost: 127.0.0.1\r\n';
  it.each([
    ['Content-Length that is not a number', `${post}Content-Length: abc\r\n\r\n{}`, 'Content-Length'],
    ['a negative Content-Length', `${post}Content-Length: -1\r\n\r\n{}`, 'Content-Length'],
    ['two different Content-Length headers', `${post}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 'Content-Length'],
    ['Content-Length and Transfer-Encoding together', `${post}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'Transfer-Encoding'],
    ['an unknown Transfer-Encoding', `${post}Transfer-Encoding: gzip\r\n\r\n{}`, 'Transfer-Encoding'],
    ['a broken chunk size', `${post}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 'chunk size'],
    ['bare LF line endings', 'GET /pg/payment/card/check/X HTTP/1.1\nHost: 127.0.0.1\n\n', 'CRLF'],
    ['a bare LF inside the headers', 'GET /pg/payment/card/check/X HTTP/1.1\r\nHost: 127.0.0.1\nX-A: b\r\n\r\n', 'CR'],
    ['a lowercase method', 'post /pg/payment/card/initiate HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'method'],
    ['a space before the colon of a header', 'GET / HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n', 'header'],
    ['garbage instead of HTTP', '\x16\x03\x01 this is not http\r\n\r\n', 'method'],
  ])('%s: 400 4000000 in the gateway format, and the connection is closed', async (_name, payload, reason) => {
    const { status, headers, body } = parseAnswer(await raw(payload));
    expect(status).toBe(400);
    expect(headers).toMatch(/\r\nContent-Type: application\/json; charset=utf-8/i);
    expect(headers).toMatch(/\r\nConnection: close/i);
    expect(Object.keys(body).sort()).toEqual(GATEWAY_ERROR_KEYS);
    expect(body.responseCode).toBe('4000000');
    expect(body.responseMessage).toMatch(/^Bad Request\. Malformed HTTP: /);
    expect(body.responseMessage).toContain(reason);
    await stillServing();
  });

  it('headers over 16 KB: 431 4310000 in the gateway format', async () => {
    const { status, body } = parseAnswer(await raw(`GET /pg/payment/card/check/X HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(status).toBe(431);
    expect(body).toMatchObject({ responseCode: '4310000', responseMessage: expect.stringMatching(/^Request Header Fields Too Large/) });
    await stillServing();
  });

  it('chunk extensions over 16 KB: 413 4130000 in the gateway format', async () => {
    const answer = await raw(`${post}Authorization: ${basicAuth()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(20_000)}\r\n{\r\n0\r\n\r\n`);
    const { status, body } = parseAnswer(answer);
    expect(status).toBe(413);
    expect(body).toMatchObject({ responseCode: '4130000', responseMessage: expect.stringMatching(/^Payload Too Large/) });
    await stillServing();
  });
});

describe('slow clients are dropped at the header and request timeouts', () => {
  let quick: Instance;
  beforeAll(async () => {
    const config = { ...DEFAULTS, port: 0, db: ':memory:', merchants: [MERCHANT] };
    quick = await startInstance(config, createLogger('silent'), { headersMs: 400, requestMs: 800 });
  });
  afterAll(() => quick.stop());

  it('headers dripped one line at a time (slowloris): 408 4080000 once the header timeout passes', async () => {
    const { answer, closedAfterMs } = await stall(quick.port, 'POST /pg/payment/card/initiate HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n');
    const { status, body } = parseAnswer(answer);
    expect(status).toBe(408);
    expect(body).toMatchObject({ responseCode: '4080000', responseMessage: expect.stringMatching(/^Request Timeout/) });
    expect(closedAfterMs).toBeGreaterThanOrEqual(400);
    expect(closedAfterMs).toBeLessThan(2000);
  });

  it('a body that stops halfway: 408 4080000 once the request timeout passes', async () => {
    const head = `POST /pg/payment/card/initiate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuth()}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"order":`;
    const { answer, closedAfterMs } = await stall(quick.port, head);
    const { status, body } = parseAnswer(answer);
    expect(status).toBe(408);
    expect(body.responseCode).toBe('4080000');
    expect(closedAfterMs).toBeGreaterThanOrEqual(800);
    expect(closedAfterMs).toBeLessThan(2500);
  });

  it('a body dripped a byte at a time is dropped at the request timeout too', async () => {
    const head = `POST /pg/payment/card/initiate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuth()}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const { answer, closedAfterMs } = await stall(quick.port, head, ' ');
    expect(parseAnswer(answer).status).toBe(408);
    expect(closedAfterMs).toBeLessThan(2500);
  });

  it('by default both timeouts are the documented 10 s, not 30 s', async () => {
    const headers = stall(port, 'GET /pg/payment/card/check/X HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n');
    const body = stall(port, `POST /pg/payment/card/initiate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuth()}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    for (const { answer, closedAfterMs } of await Promise.all([headers, body])) {
      expect(parseAnswer(answer).status).toBe(408);
      expect(closedAfterMs).toBeGreaterThanOrEqual(10_000);
      expect(closedAfterMs).toBeLessThan(12_000);
    }
  }, 20_000);
});

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../server/instance.js';
import { basicAuth, checkStatus, initiate, kredivoRequest, startTestInstance } from './helpers/instance.js';

let instance: Instance;
let port: number;
beforeAll(async () => {
  instance = await startTestInstance();
  port = instance.port;
});
afterAll(() => instance.stop());

/** Sends raw bytes and resolves with everything the server wrote back before closing (or after `waitMs`). */
function raw(payload: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
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

  it('garbage instead of HTTP is answered 400 by Node and the server keeps serving', async () => {
    const answer = await raw('\x16\x03\x01 this is not http\r\n\r\n', 1000);
    expect(answer === '' || /^HTTP\/1\.1 400/.test(answer)).toBe(true);
    await stillServing();
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

import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSimulator } from './helpers/suite.js';
import { channelRequest } from './helpers/channel-requests.js';
import { initiate, startTestInstance } from './helpers/instance.js';
import type { Instance } from '../server/instance.js';
import { MAX_BUFFERED_BYTES } from '../server/dashboard/events.js';
import type { LiveEvent } from '../server/operations/live-events.js';

const sim = useSimulator({ config: { callbackRetries: [60, 120] } });
const api = () => request(sim.instance.server);

/** A browser's EventSource, by hand: the stream's events as they arrive, over a real socket. */
class EventStream {
  readonly events: { type: string; data: LiveEvent }[] = [];
  status = 0;
  head = '';
  /** Everything received, framing included. */
  raw = '';
  ended = false;
  private buffer = '';

  private constructor(readonly socket: Socket) {}

  static async open(instance: Instance, headers: Record<string, string> = {}): Promise<EventStream> {
    const socket = connect(instance.port, '127.0.0.1');
    const stream = new EventStream(socket);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => stream.take(chunk));
    socket.on('close', () => (stream.ended = true));
    socket.on('error', () => (stream.ended = true));
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${instance.port}\r\nAccept: text/event-stream\r\n${extra}\r\n`);
    await vi.waitFor(() => expect(stream.status).not.toBe(0));
    return stream;
  }

  /** The server ended the stream itself (the last chunk of a chunked body), rather than cutting the connection. */
  get finished(): boolean {
    return this.raw.endsWith('\r\n0\r\n\r\n');
  }

  private take(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    if (this.status === 0) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.status = Number(this.buffer.slice(9, 12));
      this.head = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 4);
    }
    // Chunked transfer framing aside, each event is an `event:` line and a `data:` line.
    for (const match of this.buffer.matchAll(/event: (\w+)\ndata: (.+)\n/g)) this.events.push({ type: match[1]!, data: JSON.parse(match[2]!) });
    this.buffer = this.buffer.slice(this.buffer.lastIndexOf('\n\n') + 2);
  }

  close(): void {
    this.socket.destroy();
  }
}

const streams: EventStream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});
async function open(instance = sim.instance, headers?: Record<string, string>): Promise<EventStream> {
  const stream = await EventStream.open(instance, headers);
  streams.push(stream);
  return stream;
}

async function order(type = 'kredivo'): Promise<string> {
  const body = channelRequest(type, { callbackUrl: `${sim.receiver.url}/cb` });
  expect((await initiate(sim.instance, body)).status).toBe(200);
  return body.order.id as string;
}

describe('GET /events (server-sent events)', () => {
  it('streams text/event-stream: the order initiated and paid, then its callback delivered', async () => {
    const stream = await open();
    expect(stream.status).toBe(200);
    const id = await order();
    await api().post(`/_mock/transactions/${id}/pay`).expect(200);
    await vi.waitFor(() => expect(stream.events.filter((e) => e.data.type !== 'reset' && 'orderId' in e.data && e.data.orderId === id).map((e) => e.type)).toEqual(['order', 'order', 'callback']));
    const mine = stream.events.filter((e) => 'orderId' in e.data && e.data.orderId === id);
    expect(mine[1]!.data).toMatchObject({ type: 'order', merchantId: 'FINPAY770', status: 'PAID' });
    expect(mine[2]!.data).toMatchObject({ type: 'callback', state: 'delivered', attempt: 1, delivered: true });
  });

  it('tells of a failed delivery (the callback still pending, to be retried) and of a reset', async () => {
    sim.receiver.reply = (_req, res) => res.writeHead(500).end('down');
    const stream = await open();
    const id = await order();
    await api().post(`/_mock/transactions/${id}/fail`).expect(200);
    await vi.waitFor(() => expect(stream.events.some((e) => e.type === 'callback' && e.data.type === 'callback' && e.data.orderId === id)).toBe(true));
    expect(stream.events.find((e) => e.type === 'callback')!.data).toMatchObject({ orderId: id, state: 'pending', attempt: 1, delivered: false });
    await api().post('/_mock/reset').expect(200);
    await vi.waitFor(() => expect(stream.events.at(-1)?.data).toEqual({ type: 'reset', merchantId: null }));
  });

  it('asks for the admin token like every dashboard page', async () => {
    const guarded = await startTestInstance({ adminToken: 'tok-live' });
    try {
      expect((await open(guarded)).status).toBe(401);
      const signed = await open(guarded, { Authorization: 'Bearer tok-live' });
      expect(signed.status).toBe(200);
      expect(guarded.ctx.live.size).toBe(1);
    } finally {
      for (const s of streams.splice(0)) s.close();
      await guarded.stop();
    }
  });

  it('listens to the service only while a client is connected, and forgets a client that goes away', async () => {
    const before = sim.instance.ctx.transactions.changes.listenerCount('order');
    const stream = await open();
    await vi.waitFor(() => expect(sim.instance.ctx.live.size).toBe(1));
    expect(sim.instance.ctx.transactions.changes.listenerCount('order')).toBe(before + 1);
    stream.close();
    await vi.waitFor(() => expect(sim.instance.ctx.live.size).toBe(0));
    expect(sim.instance.ctx.transactions.changes.listenerCount('order')).toBe(before);
  });

  it('refuses a 65th live view with 503 and Retry-After, and takes one again once a tab closes', async () => {
    const many = await Promise.all(Array.from({ length: 64 }, () => open()));
    expect(many.every((c) => c.status === 200)).toBe(true);
    const refused = await open();
    expect(refused.status).toBe(503);
    expect(refused.head).toMatch(/\r\nretry-after: 10\r\n/i);
    many[0]!.close();
    await vi.waitFor(() => expect(sim.instance.ctx.live.size).toBe(63));
    expect((await open()).status).toBe(200);
  });

  it('drops a client that stops reading once it is far behind, while a reading client keeps every event', async () => {
    const stalled = await open();
    stalled.socket.pause();
    const reading = await open();
    await vi.waitFor(() => expect(sim.instance.ctx.live.size).toBe(2));
    const event: LiveEvent = { type: 'order', merchantId: 'FINPAY770', orderId: 'X'.repeat(200), status: 'PAID' };
    let sent = 0;
    // Bounded: 100 MB of events would be far past the kernel's buffers and the server's cap together.
    while (sim.instance.ctx.live.size === 2 && sent < 400_000) {
      for (let i = 0; i < 200; i++) sim.instance.ctx.live.publish(event);
      sent += 200;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sim.instance.ctx.live.size).toBe(1);
    await vi.waitFor(() => expect(reading.events.length).toBe(sent));
    // Dropped only once the kernel's buffers and the server's cap were full, not at the first slow read.
    expect(sent * JSON.stringify(event).length).toBeGreaterThan(MAX_BUFFERED_BYTES);
    stalled.socket.resume();
    await vi.waitFor(() => expect(stalled.ended).toBe(true));
    expect(stalled.events.length).toBeLessThan(sent);
  });
});

describe('stopping with live clients', () => {
  it('ends every stream and stops long before the grace period, as SIGTERM does', async () => {
    const instance = await startTestInstance();
    const clients = await Promise.all([1, 2, 3].map(() => open(instance)));
    await vi.waitFor(() => expect(instance.ctx.live.size).toBe(3));
    // A grace of 60 s: a stream left open would hold the stop (and this test) for all of it.
    const stopped = instance.stop(60_000);
    await stopped;
    await vi.waitFor(() => expect(clients.every((c) => c.ended)).toBe(true));
    expect(clients.every((c) => c.finished)).toBe(true);
    expect(instance.server.listening).toBe(false);
  }, 20_000);

  it('the finnet-mock command exits within 2 s of SIGTERM with live clients connected', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--db', ':memory:'], {
      cwd: join(import.meta.dirname, '..'), env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    try {
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await vi.waitFor(() => expect(stdout).toMatch(/listening on http:\/\/\S+:\d+/), { timeout: 15_000, interval: 50 });
      const port = Number(/listening on http:\/\/\S+:(\d+)/.exec(stdout)![1]);
      const clients = await Promise.all([1, 2].map(() => open({ port } as Instance)));
      expect(clients.map((c) => c.status)).toEqual([200, 200]);
      const asked = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The bound the command's own SIGTERM test keeps; without ending the streams the stop waits out its 1.5 s grace first.
      expect(Date.now() - asked).toBeLessThan(2000);
      await vi.waitFor(() => expect(clients.every((c) => c.ended)).toBe(true));
      // Ended by the simulator, not cut when its grace ran out.
      expect(clients.every((c) => c.finished)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('callback health in the control API: GET /_mock/transactions?callback=', () => {
  const ids = async (callback: string) => (await api().get('/_mock/transactions').query({ callback }).expect(200)).body.items.map((t: { orderId: string }) => t.orderId);

  it('finds the order whose callback is failing, then the one that gave up, and never the delivered one', async () => {
    const fine = await order();
    await api().post(`/_mock/transactions/${fine}/pay`).expect(200);
    await sim.receiver.waitFor(1);
    sim.receiver.reply = (_req, res) => res.writeHead(503).end('busy');
    const failing = await order();
    await api().post(`/_mock/transactions/${failing}/pay`).expect(200);
    await vi.waitFor(async () => expect(await ids('failing')).toContain(failing));
    expect(await ids('failing')).not.toContain(fine);
    expect(await ids('delivered')).toContain(fine);
    // callbackRetries [60, 120]: three scheduled attempts, then it gives up.
    await api().post('/_mock/clock').send({ action: 'advance', by: '5m' }).expect(200);
    await vi.waitFor(async () => expect(await ids('gave-up')).toContain(failing));
    expect(await ids('failing')).not.toContain(failing);
    const pending = await order();
    expect(await ids('none')).toContain(pending);
  });

  it('answers an unknown value with a problem naming the values', async () => {
    const res = await api().get('/_mock/transactions?callback=broken').expect(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.detail).toBe('callback must be one of gave-up, failing, pending, delivered, none');
  });
});

describe('refund and void through the control API and the library', () => {
  async function captured(): Promise<string> {
    const id = await order('cc');
    await api().post(`/_mock/transactions/${id}/pay`).expect(200);
    return id;
  }

  it('refunds part, refuses more than is left, refunds the rest, and words each refusal', async () => {
    const id = await captured();
    const part = await api().post(`/_mock/transactions/${id}/refund`).send({ amount: 50 }).expect(200);
    expect(part.body.status).toBe('PARTIALLY_REFUNDED');
    expect(part.body.timeline.at(-1).detail).toMatch(/: IDR 50 \(50 of \d+ refunded\)$/);
    const tooMuch = await api().post(`/_mock/transactions/${id}/refund`).send({ amount: 10_000 }).expect(409);
    expect(tooMuch.body.detail).toMatch(/^Cannot refund Rp 10\.000 of order .+: only Rp \d+(\.\d+)? of Rp \d+(\.\d+)? is left to refund\.$/);
    const bad = await api().post(`/_mock/transactions/${id}/refund`).send({ amount: 'ten' }).expect(400);
    expect(bad.body.title).toBe('Bad amount');
    await api().post(`/_mock/transactions/${id}/refund`).send({ extra: 1 }).expect(400);
    for (const amount of [null, '']) expect((await api().post(`/_mock/transactions/${id}/refund`).send({ amount }).expect(400)).body.title).toBe('Bad amount');
    expect((await api().get(`/_mock/transactions/${id}`)).body.status).toBe('PARTIALLY_REFUNDED');
    const rest = await api().post(`/_mock/transactions/${id}/refund`).set('X-Finnet-Mock', '1').expect(200);
    expect(rest.body.status).toBe('REFUNDED');
    const again = await api().post(`/_mock/transactions/${id}/refund`).set('X-Finnet-Mock', '1').expect(409);
    expect(again.body.detail).toBe(`Cannot refund order ${id}: it is REFUNDED, nothing is left to refund.`);
    const unpaid = await order();
    expect((await api().post(`/_mock/transactions/${unpaid}/refund`).set('X-Finnet-Mock', '1').expect(409)).body.detail)
      .toBe(`Cannot refund order ${unpaid}: it is REQUEST_INITIATED and was never paid; only PAID, CAPTURED or PARTIALLY_REFUNDED orders can be refunded.`);
  });

  it('voids a capture before settlement; after 00:00 WIB says to refund instead', async () => {
    const id = await captured();
    expect((await api().post(`/_mock/transactions/${id}/void`).set('X-Finnet-Mock', '1').expect(200)).body.status).toBe('CANCELLED');
    const late = await captured();
    await api().post('/_mock/clock').send({ action: 'advance', by: '1d' }).expect(200);
    const refused = await api().post(`/_mock/transactions/${late}/void`).set('X-Finnet-Mock', '1').expect(409);
    expect(refused.body.detail).toBe(`Cannot void order ${late}: captured before the last settlement, 00:00 WIB: refund it instead.`);
    const paid = await order();
    await api().post(`/_mock/transactions/${paid}/pay`).expect(200);
    expect((await api().post(`/_mock/transactions/${paid}/void`).set('X-Finnet-Mock', '1').expect(409)).body.detail)
      .toBe(`Cannot void order ${paid}: it is PAID, and only CAPTURED card payments can be voided: refund it instead.`);
  });

  it('the library has refund(orderId, amount?) and void(orderId), throwing the same sentences', async () => {
    const { startFinnetMock } = await import('../server/index.js');
    const mock = await startFinnetMock();
    try {
      const pay = async () => {
        const body = channelRequest('cc');
        const res = await fetch(`${mock.url}/pg/payment/card/initiate`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: mock.merchant.authorization }, body: JSON.stringify(body) });
        expect(res.status).toBe(200);
        await mock.pay(body.order.id);
        return body.order.id as string;
      };
      const first = await pay();
      expect((await mock.refund(first, 20)).status).toBe('PARTIALLY_REFUNDED');
      expect((await mock.refund(first)).status).toBe('REFUNDED');
      await expect(mock.refund(first)).rejects.toThrow(`finnet-mock: cannot refund order ${first}: it is REFUNDED, nothing is left to refund.`);
      expect((await mock.void(await pay())).status).toBe('CANCELLED');
    } finally {
      await mock.stop();
    }
  });
});

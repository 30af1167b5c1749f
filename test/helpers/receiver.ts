import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The raw bytes as received. */
  body: string;
  receivedAt: number;
}

export type Reply = (req: IncomingMessage, res: ServerResponse, received: ReceivedCallback) => void;

export const replyOk: Reply = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"responseCode":"2000000","responseMessage":"Success"}');
};

/**
 * A merchant's callback receiver on 127.0.0.1: records every POST and answers as `reply` says; GET
 * requests (the shopper landing on successUrl/failUrl) get a small merchant page.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  readonly pageVisits: string[] = [];
  reply: Reply = replyOk;
  private server: Server | null = null;
  private waiters: (() => void)[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'GET') {
          this.pageVisits.push(req.url ?? '');
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><title>Merchant</title><h1 data-testid="merchant-page">Merchant page ${req.url}</h1>`);
          return;
        }
        const received: ReceivedCallback = {
          method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now(),
        };
        this.received.push(received);
        this.reply(req, res, received);
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `count` callbacks have arrived, or rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedCallback[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} callbacks, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

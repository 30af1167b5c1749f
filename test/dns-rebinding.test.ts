import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import type { Config } from '../server/model/config.js';
import type { Instance } from '../server/instance.js';
import { basicAuth, kredivoRequest, startTestInstance } from './helpers/instance.js';

interface Answer {
  status: number;
  type: string;
  body: Record<string, any>;
}

/** One raw request to 127.0.0.1 with exactly the Host header given (none for `null`), as a rebound browser would send it. */
function send(instance: Instance, path: string, host: string | null, options: { method?: string; version?: string; body?: string } = {}): Promise<Answer> {
  const headers = [
    ...(host === null ? [] : [`Host: ${host}`]),
    `Authorization: ${basicAuth()}`, 'Connection: close',
    ...(options.body === undefined ? [] : ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(options.body)}`]),
  ];
  const payload = `${options.method ?? 'GET'} ${path} HTTP/${options.version ?? '1.1'}\r\n${headers.join('\r\n')}\r\n\r\n${options.body ?? ''}`;
  return new Promise((resolve, reject) => {
    const socket = connect(instance.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = received.indexOf('\r\n\r\n');
      const head = received.slice(0, split);
      const text = received.slice(split + 4);
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(text);
      } catch {
        body = { text };
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), type: /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1] ?? '', body });
    });
    socket.write(payload);
  });
}

/** The three surfaces: the gateway API, the control API and a dashboard page. */
const gatewayPath = '/pg/payment/card/check/NO-SUCH-ORDER';
const controlPath = '/_mock/health';
const dashboardPath = '/';

async function expectServed(instance: Instance, host: string | null, version = '1.1'): Promise<void> {
  expect((await send(instance, gatewayPath, host, { version })).body.responseCode).toBe('4040001');
  expect((await send(instance, controlPath, host, { version })).status).toBe(200);
  expect((await send(instance, dashboardPath, host, { version })).status).toBe(200);
}

async function expectRefused(instance: Instance, host: string | null): Promise<void> {
  const gateway = await send(instance, gatewayPath, host);
  expect(gateway.status).toBe(403);
  expect(gateway.type).toMatch(/^application\/json/);
  expect(Object.keys(gateway.body).sort()).toEqual(['processingTime', 'responseCode', 'responseMessage', 'traceId']);
  expect(gateway.body.responseCode).toBe('4030000');
  expect(gateway.body.responseMessage).toMatch(/^Forbidden\. /);
  const control = await send(instance, controlPath, host);
  expect(control.status).toBe(403);
  expect(control.type).toMatch(/^application\/problem\+json/);
  expect(control.body).toMatchObject({ status: 403, title: 'Host not allowed' });
  const page = await send(instance, dashboardPath, host);
  expect(page.status).toBe(403);
  expect(page.body.responseCode).toBe('4030000');
  expect((await send(instance, '/kredivo/v2/signin?tk=x', host)).status).toBe(403);
}

describe('listening on loopback (the default)', () => {
  let instance: Instance;
  beforeAll(async () => {
    instance = await startTestInstance();
  });
  afterAll(() => instance.stop());

  it.each([
    ['localhost with its port', () => `localhost:${instance.port}`], ['localhost', () => 'localhost'], ['LOCALHOST.', () => 'LOCALHOST.'],
    ['a *.localhost name', () => `shop.app.localhost:${instance.port}`], ['127.0.0.1 with its port', () => `127.0.0.1:${instance.port}`],
    ['another 127/8 address', () => '127.9.8.7'], ['[::1] with a port', () => `[::1]:${instance.port}`], ['[::1]', () => '[::1]'],
  ])('Host %s is served on every surface', async (_name, host) => {
    await expectServed(instance, host());
  });

  it.each([
    ['a rebound name', 'attacker.example'], ['a rebound name with the port', 'attacker.example:4000'],
    ['a name that merely starts with localhost', 'localhost.attacker.example'], ['a name ending in -localhost', 'evil-localhost'],
    ['an address-looking name', '127.0.0.1.attacker.example'], ['a LAN address', '192.168.1.20:4000'], ['another IPv6 address', '[::2]'],
    ['user info before the host', 'localhost@attacker.example'], ['a host with a path', 'localhost/x'], ['an empty Host', ''],
    ['a 5 000-character name', `${'a'.repeat(5000)}.localhost`],
  ])('Host %s is refused on every surface in its own error format', async (_name, host) => {
    await expectRefused(instance, host);
  });

  it('the refusal names the host and how to allow it', async () => {
    const { body } = await send(instance, gatewayPath, 'Attacker.Example:4000');
    expect(body.responseMessage).toBe('Forbidden. Host "attacker.example" is not served here (DNS rebinding protection); start finnet-mock with --allowed-hosts attacker.example to allow it');
  });

  it('a rebound page cannot reset or pay: the refused request changes nothing', async () => {
    const body = kredivoRequest();
    expect((await send(instance, '/pg/payment/card/initiate', `localhost:${instance.port}`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(200);
    const evil = 'attacker.example:4000';
    expect((await send(instance, '/_mock/reset', evil, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await send(instance, `/_mock/transactions/${body.order.id}/pay`, evil, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await send(instance, '/pg/payment/card/initiate', evil, { method: 'POST', body: JSON.stringify(kredivoRequest()) })).status).toBe(403);
    const check = await send(instance, `/pg/payment/card/check/${body.order.id}`, 'localhost');
    expect(check.body.data.result.payment.status).toBe('REQUEST_INITIATED');
  });

  it('HTTP/1.0 without a Host header is served (no browser sends one); HTTP/1.1 without one is a 400 in the gateway format', async () => {
    await expectServed(instance, null, '1.0');
    const missing = await send(instance, gatewayPath, null);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ responseCode: '4000000', responseMessage: expect.stringMatching(/Host header/) });
    const control = await send(instance, controlPath, null);
    expect(control.status).toBe(400);
    expect(control.type).toMatch(/^application\/problem\+json/);
  });
});

describe('allowed on loopback besides loopback names', () => {
  let instance: Instance;
  beforeAll(async () => {
    instance = await startTestInstance({ publicUrl: 'http://mock.shop.test:4000', allowedHosts: ['finnet.internal', '*.dev.test', '[fd00::5]', '10.0.0.7'] } as Partial<Config>);
  });
  afterAll(() => instance.stop());

  it.each([
    ['the --public-url host', 'mock.shop.test:4000'], ['an --allowed-hosts name', 'finnet.internal'], ['a subdomain of an *. entry', `a.b.dev.test:${8080}`],
    ['an allowed IPv6 address', '[fd00::5]:4000'], ['an allowed IPv4 address', '10.0.0.7'], ['still localhost', 'localhost'],
  ])('%s is served', async (_name, host) => {
    await expectServed(instance, host);
  });

  it.each([['the *. entry\'s own name', 'dev.test'], ['another name', 'attacker.example'], ['a longer name ending like an entry', 'xfinnet.internal']])('%s is refused', async (_name, host) => {
    await expectRefused(instance, host);
  });
});

describe('bound to all interfaces (Docker, compose, CI services)', () => {
  let open: Instance;
  let restricted: Instance;
  beforeAll(async () => {
    open = await startTestInstance({ host: '0.0.0.0' });
    restricted = await startTestInstance({ host: '0.0.0.0', allowedHosts: ['finnet-mock'] } as Partial<Config>);
  });
  afterAll(async () => {
    await open.stop();
    await restricted.stop();
  });

  it('any Host is served, so http://finnet-mock:4000 from a sibling container works', async () => {
    await expectServed(open, 'finnet-mock:4000');
    await expectServed(open, 'attacker.example');
  });

  it('with --allowed-hosts only those names and loopback ones are served', async () => {
    await expectServed(restricted, 'finnet-mock:4000');
    await expectServed(restricted, `localhost:${restricted.port}`);
    await expectRefused(restricted, 'attacker.example');
  });
});

describe('--allowed-hosts / FINNET_MOCK_ALLOWED_HOSTS', () => {
  const allowedHosts = (argv: string[], env: NodeJS.ProcessEnv = {}) => (loadConfig(argv, env) as Config & { allowedHosts: string[] }).allowedHosts;

  it('is repeatable and takes comma lists, lower-cased; the environment variable too; default none', () => {
    expect(allowedHosts([])).toEqual([]);
    expect(allowedHosts(['--allowed-hosts', 'Finnet-Mock, *.Internal', '--allowed-hosts=10.0.0.7,[FD00::5]'])).toEqual(['finnet-mock', '*.internal', '10.0.0.7', '[fd00::5]']);
    expect(allowedHosts([], { FINNET_MOCK_ALLOWED_HOSTS: 'a.test,b.test' })).toEqual(['a.test', 'b.test']);
  });

  it.each([['finnet-mock:4000'], ['http://finnet-mock'], ['bad host'], ['*'], ['a..b'], ['[::1']])('"%s" is refused with one line naming the flag', (value) => {
    const error = (() => {
      try {
        loadConfig(['--allowed-hosts', value], {});
      } catch (err) {
        return err as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/^--allowed-hosts \/ FINNET_MOCK_ALLOWED_HOSTS: allowed host ".*" must be/);
    expect(error!.message).not.toContain('\n');
  });
});

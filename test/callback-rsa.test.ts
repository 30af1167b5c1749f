import { spawnSync } from 'node:child_process';
import { createHash, createHmac, createPublicKey, generateKeyPair, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ConfigError, loadConfig } from '../server/config.js';
import type { ReceivedCallback } from './helpers/receiver.js';
import { placeOrder, startTestInstance } from './helpers/instance.js';
import { useSimulator } from './helpers/suite.js';

const ADMIN_TOKEN = 'admin-token-123';

/** The SNAP notification string-to-sign (README "choices"): method, path with query, body digest, timestamp. */
function stringToSign(cb: ReceivedCallback): string {
  const digest = createHash('sha256').update(cb.body, 'utf8').digest('hex');
  return `POST:${cb.path}:${digest}:${String(cb.headers['x-timestamp'])}`;
}

function nodeVerifies(cb: ReceivedCallback, publicPem: string): boolean {
  return verify('sha256', Buffer.from(stringToSign(cb), 'utf8'), publicPem, Buffer.from(String(cb.headers['x-signature']), 'base64'));
}

/** True when php is on PATH; on CI (which installs php-cli) its absence fails the test instead. */
function phpAvailable(testName: string): boolean {
  const probe = spawnSync('php', ['-v'], { encoding: 'utf8' });
  if (!probe.error && probe.status === 0) return true;
  if (process.env.CI === 'true') {
    throw new Error(`php not found on PATH: CI must install PHP (apt-get install -y php-cli) so "${testName}" can verify the RSA signature with openssl_verify.`);
  }
  console.warn(`[callback-rsa] php not found on PATH; not running "${testName}" (install it with: apt-get install -y php-cli)`);
  return false;
}

/** How a PHP merchant checks a SNAP signature: openssl_verify(stringToSign, base64_decode(sig), pem, sha256WithRSAEncryption). */
const PHP_VERIFY = `
$in = json_decode(stream_get_contents(STDIN), true);
$r = openssl_verify($in['data'], base64_decode($in['signature'], true), $in['pem'], OPENSSL_ALGO_SHA256);
echo $r === 1 ? 'VALID' : ($r === 0 ? 'INVALID' : 'ERROR ' . openssl_error_string());
`;

function phpVerifies(cb: ReceivedCallback, publicPem: string): string {
  const input = JSON.stringify({ data: stringToSign(cb), signature: cb.headers['x-signature'], pem: publicPem });
  const r = spawnSync('php', ['-r', PHP_VERIFY], { input, encoding: 'utf8' });
  expect(r.stderr, 'php stderr').toBe('');
  return r.stdout;
}

describe('callbacks carry an RSA-4096 SHA256withRSA x-signature over the SNAP string-to-sign', () => {
  const sim = useSimulator({ config: { adminToken: ADMIN_TOKEN } });
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  beforeEach(async () => {
    await request(sim.instance.server).post('/_mock/reset').set(admin).expect(200);
  });

  async function paidCallback(path: string, amount?: number): Promise<ReceivedCallback> {
    const orderId = await placeOrder(sim.instance, `${sim.receiver.url}${path}`, (body) => {
      if (amount !== undefined) {
        body.order.amount = String(amount);
        body.order.item = [{ name: 'item', quantity: '1', unitPrice: String(amount) }];
      }
    });
    await request(sim.instance.server).post(`/_mock/transactions/${orderId}/pay`).set(admin).expect(200);
    const [cb] = await sim.receiver.waitFor(1);
    return cb!;
  }

  async function servedPem(): Promise<string> {
    const res = await request(sim.instance.server).get('/_mock/keys/callback.pem').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-pem-file/);
    return res.text;
  }

  it('serves the public key at GET /_mock/keys/callback.pem without the admin token: an RSA 4096-bit SPKI PEM', async () => {
    const pem = await servedPem();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const key = createPublicKey(pem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    await request(sim.instance.server).get('/_mock/transactions').expect(401);
  });

  it('signs POST:<path with query>:<hex sha256 of the body>:<x-timestamp>; Node crypto.verify accepts it with the served key', async () => {
    const cb = await paidCallback('/finpay/notify?shop=1&x=a%20b');
    const signature = Buffer.from(String(cb.headers['x-signature']), 'base64');
    expect(signature).toHaveLength(512);
    expect(signature.toString('base64')).toBe(cb.headers['x-signature']);
    expect(nodeVerifies(cb, await servedPem())).toBe(true);
  });

  it('PHP openssl_verify(…, OPENSSL_ALGO_SHA256) accepts it with the served key', async () => {
    if (!phpAvailable('PHP openssl_verify of x-signature')) return;
    const cb = await paidCallback('/notify.php');
    expect(phpVerifies(cb, await servedPem())).toBe('VALID');
  });

  it('the shipped magic amount 15007 (callback-bad-rsa-signature) sends one that fails verification; the HMAC body signature stays valid', async () => {
    const cb = await paidCallback('/cb', 15007);
    const pem = await servedPem();
    expect(Buffer.from(String(cb.headers['x-signature']), 'base64')).toHaveLength(512);
    expect(nodeVerifies(cb, pem)).toBe(false);
    if (phpAvailable('PHP openssl_verify rejects the wrong x-signature')) expect(phpVerifies(cb, pem)).toBe('INVALID');
    const { signature, ...fields } = JSON.parse(cb.body) as Record<string, unknown>;
    expect(createHmac('sha512', 'SoSecret123').update(cb.body.replace(/,"signature":"[0-9a-f]{128}"\}$/, '}')).digest('hex')).toBe(signature);
    expect(fields.order).toBeDefined();
    const tx = (await request(sim.instance.server).get(`/_mock/callbacks?orderId=${JSON.parse(cb.body).order.id}`).set(admin).expect(200)).body.items[0];
    expect(tx.scenario).toBe('callback-bad-rsa-signature');
  });
});

describe('--callback-rsa-key / FINNET_MOCK_CALLBACK_RSA_KEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'finnet-mock-rsa-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('loads a PEM RSA-4096 private key: callbacks are signed with it and its public half is served', async () => {
    const pair = await promisify(generateKeyPair)('rsa', {
      modulusLength: 4096, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const path = file('own.pem', pair.privateKey);
    const fromFlag = loadConfig(['--callback-rsa-key', path], {});
    expect(loadConfig([], { FINNET_MOCK_CALLBACK_RSA_KEY: path }).callbackRsaKey).toBe(fromFlag.callbackRsaKey);

    const instance = await startTestInstance({ callbackRsaKey: fromFlag.callbackRsaKey });
    stops.push(() => instance.stop());
    const served = (await request(instance.server).get('/_mock/keys/callback.pem').expect(200)).text;
    expect(served).toBe(pair.publicKey);
  });

  it('stops start-up with one clear line for a missing file, a file that is no private key, a public key, an EC key or a 2048-bit RSA key', async () => {
    const ec = await promisify(generateKeyPair)('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const small = await promisify(generateKeyPair)('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.pem'), /cannot read .*missing\.pem/],
      [file('junk.pem', 'not a key\n'), /is not a PEM private key/],
      [file('public.pem', small.publicKey), /is not a PEM private key/],
      [file('ec.pem', ec.privateKey), /is an ec key; an RSA key is needed/],
      [file('small.pem', small.privateKey), /is RSA 2048 bits; RSA 4096 bits are needed/],
    ];
    for (const [path, message] of cases) {
      let error: unknown;
      try {
        loadConfig(['--callback-rsa-key', path], {});
      } catch (err) {
        error = err;
      }
      expect(error, path).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^--callback-rsa-key \/ FINNET_MOCK_CALLBACK_RSA_KEY: /);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { phpJsonEncode } from '../server/callbacks/php-json.js';
import { appendSignature, hmacSha512, signFields, signaturesMatch } from '../server/callbacks/signature.js';

const KEY = 'SoSecret123';

/** Callback fields shaped like the real sandbox callback (finpay-clients-facts §2.9), in the observed key order. */
function callbackFields(metaData: unknown = null): Record<string, unknown> {
  return {
    merchant: { id: 'FNPSANDBOX01' },
    customer: { id: '' },
    order: { id: 'TX604860-926105', reference: '3f0c1c8e-8a7e-4c55-9a3e-5d2c1b0a9f11', amount: 200000, currency: 'IDR' },
    transaction: { acquirerId: null },
    sourceOfFunds: { type: 'vabca', paymentCode: '1234567890123456' },
    meta: { data: metaData },
    result: {
      payment: {
        status: 'PAID',
        statusDesc: 'PAID',
        userDesc: 'Your transaction was successful',
        datetime: '2025-09-18 17:06:17',
        reference: '3f0c1c8e-8a7e-4c55-9a3e-5d2c1b0a9f11014',
        channel: '014',
        amount: 200000,
      },
    },
  };
}

/** An independent HMAC (not the module's helper), so the tests check the module rather than agree with it. */
const hmac = (text: string) => createHmac('sha512', KEY).update(text, 'utf8').digest('hex');

/** The body minus its signature, as parsed by a JS merchant. */
function parsedWithoutSignature(body: string): Record<string, unknown> {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  delete parsed.signature;
  return parsed;
}

const SPECIAL_META = ['https://x/y', 'Café', 'Rp 1.000 – ok 😀 日本 / done'];

describe('signFields: how real merchants verify the callback body', () => {
  it('signs PHP json_encode of the fields and emits that encoding plus a trailing signature', () => {
    const fields = callbackFields('https://shop.example/return');
    const { signedString, signature, body } = signFields(fields, KEY);
    expect(signedString).toBe(phpJsonEncode(fields));
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(signature).toBe(hmac(signedString));
    expect(signature).toBe(hmacSha512(signedString, KEY));
    expect(body).toBe(`${signedString.slice(0, -1)},"signature":"${signature}"}`);
  });

  it('(a) raw body: removing the ,"signature":"<hex>" pair by regex and HMAC-ing the rest gives the signature', () => {
    for (const meta of [null, 'plain', ...SPECIAL_META]) {
      const { body, signature } = signFields(callbackFields(meta), KEY);
      const stripped = body.replace(/,"signature":"[0-9a-f]+"/, '');
      expect(stripped).not.toContain('signature');
      expect(hmac(stripped), `meta.data=${String(meta)}`).toBe(signature);
    }
  });

  it('(b) PHP re-encode: JSON.parse(body), delete signature, phpJsonEncode, HMAC equals the signature', () => {
    for (const meta of [null, 'plain', ...SPECIAL_META, { nested: ['a/b', 'é', 1.5, 0.00001] }]) {
      const { body, signature } = signFields(callbackFields(meta), KEY);
      const reEncoded = phpJsonEncode(parsedWithoutSignature(body));
      expect(hmac(reEncoded), `meta.data=${JSON.stringify(meta)}`).toBe(signature);
    }
  });

  it('(c) JSON.stringify of the parsed body minus signature matches when there is no "/" and no non-ASCII', () => {
    for (const meta of [null, 'plain text, no slashes: ok!', 'INV-001 <b>&\'"\\']) {
      const { body, signature } = signFields(callbackFields(meta), KEY);
      expect(hmac(JSON.stringify(parsedWithoutSignature(body))), `meta.data=${String(meta)}`).toBe(signature);
    }
  });

  it('(c) JSON.stringify does NOT match when meta.data has "/" or non-ASCII (expected, documented divergence: PHP escapes them, JSON.stringify does not)', () => {
    for (const meta of ['https://x/y', 'Café']) {
      const { body, signature } = signFields(callbackFields(meta), KEY);
      const stringified = JSON.stringify(parsedWithoutSignature(body));
      expect(stringified).toContain(meta); // raw, unescaped
      expect(hmac(stringified), `meta.data=${meta}`).not.toBe(signature);
    }
  });

  it('(d) body keys are merchant, customer, order, transaction, sourceOfFunds, meta, result, signature (signature last)', () => {
    const { body, signature } = signFields(callbackFields('https://x/y'), KEY);
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'merchant', 'customer', 'order', 'transaction', 'sourceOfFunds', 'meta', 'result', 'signature',
    ]);
    expect(parsed.signature).toBe(signature);
    expect(body.endsWith(`"signature":"${signature}"}`)).toBe(true);
    expect(Object.keys(parsed.order as object)).toEqual(['id', 'reference', 'amount', 'currency']);
    expect((parsed.transaction as { acquirerId: unknown }).acquirerId).toBeNull();
  });

  it('(e) appendSignature on "{}" gives {"signature":"…"}; on a non-empty object it appends as the last key', () => {
    const sig = hmac('{}');
    expect(appendSignature('{}', sig)).toBe(`{"signature":"${sig}"}`);
    expect(appendSignature('{"a":1}', 'abc')).toBe('{"a":1,"signature":"abc"}');
    const empty = signFields({}, KEY);
    expect(empty.signedString).toBe('{}');
    expect(empty.body).toBe(`{"signature":"${hmac('{}')}"}`);
  });

  it('(f) signaturesMatch is case-insensitive, false for different lengths and for different hex', () => {
    const { signature } = signFields(callbackFields(), KEY);
    expect(signaturesMatch(signature, signature)).toBe(true);
    expect(signaturesMatch(signature, signature.toUpperCase())).toBe(true);
    expect(signaturesMatch(signature.toUpperCase(), signature)).toBe(true);
    expect(signaturesMatch(signature, signature.slice(0, -1))).toBe(false);
    expect(signaturesMatch(signature, `${signature}0`)).toBe(false);
    expect(signaturesMatch(signature, '')).toBe(false);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expect(signaturesMatch(signature, flipped)).toBe(false);
    expect(signaturesMatch(signature, signFields(callbackFields('other'), KEY).signature)).toBe(false);
  });
});

// ---- (g) the real thing: PHP's own json_decode / json_encode / hash_hmac ----

/**
 * True when a `php` binary is on PATH. Without it: on CI (which installs php-cli) the calling test fails;
 * locally it warns and the caller returns early.
 */
function phpAvailable(testName: string): boolean {
  const probe = spawnSync('php', ['-v'], { encoding: 'utf8' });
  if (!probe.error && probe.status === 0) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `php not found on PATH (${probe.error?.message ?? `exit ${String(probe.status)}`}): CI must install PHP ` +
        `(Debian/Ubuntu: apt-get install -y php-cli) so "${testName}" can verify callbacks with real PHP.`,
    );
  }
  console.warn(`[callback-signature] php not found on PATH; not running "${testName}" (install it with: apt-get install -y php-cli)`);
  return false;
}

function runPhp(code: string, input: string): string {
  const r = spawnSync('php', ['-r', code], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  expect(r.stderr, 'php stderr').toBe('');
  expect(r.status, `php exit status; stdout: ${r.stdout}`).toBe(0);
  return r.stdout;
}

/** What the official WooCommerce plugins do (finpay-clients-facts §2.10). */
const PHP_VERIFY = `
$body = stream_get_contents(STDIN);
$fields = json_decode($body, true);
if (!is_array($fields)) { echo 'DECODE_ERROR: ', json_last_error_msg(); exit(0); }
$signature = $fields['signature'] ?? '';
unset($fields['signature']);
$expected = hash_hmac('sha512', json_encode($fields), 'SoSecret123');
echo hash_equals($expected, $signature) ? 'VALID' : 'INVALID ' . json_encode($fields);
`;

describe('(g) real PHP verifies the emitted body', () => {
  it('(g) PHP json_decode + unset(signature) + hash_hmac(sha512, json_encode) accepts bodies with "/", non-ASCII and emoji', () => {
    if (!phpAvailable('(g) real PHP verification')) return;
    const metas: unknown[] = [
      null,
      'https://shop.example/return?order=TX604860-926105&ok=1',
      'Café – Rp 1.000 😀 日本語 / done',
      'quotes "q" \\ back\nline\ttab\u0001 del\u007f <b>&\'',
      { url: 'https://x/y', name: 'José', emoji: '🎉', list: [1, -2, 3.25, 0.00001, 1e21, null, true] },
    ];
    for (const meta of metas) {
      const { body } = signFields(callbackFields(meta), KEY);
      expect(runPhp(PHP_VERIFY, body), `meta.data=${JSON.stringify(meta)}`).toBe('VALID');
    }
  });

  it('(g) PHP rejects a tampered body (sanity check of the PHP verifier itself)', () => {
    if (!phpAvailable('(g) PHP rejects a tampered body')) return;
    const { body } = signFields(callbackFields('https://x/y'), KEY);
    expect(runPhp(PHP_VERIFY, body.replace('"amount":200000', '"amount":200001'))).toMatch(/^INVALID /);
  });

  it('(g) PHP json_encode(json_decode($s, true)) gives back phpJsonEncode output byte for byte (seeded random values)', () => {
    if (!phpAvailable('(g) PHP re-encode round trip')) return;
    let seed = 0x5eed;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
    const int = (n: number) => Math.floor(rand() * n);
    const text = () =>
      Array.from({ length: int(10) }, () =>
        String.fromCodePoint([int(0x20), 0x2f, 0x5c, 0x22, 0x7f, 0x20 + int(0x5f), 0xa0 + int(0x700), 0x2000 + int(0x9000), 0x1f600 + int(0x50)][int(9)] ?? 0x41),
      ).join('');
    const num = () => {
      const v = [int(1e9) - 5e8, (rand() - 0.5) * 10 ** (int(44) - 22), Math.round((rand() - 0.5) * 10 ** int(22)), Number((rand() * 1e6).toFixed(2))][int(4)] ?? 0;
      return Object.is(v, -0) ? 0 : v;
    };
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      // Non-empty objects only: PHP decodes {} to [] with assoc=true, so an empty object cannot survive (see §2.10).
      lines.push(phpJsonEncode({ k: text(), n: num(), list: [num(), text(), null, rand() < 0.5], [text() || 'x']: { url: 'https://a/b', v: num() } }));
    }
    const out = runPhp(
      `foreach (explode("\\n", stream_get_contents(STDIN)) as $line) echo json_encode(json_decode($line, true)), "\\n";`,
      lines.join('\n'),
    );
    const reEncoded = out.split('\n').slice(0, -1);
    expect(reEncoded).toHaveLength(lines.length);
    reEncoded.forEach((line, i) => expect(line, `line ${i}`).toBe(lines[i]));
  });
});

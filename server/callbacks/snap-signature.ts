import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../support/paths.js';

/** The shipped key pair: public on purpose (it proves a merchant's verifier works, not that a callback is genuine). */
const DEFAULT_KEY_FILE = join(PACKAGE_ROOT, 'keys', 'callback-rsa.pem');

// Real callbacks carry 512-byte signatures (finpay-clients-facts §2.9), so only RSA-4096 gives their shape.
const MODULUS_BITS = 4096;

/** Reads a PEM RSA-4096 private key from `file`; every problem is one line naming the file. */
export function readPrivateKeyPem(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a PEM private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`${file} is an ${key.asymmetricKeyType ?? 'unknown'} key; an RSA key is needed`);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== MODULUS_BITS) throw new Error(`${file} is RSA ${bits} bits; RSA ${MODULUS_BITS} bits are needed (openssl genrsa 4096)`);
  return pem;
}

/**
 * SNAP-style asymmetric notification signature (chosen: the real string-to-sign is not public):
 * SHA256withRSA over `POST:<path?query>:<lowercase hex SHA-256 of the body>:<x-timestamp>`, base64.
 */
export class SnapSigner {
  private readonly key: KeyObject;
  /** The public half as SPKI PEM, for `GET /_mock/keys/callback.pem`. */
  readonly publicKeyPem: string;

  constructor(privateKeyPem: string = readPrivateKeyPem(DEFAULT_KEY_FILE)) {
    this.key = createPrivateKey(privateKeyPem);
    this.publicKeyPem = createPublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(target: string, body: string, timestamp: string): string {
    return sign('sha256', Buffer.from(stringToSign(target, body, timestamp), 'utf8'), this.key).toString('base64');
  }
}

export function stringToSign(target: string, body: string, timestamp: string): string {
  return `POST:${target}:${createHash('sha256').update(body, 'utf8').digest('hex')}:${timestamp}`;
}

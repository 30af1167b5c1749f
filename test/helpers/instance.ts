import { expect } from 'vitest';
import { DEFAULTS } from '../../server/config.js';
import type { Config } from '../../server/model/config.js';
import { startInstance, type Instance } from '../../server/instance.js';
import { createLogger } from '../../server/support/logger.js';

export const MERCHANT = { id: 'FINPAY770', key: 'SoSecret123' };
export const OTHER_MERCHANT = { id: 'SHOP2', key: 'OtherKey456' };

/** A fresh in-memory simulator on a free port with two merchants; silent unless LOG_LEVEL is set or `log` takes the lines. */
export function startTestInstance(overrides: Partial<Config> = {}, log?: (line: string) => void): Promise<Instance> {
  const config: Config = { ...DEFAULTS, port: 0, db: ':memory:', merchants: [MERCHANT, OTHER_MERCHANT], seed: '7', ...overrides };
  const logger = log ? createLogger('debug', log) : createLogger((process.env.LOG_LEVEL as Config['logLevel']) ?? 'silent');
  return startInstance(config, logger);
}

export function basicAuth(merchant: { id: string; key: string } = MERCHANT): string {
  return `Basic ${Buffer.from(`${merchant.id}:${merchant.key}`).toString('base64')}`;
}

let counter = 0;
/** A unique order id per call (AlphaDash, ≤ 30 characters). */
export function orderId(prefix = 'ORD'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`.slice(0, 30);
}

/** The Kredivo sample request from the Finpay docs, with a fresh order id and the given callback URL. */
export function kredivoRequest(options: { id?: string; callbackUrl?: string; successUrl?: string; failUrl?: string } = {}): Record<string, any> {
  return {
    customer: { email: 'hajar.finnet@gmail.com', firstName: 'Hajar', lastName: 'Ismail', mobilePhone: '+6281286288844' },
    order: {
      id: options.id ?? orderId(),
      amount: '200',
      description: 'Testing',
      item: [
        { name: 'name', quantity: '1', unitPrice: '100', url: 'https://finpay.id' },
        { name: 'name', quantity: '1', unitPrice: '100', url: 'https://finpay.id' },
      ],
    },
    url: {
      callbackUrl: options.callbackUrl ?? 'https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php',
      successUrl: options.successUrl ?? 'https://sandbox.finpay.co.id/simdev/finpay/result/resultsuccess.php',
      failUrl: options.failUrl ?? 'https://sandbox.finpay.co.id/simdev/finpay/result/resultfailed.php',
    },
    sourceOfFunds: { type: 'kredivo' },
    billing: { address: { city: 'Jakarta Selatan', country: 'IDN', postcodeZip: '12740', street: 'Jalan Gatot Subroto' } },
  };
}

/** POST /pg/payment/card/initiate with Basic auth; returns status and parsed body. */
export async function initiate(instance: Instance, body: unknown, merchant = MERCHANT): Promise<{ status: number; body: any }> {
  const res = await fetch(`${instance.url}/pg/payment/card/initiate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: basicAuth(merchant) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function checkStatus(instance: Instance, id: string, merchant = MERCHANT): Promise<{ status: number; body: any }> {
  const res = await fetch(`${instance.url}/pg/payment/card/check/${encodeURIComponent(id)}`, { headers: { Authorization: basicAuth(merchant) } });
  return { status: res.status, body: await res.json() };
}

/** Initiates a Kredivo order whose callbacks go to `callbackUrl`; fails the test unless it is accepted. */
export async function placeOrder(instance: Instance, callbackUrl: string, mutate: (body: Record<string, any>) => void = () => {}, merchant = MERCHANT): Promise<string> {
  const body = kredivoRequest({ callbackUrl });
  mutate(body);
  const res = await initiate(instance, body, merchant);
  expect(res.status).toBe(200);
  return body.order.id as string;
}

import type { StoredTransaction } from '../../server/model/transaction.js';

/** A stored order as the service records it at initiate, with the fields a test changes. */
export function storedTransaction(fields: Partial<StoredTransaction> = {}): StoredTransaction {
  return {
    merchantId: 'FINPAY770',
    orderId: 'ORD-1',
    channel: 'kredivo',
    status: 'REQUEST_INITIATED',
    amount: 200,
    currency: 'IDR',
    requestJson: '{"order":{"id":"ORD-1","amount":"200"}}',
    token: 'a'.repeat(64),
    createdAt: 0,
    expiresAt: 900_000,
    reference: '',
    refundedAmount: 0,
    checkout: { step: 'signin', otpFailures: 0, pinFailures: 0 },
    timeline: [],
    ...fields,
  };
}

import { describe, expect, it } from 'vitest';
import { canApply, paidAmount, TRANSITIONS, type Action } from '../../server/transactions/lifecycle.js';
import type { PaymentStatus } from '../../server/model/transaction.js';
import { storedTransaction } from './transaction.js';

const ACTIONS = Object.keys(TRANSITIONS) as Action[];
const STATUSES: PaymentStatus[] = ['REQUEST_INITIATED', 'PAID', 'CAPTURED', 'FAILURE', 'CANCELLED', 'EXPIRED', 'REFUNDED', 'PARTIALLY_REFUNDED'];

describe('order lifecycle', () => {
  it('allows exactly the documented moves: outcomes only while initiated, void only a capture, refund only what was paid', () => {
    const allowed = Object.fromEntries(ACTIONS.map((a) => [a, STATUSES.filter((status) => canApply(a, storedTransaction({ status })))]));
    expect(allowed).toEqual({
      pay: ['REQUEST_INITIATED'],
      fail: ['REQUEST_INITIATED'],
      cancel: ['REQUEST_INITIATED'],
      expire: ['REQUEST_INITIATED'],
      void: ['CAPTURED'],
      refund: ['PAID', 'CAPTURED', 'PARTIALLY_REFUNDED'],
    });
  });

  it('nothing leaves a terminal status (failed, cancelled, expired, fully refunded)', () => {
    for (const status of ['FAILURE', 'CANCELLED', 'EXPIRED', 'REFUNDED'] as const) {
      expect(ACTIONS.filter((a) => canApply(a, storedTransaction({ status }))), status).toEqual([]);
    }
  });

  it('a card payment ends CAPTURED, every other channel (and the hosted picker) PAID', () => {
    const pay = (channel: string) => TRANSITIONS.pay.to(storedTransaction({ channel }));
    expect(pay('cc')).toBe('CAPTURED');
    expect(['kredivo', 'vabca', 'qris', 'ovo', 'shopeepaylater', 'alfamart', 'hosted'].map(pay)).toEqual(Array(7).fill('PAID'));
  });

  it('the other outcomes land where the README says', () => {
    const tx = storedTransaction();
    expect([TRANSITIONS.fail.to(tx), TRANSITIONS.cancel.to(tx), TRANSITIONS.expire.to(tx), TRANSITIONS.void.to(tx)])
      .toEqual(['FAILURE', 'CANCELLED', 'EXPIRED', 'CANCELLED']);
  });

  it('a refund is partial until the refunded total reaches what was paid', () => {
    const payment = { at: 1, reference: 'R', amount: 200 };
    const after = (refundedAmount: number) => TRANSITIONS.refund.to(storedTransaction({ status: 'PAID', payment, refundedAmount }));
    expect(after(50)).toBe('PARTIALLY_REFUNDED');
    expect(after(199)).toBe('PARTIALLY_REFUNDED');
    expect(after(200)).toBe('REFUNDED');
  });

  it('paidAmount is what the payment recorded, 0 for an order never paid', () => {
    expect(paidAmount(storedTransaction({ amount: 500, payment: { at: 1, reference: 'R', amount: 450 } }))).toBe(450);
    expect(paidAmount(storedTransaction({ amount: 500 }))).toBe(0);
  });

  it('each move leaves its own timeline event', () => {
    expect(ACTIONS.map((a) => TRANSITIONS[a].event)).toEqual(['paid', 'failed', 'cancelled', 'expired', 'voided', 'refunded']);
  });
});

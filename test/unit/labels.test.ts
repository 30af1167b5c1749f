import { describe, expect, it } from 'vitest';
import { canonicalPath, labelOf } from '../../server/validation/labels.js';

describe('field labels in gateway messages', () => {
  it('splits the last segment camelCase into lower-case words, as the real gateway writes it', () => {
    expect(labelOf('customer.mobilePhone')).toBe('customer.mobile phone');
    expect(labelOf('url.callbackUrl')).toBe('url.callback url');
    expect(labelOf('billing.address.postcodeZip')).toBe('billing.address.postcode zip');
    expect(labelOf('order.amount')).toBe('order.amount');
  });

  it('keeps earlier segments and array positions as sent', () => {
    expect(labelOf('order.item.3.unitPrice')).toBe('order.item.3.unit price');
    expect(labelOf('sourceOfFunds.accountId')).toBe('sourceOfFunds.account id');
  });

  it('keys a path by its schema position: array indexes become *, digits inside names stay', () => {
    expect(canonicalPath('order.item.3.category')).toBe('order.item.*.category');
    expect(canonicalPath('order.item.10')).toBe('order.item.*');
    expect(canonicalPath('0.a')).toBe('*.a');
    expect(canonicalPath('address2.line1')).toBe('address2.line1');
  });
});

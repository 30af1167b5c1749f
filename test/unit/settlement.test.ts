import { describe, expect, it } from 'vitest';
import { settlesAt } from '../../server/transactions/lifecycle.js';

const jakarta = (iso: string) => Date.parse(`${iso}+07:00`);

describe('card capture settlement', () => {
  it('settles at the next 00:00 Asia/Jakarta after the capture', () => {
    expect(settlesAt(jakarta('2026-03-10T14:30:00'))).toBe(jakarta('2026-03-11T00:00:00'));
    expect(settlesAt(jakarta('2026-03-10T23:59:59.999'))).toBe(jakarta('2026-03-11T00:00:00'));
  });

  it('a capture at exactly midnight waits for the following night', () => {
    expect(settlesAt(jakarta('2026-03-11T00:00:00'))).toBe(jakarta('2026-03-12T00:00:00'));
  });

  it('uses the Jakarta day, not the UTC one: 18:00 UTC is already the next day in Jakarta', () => {
    expect(settlesAt(Date.parse('2026-03-10T18:00:00Z'))).toBe(jakarta('2026-03-12T00:00:00'));
    expect(settlesAt(Date.parse('2026-03-10T16:59:00Z'))).toBe(jakarta('2026-03-11T00:00:00'));
  });

  it('crosses month and year ends', () => {
    expect(settlesAt(jakarta('2026-12-31T20:00:00'))).toBe(jakarta('2027-01-01T00:00:00'));
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { parseDuration } from '../../server/support/duration.js';

describe('durations', () => {
  it.each([
    ['16m', 960_000], ['250ms', 250], ['5s', 5000], ['2h', 7_200_000], ['1d', 86_400_000], ['1.5s', 1500], [' 90 s ', 90_000], ['1500', 1500], ['0', 0],
  ])('"%s" is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('takes a non-negative finite number as milliseconds', () => {
    expect(parseDuration(1200)).toBe(1200);
    expect(parseDuration(-1)).toBeNull();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeNull();
    expect(parseDuration(Number.NaN)).toBeNull();
  });

  it.each(['', '5 minutes', '-5s', '5w', '1e3', 's', '5s5', '0x10'])('"%s" is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('anything but a string or number is not a duration', () => {
    for (const value of [null, undefined, true, {}, ['5s']]) expect(parseDuration(value)).toBeNull();
  });

  it('--callback-retries reads bare numbers as seconds and durations as written', () => {
    expect(loadConfig(['--callback-retries', '5,30s,2m,1h'], {}).callbackRetries).toEqual([5, 30, 120, 3600]);
    expect(loadConfig(['--callback-retries', 'none'], {}).callbackRetries).toEqual([]);
  });

  it('a bad --callback-retries entry stops start-up with one line naming it and showing the format', () => {
    expect(() => loadConfig(['--callback-retries', '5s,soon'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['--callback-retries', '5s,soon'], {})).toThrow('callback retry "soon" must be a duration such as 5s, 2m or 1h');
  });
});

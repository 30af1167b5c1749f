import { describe, expect, it } from 'vitest';
import { CHANNELS, HOSTED, type Channel } from '../../server/channels/table.js';

/** WCAG 2.x relative luminance of `#rrggbb` (or `#fff`). */
function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(full.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** `share` of `a` mixed into `b` in sRGB, as public/checkout.css's color-mix() draws the brand tint. */
function mix(a: string, b: string, share: number): string {
  const channel = (hex: string, i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `#${[1, 3, 5].map((i) => Math.round(channel(a, i) * share + channel(b, i) * (1 - share)).toString(16).padStart(2, '0')).join('')}`;
}

const WHITE = '#ffffff';
/** --brand-tint in public/checkout.css: the order summary, the pay-code box and badges sit on it. */
const tintOf = (channel: Channel) => mix(channel.color, WHITE, 0.06);
const AA = 4.5;

describe('channel colours pass WCAG AA', () => {
  it.each([...CHANNELS, HOSTED].map((c) => [c.type, c] as const))('%s: text on its surface, brand text on white and on its tint', (_type, channel) => {
    const pairs = {
      'onSurface on surface': contrast(channel.onSurface, channel.surface),
      'textColor on white': contrast(channel.textColor, WHITE),
      'textColor on tint': contrast(channel.textColor, tintOf(channel)),
    };
    for (const [pair, ratio] of Object.entries(pairs)) expect({ pair, passes: ratio >= AA, ratio: ratio.toFixed(2) }).toMatchObject({ pair, passes: true });
  });

  it('computes contrast as WCAG does (black on white is 21:1, white on Kredivo orange 2.97:1)', () => {
    expect(contrast('#000000', '#fff')).toBeCloseTo(21, 5);
    expect(contrast('#ffffff', '#f26f21')).toBeCloseTo(2.97, 2);
  });
});

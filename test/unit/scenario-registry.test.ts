import { describe, expect, it } from 'vitest';
import { ScenarioRegistry } from '../../server/scenarios/registry.js';
import { unsafePatternReason } from '../../server/scenarios/safe-pattern.js';
import type { MatchInput, Scenario, ScenarioMatch } from '../../server/model/scenario.js';

const scenario = (name: string, match: ScenarioMatch, fields: Partial<Scenario> = {}): Scenario =>
  ({ name, enabled: true, match, effects: {}, source: 'runtime', ...fields });
const input = (fields: Partial<MatchInput> = {}): MatchInput =>
  ({ merchantId: 'FINPAY770', channel: 'kredivo', amount: 200, orderId: 'ORD-1', email: 'buyer@shop.test', phone: '+6281200000000', ...fields });
const matched = (registry: ScenarioRegistry, fields: Partial<MatchInput> = {}) => registry.match(input(fields))?.name;

describe('scenario matching', () => {
  it('matches on every criterion given: channel (one or a list), amount (exact or a range), merchant and the patterns', () => {
    const registry = new ScenarioRegistry([scenario('all', {
      channel: ['kredivo', 'vabca'], amount: { min: 100, max: 300 }, merchant: 'FINPAY770', orderId: '^ORD-', email: '@shop\\.test$', phone: '^\\+62812',
    })]);
    expect(matched(registry)).toBe('all');
    expect(matched(registry, { channel: 'vabca', amount: 100 })).toBe('all');
    expect(matched(registry, { amount: 300 })).toBe('all');
    for (const miss of [{ channel: 'qris' }, { amount: 99 }, { amount: 301 }, { merchantId: 'SHOP2' }, { orderId: 'X-ORD-1' }, { email: 'a@other.test' }, { phone: '+6285700000000' }]) {
      expect(matched(registry, miss), JSON.stringify(miss)).toBeUndefined();
    }
  });

  it('an exact amount matches only that amount; a single channel only that channel', () => {
    const registry = new ScenarioRegistry([scenario('exact', { amount: 10_000, channel: 'qris' })]);
    expect(matched(registry, { channel: 'qris', amount: 10_000 })).toBe('exact');
    expect(matched(registry, { channel: 'qris', amount: 10_001 })).toBeUndefined();
    expect(matched(registry, { channel: 'kredivo', amount: 10_000 })).toBeUndefined();
  });

  it('a scenario without criteria never matches by itself, but the X-Finnet-Mock-Scenario header picks it (even disabled)', () => {
    const registry = new ScenarioRegistry([scenario('manual', {}, { enabled: false })]);
    expect(matched(registry)).toBeUndefined();
    expect(matched(registry, { requested: 'manual' })).toBe('manual');
    expect(matched(registry, { requested: 'missing' })).toBeUndefined();
  });

  it('skips disabled scenarios; the first enabled match wins, runtime ones before file ones, newest first', () => {
    const registry = new ScenarioRegistry([scenario('file-a', { channel: 'kredivo' }, { source: 'a.json' }), scenario('file-b', { channel: 'kredivo' }, { source: 'b.json' })]);
    expect(matched(registry)).toBe('file-a');
    registry.setEnabled('file-a', false);
    expect(matched(registry)).toBe('file-b');
    registry.add([scenario('old', { channel: 'kredivo' })]);
    registry.add([scenario('new', { channel: 'kredivo' })]);
    expect(registry.all().map((s) => s.name)).toEqual(['new', 'old', 'file-a', 'file-b']);
    expect(matched(registry)).toBe('new');
  });

  it('adding a runtime scenario with a taken name replaces it, with its new criteria', () => {
    const registry = new ScenarioRegistry([]);
    registry.add([scenario('vip', { orderId: '^VIP-' })]);
    registry.add([scenario('vip', { orderId: '^GOLD-' })]);
    expect(registry.all()).toHaveLength(1);
    expect(matched(registry, { orderId: 'VIP-1' })).toBeUndefined();
    expect(matched(registry, { orderId: 'GOLD-1' })).toBe('vip');
    expect(registry.compiled).toBe(1);
  });

  it('removes runtime scenarios by name or all at once, never file ones', () => {
    const registry = new ScenarioRegistry([scenario('file', { channel: 'qris' }, { source: 'f.json' })]);
    registry.add([scenario('one', { channel: 'qris' }), scenario('two', { channel: 'qris' })]);
    expect(registry.remove('file')).toBe(0);
    expect(registry.remove('one')).toBe(1);
    expect(registry.remove()).toBe(1);
    expect(registry.all().map((s) => s.name)).toEqual(['file']);
    expect(registry.compiled).toBe(1);
  });
});

describe('scenario pattern safety', () => {
  it.each([
    '^VIP-', '@vip\\.test$', '^\\+62812[0-9]{6,9}$', '^[a-z(+*]+$', '^\\(a+\\)+', '^(ab){2,10}$', '^a\\0', '^(?:x|y)$', '^a+?b*?$',
  ])('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeNull();
  });

  it.each([
    ['(a+?)+', 'holds a quantifier'],
    ['^(a{1,3})*$', 'holds a quantifier'],
    ['^(x|y){2,}$', 'holds an alternation'],
    ['^a{1,100}b{1,100}c{1,100}$', 'more than 2 open-ended repeats'],
    ['^(?<w>a)\\k<w>$', 'back-reference'],
    ['a+b+', 'without a leading ^'],
  ])('refuses %s: it %s', (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toContain(reason);
  });
});

import type { MatchInput, Scenario, ScenarioMatch } from './types.js';

// Scenario patterns are few and fixed: each is compiled once, not on every initiate.
const compiled = new Map<string, RegExp>();

function test(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  let regex = compiled.get(pattern);
  if (!regex) compiled.set(pattern, (regex = new RegExp(pattern)));
  return regex.test(value);
}

function hasCriteria(match: ScenarioMatch): boolean {
  return Object.values(match).some((v) => v !== undefined);
}

function matches(match: ScenarioMatch, input: MatchInput): boolean {
  if (!hasCriteria(match)) return false;
  const channels = match.channel === undefined ? undefined : [match.channel].flat();
  if (channels && !channels.includes(input.channel)) return false;
  if (typeof match.amount === 'number' && input.amount !== match.amount) return false;
  if (typeof match.amount === 'object') {
    if (match.amount.min !== undefined && input.amount < match.amount.min) return false;
    if (match.amount.max !== undefined && input.amount > match.amount.max) return false;
  }
  if (match.merchant !== undefined && match.merchant !== input.merchantId) return false;
  return test(match.orderId, input.orderId) && test(match.email, input.email) && test(match.phone, input.phone);
}

/** File scenarios plus those added at run time; runtime ones come first, and the first match wins. */
export class ScenarioRegistry {
  private runtime: Scenario[] = [];

  constructor(private readonly fromFiles: readonly Scenario[]) {}

  all(): Scenario[] {
    return [...this.runtime, ...this.fromFiles];
  }

  get(name: string): Scenario | undefined {
    return this.all().find((s) => s.name === name);
  }

  /** Adds runtime scenarios, replacing runtime ones of the same name (newest first). */
  add(scenarios: Scenario[]): void {
    const names = new Set(scenarios.map((s) => s.name));
    this.runtime = [...scenarios, ...this.runtime.filter((s) => !names.has(s.name))];
  }

  /** Removes a runtime scenario (all of them without a name); file scenarios can only be disabled. */
  remove(name?: string): number {
    const before = this.runtime.length;
    this.runtime = name === undefined ? [] : this.runtime.filter((s) => s.name !== name);
    return before - this.runtime.length;
  }

  setEnabled(name: string, enabled: boolean): Scenario | undefined {
    const scenario = this.get(name);
    if (scenario) scenario.enabled = enabled;
    return scenario;
  }

  /** The scenario named by the request header (even without criteria), else the first enabled one that matches. */
  match(input: MatchInput): Scenario | undefined {
    if (input.requested !== undefined) return this.all().find((s) => s.name === input.requested);
    return this.all().find((s) => s.enabled && matches(s.match, input));
  }
}

import { MAX_MATCHED_LENGTH } from './safe-pattern.js';
import type { MatchInput, Scenario, ScenarioMatch } from '../model/scenario.js';

type Patterns = Partial<Record<'orderId' | 'email' | 'phone', RegExp>>;

/** A scenario's criteria, read once when it is added rather than on every initiate. */
interface Compiled {
  /** A scenario without criteria matches only when the header names it. */
  any: boolean;
  channels?: ReadonlySet<string>;
  patterns: Patterns;
}

function compile(match: ScenarioMatch): Compiled {
  const patterns: Patterns = {};
  for (const field of ['orderId', 'email', 'phone'] as const) {
    const pattern = match[field];
    if (pattern !== undefined) patterns[field] = new RegExp(pattern);
  }
  return { any: hasCriteria(match), ...(match.channel === undefined ? {} : { channels: new Set([match.channel].flat()) }), patterns };
}

// Values are cut to what any field can hold, so even an accepted pattern runs on a bounded input.
function test(regex: RegExp | undefined, value: string): boolean {
  return regex === undefined || regex.test(value.slice(0, MAX_MATCHED_LENGTH));
}

function hasCriteria(match: ScenarioMatch): boolean {
  return Object.values(match).some((v) => v !== undefined);
}

function matches(match: ScenarioMatch, { any, channels, patterns }: Compiled, input: MatchInput): boolean {
  if (!any) return false;
  if (channels && !channels.has(input.channel)) return false;
  if (typeof match.amount === 'number' && input.amount !== match.amount) return false;
  if (typeof match.amount === 'object') {
    if (match.amount.min !== undefined && input.amount < match.amount.min) return false;
    if (match.amount.max !== undefined && input.amount > match.amount.max) return false;
  }
  if (match.merchant !== undefined && match.merchant !== input.merchantId) return false;
  return test(patterns.orderId, input.orderId) && test(patterns.email, input.email) && test(patterns.phone, input.phone);
}

/** A match made earlier in the same request: what it was matched on and the scenario found (none: no match). */
export interface EarlierMatch {
  readonly input: Partial<MatchInput>;
  readonly scenario: Scenario | undefined;
  /** The registry's version then: a scenario added, removed, enabled or disabled since makes it stale. */
  readonly version: number;
}

const MATCHED_FIELDS = ['merchantId', 'channel', 'amount', 'orderId', 'email', 'phone'] as const;

/** Whether `earlier` was matched on what `input` says, so its scenario is the one `match(input)` finds now. */
function sameInput(earlier: Partial<MatchInput>, input: MatchInput): boolean {
  if (input.requested !== undefined) return earlier.requested === input.requested;
  return earlier.requested === undefined && MATCHED_FIELDS.every((field) => Object.is(earlier[field], input[field]));
}

/** File scenarios plus those added at run time; runtime ones come first, and the first match wins. */
export class ScenarioRegistry {
  private runtime: Scenario[] = [];
  /** Compiled criteria of the scenarios held now: removing a scenario frees them. */
  private readonly patterns = new Map<Scenario, Compiled>();
  private version = 0;

  constructor(private readonly fromFiles: readonly Scenario[]) {
    for (const s of fromFiles) this.patterns.set(s, compile(s.match));
  }

  /** How many scenarios have compiled patterns held (the ones in use). */
  get compiled(): number {
    return this.patterns.size;
  }

  all(): Scenario[] {
    return [...this.runtime, ...this.fromFiles];
  }

  get(name: string): Scenario | undefined {
    return this.find((s) => s.name === name);
  }

  // Runtime scenarios first, then file ones, without copying the lists (this runs on every initiate).
  private find(test: (s: Scenario) => boolean): Scenario | undefined {
    for (const s of this.runtime) if (test(s)) return s;
    for (const s of this.fromFiles) if (test(s)) return s;
    return undefined;
  }

  /** Adds runtime scenarios, replacing runtime ones of the same name (newest first). */
  add(scenarios: Scenario[]): void {
    const names = new Set(scenarios.map((s) => s.name));
    this.keepRuntime((s) => !names.has(s.name));
    this.runtime = [...scenarios, ...this.runtime];
    for (const s of scenarios) this.patterns.set(s, compile(s.match));
    this.version++;
  }

  /** Removes a runtime scenario (all of them without a name); file scenarios can only be disabled. */
  remove(name?: string): number {
    const before = this.runtime.length;
    this.keepRuntime((s) => name !== undefined && s.name !== name);
    return before - this.runtime.length;
  }

  private keepRuntime(keep: (s: Scenario) => boolean): void {
    for (const s of this.runtime) if (!keep(s)) this.patterns.delete(s);
    this.runtime = this.runtime.filter(keep);
    this.version++;
  }

  setEnabled(name: string, enabled: boolean): Scenario | undefined {
    const scenario = this.get(name);
    if (scenario) scenario.enabled = enabled;
    this.version++;
    return scenario;
  }

  /**
   * The scenario named by the request header (even without criteria), else the first enabled one that matches;
   * `earlier`'s scenario when that match was made on the same input.
   */
  match(input: MatchInput, earlier?: EarlierMatch): Scenario | undefined {
    if (earlier && earlier.version === this.version && sameInput(earlier.input, input)) return earlier.scenario;
    if (input.requested !== undefined) return this.get(input.requested);
    return this.find((s) => s.enabled && matches(s.match, this.patterns.get(s) ?? compile(s.match), input));
  }

  /** `match` (or the scenario the header names), kept with what it was matched on for a later stage of the request. */
  matchOnce(input: MatchInput | { requested: string }): EarlierMatch {
    const scenario = input.requested !== undefined ? this.get(input.requested) : this.match(input as MatchInput);
    return { input, scenario, version: this.version };
  }
}

import { seedNumber, sfc32 } from '../support/value-generator.js';
import type { ScenarioRegistry } from './registry.js';

// Chain keys come from request headers: past this many the oldest are forgotten, so no client can grow the maps without end.
const MAX_CHAINS = 10_000;

/**
 * Where each scenario chain stands (a fault sequence, an outcome sequence) and its seeded random numbers,
 * per chain key (scenario, what the chain is for, correlation key). Held in memory: a restart starts every chain afresh.
 */
export class ChainState {
  private readonly positions = new Map<string, number>();
  private readonly randoms = new Map<string, () => number>();

  constructor(private readonly seed: number) {}

  /** The chain's position for this request (0 first), moving it on. */
  advance(chain: string): number {
    const position = this.positions.get(chain) ?? 0;
    this.remember(this.positions, chain, position + 1);
    return position;
  }

  /** A number in [0, 1): the same series for the same seed and chain, whatever other chains do meanwhile. */
  random(chain: string): number {
    let next = this.randoms.get(chain);
    if (!next) this.remember(this.randoms, chain, (next = sfc32((this.seed ^ seedNumber(chain)) >>> 0)));
    return next() / 2 ** 32;
  }

  /** Every chain back to its start (`POST /_mock/reset`). */
  clear(): void {
    this.positions.clear();
    this.randoms.clear();
  }

  private remember<V>(map: Map<string, V>, chain: string, value: V): void {
    map.delete(chain);
    map.set(chain, value);
    if (map.size > MAX_CHAINS) map.delete(map.keys().next().value!);
  }
}

// One chain state per running instance, which has one registry: the gateway moves chains, a reset clears them.
const states = new WeakMap<ScenarioRegistry, ChainState>();

/** The chain state of the instance that holds `registry`, made with `seed` on first use. */
export function chainsOf(registry: ScenarioRegistry, seed: number): ChainState {
  let state = states.get(registry);
  if (!state) states.set(registry, (state = new ChainState(seed)));
  return state;
}

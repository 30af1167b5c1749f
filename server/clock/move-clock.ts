import type { AppContext } from '../context.js';

// Far enough for any expiry or retry schedule; much further and dates stop being printable.
export const MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * Puts the virtual clock at `target`: forward runs everything due on the way, in order; backward just
 * sets it. The clock's new state is saved with the data.
 */
export async function moveClockTo(ctx: Pick<AppContext, 'clock' | 'scheduler' | 'store'>, target: number): Promise<void> {
  if (target >= ctx.clock.now()) await ctx.scheduler.advanceTo(target);
  else ctx.clock.set(target);
  await ctx.store.commit();
}

/** Moves the virtual clock forward by `ms` (at most MAX_ADVANCE_MS), as `moveClockTo` does. */
export function advanceClockBy(ctx: Pick<AppContext, 'clock' | 'scheduler' | 'store'>, ms: number): Promise<void> {
  if (ms < 0 || ms > MAX_ADVANCE_MS) throw new RangeError('the clock moves forward by at most 366 days at a time');
  return moveClockTo(ctx, ctx.clock.now() + ms);
}

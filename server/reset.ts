import type { AppContext } from './context.js';

/**
 * Forgets transactions, callbacks and logged requests (of one merchant, when given); a full reset also
 * drops runtime scenarios and puts the clock back on real time.
 */
export async function resetInstance(ctx: AppContext, merchantId?: string): Promise<void> {
  ctx.transactions.forget(merchantId);
  ctx.requestLog.clear(merchantId);
  if (merchantId === undefined) {
    ctx.scenarios.remove();
    ctx.clock.reset();
  }
  await ctx.store.commit();
}

import express, { type Router } from 'express';
import { advanceClockBy, MAX_ADVANCE_MS } from '../clock/move-clock.js';
import { parseDuration } from '../duration.js';
import { resetInstance } from '../reset.js';
import type { Flash } from './flash.js';
import { span, wib } from './format.js';
import type { Dashboard } from './render.js';

const PRESETS = ['1m', '5m', '15m', '1h', '1d'];

/** `/clock`: the virtual clock (advance, freeze, resume, back to real time) and resetting the simulator's data. */
export function clockPage(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;

  router.get('/clock', (req, res) => {
    dash.render(req, res, 'clock', { title: 'Clock', section: 'clock' }, {
      aheadMs: ctx.clock.now() - Date.now(), pendingJobs: ctx.scheduler.pending, presets: PRESETS,
      merchants: ctx.config.merchants.map((m) => m.id), transactions: ctx.store.transactions().length,
    });
  });

  const advance = async (input: unknown): Promise<Flash> => {
    const by = parseDuration(input);
    if (by === null || by === 0) {
      return { kind: 'error', text: `"${typeof input === 'string' ? input : ''}" is not an amount of time: write it like 90s, 15m, 2h or 1d.` };
    }
    if (by > MAX_ADVANCE_MS) return { kind: 'error', text: 'The clock moves at most 366 days at a time.' };
    await advanceClockBy(ctx, by);
    return { kind: 'ok', text: `Advanced ${span(by)} to ${wib(ctx.clock.now())}. Expiries, callback retries and scheduled outcomes due on the way have run.` };
  };

  router.post('/clock', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let flash: Flash;
    switch (body.action) {
      case 'advance': flash = await advance(body.by); break;
      case 'freeze': ctx.clock.freeze(); flash = { kind: 'ok', text: `Clock frozen at ${wib(ctx.clock.now())}.` }; break;
      case 'resume': ctx.clock.resume(); flash = { kind: 'ok', text: `Clock running again from ${wib(ctx.clock.now())}.` }; break;
      case 'real-time': ctx.clock.reset(); flash = { kind: 'ok', text: 'Clock back on real time, running.' }; break;
      default: flash = { kind: 'error', text: 'Unknown clock action: use the buttons on this page.' };
    }
    await ctx.store.commit();
    dash.redirect(res, '/clock', flash);
  });

  router.post('/reset', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const merchant = typeof body.merchant === 'string' && body.merchant !== '' ? body.merchant : undefined;
    if (body.confirm !== 'yes') return dash.redirect(res, '/clock', { kind: 'error', text: 'Nothing was reset: tick the box to confirm.' });
    if (merchant !== undefined && !ctx.merchants.has(merchant)) return dash.redirect(res, '/clock', { kind: 'error', text: `There is no merchant "${merchant}".` });
    await resetInstance(ctx, merchant);
    dash.redirect(res, '/', { kind: 'ok', text: merchant ? `Transactions, callbacks and requests of ${merchant} forgotten.` : 'Everything reset: transactions, callbacks, requests, runtime scenarios and the clock.' });
  });
  return router;
}

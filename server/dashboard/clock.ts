import express, { type Router } from 'express';
import { objectOf } from '../support/json.js';
import type { ClockVerb } from '../operations/operations.js';
import type { Flash } from './flash.js';
import { span, wib } from './view-helpers.js';
import type { Dashboard } from './render.js';
import { realNow } from '../support/real-time.js';

const PRESETS = ['1m', '5m', '15m', '1h', '1d'];

/** `/clock`: the virtual clock (advance, freeze, resume, back to real time) and resetting the simulator's data. */
export function clockPage(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx, operations } = dash;

  router.get('/clock', (req, res) => {
    dash.render(req, res, 'clock', { title: 'Clock', section: 'clock' }, {
      aheadMs: ctx.clock.now() - realNow(), pendingJobs: ctx.scheduler.pending, presets: PRESETS,
      merchants: ctx.config.merchants.map((m) => m.id), transactions: ctx.store.transactions().length,
    });
  });

  const advance = async (input: unknown): Promise<Flash> => {
    const advanced = await operations.advanceClock(input);
    if (!advanced.ok) return { kind: 'error', text: `${advanced.message}.` };
    return { kind: 'ok', text: `Advanced ${span(advanced.ms)} to ${wib(ctx.clock.now())}. Expiries, callback retries and scheduled outcomes due on the way have run.` };
  };

  // What each button says once done; "back to real time" is the clock's reset.
  const CLOCK_BUTTONS = new Map<unknown, { verb: ClockVerb; said: () => string }>([
    ['freeze', { verb: 'freeze', said: () => `Clock frozen at ${wib(ctx.clock.now())}.` }],
    ['resume', { verb: 'resume', said: () => `Clock running again from ${wib(ctx.clock.now())}.` }],
    ['real-time', { verb: 'reset', said: () => 'Clock back on real time, running.' }],
  ]);

  router.post('/clock', async (req, res) => {
    const body = objectOf(req.body) ?? {};
    const button = CLOCK_BUTTONS.get(body.action);
    let flash: Flash;
    if (body.action === 'advance') flash = await advance(body.by);
    else if (button) {
      await operations.clock(button.verb);
      flash = { kind: 'ok', text: button.said() };
    } else flash = { kind: 'error', text: 'Unknown clock action: use the buttons on this page.' };
    dash.redirect(res, '/clock', flash);
  });

  router.post('/reset', async (req, res) => {
    const body = objectOf(req.body) ?? {};
    const merchant = typeof body.merchant === 'string' && body.merchant !== '' ? body.merchant : undefined;
    if (body.confirm !== 'yes') return dash.redirect(res, '/clock', { kind: 'error', text: 'Nothing was reset: tick the box to confirm.' });
    const reset = await operations.reset(merchant);
    if (!reset.ok) return dash.redirect(res, '/clock', { kind: 'error', text: `${reset.message}.` });
    dash.redirect(res, '/', { kind: 'ok', text: merchant ? `Transactions, callbacks and requests of ${merchant} forgotten.` : 'Everything reset: transactions, callbacks, requests, runtime scenarios and the clock.' });
  });
  return router;
}

import express, { type Router } from 'express';
import type { Subscription, SubscriptionState } from '../model/subscription.js';
import { stepOf } from '../transactions/recurring-schedule.js';
import { SUBSCRIPTION_VERBS, VERB_FROM, type SubscriptionVerb } from '../transactions/subscriptions.js';
import { param } from './paging.js';
import type { Dashboard } from './render.js';
import { wib, withQuery } from './view-helpers.js';

const STATES: readonly SubscriptionState[] = ['active', 'paused', 'cancelled', 'ended'];
// Each state's badge, in the colours the order statuses use.
const STATE_TONE: Record<SubscriptionState, string> = { active: 's-paid', paused: 's-request-initiated', cancelled: 's-cancelled', ended: 's-refunded' };

interface Button {
  label: string;
  /** `Only active subscriptions can be <done>.` */
  done: string;
  /** The flash after it worked; `next` names the next try (`charge 2, 2024-03-31 10:00:00 WIB`), empty when none is planned. */
  said: (next: string) => string;
}

/** The detail page's buttons, in the order shown. */
const BUTTONS: Record<SubscriptionVerb, Button> = {
  pause: { label: 'Pause', done: 'paused', said: () => 'paused: no charge is made while paused, and charges that fall due meanwhile are skipped.' },
  resume: { label: 'Resume', done: 'resumed', said: (next) => `resumed: next ${next || 'charge: none planned'}.` },
  'fail-next': { label: 'Fail next charge', done: 'made to fail their next charge', said: (next) => `will fail its next try (${next || 'none planned'}), whatever its card or scenario says.` },
  cancel: { label: 'Cancel', done: 'cancelled', said: () => 'cancelled: no more charges are made.' },
};

// Interval units by the length of one step, for "every 2 weeks" (the unit names themselves vary: `monthly`, `months`, `month`).
const NOUN_BY_MS: Record<number, string> = { 60_000: 'minute', 3_600_000: 'hour', 86_400_000: 'day', 604_800_000: 'week' };
/** At most this many planned charges are listed ahead on the detail page. */
const UPCOMING = 3;

/** `/subscriptions/<merchantId>/<id>`: one subscription's page. */
export function subscriptionPath(merchantId: string, id: string): string {
  return `/subscriptions/${encodeURIComponent(merchantId)}/${encodeURIComponent(id)}`;
}

/** `every month`, `every 2 weeks`. */
export function everyText(interval: number, unit: string): string {
  const step = stepOf(unit);
  const noun = !step ? unit : 'months' in step ? (step.months === 12 ? 'year' : 'month') : NOUN_BY_MS[step.ms] ?? unit;
  return interval === 1 ? `every ${noun}` : `every ${interval} ${noun}s`;
}

function row(sub: Subscription) {
  return { sub, path: subscriptionPath(sub.merchantId, sub.id), every: everyText(sub.interval, sub.intervalUnit), made: sub.chargesMade };
}

/** `/subscriptions`: every subscription (newest first, by state and merchant); one with its charges, schedule and the operator's buttons. */
export function subscriptionPages(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;
  const missing = (merchantId: string, id: string) => `Merchant "${merchantId}" has no subscription "${id}". It starts when the first payment of a recurring.subscribe "Y" card order is CAPTURED; it may have been reset.`;

  router.get('/subscriptions', (req, res) => {
    const filters = { state: param(req.query.state), merchant: param(req.query.merchant) };
    const all = ctx.subscriptions.list().reverse();
    const ofMerchant = all.filter((s) => !filters.merchant || s.merchantId === filters.merchant);
    const counts = new Map(STATES.map((state) => [state, ofMerchant.filter((s) => s.state === state).length]));
    dash.render(req, res, 'subscriptions', { title: 'Subscriptions', section: 'subscriptions' }, {
      filters, stateTone: STATE_TONE, filtered: Boolean(filters.state || filters.merchant),
      rows: ofMerchant.filter((s) => !filters.state || s.state === filters.state).map(row),
      stateOptions: STATES.map((value) => ({ value, count: counts.get(value) ?? 0 })),
      merchants: [...new Set(all.map((s) => s.merchantId))].sort(),
      jsonUrl: withQuery('/_mock/subscriptions', { state: filters.state, merchantId: filters.merchant }),
    });
  });

  router.get('/subscriptions/:merchantId/:id', (req, res) => {
    const { merchantId, id } = req.params;
    const [sub] = ctx.subscriptions.find(id, merchantId);
    if (!sub) return dash.notFound(req, res, 'Subscription not found', missing(merchantId, id));
    const charges = ctx.subscriptions.chargesOf(sub).map((c) => ({ ...c, tx: c.orderId ? ctx.store.getTransaction(sub.merchantId, c.orderId) : undefined })).reverse();
    dash.render(req, res, 'subscription', { title: `Subscription ${sub.id}`, section: 'subscriptions' }, {
      ...row(sub), stateTone: STATE_TONE, charges, upcoming: ctx.subscriptions.upcoming(sub, UPCOMING),
      retryEvery: sub.retry ? everyText(sub.retry.interval, sub.retry.intervalUnit) : '',
      buttons: Object.entries(BUTTONS).map(([verb, button]) => ({ verb, ...button, from: VERB_FROM[verb as SubscriptionVerb], allowed: VERB_FROM[verb as SubscriptionVerb].includes(sub.state) })),
      jsonUrl: withQuery(`/_mock/subscriptions/${encodeURIComponent(sub.id)}`, { merchantId: sub.merchantId }),
    });
  });

  router.post('/subscriptions/:merchantId/:id/:verb', async (req, res) => {
    const { merchantId, id, verb } = req.params;
    const [sub] = ctx.subscriptions.find(id, merchantId);
    if (!sub) return dash.notFound(req, res, 'Subscription not found', missing(merchantId, id));
    if (!(SUBSCRIPTION_VERBS as readonly string[]).includes(verb)) {
      return dash.notFound(req, res, 'No such action', `"${verb}" is not something a subscription can do: ${SUBSCRIPTION_VERBS.join(', ')}.`);
    }
    const back = subscriptionPath(sub.merchantId, sub.id);
    const button = BUTTONS[verb as SubscriptionVerb];
    const was = sub.state;
    const done = await ctx.subscriptions.act(sub, verb as SubscriptionVerb);
    if (!done.ok) {
      return dash.redirect(res, back, { kind: 'error', text: `Subscription ${sub.id} is ${was}: nothing was changed. Only ${VERB_FROM[verb as SubscriptionVerb].join(' or ')} subscriptions can be ${button.done}.` });
    }
    const next = sub.nextChargeAt === undefined ? '' : `charge ${sub.nextCharge}, ${ctx.clock.now() >= sub.nextChargeAt ? 'on the next clock move' : wib(sub.nextChargeAt)}`;
    dash.redirect(res, back, { kind: 'ok', text: `Subscription ${sub.id} ${button.said(next)}` });
  });
  return router;
}


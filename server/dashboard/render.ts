import type { Request, Response } from 'express';
import type { AppContext } from '../operations/context.js';
import { Operations } from '../operations/operations.js';
import { FlashMessages, type Flash } from './flash.js';
import { helpers } from './view-helpers.js';

type Section = 'transactions' | 'callbacks' | 'requests' | 'scenarios' | 'subscriptions' | 'open-vas' | 'saved-cards' | 'clock';

const NAV: readonly [Section, string, string][] = [
  ['transactions', 'Transactions', '/'],
  ['callbacks', 'Callbacks', '/callbacks'],
  ['requests', 'Requests', '/requests'],
  ['scenarios', 'Scenarios', '/scenarios'],
  ['subscriptions', 'Subscriptions', '/subscriptions'],
  ['open-vas', 'Open VAs', '/open-vas'],
  ['saved-cards', 'Saved cards', '/saved-cards'],
  ['clock', 'Clock', '/clock'],
];

interface PageOptions {
  title: string;
  /** The highlighted navigation entry; none for pages outside the navigation. */
  section?: Section;
  status?: number;
  /** Without navigation or clock: the sign-in page shows nothing of the instance. */
  bare?: boolean;
}

/** What every dashboard route shares: the instance, the layout, and the post → redirect → message round trip. */
export interface Dashboard {
  ctx: AppContext;
  /** Every button that changes something goes through these, as the control API and the library do. */
  operations: Operations;
  render(req: Request, res: Response, view: string, options: PageOptions, locals?: Record<string, unknown>): void;
  /** Ends a form post: 303 to `path`, where `flash` is shown. */
  redirect(res: Response, path: string, flash: Flash): void;
  /** A page explaining what was not found, with status 404. */
  notFound(req: Request, res: Response, heading: string, text: string): void;
}

export function createDashboard(ctx: AppContext): Dashboard {
  const flashes = new FlashMessages();
  const dashboard: Dashboard = {
    ctx,
    operations: new Operations(ctx),
    render(req, res, view, options, locals = {}) {
      res.status(options.status ?? 200).render(`dashboard/${view}`, {
        title: options.title, section: options.section ?? null, bare: options.bare ?? false, nav: NAV,
        now: ctx.clock.now(), frozen: ctx.clock.frozen, guarded: ctx.config.adminToken !== undefined,
        flash: flashes.get(req.query.flash) ?? null, h: helpers, publicUrl: ctx.publicUrl(), ...locals,
      });
    },
    redirect(res, path, flash) {
      res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}flash=${flashes.add(flash)}`);
    },
    notFound(req, res, heading, text) {
      dashboard.render(req, res, 'message', { title: heading, status: 404 }, { heading, text });
    },
  };
  return dashboard;
}

import express, { type Router } from 'express';
import type { LoggedRequest } from '../operations/request-log.js';
import { withQuery } from './view-helpers.js';
import { paginate, param } from './paging.js';
import type { Dashboard } from './render.js';

/** The order id of a request the gateway refused before reading it (the log has it only from the body). */
function orderIdInBody(body: string | null): string {
  if (body === null) return '';
  try {
    const id = (JSON.parse(body) as { order?: { id?: unknown } } | null)?.order?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  } catch {
    return '';
  }
}

interface RequestRow extends LoggedRequest {
  /** The order id, from the log or the body. */
  order: string;
  /** Whether the order exists, so the row can link to it. */
  stored: boolean;
}

/** `/requests`: every gateway request, rejected ones with the exact field and rule that failed. */
export function requestLogPage(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;

  router.get('/requests', (req, res) => {
    const filters = { rejected: req.query.rejected === '1' ? '1' : '', merchant: param(req.query.merchant), q: param(req.query.q) };
    const needle = filters.q.toLowerCase();
    const entries = ctx.requestLog.list();
    const matched = entries.filter((r) => (!filters.rejected || r.status >= 400 || r.status === 0)
      && (!filters.merchant || r.merchantId === filters.merchant)
      && (!needle || r.path.toLowerCase().includes(needle) || (r.body ?? '').toLowerCase().includes(needle)));
    const paged = paginate(matched, req.query.page);
    const rows: RequestRow[] = paged.items.map((r) => {
      const order = r.orderId ?? orderIdInBody(r.body);
      return { ...r, order, stored: r.merchantId !== null && order !== '' && ctx.store.getTransaction(r.merchantId, order) !== undefined };
    });
    dash.render(req, res, 'requests', { title: 'Requests', section: 'requests' }, {
      filters, paged: { ...paged, items: rows }, filtered: Object.values(filters).some(Boolean),
      merchants: [...new Set([...ctx.config.merchants.map((m) => m.id), ...entries.flatMap((r) => (r.merchantId ? [r.merchantId] : []))])],
      pageUrl: (page: number) => withQuery('/requests', { ...filters, page: page === 1 ? undefined : page }),
      jsonUrl: withQuery('/_mock/requests', { rejected: filters.rejected ? 'true' : undefined, merchantId: filters.merchant }),
    });
  });
  return router;
}

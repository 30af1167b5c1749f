import express, { type Router } from 'express';
import { USER_DESCRIPTIONS } from '../channels/gateway-body.js';
import type { StoredTransaction } from '../model/transaction.js';
import { channelName, withQuery } from './view-helpers.js';
import { paginate, param } from './paging.js';
import type { Dashboard } from './render.js';
import { CALLBACK_HEALTH, callbackHealth, readCallbackHealth } from '../operations/callback-health.js';
import { callbackFlag } from './callback-flag.js';

interface ListFilters {
  status: string;
  channel: string;
  merchant: string;
  /** Part of the order id. */
  q: string;
  /** How its callbacks are doing (`failing`, `gave-up`, …); an unknown value is ignored. */
  callback: string;
}

interface Option {
  value: string;
  /** Transactions with this value among those the other filters keep. */
  count: number;
}

function countInto(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** One option per value, counted; values no other code knows yet (new channels or statuses) included as they come. */
function options(values: Iterable<string>, counts: Map<string, number>): Option[] {
  return [...new Set(values)].map((value) => ({ value, count: counts.get(value) ?? 0 }));
}

/** `/`: every transaction, newest first, filtered and paged. One pass over the store, so 10 000 orders stay instant. */
export function transactionListPage(dash: Dashboard): Router {
  const router = express.Router();
  const { ctx } = dash;

  router.get('/', (req, res) => {
    const filters: ListFilters = {
      status: param(req.query.status), channel: param(req.query.channel), merchant: param(req.query.merchant), q: param(req.query.q),
      callback: readCallbackHealth(param(req.query.callback)) ?? '',
    };
    const needle = filters.q.toLowerCase();
    const all = ctx.store.transactions();
    const matched: StoredTransaction[] = [];
    const statusCounts = new Map<string, number>();
    const channelCounts = new Map<string, number>();
    const callbackCounts = new Map<string, number>();
    const channels = new Set<string>();
    const merchants = new Set<string>();
    // One pass, newest first: each select counts what the other filters keep (10 000 orders take a few ms).
    for (let i = all.length - 1; i >= 0; i--) {
      const tx = all[i]!;
      channels.add(tx.channel);
      merchants.add(tx.merchantId);
      if ((filters.merchant && tx.merchantId !== filters.merchant) || (needle && !tx.orderId.toLowerCase().includes(needle))) continue;
      const statusFits = !filters.status || tx.status === filters.status;
      const channelFits = !filters.channel || tx.channel === filters.channel;
      const callback = callbackHealth(ctx.store, tx).state;
      const callbackFits = !filters.callback || callback === filters.callback;
      if (channelFits && callbackFits) countInto(statusCounts, tx.status);
      if (statusFits && callbackFits) countInto(channelCounts, tx.channel);
      if (statusFits && channelFits) countInto(callbackCounts, callback);
      if (statusFits && channelFits && callbackFits) matched.push(tx);
    }
    const paged = paginate(matched, req.query.page);
    dash.render(req, res, 'transactions', { title: 'Transactions', section: 'transactions' }, {
      filters, paged, filtered: Object.values(filters).some(Boolean),
      statusOptions: options([...Object.keys(USER_DESCRIPTIONS), ...statusCounts.keys()], statusCounts),
      // Only channels that have orders: the table lists dozens, most unused in a given test run.
      channelOptions: options([...channels, ...(filters.channel ? [filters.channel] : [])].sort((a, b) => channelName(a).localeCompare(channelName(b))), channelCounts),
      callbackOptions: options(CALLBACK_HEALTH, callbackCounts),
      flagOf: (tx: StoredTransaction) => callbackFlag(callbackHealth(ctx.store, tx)),
      merchants: [...new Set([...ctx.config.merchants.map((m) => m.id), ...merchants])],
      pageUrl: (page: number) => withQuery('/', { ...filters, page: page === 1 ? undefined : page }),
      jsonUrl: withQuery('/_mock/transactions', { status: filters.status, channel: filters.channel, merchantId: filters.merchant, callback: filters.callback }),
    });
  });
  return router;
}

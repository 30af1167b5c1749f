import express, { type Request, type Response, type Router } from 'express';
import type { AppContext } from '../context.js';
import type { StoredTransaction } from '../transactions/types.js';
import { sendProblem } from './problem.js';

/** A transaction with its timeline and callback deliveries, as the control API shows it. */
function transactionView(ctx: AppContext, tx: StoredTransaction): Record<string, unknown> {
  return {
    merchantId: tx.merchantId,
    orderId: tx.orderId,
    channel: tx.channel,
    status: tx.status,
    amount: tx.amount,
    currency: tx.currency,
    createdAt: new Date(tx.createdAt).toISOString(),
    expiresAt: new Date(tx.expiresAt).toISOString(),
    reference: tx.reference,
    request: tx.request,
    response: tx.response,
    timeline: tx.timeline.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    callbacks: ctx.store.deliveries()
      .filter((d) => d.merchantId === tx.merchantId && d.orderId === tx.orderId)
      .map((d) => ({ ...d, nextAttemptAt: d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt).toISOString(),
        createdAt: new Date(d.createdAt).toISOString(), attempts: d.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })) })),
  };
}

/** `/_mock`: the simulator's own control API (JSON, errors as problem+json). */
export function controlRouter(ctx: AppContext): Router {
  const router = express.Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', transactions: ctx.store.transactions().length, now: new Date(ctx.clock.now()).toISOString() });
  });

  /** `?merchantId=` picks among merchants that used the same order id. */
  router.get('/transactions/:orderId', async (req: Request, res: Response) => {
    const merchantId = typeof req.query.merchantId === 'string' ? req.query.merchantId : undefined;
    const candidates = ctx.store.findTransactions(String(req.params.orderId)).filter((tx) => !merchantId || tx.merchantId === merchantId);
    const found = candidates[0];
    if (!found) return sendProblem(res, 404, 'Transaction not found', `No transaction with order id ${req.params.orderId}${merchantId ? ` for merchant ${merchantId}` : ''}`);
    const tx = await ctx.transactions.find(found.merchantId, found.orderId);
    res.json(transactionView(ctx, tx ?? found));
  });

  router.use((req: Request, res: Response) => sendProblem(res, 404, 'Not found', `No control endpoint ${req.method} ${req.baseUrl}${req.path}`));
  return router;
}

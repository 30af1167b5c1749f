import express, { type Request, type Response, type Router } from 'express';
import { CHANNELS } from '../channels/table.js';
import type { OpenVa } from '../model/open-va.js';
import type { AppContext } from '../operations/context.js';
import { objectOf } from '../support/json.js';
import { openVaStatus, transferPagePath, type OpenVaStatus } from '../transactions/open-vas.js';
import { sendProblem } from './problem.js';
import { answering, filtersOf, iso, oneOf, paged, Problem, text } from './query.js';
import { transactionSummary } from './views.js';

const STATUSES: readonly OpenVaStatus[] = ['ACTIVE', 'DELETED'];

/** An open VA as a list shows it: its data, status and transfer page (its payments are in the one-VA view). */
export function openVaSummary(ctx: AppContext, va: OpenVa): Record<string, unknown> {
  return {
    merchantId: va.merchantId, channel: va.channel, paymentCode: va.paymentCode, status: openVaStatus(va),
    customer: { ...va.customer }, callbackUrl: va.callbackUrl ?? null, scenario: va.scenario ?? null,
    createdAt: iso(va.createdAt), updatedAt: iso(va.updatedAt), deletedAt: iso(va.deletedAt),
    scheduledTransfer: va.scheduledTransfer ? { at: iso(va.scheduledTransfer.at), amount: va.scheduledTransfer.amount } : null,
    transferPage: `${ctx.publicUrl()}${transferPagePath(va)}`,
  };
}

/** An open VA as the control API and the library show it: its summary and its payments (as order summaries). */
export function openVaView(ctx: AppContext, va: OpenVa): Record<string, unknown> {
  return { ...openVaSummary(ctx, va), payments: ctx.openVas.paymentsOf(va).map(transactionSummary) };
}

/** Why a VA named by the control API cannot be used, as problem+json. */
type Lookup = { va: OpenVa } | { status: number; title: string; detail: string };

/** The VA `sofId/paymentCode` of `merchantId`, or of the one merchant that has it when none is named. */
export function lookUpOpenVa(ctx: AppContext, sofId: string, paymentCode: string, merchantId: string | undefined): Lookup {
  const named = `${sofId}/${paymentCode}`;
  if (merchantId !== undefined) {
    if (!ctx.merchants.has(merchantId)) return { status: 404, title: 'Unknown merchant', detail: `No merchant ${merchantId}` };
    const va = ctx.openVas.find(merchantId, sofId, paymentCode);
    return va ? { va } : { status: 404, title: 'Open VA not found', detail: `Merchant ${merchantId} has no open VA ${named}` };
  }
  const found = [...ctx.merchants.keys()].flatMap((id) => ctx.openVas.find(id, sofId, paymentCode) ?? []);
  if (found.length === 1) return { va: found[0]! };
  return found.length === 0
    ? { status: 404, title: 'Open VA not found', detail: `No merchant has an open VA ${named}: register it with POST /pg/payment/card/openpayment/register` }
    : { status: 409, title: 'Ambiguous open VA', detail: `${found.map((va) => va.merchantId).join(' and ')} both have open VA ${named}: add ?merchantId=` };
}

/** `/_mock/open-vas`: list, one VA, and a transfer into one. */
export function openVaControlRoutes(ctx: AppContext): Router {
  const router = express.Router();
  const problem = (res: Response, lookup: Exclude<Lookup, { va: OpenVa }>) => sendProblem(res, lookup.status, lookup.title, lookup.detail);

  router.get('/open-vas', answering((req: Request, res: Response) => {
    const { merchantId, channel, status: given } = filtersOf(req, ['merchantId', 'channel', 'status'], 'Bad open VA filter');
    const status = oneOf(given, STATUSES, 'status', 'Bad open VA filter');
    if (channel !== undefined && !CHANNELS.some((c) => c.family === 'va' && (c.type === channel || c.aliases.includes(channel)))) {
      throw new Problem(400, 'Bad open VA filter', `channel must be a VA channel (${CHANNELS.filter((c) => c.family === 'va').map((c) => c.type).join(', ')})`);
    }
    const found = ctx.openVas.list({ ...(merchantId ? { merchantId } : {}), ...(channel ? { channel } : {}), ...(status ? { status } : {}) });
    res.json(paged(req, found.reverse(), (va) => openVaSummary(ctx, va)));
  }));

  router.get('/open-vas/:sofId/:paymentCode', (req: Request, res: Response) => {
    const lookup = lookUpOpenVa(ctx, String(req.params.sofId), String(req.params.paymentCode), text(req.query.merchantId));
    if (!('va' in lookup)) return problem(res, lookup);
    res.json(openVaView(ctx, lookup.va));
  });

  router.post('/open-vas/:sofId/:paymentCode/pay', async (req: Request, res: Response) => {
    const body = objectOf(req.body) ?? {};
    const merchantId = body.merchantId ?? req.query.merchantId;
    if (merchantId !== undefined && text(merchantId) === undefined) return sendProblem(res, 400, 'Bad merchantId', 'merchantId must be the id of a merchant, as text');
    const lookup = lookUpOpenVa(ctx, String(req.params.sofId), String(req.params.paymentCode), text(merchantId));
    if (!('va' in lookup)) return problem(res, lookup);
    const paid = await ctx.openVas.pay(lookup.va, body.amount, 'control API');
    if (!paid.ok) {
      return paid.refusal === 'va-deleted'
        ? sendProblem(res, 409, 'Open VA deleted', `Open VA ${lookup.va.id} of ${lookup.va.merchantId} was deleted and refuses transfers`)
        : sendProblem(res, 400, 'Bad amount', 'Send {"amount": <whole rupiah, 1 or more>} (an open VA takes any amount)');
    }
    res.json({ openVa: openVaView(ctx, lookup.va), transaction: transactionSummary(paid.tx) });
  });
  return router;
}

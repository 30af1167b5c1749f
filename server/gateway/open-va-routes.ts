import { formatJakarta } from '../support/indonesian-format.js';
import { objectOf } from '../support/json.js';
import type { OpenVa, OpenVaCustomer } from '../model/open-va.js';
import { openVaId, openVaStatus, transferPagePath, withCheckDigit, type OpenVaRequest } from '../transactions/open-vas.js';
import type { Exchange } from './exchange.js';
import { GATEWAY_PREFIX, pathParam, validationError, type GatewayKit, type Handler, type Route } from './kit.js';
import { missingField } from './response-codes.js';
import type { RefusalFacts } from './refusals.js';

const CUSTOMER_FIELDS = ['id', 'email', 'firstName', 'lastName', 'mobilePhone'] as const;

/** The validated register / update body, typed: the customer's documented fields as sent. */
function requestOf(body: Record<string, unknown>): OpenVaRequest {
  const customer = objectOf(body.customer) ?? {};
  const sof = objectOf(body.sourceOfFunds) ?? {};
  const callbackUrl = objectOf(body.url)?.callbackUrl;
  const kept: OpenVaCustomer = {};
  for (const key of CUSTOMER_FIELDS) if (typeof customer[key] === 'string') kept[key] = customer[key];
  return {
    customer: kept, type: String(sof.type),
    ...(typeof sof.paymentCode === 'string' ? { paymentCode: sof.paymentCode } : {}),
    ...(typeof callbackUrl === 'string' ? { callbackUrl } : {}),
  };
}

/**
 * Open (static) VAs: `openpayment/register`, `update`, `check/{sofId}/{paymentCode}` and `delete/{sofId}/{paymentCode}`.
 * The check answer's shape is chosen (the docs show none): the VA, its status and the payments made into it.
 */
export function openVaRoutes(kit: GatewayKit): Route[] {
  const { ctx } = kit;
  const openVas = () => ctx.openVas;

  const validBody = (ex: Exchange): OpenVaRequest => {
    const failure = ctx.validator.validateOperation('openVa', ex.body);
    if (failure) throw validationError(failure);
    return requestOf(ex.body!);
  };
  const factsOf = (ex: Exchange, request: OpenVaRequest, paymentCode = request.paymentCode ?? ''): RefusalFacts => ({
    merchantId: ex.merchant!.id, channelType: request.type, openVa: openVaId(request.type, paymentCode),
    ...(request.callbackUrl === undefined ? {} : { callbackUrl: request.callbackUrl }),
  });
  const pageHeader = (va: OpenVa): Record<string, string> => ({ 'X-Finnet-Mock-Transfer-Page': `${ctx.publicUrl()}${transferPagePath(va)}` });

  /** The VA named by the path, or the gateway's not-found answer. */
  const byPath = (ex: Exchange): OpenVa => {
    const sofId = pathParam(ex, 'sofId');
    const paymentCode = pathParam(ex, 'paymentCode');
    const va = openVas().find(ex.merchant!.id, sofId, paymentCode);
    return kit.accepted(va ? { ok: true, va } : { ok: false, refusal: 'unknown-va' },
      { merchantId: ex.merchant!.id, openVa: openVaId(sofId, paymentCode) }).va;
  };

  const register: Handler = async (ex) => {
    const request = validBody(ex);
    const requested = ex.requestedScenario;
    const assigned = request.paymentCode === undefined ? undefined : withCheckDigit(request.paymentCode);
    const facts = { ...factsOf(ex, request, assigned), requestedScenario: requested };
    const { va } = kit.accepted(await openVas().register(ex.merchant!.id, request, requested), facts);
    ex.scenario = va.scenario;
    kit.answer(ex, { ...kit.success(), paymentCode: va.paymentCode }, { ...kit.scenarioHeader(ex), ...pageHeader(va) });
  };

  const update: Handler = async (ex) => {
    const request = validBody(ex);
    if (request.paymentCode === undefined) {
      throw missingField('sourceOfFunds.payment code', 'sourceOfFunds.paymentCode', 'update names the VA by the paymentCode register answered');
    }
    const { va } = kit.accepted(await openVas().update(ex.merchant!.id, request), factsOf(ex, request));
    kit.answer(ex, { ...kit.success(), paymentCode: va.paymentCode }, pageHeader(va));
  };

  const check: Handler = async (ex) => {
    const va = byPath(ex);
    ex.scenario = va.scenario;
    const payments = openVas().paymentsOf(va).map((tx) => ({
      order: { id: tx.orderId, amount: tx.amount }, status: tx.status,
      ...(tx.payment ? { reference: tx.payment.reference, datetime: formatJakarta(tx.payment.at) } : {}),
    }));
    kit.answer(ex, {
      ...kit.success(),
      data: {
        merchant: { id: va.merchantId },
        customer: va.customer,
        sourceOfFunds: { type: va.channel, paymentCode: va.paymentCode },
        status: openVaStatus(va),
        createdAt: formatJakarta(va.createdAt),
        ...(va.deletedAt === undefined ? {} : { deletedAt: formatJakarta(va.deletedAt) }),
        payments,
      },
    }, { ...kit.scenarioHeader(ex), ...pageHeader(va) });
  };

  const remove: Handler = async (ex) => {
    const va = byPath(ex);
    await openVas().remove(va);
    kit.answer(ex, kit.success());
  };

  const byVaPath = (name: string, handler: Handler): Route => ({
    path: `${GATEWAY_PREFIX}openpayment/${name}/:sofId/:paymentCode`,
    methods: { GET: { handler }, POST: { handler } },
  });
  return [
    { path: `${GATEWAY_PREFIX}openpayment/register`, methods: { POST: { handler: register, body: true } } },
    { path: `${GATEWAY_PREFIX}openpayment/update`, methods: { POST: { handler: update, body: true } } },
    byVaPath('check', check),
    byVaPath('delete', remove),
  ];
}

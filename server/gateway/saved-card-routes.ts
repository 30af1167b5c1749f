import { checkStatusData } from '../channels/gateway-body.js';
import { channelOf } from '../channels/table.js';
import { objectOf } from '../support/json.js';
import { withSourceOfFundsObject } from '../validation/source-of-funds.js';
import type { Exchange } from './exchange.js';
import { GATEWAY_PREFIX, pathParam, validationError, type GatewayKit, type Handler, type Route } from './kit.js';
import type { RefusalFacts } from './refusals.js';
import { invalidFormat, missingField } from './response-codes.js';

const TOKEN = /^[0-9a-fA-F]{64}$/;
const CARD_CHANNEL = channelOf('cc')!;
const ONE_CLICK = 'one-click pays with a saved card and no page';

/** The one-click body's `sourceOfFunds.type` and `card.storedOnFile`, which the initiate schema leaves open. */
function oneClickFailure(body: Record<string, unknown>) {
  const type = objectOf(body.sourceOfFunds)?.type;
  if (type === undefined) return missingField('sourceOfFunds.type', 'sourceOfFunds.type', `${ONE_CLICK}: send sourceOfFunds.type "cc"`);
  if (type !== 'cc') return invalidFormat('sourceOfFunds.type', 'sourceOfFunds.type', 'oneClickCard', `${ONE_CLICK}: sourceOfFunds.type must be "cc" (not ${JSON.stringify(type)})`);
  const mode = objectOf(body.card)?.storedOnFile;
  if (mode === undefined) return missingField('card.stored on file', 'card.storedOnFile', `${ONE_CLICK}: send card.storedOnFile "STORED" and the saved card's card.token`);
  if (mode !== 'STORED') return invalidFormat('card.stored on file', 'card.storedOnFile', 'oneClickStored', `${ONE_CLICK}: card.storedOnFile must be "STORED" (a card is saved through initiate with "TO_BE_STORED")`);
  return null;
}

/**
 * `POST /pg/payment/card/payment` (one-click: the initiate body with a saved `card.token`, charged at once, the
 * answer carries check-status's `data`) and `GET|POST /pg/payment/card/customer/delete/{cardToken}`.
 */
export function savedCardRoutes(kit: GatewayKit): Route[] {
  const { ctx } = kit;

  const answerWith = (ex: Exchange, orderId: string) => {
    const tx = ctx.store.getTransaction(ex.merchant!.id, orderId)!;
    kit.answer(ex, { ...kit.success(), data: checkStatusData(tx, ctx.config.failureStatus) }, kit.scenarioHeader(ex));
  };

  const oneClick: Handler = async (ex) => {
    const body = withSourceOfFundsObject(ex.body!);
    const failure = ctx.validator.validate(body, CARD_CHANNEL);
    if (failure) throw validationError(failure);
    const wrong = oneClickFailure(body);
    if (wrong) throw wrong;
    const merchantId = ex.merchant!.id;
    const orderId = String((body.order as Record<string, unknown>).id);
    ex.orderId = orderId;
    // The same body again is answered from the order it made (idempotent); another body with its id is a duplicate.
    const earlier = await ctx.transactions.find(merchantId, orderId);
    if (earlier && earlier.status !== 'REQUEST_INITIATED' && earlier.requestJson === JSON.stringify(body)) {
      ex.scenario = earlier.scenario;
      return answerWith(ex, orderId);
    }
    const { requestedScenario } = ex;
    const card = objectOf(body.card)!;
    const customerId = objectOf(body.customer)?.id;
    const facts: RefusalFacts = {
      merchantId, orderId, channelType: CARD_CHANNEL.type, requestedScenario,
      callbackUrl: String((body.url as Record<string, unknown>).callbackUrl), cardToken: String(card.token), customerId: String(customerId),
    };
    const { scenario } = kit.accepted(ctx.transactions.admit(merchantId, body, CARD_CHANNEL, requestedScenario, ex.matched), facts);
    ex.scenario = scenario?.name;
    kit.accepted(ctx.savedCards.admit(merchantId, body), facts);
    const { tx } = kit.accepted(await ctx.transactions.initiate(merchantId, body, CARD_CHANNEL, scenario, ex.bodyText), facts);
    await ctx.savedCards.charge(tx);
    answerWith(ex, orderId);
  };

  const deleteCard: Handler = async (ex) => {
    const token = pathParam(ex, 'cardToken');
    if (!TOKEN.test(token)) {
      throw invalidFormat('card token', 'cardToken', 'pattern', `a card token is 64 hex characters, as check-status's card.token gives it (this one has ${token.length} characters${/^[0-9a-fA-F]*$/.test(token) ? '' : ', not all hex'})`);
    }
    kit.accepted(await ctx.savedCards.delete(ex.merchant!.id, token), { merchantId: ex.merchant!.id, cardToken: token.toLowerCase() });
    kit.answer(ex, kit.success());
  };

  return [
    { path: `${GATEWAY_PREFIX}payment`, methods: { POST: { handler: oneClick, body: true } } },
    { path: `${GATEWAY_PREFIX}customer/delete/:cardToken`, methods: { GET: { handler: deleteCard }, POST: { handler: deleteCard } } },
  ];
}

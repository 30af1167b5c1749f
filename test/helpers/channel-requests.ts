import { kredivoRequest } from './instance.js';

/**
 * A request every channel accepts (items with categories, billing address, success and fail URLs; an OVO
 * accountId for OVO), on the given `sourceOfFunds.type`, or without sourceOfFunds for the hosted page.
 */
export function channelRequest(type: string | null, options: Parameters<typeof kredivoRequest>[0] = {}): Record<string, any> {
  const body = kredivoRequest(options);
  for (const item of body.order.item) item.category = 'marketplace';
  if (type === null) delete body.sourceOfFunds;
  else body.sourceOfFunds = type === 'ovo' ? { type, accountId: '081286288844' } : { type };
  return body;
}

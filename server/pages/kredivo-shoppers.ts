/** The fake Kredivo's test accounts: the magic values listed in the README. */
export const TEST_PIN = '123456';
export const SANDBOX_OTP = '4567';
export const MAX_OTP_ATTEMPTS = 3;

export type ShopperRefusal = 'insufficientLimit' | 'accountBlocked';

/** Numbers ending in these digits sign in, then are refused: the payment ends in FAILURE. */
export const REFUSED_SHOPPERS: readonly { phoneSuffix: string; refusal: ShopperRefusal }[] = [
  { phoneSuffix: '0001', refusal: 'insufficientLimit' },
  { phoneSuffix: '0002', refusal: 'accountBlocked' },
];

export function refusalFor(phone: string): ShopperRefusal | undefined {
  return REFUSED_SHOPPERS.find((s) => phone.endsWith(s.phoneSuffix))?.refusal;
}

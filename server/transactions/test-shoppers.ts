/** The test accounts of the paylater and e-wallet pages: the magic values listed in the README. */
export const TEST_PIN = '123456';
export const SANDBOX_OTP = '4567';

export type ShopperRefusal = 'insufficientFunds' | 'accountBlocked';

/** Accounts (phone numbers, user ids) ending in these digits sign in, then are refused: the payment ends in FAILURE. */
export const REFUSED_SHOPPERS: readonly { suffix: string; refusal: ShopperRefusal }[] = [
  { suffix: '0001', refusal: 'insufficientFunds' },
  { suffix: '0002', refusal: 'accountBlocked' },
];

export function refusalFor(account: string): ShopperRefusal | undefined {
  return REFUSED_SHOPPERS.find((s) => account.endsWith(s.suffix))?.refusal;
}

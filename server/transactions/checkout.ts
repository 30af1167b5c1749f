import { channelOf, HOSTED, type Channel, type Family } from '../channels/table.js';
import { cvvLength, detailsOf, SECURE_PROGRAMMES, THREE_DS_OTP, type CardOutcome, type TestCard } from '../channels/test-cards.js';
import { ATTEMPT_LIMITS, failedAttempt, type AttemptKind } from './attempts.js';
import type { Action } from './lifecycle.js';
import type { PaylaterPlan } from './paylater-plans.js';
import { refusalFor, SANDBOX_OTP, TEST_PIN, type ShopperRefusal } from './test-shoppers.js';
import type { StoredTransaction } from '../model/transaction.js';

/** What the service lends the checkout: its transitions and its timeline. */
export interface CheckoutWriter {
  apply(tx: StoredTransaction, action: Action, cause: string): Promise<boolean>;
  note(tx: StoredTransaction, event: string, detail?: string): Promise<void>;
  record(tx: StoredTransaction, event: string, detail?: string): void;
}

/** How a checkout step went; a page maps each refusal to its own words. */
export type CheckoutResult<Next extends string, Reason extends string = never> =
  | { ok: true; next: Next }
  /** A wrong secret or code: the step is shown again, with the attempts left. */
  | { ok: false; refusal: 'wrong-secret'; left: number }
  /** The last allowed attempt was wrong: the order is FAILURE. */
  | { ok: false; refusal: 'too-many-attempts' }
  /** The provider refused the account, or the issuer the card: the order is FAILURE. */
  | { ok: false; refusal: 'declined'; reason: Reason };

/** `+62812****8844`: enough to recognise the number, as OTP screens and the timeline show it. */
export function maskPhone(phone: string): string {
  return phone.length <= 8 ? phone : `${phone.slice(0, 6)}****${phone.slice(-4)}`;
}

interface SignInRule {
  secret: 'PIN' | 'password';
  limit: number;
  /** How the account is written in the timeline. */
  shown(account: string): string;
  /** What follows a good sign-in: the OTP step (paylater) or the payment itself. */
  then: 'otp' | 'paid';
  capCause(channel: Channel): string;
}

const walletSignIn = (secret: SignInRule['secret'], shown: SignInRule['shown']): SignInRule => ({
  secret, limit: ATTEMPT_LIMITS.wallet.signin, shown, then: 'paid', capCause: (channel) => `${ATTEMPT_LIMITS.wallet.signin} wrong ${secret}s on the ${channel.name} page`,
});

/** The provider sign-ins, per page family. */
const SIGN_IN: Partial<Record<Family, SignInRule>> = {
  paylater: { secret: 'PIN', limit: ATTEMPT_LIMITS.paylater.signin, shown: maskPhone, then: 'otp', capCause: () => `${ATTEMPT_LIMITS.paylater.signin} wrong PINs` },
  wallet: walletSignIn('PIN', maskPhone),
  webcheckout: walletSignIn('PIN', maskPhone),
  ibank: walletSignIn('password', (account) => account),
};

/** The code checks after a first step, per page family: paylater's SMS OTP, a card's 3-D Secure. */
const CODE_CHECKS: Partial<Record<Family, { code: string; limit: number; name: string; refused: string; passed: string; then: 'plan' | 'paid' }>> = {
  paylater: { code: SANDBOX_OTP, limit: ATTEMPT_LIMITS.paylater.otp, name: 'OTP', refused: 'OTP refused', passed: 'OTP accepted', then: 'plan' },
  card: { code: THREE_DS_OTP, limit: ATTEMPT_LIMITS.card.otp, name: '3-D Secure OTP', refused: '3-D Secure OTP refused', passed: '3-D Secure passed', then: 'paid' },
};

const onInstructionsPage = (tx: StoredTransaction, channel: Channel) => `simulated ${channel.name} payment of ${tx.paymentCode} on the instructions page`;

/** The sandbox "pay" buttons of pages without a sign-in, and what the timeline says of them. */
const PAGE_PAYMENTS: Partial<Record<Family, (tx: StoredTransaction, channel: Channel) => string>> = {
  qris: () => 'QR scanned and paid (simulated on the QRIS page)',
  va: onInstructionsPage,
  paycode: onInstructionsPage,
  retail: onInstructionsPage,
};

/**
 * Every step a shopper takes on a checkout page, as the service records it: the page shows, this decides
 * and writes (progress, attempt counts, card, plan, timeline, the final transition).
 */
export class Checkout {
  constructor(private readonly writer: CheckoutWriter) {}

  /** Notes the first time the shopper opens the order's page; later visits and refreshes are not news and write nothing. */
  async opened(tx: StoredTransaction, page: string): Promise<void> {
    if (tx.checkout.opened) return;
    tx.checkout.opened = true;
    await this.writer.note(tx, 'checkout opened', page);
  }

  /** Signs in to the provider (paylater, e-wallet, internet banking) with `secret`: on to the OTP, or paid. */
  async signIn(tx: StoredTransaction, account: string, secret: string): Promise<CheckoutResult<'otp' | 'paid', ShopperRefusal>> {
    const channel = channelOf(tx.channel) ?? HOSTED;
    // Pages only sign in to orders of their own family.
    const rule = SIGN_IN[channel.family]!;
    if (secret !== TEST_PIN) return this.wrong(tx, 'signin', rule.limit, `wrong ${rule.secret}, `, 'sign-in refused', rule.capCause(channel));
    if (rule.then === 'otp') tx.checkout.phone = account;
    const refusal = refusalFor(account);
    if (refusal) return this.decline(tx, refusal, `${channel.name} refused ${rule.shown(account)}: ${refusal}`);
    if (rule.then === 'paid') {
      await this.end(tx, 'pay', `paid with ${channel.name} account ${rule.shown(account)}`);
      return { ok: true, next: 'paid' };
    }
    tx.checkout.step = 'otp';
    await this.writer.note(tx, 'signed in', rule.shown(account));
    return { ok: true, next: 'otp' };
  }

  /** Checks the OTP (paylater) or 3-D Secure code (card): on to the plan, or paid. */
  async submitOtp(tx: StoredTransaction, code: string): Promise<CheckoutResult<'plan' | 'paid'>> {
    const check = CODE_CHECKS[channelOf(tx.channel)?.family ?? 'hosted']!;
    if (code.trim() !== check.code) return this.wrong(tx, 'otp', check.limit, '', check.refused, `${check.limit} wrong ${check.name}s`);
    await this.writer.note(tx, check.passed);
    if (check.then === 'paid') {
      await this.end(tx, 'pay', `paid by card ${tx.card?.mask} after 3-D Secure`);
      return { ok: true, next: 'paid' };
    }
    tx.checkout.step = 'plan';
    return { ok: true, next: 'plan' };
  }

  /** The shopper picked a paylater plan and paid. */
  async choosePlan(tx: StoredTransaction, plan: PaylaterPlan): Promise<void> {
    tx.checkout.plan = plan.id;
    await this.end(tx, 'pay', `paid with ${channelOf(tx.channel)?.name}, ${plan.label.en}`);
  }

  /** The card entered on the card form (CVV as typed): paid, on to 3-D Secure, or declined as the test card says. */
  async cardOutcome(tx: StoredTransaction, card: TestCard, cvv: string): Promise<CheckoutResult<'paid' | 'otp', Exclude<CardOutcome, 'success' | 'challenge'>>> {
    const limit = ATTEMPT_LIMITS.card.signin;
    if (!new RegExp(`^\\d{${cvvLength(card)}}$`).test(cvv.trim())) return this.wrong(tx, 'signin', limit, 'wrong CVV, ', 'card refused', `${limit} wrong CVVs`);
    const details = detailsOf(card);
    tx.card = details;
    this.writer.record(tx, 'card entered', `${details.mask} (${card.info.brand})`);
    switch (card.outcome) {
      case 'success':
        await this.end(tx, 'pay', `paid by card ${details.mask}`);
        return { ok: true, next: 'paid' };
      case 'challenge':
        tx.checkout.step = 'otp';
        await this.writer.note(tx, '3-D Secure challenge', SECURE_PROGRAMMES[card.info.brand]);
        return { ok: true, next: 'otp' };
      case 'declined':
        return this.decline(tx, 'declined', `card ${details.mask} declined: do not honour`);
      case 'insufficientFunds':
        return this.decline(tx, 'insufficientFunds', `card ${details.mask} declined: insufficient funds`);
    }
  }

  /** The sandbox button of an instructions or QR page: the payment as the bank, store or app would report it. */
  async payOnPage(tx: StoredTransaction): Promise<void> {
    const channel = channelOf(tx.channel) ?? HOSTED;
    await this.end(tx, 'pay', PAGE_PAYMENTS[channel.family]!(tx, channel));
  }

  /** The saved card of a two-click order was deleted before the shopper paid with it: FAILURE, as the token is refused. */
  async savedCardDeleted(tx: StoredTransaction, mask: string): Promise<void> {
    await this.end(tx, 'fail', `saved card ${mask} was deleted before it was charged`);
  }

  /** The shopper cancelled on the page: FAILURE. */
  async cancel(tx: StoredTransaction): Promise<void> {
    const channel = channelOf(tx.channel) ?? HOSTED;
    await this.end(tx, 'fail', `shopper cancelled on the ${channel.family === 'card' ? 'card' : channel.name} page`);
  }

  /** Counts a wrong answer; the last allowed one ends the order in FAILURE. */
  private async wrong(tx: StoredTransaction, kind: AttemptKind, limit: number, what: string, event: string, capCause: string): Promise<CheckoutResult<never>> {
    const left = failedAttempt(tx.checkout, kind, limit);
    if (left === 0) {
      await this.end(tx, 'fail', capCause);
      return { ok: false, refusal: 'too-many-attempts' };
    }
    await this.writer.note(tx, event, `${what}attempt ${limit - left} of ${limit}`);
    return { ok: false, refusal: 'wrong-secret', left };
  }

  private async decline<Reason extends string>(tx: StoredTransaction, reason: Reason, cause: string): Promise<CheckoutResult<never, Reason>> {
    await this.end(tx, 'fail', cause);
    return { ok: false, refusal: 'declined', reason };
  }

  private async end(tx: StoredTransaction, action: Action, cause: string): Promise<void> {
    tx.checkout.step = 'done';
    await this.writer.apply(tx, action, cause);
  }
}

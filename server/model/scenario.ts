/** How a FAILURE is worded to the merchant: the docs' status list says FAILURE, the official plugin and four other clients handle only FAILED. */
export const FAILURE_WORDS = ['FAILURE', 'FAILED'] as const;
export type FailureWord = (typeof FAILURE_WORDS)[number];

/** What a scenario can schedule for an order. */
export type ScheduledAction = 'pay' | 'fail' | 'expire';

export interface ScenarioMatch {
  channel?: string | string[];
  amount?: number | { min?: number; max?: number };
  /** Regular expressions, tested against the request's values. */
  orderId?: string;
  email?: string;
  phone?: string;
  merchant?: string;
}

/** The order of the shopper's redirect back to the merchant and the callback. */
export const REDIRECT_TIMINGS = ['before-callback', 'after-callback'] as const;
export type RedirectTiming = (typeof REDIRECT_TIMINGS)[number];

export interface CallbackBehaviour {
  delayMs?: number;
  failFirst?: number;
  /** Send the delivered callback again: `true` once more, a number that many times more. */
  duplicate?: boolean | number;
  /** Each duplicate gets a new x-timestamp (and so a new x-signature), sent 1 s apart on the virtual clock. */
  freshTimestamp?: boolean;
  /** The first attempt leaves after the payment link expired (`delayMs` after `expiresAt`, default 5 s). */
  late?: boolean;
  /** A paid order also gets a FAILURE callback for an earlier failed attempt, delivered after the paid one. */
  outOfOrder?: boolean;
  /** A validly signed callback for a made-up order id of the same merchant, sent before or after the real one. */
  phantom?: 'before' | 'after';
  /** Added to the amounts the body reports (order.amount, result.payment.amount); check-status keeps the truth. */
  wrongAmount?: number;
  /** Whether the shopper's page redirects back before the callback leaves, or waits for its first attempt. */
  redirect?: RedirectTiming;
  badSignature?: boolean;
  unescapedBody?: boolean;
  never?: boolean;
  /** Send callbacks only for these statuses (instead of `--callback-statuses`). */
  statuses?: string[];
  /** The word a FAILURE is reported with, in callbacks and check-status (instead of `--failure-status`). */
  failureStatus?: FailureWord;
  /** Send an `x-signature` that does not verify with the served public key. */
  badRsaSignature?: boolean;
}

/** The gateway operations a scenario can put faults on (the keys of `effects.faults`; `any` is each one not named). */
export const FAULT_OPERATIONS = [
  'initiate', 'check', 'cancel', 'void', 'refund', 'oneClick', 'cardDelete', 'openVaRegister', 'openVaUpdate', 'openVaCheck', 'openVaDelete',
] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** What a scenario does to one gateway answer: wait, answer an error, or drop the connection; `{}` lets it pass. */
export interface GatewayFault {
  responseCode?: string;
  responseMessage?: string;
  httpStatus?: number;
  delayMs?: number;
  /** With it the delay is picked per request between `delayMs` and this. */
  delayMaxMs?: number;
  dropConnection?: boolean;
  /** Do the operation as usual although the answer says otherwise (ambiguous outcome). */
  process?: boolean;
  /** The share of requests (0 to 1) that get the fault; the others pass untouched. */
  rate?: number;
}

/** `effects.initiate`, the first fault block, kept under its name. */
export type InitiateOverride = GatewayFault;

/** A scenario as used at run time: durations already in milliseconds. */
export interface Scenario {
  name: string;
  description?: string;
  enabled: boolean;
  match: ScenarioMatch;
  effects: {
    initiate?: InitiateOverride;
    /** Per operation, a sequence of faults: request n gets step n, the last step repeats. */
    faults?: Partial<Record<FaultOperation | 'any', GatewayFault[]>>;
    expiryMs?: number;
    /** With `sequence`, each initiate under the scenario gets the next action (`action` is the first). */
    outcome?: { action: ScheduledAction; afterMs: number; sequence?: ScheduledAction[] };
    /** One transfer into an open VA registered under the scenario, `afterMs` after the register. */
    openVaTransfer?: { amount: number; afterMs: number };
    callback?: CallbackBehaviour;
  };
  /** `runtime`, or the file it came from. */
  source: string;
}

/** What a scenario is matched against: the initiate request, its merchant and its headers. */
export interface MatchInput {
  merchantId: string;
  channel: string;
  amount: number;
  orderId: string;
  email: string;
  phone: string;
  /** Value of the X-Finnet-Mock-Scenario request header, if sent. */
  requested?: string;
}

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

export interface CallbackBehaviour {
  delayMs?: number;
  failFirst?: number;
  duplicate?: boolean;
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

export interface InitiateOverride {
  responseCode?: string;
  responseMessage?: string;
  httpStatus?: number;
  delayMs?: number;
  dropConnection?: boolean;
  process?: boolean;
}

/** A scenario as used at run time: durations already in milliseconds. */
export interface Scenario {
  name: string;
  description?: string;
  enabled: boolean;
  match: ScenarioMatch;
  effects: {
    initiate?: InitiateOverride;
    expiryMs?: number;
    outcome?: { action: ScheduledAction; afterMs: number };
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

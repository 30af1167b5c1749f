import type { DurationRange } from '../support/duration-range.js';
import type { LogFormat, LogLevel } from '../support/logger.js';
import type { FailureWord } from './scenario.js';
import type { PaymentStatus } from './transaction.js';

export interface Merchant {
  id: string;
  key: string;
}

/** A channel a merchant has not enabled: initiating on it answers 403 4030001 Feature Not Allowed. */
export interface DisabledChannel {
  /** A merchant id, or `*` for every merchant. */
  merchantId: string;
  /** Canonical `sourceOfFunds.type`. */
  type: string;
}

export interface Config {
  port: number;
  host: string;
  /** Base of every URL the simulator hands out (`redirecturl`, `imageurl`); default `http://localhost:<port>`. */
  publicUrl?: string;
  /** lowdb data file, or `:memory:`. */
  db: string;
  merchants: Merchant[];
  seed?: string;
  logLevel: LogLevel;
  /** `human` lines or one JSON object a line. */
  logFormat: LogFormat;
  /** `responseMessage` of successful answers (the live sandbox says `Request has been processed successfully`). */
  successMessage: string;
  /** Seconds to wait before each retry of a failed callback; after the last one the delivery gives up. */
  callbackRetries: number[];
  /** How long a callback receiver may take to answer before the attempt counts as failed. */
  callbackTimeoutMs: number;
  /** Folders of scenario files. */
  scenarios: string[];
  /** When set, `/_mock` (but its health check) and the dashboard need it. */
  adminToken?: string;
  /** Channels that are off for a merchant (or all of them). */
  disabledChannels: DisabledChannel[];
  /** Hosts callbacks may go to (`*.example.com` for subdomains); empty = any. */
  callbackHosts: string[];
  /** The final statuses that send a callback. */
  callbackStatuses: PaymentStatus[];
  /** The word callbacks and check-status use for a FAILURE order (scenarios may choose per order). */
  failureStatus: FailureWord;
  /** PEM of the RSA-4096 private key that signs `x-signature`; unset = the shipped keys/callback-rsa.pem. */
  callbackRsaKey?: string;
  /** Real time every gateway answer is held back, picked per request in the range (seeded); unset = none. */
  latency?: DurationRange;
  /** Host names (`*.example.com` for subdomains) served besides loopback ones and the public URL's (see server/http/allowed-hosts.ts). */
  allowedHosts: string[];
  /** Gateway base URL to forward the gateway API to and record from (server/recording/); unset = simulate. */
  recordFrom?: string;
  /** Cassette file that recording writes. */
  cassette: string;
  /** Cassette file whose recorded answers are replayed; unset = none. */
  replay?: string;
}

import type { CallbackDispatcher } from '../callbacks/dispatcher.js';
import type { VirtualClock } from '../clock/clock.js';
import type { Config, Merchant } from '../model/config.js';
import type { Logger } from '../support/logger.js';
import type { LiveEvents } from './live-events.js';
import type { RequestLog } from './request-log.js';
import type { ScenarioRegistry } from '../scenarios/registry.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Store } from '../store/store.js';
import type { TransactionService } from '../transactions/service.js';
import type { OpenVaService } from '../transactions/open-vas.js';
import type { SubscriptionService } from '../transactions/subscriptions.js';
import type { SavedCardService } from '../transactions/saved-cards.js';
import type { RequestValidator } from '../validation/request-validator.js';
import type { ValueGenerator } from '../support/value-generator.js';

/** Everything a route needs, built once per running instance. */
export interface AppContext {
  config: Config;
  logger: Logger;
  store: Store;
  clock: VirtualClock;
  scheduler: Scheduler;
  generator: ValueGenerator;
  validator: RequestValidator;
  dispatcher: CallbackDispatcher;
  transactions: TransactionService;
  openVas: OpenVaService;
  /** Recurring charges: subscriptions and their schedule. */
  subscriptions: SubscriptionService;
  /** Saved cards (`card.storedOnFile`): tokens, two-click, one-click, delete. */
  savedCards: SavedCardService;
  merchants: ReadonlyMap<string, Merchant>;
  scenarios: ScenarioRegistry;
  requestLog: RequestLog;
  /** Order changes and callback attempts as they are written, for the dashboard's live view. */
  live: LiveEvents;
  /** Aborted when the instance starts stopping: answers held back on purpose (scenario delays, --latency) go at once. */
  stopped: AbortSignal;
  /** Base of every URL handed out; known once the port is. */
  publicUrl(): string;
}

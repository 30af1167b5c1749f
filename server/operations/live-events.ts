import type { CallbackDispatcher } from '../callbacks/dispatcher.js';
import type { Delivery, DeliveryAttempt, DeliveryState } from '../model/delivery.js';
import type { PaymentStatus, StoredTransaction } from '../model/transaction.js';
import type { TransactionService } from '../transactions/service.js';

/** What the live view hears: an order written, a callback attempt written, a reset. */
export type LiveEvent =
  | { type: 'order'; merchantId: string; orderId: string; status: PaymentStatus }
  | { type: 'callback'; merchantId: string; orderId: string; deliveryId: string; state: DeliveryState; attempt: number; delivered: boolean }
  | { type: 'reset'; merchantId: string | null };

export type LiveListener = (event: LiveEvent) => void;

/**
 * Order changes and callback attempts once they are on disk, for whoever watches live (the dashboard's
 * event stream). The service and dispatcher are listened to only while someone watches, so an instance
 * nobody watches does no work for it.
 */
export class LiveEvents {
  /** Each listener with what to call when the stream of events ends (the simulator stops). */
  private readonly listeners = new Map<LiveListener, () => void>();
  private closed = false;
  private readonly onOrder = (tx: StoredTransaction) => this.publish({ type: 'order', merchantId: tx.merchantId, orderId: tx.orderId, status: tx.status });
  private readonly onAttempt = (d: Delivery, a: DeliveryAttempt) => this.publish({
    type: 'callback', merchantId: d.merchantId, orderId: d.orderId, deliveryId: d.id, state: d.state, attempt: a.n, delivered: a.delivered,
  });
  private readonly onReset = (merchantId: string | undefined) => this.publish({ type: 'reset', merchantId: merchantId ?? null });

  constructor(private readonly transactions: TransactionService, private readonly dispatcher: CallbackDispatcher) {}

  /** How many listen now. */
  get size(): number {
    return this.listeners.size;
  }

  /** Starts telling `listener` of every event; `ended` is called if the events end first. Undefined once stopped. */
  subscribe(listener: LiveListener, ended: () => void): (() => void) | undefined {
    if (this.closed) return undefined;
    if (this.listeners.size === 0) this.attach();
    this.listeners.set(listener, ended);
    return () => this.unsubscribe(listener);
  }

  publish(event: LiveEvent): void {
    // A listener may unsubscribe (drop its client) while being told.
    for (const listener of [...this.listeners.keys()]) listener(event);
  }

  /** Ends every listener's stream and takes no more: the simulator is stopping. */
  close(): void {
    this.closed = true;
    const ended = [...this.listeners.values()];
    this.listeners.clear();
    this.detach();
    for (const end of ended) end();
  }

  private unsubscribe(listener: LiveListener): void {
    if (this.listeners.delete(listener) && this.listeners.size === 0) this.detach();
  }

  private attach(): void {
    this.transactions.changes.on('order', this.onOrder);
    this.transactions.changes.on('reset', this.onReset);
    this.dispatcher.on('attempt', this.onAttempt);
  }

  private detach(): void {
    this.transactions.changes.off('order', this.onOrder);
    this.transactions.changes.off('reset', this.onReset);
    this.dispatcher.off('attempt', this.onAttempt);
  }
}

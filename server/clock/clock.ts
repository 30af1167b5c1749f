import { EventEmitter } from 'node:events';
import type { ClockState } from '../model/clock.js';
import { realNow as realEpochNow } from '../support/real-time.js';

/**
 * The virtual clock behind expiries, `expiryLink`, timelines and retry schedules.
 * It runs with real time (plus an offset) unless frozen; `change` fires whenever it is moved.
 */
export class VirtualClock extends EventEmitter {
  private state: ClockState;

  constructor(initial: ClockState = { offsetMs: 0, frozenAt: null }, private readonly realNow: () => number = realEpochNow) {
    super();
    this.state = { ...initial };
  }

  now(): number {
    return this.state.frozenAt ?? this.realNow() + this.state.offsetMs;
  }

  get frozen(): boolean {
    return this.state.frozenAt !== null;
  }

  snapshot(): ClockState {
    return { ...this.state };
  }

  freeze(): void {
    this.state = { offsetMs: this.state.offsetMs, frozenAt: this.now() };
    this.emit('change');
  }

  resume(): void {
    if (this.state.frozenAt === null) return;
    this.state = { offsetMs: this.state.frozenAt - this.realNow(), frozenAt: null };
    this.emit('change');
  }

  /** Moves the clock to `epochMs`, keeping it frozen or running as it was. */
  set(epochMs: number): void {
    this.state = this.state.frozenAt === null
      ? { offsetMs: epochMs - this.realNow(), frozenAt: null }
      : { offsetMs: this.state.offsetMs, frozenAt: epochMs };
    this.emit('change');
  }

  /** Puts the clock back as it was saved, when a move of it could not be written. */
  restore(state: ClockState): void {
    this.state = { ...state };
    this.emit('change');
  }

  /** Back to real time, running. */
  reset(): void {
    this.state = { offsetMs: 0, frozenAt: null };
    this.emit('change');
  }
}

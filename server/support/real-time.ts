/**
 * The timer and clock primitives as they were when the simulator was imported. A merchant's test that then
 * fakes timers (`vi.useFakeTimers()`, `jest.useFakeTimers()`) replaces the globals; the simulator keeps real
 * time for itself, because its own notion of time is the virtual clock. Every server module that schedules
 * or reads real time takes it from here, never from the globals.
 */
const timers = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  queueMicrotask: globalThis.queueMicrotask,
  dateNow: Date.now,
  performance: globalThis.performance,
  performanceNow: globalThis.performance.now,
};

export function setRealTimeout(run: (_: void) => void, ms: number): NodeJS.Timeout {
  return timers.setTimeout.call(globalThis, run, ms);
}

export function clearRealTimeout(timer: NodeJS.Timeout | null | undefined): void {
  timers.clearTimeout.call(globalThis, timer ?? undefined);
}

/** Resolves after `ms` of real time, or at once when `signal` aborts: a stopping simulator does not wait out held-back answers. */
export function waitReal(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearRealTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setRealTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function queueRealMicrotask(run: () => void): void {
  timers.queueMicrotask.call(globalThis, run);
}

/** Real epoch milliseconds (what `Date.now()` said before any faking). */
export function realNow(): number {
  return timers.dateNow.call(Date);
}

/** Real monotonic milliseconds, for durations (what `performance.now()` said before any faking). */
export function realMonotonicNow(): number {
  return timers.performanceNow.call(timers.performance);
}

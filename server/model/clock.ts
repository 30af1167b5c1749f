/** The virtual clock as the data file keeps it. */
export interface ClockState {
  /** Virtual time minus real time, in ms, while the clock runs. */
  offsetMs: number;
  /** Virtual time at which the clock stands still, or null when it runs. */
  frozenAt: number | null;
}

/**
 * Where a long operation spends its time, by phase (parse, validate, write,
 * ...), for `npm run bench`. One clock reading per switch; the operations
 * switch at row or batch boundaries, so the clock costs a fraction of a
 * microsecond per row and nothing when no clock is given.
 */
export interface PhaseTimer {
  /** From now on, time counts to `phase`. */
  switch(phase: string): void;
  /** Runs `fn` in `phase`, then returns to the phase before. */
  within<T>(phase: string, fn: () => T): T;
}

export class PhaseClock implements PhaseTimer {
  /** Milliseconds per phase, in the order the phases first ran. */
  readonly ms = new Map<string, number>();
  private phase: string | null = null;
  private since = 0;

  switch(phase: string | null): void {
    const now = performance.now();
    if (this.phase !== null) this.ms.set(this.phase, (this.ms.get(this.phase) ?? 0) + now - this.since);
    this.phase = phase;
    this.since = now;
  }

  within<T>(phase: string, fn: () => T): T {
    const before = this.phase;
    this.switch(phase);
    try {
      return fn();
    } finally {
      this.switch(before);
    }
  }

  /** Stops the clock: the current phase ends now. */
  stop(): void {
    this.switch(null);
  }
}

/** The clock of an operation nobody is timing. */
export const NO_CLOCK: PhaseTimer = {
  switch() {},
  within: (_phase, fn) => fn(),
};

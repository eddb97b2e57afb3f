/**
 * Refused calls per caller: past a few dozen a minute, further calls of that
 * caller are answered 429 at the door, before any lookup or log row, until
 * the minute has passed. A caller is the account behind the session, or
 * "anonymous" for every call without a valid one (so made-up session tokens
 * do not make new callers).
 */
export const REFUSALS_PER_MINUTE = 30;
const WINDOW_MS = 60_000;
const MAX_CALLERS = 10_000;

export class RefusalLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit = REFUSALS_PER_MINUTE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `who` may call again; 0 when not blocked. */
  blockedFor(who: string): number {
    const w = this.windows.get(who);
    if (!w) return 0;
    const left = w.start + WINDOW_MS - this.now();
    if (left <= 0) {
      this.windows.delete(who);
      return 0;
    }
    return w.count >= this.limit ? left : 0;
  }

  refused(who: string): void {
    const now = this.now();
    let w = this.windows.get(who);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.windows.size >= MAX_CALLERS) this.windows.clear();
      w = { start: now, count: 0 };
      this.windows.set(who, w);
    }
    w.count++;
  }
}

/**
 * Bounds how many warnings the CLI writes: a client that provokes a warning per message (answers to
 * unknown peers, say) must not be able to fill the operator's disk. Pure, with the clock passed in.
 */

/** Warnings printed per window, beyond which they are counted and summarized. */
export const WARNINGS_PER_WINDOW = 20;
/** Length of one window, in ms. */
export const WARNING_WINDOW_MS = 60_000;

/** What to do with one warning. */
export interface WarningDecision {
  /** Print this warning. */
  readonly print: boolean;
  /** Warnings dropped in the window that just ended (print a summary line when > 0). */
  readonly suppressedBefore: number;
}

/** Fixed-window throttle: the first {@link WARNINGS_PER_WINDOW} of each window are printed. */
export class WarningThrottle {
  private windowStartMs: number | undefined;
  private printed = 0;
  private suppressed = 0;

  constructor(
    private readonly perWindow = WARNINGS_PER_WINDOW,
    private readonly windowMs = WARNING_WINDOW_MS,
  ) {}

  /** Decides about a warning seen at `nowMs`. */
  admit(nowMs: number): WarningDecision {
    let suppressedBefore = 0;
    if (this.windowStartMs === undefined || nowMs - this.windowStartMs >= this.windowMs) {
      suppressedBefore = this.suppressed;
      this.windowStartMs = nowMs;
      this.printed = 0;
      this.suppressed = 0;
    }
    if (this.printed < this.perWindow) {
      this.printed++;
      return { print: true, suppressedBefore };
    }
    this.suppressed++;
    return { print: false, suppressedBefore };
  }
}

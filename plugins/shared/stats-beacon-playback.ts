/**
 * The playback times schema 2 of the stats beacon reports (docs/STATS-BEACON.md): how long each
 * source took to start (from the play request, or from the load when playback starts by itself, to
 * the first `playing`) and how long playback spent stalled (from a `waiting` after playback started
 * to the next `playing`, not while seeking). Counted the same way as `StallCounter` counts stalls.
 */

/** The members of `HTMLMediaElement` read here. */
export type PlaybackMediaLike = Pick<
  HTMLMediaElement,
  'seeking' | 'addEventListener' | 'removeEventListener'
>;

/** Follows one media element at a time; stall time survives switching elements. */
export class PlaybackTimings {
  private media: PlaybackMediaLike | undefined;
  private stalledMs = 0;
  private stallStartedAtMs: number | undefined;
  private startRequestedAtMs: number | undefined;
  private startedAfterMs: number | undefined;
  private started = false;
  private readonly handlers: Readonly<Record<string, () => void>> = {
    loadstart: () => {
      this.newSource();
      this.startRequestedAtMs = this.now();
    },
    emptied: () => {
      this.newSource();
    },
    play: () => {
      // A play request before the first frame: startup counts from here (autoplay or a click).
      if (!this.started) this.startRequestedAtMs = this.now();
    },
    playing: () => {
      const nowMs = this.now();
      this.endStall(nowMs);
      if (!this.started) {
        this.started = true;
        if (this.startRequestedAtMs !== undefined) {
          this.startedAfterMs = Math.max(0, Math.round(nowMs - this.startRequestedAtMs));
        }
        this.onFirstFrame?.();
      }
    },
    waiting: () => {
      if (this.started && this.media?.seeking !== true && this.stallStartedAtMs === undefined) {
        this.stallStartedAtMs = this.now();
      }
    },
    seeking: () => {
      // Waiting for data at a new position is not a stall.
      this.stallStartedAtMs = undefined;
    },
    pause: () => {
      this.endStall(this.now());
    },
  };

  /**
   * @param now - clock, ms (default `performance.now` where it exists, else `Date.now`)
   * @param onFirstFrame - called at each source's first `playing` (the session sends a beacon
   *   then, so operators see a viewer and its startup time without waiting a whole interval)
   */
  constructor(
    private readonly now: () => number = typeof performance === 'undefined'
      ? Date.now
      : () => performance.now(),
    private readonly onFirstFrame?: () => void,
  ) {}

  /** Time spent stalled so far over every element followed, ms (a stall in progress included). */
  get stallMs(): number {
    const ongoing =
      this.stallStartedAtMs === undefined ? 0 : Math.max(0, this.now() - this.stallStartedAtMs);
    return Math.round(this.stalledMs + ongoing);
  }

  /** Startup time of the current source, ms; `null` until its first frame. */
  get startupMs(): number | null {
    return this.startedAfterMs ?? null;
  }

  /** Follows `media` (and stops following the previous element). Following it again does nothing. */
  watch(media: PlaybackMediaLike): void {
    if (media === this.media) return;
    this.unwatch();
    this.media = media;
    for (const [type, handler] of Object.entries(this.handlers)) {
      media.addEventListener(type, handler);
    }
  }

  /** Stops following the current element (a stall in progress ends now). */
  unwatch(): void {
    const media = this.media;
    if (!media) return;
    this.endStall(this.now());
    for (const [type, handler] of Object.entries(this.handlers)) {
      media.removeEventListener(type, handler);
    }
    this.media = undefined;
  }

  private newSource(): void {
    this.endStall(this.now());
    this.started = false;
    this.startRequestedAtMs = undefined;
    this.startedAfterMs = undefined;
  }

  private endStall(nowMs: number): void {
    if (this.stallStartedAtMs === undefined) return;
    this.stalledMs += Math.max(0, nowMs - this.stallStartedAtMs);
    this.stallStartedAtMs = undefined;
  }
}

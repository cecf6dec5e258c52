/**
 * Where a live stream starts playing, before the media element knows. Shaka picks its start
 * position (the live edge minus the presentation delay) and requests the segments there before it
 * sets the element's `currentTime`: until the element has data at its position, `currentTime` is 0
 * and nothing is buffered there. The engine then counts every startup segment as due at once, and a
 * joining viewer fetched all of the 2-3 segments of each stream it buffers first from the origin,
 * although only those at the start position are needed to start and its peers hold the others.
 *
 * Until playback has had data at its position, the start position stands in for the element's:
 * Shaka's live start (the end of its seek range, which moves on with the clock as a playhead would)
 * but never before the earliest segment requested (a start chosen by the application). Shaka also
 * requests the segment before the one its start falls in (its `inaccurateManifestTolerance`), so the
 * earliest segment requested alone would put the position up to a segment too early and make the
 * segment playback starts in look not due yet. VOD streams start where the element says (0 unless
 * the application chose a start time, when the element's 0 only makes startup segments look more
 * urgent than they are).
 */
import type { PlaybackState } from '../../core/model/segment.js';

/** `HTMLMediaElement.HAVE_CURRENT_DATA`: the element has data at its current position. */
const HAVE_CURRENT_DATA = 2;

/** Tracks the start position of one load until the media element has caught up with it. */
export class StartupPosition {
  private earliestRequested: number | undefined;
  private started = false;

  /**
   * The player asked for a media segment starting at `startTime` seconds.
   *
   * @returns true when the position to report may have changed (report playback again)
   */
  segmentRequested(startTime: number): boolean {
    if (this.started || !Number.isFinite(startTime)) return false;
    if (this.earliestRequested !== undefined && this.earliestRequested <= startTime) return false;
    this.earliestRequested = startTime;
    return true;
  }

  /**
   * The state to report for the element's `state`: the element's own once it has had data at its
   * position (`readyState` at least `HAVE_CURRENT_DATA`; from then on for good: later drops, on seeks
   * and stalls, are real), or when the stream is not live (`liveStart` undefined); else the live
   * start position, with nothing buffered yet.
   *
   * @param readyState - the element's `readyState`
   * @param liveStart - where the player starts a live stream (seconds), undefined for VOD
   */
  adjust(state: PlaybackState, readyState: number, liveStart: number | undefined): PlaybackState {
    if (readyState >= HAVE_CURRENT_DATA) this.started = true;
    if (this.started || liveStart === undefined || !Number.isFinite(liveStart)) return state;
    if (this.earliestRequested === undefined) return state;
    const position = Math.max(liveStart, this.earliestRequested);
    return { position, rate: state.rate, bufferedEnd: position };
  }

  /** Starts over for a new source. */
  reset(): void {
    this.earliestRequested = undefined;
    this.started = false;
  }
}

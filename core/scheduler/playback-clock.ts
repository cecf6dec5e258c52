/**
 * Extrapolates the playhead between the adapter's updates, so deadlines stay right between
 * `timeupdate` events (which browsers fire only every 250 ms or so).
 */
import type { PlaybackState } from '../model/segment.js';

/** The playhead as of the last update, and how it moves since. */
export class PlaybackClock {
  private state: PlaybackState = { position: 0, rate: 0 };
  private updatedAtMs = 0;

  /** Records a playback update received at `nowMs`. */
  update(state: PlaybackState, nowMs: number): void {
    this.state = state;
    this.updatedAtMs = nowMs;
  }

  /** The last state reported. */
  get current(): PlaybackState {
    return this.state;
  }

  /** The playhead position at `nowMs`, extrapolated at the current rate (never past the buffered end). */
  positionAt(nowMs: number): number {
    const { position, rate, bufferedEnd } = this.state;
    const moved = position + (Math.max(0, nowMs - this.updatedAtMs) / 1000) * rate;
    return bufferedEnd === undefined ? moved : Math.min(moved, Math.max(position, bufferedEnd));
  }

  /**
   * Seconds until playback needs a segment starting at `startTime`: the time to reach it, or to
   * reach the end of the buffer if that comes first (the player stalls there without it). Paused
   * playback counts as normal speed: the viewer may press play at any moment.
   *
   * @param extendBufferedEnd - maps the reported buffered end to how far the segment's own stream
   *   is known to reach (see DeliveredRanges); never less than its argument. Default: unchanged.
   */
  slackSeconds(
    startTime: number,
    nowMs: number,
    extendBufferedEnd?: (bufferedEnd: number) => number,
  ): number {
    const position = this.positionAt(nowMs);
    const { bufferedEnd } = this.state;
    let neededAt = startTime;
    if (bufferedEnd !== undefined) {
      const reported = Math.max(bufferedEnd, position);
      const reach = extendBufferedEnd ? Math.max(reported, extendBufferedEnd(reported)) : reported;
      neededAt = Math.min(startTime, reach);
    }
    const rate = this.state.rate > 0 ? this.state.rate : 1;
    return Math.max(0, (neededAt - position) / rate);
  }
}

/**
 * The media element of a virtual viewer, without media: a playhead that moves at rate 1 through
 * what is buffered, starts when the first segment is buffered (autoplay, as the bench's pages
 * play), stalls when the buffer runs out and resumes when a segment arrives. It keeps the startup
 * and stall accounting. Time is passed in (ms on any monotonic clock), so it is pure and testable.
 */
import type { PlaybackState } from '../../../core/model/segment.js';

/**
 * A segment starting this close after the buffered end continues the buffered range (players
 * report small holes between appended segments as one range; media-playback.ts uses 0.1 s too).
 */
export const BUFFER_HOLE_TOLERANCE_SECONDS = 0.1;

/** Settings of a {@link PlaybackModel}. */
export interface PlaybackModelOptions {
  /** Where playback starts, seconds on the viewer's timeline. */
  readonly startPositionSeconds: number;
  /** When `start()` was called (ms): startup time counts from here. */
  readonly createdAtMs: number;
}

/** Counters of a playback so far. */
export interface PlaybackCounters {
  /** ms from `createdAtMs` to the first buffered segment, or undefined before. */
  readonly startupMs: number | undefined;
  /** Times the buffer ran out after playback started (not counting the end of a VOD stream). */
  readonly stalls: number;
  /** Total ms spent stalled (an ongoing stall counted up to the last update). */
  readonly stallMs: number;
  /** Buffer holes playback jumped over (a live window that slid past the buffered end). */
  readonly gapsSkipped: number;
  /** Seconds of media played. */
  readonly playedSeconds: number;
}

/** The playhead and buffer of one virtual viewer. */
export class PlaybackModel {
  private positionSeconds: number;
  /** Buffered ranges ahead of (or containing) the playhead, ascending, not overlapping. */
  private readonly ranges: { start: number; end: number }[] = [];
  private lastUpdateMs: number;
  private startupMsValue: number | undefined;
  private stallStartMs: number | undefined;
  private stallCount = 0;
  private stallTotalMs = 0;
  private gapCount = 0;
  private played = 0;
  private endSeconds: number | undefined;
  private endedValue = false;

  constructor(private readonly options: PlaybackModelOptions) {
    this.positionSeconds = options.startPositionSeconds;
    this.lastUpdateMs = options.createdAtMs;
  }

  /** The playhead, seconds (as of the last {@link advance}). */
  get position(): number {
    return this.positionSeconds;
  }

  /** End of the buffered range holding the playhead (the playhead itself when none does). */
  get bufferedEnd(): number {
    const current = this.ranges[0];
    return current && current.start <= this.positionSeconds + BUFFER_HOLE_TOLERANCE_SECONDS
      ? Math.max(current.end, this.positionSeconds)
      : this.positionSeconds;
  }

  /** End of everything buffered (where the next fragment goes), the playhead when nothing is. */
  get bufferedEndOfAll(): number {
    return Math.max(this.ranges.at(-1)?.end ?? this.positionSeconds, this.positionSeconds);
  }

  /** Seconds buffered ahead of the playhead in its range (hls.js's forward buffer length). */
  get bufferAheadSeconds(): number {
    return this.bufferedEnd - this.positionSeconds;
  }

  /** True once the first segment was buffered. */
  get started(): boolean {
    return this.startupMsValue !== undefined;
  }

  /** True while playback waits for data after having started. */
  get stalled(): boolean {
    return this.stallStartMs !== undefined;
  }

  /** True once a VOD playhead reached the end of the stream. */
  get ended(): boolean {
    return this.endedValue;
  }

  /** Declares where the stream ends (VOD): reaching it ends playback instead of stalling. */
  setEnd(endSeconds: number): void {
    this.endSeconds = endSeconds;
  }

  /** Moves the playhead to `nowMs`: plays through the buffer, notes the moment it runs out. */
  advance(nowMs: number): void {
    let remainingSeconds = Math.max(0, nowMs - this.lastUpdateMs) / 1000;
    let clockMs = this.lastUpdateMs;
    this.lastUpdateMs = Math.max(this.lastUpdateMs, nowMs);
    if (!this.started || this.endedValue || this.stalled) return;
    while (remainingSeconds > 0) {
      const end = this.bufferedEnd;
      const step = Math.min(remainingSeconds, end - this.positionSeconds);
      this.positionSeconds += step;
      this.played += step;
      remainingSeconds -= step;
      clockMs += step * 1000;
      if (this.positionSeconds < end) break;
      if (this.endSeconds !== undefined && this.positionSeconds >= this.endSeconds - 0.001) {
        this.endedValue = true;
        return;
      }
      // A later buffered range is a hole the player jumps over (hls.js's gap controller).
      const next = this.ranges.find(
        (r) => r.start > this.positionSeconds + BUFFER_HOLE_TOLERANCE_SECONDS,
      );
      if (next) {
        this.gapCount++;
        this.positionSeconds = next.start;
        this.dropPlayedRanges();
        continue;
      }
      this.stallCount++;
      this.stallStartMs = clockMs;
      return;
    }
    this.dropPlayedRanges();
  }

  /**
   * Adds a buffered segment at `nowMs`: the first one starts playback, one that extends the
   * buffer past the playhead ends a stall.
   */
  append(startSeconds: number, endSeconds: number, nowMs: number): void {
    this.advance(nowMs);
    this.insertRange(startSeconds, endSeconds);
    if (!this.started) {
      this.startupMsValue = nowMs - this.options.createdAtMs;
      // Playback starts at the start position, or at the first buffered segment after it.
      const first = this.ranges.find((r) => r.end > this.positionSeconds);
      if (first && first.start > this.positionSeconds) this.positionSeconds = first.start;
      this.dropPlayedRanges();
    } else if (this.stallStartMs !== undefined) {
      // A stall that ends on a range after a hole: jump it, as the gap controller does.
      const next = this.ranges.find((r) => r.end > this.positionSeconds);
      if (next && next.start > this.positionSeconds + BUFFER_HOLE_TOLERANCE_SECONDS) {
        this.gapCount++;
        this.positionSeconds = next.start;
        this.dropPlayedRanges();
      }
    }
    if (this.stallStartMs !== undefined && this.bufferAheadSeconds > 0) {
      this.stallTotalMs += nowMs - this.stallStartMs;
      this.stallStartMs = undefined;
    }
  }

  /** The state the adapter would report to the engine (the element plays: rate 1). */
  playbackState(): PlaybackState {
    return { position: this.positionSeconds, rate: 1, bufferedEnd: this.bufferedEnd };
  }

  /** The counters as of `nowMs` (an ongoing stall counts up to then). */
  counters(nowMs: number): PlaybackCounters {
    const ongoing = this.stallStartMs === undefined ? 0 : Math.max(0, nowMs - this.stallStartMs);
    return {
      startupMs: this.startupMsValue,
      stalls: this.stallCount,
      stallMs: this.stallTotalMs + ongoing,
      gapsSkipped: this.gapCount,
      playedSeconds: this.played,
    };
  }

  private insertRange(start: number, end: number): void {
    if (end <= this.positionSeconds) return;
    const ranges = this.ranges;
    ranges.push({ start, end });
    ranges.sort((a, b) => a.start - b.start);
    const merged: { start: number; end: number }[] = [];
    for (const range of ranges) {
      const last = merged.at(-1);
      if (last && range.start <= last.end + BUFFER_HOLE_TOLERANCE_SECONDS) {
        last.end = Math.max(last.end, range.end);
      } else {
        merged.push({ ...range });
      }
    }
    ranges.splice(0, ranges.length, ...merged);
  }

  private dropPlayedRanges(): void {
    while (this.ranges.length > 1 && (this.ranges[0]?.end ?? 0) <= this.positionSeconds) {
      this.ranges.shift();
    }
  }
}

/**
 * Turns a VOD media playlist into the media playlist of a simulated live stream at a given moment.
 * Pure functions of (VOD playlist, elapsed time): the origin feeds them the time since the live
 * session started, tests feed them any number they like.
 *
 * The model: the VOD content loops forever on a virtual timeline (loop k starts at k x VOD
 * duration). A segment is published once its end is reached. At elapsed time 0 the timeline is
 * already `segmentsInWindow` segments in, so a player joining a new session gets a full window and
 * can start at once. Each wrap to the start of the VOD is marked with EXT-X-DISCONTINUITY (the
 * timestamps inside the media jump back), and media sequence numbers keep increasing across wraps.
 */
import type { InitSegment, MediaPlaylist, MediaPlaylistSegment } from './hls-playlist.js';

/** Settings of the live window. */
export interface LiveWindowOptions {
  /** How many segments the live playlist lists (at least 1). */
  readonly segmentsInWindow: number;
}

/** One segment of the live window. */
export interface LiveSegment {
  /** `EXT-X-MEDIA-SEQUENCE` number of the segment: the VOD's first number + segments published before it. */
  readonly mediaSequence: number;
  /** Discontinuity sequence number (increases at every wrap and at every VOD discontinuity). */
  readonly discontinuitySequence: number;
  /** How many times the VOD had wrapped when this segment aired (0 for the first pass). */
  readonly loop: number;
  /** Index of the segment in the VOD playlist. */
  readonly vodIndex: number;
  /** The VOD segment replayed (URI, duration, byte range, init segment). */
  readonly segment: MediaPlaylistSegment;
  /**
   * When the segment started airing, in ms relative to the session start (negative for the
   * segments that make up the window already full at session start).
   */
  readonly startOffsetMs: number;
}

/** The live playlist at one moment. */
export interface LiveWindow {
  /** Media sequence number of the first listed segment. */
  readonly mediaSequence: number;
  /** Discontinuity sequence number of the first listed segment. */
  readonly discontinuitySequence: number;
  /** `EXT-X-TARGETDURATION` to announce, in seconds. */
  readonly targetDurationSec: number;
  /** `EXT-X-VERSION` to announce: the VOD's, raised to what the used tags require. */
  readonly version: number;
  /** Whether to carry over `EXT-X-INDEPENDENT-SEGMENTS`. */
  readonly independentSegments: boolean;
  /** Listed segments, oldest first; always `segmentsInWindow` of them. */
  readonly segments: readonly LiveSegment[];
}

/** Durations in whole microseconds keep the arithmetic exact (2.000000 s x 1000 loops is still exact). */
const MICROS_PER_SEC = 1_000_000;

/** Precomputed timing of one pass through the VOD. */
interface LoopTiming {
  /** End of each VOD segment, in µs from the loop start; ascending. */
  readonly segmentEndUs: readonly number[];
  /** Duration of one pass, in µs. */
  readonly loopUs: number;
  /** Discontinuities the VOD itself declares at index 1..i (its own tags), for each i. */
  readonly ownDiscontinuitiesUpTo: readonly number[];
}

function loopTiming(segments: readonly MediaPlaylistSegment[]): LoopTiming {
  const segmentEndUs: number[] = [];
  const ownDiscontinuitiesUpTo: number[] = [];
  let endUs = 0;
  let discontinuities = 0;
  segments.forEach((segment, index) => {
    endUs += Math.round(segment.durationSec * MICROS_PER_SEC);
    segmentEndUs.push(endUs);
    if (index > 0 && segment.discontinuity) discontinuities += 1;
    ownDiscontinuitiesUpTo.push(discontinuities);
  });
  return { segmentEndUs, loopUs: endUs, ownDiscontinuitiesUpTo };
}

/** End of global segment `position` (0-based, counting across loops) on the virtual timeline, µs. */
function segmentEndAt(timing: LoopTiming, position: number): number {
  const count = timing.segmentEndUs.length;
  const loop = Math.floor(position / count);
  return loop * timing.loopUs + (timing.segmentEndUs[position - loop * count] ?? 0);
}

/** Number of VOD segments whose end is at or before `offsetUs` within one loop (binary search). */
function segmentsEndedWithinLoop(timing: LoopTiming, offsetUs: number): number {
  let low = 0;
  let high = timing.segmentEndUs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((timing.segmentEndUs[middle] ?? Infinity) <= offsetUs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The HLS version the tags used by `segments` require (RFC 8216, section 7). */
function requiredVersion(segments: readonly MediaPlaylistSegment[]): number {
  // 3: decimal EXTINF durations; 4: EXT-X-BYTERANGE; 6: EXT-X-MAP without I-FRAMES-ONLY.
  if (segments.some((segment) => segment.init !== undefined)) return 6;
  if (segments.some((segment) => segment.byteRange !== undefined)) return 4;
  return 3;
}

/**
 * The live window of `vod` after `elapsedMs` of the session.
 * @param vod - the VOD media playlist to loop; must have at least one segment of non-zero duration
 * @param elapsedMs - time since the session started, in ms (negative values count as 0)
 * @throws RangeError when the VOD has no playable duration or `segmentsInWindow` < 1
 */
export function computeLiveWindow(
  vod: MediaPlaylist,
  elapsedMs: number,
  options: LiveWindowOptions,
): LiveWindow {
  const windowSize = options.segmentsInWindow;
  if (!Number.isInteger(windowSize) || windowSize < 1) {
    throw new RangeError(`segmentsInWindow must be an integer >= 1, got ${windowSize}`);
  }
  const timing = loopTiming(vod.segments);
  const count = vod.segments.length;
  if (count === 0 || timing.loopUs === 0) {
    throw new RangeError('cannot loop a VOD playlist without segments of non-zero duration');
  }

  // Virtual time at session start: the end of the first full window.
  const sessionStartUs = segmentEndAt(timing, windowSize - 1);
  const nowUs = sessionStartUs + Math.max(0, Math.floor(elapsedMs * 1000));
  const loopsDone = Math.floor(nowUs / timing.loopUs);
  const published =
    loopsDone * count + segmentsEndedWithinLoop(timing, nowUs - loopsDone * timing.loopUs);
  const first = published - windowSize;

  const segments: LiveSegment[] = [];
  for (let position = first; position < published; position++) {
    const loop = Math.floor(position / count);
    const vodIndex = position - loop * count;
    const segment = vod.segments[vodIndex];
    if (segment === undefined) throw new Error(`no VOD segment ${vodIndex}`); // unreachable
    const ownDiscontinuities = timing.ownDiscontinuitiesUpTo[vodIndex] ?? 0;
    const perLoop = (timing.ownDiscontinuitiesUpTo[count - 1] ?? 0) + 1; // + the wrap itself
    const startUs = position === 0 ? 0 : segmentEndAt(timing, position - 1);
    segments.push({
      mediaSequence: vod.mediaSequence + position,
      discontinuitySequence: vod.discontinuitySequence + loop * perLoop + ownDiscontinuities,
      loop,
      vodIndex,
      segment,
      startOffsetMs: (startUs - sessionStartUs) / 1000,
    });
  }

  const longestSec = Math.max(...vod.segments.map((segment) => Math.round(segment.durationSec)));
  const [firstSegment] = segments;
  return {
    mediaSequence: firstSegment?.mediaSequence ?? vod.mediaSequence,
    discontinuitySequence: firstSegment?.discontinuitySequence ?? vod.discontinuitySequence,
    targetDurationSec: Math.max(vod.targetDurationSec, longestSec),
    version: Math.max(vod.version, requiredVersion(vod.segments)),
    independentSegments: vod.independentSegments,
    segments,
  };
}

/** Options of {@link renderLivePlaylist}. */
export interface RenderLivePlaylistOptions {
  /**
   * Wall-clock time (ms since the epoch) the session started. When given, segments get
   * `EXT-X-PROGRAM-DATE-TIME` (the first one and every one after a discontinuity), which lets
   * players align renditions across the wraps.
   */
  readonly sessionStartEpochMs?: number;
}

function formatByteRange(range: { start: number; end: number }): string {
  return `${range.end - range.start}@${range.start}`;
}

function sameInit(a: InitSegment | undefined, b: InitSegment | undefined): boolean {
  return (
    a?.uri === b?.uri &&
    a?.byteRange?.start === b?.byteRange?.start &&
    a?.byteRange?.end === b?.byteRange?.end
  );
}

/**
 * The text of the live media playlist for `window`: no EXT-X-ENDLIST and no EXT-X-PLAYLIST-TYPE
 * (the window slides), explicit byte-range offsets (an implicit offset would depend on which
 * segment happens to come first), EXT-X-MAP repeated after each discontinuity.
 */
export function renderLivePlaylist(
  window: LiveWindow,
  options: RenderLivePlaylistOptions = {},
): string {
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${window.version}`,
    `#EXT-X-TARGETDURATION:${window.targetDurationSec}`,
    `#EXT-X-MEDIA-SEQUENCE:${window.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${window.discontinuitySequence}`,
  ];
  if (window.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  let previous: LiveSegment | undefined;
  for (const live of window.segments) {
    const { segment } = live;
    const discontinuity =
      previous !== undefined && previous.discontinuitySequence !== live.discontinuitySequence;
    if (discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    const init = segment.init;
    if (
      init !== undefined &&
      (previous === undefined || discontinuity || !sameInit(previous.segment.init, init))
    ) {
      const range =
        init.byteRange === undefined ? '' : `,BYTERANGE="${formatByteRange(init.byteRange)}"`;
      lines.push(`#EXT-X-MAP:URI="${init.uri}"${range}`);
    }
    if (options.sessionStartEpochMs !== undefined && (previous === undefined || discontinuity)) {
      const airedAt = new Date(options.sessionStartEpochMs + live.startOffsetMs);
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${airedAt.toISOString()}`);
    }
    lines.push(`#EXTINF:${segment.durationSec.toFixed(6)},${segment.title}`);
    if (segment.byteRange !== undefined) {
      lines.push(`#EXT-X-BYTERANGE:${formatByteRange(segment.byteRange)}`);
    }
    lines.push(segment.uri);
    previous = live;
  }
  return `${lines.join('\n')}\n`;
}

/**
 * hls.js's choice of the level to load the next fragment from (AbrController `nextAutoLevel`,
 * `firstAutoLevel`, `findBestLevel`), re-expressed as pure functions over the levels, the bandwidth
 * estimate and the buffer. Left out: codec/frame-rate/HDR filters and error penalties (the test
 * streams have one codec set and the model sees no errors), and the abandon rule that aborts a
 * slow fragment mid-load to switch down (see docs/VIRTUAL-VIEWERS.md).
 */
import { HLSJS_DEFAULTS } from './hlsjs-defaults.js';

/** What ABR knows of a level (variant). */
export interface AbrLevel {
  /** `BANDWIDTH` of the variant, bits per second. */
  readonly maxBitrateBps: number;
  /** `AVERAGE-BANDWIDTH` (or `BANDWIDTH` when absent), bits per second. */
  readonly averageBitrateBps: number;
  /** Average segment duration of its playlist, seconds, when loaded. */
  readonly averageSegmentSeconds?: number;
}

/** The situation a choice is made in. */
export interface AbrInput {
  /** Levels in ascending bitrate order (as hls.js sorts them). */
  readonly levels: readonly AbrLevel[];
  /** Bandwidth estimate, bits per second. */
  readonly bandwidthBps: number;
  /** Time to first byte estimate, ms. */
  readonly ttfbMs: number;
  /** Seconds until the buffer runs out at the playback rate (0 when empty). */
  readonly bufferStarvationSeconds: number;
  /** Duration of the fragment loaded last, seconds (0 before any). */
  readonly lastFragmentSeconds: number;
  /** Level of the last loaded main fragment, or -1 before any. */
  readonly lastLoadedLevel: number;
  /** The manifest's first listed variant, as an index into `levels` (hls.js `firstLevel`). */
  readonly firstLevel: number;
  /** The level loading now (hls.js `loadLevel`). */
  readonly loadLevel: number;
  /** True for a live stream. */
  readonly isLive: boolean;
  /** Seconds the last media playlist load took (hls.js `lastLevelLoadSec`). */
  readonly lastPlaylistLoadSeconds: number;
}

/**
 * The highest level whose bitrate fits the adjusted bandwidth and whose next fragment loads within
 * the buffer's remaining time plus `maxStarvationSeconds`; -1 when none does.
 */
export function findBestLevel(
  input: AbrInput,
  bufferStarvationSeconds: number,
  maxStarvationSeconds: number,
  bandwidthFactor: number,
  bandwidthUpFactor: number,
): number {
  const { levels } = input;
  if (levels.length === 1) return 0;
  const maxFetchSeconds = bufferStarvationSeconds + maxStarvationSeconds;
  const base = input.lastLoadedLevel === -1 ? input.firstLevel : input.lastLoadedLevel;
  const ttfbSeconds = input.ttfbMs / 1000;
  const fragmentSeconds = input.lastFragmentSeconds;
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i] as AbrLevel;
    const upSwitch = i > base;
    const adjustedBps = (upSwitch ? bandwidthUpFactor : bandwidthFactor) * input.bandwidthBps;
    // The average bitrate counts when two fragments are buffered and no rebuffering is expected.
    const bitrateBps =
      fragmentSeconds > 0 &&
      bufferStarvationSeconds >= fragmentSeconds * 2 &&
      maxStarvationSeconds === 0
        ? level.averageBitrateBps
        : level.maxBitrateBps;
    const segmentSeconds = level.averageSegmentSeconds ?? (fragmentSeconds || 1);
    // A level whose playlist is not loaded, or any live level, needs a playlist load first.
    const needsPlaylist = level.averageSegmentSeconds === undefined || input.isLive;
    const fetchSeconds =
      ttfbSeconds +
      (bitrateBps * segmentSeconds) / adjustedBps +
      (needsPlaylist ? ttfbSeconds + input.lastPlaylistLoadSeconds : 0);
    const fits =
      adjustedBps >= bitrateBps &&
      (fetchSeconds <= ttfbSeconds ||
        !Number.isFinite(fetchSeconds) ||
        // hls.js does not bound the fetch time of live fragments (near the edge of the window).
        input.isLive ||
        fetchSeconds < maxFetchSeconds);
    if (fits) return i;
  }
  return -1;
}

/**
 * The level of the first fragment (`startLevel` unset: hls.js's `firstAutoLevel`): the best level
 * for the default estimate with the buffer empty, no safety factor and up to
 * `maxStarvationDelay` of loading; the manifest's first variant when none fits.
 */
export function firstAutoLevel(input: AbrInput): number {
  const best = findBestLevel(
    input,
    input.bufferStarvationSeconds / 2,
    HLSJS_DEFAULTS.maxStarvationDelaySeconds,
    1,
    1,
  );
  return best > -1 ? best : input.firstLevel;
}

/**
 * The level of the next fragment once one was loaded (hls.js's `getNextABRAutoLevel`): the best
 * level that avoids rebuffering, else the best one that rebuffers at most
 * min(fragment duration, `maxStarvationDelay`), else the lowest level if it is lower than the
 * current one, else the current one.
 */
export function nextAutoLevel(input: AbrInput): number {
  if (input.lastLoadedLevel === -1) return firstAutoLevel(input);
  if (input.levels.length <= 1) return input.loadLevel;
  const d = HLSJS_DEFAULTS;
  const starvation = input.bufferStarvationSeconds;
  if (starvation > 0) {
    const best = findBestLevel(input, starvation, 0, d.abrBandWidthFactor, d.abrBandWidthUpFactor);
    if (best >= 0) return best;
  }
  const maxStarvation =
    input.lastFragmentSeconds > 0
      ? Math.min(input.lastFragmentSeconds, d.maxStarvationDelaySeconds)
      : d.maxStarvationDelaySeconds;
  const best = findBestLevel(
    input,
    starvation,
    maxStarvation,
    d.abrBandWidthFactor,
    d.abrBandWidthUpFactor,
  );
  if (best > -1) return best;
  const lowest = input.levels[0];
  const current = input.levels[input.loadLevel];
  if (lowest && current && lowest.maxBitrateBps < current.maxBitrateBps) return 0;
  return input.loadLevel;
}

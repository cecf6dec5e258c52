/**
 * The numbers of hls.js's behaviour that the virtual viewer's playback model reproduces, each with
 * where it comes from. Values are hls.js 1.7.4's defaults (`src/config.ts` of the version this
 * repository installs), which is also what the bench's Chromium viewers run, so virtual and real
 * viewers of one scenario play by the same rules. Only facts are taken from hls.js, no code.
 */

/** The hls.js version these defaults were read from. */
export const HLSJS_DEFAULTS_VERSION = '1.7.4';

/**
 * The defaults, by hls.js config key (plus the internal constants the model needs). Durations in
 * seconds unless the name says otherwise.
 */
export const HLSJS_DEFAULTS = Object.freeze({
  /**
   * `maxBufferLength` (config.ts, "used by stream-controller"): the buffer goal in seconds, raised
   * for low bitrates by `maxBufferSize` (see {@link bufferGoalSeconds}).
   */
  maxBufferLengthSeconds: 30,
  /** `maxMaxBufferLength`: the buffer goal never exceeds this many seconds. */
  maxMaxBufferLengthSeconds: 600,
  /** `maxBufferSize`: 60 MB (decimal) of media the stream controller may keep buffered ahead. */
  maxBufferSizeBytes: 60 * 1000 * 1000,
  /**
   * `liveSyncDurationCount` (latency-controller): a live stream starts, and aims to stay, this
   * many target durations behind the live edge (`liveSyncPosition`).
   */
  liveSyncDurationCount: 3,
  /** `abrEwmaFastLive`: half-life (seconds of download time) of the fast bandwidth average, live. */
  abrEwmaFastLiveSeconds: 3,
  /** `abrEwmaSlowLive`: half-life of the slow bandwidth average, live. */
  abrEwmaSlowLiveSeconds: 9,
  /** `abrEwmaFastVoD`: half-life of the fast bandwidth average, VOD. */
  abrEwmaFastVodSeconds: 3,
  /** `abrEwmaSlowVoD`: half-life of the slow bandwidth average, VOD. */
  abrEwmaSlowVodSeconds: 9,
  /** `abrEwmaDefaultEstimate`: 500 kbit/s, the estimate before any sample. */
  abrEwmaDefaultEstimateBps: 500_000,
  /**
   * `abrEwmaDefaultEstimateMax`: 5 Mbit/s. When the manifest's first variant has a higher bitrate
   * than the default estimate, level-controller raises the default estimate to that bitrate
   * capped at this value (`onManifestLoaded`).
   */
  abrEwmaDefaultEstimateMaxBps: 5_000_000,
  /** `abrBandWidthFactor`: share of the estimate a level may use to stay or switch down. */
  abrBandWidthFactor: 0.95,
  /** `abrBandWidthUpFactor`: share of the estimate a level may use to be switched up to. */
  abrBandWidthUpFactor: 0.7,
  /** `maxStarvationDelay`: seconds of rebuffering ABR accepts when no level avoids it. */
  maxStarvationDelaySeconds: 4,
  /**
   * Weight of a sample below which the estimator has "no estimate yet" (EwmaBandWidthEstimator's
   * `minWeight_`, 0.001 s of download time).
   */
  ewmaMinWeightSeconds: 0.001,
  /** EwmaBandWidthEstimator's `minDelayMs_`: a sample's duration is at least this (50 ms) ... */
  ewmaMinDelayMs: 50,
  /** ... or bytes / this many bytes per ms, whichever is smaller (`numBytes / 100000`). */
  ewmaMinDelayBytesPerMs: 100_000,
  /** EwmaBandWidthEstimator's default time-to-first-byte estimate, ms. */
  defaultTtfbMs: 100,
  /** stream-controller's `TICK_INTERVAL`: it re-checks the buffer every 100 ms. */
  streamTickMs: 100,
  /**
   * `fragLoadPolicy.default.maxLoadTimeMs`: a fragment load taking longer times out. (Its
   * `maxTimeToFirstByteMs`, 10 s, is not applied by our adapter, see adapters/hlsjs/fragment-loader.ts.)
   */
  fragMaxLoadTimeMs: 120_000,
  /** `fragLoadPolicy.default.timeoutRetry.maxNumRetry`: retries after a timeout (no delay). */
  fragTimeoutRetries: 4,
  /** `fragLoadPolicy.default.errorRetry.maxNumRetry`: retries after an error. */
  fragErrorRetries: 6,
  /** `fragLoadPolicy.default.errorRetry.retryDelayMs`: first retry delay, doubling each time. */
  fragRetryDelayMs: 1000,
  /** `fragLoadPolicy.default.errorRetry.maxRetryDelayMs`. */
  fragMaxRetryDelayMs: 8000,
  /** `playlistLoadPolicy.default.maxLoadTimeMs` (also `manifestLoadPolicy`). */
  playlistMaxLoadTimeMs: 20_000,
  /** `playlistLoadPolicy.default.errorRetry.maxNumRetry`. */
  playlistErrorRetries: 2,
  /** `playlistLoadPolicy.default.errorRetry.retryDelayMs` (doubling, up to 8 s). */
  playlistRetryDelayMs: 1000,
  /**
   * How often a Chromium media element fires `timeupdate` while playing (the HTML spec allows
   * 15–250 ms; Chromium uses 250 ms): the adapter feeds the engine the playback state on each
   * (core/playback/media-playback.ts), so the model does too.
   */
  timeupdateIntervalMs: 250,
});

/**
 * hls.js's buffer goal for a level (base-stream-controller `getMaxBufferLength`): as many seconds
 * as `maxBufferSize` holds at the level's bitrate, at least `maxBufferLength`, at most
 * `maxMaxBufferLength`. At the test streams' 0.3–1 Mbit/s that is 494–600 s: hls.js buffers a
 * VOD stream far ahead, and a live one up to the edge.
 *
 * @param levelBitrateBps - the level's declared (peak) bitrate, bits per second; 0 or less when unknown
 */
export function bufferGoalSeconds(levelBitrateBps: number): number {
  const d = HLSJS_DEFAULTS;
  const bySize =
    levelBitrateBps > 0
      ? Math.max((8 * d.maxBufferSizeBytes) / levelBitrateBps, d.maxBufferLengthSeconds)
      : d.maxBufferLengthSeconds;
  return Math.min(bySize, d.maxMaxBufferLengthSeconds);
}

/**
 * The delay before retry number `retry` (0-based) of a fragment after an error: hls.js's default
 * exponential backoff, `retryDelayMs * 2^retry` capped at `maxRetryDelayMs`.
 */
export function fragmentRetryDelayMs(retry: number): number {
  const d = HLSJS_DEFAULTS;
  return Math.min(d.fragRetryDelayMs * 2 ** retry, d.fragMaxRetryDelayMs);
}

/**
 * When the next live playlist reload is due after one that started at `loadStartMs`, in the same
 * clock (hls.js's `computeReloadInterval` and playlist controllers): one target duration after
 * the previous request when the playlist changed, half of it when it did not (RFC 8216 §6.3.4),
 * and the last segment's duration if that is shorter and playback is within four target
 * durations of the edge.
 */
export function liveReloadDueMs(options: {
  readonly loadStartMs: number;
  readonly targetDurationSeconds: number;
  readonly lastSegmentSeconds: number;
  readonly updated: boolean;
  readonly distanceToEdgeSeconds: number;
}): number {
  let intervalMs = options.targetDurationSeconds * 1000;
  if (!options.updated) {
    intervalMs /= 2;
  } else if (
    options.distanceToEdgeSeconds < options.targetDurationSeconds * 4 &&
    options.lastSegmentSeconds > 0 &&
    options.lastSegmentSeconds * 1000 < intervalMs
  ) {
    intervalMs = options.lastSegmentSeconds * 1000;
  }
  return options.loadStartMs + Math.round(intervalMs);
}

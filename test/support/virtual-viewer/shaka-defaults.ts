/**
 * The numbers of Shaka Player's behaviour that the virtual Shaka viewer reproduces, each with where
 * it comes from, and the subset of Shaka's configuration the model reads. Values are Shaka Player
 * 5.2.12's defaults (`lib/util/player_configuration.js`, `lib/net/backoff.js` and the constants of
 * `lib/media/streaming_engine.js`, `lib/abr/*` and `lib/dash/dash_parser.js` of the version this
 * repository installs), which is also what the bench's Chromium Shaka viewers run, so virtual and
 * real viewers of one scenario play by the same rules. Only facts are taken from Shaka, no code.
 *
 * The model accepts the Shaka configuration the bench passes its Chromium viewers (`--shaka-config`,
 * plus `streaming.updateIntervalSeconds` 0.1 for live): {@link resolveShakaConfig} merges the keys
 * it models over these defaults and lists the others it was given (they do not change the model).
 */
import { VirtualViewerError } from './viewer-error.js';

/** The Shaka Player version these defaults were read from. */
export const SHAKA_DEFAULTS_VERSION = '5.2.12';

/** Shaka's `shaka.extern.RetryParameters` (networking_engine / backoff.js). */
export interface ShakaRetryParameters {
  /** `maxAttempts`: attempts per request, the first one included. */
  readonly maxAttempts: number;
  /** `baseDelay`: ms before the second attempt, multiplied by `backoffFactor` after each. */
  readonly baseDelay: number;
  /** `backoffFactor`. */
  readonly backoffFactor: number;
  /** `fuzzFactor`: each delay is randomised to (1 ± fuzzFactor) × the delay. */
  readonly fuzzFactor: number;
  /**
   * `timeout`: ms an attempt may take in all (0 = none). Shaka's HTTP plugins apply it; requests
   * the adapter hands to the engine have none (the scheme plugin does not).
   */
  readonly timeout: number;
  /** `connectionTimeout`: ms until the first progress (HTTP plugins with progress support). */
  readonly connectionTimeout: number;
  /** `stallTimeout`: ms without progress once started (HTTP plugins with progress support). */
  readonly stallTimeout: number;
}

/** The Shaka configuration the model reads, with Shaka's key names and units. */
export interface ShakaModelConfig {
  readonly streaming: {
    /** `streaming.bufferingGoal`, seconds buffered ahead before a stream stops fetching. */
    readonly bufferingGoal: number;
    /** `streaming.rebufferingGoal`, seconds needed to (re)start playback; 0 = the element decides. */
    readonly rebufferingGoal: number;
    /** `streaming.bufferBehind`, seconds kept behind the playhead (no effect in the model). */
    readonly bufferBehind: number;
    /** `streaming.updateIntervalSeconds`: the poll period of a stream with nothing to fetch. */
    readonly updateIntervalSeconds: number;
    /** `streaming.inaccurateManifestTolerance`: the first lookup is this many seconds early. */
    readonly inaccurateManifestTolerance: number;
    /** `streaming.segmentPrefetchLimit` (1: the segment being fetched; see docs). */
    readonly segmentPrefetchLimit: number;
    /** `streaming.retryParameters`: segment requests. */
    readonly retryParameters: ShakaRetryParameters;
  };
  readonly manifest: {
    /** `manifest.defaultPresentationDelay`, seconds (0 = derive from `minBufferTime`). */
    readonly defaultPresentationDelay: number;
    /** `manifest.retryParameters`: MPD requests. */
    readonly retryParameters: ShakaRetryParameters;
    readonly dash: {
      /** `manifest.dash.ignoreMinBufferTime`. */
      readonly ignoreMinBufferTime: boolean;
      /** `manifest.dash.ignoreSuggestedPresentationDelay`. */
      readonly ignoreSuggestedPresentationDelay: boolean;
      /** `manifest.dash.ignoreMaxSegmentDuration`. */
      readonly ignoreMaxSegmentDuration: boolean;
      /**
       * `manifest.dash.autoCorrectDrift`: with SegmentTimeline, the live edge is placed at the end
       * of the last listed segment at the first MPD load (not at the clock's availability end).
       */
      readonly autoCorrectDrift: boolean;
    };
  };
  readonly abr: {
    /** `abr.enabled`: false keeps the first choice. */
    readonly enabled: boolean;
    /** `abr.defaultBandwidthEstimate`, bits/s before a good estimate. */
    readonly defaultBandwidthEstimate: number;
    /** `abr.useNetworkInformation`: take the default from `navigator.connection.downlink`. */
    readonly useNetworkInformation: boolean;
    /** `abr.switchInterval`, seconds between two choices. */
    readonly switchInterval: number;
    /** `abr.bandwidthUpgradeTarget`: share of the estimate the next variant up may use. */
    readonly bandwidthUpgradeTarget: number;
    /** `abr.bandwidthDowngradeTarget`: share of the estimate the current variant may use. */
    readonly bandwidthDowngradeTarget: number;
    /** `abr.cacheLoadThreshold`, ms: a response faster than this is not sampled. */
    readonly cacheLoadThreshold: number;
    /** `abr.minTimeToSwitch`, seconds. */
    readonly minTimeToSwitch: number;
    readonly advanced: {
      /** `abr.advanced.minTotalBytes`: bytes sampled before the estimate is "good". */
      readonly minTotalBytes: number;
      /** `abr.advanced.minBytes`: smaller samples are ignored. */
      readonly minBytes: number;
      /** `abr.advanced.fastHalfLife`, seconds of download time. */
      readonly fastHalfLife: number;
      /** `abr.advanced.slowHalfLife`, seconds of download time. */
      readonly slowHalfLife: number;
    };
  };
}

/** Shaka's `defaultRetryParameters()` (lib/net/backoff.js). */
const DEFAULT_RETRY: ShakaRetryParameters = Object.freeze({
  maxAttempts: 2,
  baseDelay: 1000,
  backoffFactor: 2,
  fuzzFactor: 0.5,
  timeout: 30_000,
  connectionTimeout: 10_000,
  stallTimeout: 5_000,
});

/**
 * Shaka's defaults for the keys the model reads (`PlayerConfiguration.createDefault()`), frozen.
 * None of the test streams is low-latency DASH (no `availabilityTimeOffset`), so Shaka's
 * low-latency overrides (`createDefaultForLL`: tolerance 0, prefetch 2, update interval 0.1) do
 * not apply although `streaming.lowLatencyMode` defaults to true.
 */
export const SHAKA_DEFAULT_CONFIG: ShakaModelConfig = Object.freeze({
  streaming: Object.freeze({
    bufferingGoal: 10,
    rebufferingGoal: 0,
    bufferBehind: 30,
    updateIntervalSeconds: 1,
    inaccurateManifestTolerance: 2,
    segmentPrefetchLimit: 1,
    retryParameters: DEFAULT_RETRY,
  }),
  manifest: Object.freeze({
    defaultPresentationDelay: 0,
    retryParameters: DEFAULT_RETRY,
    dash: Object.freeze({
      ignoreMinBufferTime: false,
      ignoreSuggestedPresentationDelay: false,
      ignoreMaxSegmentDuration: false,
      autoCorrectDrift: true,
    }),
  }),
  abr: Object.freeze({
    enabled: true,
    defaultBandwidthEstimate: 1e6,
    useNetworkInformation: true,
    switchInterval: 8,
    bandwidthUpgradeTarget: 0.85,
    bandwidthDowngradeTarget: 0.95,
    cacheLoadThreshold: 5,
    minTimeToSwitch: 0,
    advanced: Object.freeze({
      minTotalBytes: 128e3,
      minBytes: 16e3,
      fastHalfLife: 2,
      slowHalfLife: 5,
    }),
  }),
});

/** Internal constants of Shaka that the model needs (not configurable in Shaka). */
export const SHAKA_CONSTANTS = Object.freeze({
  /**
   * StreamingEngine `MAX_RUN_AHEAD_SEGMENTS_` (1) and `MIN_RUN_AHEAD_SECONDS_` (0.5): a stream
   * whose next time is this far (max of 1 × maxSegmentDuration and 0.5 s) ahead of the other
   * stream's waits `updateIntervalSeconds` for it.
   */
  maxRunAheadSegments: 1,
  minRunAheadSeconds: 0.5,
  /** `scaledBufferingGoal = max(1, goal × bufferingScale)`: the goal is at least 1 s. */
  minScaledBufferingGoalSeconds: 1,
  /**
   * DashParser: with no `suggestedPresentationDelay` and no `defaultPresentationDelay`, the live
   * delay is min(1.5 × `minBufferTime`, `timeShiftBufferDepth`).
   */
  minBufferTimeDelayFactor: 1.5,
  /**
   * PresentationTimeline `notifyMaxSegmentDuration(maxSegmentDuration || 1)`: the max segment
   * duration is at least the MPD's value or 1 s, raised by the segments seen.
   */
  fallbackMaxSegmentDurationSeconds: 1,
  /**
   * Player `defaultStreamingFailureCallback_`: a live stream whose segment request failed for
   * good (after its retries) retries streaming after 1 s (HTTP status or error) or 0.1 s (timeout);
   * VOD streams stop (fatal).
   */
  liveHttpErrorRetrySeconds: 1,
  liveTimeoutRetrySeconds: 0.1,
  /**
   * SimpleAbrManager / NetworkInformation: Chromium's `navigator.connection.downlink` is capped at
   * 10 Mbit/s and reads 10 on a fast local link, so with `useNetworkInformation` (default) the
   * Chromium viewers' default estimate is 10 Mbit/s, not `defaultBandwidthEstimate`. The model
   * assumes that value (Node has no NetworkInformation); pass `abr.useNetworkInformation: false`
   * to use `defaultBandwidthEstimate`.
   */
  networkInformationDownlinkBps: 10e6,
  /**
   * Seconds of audio and video a Chromium media element needs buffered ahead before it starts or
   * resumes playing (`playing`): its renderers report "have enough" only with about 200 ms of
   * audio queued (AudioRendererAlgorithm's starting capacity) and a few video frames (4 at
   * 25 fps: 160 ms), so a start position 70 ms before the end of the first segment waits for the
   * next one instead of playing 70 ms and stalling. An approximation of Chromium, not a Shaka
   * number.
   */
  mediaElementHaveEnoughSeconds: 0.2,
  /**
   * How often a Chromium media element fires `timeupdate` while playing (250 ms): the adapter's
   * MediaPlaybackReporter feeds the engine on each (core/playback/media-playback.ts).
   */
  timeupdateIntervalMs: 250,
  /** The adapter re-reads the live segment lists in use this often (adapters/shaka/shaka-p2p.ts). */
  adapterStreamSyncIntervalMs: 1000,
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The model's configuration from a Shaka configuration object (the one passed to
 * `player.configure()`; nested objects, Shaka's key names), over Shaka's defaults.
 *
 * @param given - a Shaka configuration (any keys; `undefined` = Shaka's defaults)
 * @returns the configuration and the dotted keys given that the model does not read
 * @throws VirtualViewerError `viewer-config` when a key the model reads has the wrong type
 */
export function resolveShakaConfig(given: unknown): {
  readonly config: ShakaModelConfig;
  readonly ignoredKeys: readonly string[];
} {
  const ignoredKeys: string[] = [];
  if (given === undefined) return { config: SHAKA_DEFAULT_CONFIG, ignoredKeys };
  if (!isRecord(given)) {
    throw new VirtualViewerError('viewer-config', '"shakaConfig" must be an object');
  }
  const merge = (defaults: Record<string, unknown>, value: unknown, path: string): unknown => {
    if (value === undefined) return defaults;
    if (!isRecord(value)) {
      throw new VirtualViewerError('viewer-config', `"shakaConfig.${path}" must be an object`);
    }
    const result: Record<string, unknown> = { ...defaults };
    for (const [key, item] of Object.entries(value)) {
      const keyPath = `${path}.${key}`;
      if (!(key in defaults)) {
        ignoredKeys.push(keyPath);
        continue;
      }
      const fallback = defaults[key];
      if (isRecord(fallback)) {
        result[key] = merge(fallback, item, keyPath);
      } else if (typeof fallback === 'number') {
        if (typeof item !== 'number' || !Number.isFinite(item) || item < 0) {
          throw new VirtualViewerError(
            'viewer-config',
            `"shakaConfig.${keyPath}" must be a non-negative number`,
          );
        }
        result[key] = item;
      } else if (typeof item !== 'boolean') {
        throw new VirtualViewerError('viewer-config', `"shakaConfig.${keyPath}" must be a boolean`);
      } else {
        result[key] = item;
      }
    }
    return result;
  };
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!(key in SHAKA_DEFAULT_CONFIG)) ignoredKeys.push(key);
    else config[key] = value;
  }
  const defaults = SHAKA_DEFAULT_CONFIG as unknown as Record<string, Record<string, unknown>>;
  const resolved = {
    streaming: merge(defaults.streaming ?? {}, config.streaming, 'streaming'),
    manifest: merge(defaults.manifest ?? {}, config.manifest, 'manifest'),
    abr: merge(defaults.abr ?? {}, config.abr, 'abr'),
  } as unknown as ShakaModelConfig;
  return { config: resolved, ignoredKeys };
}

/**
 * The live presentation delay (DashParser): the MPD's `suggestedPresentationDelay` (at most
 * `timeShiftBufferDepth`), else `manifest.defaultPresentationDelay` when above 0, else
 * min(1.5 × `minBufferTime`, `timeShiftBufferDepth`). Playback starts this far behind the live
 * edge (the seek range's end).
 */
export function livePresentationDelaySeconds(
  mpd: {
    readonly suggestedPresentationDelaySeconds: number | undefined;
    readonly minBufferTimeSeconds: number;
    readonly timeShiftBufferDepthSeconds: number | undefined;
  },
  config: ShakaModelConfig,
): number {
  const window = mpd.timeShiftBufferDepthSeconds || Infinity;
  const suggested = config.manifest.dash.ignoreSuggestedPresentationDelay
    ? undefined
    : mpd.suggestedPresentationDelaySeconds;
  if (suggested !== undefined) return Math.min(suggested, window);
  if (config.manifest.defaultPresentationDelay > 0) return config.manifest.defaultPresentationDelay;
  const minBufferTime = config.manifest.dash.ignoreMinBufferTime ? 0 : mpd.minBufferTimeSeconds;
  return Math.min(minBufferTime * SHAKA_CONSTANTS.minBufferTimeDelayFactor, window);
}

/**
 * The delay before attempt `attempt` (1-based; the first is immediate) of a request (Backoff):
 * `baseDelay × backoffFactor^(attempt - 2)`, fuzzed by ±`fuzzFactor`.
 *
 * @param random - a value in [0, 1) (seeded by the caller)
 */
export function retryDelayMs(
  attempt: number,
  parameters: ShakaRetryParameters,
  random: number,
): number {
  if (attempt <= 1) return 0;
  const unfuzzed = parameters.baseDelay * parameters.backoffFactor ** (attempt - 2);
  const fuzz = (random * 2 - 1) * parameters.fuzzFactor;
  return Math.max(0, unfuzzed * (1 + fuzz));
}

/**
 * StreamingEngine's buffering goal of a stream: max(`rebufferingGoal`, `bufferingGoal`), at least
 * 1 s (`bufferingScale` stays 1: it drops only on QuotaExceededError, which the model has none of).
 */
export function bufferingGoalSeconds(config: ShakaModelConfig): number {
  const { rebufferingGoal, bufferingGoal } = config.streaming;
  return Math.max(
    SHAKA_CONSTANTS.minScaledBufferingGoalSeconds,
    Math.max(rebufferingGoal, bufferingGoal),
  );
}

/**
 * A virtual Shaka viewer: the real engine (or plain HTTP, for a baseline) driven by a model of
 * Shaka Player 5.2 playing a DASH source, with no media pipeline. It loads the MPD from the origin
 * (refreshing a live one every `minimumUpdatePeriod`), lists each Representation's segments as
 * Shaka's segment index does at that moment, runs one StreamingEngine update loop per media type
 * (video and audio in parallel, one request at a time each, `bufferingGoal` ahead, never more than
 * a segment ahead of the other type), picks variants with Shaka's SimpleAbrManager, and feeds the
 * engine exactly what the Shaka adapter (adapters/shaka/shaka-p2p.ts) would: `setSource(mpd)`,
 * `updateStream`/`setActiveStream` when a Representation's segment is requested and every second
 * while live, DASH stream keys and segment ids from core/dash, playback state on `timeupdate`,
 * `playing` and startup requests through the adapter's own `StartupPosition`, and Shaka's ABR
 * samples through the adapter's own `bandwidthReport`. The playhead (startup, stalls, holes) is a
 * {@link PlaybackModel} fed the intersection of what audio and video have buffered.
 * docs/VIRTUAL-VIEWERS.md ("Shaka model") lists the rules, their sources and what is left out.
 */
import { dashStreamKey } from '../../../core/dash/index.js';
import { P2PMediaLoaderError, isAbortError } from '../../../core/errors.js';
import type { SegmentSource, StreamDescriptor } from '../../../core/model/segment.js';
import { bandwidthReport } from '../../../adapters/shaka/engine-request.js';
import { StartupPosition } from '../../../adapters/shaka/startup-position.js';
import {
  numberedSegments,
  parseMpd,
  timelineSegments,
  type DashRepresentation,
  type DashSegmentRef,
  type MpdSnapshot,
} from './dash-manifest.js';
import { BUFFER_HOLE_TOLERANCE_SECONDS, PlaybackModel } from './playback-model.js';
import type { PlayerModel } from './player-model.js';
import { ShakaAbr, type AbrVariant } from './shaka-abr.js';
import {
  bufferingGoalSeconds,
  livePresentationDelaySeconds,
  resolveShakaConfig,
  retryDelayMs,
  SHAKA_CONSTANTS,
  type ShakaModelConfig,
  type ShakaRetryParameters,
} from './shaka-defaults.js';
import { VirtualViewerError } from './viewer-error.js';
import {
  requestRecorder,
  segmentDigest,
  ViewerModel,
  type ViewerModelOptions,
} from './viewer-lifecycle.js';
import type { DeliveredSegmentRecord, RequestRecord, ViewerResult } from './viewer-result.js';

/** Settings of a {@link ShakaVirtualViewer}. */
export interface ShakaVirtualViewerOptions extends ViewerModelOptions {
  /** Absolute URL of the MPD. */
  readonly manifestUrl: string;
  /** Random source in [0, 1): `timeupdate` phase, retry fuzz. Default Math.random. */
  readonly random?: () => number;
  /**
   * The Shaka configuration the modelled player runs with (as passed to `player.configure()`,
   * e.g. the bench's `{ streaming: { updateIntervalSeconds: 0.1 } }`); keys the model does not
   * read are listed in the result's `ignoredShakaConfigKeys`. Default: Shaka's defaults.
   */
  readonly shakaConfig?: unknown;
  /** Wall clock, epoch ms: live availability is computed from it (Shaka: `Date.now()`). */
  readonly wallClockMs?: () => number;
}

/** A segment request record, with the media type it was for. */
export interface ShakaRequestRecord extends RequestRecord {
  /** `main` (video) or `audio`, as the engine's stream kinds. */
  readonly kind: 'main' | 'audio';
}

/** A delivered segment record, with the media type it was for. */
export interface ShakaDeliveredSegmentRecord extends DeliveredSegmentRecord {
  readonly kind: 'main' | 'audio';
}

/** The result of a Shaka viewer: a {@link ViewerResult} plus the configuration keys not modelled. */
export interface ShakaViewerResult extends ViewerResult {
  readonly player: 'shaka';
  /** Dotted Shaka configuration keys that were given but do not change the model. */
  readonly ignoredShakaConfigKeys: readonly string[];
}

type MediaType = 'video' | 'audio';

/** A variant: one video and one audio Representation (either may be absent). */
interface Variant extends AbrVariant {
  readonly video?: DashRepresentation;
  readonly audio?: DashRepresentation;
}

/** A buffered range, seconds. */
interface Range {
  start: number;
  end: number;
}

/** StreamingEngine's MediaState for one media type. */
interface MediaState {
  readonly type: MediaType;
  representation: DashRepresentation;
  /** `lastSegmentReference`: the last segment fetched and appended. */
  lastRef: DashSegmentRef | undefined;
  /** False right after a switch: the next segment is looked up by time in the new stream. */
  sameStream: boolean;
  /** The init segment last appended (`lastInitSegmentReference`). */
  lastInitUrl: string | undefined;
  /** This type's buffered ranges. */
  readonly buffered: Range[];
  timer: ReturnType<typeof setTimeout> | undefined;
  busy: boolean;
  endOfStream: boolean;
}

/** A segment delivery, engine or plain HTTP. */
interface Delivery {
  readonly data: ArrayBuffer;
  readonly source: SegmentSource;
}

/** An attempt's failure, with whether Shaka would call it a timeout. */
class AttemptError extends Error {
  constructor(
    readonly code: string,
    readonly timedOut: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(code, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** HTMLMediaElement ready states the adapter's StartupPosition reads. */
const HAVE_NOTHING = 0;
const HAVE_METADATA = 1;
const HAVE_ENOUGH_DATA = 4;

/** One virtual Shaka viewer (a {@link PlayerModel}). */
export class ShakaVirtualViewer
  extends ViewerModel<ShakaVirtualViewerOptions>
  implements PlayerModel
{
  private readonly config: ShakaModelConfig;
  private readonly ignoredKeys: readonly string[];
  private readonly random: () => number;
  private readonly wallClockMs: () => number;
  private readonly startup = new StartupPosition();
  private readonly requests: ShakaRequestRecord[] = [];
  private readonly delivered: ShakaDeliveredSegmentRecord[] = [];
  private readonly deliveredBytes = { http: 0, p2p: 0, cache: 0 };
  private readonly states = new Map<MediaType, MediaState>();
  /** When each Representation's segment index was created (wall ms): `$Number$` update ticks. */
  private readonly indexCreatedAtMs = new Map<string, number>();
  /** `$Number$` lists by Representation, as of one index update tick (they change only then). */
  private readonly numberedCache = new Map<string, { tickMs: number; refs: DashSegmentRef[] }>();
  /** SegmentTimeline references seen in any MPD load, per Representation, by start time. */
  private readonly timelineIndex = new Map<string, DashSegmentRef[]>();
  /** The adapter's bookkeeping: streams in use by kind, and the lists last reported. */
  private readonly activeStreams = new Map<'main' | 'audio', DashRepresentation>();
  private readonly reportedSignatures = new Map<string, string>();
  private mpd: MpdSnapshot | undefined;
  private variants: Variant[] = [];
  private variantIndex = 0;
  private abr: ShakaAbr | undefined;
  private model: PlaybackModel | undefined;
  private maxSegmentDurationSeconds: number = SHAKA_CONSTANTS.fallbackMaxSegmentDurationSeconds;
  private presentationDelaySeconds = 0;
  /**
   * PresentationTimeline's presentation start (wall ms): `availabilityStartTime`, or with
   * SegmentTimeline and `autoCorrectDrift` the one that puts the live edge at the end of the last
   * listed segment at the first MPD load; locked after that load (`lockStartTime`).
   */
  private presentationStartMs: number | undefined;
  private startMs = 0;
  private initAppended = false;
  private lastVideoLevel = -1;
  private levelSwitches = 0;
  private otherHttpBytes = 0;
  private requestErrors = 0;
  private timeupdateTimer: ReturnType<typeof setInterval> | undefined;
  private syncTimer: ReturnType<typeof setInterval> | undefined;

  /**
   * @throws VirtualViewerError `viewer-config` for a Shaka configuration of the wrong shape
   */
  constructor(options: ShakaVirtualViewerOptions) {
    super(options);
    const { config, ignoredKeys } = resolveShakaConfig(options.shakaConfig);
    this.config = config;
    this.ignoredKeys = ignoredKeys;
    this.random = options.random ?? Math.random;
    this.wallClockMs = options.wallClockMs ?? Date.now;
  }

  /**
   * Loads the MPD, chooses the first variant and starts both media types' update loops. Resolves
   * when playback is under way; rejects with a {@link VirtualViewerError} when the MPD cannot be
   * loaded or is not one the model covers.
   */
  async start(): Promise<void> {
    if (this.startMs !== 0) return;
    this.startMs = performance.now();
    const engine = this.options.engine;
    try {
      // The adapter's request filter: the MPD request names the source.
      engine?.setSource(this.options.manifestUrl);
      this.reportPlayback();
      const mpd = await this.loadMpd();
      if (this.destroyed) return;
      this.variants = buildVariants(mpd.representations);
      const first = this.variants[0];
      if (!first) {
        throw new VirtualViewerError('playlist-parse', 'The MPD has no video or audio');
      }
      this.presentationDelaySeconds = mpd.isLive
        ? livePresentationDelaySeconds(mpd, this.config)
        : 0;
      const defaultEstimateBps = this.config.abr.useNetworkInformation
        ? SHAKA_CONSTANTS.networkInformationDownlinkBps
        : this.config.abr.defaultBandwidthEstimate;
      this.abr = new ShakaAbr(this.config, this.variants, defaultEstimateBps);
      this.variantIndex = this.abr.initialChoice(performance.now());
      const variant = this.variants[this.variantIndex] ?? first;
      // VideoWrapper: the start time is read once, at the first update (VOD: the seek range's
      // start, 0 here; live: the seek range's end).
      this.model = new PlaybackModel({
        startPositionSeconds: mpd.isLive ? this.seekRangeEnd() : 0,
        createdAtMs: this.startMs,
      });
      if (!mpd.isLive && mpd.durationSeconds !== undefined) this.model.setEnd(mpd.durationSeconds);
      for (const type of ['video', 'audio'] as const) {
        const representation = variant[type];
        if (!representation) continue;
        this.states.set(type, {
          type,
          representation,
          lastRef: undefined,
          sameStream: false,
          lastInitUrl: undefined,
          buffered: [],
          timer: undefined,
          busy: false,
          endOfStream: false,
        });
      }
    } catch (error) {
      if (this.destroyed) return;
      this.life.fail(error);
      throw error;
    }
    const phaseMs = Math.floor(this.random() * SHAKA_CONSTANTS.timeupdateIntervalMs);
    this.life.later(phaseMs, () => {
      this.timeupdateTimer = setInterval(() => {
        const model = this.model;
        if (model?.started && !model.stalled && !model.ended) this.reportPlayback();
      }, SHAKA_CONSTANTS.timeupdateIntervalMs);
    });
    this.syncTimer = setInterval(() => {
      this.syncStreams();
    }, SHAKA_CONSTANTS.adapterStreamSyncIntervalMs);
    if (this.mpd?.isLive) this.scheduleMpdRefresh(performance.now());
    for (const state of this.states.values()) this.update(state);
  }

  /** The results so far (`partial` until destroyed). */
  result(): ShakaViewerResult {
    const nowMs = performance.now();
    this.model?.advance(nowMs);
    const { viewer, ...rest } = this.life.result({
      viewer: this.options.id,
      counters: this.model?.counters(nowMs),
      runMs: this.startMs === 0 ? 0 : Math.round((this.life.destroyedAtMs ?? nowMs) - this.startMs),
      levelSwitches: this.levelSwitches,
      levels: this.delivered.filter((d) => d.kind === 'main').map((d) => d.level),
      deliveredBytes: this.deliveredBytes,
      otherHttpBytes: this.otherHttpBytes,
      requestErrors: this.requestErrors,
      requests: this.requests,
      segments: this.delivered,
    });
    // `player` second, as before the shared builder (JSON lines keep their key order).
    return { viewer, player: 'shaka', ...rest, ignoredShakaConfigKeys: this.ignoredKeys };
  }

  /** Stops timers and requests and destroys the engine. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.model?.advance(performance.now());
    clearInterval(this.timeupdateTimer);
    clearInterval(this.syncTimer);
    for (const state of this.states.values()) clearTimeout(state.timer);
    this.life.destroy();
  }

  // ---- Manifest and segment indexes -------------------------------------------------------

  /** Loads (or reloads) the MPD and merges what it lists into the segment indexes. */
  private async loadMpd(): Promise<MpdSnapshot> {
    const text = await this.fetchText(this.options.manifestUrl);
    const mpd = parseMpd(text, this.options.manifestUrl);
    this.mpd = mpd;
    // PresentationTimeline: the MPD's maxSegmentDuration (or 1 s), raised by the segments seen.
    const declared = this.config.manifest.dash.ignoreMaxSegmentDuration
      ? undefined
      : mpd.maxSegmentDurationSeconds;
    this.maxSegmentDurationSeconds = Math.max(
      this.maxSegmentDurationSeconds,
      declared || SHAKA_CONSTANTS.fallbackMaxSegmentDurationSeconds,
    );
    let maxTimelineEnd: number | undefined;
    for (const representation of mpd.representations) {
      if (representation.timeline) {
        const refs = this.timelineIndex.get(representation.id) ?? [];
        for (const ref of timelineSegments(representation, mpd.periodStartSeconds)) {
          const last = refs.at(-1);
          if (!last || ref.startTime > last.startTime + 1e-3) refs.push(ref);
          this.maxSegmentDurationSeconds = Math.max(
            this.maxSegmentDurationSeconds,
            ref.endTime - ref.startTime,
          );
          maxTimelineEnd = Math.max(maxTimelineEnd ?? -Infinity, ref.endTime);
        }
        this.timelineIndex.set(representation.id, refs);
      } else if (representation.segmentDurationSeconds !== undefined) {
        this.maxSegmentDurationSeconds = Math.max(
          this.maxSegmentDurationSeconds,
          representation.segmentDurationSeconds,
        );
      }
    }
    if (this.presentationStartMs === undefined && mpd.availabilityStartMs !== undefined) {
      // PresentationTimeline `notifyTimeRange`: start = now - last segment end - max duration.
      this.presentationStartMs =
        mpd.isLive && maxTimelineEnd !== undefined && this.config.manifest.dash.autoCorrectDrift
          ? this.wallClockMs() - (maxTimelineEnd + this.maxSegmentDurationSeconds) * 1000
          : mpd.availabilityStartMs;
    }
    return mpd;
  }

  /** DashParser's update timer: `minimumUpdatePeriod` after the previous load started. */
  private scheduleMpdRefresh(loadStartMs: number): void {
    const periodSeconds = this.mpd?.minimumUpdatePeriodSeconds;
    if (periodSeconds === undefined || !this.mpd?.isLive) return;
    const dueMs = loadStartMs + periodSeconds * 1000;
    this.life.later(Math.max(0, dueMs - performance.now()), () => {
      const startedMs = performance.now();
      this.loadMpd().then(
        () => {
          this.scheduleMpdRefresh(startedMs);
        },
        (error: unknown) => {
          // Shaka keeps playing on the MPD it has (`raiseFatalErrorOnManifestUpdateRequestFailure`
          // false) and tries again next period.
          if (this.destroyed || isAbortError(error)) return;
          this.scheduleMpdRefresh(startedMs);
        },
      );
    });
  }

  /** PresentationTimeline's segment availability end (seconds; live: from the wall clock). */
  private availabilityEnd(wallMs: number = this.wallClockMs()): number {
    const mpd = this.mpd;
    if (!mpd) return 0;
    const startMs = this.presentationStartMs;
    if (!mpd.isLive || startMs === undefined) return mpd.durationSeconds ?? Infinity;
    const liveEdge = Math.max(0, (wallMs - startMs) / 1000 - this.maxSegmentDurationSeconds);
    return Math.min(liveEdge, mpd.durationSeconds ?? Infinity);
  }

  /** PresentationTimeline's segment availability start. */
  private availabilityStart(wallMs: number = this.wallClockMs()): number {
    const window = this.mpd?.isLive ? (this.mpd.timeShiftBufferDepthSeconds ?? Infinity) : Infinity;
    return Math.max(0, this.availabilityEnd(wallMs) - window);
  }

  /** The seek range's end: where a live stream starts (the live edge minus the delay). */
  private seekRangeEnd(): number {
    return Math.max(0, this.availabilityEnd() - this.presentationDelaySeconds);
  }

  /**
   * The references `representation`'s segment index holds now. `$Number$`: Shaka computes the
   * available positions when it creates the index and again every segment duration after that
   * (`updateEvery`), so a new segment is listed up to one segment duration after it became
   * available. SegmentTimeline: every `<S>` of the MPDs loaded so far, live ones evicted once they
   * end before the availability window.
   */
  private listing(representation: DashRepresentation): DashSegmentRef[] {
    const mpd = this.mpd;
    if (!mpd) return [];
    const wallMs = this.wallClockMs();
    if (!this.indexCreatedAtMs.has(representation.id)) {
      this.indexCreatedAtMs.set(representation.id, wallMs);
    }
    const periodEnd =
      mpd.durationSeconds === undefined ? Infinity : mpd.periodStartSeconds + mpd.durationSeconds;
    if (representation.timeline) {
      const refs = this.timelineIndex.get(representation.id) ?? [];
      if (!mpd.isLive) return refs;
      const start = this.availabilityStart(wallMs);
      while (refs.length > 0 && (refs[0]?.endTime ?? Infinity) <= start) refs.shift();
      return refs;
    }
    const createdMs = this.indexCreatedAtMs.get(representation.id) ?? wallMs;
    const stepMs = (representation.segmentDurationSeconds ?? 1) * 1000;
    // VOD lists never change (one tick); live ones at each update tick.
    const tickMs = mpd.isLive
      ? createdMs + Math.floor((wallMs - createdMs) / stepMs) * stepMs
      : -Infinity;
    const cached = this.numberedCache.get(representation.id);
    if (cached?.tickMs === tickMs) return cached.refs;
    const refs = mpd.isLive
      ? numberedSegments(
          representation,
          mpd.periodStartSeconds,
          this.availabilityStart(tickMs),
          this.availabilityEnd(tickMs),
          periodEnd,
        )
      : numberedSegments(representation, mpd.periodStartSeconds, 0, periodEnd, periodEnd);
    this.numberedCache.set(representation.id, { tickMs, refs });
    return refs;
  }

  // ---- The adapter's engine feeding ---------------------------------------------------------

  private descriptor(representation: DashRepresentation): StreamDescriptor {
    const kind = representation.type === 'audio' ? 'audio' : 'main';
    return {
      key: dashStreamKey(kind, representation.id),
      kind,
      ...(representation.bandwidthBps > 0 ? { bitrate: representation.bandwidthBps } : {}),
    };
  }

  /** The adapter's request filter for a media segment request of `state`'s stream. */
  private segmentRequested(state: MediaState, ref: DashSegmentRef): void {
    const engine = this.options.engine;
    if (!engine) return;
    const representation = state.representation;
    const descriptor = this.descriptor(representation);
    const previous = this.activeStreams.get(descriptor.kind);
    this.activeStreams.set(descriptor.kind, representation);
    // A VOD segment list never changes once read: the adapter reads it once.
    if (
      this.mpd?.isLive ||
      !this.reportedSignatures.has(`${descriptor.kind}:${representation.id}`)
    ) {
      this.reportSegments(representation);
    }
    if (previous?.id !== representation.id) engine.setActiveStream(descriptor);
    if (this.startup.segmentRequested(ref.startTime)) this.reportPlayback();
  }

  /** The adapter's sync timer: live segment lists of the streams in use, every second. */
  private syncStreams(): void {
    if (this.destroyed || !this.mpd?.isLive) return;
    for (const representation of this.activeStreams.values()) this.reportSegments(representation);
  }

  /** `updateStream` with the stream's current list when it changed since last reported. */
  private reportSegments(representation: DashRepresentation): void {
    const engine = this.options.engine;
    if (!engine || this.destroyed) return;
    const descriptor = this.descriptor(representation);
    const segments = this.listing(representation).map((ref) => ({
      id: ref.id,
      url: ref.url,
      startTime: ref.startTime,
      endTime: ref.endTime,
    }));
    const first = segments[0];
    const last = segments.at(-1);
    if (!first || !last) return;
    const signature = `${descriptor.key}|${segments.length}|${first.id}|${last.id}|${last.endTime}`;
    const key = `${descriptor.kind}:${representation.id}`;
    if (this.reportedSignatures.get(key) === signature) return;
    this.reportedSignatures.set(key, signature);
    engine.updateStream(descriptor, { segments, isLive: this.mpd?.isLive ?? false });
  }

  /** The media element's state as the adapter reports it (through its StartupPosition). */
  private reportPlayback(): void {
    const engine = this.options.engine;
    if (!engine || this.destroyed) return;
    const model = this.model;
    if (!model) {
      // Before the manifest: the element at 0, paused (play() comes with the source), empty.
      engine.setPlayback({ position: 0, rate: 0, bufferedEnd: 0 });
      return;
    }
    model.advance(performance.now());
    const readyState = model.started
      ? HAVE_ENOUGH_DATA
      : this.initAppended
        ? HAVE_METADATA
        : HAVE_NOTHING;
    const liveStart = this.mpd?.isLive ? this.seekRangeEnd() : undefined;
    engine.setPlayback(this.startup.adjust(model.playbackState(), readyState, liveStart));
  }

  // ---- StreamingEngine ----------------------------------------------------------------------

  /** The playhead Shaka reads (`getPresentationTime`): the start time until playback starts. */
  private presentationTime(): number {
    const model = this.model as PlaybackModel;
    model.advance(performance.now());
    return model.position;
  }

  private schedule(state: MediaState, delaySeconds: number): void {
    clearTimeout(state.timer);
    if (this.destroyed) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.update(state);
    }, delaySeconds * 1000);
  }

  /** StreamingEngine `update_` for one media type. */
  private update(state: MediaState): void {
    if (this.destroyed || this.life.fatalError !== undefined || state.busy || state.endOfStream)
      return;
    const mpd = this.mpd as MpdSnapshot;
    const { updateIntervalSeconds } = this.config.streaming;
    const time = this.presentationTime();
    const timeNeeded = state.lastRef?.endTime ?? time;
    const timeUntilEnd = mpd.isLive ? Infinity : (mpd.durationSeconds ?? Infinity) - timeNeeded;
    if (timeUntilEnd < 1e-6 && state.buffered.length > 0) {
      state.endOfStream = true;
      return;
    }
    if (bufferedAheadOf(state.buffered, time) >= bufferingGoalSeconds(this.config)) {
      this.schedule(state, updateIntervalSeconds / 2);
      return;
    }
    const ref = this.referenceNeeded(state, time);
    if (!ref) {
      if (timeUntilEnd < 1e-6) {
        state.endOfStream = true;
        return;
      }
      const last = state.lastRef;
      const lastDuration = last ? last.endTime - last.startTime : Infinity;
      this.schedule(state, Math.min(lastDuration / 2, updateIntervalSeconds));
      return;
    }
    // Do not let one stream get more than a segment ahead of the other.
    let minTimeNeeded = Infinity;
    for (const other of this.states.values()) {
      minTimeNeeded = Math.min(minTimeNeeded, other.lastRef?.endTime ?? time);
    }
    const maxRunAhead = Math.max(
      this.maxSegmentDurationSeconds * SHAKA_CONSTANTS.maxRunAheadSegments,
      SHAKA_CONSTANTS.minRunAheadSeconds,
    );
    if (timeNeeded - minTimeNeeded >= maxRunAhead) {
      this.schedule(state, updateIntervalSeconds);
      return;
    }
    state.busy = true;
    this.fetchAndAppend(state, ref)
      .catch((error: unknown) => {
        this.life.fail(error);
      })
      .finally(() => {
        state.busy = false;
      });
  }

  /** StreamingEngine `getSegmentReferenceNeeded_`. */
  private referenceNeeded(state: MediaState, time: number): DashSegmentRef | undefined {
    const refs = this.listing(state.representation);
    const last = state.lastRef;
    if (last && state.sameStream) {
      // The segment iterator's next reference (the same segment is never fetched twice).
      return refs.find((ref) => ref.startTime > last.startTime + 0.002);
    }
    if (last) return findByTime(refs, last.endTime);
    // Nothing buffered: look `inaccurateManifestTolerance` early (Shaka then fetches the segment
    // before the one the start falls in), else at the time itself.
    const tolerance = this.config.streaming.inaccurateManifestTolerance;
    const early = tolerance > 0 ? findByTime(refs, Math.max(time - tolerance, 0)) : undefined;
    return early ?? findByTime(refs, time);
  }

  /** Fetches `ref` (and its init segment, in parallel) and appends it. */
  private async fetchAndAppend(state: MediaState, ref: DashSegmentRef): Promise<void> {
    const representation = state.representation;
    this.segmentRequested(state, ref);
    const initUrl = representation.initUrl;
    const init =
      initUrl !== undefined && initUrl !== state.lastInitUrl ? this.loadInit(initUrl) : undefined;
    state.lastInitUrl = initUrl;
    let delivery: Delivery;
    try {
      if (this.config.streaming.segmentPrefetchLimit > 0) {
        // SegmentPrefetch starts the media request (and the init segment's) at the update, so
        // both load in parallel although the init segment is appended first.
        [delivery] = await Promise.all([this.requestWithRetries(state, ref), init]);
      } else {
        // initSourceBuffer_ fetches and appends the init segment before the media fetch starts.
        await init;
        delivery = await this.requestWithRetries(state, ref);
      }
    } catch (error) {
      if (this.destroyed) return;
      if (error instanceof AttemptError) {
        if (!this.mpd?.isLive) {
          throw new VirtualViewerError(
            'playlist-load',
            `Segment ${ref.url} failed: ${error.code}`,
            {
              cause: error,
            },
          );
        }
        // Player `defaultStreamingFailureCallback_`: live streams retry streaming.
        if (init !== undefined) state.lastInitUrl = undefined;
        this.schedule(
          state,
          error.timedOut
            ? SHAKA_CONSTANTS.liveTimeoutRetrySeconds
            : SHAKA_CONSTANTS.liveHttpErrorRetrySeconds,
        );
        return;
      }
      throw error;
    }
    if (this.destroyed) return;
    const nowMs = performance.now();
    const bytes = delivery.data.byteLength;
    const level = this.levelOf(representation);
    const kind = representation.type === 'audio' ? 'audio' : 'main';
    this.deliveredBytes[delivery.source] += bytes;
    this.delivered.push({
      kind,
      sequence: ref.id,
      level,
      url: ref.url,
      sha256: segmentDigest(delivery.data, this.options.hashSegments),
      bytes,
      source: delivery.source,
    });
    if (kind === 'main') {
      if (this.lastVideoLevel !== -1 && this.lastVideoLevel !== level) this.levelSwitches++;
      this.lastVideoLevel = level;
    }
    state.lastRef = ref;
    state.sameStream = true;
    this.initAppended = true;
    insertRange(state.buffered, ref.startTime, ref.endTime);
    // bufferBehind: what is far behind the playhead is evicted (kept short for the intersection).
    const behind = (this.model?.position ?? 0) - this.config.streaming.bufferBehind;
    while (state.buffered.length > 1 && (state.buffered[0]?.end ?? Infinity) < behind) {
      state.buffered.shift();
    }
    this.appendToPlayhead(nowMs);
    this.schedule(state, 0);
  }

  /** The level a Representation is recorded under: its index among its type, by bandwidth. */
  private levelOf(representation: DashRepresentation): number {
    const ofType = (this.mpd?.representations ?? [])
      .filter((r) => r.type === representation.type)
      .sort((a, b) => a.bandwidthBps - b.bandwidthBps);
    // By id: every MPD load makes new objects for the same Representations.
    return ofType.findIndex((r) => r.id === representation.id);
  }

  /**
   * Gives the playhead what both media types have buffered (the element plays the intersection);
   * a start or a resumption is the element's `playing` event, on which the adapter reports.
   */
  private appendToPlayhead(nowMs: number): void {
    const model = this.model;
    if (!model) return;
    model.advance(nowMs);
    const joint = intersectAll([...this.states.values()].map((s) => s.buffered));
    if (!playingOf(model)) {
      // The element starts (and resumes) only with enough buffered ahead; with a rebuffering goal
      // Shaka holds it (rate 0) until that much is buffered.
      const needed = Math.max(
        this.config.streaming.rebufferingGoal,
        SHAKA_CONSTANTS.mediaElementHaveEnoughSeconds,
      );
      // Playback starts in the first range ending after the playhead (a hole before it is jumped).
      const range = joint.find((r) => r.end > model.position + 1e-3);
      const ahead = range ? range.end - Math.max(range.start, model.position) : 0;
      const end = this.mpd?.durationSeconds;
      const atEnd =
        !this.mpd?.isLive && end !== undefined && range !== undefined && range.end >= end - 0.1;
      if (ahead < needed && !atEnd) return;
    }
    const before = playingOf(model);
    for (const range of joint) {
      if (range.end > model.position + 1e-3) model.append(range.start, range.end, nowMs);
    }
    if (!before && playingOf(model)) this.reportPlayback();
  }

  /** ABR's sample of a response and, when it makes a choice, the switch (`switch_`). */
  private abrSample(deltaMs: number, bytes: number): void {
    const choice = this.abr?.segmentDownloaded(deltaMs, bytes, performance.now());
    if (choice === undefined || choice === this.variantIndex || this.destroyed) return;
    this.variantIndex = choice;
    const variant = this.variants[choice];
    if (!variant) return;
    for (const state of this.states.values()) {
      const representation = variant[state.type];
      if (!representation || representation.id === state.representation.id) continue;
      state.representation = representation;
      state.sameStream = false;
    }
  }

  // ---- Requests -----------------------------------------------------------------------------

  /** A media segment with Shaka's retry parameters (`streaming.retryParameters`). */
  private async requestWithRetries(state: MediaState, ref: DashSegmentRef): Promise<Delivery> {
    const parameters = this.config.streaming.retryParameters;
    const descriptor = this.descriptor(state.representation);
    const level = this.levelOf(state.representation);
    let lastError: AttemptError | undefined;
    for (let attempt = 1; attempt <= Math.max(1, parameters.maxAttempts); attempt++) {
      const delayMs = retryDelayMs(attempt, parameters, this.random());
      if (delayMs > 0) await this.life.sleep(delayMs);
      if (this.destroyed) throw new P2PMediaLoaderError('destroyed', 'Viewer destroyed');
      const requestStartMs = performance.now();
      const makeRecord = requestRecorder(
        this.model as PlaybackModel,
        this.startMs,
        requestStartMs,
        {
          sequence: ref.id,
          level,
          streamKey: descriptor.key,
          url: ref.url,
          fragmentStartSeconds: ref.startTime,
        },
      );
      const record = (fields: Partial<RequestRecord>): void => {
        this.requests.push({ kind: descriptor.kind, ...makeRecord(fields) });
      };
      try {
        const delivery = await this.deliver(descriptor, ref, parameters, requestStartMs);
        record({ source: delivery.source, bytes: delivery.data.byteLength });
        return delivery;
      } catch (error) {
        if (this.life.destroyed) throw error;
        const failure =
          error instanceof AttemptError
            ? error
            : new AttemptError(
                error instanceof P2PMediaLoaderError ? error.code : 'error',
                error instanceof P2PMediaLoaderError && error.code === 'http-timeout',
                { cause: error },
              );
        record({ error: failure.code });
        this.requestErrors++;
        lastError = failure;
      }
    }
    throw lastError ?? new AttemptError('error', false);
  }

  /** One attempt: through the engine (no timeout: the adapter's plugin sets none) or plain HTTP. */
  private async deliver(
    descriptor: StreamDescriptor,
    ref: DashSegmentRef,
    parameters: ShakaRetryParameters,
    requestStartMs: number,
  ): Promise<Delivery> {
    const engine = this.options.engine;
    return this.life.withController(async (controller) => {
      if (engine) {
        const loaded = await engine.loadSegment(
          descriptor,
          { id: ref.id, url: ref.url, startTime: ref.startTime, endTime: ref.endTime },
          { signal: controller.signal },
        );
        // The adapter's response: what Shaka's networking engine samples for ABR.
        const report = bandwidthReport(
          loaded,
          performance.now() - Math.max(requestStartMs, loaded.timings.transferStartMs),
          engine.getHttpBandwidthEstimate(),
        );
        if (!report.fromCache) this.abrSample(report.timeMs, loaded.data.byteLength);
        return { data: loaded.data, source: loaded.source };
      }
      const data = await this.fetchWithProgress(ref.url, parameters, controller, true);
      return { data, source: 'http' };
    });
  }

  /** The init segment, over Shaka's own HTTP plugin (the adapter never hands it to the engine). */
  private async loadInit(url: string): Promise<void> {
    await this.life.withController(async (controller) => {
      const data = await this.fetchWithProgress(
        url,
        this.config.streaming.retryParameters,
        controller,
        true,
      );
      this.otherHttpBytes += data.byteLength;
    });
  }

  /**
   * An HTTP request as Shaka's fetch plugin makes it: `timeout` for the whole attempt,
   * `connectionTimeout` until the response starts and `stallTimeout` between chunks; when
   * `sampleAbr`, a progress sample (ms since the last one, bytes) every `minBytes` received.
   */
  private async fetchWithProgress(
    url: string,
    parameters: ShakaRetryParameters,
    controller: AbortController,
    sampleAbr: boolean,
  ): Promise<ArrayBuffer> {
    const timedOut = { value: false };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number): void => {
      clearTimeout(timer);
      if (ms > 0) {
        timer = setTimeout(() => {
          timedOut.value = true;
          controller.abort();
        }, ms);
      }
    };
    const overall =
      parameters.timeout > 0
        ? setTimeout(() => {
            timedOut.value = true;
            controller.abort();
          }, parameters.timeout)
        : undefined;
    try {
      let lastMs = performance.now();
      arm(parameters.connectionTimeout);
      const response = await this.fetchImpl(url, { signal: controller.signal });
      if (!response.ok) {
        throw new AttemptError(`http-status-${response.status}`, false);
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      let sinceLast = 0;
      const minBytes = this.config.abr.advanced.minBytes;
      const body = response.body;
      if (body) {
        const reader = body.getReader();
        for (;;) {
          arm(parameters.stallTimeout);
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          total += value.byteLength;
          sinceLast += value.byteLength;
          if (sampleAbr && sinceLast >= minBytes) {
            const nowMs = performance.now();
            this.abrSample(nowMs - lastMs, sinceLast);
            lastMs = nowMs;
            sinceLast = 0;
          }
        }
      }
      if (sampleAbr && sinceLast > 0) this.abrSample(performance.now() - lastMs, sinceLast);
      const data = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        data.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return data.buffer;
    } catch (error) {
      if (timedOut.value) throw new AttemptError('timeout', true, { cause: error });
      if (error instanceof AttemptError || this.destroyed) throw error;
      throw new AttemptError('http-network', false, { cause: error });
    } finally {
      clearTimeout(timer);
      clearTimeout(overall);
    }
  }

  /** The MPD's text with `manifest.retryParameters`. */
  private fetchText(url: string): Promise<string> {
    const parameters = this.config.manifest.retryParameters;
    return this.life.loadWithRetries(
      url,
      Math.max(1, parameters.maxAttempts),
      (index) => retryDelayMs(index + 1, parameters, this.random()),
      () =>
        this.life.withController(async (controller) => {
          const data = await this.fetchWithProgress(url, parameters, controller, false);
          this.otherHttpBytes += data.byteLength;
          return new TextDecoder().decode(data);
        }),
    );
  }
}

/**
 * Shaka's variants: every video Representation with every audio one (or either alone), bandwidth
 * the sum, in ascending bandwidth order (`filterAndSortVariants_`).
 */
export function buildVariants(representations: readonly DashRepresentation[]): Variant[] {
  const videos = representations.filter((r) => r.type === 'video');
  const audios = representations.filter((r) => r.type === 'audio');
  const pairs: { video?: DashRepresentation; audio?: DashRepresentation }[] = [];
  if (videos.length === 0) for (const audio of audios) pairs.push({ audio });
  for (const video of videos) {
    if (audios.length === 0) pairs.push({ video });
    for (const audio of audios) pairs.push({ video, audio });
  }
  return pairs
    .map((pair) => ({
      ...pair,
      bandwidthBps: (pair.video?.bandwidthBps ?? 0) + (pair.audio?.bandwidthBps ?? 0),
    }))
    .sort((a, b) => a.bandwidthBps - b.bandwidthBps)
    .map((pair, index) => ({ ...pair, index }));
}

/**
 * SegmentIndex `find`: the reference whose [start, next start) holds `time`; the first one when
 * `time` is before it; undefined after the last.
 */
export function findByTime(
  refs: readonly DashSegmentRef[],
  time: number,
): DashSegmentRef | undefined {
  const first = refs[0];
  if (!first) return undefined;
  if (time < first.startTime) return first;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i] as DashSegmentRef;
    const end = refs[i + 1]?.startTime ?? ref.endTime;
    if (time >= ref.startTime && time < end) return ref;
  }
  return undefined;
}

/** TimeRangesUtils `bufferedAheadOf`: seconds buffered after `time`, in all ranges. */
export function bufferedAheadOf(ranges: readonly Range[], time: number): number {
  let ahead = 0;
  for (const range of ranges) {
    if (range.end > time) ahead += range.end - Math.max(range.start, time);
  }
  return ahead;
}

/** Adds [start, end) to sorted, merged `ranges` (small holes closed, as the element reports). */
function insertRange(ranges: Range[], start: number, end: number): void {
  ranges.push({ start, end });
  ranges.sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
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

/** The intersection of several sorted range lists (what a media element with two buffers plays). */
export function intersectAll(lists: readonly (readonly Range[])[]): Range[] {
  const [first, ...rest] = lists;
  if (!first) return [];
  let result: Range[] = first.map((r) => ({ ...r }));
  for (const list of rest) {
    const next: Range[] = [];
    for (const a of result) {
      for (const b of list) {
        const start = Math.max(a.start, b.start);
        const end = Math.min(a.end, b.end);
        if (end > start) next.push({ start, end });
      }
    }
    result = next;
  }
  return result;
}

/** True while the element plays (started and not stalled): `playing` fires on the change. */
function playingOf(model: PlaybackModel): boolean {
  return model.started && !model.stalled;
}

/**
 * A virtual viewer: the real engine (or plain HTTP, for a baseline) driven by a model of hls.js
 * playing an HLS source, with no media pipeline. It loads the multivariant and media playlists from
 * the origin (reloading live ones every target duration), picks levels with hls.js's ABR rules on
 * an EWMA bandwidth estimate, requests one fragment at a time while the buffer is below hls.js's
 * buffer goal, and feeds the engine the playback state the hls.js adapter would (position, rate,
 * buffered end, on every `timeupdate` and append), from which the engine derives each request's
 * deadline. The playhead, stalls and startup are a {@link PlaybackModel}. See
 * docs/VIRTUAL-VIEWERS.md for the model, its sources and what it leaves out.
 */
import type { LoadedSegment } from '../../../core/engine/engine-api.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import { hlsStreamKey } from '../../../core/hls/stream-key.js';
import { reportedLoadTimings } from '../../../adapters/hlsjs/loader-stats.js';
import type { SegmentSource, StreamDescriptor } from '../../../core/model/segment.js';
import { nextAutoLevel, type AbrLevel } from './abr.js';
import { BandwidthEstimate, defaultBandwidthOptions } from './bandwidth-estimate.js';
import {
  parseMediaPlaylistSnapshot,
  parseVariants,
  SegmentTimeline,
  type MediaPlaylistSnapshot,
  type TimedSegment,
  type Variant,
} from './hls-manifest.js';
import {
  bufferGoalSeconds,
  fragmentRetryDelayMs,
  HLSJS_DEFAULTS,
  liveReloadDueMs,
} from './hlsjs-defaults.js';
import { PlaybackModel } from './playback-model.js';
import { VirtualViewerError } from './viewer-error.js';
import {
  requestRecorder,
  segmentDigest,
  ViewerModel,
  type ViewerModelOptions,
} from './viewer-lifecycle.js';
import type { DeliveredSegmentRecord, RequestRecord, ViewerResult } from './viewer-result.js';

/**
 * hls.js's `maxFragLookUpTolerance` (0.25 s): the fragment for a time is the one ending more than
 * this after it, so a buffered end that falls on a boundary picks the next fragment.
 */
const FRAGMENT_LOOKUP_TOLERANCE_SECONDS = 0.25;

/** Settings of a {@link VirtualViewer}. */
export interface VirtualViewerOptions extends ViewerModelOptions {
  /** Absolute URL of the multivariant (or media) playlist. */
  readonly manifestUrl: string;
  /** Random source in [0, 1) (seeded by the process entry): phase of `timeupdate`. Default Math.random. */
  readonly random?: () => number;
  /**
   * Period of the model's stream tick (hls.js's `tick` timer), ms. Default hls.js's 100 ms. The
   * simulator may coarsen it for very large runs (it also ticks after every load, as hls.js does).
   */
  readonly tickIntervalMs?: number;
  /** Period of `timeupdate` while playing, ms. Default Chromium's 250 ms. */
  readonly timeupdateIntervalMs?: number;
}

/** A loaded media playlist of one level. */
interface LevelState {
  readonly stream: StreamDescriptor;
  playlist: MediaPlaylistSnapshot;
  segments: TimedSegment[];
  /** When its last load started, performance.now() ms. */
  loadStartMs: number;
}

/** What a fragment delivery looked like, engine or plain HTTP. */
interface Delivery {
  readonly data: ArrayBuffer;
  readonly source: SegmentSource;
  readonly transferStartMs: number;
  readonly firstByteMs: number;
}

/** One virtual hls.js viewer. */
export class VirtualViewer extends ViewerModel<VirtualViewerOptions> {
  private readonly timeline = new SegmentTimeline();
  private readonly levels = new Map<number, LevelState>();
  private readonly initsLoaded = new Set<string>();
  private readonly requests: RequestRecord[] = [];
  private readonly delivered: DeliveredSegmentRecord[] = [];
  private readonly deliveredBytes = { http: 0, p2p: 0, cache: 0 };
  private variants: readonly Variant[] = [];
  private firstLevel = 0;
  private readonly estimate = new BandwidthEstimate(defaultBandwidthOptions(false));
  private model: PlaybackModel | undefined;
  private startMs = 0;
  private loadLevel = -1;
  private lastLoadedLevel = -1;
  private lastFragmentSeconds = 0;
  private lastPlaylistLoadSeconds = 0;
  private levelSwitches = 0;
  private otherHttpBytes = 0;
  private requestErrors = 0;
  private retries = 0;
  private retryNotBeforeMs = 0;
  private busy = false;
  private isLive = false;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private timeupdateTimer: ReturnType<typeof setInterval> | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Loads the manifest and the first level's playlist, then plays until destroyed. Resolves when
   * playback is under way (the first fragment requested); rejects with a
   * {@link VirtualViewerError} when the playlists cannot be loaded.
   */
  async start(): Promise<void> {
    if (this.startMs !== 0) return;
    this.startMs = performance.now();
    try {
      const manifestText = await this.fetchText(this.options.manifestUrl);
      const { variants, firstLevel } = parseVariants(manifestText, this.options.manifestUrl);
      this.variants = variants;
      this.firstLevel = firstLevel;
      this.estimate.raiseDefaultTo(variants[firstLevel]?.maxBitrateBps ?? 0);
      this.options.engine?.setSource(this.options.manifestUrl);
      const level = nextAutoLevel(this.abrInput(0));
      const state = await this.loadLevelPlaylist(level);
      if (this.destroyed) return;
      // hls.js moves its estimator to the live half-lives on a live playlist; hls.js's defaults
      // for live and VOD are the same (3 s / 9 s), so the estimate carries on unchanged.
      this.isLive = state.playlist.isLive;
      this.model = new PlaybackModel({
        startPositionSeconds: this.startPosition(state),
        createdAtMs: this.startMs,
      });
      // The playlist loaded before the playhead existed: tell it where a VOD stream ends.
      const last = state.segments.at(-1);
      if (!state.playlist.isLive && last) this.model.setEnd(last.segment.endTime);
      this.switchTo(level);
      this.reportPlayback();
    } catch (error) {
      // Destroyed while loading the playlists: nothing failed.
      if (this.destroyed) return;
      this.life.fail(error);
      throw error;
    }
    this.tickTimer = setInterval(() => {
      this.tick();
    }, this.options.tickIntervalMs ?? HLSJS_DEFAULTS.streamTickMs);
    const timeupdateMs = this.options.timeupdateIntervalMs ?? HLSJS_DEFAULTS.timeupdateIntervalMs;
    const phaseMs = Math.floor((this.options.random ?? Math.random)() * timeupdateMs);
    this.life.later(phaseMs, () => {
      this.timeupdateTimer = setInterval(() => {
        if (this.model?.started && !this.model.stalled) this.reportPlayback();
      }, timeupdateMs);
    });
    this.tick();
  }

  /** The results so far (`partial` until destroyed). */
  result(): ViewerResult {
    // A destroyed viewer's playhead stopped with it: counting on would play out (then stall on)
    // the buffer it left behind after the session ended.
    const nowMs = this.life.destroyedAtMs ?? performance.now();
    this.model?.advance(nowMs);
    return this.life.result({
      viewer: this.options.id,
      counters: this.model?.counters(nowMs),
      runMs: this.startMs === 0 ? 0 : Math.round(nowMs - this.startMs),
      levelSwitches: this.levelSwitches,
      levels: this.delivered.map((d) => d.level),
      deliveredBytes: this.deliveredBytes,
      otherHttpBytes: this.otherHttpBytes,
      requestErrors: this.requestErrors,
      requests: this.requests,
      segments: this.delivered,
    });
  }

  /** Stops timers and requests and destroys the engine. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.model?.advance(performance.now());
    clearInterval(this.tickTimer);
    clearInterval(this.timeupdateTimer);
    clearTimeout(this.reloadTimer);
    this.life.destroy();
  }

  /** hls.js's stream-controller tick: load the next fragment when the buffer is below the goal. */
  private tick(): void {
    const model = this.model;
    if (!model || this.destroyed || this.busy || this.life.fatalError !== undefined || model.ended)
      return;
    const nowMs = performance.now();
    if (nowMs < this.retryNotBeforeMs) return;
    model.advance(nowMs);
    const level = nextAutoLevel(this.abrInput(model.bufferAheadSeconds));
    if (level !== this.loadLevel) {
      this.switchTo(level);
      if (!this.levels.has(level) || this.isLive) {
        this.run(async () => {
          await this.loadLevelPlaylist(level);
        });
        return;
      }
    }
    const state = this.levels.get(this.loadLevel);
    if (!state) return;
    const variant = this.variants[this.loadLevel];
    if (model.bufferAheadSeconds >= bufferGoalSeconds(variant?.maxBitrateBps ?? 0)) return;
    const target = model.bufferedEnd;
    const next = state.segments.find(
      (s) => s.segment.endTime - FRAGMENT_LOOKUP_TOLERANCE_SECONDS > target,
    );
    // None: the end of a VOD stream, or a live edge waiting for the next playlist reload.
    if (!next) return;
    this.run(async () => {
      await this.loadInit(next);
      await this.loadFragment(this.loadLevel, state.stream, next);
    });
  }

  /** Runs one loading step (hls.js loads one thing at a time per stream controller). */
  private run(step: () => Promise<void>): void {
    this.busy = true;
    step()
      .catch((error: unknown) => {
        this.life.fail(error);
      })
      .finally(() => {
        this.busy = false;
        if (!this.destroyed) {
          this.life.later(0, () => {
            this.tick();
          });
        }
      });
  }

  /** Makes `level` the one fragments load from (hls.js LEVEL_SWITCHING: the engine is told). */
  private switchTo(level: number): void {
    this.loadLevel = level;
    const state = this.levels.get(level);
    if (state) this.options.engine?.setActiveStream(state.stream);
    if (this.isLive) this.scheduleReload();
  }

  private async loadLevelPlaylist(level: number): Promise<LevelState> {
    const variant = this.variants[level];
    if (!variant) throw new VirtualViewerError('playlist-load', `No level ${level}`);
    const loadStartMs = performance.now();
    const text = await this.fetchText(variant.playlistUrl);
    this.lastPlaylistLoadSeconds = (performance.now() - loadStartMs) / 1000;
    const playlist = parseMediaPlaylistSnapshot(text, variant.playlistUrl);
    const previous = this.levels.get(level);
    const stream: StreamDescriptor = previous?.stream ?? {
      key: hlsStreamKey('main', variant.playlistUrl, this.options.manifestUrl),
      kind: 'main',
      ...(variant.maxBitrateBps > 0 ? { bitrate: variant.maxBitrateBps } : {}),
    };
    const segments = this.timeline.place(playlist);
    const updated =
      previous === undefined ||
      (playlist.segments.at(-1)?.sequence ?? -1) >
        (previous.playlist.segments.at(-1)?.sequence ?? -1);
    const state: LevelState = { stream, playlist, segments, loadStartMs };
    this.levels.set(level, state);
    if (this.destroyed) return state;
    this.options.engine?.updateStream(stream, {
      segments: segments.map((s) => s.segment),
      isLive: playlist.isLive,
    });
    if (level === this.loadLevel) this.options.engine?.setActiveStream(stream);
    const last = segments.at(-1);
    if (!playlist.isLive && last) this.model?.setEnd(last.segment.endTime);
    if (playlist.isLive && level === this.loadLevel) this.scheduleReload(updated);
    return state;
  }

  /** Schedules the reload of the current level's live playlist (hls.js's reload interval). */
  private scheduleReload(updated = true): void {
    clearTimeout(this.reloadTimer);
    const level = this.loadLevel;
    const state = this.levels.get(level);
    if (!state || this.destroyed) return;
    const last = state.segments.at(-1);
    const edge = last?.segment.endTime ?? 0;
    const dueMs = liveReloadDueMs({
      loadStartMs: state.loadStartMs,
      targetDurationSeconds: state.playlist.targetDurationSeconds,
      lastSegmentSeconds: last?.durationSeconds ?? 0,
      updated,
      distanceToEdgeSeconds: edge - (this.model?.position ?? edge),
    });
    this.reloadTimer = setTimeout(
      () => {
        this.loadLevelPlaylist(level).then(
          () => {
            this.tick();
          },
          (error: unknown) => {
            this.life.fail(error);
          },
        );
      },
      Math.max(0, dueMs - performance.now()),
    );
  }

  /** hls.js's start position: VOD at the start, live `liveSyncDurationCount` targets behind the edge. */
  private startPosition(state: LevelState): number {
    const first = state.segments[0];
    const last = state.segments.at(-1);
    if (!first || !last) return 0;
    if (!state.playlist.isLive) return first.segment.startTime;
    const targetSeconds = state.playlist.targetDurationSeconds;
    const edge = last.segment.endTime;
    const sync = edge - HLSJS_DEFAULTS.liveSyncDurationCount * targetSeconds;
    // latency-controller clamps the sync position into the window, one target short of the edge.
    return Math.min(Math.max(first.segment.startTime, sync), edge - targetSeconds);
  }

  /** Loads the fragment's init segment (EXT-X-MAP) once, with hls.js's own loader: never P2P. */
  private async loadInit(timed: TimedSegment): Promise<void> {
    const init = timed.init;
    if (!init) return;
    const key = `${init.url} ${init.byteRange?.start ?? ''}-${init.byteRange?.end ?? ''}`;
    if (this.initsLoaded.has(key)) return;
    const response = await this.fetchWithTimeout(
      init.url,
      HLSJS_DEFAULTS.fragMaxLoadTimeMs,
      init.byteRange,
    );
    this.otherHttpBytes += (await response.arrayBuffer()).byteLength;
    this.initsLoaded.add(key);
  }

  private async loadFragment(
    level: number,
    stream: StreamDescriptor,
    timed: TimedSegment,
  ): Promise<void> {
    const model = this.model as PlaybackModel;
    const requestStartMs = performance.now();
    const makeRecord = requestRecorder(model, this.startMs, requestStartMs, {
      sequence: timed.sequence,
      level,
      streamKey: stream.key,
      url: timed.url,
      fragmentStartSeconds: timed.segment.startTime,
    });
    const record = (fields: Partial<RequestRecord>): void => {
      this.requests.push(makeRecord(fields));
    };
    // An object, not a `let`: the timer callback sets it after the await below.
    const deadline = { timedOut: false };
    let delivery: Delivery;
    try {
      delivery = await this.life.withController(async (controller) => {
        const timeout = setTimeout(() => {
          deadline.timedOut = true;
          controller.abort();
        }, HLSJS_DEFAULTS.fragMaxLoadTimeMs);
        try {
          return await this.deliver(stream, timed, controller.signal);
        } finally {
          clearTimeout(timeout);
        }
      });
    } catch (error) {
      if (this.destroyed) return;
      const { timedOut } = deadline;
      const code = timedOut
        ? 'timeout'
        : error instanceof P2PMediaLoaderError
          ? error.code
          : 'error';
      record({ error: code });
      this.requestErrors++;
      const limit = timedOut ? HLSJS_DEFAULTS.fragTimeoutRetries : HLSJS_DEFAULTS.fragErrorRetries;
      if (this.retries >= limit) {
        throw new VirtualViewerError('playlist-load', `Fragment ${timed.url} failed: ${code}`, {
          cause: error,
        });
      }
      this.retryNotBeforeMs =
        performance.now() + (timedOut ? 0 : fragmentRetryDelayMs(this.retries));
      this.retries++;
      return;
    }
    if (this.destroyed) return;
    this.retries = 0;
    const endMs = performance.now();
    const bytes = delivery.data.byteLength;
    record({ source: delivery.source, bytes });
    this.sampleBandwidth(delivery, requestStartMs, endMs, bytes);
    this.deliveredBytes[delivery.source] += bytes;
    this.delivered.push({
      sequence: timed.sequence,
      level,
      url: timed.url,
      ...(timed.byteRange ? { byteRange: timed.byteRange } : {}),
      sha256: segmentDigest(delivery.data, this.options.hashSegments),
      bytes,
      source: delivery.source,
    });
    if (this.lastLoadedLevel !== -1 && this.lastLoadedLevel !== level) this.levelSwitches++;
    this.lastLoadedLevel = level;
    this.lastFragmentSeconds = timed.durationSeconds;
    model.append(timed.segment.startTime, timed.segment.endTime, endMs);
    this.reportPlayback();
  }

  /** The fragment's bytes: from the engine, or over plain HTTP without one. */
  private async deliver(
    stream: StreamDescriptor,
    timed: TimedSegment,
    signal: AbortSignal,
  ): Promise<Delivery> {
    const engine = this.options.engine;
    if (engine) {
      const loaded: LoadedSegment = await engine.loadSegment(stream, timed.segment, { signal });
      return {
        data: loaded.data,
        source: loaded.source,
        transferStartMs: loaded.timings.transferStartMs,
        firstByteMs: loaded.timings.firstByteMs,
      };
    }
    const transferStartMs = performance.now();
    const response = await this.fetchImpl(timed.url, {
      signal,
      ...(timed.byteRange ? { headers: rangeHeader(timed.byteRange) } : {}),
    });
    const firstByteMs = performance.now();
    if (!response.ok) {
      throw new P2PMediaLoaderError('http-status', `HTTP ${response.status} for ${timed.url}`, {
        status: response.status,
      });
    }
    return { data: await response.arrayBuffer(), source: 'http', transferStartMs, firstByteMs };
  }

  /**
   * hls.js's bandwidth sample of a main fragment, with the timings the hls.js adapter reports
   * (adapters/hlsjs/fragment-loader.ts): P2P and store deliveries count at the engine's HTTP estimate.
   */
  private sampleBandwidth(
    delivery: Delivery,
    requestStartMs: number,
    endMs: number,
    bytes: number,
  ): void {
    const timings = reportedLoadTimings({
      source: delivery.source,
      bytes,
      requestStartMs: Math.max(requestStartMs, delivery.transferStartMs),
      firstByteMs: delivery.firstByteMs,
      endMs,
      httpBandwidthBps: this.options.engine?.getHttpBandwidthEstimate(),
    });
    const ttfbMs = timings.first - timings.start;
    this.estimate.addTtfbSample(ttfbMs);
    const processingMs = timings.end - timings.start - Math.min(ttfbMs, this.estimate.ttfbMs);
    this.estimate.addSample(processingMs, bytes);
  }

  private abrInput(bufferAheadSeconds: number): Parameters<typeof nextAutoLevel>[0] {
    const levels: AbrLevel[] = this.variants.map((variant, index) => {
      const state = this.levels.get(index);
      const count = state?.segments.length ?? 0;
      const total = state?.segments.reduce((sum, s) => sum + s.durationSeconds, 0) ?? 0;
      return {
        maxBitrateBps: variant.maxBitrateBps,
        averageBitrateBps: variant.averageBitrateBps,
        ...(count > 0 ? { averageSegmentSeconds: total / count } : {}),
      };
    });
    return {
      levels,
      bandwidthBps: this.estimate.estimateBps,
      ttfbMs: this.estimate.ttfbMs,
      bufferStarvationSeconds: bufferAheadSeconds,
      lastFragmentSeconds: this.lastFragmentSeconds,
      lastLoadedLevel: this.lastLoadedLevel,
      firstLevel: this.firstLevel,
      loadLevel: this.loadLevel < 0 ? this.firstLevel : this.loadLevel,
      isLive: this.isLive,
      lastPlaylistLoadSeconds: this.lastPlaylistLoadSeconds,
    };
  }

  /** Tells the engine where playback is (what the adapter's MediaPlaybackReporter does). */
  private reportPlayback(): void {
    if (!this.model || this.destroyed) return;
    this.model.advance(performance.now());
    this.options.engine?.setPlayback(this.model.playbackState());
  }

  /** A playlist's text with hls.js's playlist load policy (20 s limit, 2 retries after errors). */
  private fetchText(url: string): Promise<string> {
    return this.life.loadWithRetries(
      url,
      HLSJS_DEFAULTS.playlistErrorRetries + 1,
      (attempt) =>
        attempt > 0 ? Math.min(HLSJS_DEFAULTS.playlistRetryDelayMs * 2 ** (attempt - 1), 8000) : 0,
      async () => {
        const response = await this.fetchWithTimeout(url, HLSJS_DEFAULTS.playlistMaxLoadTimeMs);
        const text = await response.text();
        this.otherHttpBytes += Buffer.byteLength(text);
        return text;
      },
    );
  }

  private async fetchWithTimeout(
    url: string,
    timeoutMs: number,
    byteRange?: { readonly start: number; readonly end: number },
  ): Promise<Response> {
    return this.life.withController(async (controller) => {
      const timer = setTimeout(() => {
        controller.abort();
      }, timeoutMs);
      try {
        const response = await this.fetchImpl(url, {
          signal: controller.signal,
          ...(byteRange ? { headers: rangeHeader(byteRange) } : {}),
        });
        if (!response.ok) {
          throw new VirtualViewerError('playlist-load', `HTTP ${response.status} for ${url}`);
        }
        return response;
      } finally {
        clearTimeout(timer);
      }
    });
  }
}

function rangeHeader(range: {
  readonly start: number;
  readonly end: number;
}): Record<string, string> {
  return { Range: `bytes=${range.start}-${range.end - 1}` };
}

/**
 * What the two virtual-viewer models (the hls.js one in virtual-viewer.ts and the Shaka one in
 * shaka-viewer.ts) do alike, whatever player they model: timers and sleeps that destroy() ends,
 * abort controllers of requests in flight, the engine's counters kept past its destruction, the
 * first fatal error, a text load retried by the player's policy, a request's record, a delivered
 * segment's digest and the {@link ViewerResult} built from all of it. The player-specific rules
 * (retry delays, timeouts, what counts as a request) stay in the models and are passed in.
 */
import { createHash } from 'node:crypto';
import type { SegmentEngine } from '../../../core/engine/engine-api.js';
import { P2PMediaLoaderError, isAbortError } from '../../../core/errors.js';
import type { PlaybackCounters, PlaybackModel } from './playback-model.js';
import { VirtualViewerError } from './viewer-error.js';
import type { DeliveredSegmentRecord, RequestRecord, ViewerResult } from './viewer-result.js';

/** The engine's counters, as `getStats()` returns them. */
type EngineStats = ReturnType<SegmentEngine['getStats']>;

/** What a model knows of its own run for {@link ViewerLifecycle.result}. */
export interface ViewerRunState {
  /** The viewer's id. */
  readonly viewer: string;
  /** The playhead's counters at the moment of the result (undefined before it exists). */
  readonly counters: PlaybackCounters | undefined;
  /** How long the viewer has run (or ran, once destroyed), ms. */
  readonly runMs: number;
  /** Level changes between consecutive (video) segments. */
  readonly levelSwitches: number;
  /** The level of each (video) segment delivered, in order. */
  readonly levels: readonly number[];
  /** Bytes delivered to the player, by where they came from. */
  readonly deliveredBytes: { readonly http: number; readonly p2p: number; readonly cache: number };
  /** Bytes of playlists, manifests and init segments fetched outside the engine. */
  readonly otherHttpBytes: number;
  /** Failed segment requests. */
  readonly requestErrors: number;
  /** Every segment request made. */
  readonly requests: readonly RequestRecord[];
  /** Every segment delivered to the player. */
  readonly segments: readonly DeliveredSegmentRecord[];
}

/** The segment a request is for, as its {@link RequestRecord} names it. */
export interface RequestTarget {
  /** Media sequence number (HLS) or segment id (DASH). */
  readonly sequence: number;
  /** The level (variant index) it was requested at. */
  readonly level: number;
  /** The engine's stream key. */
  readonly streamKey: string;
  /** The segment's URL. */
  readonly url: string;
  /** The segment's start on the media timeline, seconds. */
  readonly fragmentStartSeconds: number;
}

/**
 * The life of one virtual viewer: timers, sleeps and request controllers that {@link destroy}
 * ends, the engine it owns (destroyed with it, its counters kept), and its first fatal error.
 */
export class ViewerLifecycle {
  private readonly controllers = new Set<AbortController>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Pending {@link sleep}s, woken by destroy(). */
  private readonly sleepers = new Set<() => void>();
  /** The engine's counters when it was destroyed (getStats is not available after). */
  private lastEngineStats: EngineStats | undefined;
  private destroyedFlag = false;
  private destroyedAt: number | undefined;
  private fatal: string | undefined;

  /** @param engine - the engine the viewer plays through and owns; undefined for plain HTTP */
  constructor(private readonly engine: SegmentEngine | undefined) {}

  /** Whether destroy() ran. */
  get destroyed(): boolean {
    return this.destroyedFlag;
  }

  /** When destroy() ran, performance.now() ms; undefined before. */
  get destroyedAtMs(): number | undefined {
    return this.destroyedAt;
  }

  /** The first fatal error, as `code: message`; undefined while there is none. */
  get fatalError(): string | undefined {
    return this.fatal;
  }

  /** Runs `callback` after `delayMs` unless destroyed first (destroy() clears the timer). */
  later(delayMs: number, callback: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.destroyedFlag) callback();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Resolves after `delayMs`, or at once when the viewer is destroyed meanwhile. */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      this.later(delayMs, wake);
    });
  }

  /** Runs `run` with an abort controller that destroy() aborts while it runs. */
  async withController<T>(run: (controller: AbortController) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.controllers.add(controller);
    try {
      return await run(controller);
    } finally {
      this.controllers.delete(controller);
    }
  }

  /**
   * A text (playlist, manifest) loaded by a player's retry policy: up to `attempts` attempts, each
   * after `delayBeforeMs(attemptIndex)` (0: none), stopping when destroyed.
   *
   * @throws VirtualViewerError `playlist-load` when every attempt failed (or destroyed meanwhile)
   */
  async loadWithRetries(
    url: string,
    attempts: number,
    delayBeforeMs: (attemptIndex: number) => number,
    attempt: () => Promise<string>,
  ): Promise<string> {
    let lastError: unknown;
    for (let index = 0; index < attempts; index++) {
      const delayMs = delayBeforeMs(index);
      if (delayMs > 0) await this.sleep(delayMs);
      if (this.destroyedFlag) break;
      try {
        return await attempt();
      } catch (error) {
        lastError = error;
      }
    }
    throw new VirtualViewerError('playlist-load', `Could not load ${url}`, { cause: lastError });
  }

  /** Records a fatal error (the first one counts); none after destroy() or for an abort. */
  fail(error: unknown): void {
    if (this.destroyedFlag || isAbortError(error)) return;
    const described =
      error instanceof VirtualViewerError || error instanceof P2PMediaLoaderError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    this.fatal ??= described;
  }

  /** The results so far (`partial` until destroyed), with the engine's (last) counters. */
  result(run: ViewerRunState): ViewerResult {
    const stats = this.engine && !this.destroyedFlag ? this.engine.getStats() : undefined;
    if (stats) this.lastEngineStats = stats;
    const engineStats = stats ?? this.lastEngineStats;
    const counters = run.counters;
    return {
      viewer: run.viewer,
      partial: !this.destroyedFlag,
      startupMs: counters?.startupMs === undefined ? undefined : Math.round(counters.startupMs),
      stalls: counters?.stalls ?? 0,
      stallMs: Math.round(counters?.stallMs ?? 0),
      gapsSkipped: counters?.gapsSkipped ?? 0,
      playedSeconds: Math.round((counters?.playedSeconds ?? 0) * 1000) / 1000,
      runMs: run.runMs,
      segmentsPlayed: run.segments.length,
      levelSwitches: run.levelSwitches,
      levels: runLengths(run.levels),
      deliveredBytes: { ...run.deliveredBytes },
      engineBytes: {
        http: engineStats?.httpBytes ?? 0,
        p2p: engineStats?.p2pBytes ?? 0,
        upload: engineStats?.uploadBytes ?? 0,
      },
      ...(engineStats?.p2pBytesByPath ? { p2pBytesByPath: { ...engineStats.p2pBytesByPath } } : {}),
      otherHttpBytes: run.otherHttpBytes,
      peers: engineStats?.peers ?? 0,
      requestErrors: run.requestErrors,
      ...(this.fatal === undefined ? {} : { fatalError: this.fatal }),
      requests: [...run.requests],
      segments: [...run.segments],
    };
  }

  /**
   * Keeps the engine's counters, clears timers, wakes sleeps, aborts requests and destroys the
   * engine. Idempotent; the model stops its own timers first.
   */
  destroy(): void {
    if (this.destroyedFlag) return;
    if (this.engine) this.lastEngineStats = this.engine.getStats();
    this.destroyedAt = performance.now();
    this.destroyedFlag = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
    this.engine?.destroy();
  }
}

/** The settings every viewer model reads the same way. */
export interface ViewerModelOptions {
  /** Name in the results. */
  readonly id: string;
  /**
   * The engine to play through; the viewer owns it (destroys it). Undefined: segments come over
   * plain HTTP, as the player without P2P (the bench's baseline arm).
   */
  readonly engine?: SegmentEngine;
  /**
   * HTTP client for playlists or manifests, init segments and (without engine) segments.
   * Default: `fetch`.
   */
  readonly fetch?: typeof fetch;
  /** Hash every delivered segment (SHA-256) for byte-identity checks. Default true. */
  readonly hashSegments?: boolean;
}

/** The base of a viewer model: its settings, id, HTTP client and {@link ViewerLifecycle}. */
export abstract class ViewerModel<Options extends ViewerModelOptions> {
  /** The HTTP client (`options.fetch` or the global `fetch`). */
  protected readonly fetchImpl: typeof fetch;
  /** Timers, sleeps, request controllers, the engine's counters and the fatal error. */
  protected readonly life: ViewerLifecycle;

  /** @param options - the model's settings; `engine` is owned (destroyed) by the viewer */
  constructor(protected readonly options: Options) {
    this.fetchImpl = options.fetch ?? fetch;
    this.life = new ViewerLifecycle(options.engine);
  }

  /** The viewer's id. */
  get id(): string {
    return this.options.id;
  }

  /** Whether destroy() ran. */
  protected get destroyed(): boolean {
    return this.life.destroyed;
  }
}

/**
 * Starts a segment request's record: advances `model` to `requestStartMs`, notes where the
 * playhead and buffer were, and returns the function that completes the record when the request
 * ends (its duration counted up to that call).
 */
export function requestRecorder(
  model: PlaybackModel,
  viewerStartMs: number,
  requestStartMs: number,
  target: RequestTarget,
): (fields: Partial<RequestRecord>) => RequestRecord {
  model.advance(requestStartMs);
  const playing = model.started && !model.stalled;
  const slackMs = playing ? model.bufferAheadSeconds * 1000 : 0;
  const positionSeconds = model.position;
  const bufferedEndSeconds = playing ? model.bufferedEnd : undefined;
  const startedAtEpochMs = Math.round(performance.timeOrigin + requestStartMs);
  return (fields) => ({
    sequence: target.sequence,
    level: target.level,
    startMs: Math.round(requestStartMs - viewerStartMs),
    startedAtEpochMs,
    streamKey: target.streamKey,
    url: target.url,
    fragmentStartSeconds: target.fragmentStartSeconds,
    positionSeconds,
    ...(bufferedEndSeconds === undefined ? {} : { bufferedEndSeconds }),
    slackMs: Math.round(slackMs),
    durationMs: Math.round(performance.now() - requestStartMs),
    bytes: 0,
    ...fields,
  });
}

/** A delivered segment's SHA-256 (hex) for byte-identity checks; '' when `hash` is false. */
export function segmentDigest(data: ArrayBuffer, hash: boolean | undefined): string {
  return hash === false ? '' : createHash('sha256').update(new Uint8Array(data)).digest('hex');
}

/** `[value, count]` pairs of consecutive equal values. */
export function runLengths(values: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const value of values) {
    const last = runs.at(-1);
    if (last && last[0] === value) last[1]++;
    else runs.push([value, 1]);
  }
  return runs;
}

/**
 * The per-player object every plugin drives (see `P2PPlayerSession` in contract.ts): one engine per
 * source, engine events forwarded as the plugin's typed events, totals across sources, transfer
 * rates, a stats tick while a source is loaded, stall counting and the optional stats beacon.
 */
import type { SegmentEngine } from '../../core/engine/engine-api.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import { TypedEmitter, type Listener } from '../../core/events/typed-emitter.js';
import type { HlsClassLike } from '../../adapters/hlsjs/hlsjs-types.js';
import type { ShakaNamespace, ShakaPlayerLike } from '../../adapters/shaka/shaka-types.js';
import type {
  EngineChoice,
  HlsHookup,
  P2PPlayerEventMap,
  P2PPlayerSession,
  P2PPlayerStats,
  P2PPluginOptions,
  PlaybackEngineKind,
  PlayerSource,
  StatsBeaconPayload,
  StatsBeaconPlayer,
  StatsOverlayHandle,
} from './contract.js';
import { chooseEngine } from './engine-choice.js';
import { StallCounter } from './media-stalls.js';
import { ADOPT_OVERLAY } from './overlay-adoption.js';
import { detectEnvironment, type PlaybackEnvironment } from './playback-environment.js';
import { engineConfigOf, validatePluginOptions } from './plugin-options.js';
import { RateWindow } from './rate-window.js';
import {
  startHlsSource,
  startShakaSource,
  type EngineFactory,
  type SourceEngine,
} from './source-engine.js';
import { randomPlayerId, StatsBeacon, type BeaconSender } from './stats-beacon.js';
import { PlaybackTimings } from './stats-beacon-playback.js';
import { StatsTotals } from './stats-totals.js';

/** Rates are averaged over this window (the contract's "last 5 s"). */
const RATE_WINDOW_MS = 5000;
/** Period of the `stats` event while a source is loaded. */
const STATS_INTERVAL_MS = 1000;

/**
 * Seams for tests and embedders; plugins normally pass nothing. Not part of the options players
 * accept, so none of it can come from page markup.
 */
export interface SessionDependencies {
  /** Creates each source's engine (default: the real `Engine`). */
  readonly createEngine?: EngineFactory;
  /** The environment engine choice decides on (default: read from `globalThis` at each choice). */
  readonly environment?: PlaybackEnvironment;
  /** Clock in ms for rates and the beacon's `t` (default `Date.now`). */
  readonly now?: () => number;
  /** Beacon transport (default `navigator.sendBeacon`, else a keep-alive fetch). */
  readonly sendBeacon?: BeaconSender;
  /**
   * The player this session runs in, sent as the beacon's `player` so operators can tell players
   * apart. Each plugin passes its own name; absent: the beacon has no `player` (`unknown`).
   */
  readonly player?: StatsBeaconPlayer;
}

class PlayerSession implements P2PPlayerSession {
  readonly options: P2PPluginOptions;
  private readonly emitter = new TypedEmitter<P2PPlayerEventMap>();
  private readonly totals = new StatsTotals();
  private readonly stalls = new StallCounter();
  private readonly timings = new PlaybackTimings(undefined, () => {
    this.beacon?.send();
  });
  private readonly downloadRates: Readonly<Record<'http' | 'p2p', RateWindow>>;
  private readonly uploadRateWindow: RateWindow;
  private readonly now: () => number;
  private readonly startedAtMs: number;
  private readonly playerId = randomPlayerId();
  private readonly problemsTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly beacon: StatsBeacon | undefined;
  private current: SourceEngine | undefined;
  private unsubscribeEngine: (() => void) | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private shakaPromise: Promise<ShakaNamespace | undefined> | undefined;
  private shakaLoaded: ShakaNamespace | undefined;
  private adoptedOverlay: StatsOverlayHandle | undefined;
  private destroyed = false;

  constructor(
    input: unknown,
    private readonly deps: SessionDependencies,
  ) {
    const { options, problems } = validatePluginOptions(input);
    this.options = options;
    this.now = deps.now ?? Date.now;
    this.startedAtMs = this.now();
    this.downloadRates = {
      http: new RateWindow(RATE_WINDOW_MS, this.now),
      p2p: new RateWindow(RATE_WINDOW_MS, this.now),
    };
    this.uploadRateWindow = new RateWindow(RATE_WINDOW_MS, this.now);
    // Reported on the next task, not now: the plugin subscribes right after creating the session.
    this.problemsTimer =
      problems.length === 0
        ? undefined
        : setTimeout(() => {
            for (const error of problems) this.reportError(error, false);
          }, 0);
    const beaconOptions = options.statsBeacon;
    this.beacon = beaconOptions
      ? new StatsBeacon(beaconOptions, () => this.beaconPayload(), deps.sendBeacon)
      : undefined;
  }

  get engineKind(): PlaybackEngineKind {
    return this.current?.kind ?? 'native';
  }

  get overlay(): StatsOverlayHandle | undefined {
    return this.adoptedOverlay;
  }

  getStats(): P2PPlayerStats {
    return {
      ...this.totals.combine(this.current?.engine.getStats()),
      engine: this.engineKind,
      uploadRate: this.uploadRateWindow.bytesPerSecond(),
      downloadRate: {
        http: this.downloadRates.http.bytesPerSecond(),
        p2p: this.downloadRates.p2p.bytesPerSecond(),
      },
    };
  }

  on<K extends keyof P2PPlayerEventMap & string>(
    event: K,
    listener: Listener<P2PPlayerEventMap, K>,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  off<K extends keyof P2PPlayerEventMap & string>(
    event: K,
    listener: Listener<P2PPlayerEventMap, K>,
  ): void {
    this.emitter.off(event, listener);
  }

  chooseFor(source: PlayerSource): EngineChoice {
    const choice = chooseEngine(source, this.environment());
    if (!this.destroyed) this.emitter.emit('engine-selected', { ...choice, src: source.src });
    return choice;
  }

  prepareHls(source: PlayerSource): HlsHookup {
    this.assertAlive();
    this.endSource();
    const { sourceEngine, loaders } = startHlsSource(
      source,
      this.engineConfig(),
      this.deps.createEngine,
    );
    this.begin(sourceEngine);
    return {
      loaders,
      bind: (hls) => {
        if (this.destroyed || this.current !== sourceEngine) return false;
        sourceEngine.bindHls(hls);
        return true;
      },
    };
  }

  attachShaka(player: ShakaPlayerLike, source: PlayerSource): void {
    this.assertAlive();
    const shaka = this.shakaNow();
    if (!shaka) {
      throw new Error('p2p-media-loader: no shaka namespace (await session.resolveShaka() first)');
    }
    this.endSource();
    const { shakaConfig } = this.options;
    const configurable = player as { configure?: (config: Record<string, unknown>) => unknown };
    if (shakaConfig && typeof configurable.configure === 'function') {
      configurable.configure(shakaConfig);
    }
    this.begin(
      startShakaSource(player, source, shaka, this.engineConfig(), this.deps.createEngine),
    );
  }

  resolveHls(): HlsClassLike | undefined {
    return this.options.Hls ?? (globalThis as { Hls?: HlsClassLike }).Hls;
  }

  resolveShaka(): Promise<ShakaNamespace | undefined> {
    const now = this.shakaNow();
    if (now) return Promise.resolve(now);
    const { loadShaka } = this.options;
    if (!loadShaka) return Promise.resolve(undefined);
    this.shakaPromise ??= loadShaka().then(
      (shaka) => {
        this.shakaLoaded = shaka;
        return shaka;
      },
      (error: unknown) => {
        this.shakaPromise = undefined;
        const reason = error instanceof Error ? error : new Error(String(error));
        this.reportError(reason, false);
        return undefined;
      },
    );
    return this.shakaPromise;
  }

  endSource(): void {
    const ending = this.current;
    if (!ending) return;
    this.current = undefined;
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    this.totals.bank(ending.engine.getStats());
    ending.destroy();
    this.unsubscribeEngine?.();
    this.unsubscribeEngine = undefined;
  }

  reportError(error: P2PMediaLoaderError | Error, fatal: boolean): void {
    if (this.destroyed) return;
    this.emitter.emit('error', { error, fatal });
  }

  watchMedia(media: HTMLMediaElement): void {
    if (this.destroyed) return;
    this.stalls.watch(media);
    this.timings.watch(media);
  }

  destroy(): void {
    if (this.destroyed) return;
    // The last beacon goes out while the source's engine and swarm are still known.
    this.beacon?.destroy();
    this.destroyed = true;
    clearTimeout(this.problemsTimer);
    this.adoptedOverlay?.destroy();
    this.adoptedOverlay = undefined;
    this.stalls.unwatch();
    this.timings.unwatch();
    this.endSource();
    this.emitter.removeAllListeners();
  }

  /** Called by `createStatsOverlay` when this session is the overlay's handle. */
  [ADOPT_OVERLAY](overlay: StatsOverlayHandle): void {
    if (this.destroyed) {
      overlay.destroy();
      return;
    }
    if (this.adoptedOverlay !== overlay) this.adoptedOverlay?.destroy();
    this.adoptedOverlay = overlay;
  }

  private environment(): PlaybackEnvironment {
    return this.deps.environment ?? detectEnvironment(this.options);
  }

  /** Engine config: the user's engine keys; P2P off where the browser has no WebRTC. */
  private engineConfig(): ReturnType<typeof engineConfigOf> {
    const config = engineConfigOf(this.options);
    return this.environment().webrtc ? config : { ...config, p2pDisabled: true };
  }

  private shakaNow(): ShakaNamespace | undefined {
    return (
      this.options.shaka ?? (globalThis as { shaka?: ShakaNamespace }).shaka ?? this.shakaLoaded
    );
  }

  private begin(sourceEngine: SourceEngine): void {
    this.current = sourceEngine;
    this.unsubscribeEngine = this.forwardEvents(sourceEngine.engine);
    this.statsTimer = setInterval(() => {
      this.emitter.emit('stats', this.getStats());
    }, STATS_INTERVAL_MS);
  }

  /** Subscribes to the engine's events; returns the function that unsubscribes them all. */
  private forwardEvents(engine: SegmentEngine): () => void {
    const unsubscribers = [
      engine.on('segment-loaded', ({ streamKey, segmentId, source, bytes, peerId }) => {
        this.emitter.emit('segment-loaded', {
          streamKey,
          segmentId,
          source,
          bytes,
          ...(peerId === undefined ? {} : { peerId }),
        });
      }),
      engine.on('segment-error', ({ error }) => {
        this.reportError(error, false);
      }),
      engine.on('bytes-downloaded', ({ source, bytes }) => {
        this.downloadRates[source].add(bytes);
      }),
      engine.on('bytes-uploaded', ({ bytes }) => {
        this.uploadRateWindow.add(bytes);
      }),
      engine.on('peer-connected', ({ peerId, streamKey }) => {
        this.emitter.emit('peer-connected', { peerId, streamKey });
      }),
      engine.on('peer-disconnected', ({ peerId, streamKey }) => {
        this.emitter.emit('peer-disconnected', { peerId, streamKey });
      }),
      engine.on('peer-error', ({ error }) => {
        this.reportError(error, false);
      }),
      engine.on('tracker-error', ({ error }) => {
        this.reportError(error, false);
      }),
    ];
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }

  private beaconPayload(): StatsBeaconPayload {
    const stats = this.getStats();
    return {
      v: 2,
      id: this.playerId,
      swarm: this.current?.swarm ?? '',
      engine: stats.engine,
      t: this.now() - this.startedAtMs,
      http: stats.httpBytes,
      p2p: stats.p2pBytes,
      up: stats.uploadBytes,
      peers: stats.peers,
      seg: { ...stats.segments },
      stalls: this.stalls.count,
      stallMs: this.timings.stallMs,
      startMs: this.timings.startupMs,
      ...(this.deps.player === undefined ? {} : { player: this.deps.player }),
    };
  }

  private assertAlive(): void {
    if (this.destroyed) {
      throw new P2PMediaLoaderError('destroyed', 'The P2P player session was destroyed');
    }
  }
}

/**
 * Creates the P2P session of one player. `options` are validated with `validatePluginOptions`:
 * never throws for bad options; each rejected key is emitted as a non-fatal `error` event
 * (`config-invalid`) on the next task, so listeners added right after creation receive it.
 *
 * @param options - {@link P2PPluginOptions} as the player received them (any value)
 * @param deps - test and embedding seams; plugins pass nothing
 */
export function createPlayerSession(
  options: unknown,
  deps: SessionDependencies = {},
): P2PPlayerSession {
  return new PlayerSession(options, deps);
}

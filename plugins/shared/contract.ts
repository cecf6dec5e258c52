/**
 * The contract between the shared plugin layer and every player plugin (Video.js, Clappr,
 * MediaElement, Flowplayer, JW Player, the embed bundle). Player plugins depend on these types and on
 * the factories in this folder's index only; the shared layer implements them once.
 */
import type { EngineConfig } from '../../core/engine/config.js';
import type { P2PMediaLoaderError } from '../../core/errors.js';
import type { Listener } from '../../core/events/typed-emitter.js';
import type { HlsClassLike, HlsInstanceLike } from '../../adapters/hlsjs/hlsjs-types.js';
import type { FragmentLoaderConstructor, PlaylistLoaderConstructor } from 'hls.js';
import type { SegmentSource } from '../../core/model/segment.js';
import type { EngineStats } from '../../core/model/stats.js';
import type { ShakaNamespace, ShakaPlayerLike } from '../../adapters/shaka/shaka-types.js';

/** Kind of a source as the plugin layer sees it. */
export type SourceKind = 'hls' | 'dash' | 'other';

/** A source as players describe it. */
export interface PlayerSource {
  /** Manifest URL. */
  readonly src: string;
  /** MIME type when the player knows it (`application/x-mpegURL`, `application/dash+xml`, ...). */
  readonly type?: string;
}

/**
 * How a source is played:
 * - `hlsjs`: hls.js + the engine (HLS where MSE is available),
 * - `shaka`: Shaka Player + the engine (DASH; HLS too when hls.js is absent),
 * - `native`: the player's own playback without P2P (no MSE, P2P disabled by the user, unknown type).
 */
export type PlaybackEngineKind = 'hlsjs' | 'shaka' | 'native';

/** Why a source is played without P2P. */
export type NativeReason =
  /** The user turned P2P off (`enabled: false`). */
  | 'disabled'
  /** Neither MediaSource nor ManagedMediaSource exists (e.g. iOS Safari before 17.1). */
  | 'no-mse'
  /** No WebRTC data channels in this browser. Playback still goes through hls.js/Shaka (HTTP only). */
  | 'no-webrtc'
  /** The source is neither HLS nor DASH. */
  | 'unsupported-source'
  /** The engine library for the source (hls.js or Shaka) is not available. */
  | 'engine-missing';

/** The decision for one source: see `chooseEngine` in engine-choice.ts. */
export interface EngineChoice {
  readonly kind: PlaybackEngineKind;
  readonly sourceKind: SourceKind;
  /** Set when `kind` is `native` (or when P2P is off although hls.js/Shaka play, `no-webrtc`). */
  readonly reason?: NativeReason;
}

/** Where the libraries the plugin drives come from. Defaults: the page's globals. */
export interface EngineLibraries {
  /** hls.js's `Hls` class. Default `globalThis.Hls`. */
  readonly Hls?: HlsClassLike;
  /** The `shaka` namespace. Default `globalThis.shaka`. */
  readonly shaka?: ShakaNamespace;
  /**
   * Loads Shaka on demand the first time a source needs it (the embed bundle uses this so pages
   * that only play HLS never download Shaka). Used when `shaka` is not given and no global exists.
   */
  readonly loadShaka?: () => Promise<ShakaNamespace>;
}

/** Options of the stats overlay. */
export interface OverlayOptions {
  /** Shown when the player starts. Default false (operators switch it on). */
  readonly visible?: boolean;
  /**
   * Keyboard shortcut that toggles it while the player has focus, as `KeyboardEvent.key` compared
   * case-insensitively (with Shift held: `'Shift+S'` style). Default `'Shift+P'`. `false`: no key.
   */
  readonly toggleKey?: string | false;
  /** Corner of the player it sits in. Default `'top-right'`. */
  readonly position?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
}

/** Options of the stats beacon (operators' swarm-wide monitoring). */
export interface StatsBeaconOptions {
  /** Endpoint receiving `navigator.sendBeacon` POSTs of {@link StatsBeaconPayload} JSON. */
  readonly url: string;
  /** Interval between beacons in ms. 1000..3600000. Default 30000. A last one is sent on unload/dispose. */
  readonly intervalMs?: number;
}

/**
 * The player a beacon comes from: each plugin names itself (`embed`: the embed bundle, when it
 * says so; it is Video.js inside), `other` is for integrations outside this package.
 */
export type StatsBeaconPlayer =
  'videojs' | 'clappr' | 'mediaelement' | 'flowplayer' | 'jwplayer' | 'embed' | 'other';

/**
 * One beacon (JSON body, `Content-Type: text/plain` as sendBeacon sends strings). Compact keys;
 * byte counters are totals since the plugin started on this player (they never go backwards).
 */
export interface StatsBeaconPayload {
  /** Schema version: 2 (version 1 lacked `stallMs` and `startMs`; collectors accept both). */
  readonly v: 2;
  /** Random id of this player instance (stable for its life). */
  readonly id: string;
  /** Swarm id of the current source, or the manifest URL without query; '' before any source. */
  readonly swarm: string;
  /** `hlsjs`, `shaka` or `native`. */
  readonly engine: PlaybackEngineKind;
  /** Milliseconds since the plugin started. */
  readonly t: number;
  /** HTTP bytes downloaded. */
  readonly http: number;
  /** P2P bytes downloaded. */
  readonly p2p: number;
  /** Bytes uploaded to peers. */
  readonly up: number;
  /** Peers connected now. */
  readonly peers: number;
  /** Segments delivered by source. */
  readonly seg: { readonly http: number; readonly p2p: number; readonly cache: number };
  /** Playback stalls (waiting events after playback started) since the plugin started. */
  readonly stalls: number;
  /** Time spent stalled since the plugin started, ms (integer). */
  readonly stallMs: number;
  /** Startup time of the current source (play request or load to first frame), ms; null before it. */
  readonly startMs: number | null;
  /** Player the plugin runs in; absent when the session was created without a name (`unknown`). */
  readonly player?: StatsBeaconPlayer;
}

/** Options every player plugin accepts (`player.p2p(options)`, `{ p2p: options }`, data attributes). */
export interface P2PPluginOptions extends Partial<EngineConfig>, EngineLibraries {
  /** Turns the plugin on. `false`: the player plays as if the plugin were absent. Default true. */
  readonly enabled?: boolean;
  /** The stats overlay: `true` shows it at start, an object configures it. Default: hidden, Shift+P toggles. */
  readonly overlay?: boolean | OverlayOptions;
  /** Posts stats to an operator endpoint. Default: off. */
  readonly statsBeacon?: StatsBeaconOptions;
  /** Extra hls.js configuration merged under ours (our loaders always win). */
  readonly hlsConfig?: Record<string, unknown>;
  /** Extra Shaka configuration passed to `player.configure()` before load. */
  readonly shakaConfig?: Record<string, unknown>;
}

/** {@link P2PPluginOptions} after validation: what was kept, and what was wrong. */
export interface ValidatedPluginOptions {
  /** Options to use: invalid keys are dropped (defaults apply), valid ones kept as given. */
  readonly options: P2PPluginOptions;
  /** One `config-invalid` error per rejected key (plugins report them through the player's channel). */
  readonly problems: readonly P2PMediaLoaderError[];
}

/** Stats of a player since the plugin started on it (every source it played, not only the current). */
export interface P2PPlayerStats extends EngineStats {
  /** How the current source plays. */
  readonly engine: PlaybackEngineKind;
  /** Upload bytes per second, averaged over the last 5 s. */
  readonly uploadRate: number;
  /** Download bytes per second over HTTP and from peers, averaged over the last 5 s. */
  readonly downloadRate: { readonly http: number; readonly p2p: number };
}

/** Events of a player's P2P handle. */
export interface P2PPlayerEventMap {
  [event: string]: unknown;
  /** How a source will play (emitted for every source, including `native` ones with the reason). */
  'engine-selected': EngineChoice & { readonly src: string };
  /** A peer connection opened. */
  'peer-connected': { readonly peerId: string; readonly streamKey: string };
  /** A peer connection closed. */
  'peer-disconnected': { readonly peerId: string; readonly streamKey: string };
  /** A segment was handed to the player. */
  'segment-loaded': {
    readonly streamKey: string;
    readonly segmentId: number;
    readonly source: SegmentSource;
    readonly bytes: number;
    readonly peerId?: string;
  };
  /**
   * Something went wrong. `fatal: false` for everything P2P (peers, trackers, bad options: playback
   * goes on over HTTP); `fatal: true` only when the source cannot play (the player shows its error).
   */
  error: { readonly error: P2PMediaLoaderError | Error; readonly fatal: boolean };
  /** A stats snapshot, once per second while a source is loaded (the overlay and beacon use it). */
  stats: P2PPlayerStats;
}

/** The operator API: what `player.p2p()` returns. */
export interface P2PPlayerHandle {
  /** How the current source plays (`native` before any source). */
  readonly engineKind: PlaybackEngineKind;
  /** Stats since the plugin started on this player. */
  getStats(): P2PPlayerStats;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof P2PPlayerEventMap & string>(
    event: K,
    listener: Listener<P2PPlayerEventMap, K>,
  ): () => void;
  /** Unsubscribes. */
  off<K extends keyof P2PPlayerEventMap & string>(
    event: K,
    listener: Listener<P2PPlayerEventMap, K>,
  ): void;
  /** The stats overlay of this player (undefined where the player has no UI for it). */
  readonly overlay: StatsOverlayHandle | undefined;
  /** Releases engine, peers, timers, beacon and overlay. The player keeps playing over HTTP. */
  destroy(): void;
}

/** Controls a stats overlay. */
export interface StatsOverlayHandle {
  /** The overlay's root element (inside the player's UI, or wherever the caller put it). */
  readonly element: HTMLElement;
  readonly visible: boolean;
  show(): void;
  hide(): void;
  toggle(): void;
  /** Removes the element and its listeners. */
  destroy(): void;
}

/** One source's engine, ready for the hls.js instance that will play it. */
export interface HlsHookup {
  /**
   * Loader classes to put into the instance's config (`{ ...hlsConfig, ...hookup.loaders }`, or
   * its `fLoader`/`pLoader` slots before it loads anything).
   */
  readonly loaders: {
    readonly fLoader: FragmentLoaderConstructor;
    readonly pLoader: PlaylistLoaderConstructor;
  };
  /**
   * Follows the hls.js instance configured with {@link loaders} (playback, streams, destroy). False
   * when this source has ended meanwhile (another source started, or the session was destroyed):
   * its engine is gone and the instance goes on over HTTP.
   */
  readonly bind: (hls: HlsInstanceLike) => boolean;
}

/**
 * The per-player object plugins drive: one per player, lives as long as the plugin does. Plugins
 * tell it about sources and hand it the hls.js/Shaka instances they create; it owns one engine per
 * source, forwards events, counts totals across sources, runs the beacon.
 */
export interface P2PPlayerSession extends P2PPlayerHandle {
  /** Validated options in use. */
  readonly options: P2PPluginOptions;
  /** Decides how `source` plays (no side effects besides emitting `engine-selected` once per call). */
  chooseFor(source: PlayerSource): EngineChoice;
  /**
   * Starts a fresh engine for an hls.js instance about to play `source` (destroying the previous
   * source's engine) and returns its hookup: the loader classes for the instance's config, and
   * `bind(hls)` for the instance once it exists. Plugins that create hls.js themselves use
   * `createHlsPlayer` (plugins/shared/hls-start.ts), which does both in order.
   */
  prepareHls(source: PlayerSource): HlsHookup;
  /**
   * Plugs the engine into a Shaka player before `player.load(source.src)`; destroys the previous
   * source's engine. Applies `shakaConfig`. The plugin keeps owning the Shaka player.
   */
  attachShaka(player: ShakaPlayerLike, source: PlayerSource): void;
  /** Resolves the `Hls` class to use (option, then global), or undefined. */
  resolveHls(): HlsClassLike | undefined;
  /** Resolves the shaka namespace (option, global, then `loadShaka`), or undefined. */
  resolveShaka(): Promise<ShakaNamespace | undefined>;
  /** The current source ended (source change, player reset): its engine is destroyed. */
  endSource(): void;
  /** Reports a problem through `error` (plugins also show fatal ones in the player's UI). */
  reportError(error: P2PMediaLoaderError | Error, fatal: boolean): void;
  /** Follows a media element for the `stalls` counter (waiting after playback started). */
  watchMedia(media: HTMLMediaElement): void;
}

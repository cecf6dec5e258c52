/**
 * The hls.js adapter: gives hls.js loaders that take media segments from the engine, and follows an
 * hls.js instance to keep the engine informed of streams and playback.
 */
import type { FragmentLoaderConstructor, PlaylistLoaderConstructor } from 'hls.js';
import type { EngineConfig } from '../../core/engine/config.js';
import type { SegmentEngine } from '../../core/engine/engine-api.js';
import { Engine } from '../../core/engine/engine.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import { createFragmentLoaderClass } from './fragment-loader.js';
import { HlsBinding } from './hls-binding.js';
import { injectP2PMixin, type HlsWithP2PClass } from './hls-mixin.js';
import type { HlsClassLike, HlsInstanceLike } from './hlsjs-types.js';
import { createPlaylistLoaderClass } from './playlist-loader.js';
import { StreamCatalog } from './stream-catalog.js';

/** Configuration of {@link HlsJsP2PEngine}: the engine's configuration plus adapter options. */
export interface HlsJsP2PConfig extends Partial<EngineConfig> {
  /**
   * Creates the engine from the engine configuration (this object without `createEngine`).
   * Default: `new Engine(config)`. Lets tests and plugins supply another {@link SegmentEngine};
   * the adapter owns what it returns and destroys it in `destroy()`.
   */
  createEngine?: (config: Partial<EngineConfig>) => SegmentEngine;
}

/** The loader classes to merge into an hls.js config. */
export interface HlsJsP2PLoaders {
  /** Fragment loader: media segments via the engine, everything else via `config.loader`. */
  readonly fLoader: FragmentLoaderConstructor;
  /** Playlist loader: `config.loader`, noting the manifest URL for the engine. */
  readonly pLoader: PlaylistLoaderConstructor;
}

/**
 * P2P for hls.js (any 1.x, including copies bundled in players).
 *
 * @example One line:
 * ```ts
 * const Hls = HlsJsP2PEngine.injectMixin(HlsBase);
 * const hls = new Hls({ p2p: { trackers: ['wss://tracker.example'] } });
 * ```
 * @example By hand:
 * ```ts
 * const p2p = new HlsJsP2PEngine({ trackers: ['wss://tracker.example'] });
 * const hls = new Hls({ ...p2p.getConfig() });
 * p2p.bindHls(hls);
 * ```
 */
export class HlsJsP2PEngine {
  private readonly segmentEngine: SegmentEngine;
  private readonly catalog = new StreamCatalog();
  private readonly loaders: HlsJsP2PLoaders;
  private binding: HlsBinding | undefined;
  private destroyed = false;

  /**
   * @param config - engine configuration (defaults apply to missing keys) and adapter options.
   * @throws P2PMediaLoaderError `config-invalid` for an invalid engine configuration
   */
  constructor(config: HlsJsP2PConfig = {}) {
    const { createEngine, ...engineConfig } = config;
    this.segmentEngine = createEngine ? createEngine(engineConfig) : new Engine(engineConfig);
    // Asked on every load: once this adapter is destroyed while hls.js keeps running, loads must
    // fall back to the default loader instead of reaching a destroyed engine.
    const fLoader = createFragmentLoaderClass({
      activeEngine: () => (this.destroyed ? undefined : this.segmentEngine),
      catalog: this.catalog,
    });
    const pLoader = createPlaylistLoaderClass({
      manifestRequested: (url) => {
        this.manifestRequested(url);
      },
      manifestLoaded: (responseUrl) => {
        this.catalog.setManifestResponseUrl(responseUrl);
      },
    });
    this.loaders = { fLoader, pLoader };
  }

  /**
   * Makes `HlsBase` (hls.js's `Hls` or a player's copy) P2P-capable: the returned subclass accepts
   * the usual hls.js config plus `p2p?: HlsJsP2PConfig`, creates and binds an adapter, exposes it
   * as `p2pEngine`, and destroys it in `destroy()`. Static members and typing of `HlsBase` are kept.
   */
  static injectMixin<C extends HlsClassLike>(HlsBase: C): HlsWithP2PClass<C> {
    return injectP2PMixin(HlsBase, (config) => new HlsJsP2PEngine(config));
  }

  /** The engine (stats, events, bandwidth estimate). */
  get engine(): SegmentEngine {
    return this.segmentEngine;
  }

  /**
   * Loader classes to merge into the hls.js config: `new Hls({ ...config, ...p2p.getConfig() })`.
   * They serve media segments through the engine even without {@link bindHls} (the engine then
   * learns segments as they are requested but not playback, so it cannot prefetch).
   */
  getConfig(): HlsJsP2PLoaders {
    return this.loaders;
  }

  /**
   * Follows `hls`: source, playlists, stream switches and the attached media element's playback.
   * Binding the instance already bound does nothing; binding another one replaces the binding. The
   * binding ends when hls.js is destroyed or this adapter is.
   */
  bindHls(hls: HlsInstanceLike): void {
    this.assertAlive();
    if (this.binding?.hls === hls) return;
    this.binding?.destroy();
    const binding = new HlsBinding(hls, {
      engine: this.segmentEngine,
      catalog: this.catalog,
      manifestRequested: (url) => {
        this.manifestRequested(url);
      },
      hlsDestroying: () => {
        binding.destroy();
        if (this.binding === binding) this.binding = undefined;
      },
    });
    this.binding = binding;
  }

  /** Unbinds from hls.js and destroys the engine. Loads hls.js starts afterwards bypass the engine. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.binding?.destroy();
    this.binding = undefined;
    this.segmentEngine.destroy();
  }

  private manifestRequested(url: string): void {
    if (this.destroyed) return;
    if (this.catalog.setManifestUrl(url)) this.segmentEngine.setSource(url);
  }

  private assertAlive(): void {
    if (this.destroyed) {
      throw new P2PMediaLoaderError('destroyed', 'The hls.js P2P adapter was destroyed');
    }
  }
}

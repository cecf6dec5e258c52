/**
 * `HlsJsP2PEngine.injectMixin`: a subclass of the application's `Hls` class that sets itself up for
 * P2P from one extra config key, for the one-line integration.
 */
import type { HlsClassLike, HlsInstanceLike } from './hlsjs-types.js';
import type { HlsJsP2PConfig, HlsJsP2PEngine } from './hlsjs-p2p-engine.js';

/** What the subclass adds to an `Hls` instance. */
export interface HlsWithP2PInstance {
  /** The adapter serving this player's segments; destroyed with the player. */
  readonly p2pEngine: HlsJsP2PEngine;
}

/** The constructor config of `C` plus the `p2p` key. */
export type HlsWithP2PConfig<C extends HlsClassLike> = NonNullable<ConstructorParameters<C>[0]> & {
  /** P2P engine configuration; see {@link HlsJsP2PConfig}. */
  p2p?: HlsJsP2PConfig;
};

/**
 * The class `injectMixin` returns: constructs like `C` with a `p2p` config key and builds
 * `C`'s instances plus {@link HlsWithP2PInstance}; keeps `C`'s static members (`isSupported`,
 * `Events`, ...). One construct signature (statics are mapped over, which drops `C`'s own), so
 * `InstanceType`/`ConstructorParameters` see the P2P one. (hls.js's class has a private static, so
 * TypeScript will not take this type where `typeof Hls` is required: cast there; at runtime it is
 * a subclass.)
 */
export type HlsWithP2PClass<C extends HlsClassLike> = {
  [K in keyof C]: C[K];
} & (new (config?: HlsWithP2PConfig<C>) => InstanceType<C> & HlsWithP2PInstance);

/** The adapter as the mixin uses it (avoids a runtime import cycle with the adapter module). */
interface MixinAdapter {
  getConfig(): object;
  bindHls(hls: HlsInstanceLike): void;
  destroy(): void;
}

/**
 * Builds the subclass. Its constructor creates an adapter from `config.p2p`, passes the rest of
 * the config to `Hls` with the adapter's loaders merged in (replacing any `fLoader`/`pLoader` given;
 * the adapter's loaders delegate to `config.loader`), binds the adapter, and `destroy()` destroys
 * the adapter after the player.
 */
export function injectP2PMixin<C extends HlsClassLike>(
  HlsBase: C,
  createAdapter: (config: HlsJsP2PConfig | undefined) => HlsJsP2PEngine & MixinAdapter,
): HlsWithP2PClass<C> {
  const Base = HlsBase as unknown as new (config: Record<string, unknown>) => HlsInstanceLike;
  class HlsWithP2P extends Base {
    readonly p2pEngine: HlsJsP2PEngine;

    constructor(config: Record<string, unknown> & { p2p?: HlsJsP2PConfig } = {}) {
      const { p2p, ...hlsConfig } = config;
      const adapter = createAdapter(p2p);
      super({ ...hlsConfig, ...adapter.getConfig() });
      this.p2pEngine = adapter;
      adapter.bindHls(this);
    }

    override destroy(): void {
      super.destroy();
      this.p2pEngine.destroy();
    }
  }
  return HlsWithP2P as unknown as HlsWithP2PClass<C>;
}

/**
 * Creating an hls.js instance for a source, once for every plugin that creates hls.js itself: the
 * session's hls.js configuration, the plugin's own settings, the engine's loaders on top (they must
 * win), and the instance bound to the source's engine before it loads anything. Plugins whose
 * player creates the instance (Clappr, Flowplayer, MediaElement) use the session's
 * {@link P2PPlayerSession.prepareHls} hookup directly: loaders into the config first, `bind` once
 * the instance exists; the hookup's shape makes the other order impossible.
 */
import type { HlsInstanceLike } from '../../core/hlsjs/hlsjs-types.js';
import { P2PMediaLoaderError } from '../../core/errors.js';
import type { HlsHookup, P2PPlayerSession, PlayerSource } from './contract.js';

/** Settings of {@link createHlsPlayer}. */
export interface HlsPlayerOptions {
  /** Plug the session's engine in. Default true. */
  readonly withEngine?: boolean;
  /** The plugin's own hls.js settings, over the session's `hlsConfig` (the engine's loaders win). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * The session's hookup for `source`, or undefined once the operator destroyed the P2P handle (the
 * player then goes on with plain hls.js over HTTP).
 * @throws P2PMediaLoaderError for anything else the session refuses.
 */
export function prepareHlsUnlessDestroyed(
  session: P2PPlayerSession,
  source: PlayerSource,
): HlsHookup | undefined {
  try {
    return session.prepareHls(source);
  } catch (error) {
    if (error instanceof P2PMediaLoaderError && error.code === 'destroyed') return undefined;
    throw error;
  }
}

/**
 * Creates an hls.js instance for `source` with the session's engine plugged in (unless
 * `withEngine` is false or the P2P handle was destroyed) and binds it. The caller attaches media
 * and loads the source.
 */
export function createHlsPlayer<H extends HlsInstanceLike>(
  session: P2PPlayerSession,
  Hls: new (config: Record<string, unknown>) => H,
  source: PlayerSource,
  options: HlsPlayerOptions = {},
): H {
  const hookup =
    options.withEngine === false ? undefined : prepareHlsUnlessDestroyed(session, source);
  const hls = new Hls({ ...session.options.hlsConfig, ...options.config, ...hookup?.loaders });
  hookup?.bind(hls);
  return hls;
}

/**
 * Chains our hls.js loaders in front of loaders a player already installed. Our loaders hand
 * everything they do not carry (playlists, init segments, keys) to `config.loader`; a chained
 * loader shows them a config whose `loader` is the player's own class, so the player's loader keeps
 * doing its job (Flowplayer 3's failover loaders record manifests and detect stale playlists)
 * for everything that is not a media segment delivered by the engine.
 */

/** An hls.js loader class: constructed with the hls.js config. */
type LoaderClass = new (config: object) => object;

function isLoaderClass(value: unknown): value is LoaderClass {
  return typeof value === 'function';
}

/**
 * `Ours`, delegating to `fallback` instead of `config.loader`; `Ours` unchanged when there is no
 * fallback class.
 *
 * @param ours - our fLoader or pLoader class (from `session.hlsLoaders`)
 * @param fallback - the loader class the player had in that slot (any value; used if a class)
 */
export function chainLoader<T>(ours: T, fallback: unknown): T {
  const Ours = ours as unknown as LoaderClass;
  if (!isLoaderClass(fallback) || fallback === Ours) return ours;
  const chained = class extends Ours {
    constructor(config: object) {
      // A view of hls.js's config that differs only in `loader`; every other key reads through.
      super(Object.create(config, { loader: { value: fallback, enumerable: true } }) as object);
    }
  };
  return chained as unknown as T;
}

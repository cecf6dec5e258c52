/**
 * Hands a load to the loader hls.js would have used without us: `config.loader` of the hls.js
 * config the loader was constructed with (hls.js's XhrLoader or FetchLoader, or the application's
 * own loader). Used for everything the engine does not carry.
 */
import type {
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from 'hls.js';

/**
 * Starts `context` on a new default loader that writes into `stats`. hls.js keeps a reference to the
 * stats object of the loader it created (the fragment loader assigns `frag.stats = loader.stats`
 * before `load`), so the default loader must fill our object rather than its own.
 */
export function startDefaultLoad<T extends LoaderContext>(
  hlsConfig: HlsConfig,
  stats: LoaderStats,
  context: T,
  config: LoaderConfiguration,
  callbacks: LoaderCallbacks<T>,
): Loader<T> {
  const loader = new hlsConfig.loader(hlsConfig) as unknown as Loader<T>;
  loader.stats = stats;
  loader.load(context, config, callbacks);
  return loader;
}

/**
 * Shaka Player for DASH sources, fetched on demand: the import below makes webpack put Shaka's DASH
 * build in its own chunk next to the embed bundle (its URL derives from the bundle's own, see
 * webpack.config.ts), so a page that only plays HLS never downloads it. Shaka's DASH build is
 * enough: HLS always plays through the bundled hls.js.
 */
import type { ShakaNamespace } from '../shared/library-types.js';

let loading: Promise<ShakaNamespace> | undefined;

/**
 * Resolves Shaka's namespace, downloading the chunk on the first call (later calls share it). A
 * failed download is not cached, so a later source can try again.
 */
export function loadShakaChunk(): Promise<ShakaNamespace> {
  loading ??= import(/* webpackChunkName: "shaka" */ 'shaka-player/dist/shaka-player.dash.js').then(
    (module: unknown) => {
      // Shaka's build is CommonJS inside the chunk: its exports arrive as the default export.
      const exports = module as { default?: unknown };
      const shaka = (exports.default ?? module) as ShakaNamespace & {
        polyfill?: { installAll?: () => void };
      };
      shaka.polyfill?.installAll?.();
      return shaka;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

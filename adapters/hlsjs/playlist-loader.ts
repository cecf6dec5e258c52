/**
 * The hls.js playlist loader (`pLoader`): every playlist is loaded by hls.js's default loader; the
 * manifest request is observed so that the engine knows the source even without `bindHls`.
 */
import type {
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  PlaylistLoaderConstructor,
  PlaylistLoaderContext,
} from 'hls.js';
import { startDefaultLoad } from './delegated-load.js';
import { createLoaderStats } from './loader-stats.js';

/** What the playlist loader reports to the adapter that created it. */
export interface PlaylistLoaderHost {
  /** The player requested a manifest (multivariant or single media playlist). */
  manifestRequested(url: string): void;
  /** The manifest arrived from `responseUrl` (after redirects). */
  manifestLoaded(responseUrl: string): void;
}

/** Creates the `pLoader` class bound to an adapter. */
export function createPlaylistLoaderClass(host: PlaylistLoaderHost): PlaylistLoaderConstructor {
  return class P2PPlaylistLoader implements Loader<PlaylistLoaderContext> {
    stats = createLoaderStats();
    private readonly hlsConfig: HlsConfig;
    private delegate: Loader<PlaylistLoaderContext> | undefined;

    constructor(hlsConfig: HlsConfig) {
      this.hlsConfig = hlsConfig;
    }

    get context(): PlaylistLoaderContext | null {
      return this.delegate ? this.delegate.context : null;
    }

    load(
      context: PlaylistLoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<PlaylistLoaderContext>,
    ): void {
      let observed = callbacks;
      // LoaderContextType.MANIFEST, compared as a string: the enum is a runtime value of hls.js.
      if ((context.type as string) === 'manifest') {
        host.manifestRequested(context.url);
        observed = {
          ...callbacks,
          onSuccess: (response, stats, successContext, networkDetails) => {
            host.manifestLoaded(response.url || successContext.url);
            callbacks.onSuccess(response, stats, successContext, networkDetails);
          },
        };
      }
      this.delegate = startDefaultLoad(this.hlsConfig, this.stats, context, config, observed);
    }

    abort(): void {
      this.delegate?.abort();
    }

    destroy(): void {
      this.delegate?.destroy();
    }

    // hls.js reads the `Age` header of live playlists through the loader that fetched them.
    getCacheAge(): number | null {
      return this.delegate?.getCacheAge?.() ?? null;
    }

    getResponseHeader(name: string): string | null {
      return this.delegate?.getResponseHeader?.(name) ?? null;
    }
  };
}

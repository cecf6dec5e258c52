/**
 * The Html5 tech's source handler that routes HLS and DASH sources of players with an active `p2p`
 * plugin to hls.js or Shaka. Registered first (index 0), ahead of Video.js's own HLS/DASH playback
 * (VHS); for every other player or source it answers '' so VHS or native playback take over.
 */
import type { PluginRegistry } from './p2p-plugin.js';
import type { SourceHandlerLike, TechOptionsLike, VideojsSource } from './videojs-types.js';

/**
 * Creates the handler for the plugin instances in `registry`.
 *
 * Video.js asks twice per source: the player, to pick a tech, passes its own `html5` options (no
 * player id), and the chosen Html5 tech, to pick a handler, passes the tech's options (with
 * `playerId`). Only the second question is about a known player, so the first is answered '' and
 * left to VHS (which accepts HLS/DASH, keeping the Html5 tech), and the second decides.
 */
export function createSourceHandler(registry: PluginRegistry): SourceHandlerLike {
  const pluginFor = (options: TechOptionsLike | undefined) =>
    options?.playerId === undefined ? undefined : registry.get(options.playerId);
  return {
    canPlayType: () => '',
    canHandleSource: (source: VideojsSource, options?: TechOptionsLike) => {
      const plugin = pluginFor(options);
      return plugin?.claim(playerSourceOf(source)) ? 'maybe' : '';
    },
    handleSource: (source, tech, options) => {
      const plugin = pluginFor(options);
      if (!plugin) {
        // Only reachable if the plugin was disposed between the two calls of one setSource.
        throw new Error('p2p-media-loader: no p2p plugin on this player any more');
      }
      return plugin.play(playerSourceOf(source), tech);
    },
  };
}

function playerSourceOf(source: VideojsSource): { src: string; type?: string } {
  return source.type ? { src: source.src, type: source.type } : { src: source.src };
}

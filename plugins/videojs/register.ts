/**
 * Registration of the plugin on a `videojs`: the `p2p` advanced plugin, the overlay components and
 * the Html5 source handler, once per `videojs` function.
 */
import { registerOverlayComponents } from './overlay-components.js';
import { createP2PPluginClass, type PluginRegistry } from './p2p-plugin.js';
import { createSourceHandler } from './source-handler.js';
import type { Html5TechClassLike, VideojsLike } from './videojs-types.js';

/** Name of the plugin on players: `player.p2p(options)`. */
export const PLUGIN_NAME = 'p2p';

/** `videojs` functions this module registered on (a second call is a no-op). */
const registered = new WeakSet<VideojsLike>();

/**
 * Registers the `p2p` plugin on `videojs` (Video.js 8; the function of the page's global, an npm
 * import, or a bundled copy). Idempotent per `videojs`. Afterwards `player.p2p(options)` (or
 * `plugins: { p2p: options }` in the player options) plays the player's HLS sources with hls.js and
 * DASH sources with Shaka Player, sharing segments with other viewers, and returns the
 * {@link P2PPlayerHandle}.
 *
 * @throws Error when `videojs` has no Html5 tech (not a Video.js build this plugin supports)
 */
export function registerP2PPlugin(videojs: VideojsLike): void {
  if (registered.has(videojs)) return;
  const Html5 = videojs.getTech('Html5') as Html5TechClassLike | undefined;
  if (Html5 === undefined) throw new Error('p2p-media-loader: this Video.js has no Html5 tech');
  const registry: PluginRegistry = new Map();
  registerOverlayComponents(videojs);
  videojs.registerPlugin(PLUGIN_NAME, createP2PPluginClass(videojs, registry));
  // Index 0: asked before VHS (which registered itself at 0 when Video.js loaded).
  Html5.registerSourceHandler(createSourceHandler(registry), 0);
  registered.add(videojs);
}

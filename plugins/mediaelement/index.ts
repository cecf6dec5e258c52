/**
 * `p2p-media-loader/mediaelement` (UMD global `p2pml.mediaelement`): P2P delivery for
 * MediaElement.js 7 players.
 *
 * ```html
 * <script src="mediaelement-and-player.min.js"></script>
 * <script src="hls.min.js"></script>
 * <script src="shaka-player.compiled.js"></script>
 * <script src="p2p-media-loader-mediaelement.min.js"></script>
 * <script>
 *   const player = new MediaElementPlayer('video', {
 *     p2p: { trackers: ['wss://tracker.example'] },
 *     features: ['playpause', 'progress', 'volume', 'p2pstats'],
 *   });
 *   player.p2p.on('stats', (stats) => console.log(stats.p2pBytes));
 * </script>
 * ```
 *
 * The script-tag bundle installs itself into `window.mejs` when MediaElement is already loaded;
 * module users call {@link installMediaElementP2P} once (MediaElement ships no module build worth
 * importing, so the plugin takes its namespace from the page or from the argument). MediaElement
 * publishes no TypeScript types: mediaelement-types.ts declares the small part used here.
 */
import { installMediaElementP2P } from './install.js';

export { installMediaElementP2P, P2P_STATS_FEATURE } from './install.js';
export { P2P_SHAKA_RENDERER } from './renderer-order.js';
export { OVERLAY_LAYER_CLASS } from './player-binding.js';
export type {
  MediaElementPlayerLike,
  MediaElementPlayerOptions,
  MejsNamespace,
} from './mediaelement-types.js';
export type * from '../shared/contract.js';
export { P2PMediaLoaderError, type ErrorCode } from '../shared/index.js';

// Script-tag users load this bundle after MediaElement: install right away when it is there.
installMediaElementP2P();

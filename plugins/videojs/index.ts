/**
 * `p2p-media-loader/videojs` (UMD global `p2pml.videojs`): the Video.js 8 plugin.
 *
 * ```js
 * registerP2PPlugin(videojs); // automatic in the script-tag bundle when `window.videojs` exists
 * const player = videojs('video');
 * const p2p = player.p2p({ trackers: ['wss://tracker.example'], overlay: true });
 * player.src({ src: 'https://cdn.example/live/master.m3u8', type: 'application/x-mpegURL' });
 * p2p.on('stats', (stats) => console.log(stats.p2pBytes));
 * ```
 *
 * Video.js is never imported at runtime: pass the `videojs` function to {@link registerP2PPlugin}.
 */
import { registerP2PPlugin } from './register.js';
import type { VideojsLike } from './videojs-types.js';

export { registerP2PPlugin, PLUGIN_NAME } from './register.js';
export { OVERLAY_COMPONENT, OVERLAY_BUTTON_COMPONENT } from './overlay-components.js';
export type { VideojsLike, PlayerLike } from './videojs-types.js';
export type {
  P2PPluginOptions,
  P2PPlayerHandle,
  P2PPlayerStats,
  P2PPlayerEventMap,
  OverlayOptions,
  StatsOverlayHandle,
  StatsBeaconOptions,
  EngineChoice,
  PlaybackEngineKind,
} from '../shared/contract.js';
export { P2PMediaLoaderError, type ErrorCode } from '../shared/index.js';

/** Script-tag pages load Video.js first: register on its global right away. */
const pageVideojs = (globalThis as { videojs?: unknown }).videojs;
if (typeof pageVideojs === 'function') registerP2PPlugin(pageVideojs as unknown as VideojsLike);

/**
 * `p2p-media-loader/flowplayer` (UMD global `p2pml.flowplayer`): P2P for both Flowplayer lines.
 *
 * - Flowplayer 7 (`flowplayer` package, hlsjs-lite engine over the page's `window.Hls`):
 *   {@link installFlowplayer7}.
 * - The current Flowplayer (`@flowplayer/player` 3.x, HLS plugin with its own hls.js):
 *   the {@link FlowplayerP2P} plugin class, or {@link installFlowplayer}.
 *
 * Loaded as a script tag after Flowplayer, the bundle installs itself into the page's `flowplayer`
 * global (whichever line it is); players created afterwards read their `p2p` config key and expose
 * `p2p` (a `P2PPlayerHandle`). No Flowplayer code is bundled: only types are imported.
 */
import { installFlowplayer, isFlowplayer3 } from './flowplayer3.js';
import { installFlowplayer7, isFlowplayer7 } from './flowplayer7.js';

export { installFlowplayer7, isFlowplayer7 } from './flowplayer7.js';
export { FlowplayerP2P, installFlowplayer, isFlowplayer3 } from './flowplayer3.js';
export type * from './flowplayer7-types.js';
export type {
  FlowplayerConfigLike,
  FlowplayerHlsLike,
  FlowplayerPlayerLike,
  FlowplayerPluginClass,
  FlowplayerStatic,
} from './flowplayer3-types.js';
export type {
  P2PPlayerHandle,
  P2PPlayerStats,
  P2PPlayerEventMap,
  P2PPluginOptions,
  OverlayOptions,
  StatsOverlayHandle,
} from '../shared/index.js';

/**
 * Installs the plugin into the page's `flowplayer` global when there is one (Flowplayer 7 or 3);
 * returns which line it found. The UMD bundle calls it when it loads; calling it again is harmless.
 */
export function installIntoPageFlowplayer(
  scope: object = globalThis,
): 'flowplayer7' | 'flowplayer3' | undefined {
  const flowplayer = (scope as { flowplayer?: unknown }).flowplayer;
  if (isFlowplayer7(flowplayer)) {
    installFlowplayer7(flowplayer);
    return 'flowplayer7';
  }
  if (isFlowplayer3(flowplayer)) {
    installFlowplayer(flowplayer);
    return 'flowplayer3';
  }
  return undefined;
}

installIntoPageFlowplayer();

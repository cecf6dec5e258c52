/**
 * The bench page of MediaElement.js 7 (jQuery-free browser build):
 * test/browser/pages/mediaelement.html. The P2P arm is `new MediaElementPlayer(el, { p2p })` with
 * the plugin (MediaElement's hls.js renderer with the engine's loaders); the baseline is MediaElement
 * alone on the same hls.js renderer (`renderers: ['native_hls', ...]`, since MediaElement would
 * otherwise pick the browser's native HLS in Chromium), so the two arms differ by the plugin only.
 */
import { mediaElementPageUrl } from '../../../test/support/mediaelement-page.js';
import type { PlayerPage } from '../player-pages.js';

/** `--player mediaelement --engine hlsjs`. */
export const mediaElementPage: PlayerPage = {
  name: 'mediaelement',
  engines: ['hlsjs'],
  url: (originUrl, setup) =>
    mediaElementPageUrl(originUrl, {
      src: setup.src,
      // The bench reads numbers, not the overlay: keep the page's DOM work equal in both arms.
      ...(setup.p2p === undefined
        ? { engine: 'none' as const }
        : { p2p: { ...setup.p2p, overlay: false } }),
      ...(setup.capLevel === undefined ? {} : { capLevel: setup.capLevel }),
    }),
};

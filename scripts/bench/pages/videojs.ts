/**
 * The bench page of Video.js 8: test/browser/pages/videojs.html, with the `p2p` plugin (hls.js and
 * our engine) or, for the baseline, Video.js alone, which plays HLS with its own engine (VHS): the
 * baseline is what a Video.js site runs before adding the plugin. The page's harness exposes the
 * hls.js harness contract; for the baseline its `mediaBytes` is VHS's `mediaBytesTransferred`.
 */
import { videojsPageUrl } from '../../../test/support/videojs-page.js';
import type { PlayerPage } from '../player-pages.js';

/** `--player videojs --engine hlsjs`. */
export const videojsPage: PlayerPage = {
  name: 'videojs',
  engines: ['hlsjs'],
  url: (originUrl, setup) =>
    videojsPageUrl(originUrl, {
      src: setup.src,
      ...(setup.p2p === undefined ? { engine: 'none' as const } : { p2p: setup.p2p }),
      ...(setup.capLevel === undefined ? {} : { capLevel: setup.capLevel }),
    }),
};

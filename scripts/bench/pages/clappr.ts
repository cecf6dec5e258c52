/**
 * The bench page of Clappr: `@clappr/core` 0.17 with `@clappr/hlsjs-playback` 1.9 over the page's
 * hls.js (test/browser/pages/clappr.html), with our P2P plugins or (baseline) the same player
 * without them. The overlay plugin is left out: the bench measures delivery, not the UI.
 */
import { clapprPageUrl } from '../../../test/support/clappr-page.js';
import type { PlayerPage } from '../player-pages.js';

/** `--player clappr --engine hlsjs`. */
export const clapprPage: PlayerPage = {
  name: 'clappr',
  engines: ['hlsjs'],
  url: (originUrl, setup) =>
    clapprPageUrl(originUrl, {
      src: setup.src,
      ...(setup.p2p === undefined ? { engine: 'none' as const } : { p2p: setup.p2p }),
      ...(setup.capLevel === undefined ? {} : { capLevel: setup.capLevel }),
      withoutOverlayPlugin: true,
    }),
};

/**
 * The bench page of Flowplayer: Flowplayer 7 (`flowplayer` 7.2.7, hlsjs-lite engine over the
 * page's hls.js), test/browser/pages/flowplayer7.html, with `p2p-media-loader/flowplayer` (P2P arm)
 * or without it (baseline: Flowplayer 7 alone). Both arms run the same player and hls.js, so the
 * difference is the plugin. The current line (@flowplayer/player 3.x) is not benched: it POSTs
 * health events to its vendor, which the bench counts as requests leaving the machine.
 *
 * The URL is built here rather than with test/support/flowplayer-page.ts, which also holds the
 * Jest suite of both Flowplayer test files and so cannot be loaded by the bench (tsx, ES modules).
 * The query parameters are those listed at the top of test/browser/pages/flowplayer-harness.js.
 */
import type { PlayerPage } from '../player-pages.js';

/** `--player flowplayer --engine hlsjs`. */
export const flowplayerPage: PlayerPage = {
  name: 'flowplayer',
  engines: ['hlsjs'],
  url: (originUrl, setup) => {
    const url = new URL('/test-pages/flowplayer7.html', originUrl);
    url.searchParams.set('src', setup.src);
    if (setup.p2p === undefined) {
      url.searchParams.set('engine', 'none');
    } else {
      url.searchParams.set('engine', 'p2p');
      url.searchParams.set('p2p', JSON.stringify(setup.p2p));
    }
    if (setup.capLevel !== undefined) url.searchParams.set('capLevel', String(setup.capLevel));
    return url.toString();
  },
};

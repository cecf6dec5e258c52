/**
 * The bench page of JW Player: the real JW Player 8.24.3 open-source build (not the stand-in) on
 * test/browser/pages/jwplayer.html. The P2P arm turns P2P on through the plugin's documented route,
 * `p2pml.jwplayer.attachP2P(player, options)` right after `setup()` (the plugin's provider plays
 * HLS through hls.js and our engine); the plain arm is JW Player alone on the same stream, which in
 * its open-source build means its only provider, html5, handing the manifest to the browser's
 * native HLS (Chromium has it, Firefox does not: see bench-options.ts).
 *
 * The page loads JW from /__jwplayer/, which the origin does not serve: every viewer's page answers
 * it from the build's vendor folder (`JWPLAYER_LIBRARY`, `<repo>/../shared/vendor/jwplayer-8.24.3/`,
 * `/work/shared/vendor/jwplayer-8.24.3/`; test/support/jwplayer-page.ts). The build is licensed
 * CC BY-NC-SA 3.0 for non-commercial testing: it is read from that folder at run time and never
 * copied into the repository.
 *
 * The page's harness does not count played bytes, so each viewer's are summed from the segments its
 * harness recorded as handed to hls.js (`mediaBytesFromSegments`). The plain arm hands none (native
 * HLS): its played bytes read 0; its origin bytes are what it downloaded.
 */
// First: test/support's firefox.ts and jwplayer-page.ts read `__dirname` (see the module).
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import {
  JWPLAYER_PATH_PREFIX,
  jwplayerPageUrl,
  realJWPlayerLibrary,
} from '../../../test/support/jwplayer-page.js';
import type { PlayerPage } from '../player-pages.js';
import { jwplayerFileFor } from './jwplayer-files.js';

/** The real JW Player's jwplayer.js, or throws with where it was looked for. */
function jwplayerScriptPath(): string {
  const found = realJWPlayerLibrary();
  if ('skipReason' in found) throw new Error(`--player jwplayer: ${found.skipReason}`);
  if (found.library.kind !== 'real') throw new Error('--player jwplayer needs the real build');
  return found.library.scriptPath;
}

/** Answers /__jwplayer/* on `page` from the build's folder (404 for what is not there). */
async function serveJWPlayer(page: Page): Promise<void> {
  const folder = path.dirname(jwplayerScriptPath());
  await page.route(`**${JWPLAYER_PATH_PREFIX}**`, async (route: Route) => {
    const file = jwplayerFileFor(folder, new URL(route.request().url()).pathname);
    if (file === undefined) {
      await route.fulfill({ status: 404, body: 'outside the JW Player folder' });
      return;
    }
    try {
      await route.fulfill({ path: file });
    } catch {
      await route.fulfill({ status: 404, body: `not in ${folder}: ${path.basename(file)}` });
    }
  });
}

/** `--player jwplayer --engine hlsjs`. */
export const jwplayerPage: PlayerPage = {
  name: 'jwplayer',
  recordsDigests: true,
  // The plain arm (html5 provider, native playback) cannot play DASH: no Shaka scenario.
  engines: ['hlsjs'],
  url: (originUrl, setup) =>
    jwplayerPageUrl(originUrl, {
      src: setup.src,
      // The bench reads numbers, not the overlay: keep the page's DOM work equal in both arms.
      ...(setup.p2p === undefined
        ? setup.jwBaseline === 'hlsjs'
          ? // The plugin's provider with P2P off: hls.js alone, no engine.
            {
              engine: 'p2p' as const,
              route: 'attach' as const,
              p2p: { enabled: false, overlay: false },
            }
          : { engine: 'none' as const }
        : {
            engine: 'p2p' as const,
            route: 'attach' as const,
            p2p: { ...setup.p2p, overlay: false },
          }),
    }),
  preparePage: serveJWPlayer,
  unavailable: () => {
    const found = realJWPlayerLibrary();
    return 'skipReason' in found ? `--player jwplayer: ${found.skipReason}` : undefined;
  },
  mediaBytesFromSegments: true,
};

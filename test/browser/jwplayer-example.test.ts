/**
 * examples/jwplayer/index.html works as documented, with the jwplayer-standin (NOT JW Player) given
 * as "your JW Player library" through its `?library=` parameter: the page loads the library and
 * our bundle, sets both players up, attaches P2P with the overlay on, and the live one plays.
 */
import { useBrowserSuite } from '../support/browser-suite.js';
import { JWPLAYER_PATH_PREFIX, openJWPlayerViewer } from '../support/jwplayer-page.js';

jest.setTimeout(60_000);

const suite = useBrowserSuite();

test('the example sets both players up with the given library and the live player plays with the overlay attached', async () => {
  const { originUrl, trackerUrl } = suite.stack;
  const url = new URL('/examples/jwplayer/index.html', originUrl);
  url.searchParams.set('library', `${originUrl}${JWPLAYER_PATH_PREFIX}jwplayer.js`);
  url.searchParams.set('trackerPort', new URL(trackerUrl ?? 'ws://127.0.0.1:0').port);
  url.searchParams.set('stream', 'hls-fmp4');
  const viewer = await openJWPlayerViewer(
    suite.viewers,
    suite.browser,
    url.toString(),
    'jwplayer example',
    { kind: 'standin' },
  );
  await viewer.page.waitForFunction(
    () => {
      const video = document.querySelector<HTMLVideoElement>('#player-live video');
      return video !== null && video.currentTime > 2;
    },
    undefined,
    { timeout: 40_000, polling: 250 },
  );
  const page = await viewer.page.evaluate(() => ({
    pageError: document.getElementById('page-error')?.textContent ?? '',
    playerErrors: [...document.querySelectorAll('.player .error')].map((line) => line.textContent),
    players: ['live', 'vod'].map((mode) => ({
      mode,
      video: document.querySelector(`#player-${mode} video`) !== null,
      overlay: document.querySelector(`#player-${mode} .p2pml-overlay`) !== null,
    })),
  }));
  expect(page).toEqual({
    pageError: '',
    playerErrors: ['', ''],
    players: [
      { mode: 'live', video: true, overlay: true },
      { mode: 'vod', video: true, overlay: true },
    ],
  });
});

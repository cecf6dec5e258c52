/**
 * Flowplayer 7 (the `flowplayer` npm package, hlsjs-lite engine over the page's hls.js) with
 * `p2p-media-loader/flowplayer`, end to end in Chromium: three viewers of one live HLS stream and
 * three of one VOD stream, each joining once the previous one played 1.5 s, exchanging segments
 * over WebRTC inside the test network namespace. Checks playback, P2P share, the overlay Flowplayer
 * shows, that Flowplayer 7 sends nothing off the machine, and that destroying leaves nothing behind.
 */
import { defineFlowplayerSwarmTests } from '../support/flowplayer-page.js';

jest.setTimeout(150_000);

defineFlowplayerSwarmTests({
  line: '7',
  label: 'Flowplayer 7',
  swarms: [
    { mode: 'live', stream: 'hls-ts', viewerCount: 3 },
    { mode: 'vod', stream: 'hls-fmp4', viewerCount: 3 },
  ],
});

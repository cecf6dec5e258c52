/**
 * The current Flowplayer (`@flowplayer/player` 3.x with its HLS plugin and the hls.js it bundles)
 * with `p2p-media-loader/flowplayer`, end to end in Chromium on 127.0.0.1 (where Flowplayer plays
 * without a token): three viewers of one live HLS stream and three of one VOD stream, each joining
 * once the previous one played 1.5 s. Checks playback, P2P share although Flowplayer installs its
 * own hls.js loaders, the overlay, destroy, and that Flowplayer's telemetry (health events to the
 * vendor) is attempted and aborted in the browser (see `blockFlowplayerTelemetry`).
 */
import { defineFlowplayerSwarmTests } from '../support/flowplayer-page.js';

jest.setTimeout(150_000);

defineFlowplayerSwarmTests({
  line: 'current',
  label: 'Flowplayer 3 (@flowplayer/player)',
  swarms: [
    { mode: 'live', stream: 'hls-ts', viewerCount: 3 },
    { mode: 'vod', stream: 'hls-fmp4', viewerCount: 3 },
  ],
});

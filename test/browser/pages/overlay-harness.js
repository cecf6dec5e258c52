/* global window, document, URLSearchParams, Hls, p2pml */
// Harness for overlay.html: what a custom player does with `p2p-media-loader/plugins` (UMD global
// p2pml.plugins). Plain browser script, no bundler: the page runs exactly what script-tag users load.
//
// Query parameters:
//   src      manifest URL (required)
//   p2p      plugin options as JSON (engine config: trackers, rtcConfig, swarmId...)
//   overlay  the plugin's `overlay` option as JSON: true, false or OverlayOptions (default: hidden)
//   beacon   stats beacon URL (reports every second while the test runs)
//
// window.__overlayPage: { session, overlay, video, played(), destroy() }. `destroy()` ends the
// session (which destroys the overlay it adopted) and hls.js, as a page leaving the player would.
'use strict';

(function startOverlayPage() {
  const params = new URLSearchParams(window.location.search);
  const src = params.get('src');
  const options = JSON.parse(params.get('p2p') ?? '{}');
  const overlayOptions = JSON.parse(params.get('overlay') ?? 'false');
  const beaconUrl = params.get('beacon');
  const video = document.getElementById('video');
  const { createPlayerSession, createStatsOverlay } = p2pml.plugins;

  const session = createPlayerSession({
    ...options,
    ...(beaconUrl ? { statsBeacon: { url: beaconUrl, intervalMs: 1000 } } : {}),
  });
  // Created before any source: the overlay must cope with a handle that has none yet.
  const overlay = createStatsOverlay(
    document.getElementById('player'),
    session,
    p2pml.plugins.overlayOptionsFrom(overlayOptions),
  );
  const source = { src, type: 'application/x-mpegURL' };
  let hls;
  if (session.chooseFor(source).kind === 'hlsjs') {
    const hookup = session.prepareHls(source);
    hls = new Hls({ ...hookup.loaders });
    hookup.bind(hls);
    hls.loadSource(src);
    hls.attachMedia(video);
  }
  session.watchMedia(video);
  void video.play().catch(() => undefined);

  window.__overlayPage = {
    session,
    overlay,
    video,
    played() {
      let seconds = 0;
      for (let index = 0; index < video.played.length; index++) {
        seconds += video.played.end(index) - video.played.start(index);
      }
      return seconds;
    },
    destroy() {
      session.destroy();
      hls?.destroy();
    },
  };
})();

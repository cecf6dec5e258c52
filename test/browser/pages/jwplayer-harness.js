/* global window, performance, jwplayer, p2pml */
// Test harness for jwplayer.html: sets a JW Player up on `?src=` with our P2P plugin (dist/umd
// bundle) unless `?engine=none`. Plain browser script, as script-tag users load things; the shared
// recording pieces come from harness-kit.js.
//
// Which JW Player: whatever the test serves at /__jwplayer/jwplayer.js (test/support/
// jwplayer-page.ts routes that path): the jwplayer-standin (NOT JW Player; a stand-in for the API
// surface the plugin uses) or a real jwplayer.js from JWPLAYER_LIBRARY.
//
// Query parameters:
//   src     manifest URL (required)
//   engine  'p2p' (default): with our plugin; 'none': the player alone
//   p2p     plugin options as JSON (engine config keys, overlay, ...)
//   key     JW Player licence key (real JW Player only), set as `jwplayer.key`
//   shaka   '1': load Shaka Player too (DASH sources play through the provider's Shaka path)
//
// window.__harness: the contract of hlsjs-harness.js (snapshot(), sample(), seek(), destroy(); see
// test/support/hlsjs-page.ts) without loads/segments (the provider's hls.js is internal), plus
// handle() → the plugin's P2P handle, player() → the JW player, provider() → its name.
'use strict';

(function startHarness() {
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pOptions } = params;
  const key = params.get('key');
  const withShaka = params.get('shaka') === '1';

  const state = kit.createState();
  const stalls = kit.createStallTracker(state);
  let player;
  let p2p;
  let video;

  function watchVideo(element) {
    if (!element || element === video) return;
    video = element;
    kit.watchStalls(video, stalls);
  }

  function followPlayer() {
    player.on('ready', () => {
      state.startup.playerCreatedAtMs ??= performance.now();
      watchVideo(player.getContainer().querySelector('video'));
    });
    player.on('firstFrame', () => watchVideo(player.getContainer().querySelector('video')));
    player.on('play', () => watchVideo(player.getContainer().querySelector('video')));
    player.on('setupError', (event) => {
      state.setupError = `JW setupError: ${event && event.message}`;
    });
    player.on('error', (event) => {
      state.fatalErrors.push({
        type: 'jwplayer',
        details: String(event && event.code),
        fatal: true,
        message: event && event.message,
      });
    });
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    await kit.loadScript('/__jwplayer/jwplayer.js');
    if (key) jwplayer.key = key;
    if (withShaka) await kit.loadScript('/node_modules/shaka-player/dist/shaka-player.compiled.js');
    if (engineMode !== 'none') await kit.loadScript('/dist/umd/p2p-media-loader-jwplayer.min.js');
    state.startup.scriptsLoadedAtMs = performance.now();
    player = jwplayer('player').setup({
      file: src,
      autostart: true,
      mute: true,
      width: 480,
      height: 270,
    });
    followPlayer();
    if (engineMode !== 'none') {
      // Right after setup(), as the plugin's documentation asks.
      p2p = p2pml.jwplayer.attachP2P(player, p2pOptions);
      p2p.on('error', ({ error, fatal }) => {
        kit.fileError(state, {
          type: 'p2p',
          details: String(error.code ?? error.name),
          fatal,
          message: String(error.message),
        });
      });
      p2p.on('segment-loaded', (event) => {
        // Uncapped: sample() counts segments by this trace's length.
        kit.addTrace(state.trace, 'segment-loaded', event, Infinity);
      });
    }
    state.ready = true;
  }

  function engineStats() {
    return p2p ? p2p.getStats() : undefined;
  }

  const report = kit.createReport(state, () => ({
    playedSeconds: kit.playedSeconds(video),
    currentTime: video ? video.currentTime : 0,
    stalls: stalls.now(),
    engineStats: engineStats(),
    mediaBytes: 0,
    mediaSegments: state.trace.length,
  }));

  window.__harness = {
    snapshot: report.snapshot,
    sample: report.sample,
    seek(seconds) {
      if (player) player.seek(seconds);
    },
    handle() {
      return p2p;
    },
    player() {
      return player;
    },
    provider() {
      const provider = player && player.getProvider ? player.getProvider() : undefined;
      return provider ? provider.name : undefined;
    },
    // Removes the player the way its API does; the plugin releases itself on `remove`.
    destroy() {
      if (player) player.remove();
    },
  };

  start().catch((error) => {
    state.setupError = kit.setupErrorText(error);
  });
})();

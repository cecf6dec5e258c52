/* global window, document, performance, flowplayer */
// Test harness for flowplayer7.html (Flowplayer 7, hlsjs-lite engine over the page's hls.js) and
// flowplayer-current.html (@flowplayer/player 3.x with its HLS plugin and bundled hls.js). Plain
// browser script over the vendors' and our UMD bundles, as script-tag users load them. The page
// sets `window.__flowplayerLine` ('7' or 'current') before loading this file; the shared recording
// pieces come from harness-kit.js.
//
// Query parameters:
//   src      manifest URL (required)
//   engine   'p2p' (default): the player with our plugin (dist/umd bundle); 'none': the player alone
//   p2p      plugin options as JSON (engine config keys, overlay, ...)
//   capLevel highest level index ABR may pick (hls.autoLevelCapping)
//
// window.__harness: the contract of hlsjs-harness.js (snapshot(), sample(), seek(), destroy(); see
// test/support/hlsjs-page.ts) minus segment digests, plus handle() → the plugin's `p2p` handle.
//
// Requests the players would send off the machine: Flowplayer 7's chromecast sender script is off
// (`chromecast: false`) and its GPL logo image is drawn from a data: URL by flowplayer7.html's
// stylesheet (the logo itself stays visible, as its licence requires). Flowplayer 3's telemetry
// (health events POSTed to the vendor) is left as a user's page has it; the tests abort it in the
// browser (test/support/flowplayer-page.ts, `blockFlowplayerTelemetry`) and the bench does not run
// this line.
'use strict';

(function startHarness() {
  const line = window.__flowplayerLine;
  const kit = window.harnessKit;
  const { src, engineMode, p2p: p2pOptions, capLevel } = kit.readParams();
  const container = document.getElementById('player');
  const HLS_TYPE = 'application/x-mpegurl';

  const state = kit.createState();
  const stalls = kit.createStallTracker(state);
  const media = kit.createMediaCount(state.startup);
  let player;
  let video;

  // The tap on whichever fragment loader the hls.js instance has (ours, chained or not, or the
  // player's): every load started and the bytes handed to the player.
  const fragmentHooks = {
    started(context) {
      const load = {
        ...kit.describeFrag(context.frag ?? {}, context.url),
        startedAtMs: performance.now(),
        outcome: 'pending',
      };
      state.loads.push(load);
      return load;
    },
    delivered(context, data) {
      const frag = context.frag ?? {};
      const byteLength = data instanceof ArrayBuffer ? data.byteLength : 0;
      state.segments.push({ ...kit.describeFrag(frag, context.url), byteLength });
      if (frag.sn !== 'initSegment') media.add(byteLength);
    },
  };

  function followHls(hls) {
    hls.config.fLoader = kit.tapFragmentLoader(
      hls.config.fLoader ?? hls.config.loader,
      fragmentHooks,
    );
    if (capLevel !== undefined) {
      hls.on('hlsManifestParsed', () => {
        hls.autoLevelCapping = capLevel;
      });
    }
    hls.on('hlsManifestParsed', () => {
      state.startup.manifestParsedAtMs ??= performance.now();
    });
    hls.on('hlsLevelSwitching', (_event, data) => {
      kit.addTrace(state.trace, 'level-switching', { level: data.level });
    });
    hls.on('hlsError', (_event, data) => {
      kit.fileError(state, kit.describeHlsError(data));
    });
  }

  function watchVideo(element) {
    video = element;
    kit.watchStalls(video, stalls);
  }

  function pluginOptions() {
    return engineMode === 'none' ? false : p2pOptions;
  }

  function startFlowplayer7() {
    // After our bundle's engine extension (which binds hls.js), so the tap wraps our loader.
    flowplayer.engine('hlsjs-lite').plugin(({ hls, videoTag }) => {
      if (video !== videoTag) watchVideo(videoTag);
      followHls(hls);
    });
    player = flowplayer(container, {
      clip: { sources: [{ type: HLS_TYPE, src }] },
      autoplay: true,
      muted: true,
      chromecast: false,
      p2p: pluginOptions(),
    });
  }

  function startFlowplayerCurrent() {
    player = flowplayer(container, {
      src,
      type: HLS_TYPE,
      autoplay: true,
      muted: true,
      p2p: pluginOptions(),
    });
    watchVideo(player);
    // Registered after the plugin's own listener (plugins initialise with the player), so the tap
    // wraps the loaders the plugin chained.
    player.addEventListener('hls:attached', (event) => {
      followHls(event.detail.hls);
    });
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    if (engineMode !== 'none') await kit.loadScript('/dist/umd/p2p-media-loader-flowplayer.min.js');
    state.startup.scriptsLoadedAtMs = performance.now();
    if (line === '7') startFlowplayer7();
    else startFlowplayerCurrent();
    state.startup.playerCreatedAtMs = performance.now();
    const p2p = handle();
    if (p2p) {
      // The handle's events worth a timeline (bench diagnostics read `segment-loaded` sources).
      for (const name of ['segment-loaded', 'peer-connected', 'peer-disconnected']) {
        p2p.on(name, (payload) => kit.addTrace(state.trace, name, payload));
      }
      p2p.on('error', ({ error, fatal }) => {
        kit.fileError(state, {
          type: 'p2p',
          details: error.code ?? error.name,
          fatal,
          message: error.message,
        });
      });
    }
    state.ready = true;
  }

  function handle() {
    return player && player.p2p ? player.p2p : undefined;
  }

  function engineStats() {
    const p2p = handle();
    return p2p ? p2p.getStats() : undefined;
  }

  const report = kit.createReport(state, () => ({
    playedSeconds: kit.playedSeconds(video),
    currentTime: video ? video.currentTime : 0,
    stalls: stalls.now(),
    engineStats: engineStats(),
    mediaBytes: media.bytes,
    mediaSegments: media.segments,
  }));

  window.__harness = {
    snapshot: report.snapshot,
    sample: report.sample,
    seek(seconds) {
      if (video) video.currentTime = seconds;
    },
    handle,
    // Stops the player the way its own API does; the plugin releases itself on the player's
    // shutdown (Flowplayer 7) / reap (Flowplayer 3) event.
    destroy() {
      if (!player) return;
      if (line === '7') {
        const hls = player.engine ? player.engine.hls : undefined;
        player.shutdown();
        if (hls) hls.destroy();
      } else {
        player.destroy();
      }
    },
  };

  start().catch((error) => {
    state.setupError = kit.setupErrorText(error);
  });
})();

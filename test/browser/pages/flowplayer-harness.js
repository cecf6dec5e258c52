/* global window, document, URLSearchParams, performance, flowplayer */
// Test harness for flowplayer7.html (Flowplayer 7, hlsjs-lite engine over the page's hls.js) and
// flowplayer-current.html (@flowplayer/player 3.x with its HLS plugin and bundled hls.js). Plain
// browser script over the vendors' and our UMD bundles, as script-tag users load them. The page
// sets `window.__flowplayerLine` ('7' or 'current') before loading this file.
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
  const params = new URLSearchParams(window.location.search);
  const src = params.get('src');
  const engineMode = params.get('engine') ?? 'p2p';
  const p2pOptions = JSON.parse(params.get('p2p') ?? '{}');
  const capLevel = params.has('capLevel') ? Number(params.get('capLevel')) : undefined;
  const container = document.getElementById('player');
  const HLS_TYPE = 'application/x-mpegurl';
  // Trace entries kept (oldest dropped): bounds memory over long bench runs.
  const MAX_TRACE = 2000;

  const state = {
    ready: false,
    setupError: undefined,
    stalls: { count: 0, totalMs: 0 },
    fatalErrors: [],
    errors: [],
    loads: [],
    segments: [],
    hashesPending: 0,
    startup: { startedAtMs: performance.now(), playingAtMs: undefined },
    trace: [],
  };
  let mediaBytesDelivered = 0;
  let mediaSegmentsDelivered = 0;
  let player;
  let video;
  let hasPlayed = false;
  let stallStartedAtMs;

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`cannot load ${url}`));
      document.head.appendChild(script);
    });
  }

  // Wraps whichever fragment loader the hls.js instance has (ours, chained or not, or the player's)
  // to record the bytes handed to the player.
  function tapFragmentLoader(InnerLoader) {
    return class TappedFragmentLoader {
      constructor(config) {
        this.inner = new InnerLoader(config);
      }
      get stats() {
        return this.inner.stats;
      }
      set stats(value) {
        this.inner.stats = value;
      }
      get context() {
        return this.inner.context;
      }
      load(context, config, callbacks) {
        const frag = context.frag ?? {};
        const load = {
          url: context.url,
          sn: frag.sn,
          type: frag.type,
          level: frag.level,
          startedAtMs: performance.now(),
          outcome: 'pending',
        };
        state.loads.push(load);
        this.load_ = load;
        this.inner.load(context, config, {
          ...callbacks,
          onSuccess: (response, stats, successContext, details) => {
            load.outcome = 'success';
            load.endedAtMs = performance.now();
            const bytes = response.data instanceof ArrayBuffer ? response.data.byteLength : 0;
            state.segments.push({
              url: context.url,
              sn: frag.sn,
              type: frag.type,
              level: frag.level,
              byteLength: bytes,
            });
            if (frag.sn !== 'initSegment') {
              mediaBytesDelivered += bytes;
              mediaSegmentsDelivered += 1;
              state.startup.firstSegmentAtMs ??= performance.now();
            }
            callbacks.onSuccess(response, stats, successContext, details);
          },
          onError: (error, errorContext, details, stats) => {
            load.outcome = `error ${String(error.code)}`;
            load.endedAtMs = performance.now();
            callbacks.onError(error, errorContext, details, stats);
          },
        });
      }
      abort() {
        if (this.load_ && this.load_.outcome === 'pending') {
          this.load_.outcome = 'aborted';
          this.load_.endedAtMs = performance.now();
        }
        this.inner.abort();
      }
      destroy() {
        this.inner.destroy();
      }
      getCacheAge() {
        return this.inner.getCacheAge ? this.inner.getCacheAge() : null;
      }
      getResponseHeader(name) {
        return this.inner.getResponseHeader ? this.inner.getResponseHeader(name) : null;
      }
    };
  }

  function followHls(hls) {
    hls.config.fLoader = tapFragmentLoader(hls.config.fLoader ?? hls.config.loader);
    if (capLevel !== undefined) {
      hls.on('hlsManifestParsed', () => {
        hls.autoLevelCapping = capLevel;
      });
    }
    hls.on('hlsManifestParsed', () => {
      state.startup.manifestParsedAtMs ??= performance.now();
    });
    hls.on('hlsLevelSwitching', (_event, data) => {
      state.trace.push({ atMs: performance.now(), event: 'level-switching', level: data.level });
    });
    hls.on('hlsError', (_event, data) => {
      const error = {
        type: data.type,
        details: data.details,
        fatal: data.fatal,
        message: data.error ? String(data.error.message) : undefined,
        url: data.frag ? data.frag.url : undefined,
      };
      (data.fatal ? state.fatalErrors : state.errors).push(error);
    });
  }

  function watchVideo(element) {
    video = element;
    video.addEventListener('playing', () => {
      hasPlayed = true;
      state.startup.playingAtMs ??= performance.now();
      if (stallStartedAtMs !== undefined) {
        state.stalls.totalMs += performance.now() - stallStartedAtMs;
        stallStartedAtMs = undefined;
      }
    });
    video.addEventListener('waiting', () => {
      // Waiting after a seek is expected; only waiting during playback is a stall.
      if (!hasPlayed || video.seeking || stallStartedAtMs !== undefined) return;
      state.stalls.count += 1;
      stallStartedAtMs = performance.now();
    });
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
    if (engineMode !== 'none') await loadScript('/dist/umd/p2p-media-loader-flowplayer.min.js');
    state.startup.scriptsLoadedAtMs = performance.now();
    if (line === '7') startFlowplayer7();
    else startFlowplayerCurrent();
    state.startup.playerCreatedAtMs = performance.now();
    const p2p = handle();
    if (p2p) {
      // The handle's events worth a timeline (bench diagnostics read `segment-loaded` sources).
      for (const name of ['segment-loaded', 'peer-connected', 'peer-disconnected']) {
        p2p.on(name, (payload) => {
          state.trace.push({ atMs: performance.now(), event: name, ...payload });
          if (state.trace.length > MAX_TRACE) state.trace.splice(0, state.trace.length - MAX_TRACE);
        });
      }
      p2p.on('error', ({ error, fatal }) => {
        const entry = {
          type: 'p2p',
          details: error.code ?? error.name,
          fatal,
          message: error.message,
        };
        (fatal ? state.fatalErrors : state.errors).push(entry);
      });
    }
    state.ready = true;
  }

  function stallsNow() {
    const ongoingMs = stallStartedAtMs === undefined ? 0 : performance.now() - stallStartedAtMs;
    return { count: state.stalls.count, totalMs: state.stalls.totalMs + ongoingMs };
  }

  function playedSeconds() {
    if (!video) return 0;
    let total = 0;
    for (let index = 0; index < video.played.length; index += 1) {
      total += video.played.end(index) - video.played.start(index);
    }
    return total;
  }

  function handle() {
    return player && player.p2p ? player.p2p : undefined;
  }

  function engineStats() {
    const p2p = handle();
    return p2p ? p2p.getStats() : undefined;
  }

  window.__harness = {
    snapshot() {
      return {
        ...state,
        stalls: stallsNow(),
        playedSeconds: playedSeconds(),
        currentTime: video ? video.currentTime : 0,
        engineStats: engineStats(),
      };
    },
    sample() {
      return {
        playedSeconds: playedSeconds(),
        currentTime: video ? video.currentTime : 0,
        stalls: stallsNow(),
        startup: { ...state.startup },
        mediaBytes: mediaBytesDelivered,
        mediaSegments: mediaSegmentsDelivered,
        fatalErrors: state.fatalErrors.length,
        setupError: state.setupError,
        engineStats: engineStats(),
      };
    },
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
    state.setupError = String(error && error.stack ? error.stack : error);
  });
})();

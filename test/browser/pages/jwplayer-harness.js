/* global window, document, URLSearchParams, performance, jwplayer, p2pml */
// Test harness for jwplayer.html: sets a JW Player up on `?src=` with our P2P plugin (dist/umd
// bundle) unless `?engine=none`. Plain browser script, as script-tag users load things.
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
  const params = new URLSearchParams(window.location.search);
  const src = params.get('src');
  const engineMode = params.get('engine') ?? 'p2p';
  const p2pOptions = JSON.parse(params.get('p2p') ?? '{}');
  const key = params.get('key');
  const withShaka = params.get('shaka') === '1';

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
  let player;
  let p2p;
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

  function watchVideo(element) {
    if (!element || element === video) return;
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
    await loadScript('/__jwplayer/jwplayer.js');
    if (key) jwplayer.key = key;
    if (withShaka) await loadScript('/node_modules/shaka-player/dist/shaka-player.compiled.js');
    if (engineMode !== 'none') await loadScript('/dist/umd/p2p-media-loader-jwplayer.min.js');
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
        const record = {
          type: 'p2p',
          details: String(error.code ?? error.name),
          fatal,
          message: String(error.message),
        };
        (fatal ? state.fatalErrors : state.errors).push(record);
      });
      p2p.on('segment-loaded', (event) => {
        state.trace.push({ atMs: performance.now(), event: 'segment-loaded', ...event });
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

  function engineStats() {
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
        mediaBytes: 0,
        mediaSegments: state.trace.length,
        fatalErrors: state.fatalErrors.length,
        setupError: state.setupError,
        engineStats: engineStats(),
      };
    },
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
    state.setupError = String(error && error.stack ? error.stack : error);
  });
})();

/* global window, document, URLSearchParams, performance, MediaElementPlayer */
// Test harness for mediaelement.html: plays a stream in a MediaElementPlayer and records what tests
// and the benchmark assert on. Plain browser script over the UMD builds, as a page without a
// bundler uses them. Same window.__harness shape as hlsjs-harness.js (see test/support/hlsjs-page.ts
// and test/support/mediaelement-page.ts).
//
// Query parameters:
//   src      manifest URL (required): HLS playlist or DASH MPD (DASH loads Shaka first)
//   engine   'p2p' (default): the player has the P2P plugin (`p2p` option, `p2pstats` feature);
//            'none': MediaElement alone (its hls.js renderer, no P2P)
//   p2p      plugin options as JSON (engine keys, `overlay`, ...)
//   hls      extra hls.js config as JSON (MediaElement's `hls` option)
//   capLevel highest level index hls.js's ABR may pick
//   hlsOrigin 'global' (default): hls.js by script, as window.Hls; 'option': hls.js taken off
//            window and given to the plugin as its `Hls` option (a bundled page); 'none': no hls.js
//   dashPath where MediaElement's dash.js renderer would load dash.js from (its `dash.path` option):
//            makes that renderer eligible, to show `p2p_shaka` is still preferred for DASH
//   withShaka '1': load Shaka even for an HLS source (for a later source change to DASH)
//   renderer the only renderer MediaElement may use (e.g. 'p2p_shaka'; with engine=none the plugin
//            bundle is loaded for that renderer but the player gets no `p2p` option)
//
// window.__harness: snapshot(), sample() (see HarnessSample), seek(seconds), setSrc(src) (a source
// change in the same player), remove() (player.remove(): the player and its P2P are gone),
// destroy() (stops playback: pause + remove), player (the MediaElementPlayer).
'use strict';

(function startHarness() {
  const params = new URLSearchParams(window.location.search);
  const src = params.get('src');
  const engineMode = params.get('engine') ?? 'p2p';
  const p2pOptions = JSON.parse(params.get('p2p') ?? '{}');
  const hlsConfig = JSON.parse(params.get('hls') ?? '{}');
  const capLevel = params.has('capLevel') ? Number(params.get('capLevel')) : undefined;
  const hlsOrigin = params.get('hlsOrigin') ?? 'global';
  const onlyRenderer = params.get('renderer');
  const dashPath = params.get('dashPath');
  const withShaka = params.get('withShaka') === '1';
  const isDash = src !== null && /\.mpd(\?|$)/i.test(src);
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
    renderer: undefined,
    removed: false,
  };
  let player;
  // hls.js when the page holds it privately (hlsOrigin=option).
  let bundledHls;
  // The <video> the current renderer plays into (a clone MediaElement makes of #video); it changes
  // when a source change moves playback to another renderer.
  function currentVideo() {
    const media = player && !state.removed ? player.media : undefined;
    return media && media.renderer ? media.renderer : undefined;
  }
  let mediaBytesDelivered = 0;
  let hasPlayed = false;
  let stallStartedAtMs;
  // Played ranges and position as they were when the player was removed (the node is gone then).
  let frozen;

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`cannot load ${url}`));
      document.head.appendChild(script);
    });
  }

  function addTrace(event, details) {
    state.trace.push({ atMs: performance.now(), event, ...details });
    if (state.trace.length > MAX_TRACE) state.trace.splice(0, state.trace.length - MAX_TRACE);
  }

  function bufferedEndAtPlayhead() {
    const video = currentVideo();
    if (!video) return undefined;
    const { buffered, currentTime } = video;
    for (let index = 0; index < buffered.length; index += 1) {
      if (buffered.start(index) <= currentTime + 0.1 && currentTime <= buffered.end(index)) {
        return buffered.end(index);
      }
    }
    return undefined;
  }

  function playedSeconds() {
    if (frozen) return frozen.playedSeconds;
    const video = currentVideo();
    if (!video) return 0;
    let total = 0;
    for (let index = 0; index < video.played.length; index += 1) {
      total += video.played.end(index) - video.played.start(index);
    }
    return total;
  }

  function currentTime() {
    if (frozen) return frozen.currentTime;
    const video = currentVideo();
    return video ? video.currentTime : 0;
  }

  function stallsNow() {
    const ongoingMs = stallStartedAtMs === undefined ? 0 : performance.now() - stallStartedAtMs;
    return { count: state.stalls.count, totalMs: state.stalls.totalMs + ongoingMs };
  }

  // Playback as the player's controls see it: MediaElement's stand-in node re-dispatches the
  // renderer's media events.
  function watchMedia(media) {
    media.addEventListener('playing', () => {
      hasPlayed = true;
      state.startup.playingAtMs ??= performance.now();
      if (stallStartedAtMs !== undefined) {
        state.stalls.totalMs += performance.now() - stallStartedAtMs;
        stallStartedAtMs = undefined;
      }
    });
    media.addEventListener('waiting', () => {
      if (
        !hasPlayed ||
        (currentVideo() && currentVideo().seeking) ||
        stallStartedAtMs !== undefined
      )
        return;
      state.stalls.count += 1;
      stallStartedAtMs = performance.now();
      const video = currentVideo();
      addTrace('stall', {
        currentTime: video ? video.currentTime : undefined,
        bufferedEnd: bufferedEndAtPlayhead(),
        readyState: video ? video.readyState : undefined,
      });
    });
    media.addEventListener('error', (event) => {
      state.fatalErrors.push({
        type: 'mediaelement',
        details: String(event.message ?? 'error'),
        fatal: true,
        message: String(event.message ?? ''),
      });
    });
    // hls.js events MediaElement forwards (event.data: [name, payload], or the payload for errors).
    media.addEventListener('hlsManifestParsed', () => {
      state.startup.manifestParsedAtMs ??= performance.now();
      const hls = media.hlsPlayer;
      if (hls && capLevel !== undefined) hls.autoLevelCapping = capLevel;
    });
    media.addEventListener('hlsFragLoading', (event) => {
      const frag = event.data[1].frag;
      state.loads.push({
        url: frag.url,
        sn: frag.sn,
        type: frag.type,
        level: frag.level,
        startedAtMs: performance.now(),
        outcome: 'pending',
        fragStart: frag.sn === 'initSegment' ? undefined : frag.start,
        playhead: currentTime(),
        bufferedEnd: bufferedEndAtPlayhead(),
      });
    });
    media.addEventListener('hlsFragLoaded', (event) => {
      const { frag, payload } = event.data[1];
      // hls.js may have transferred the payload to its transmuxer worker already (byteLength 0):
      // the fragment's load stats hold the size then.
      const stats = frag.stats ?? {};
      const byteLength = (payload && payload.byteLength) || stats.loaded || stats.total || 0;
      const load = state.loads.findLast(
        (entry) => entry.sn === frag.sn && entry.level === frag.level && entry.type === frag.type,
      );
      if (load && load.outcome === 'pending') {
        load.outcome = 'success';
        load.endedAtMs = performance.now();
      }
      state.segments.push({
        url: frag.url,
        sn: frag.sn,
        type: frag.type,
        level: frag.level,
        byteLength,
      });
      if (frag.sn !== 'initSegment') {
        mediaBytesDelivered += byteLength;
        state.startup.firstSegmentAtMs ??= performance.now();
      }
    });
    media.addEventListener('hlsLevelSwitching', (event) => {
      addTrace('level-switching', { level: event.data[1].level });
    });
    media.addEventListener('hlsError', (event) => {
      const data = event.data ?? {};
      state.errors.push({
        type: String(data.type),
        details: String(data.details),
        fatal: false,
        message: data.error ? String(data.error.message) : undefined,
      });
    });
  }

  // The plugin's events: a trace like the hls.js harness's engine trace, and (for DASH, which has
  // no hls.js events) the bytes the engine handed to the player.
  function watchP2P(handle) {
    handle.on('segment-loaded', (payload) => {
      addTrace('segment-loaded', payload);
      if (isDash) {
        mediaBytesDelivered += payload.bytes;
        state.startup.firstSegmentAtMs ??= performance.now();
      }
    });
    for (const name of ['peer-connected', 'peer-disconnected', 'engine-selected']) {
      handle.on(name, (payload) => addTrace(name, payload));
    }
    handle.on('error', ({ error, fatal }) => {
      addTrace('error', { error: `${String(error.code)}: ${String(error.message)}`, fatal });
      if (!fatal) {
        state.errors.push({
          type: 'p2p',
          details: String(error.code),
          fatal: false,
          message: String(error.message),
        });
      }
    });
  }

  function createPlayer() {
    const element = document.getElementById('video');
    const source = document.createElement('source');
    source.src = src;
    source.type = isDash ? 'application/dash+xml' : 'application/x-mpegURL';
    element.appendChild(source);
    const options = {
      features: ['playpause', 'current', 'progress', 'duration', 'volume'],
      iconSprite: '/node_modules/mediaelement/build/mejs-controls.svg',
      stretching: 'none',
      hls: hlsConfig,
      success: (media) => {
        watchMedia(media);
        state.renderer = media.rendererName;
        state.ready = true;
        const played = media.renderer.play && media.renderer.play();
        if (played && played.catch) {
          played.catch((error) => {
            state.errors.push({ type: 'play', details: String(error), fatal: false });
          });
        }
      },
    };
    if (dashPath) options.dash = { path: dashPath };
    if (onlyRenderer) options.renderers = [onlyRenderer];
    if (engineMode === 'p2p') {
      options.p2p = { overlay: true, ...p2pOptions };
      if (bundledHls) options.p2p.Hls = bundledHls;
      options.features.push('p2pstats');
    } else if (!onlyRenderer) {
      // MediaElement ranks `html5` first, and this Chromium plays HLS natively: the baseline must
      // play through hls.js like the P2P arm does.
      options.renderers = ['native_hls', 'html5'];
    }
    player = new MediaElementPlayer(element, options);
    state.startup.playerCreatedAtMs = performance.now();
    if (player.p2p) watchP2P(player.p2p);
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    if (hlsOrigin !== 'none') {
      await loadScript('/node_modules/hls.js/dist/hls.min.js');
      if (hlsOrigin === 'option') {
        bundledHls = window.Hls;
        delete window.Hls;
      }
    }
    const shakaWanted = isDash || withShaka || onlyRenderer === 'p2p_shaka';
    if (shakaWanted) await loadScript('/node_modules/shaka-player/dist/shaka-player.compiled.js');
    if (engineMode === 'p2p' || onlyRenderer === 'p2p_shaka') {
      await loadScript('/dist/umd/p2p-media-loader-mediaelement.min.js');
    }
    state.startup.scriptsLoadedAtMs = performance.now();
    createPlayer();
  }

  function freeze() {
    frozen ??= { playedSeconds: playedSeconds(), currentTime: currentTime() };
  }

  function engineStats() {
    if (!player || !player.p2p || state.removed) return state.finalStats;
    return player.p2p.getStats();
  }

  window.__harness = {
    get player() {
      return player;
    },
    snapshot() {
      return {
        ...state,
        stalls: stallsNow(),
        playedSeconds: playedSeconds(),
        currentTime: currentTime(),
        engineStats: engineStats(),
        // The renderer playing now (state.renderer: the first one, and the last after remove()).
        renderer: (currentVideo() && player.media.rendererName) || state.renderer,
        engineKind:
          player && player.p2p && !state.removed ? player.p2p.engineKind : state.engineKind,
        // The renderer order the player ended up with (the plugin sets it when the page gave none).
        renderers: player ? [...player.options.renderers] : [],
      };
    },
    sample() {
      return {
        playedSeconds: playedSeconds(),
        currentTime: currentTime(),
        stalls: stallsNow(),
        startup: { ...state.startup },
        mediaBytes: mediaBytesDelivered,
        mediaSegments: state.segments.filter((segment) => segment.sn !== 'initSegment').length,
        fatalErrors: state.fatalErrors.length,
        setupError: state.setupError,
        engineStats: engineStats(),
      };
    },
    seek(seconds) {
      player.setCurrentTime(seconds);
    },
    setSrc(otherSrc) {
      player.setSrc(otherSrc);
      player.play();
    },
    remove() {
      if (state.removed || !player) return;
      freeze();
      state.finalStats = player.p2p ? player.p2p.getStats() : undefined;
      state.engineKind = player.p2p ? player.p2p.engineKind : undefined;
      state.renderer = player.media.rendererName;
      state.removed = true;
      player.pause();
      player.remove();
    },
    destroy() {
      window.__harness.remove();
    },
  };

  start().catch((error) => {
    state.setupError = String(error && error.stack ? error.stack : error);
  });
})();

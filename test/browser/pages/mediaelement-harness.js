/* global window, document, performance, MediaElementPlayer */
// Test harness for mediaelement.html: plays a stream in a MediaElementPlayer and records what tests
// and the benchmark assert on. Plain browser script over the UMD builds, as a page without a
// bundler uses them. Same window.__harness shape as hlsjs-harness.js (see test/support/hlsjs-page.ts
// and test/support/mediaelement-page.ts); the shared recording pieces come from harness-kit.js.
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
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pOptions, capLevel } = params;
  const hlsConfig = params.json('hls');
  const hlsOrigin = params.get('hlsOrigin') ?? 'global';
  const onlyRenderer = params.get('renderer');
  const dashPath = params.get('dashPath');
  const withShaka = params.get('withShaka') === '1';
  const isDash = src !== null && /\.mpd(\?|$)/i.test(src);

  const state = kit.createState({ renderer: undefined, removed: false });
  const stalls = kit.createStallTracker(state);
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
  // Played ranges and position as they were when the player was removed (the node is gone then).
  let frozen;

  function addTrace(event, details) {
    kit.addTrace(state.trace, event, details);
  }

  function playedSeconds() {
    return frozen ? frozen.playedSeconds : kit.playedSeconds(currentVideo());
  }

  function currentTime() {
    if (frozen) return frozen.currentTime;
    const video = currentVideo();
    return video ? video.currentTime : 0;
  }

  // Playback as the player's controls see it: MediaElement's stand-in node re-dispatches the
  // renderer's media events.
  function watchMedia(media) {
    kit.watchStalls(media, stalls, {
      isSeeking: () => currentVideo() && currentVideo().seeking,
      onStall: () => {
        const video = currentVideo();
        addTrace('stall', {
          currentTime: video ? video.currentTime : undefined,
          bufferedEnd: kit.bufferedEndAtPlayhead(video),
          readyState: video ? video.readyState : undefined,
        });
      },
      onStallEnd: (ms) => addTrace('stall-end', { ms }),
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
        ...kit.describeFrag(frag, frag.url),
        startedAtMs: performance.now(),
        outcome: 'pending',
        fragStart: frag.sn === 'initSegment' ? undefined : frag.start,
        playhead: currentTime(),
        bufferedEnd: kit.bufferedEndAtPlayhead(currentVideo()),
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
      state.segments.push({ ...kit.describeFrag(frag, frag.url), byteLength });
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
      await kit.loadScript('/node_modules/hls.js/dist/hls.min.js');
      if (hlsOrigin === 'option') {
        bundledHls = window.Hls;
        delete window.Hls;
      }
    }
    const shakaWanted = isDash || withShaka || onlyRenderer === 'p2p_shaka';
    if (shakaWanted)
      await kit.loadScript('/node_modules/shaka-player/dist/shaka-player.compiled.js');
    if (engineMode === 'p2p' || onlyRenderer === 'p2p_shaka') {
      await kit.loadScript('/dist/umd/p2p-media-loader-mediaelement.min.js');
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

  const report = kit.createReport(state, () => ({
    playedSeconds: playedSeconds(),
    currentTime: currentTime(),
    stalls: stalls.now(),
    engineStats: engineStats(),
    mediaBytes: mediaBytesDelivered,
    mediaSegments: state.segments.filter((segment) => segment.sn !== 'initSegment').length,
  }));

  window.__harness = {
    get player() {
      return player;
    },
    snapshot() {
      return {
        ...report.snapshot(),
        // The renderer playing now (state.renderer: the first one, and the last after remove()).
        renderer: (currentVideo() && player.media.rendererName) || state.renderer,
        engineKind:
          player && player.p2p && !state.removed ? player.p2p.engineKind : state.engineKind,
        // The renderer order the player ended up with (the plugin sets it when the page gave none).
        renderers: player ? [...player.options.renderers] : [],
      };
    },
    sample: report.sample,
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
    state.setupError = kit.setupErrorText(error);
  });
})();

/* global window, document, performance, jwplayer, p2pml */
// Test harness for jwplayer.html: sets a JW Player up on `?src=` with our P2P plugin (dist/umd
// bundle) unless `?engine=none`. Plain browser script, as script-tag users load things; the shared
// recording pieces come from harness-kit.js.
//
// Which JW Player: whatever the test serves at /__jwplayer/jwplayer.js (test/support/
// jwplayer-page.ts routes that path): the real JW Player 8.24.3 open-source build from the shared
// vendor folder, a jwplayer.js given by JWPLAYER_LIBRARY, or the jwplayer-standin (NOT JW Player; a
// stand-in for the API surface the plugin uses).
//
// Query parameters:
//   src      manifest URL (required)
//   engine   'p2p' (default): with our plugin; 'none': the player alone
//   p2p      plugin options as JSON (engine config keys, overlay, ...)
//   route    how P2P is turned on: 'attach' (default): the bundle by script tag, then
//            p2pml.jwplayer.attachP2P(player, p2p) right after setup(); 'plugin-url': JW loads the
//            bundle itself through the `plugins` setup option (`{ '<bundle url>': p2p }`)
//   key      JW Player licence key (a licensed build only), set as `jwplayer.key`
//   shaka    '1': load Shaka Player too (DASH sources play through the provider's Shaka path)
//   captions URL of a WebVTT sidecar file given to JW as a captions track (`tracks` option)
//
// window.__harness: the contract of hlsjs-harness.js (snapshot(), sample(), seek(), destroy(); see
// test/support/hlsjs-page.ts) without loads; `segments` are the fragments the provider's hls.js
// (created from the page's global `Hls`) was handed, with SHA-256. Plus:
// handle() → the P2P handle, player() → the JW player, video() → the <video> it plays in,
// provider() → its provider's name,
// engineKind() → how the provider plays the source, jwEvents → JW player events in order
// ({ name, atMs, ... a few payload fields }), setupAgain(src) → `remove()` then `setup()` again on
// the same element (P2P attached the same way), playing `src` (default: the same source).
'use strict';

(function startHarness() {
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pOptions } = params;
  const key = params.get('key');
  const withShaka = params.get('shaka') === '1';
  const route = params.get('route') ?? 'attach';
  const captions = params.get('captions');
  const BUNDLE_URL = '/dist/umd/p2p-media-loader-jwplayer.min.js';
  // The JW plugin name JW derives from BUNDLE_URL's file name (up to its first '-').
  const BUNDLE_PLUGIN_NAME = 'p2p';

  const state = kit.createState();
  const stalls = kit.createStallTracker(state);
  const jwEvents = [];
  let player;
  let removed = false;
  let p2p;
  let video;

  // JW events and the payload fields the tests read.
  const JW_EVENTS = {
    ready: () => ({}),
    levels: (event) => ({ levels: (event.levels || []).map((level) => level.label) }),
    levelsChanged: (event) => ({ currentQuality: event.currentQuality }),
    visualQuality: (event) => ({ level: event.level && event.level.label }),
    audioTracks: (event) => ({ tracks: (event.tracks || []).map((track) => track.name) }),
    audioTrackChanged: (event) => ({ currentTrack: event.currentTrack }),
    captionsList: (event) => ({ tracks: (event.tracks || []).map((track) => track.label) }),
    captionsChanged: (event) => ({ track: event.track }),
    seek: (event) => ({ position: event.position, offset: event.offset }),
    seeked: () => ({}),
    firstFrame: () => ({}),
    remove: () => ({}),
  };

  // Every fragment the provider's hls.js is handed, with the SHA-256 of the exact bytes. The
  // provider creates hls.js from the global `Hls` and its fragment loader is internal, so the page's
  // `Hls` becomes a subclass that wraps whichever fragment loader an instance is given (the
  // engine's) with the harness kit's tap, as hlsjs-harness.js does for its own hls.js. (Hashing at
  // FRAG_LOADED is too late: for TS, hls.js has by then transferred the bytes to its worker.)
  function tapHlsFragments() {
    const NativeHls = window.Hls;
    const hooks = {
      delivered(context, data) {
        if (!(data instanceof ArrayBuffer)) return;
        const frag = context.frag ?? {};
        const record = {
          url: context.url,
          sn: frag.sn,
          type: frag.type,
          level: frag.level,
          byteLength: data.byteLength,
          sha256: undefined,
        };
        // hls.js ranges are [start, end) like the origin's; absent for whole-file segments.
        if (context.rangeEnd) {
          Object.assign(record, { rangeStart: context.rangeStart, rangeEnd: context.rangeEnd });
        }
        state.segments.push(record);
        kit.hashSegment(state, record, data);
      },
    };
    window.Hls = class TappedHls extends NativeHls {
      constructor(config) {
        super(config);
        this.config.fLoader = kit.tapFragmentLoader(
          this.config.fLoader ?? this.config.loader,
          hooks,
        );
      }
    };
  }

  function playingVideo(container) {
    const videos = [...container.querySelectorAll('video')];
    return videos.find((element) => element.currentSrc !== '') ?? videos[0];
  }

  function watchVideo(element) {
    if (!element || element === video) return;
    video = element;
    stalls.restart();
    kit.watchStalls(video, stalls);
  }

  function followPlayer() {
    // The provider's element: JW may hold more than one <video> in its container (its media pool),
    // and the one playing has a source.
    const currentVideo = () => playingVideo(player.getContainer());
    player.on('ready', () => {
      state.startup.playerCreatedAtMs ??= performance.now();
      watchVideo(currentVideo());
    });
    player.on('firstFrame', () => watchVideo(currentVideo()));
    player.on('play', () => watchVideo(currentVideo()));
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
    for (const [name, describe] of Object.entries(JW_EVENTS)) {
      player.on(name, (event) => {
        jwEvents.push({ name, atMs: performance.now(), ...describe(event || {}) });
      });
    }
  }

  function followHandle(handle) {
    if (!handle || handle === p2p) return;
    p2p = handle;
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

  function setupPlayer(file) {
    const config = { file, autostart: true, mute: true, width: 480, height: 270 };
    if (captions) config.tracks = [{ file: captions, label: 'English', kind: 'captions' }];
    if (engineMode !== 'none' && route === 'plugin-url')
      config.plugins = { [BUNDLE_URL]: p2pOptions };
    p2p = undefined;
    removed = false;
    player = jwplayer('player').setup(config);
    followPlayer();
    if (engineMode === 'none') return;
    if (route === 'plugin-url') {
      // JW creates the plugin during setup(), before `ready`; its `handle` is the P2P handle.
      player.on('ready', () => {
        const plugin = player.getPlugin(BUNDLE_PLUGIN_NAME);
        if (plugin) followHandle(plugin.handle);
        else state.setupError = `JW has no plugin "${BUNDLE_PLUGIN_NAME}" after setup`;
      });
    } else {
      // Right after setup(), as the plugin's documentation asks.
      followHandle(p2pml.jwplayer.attachP2P(player, p2pOptions));
    }
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    tapHlsFragments();
    await kit.loadScript('/__jwplayer/jwplayer.js');
    if (key) jwplayer.key = key;
    if (withShaka) await kit.loadScript('/node_modules/shaka-player/dist/shaka-player.compiled.js');
    if (engineMode !== 'none' && route === 'attach') await kit.loadScript(BUNDLE_URL);
    state.startup.scriptsLoadedAtMs = performance.now();
    setupPlayer(src);
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
    jwEvents,
    seek(seconds) {
      if (player) player.seek(seconds);
    },
    handle() {
      return p2p;
    },
    // The <video> the player plays in (the one followed for played seconds and stalls).
    video() {
      return player ? playingVideo(player.getContainer()) : undefined;
    },
    // How many <video> elements the page holds (diagnostics).
    videoCount() {
      return document.querySelectorAll('video').length;
    },
    player() {
      return player;
    },
    provider() {
      try {
        const provider = player && player.getProvider ? player.getProvider() : undefined;
        return provider ? provider.name : undefined;
      } catch {
        // A removed real JW Player throws here (its model is gone): it has no provider.
        return undefined;
      }
    },
    engineKind() {
      return p2p ? p2p.engineKind : undefined;
    },
    // Removes the player the way its API does; the plugin releases itself on `remove`. A removed
    // real JW Player throws on a second remove(): once is enough.
    destroy() {
      if (player && !removed) player.remove();
      removed = true;
    },
    setupAgain(file) {
      window.__harness.destroy();
      video = undefined;
      setupPlayer(file ?? src);
    },
  };

  start().catch((error) => {
    state.setupError = kit.setupErrorText(error);
  });
})();

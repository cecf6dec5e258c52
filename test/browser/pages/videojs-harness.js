/* global window, document, URLSearchParams, performance, videojs, Hls */
// Test harness for videojs.html: Video.js 8 with our plugin (dist/umd bundle) or alone. Plain
// browser script over the vendors' and our UMD bundles, as script-tag users load them.
//
// Query parameters:
//   src      manifest URL; without it the page only loads the scripts (tests then drive
//            `videojs` themselves) and sets `ready`
//   type     MIME type of the source (default: from the URL, .mpd = DASH, else HLS)
//   engine   'p2p' (default): `player.p2p(options)` before the source; 'none': Video.js alone (VHS)
//   p2p      plugin options as JSON (engine config keys, overlay, statsBeacon, enabled, ...)
//   players  how many players play `src` on this page (default 1; each gets its own plugin)
//   capLevel highest level index ABR may pick (hls.autoLevelCapping; VHS: later levels disabled)
//
// window.__harness: the contract of hlsjs-harness.js (snapshot(), sample(), seek(), destroy(); see
// test/support/hlsjs-page.ts) for the first player, minus segment digests, plus snapshot(index),
// player(index), hls(index) and handle(index) (the `player.p2p()` handle, undefined with engine=none).
//
// Bytes played (`mediaBytes`): hls.js fragments as delivered through the loader chain (a tap wraps
// whichever fragment loader hls.js uses, by passing the plugin an `Hls` subclass); Shaka: the
// plugin's `segment-loaded` bytes; Video.js alone: VHS's own `mediaBytesTransferred`.
'use strict';

(function startHarness() {
  const params = new URLSearchParams(window.location.search);
  const src = params.get('src');
  const engineMode = params.get('engine') ?? 'p2p';
  const p2pOptions = JSON.parse(params.get('p2p') ?? '{}');
  const playerCount = Number(params.get('players') ?? '1');
  const capLevel = params.has('capLevel') ? Number(params.get('capLevel')) : undefined;
  const type =
    params.get('type') ??
    (src && /\.mpd(\?|$)/.test(src) ? 'application/dash+xml' : 'application/x-mpegURL');
  const startedAtMs = performance.now();
  let setupError;
  let scriptsLoadedAtMs;
  const viewers = [];

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`cannot load ${url}`));
      document.head.appendChild(script);
    });
  }

  // Wraps hls.js's fragment loader (ours, after the plugin configured it) to record the bytes
  // handed to hls.js.
  function tapFragmentLoader(InnerLoader, viewer) {
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
        this.inner.load(context, config, {
          ...callbacks,
          onSuccess: (response, stats, successContext, details) => {
            const bytes = response.data instanceof ArrayBuffer ? response.data.byteLength : 0;
            viewer.state.segments.push({
              url: context.url,
              sn: frag.sn,
              type: frag.type,
              level: frag.level,
              byteLength: bytes,
            });
            if (frag.sn !== 'initSegment') viewer.delivered(bytes);
            callbacks.onSuccess(response, stats, successContext, details);
          },
        });
      }
      abort() {
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

  // An `Hls` for the plugin: the page's hls.js, followed by the viewer's taps.
  function tappedHls(viewer) {
    return class TappedHls extends Hls {
      constructor(config) {
        super(config);
        viewer.hls = this;
        this.config.fLoader = tapFragmentLoader(this.config.fLoader ?? this.config.loader, viewer);
        this.on('hlsManifestParsed', () => {
          viewer.state.startup.manifestParsedAtMs ??= performance.now();
          if (capLevel !== undefined) this.autoLevelCapping = capLevel;
        });
        this.on('hlsLevelSwitching', (_event, data) => {
          viewer.state.trace.push({
            atMs: performance.now(),
            event: 'level-switching',
            level: data.level,
          });
        });
        this.on('hlsError', (_event, data) => {
          const error = {
            type: data.type,
            details: data.details,
            fatal: data.fatal,
            message: data.error ? String(data.error.message) : undefined,
          };
          (data.fatal ? viewer.state.fatalErrors : viewer.state.errors).push(error);
        });
      }
    };
  }

  function createViewer(index) {
    const element = document.createElement('video-js');
    element.id = `player-${index}`;
    element.className = 'video-js';
    element.setAttribute('muted', '');
    element.setAttribute('playsinline', '');
    document.getElementById('players').appendChild(element);
    const viewer = {
      player: undefined,
      hls: undefined,
      hasPlayed: false,
      stallStartedAtMs: undefined,
      mediaBytes: 0,
      mediaSegments: 0,
      state: {
        ready: false,
        stalls: { count: 0, totalMs: 0 },
        fatalErrors: [],
        errors: [],
        loads: [],
        segments: [],
        hashesPending: 0,
        startup: { startedAtMs },
        trace: [],
      },
      delivered(bytes) {
        this.mediaBytes += bytes;
        this.mediaSegments += 1;
        this.state.startup.firstSegmentAtMs ??= performance.now();
      },
    };
    const player = videojs(element, {
      controls: true,
      muted: true,
      autoplay: 'muted',
      width: 480,
      height: 270,
    });
    viewer.player = player;
    if (engineMode !== 'none') {
      const p2p = player.p2p({ ...p2pOptions, Hls: tappedHls(viewer) });
      p2p.on('segment-loaded', (event) => {
        viewer.state.trace.push({
          atMs: performance.now(),
          event: 'segment-loaded',
          source: event.source,
          bytes: event.bytes,
        });
        if (p2p.engineKind === 'shaka') viewer.delivered(event.bytes);
      });
      p2p.on('error', ({ error, fatal }) => {
        viewer.state.errors.push({
          type: 'p2p',
          details: error.code ?? error.name,
          fatal,
          message: error.message,
        });
      });
    }
    player.on('playing', () => {
      viewer.hasPlayed = true;
      viewer.state.startup.playingAtMs ??= performance.now();
      if (viewer.stallStartedAtMs !== undefined) {
        viewer.state.stalls.totalMs += performance.now() - viewer.stallStartedAtMs;
        viewer.stallStartedAtMs = undefined;
      }
    });
    player.on('waiting', () => {
      // Waiting after a seek is expected; only waiting during playback is a stall.
      if (!viewer.hasPlayed || player.seeking() || viewer.stallStartedAtMs !== undefined) return;
      viewer.state.stalls.count += 1;
      viewer.stallStartedAtMs = performance.now();
      const video = videoOf(viewer);
      const buffered =
        video && video.buffered.length > 0 ? video.buffered.end(video.buffered.length - 1) : 0;
      viewer.state.trace.push({
        atMs: viewer.stallStartedAtMs,
        event: 'stall',
        currentTime: player.currentTime(),
        bufferedEnd: buffered,
      });
    });
    player.on('error', () => {
      const error = player.error();
      viewer.state.fatalErrors.push({
        type: 'videojs',
        details: String(error && error.code),
        fatal: true,
        message: error && error.message,
      });
    });
    if (engineMode === 'none' && capLevel !== undefined) {
      // VHS has no level cap setting: a quality menu's way, disabling the levels above the cap.
      const levels = player.qualityLevels();
      levels.on('addqualitylevel', () => {
        for (let level = 0; level < levels.length; level += 1) {
          levels[level].enabled = level <= capLevel;
        }
      });
    }
    player.src({ src, type });
    viewer.state.startup.playerCreatedAtMs = performance.now();
    viewer.state.ready = true;
    return viewer;
  }

  function videoOf(viewer) {
    return viewer && viewer.player && !viewer.player.isDisposed()
      ? viewer.player.el().querySelector('video')
      : undefined;
  }

  function playedSeconds(viewer) {
    const video = videoOf(viewer);
    if (!video) return 0;
    let total = 0;
    for (let index = 0; index < video.played.length; index += 1) {
      total += video.played.end(index) - video.played.start(index);
    }
    return total;
  }

  function stallsNow(viewer) {
    const ongoingMs =
      viewer.stallStartedAtMs === undefined ? 0 : performance.now() - viewer.stallStartedAtMs;
    return { count: viewer.state.stalls.count, totalMs: viewer.state.stalls.totalMs + ongoingMs };
  }

  function handle(index = 0) {
    const viewer = viewers[index];
    const player = viewer && viewer.player;
    if (!player || player.isDisposed() || engineMode === 'none' || typeof player.p2p !== 'function')
      return undefined;
    return player.usingPlugin('p2p') ? player.p2p() : undefined;
  }

  function engineStats(index) {
    const p2p = handle(index);
    // After destroy(): the numbers the player ended with (the bench reads them then).
    if (!p2p) return viewers[index] ? viewers[index].finalStats : undefined;
    const stats = p2p.getStats();
    // Plain data only (page.evaluate copies it).
    return JSON.parse(JSON.stringify(stats));
  }

  // Video.js alone: VHS counts what it downloaded.
  function vhsMediaBytes(viewer) {
    if (viewer.finalVhsBytes !== undefined) return viewer.finalVhsBytes;
    const tech =
      viewer.player && !viewer.player.isDisposed()
        ? viewer.player.tech({ IWillNotUseThisInPlugins: true })
        : undefined;
    const vhs = tech && tech.vhs;
    return vhs && vhs.stats ? vhs.stats.mediaBytesTransferred : 0;
  }

  function common(index) {
    const viewer = viewers[index];
    if (!viewer) {
      return {
        ready: false,
        setupError,
        playedSeconds: 0,
        currentTime: 0,
        stalls: { count: 0, totalMs: 0 },
        startup: { startedAtMs, scriptsLoadedAtMs },
      };
    }
    const video = videoOf(viewer);
    return {
      setupError,
      playedSeconds: playedSeconds(viewer),
      currentTime: video ? video.currentTime : 0,
      stalls: stallsNow(viewer),
      startup: { ...viewer.state.startup, scriptsLoadedAtMs },
      engineStats: engineStats(index),
    };
  }

  async function start() {
    if (engineMode !== 'none') await loadScript('/dist/umd/p2p-media-loader-videojs.min.js');
    scriptsLoadedAtMs = performance.now();
    if (!src) return;
    for (let index = 0; index < playerCount; index += 1) viewers.push(createViewer(index));
  }

  window.__harness = {
    /** Whether the scripts are loaded (and, with `src`, the players created). */
    get loaded() {
      return scriptsLoadedAtMs !== undefined;
    },
    snapshot(index = 0) {
      const viewer = viewers[index];
      return {
        ...(viewer
          ? viewer.state
          : {
              ready: false,
              fatalErrors: [],
              errors: [],
              loads: [],
              segments: [],
              hashesPending: 0,
              trace: [],
            }),
        ...common(index),
      };
    },
    sample(index = 0) {
      const viewer = viewers[index];
      const usesVhs = engineMode === 'none';
      return {
        ...common(index),
        mediaBytes: viewer ? (usesVhs ? vhsMediaBytes(viewer) : viewer.mediaBytes) : 0,
        mediaSegments: viewer ? viewer.mediaSegments : 0,
        fatalErrors: viewer ? viewer.state.fatalErrors.length : 0,
      };
    },
    seek(seconds) {
      const video = videoOf(viewers[0]);
      if (video) video.currentTime = seconds;
    },
    player(index = 0) {
      return viewers[index] && viewers[index].player;
    },
    handle,
    /** The hls.js instance of player `index`'s current source (undefined for Shaka and VHS). */
    hls(index = 0) {
      return viewers[index] && viewers[index].hls;
    },
    // Disposes every player (the plugin releases itself with its player); sample() and
    // snapshot() keep reporting the numbers the players ended with.
    destroy() {
      viewers.forEach((viewer, index) => {
        if (!viewer.player || viewer.player.isDisposed()) return;
        viewer.finalStats = engineStats(index);
        viewer.finalVhsBytes = vhsMediaBytes(viewer);
        viewer.player.dispose();
      });
    },
  };

  start().catch((error) => {
    setupError = String(error && error.stack ? error.stack : error);
  });
})();

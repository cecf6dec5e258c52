/* global window, document, performance, videojs, Hls */
// Test harness for videojs.html: Video.js 8 with our plugin (dist/umd bundle) or alone. Plain
// browser script over the vendors' and our UMD bundles, as script-tag users load them; the shared
// recording pieces come from harness-kit.js.
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
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pOptions, capLevel } = params;
  const playerCount = Number(params.get('players') ?? '1');
  const type =
    params.get('type') ??
    (src && /\.mpd(\?|$)/.test(src) ? 'application/dash+xml' : 'application/x-mpegURL');
  const startedAtMs = performance.now();
  let setupError;
  let scriptsLoadedAtMs;
  const viewers = [];

  // This page's trace has never been capped (a level switch, a stall or a segment per entry).
  function addTrace(viewer, event, details) {
    kit.addTrace(viewer.state.trace, event, details, Infinity);
  }

  // The tap on hls.js's fragment loader (ours, after the plugin configured it): the bytes handed
  // to hls.js.
  function fragmentHooks(viewer) {
    return {
      delivered(context, data) {
        const frag = context.frag ?? {};
        const byteLength = data instanceof ArrayBuffer ? data.byteLength : 0;
        viewer.state.segments.push({ ...kit.describeFrag(frag, context.url), byteLength });
        if (frag.sn !== 'initSegment') viewer.media.add(byteLength);
      },
    };
  }

  // An `Hls` for the plugin: the page's hls.js, followed by the viewer's taps.
  function tappedHls(viewer) {
    return class TappedHls extends Hls {
      constructor(config) {
        super(config);
        viewer.hls = this;
        this.config.fLoader = kit.tapFragmentLoader(
          this.config.fLoader ?? this.config.loader,
          fragmentHooks(viewer),
        );
        this.on('hlsManifestParsed', () => {
          viewer.state.startup.manifestParsedAtMs ??= performance.now();
          if (capLevel !== undefined) this.autoLevelCapping = capLevel;
        });
        this.on('hlsLevelSwitching', (_event, data) => {
          addTrace(viewer, 'level-switching', { level: data.level });
        });
        this.on('hlsError', (_event, data) => {
          // This page's records carry no URL.
          const error = {
            type: data.type,
            details: data.details,
            fatal: data.fatal,
            message: data.error ? String(data.error.message) : undefined,
          };
          kit.fileError(viewer.state, error);
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
    // Every player's startup counts from the harness's start (setupError is the page's).
    const state = kit.createState({ startup: { startedAtMs } });
    const viewer = {
      player: undefined,
      hls: undefined,
      state,
      stalls: kit.createStallTracker(state),
      media: kit.createMediaCount(state.startup),
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
      // The whole payload (stream key, segment id, source, bytes, peer): the bench's diagnostics
      // classify origin fetches by segment and by when the viewer's first peer connected.
      p2p.on('segment-loaded', (event) => {
        addTrace(viewer, 'segment-loaded', event);
        if (p2p.engineKind === 'shaka') viewer.media.add(event.bytes);
      });
      for (const name of ['peer-connected', 'peer-disconnected']) {
        p2p.on(name, (payload) => addTrace(viewer, name, payload));
      }
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
      const ms = viewer.stalls.playing();
      if (ms !== undefined) addTrace(viewer, 'stall-end', { ms });
    });
    player.on('waiting', () => {
      if (!viewer.stalls.waiting(player.seeking())) return;
      const video = videoOf(viewer);
      const buffered =
        video && video.buffered.length > 0 ? video.buffered.end(video.buffered.length - 1) : 0;
      addTrace(viewer, 'stall', { currentTime: player.currentTime(), bufferedEnd: buffered });
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
      playedSeconds: kit.playedSeconds(video),
      currentTime: video ? video.currentTime : 0,
      stalls: viewer.stalls.now(),
      startup: { ...viewer.state.startup, scriptsLoadedAtMs },
      engineStats: engineStats(index),
    };
  }

  async function start() {
    if (engineMode !== 'none') await kit.loadScript('/dist/umd/p2p-media-loader-videojs.min.js');
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
        mediaBytes: viewer ? (usesVhs ? vhsMediaBytes(viewer) : viewer.media.bytes) : 0,
        mediaSegments: viewer ? viewer.media.segments : 0,
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
    setupError = kit.setupErrorText(error);
  });
})();

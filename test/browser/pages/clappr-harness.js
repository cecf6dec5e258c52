/* global window, document, performance, Clappr, HlsjsPlayback, p2pml */
// Test harness for clappr.html: Clappr players with @clappr/hlsjs-playback (HLS) and, with P2P on,
// our plugins (core plugin, stats overlay, Shaka playback for DASH). Plain browser script over the
// vendors' and our UMD bundles, as script-tag users load them; the shared recording pieces come
// from harness-kit.js.
//
// Query parameters:
//   src      manifest URL (required)
//   type     MIME type of the source (optional; Clappr guesses from the extension)
//   engine   'p2p' (default): with our plugins (dist/umd bundle); 'none': Clappr + HlsjsPlayback alone
//   p2p      plugin options as JSON (engine config keys, overlay, ...)
//   hls      extra hls.js configuration as JSON (Clappr's `playback.hlsjsConfig`)
//   capLevel highest level index ABR may pick (hls.autoLevelCapping)
//   players  number of players on the page (default 1), each playing `src` with its own session
//   overlayPlugin 'off': the P2P plugins without the stats overlay plugin (default: all three)
//
// window.__harness: the contract of hlsjs-harness.js (snapshot(), sample(), seek(), destroy(); see
// test/support/hlsjs-page.ts) for player 0, minus segment digests; snapshot(i)/sample(i) for
// player i. Besides: handle(i) → the plugin's handle (`p2pml.clappr.p2pOf(player)`), player(i) →
// the Clappr player, load(src, i) → `player.load(src)`, destroyPlayer(i) → `player.destroy()`.
// Played seconds and stalls are those of the video element of the current source; snapshot()
// also has clapprErrors: every error Clappr's core saw ({ code, level }).
'use strict';

(function startHarness() {
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pOptions, capLevel } = params;
  const mimeType = params.get('type') ?? undefined;
  const hlsConfig = params.json('hls');
  const playerCount = Number(params.get('players') ?? '1');
  const withOverlayPlugin = params.get('overlayPlugin') !== 'off';
  const startedAtMs = performance.now();
  const viewers = [];
  let setupError;

  function createViewerState() {
    const state = {
      ready: false,
      stalls: { count: 0, totalMs: 0 },
      fatalErrors: [],
      errors: [],
      clapprErrors: [],
      segments: [],
      trace: [],
      startup: { startedAtMs, playingAtMs: undefined },
    };
    state.stallTracker = kit.createStallTracker(state);
    state.media = kit.createMediaCount(state.startup);
    return state;
  }

  function addTrace(state, event, details) {
    kit.addTrace(state.trace, event, details);
  }

  function recordSegment(state, record) {
    state.segments.push(record);
    if (record.sn !== 'initSegment') state.media.add(record.byteLength);
  }

  // Media events do not bubble but do pass ancestors in the capture phase: listening on the
  // player's element sees every video element Clappr creates for it (one per source).
  function watchStalls(element, state) {
    kit.watchStalls(element, state.stallTracker, {
      capture: true,
      isSeeking: (event) => event.target.seeking,
      onStall: (event) =>
        addTrace(state, 'stall', {
          currentTime: event.target.currentTime,
          bufferedEnd: kit.bufferedEndAtPlayhead(event.target),
        }),
      onStallEnd: (ms) => addTrace(state, 'stall-end', { ms }),
    });
  }

  // hls.js events through the playback's documented hook (our plugin appends its own listener).
  function hlsListeners(state) {
    return [
      {
        eventName: 'hlsFragLoaded',
        callback(_event, data) {
          const frag = data.frag ?? {};
          // The payload may already be handed (transferred) to hls.js's worker: its stats say
          // how many bytes arrived.
          const stats = frag.stats ?? {};
          const byteLength = stats.loaded || stats.total || 0;
          recordSegment(state, {
            url: frag.url,
            sn: frag.sn,
            type: frag.type,
            level: frag.level,
            byteLength,
          });
        },
      },
      {
        eventName: 'hlsManifestParsed',
        callback() {
          state.startup.manifestParsedAtMs ??= performance.now();
          // `this` is the Hls instance; the cap is reset by loadSource, so it is set here.
          if (capLevel !== undefined) this.autoLevelCapping = capLevel;
        },
      },
      {
        eventName: 'hlsError',
        callback(_event, data) {
          kit.fileError(state, kit.describeHlsError(data));
        },
      },
    ];
  }

  function followHandle(handle, state) {
    handle.on('segment-loaded', (payload) => {
      addTrace(state, 'segment-loaded', payload);
      // DASH plays through Shaka, which has no FRAG_LOADED: the handle's events count it.
      if (state.engine === 'shaka') {
        recordSegment(state, {
          url: '',
          sn: payload.segmentId,
          type: 'media',
          level: 0,
          byteLength: payload.bytes,
        });
      }
    });
    for (const name of ['peer-connected', 'peer-disconnected', 'engine-selected']) {
      handle.on(name, (payload) => addTrace(state, name, payload));
    }
    handle.on('engine-selected', ({ kind }) => {
      state.engine = kind;
    });
    handle.on('error', ({ error, fatal }) => {
      const details = `${String(error.code ?? 'error')}: ${error.message}`;
      addTrace(state, 'error', { details, fatal });
      kit.fileError(state, { type: 'p2p', details, fatal });
    });
  }

  function createPlayer(index) {
    const state = createViewerState();
    const element = document.createElement('div');
    element.id = `player-${index}`;
    element.className = 'player';
    document.getElementById('players').appendChild(element);
    watchStalls(element, state);
    const plugins = [HlsjsPlayback];
    if (engineMode === 'p2p') {
      const { P2PPlugin, StatsOverlayPlugin, ShakaPlayback } = p2pml.clappr.clapprPlugins();
      plugins.push(P2PPlugin, ShakaPlayback);
      if (withOverlayPlugin) plugins.push(StatsOverlayPlugin);
    }
    const player = new Clappr.Player({
      parentId: `#${element.id}`,
      source: src,
      ...(mimeType ? { mimeType } : {}),
      width: 480,
      height: 270,
      autoPlay: true,
      // Chromium runs with autoplay allowed; Clappr's probe (a 500 ms test video) can time out on
      // a loaded machine and would then leave the player paused.
      disableCanAutoPlay: true,
      mute: true,
      plugins,
      playback: { playInline: true, hlsjsConfig: hlsConfig },
      hlsPlayback: { customListeners: hlsListeners(state) },
      ...(engineMode === 'p2p' ? { p2p: p2pOptions } : {}),
    });
    // Every Clappr error (WARN ones included) reaches the core as Clappr.Events.ERROR.
    player.core.on(Clappr.Events.ERROR, (error) => {
      state.clapprErrors.push({ code: String(error.code), level: String(error.level) });
    });
    player.on(Clappr.Events.PLAYER_ERROR, (error) => {
      kit.fileError(state, {
        type: 'clappr',
        details: String(error.code),
        fatal: error.level === 'FATAL',
        message: error.description,
      });
    });
    const handle = engineMode === 'p2p' ? p2pml.clappr.p2pOf(player) : undefined;
    if (handle) followHandle(handle, state);
    state.startup.playerCreatedAtMs = performance.now();
    state.ready = true;
    return { player, handle, state, element };
  }

  function viewer(index) {
    const found = viewers[index ?? 0];
    if (!found) throw new Error(`no player ${String(index)}`);
    return found;
  }

  function currentVideo(entry) {
    return entry.element.querySelector('video');
  }

  function engineStats(entry) {
    if (entry.destroyed) return entry.finalStats;
    return entry.handle ? entry.handle.getStats() : undefined;
  }

  function sample(index) {
    if (viewers.length === 0)
      return {
        playedSeconds: 0,
        currentTime: 0,
        stalls: { count: 0, totalMs: 0 },
        startup: { startedAtMs },
        mediaBytes: 0,
        mediaSegments: 0,
        fatalErrors: 0,
        setupError,
      };
    const entry = viewer(index);
    const video = currentVideo(entry);
    return {
      playedSeconds: kit.playedSeconds(video),
      currentTime: video ? video.currentTime : 0,
      stalls: entry.state.stallTracker.now(),
      startup: { ...entry.state.startup },
      mediaBytes: entry.state.media.bytes,
      mediaSegments: entry.state.media.segments,
      fatalErrors: entry.state.fatalErrors.length,
      setupError,
      engineStats: engineStats(entry),
    };
  }

  function snapshot(index) {
    if (viewers.length === 0)
      return {
        ready: false,
        setupError,
        playedSeconds: 0,
        currentTime: 0,
        stalls: { count: 0, totalMs: 0 },
        fatalErrors: [],
        errors: [],
        loads: [],
        segments: [],
        hashesPending: 0,
        startup: { startedAtMs },
        trace: [],
      };
    const entry = viewer(index);
    const { state } = entry;
    const video = currentVideo(entry);
    return {
      ready: state.ready,
      setupError,
      playedSeconds: kit.playedSeconds(video),
      currentTime: video ? video.currentTime : 0,
      stalls: state.stallTracker.now(),
      fatalErrors: state.fatalErrors,
      errors: state.errors,
      loads: [],
      segments: state.segments,
      hashesPending: 0,
      engineStats: engineStats(entry),
      startup: { ...state.startup },
      trace: state.trace,
      clapprErrors: state.clapprErrors,
    };
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    if (engineMode === 'p2p') await kit.loadScript('/dist/umd/p2p-media-loader-clappr.min.js');
    for (let index = 0; index < playerCount; index += 1) {
      const entry = createPlayer(index);
      entry.state.startup.scriptsLoadedAtMs = performance.now();
      viewers.push(entry);
    }
  }

  window.__harness = {
    snapshot,
    sample,
    seek(seconds, index) {
      viewer(index).player.seek(seconds);
    },
    handle: (index) => viewer(index).handle,
    player: (index) => viewer(index).player,
    load(source, index) {
      const entry = viewer(index);
      entry.state.stallTracker.restart();
      entry.player.load(source);
    },
    destroyPlayer(index) {
      const entry = viewer(index);
      if (entry.destroyed) return;
      // The bench reads totals after destroy(): keep the last ones the handle had.
      entry.finalStats = entry.handle ? entry.handle.getStats() : undefined;
      entry.destroyed = true;
      entry.player.destroy();
    },
    destroy() {
      for (let index = 0; index < viewers.length; index += 1) window.__harness.destroyPlayer(index);
    },
  };

  start().catch((error) => {
    setupError = kit.setupErrorText(error);
  });
})();

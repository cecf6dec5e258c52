/* global window, document, performance, Hls, p2pml */
// Test harness for hlsjs.html: plays a stream and records what tests assert on. Plain browser script
// (no bundler) so the page runs exactly what script-tag users load: hls.js's UMD build and our
// dist/umd bundle. Shared recording pieces come from harness-kit.js.
//
// Query parameters:
//   src     manifest URL (required)
//   engine  'p2p' (default): hls.js through the P2P engine adapter; 'none': plain hls.js
//   p2p     engine config as JSON (e.g. {"p2pDisabled":true})
//   hls     extra hls.js config as JSON
//   capLevel highest level index ABR may pick (sets hls.autoLevelCapping), e.g. 0 for the lowest
//
// window.__harness.snapshot() returns (JSON-serialisable, see test/support/hlsjs-page.ts):
//   ready, playedSeconds (sum of video.played), currentTime, stalls {count, totalMs}, fatalErrors,
//   errors, loads (fragment loads started), segments (fragments delivered to hls.js, with SHA-256),
//   hashesPending, engineStats, startup (performance.now() milestones: startedAtMs before any script
//   load, scriptsLoadedAtMs when every player script is loaded (hls.js comes with the page; the P2P
//   bundle is loaded by this harness), playerCreatedAtMs, manifestParsedAtMs, firstSegmentAtMs when
//   the first media segment reached hls.js, playingAtMs at the first 'playing' event), trace
//   (engine events and hls.js level switches, with performance.now() timestamps; the last
//   MAX_TRACE entries, see harness-kit.js).
// window.__harness.sample() returns a small summary (see HarnessSample in test/support/hlsjs-page.ts)
//   for polling every second without copying every load and segment record.
// window.__harness.seek(seconds) seeks.
'use strict';

(function startHarness() {
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pConfig, capLevel } = params;
  const hlsConfig = params.json('hls');
  const video = document.getElementById('video');

  const state = kit.createState();
  const stalls = kit.createStallTracker(state);
  let mediaBytesDelivered = 0;
  let adapter;
  let hls;

  function describeLoad(context) {
    const frag = context.frag ?? {};
    return {
      url: context.url,
      // hls.js ranges are [start, end) like ByteRange; absent for whole-file segments.
      rangeStart: context.rangeEnd ? context.rangeStart : undefined,
      rangeEnd: context.rangeEnd ? context.rangeEnd : undefined,
      sn: frag.sn,
      type: frag.type,
      level: frag.level,
    };
  }

  function recordDelivered(context, data) {
    const record = { ...describeLoad(context), byteLength: data.byteLength, sha256: undefined };
    state.segments.push(record);
    if (record.sn !== 'initSegment') mediaBytesDelivered += data.byteLength;
    // Hashed before hls.js may transfer `data` to its worker.
    kit.hashSegment(state, record, data);
  }

  // The tap records every fragment load hls.js starts and the exact bytes it is handed.
  const fragmentHooks = {
    started(context) {
      const frag = context.frag ?? {};
      const load = {
        ...describeLoad(context),
        startedAtMs: performance.now(),
        outcome: 'pending',
        // What the scheduler's deadline is made of: where the segment starts on the media
        // timeline, the playhead, and how far the buffer reaches.
        fragStart: frag.start,
        playhead: video.currentTime,
        bufferedEnd: kit.bufferedEndAtPlayhead(video),
      };
      state.loads.push(load);
      return load;
    },
    delivered(context, data) {
      if (data instanceof ArrayBuffer) recordDelivered(context, data);
      const frag = context.frag ?? {};
      if (frag.sn !== 'initSegment') state.startup.firstSegmentAtMs ??= performance.now();
    },
  };

  async function createHls() {
    if (engineMode === 'none') {
      state.startup.scriptsLoadedAtMs = performance.now();
      return new Hls(hlsConfig);
    }
    await kit.loadScript('/dist/umd/p2p-media-loader-hlsjs.min.js');
    state.startup.scriptsLoadedAtMs = performance.now();
    adapter = new p2pml.hlsjs.HlsJsP2PEngine(p2pConfig);
    kit.traceEngine(adapter.engine, state.trace);
    const player = new Hls({ ...hlsConfig, ...adapter.getConfig() });
    adapter.bindHls(player);
    return player;
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    if (!Hls.isSupported()) throw new Error('hls.js reports MSE unsupported');
    hls = await createHls();
    state.startup.playerCreatedAtMs = performance.now();
    // Wraps whichever fragment loader hls.js would use (the adapter's, or its default XHR loader).
    hls.config.fLoader = kit.tapFragmentLoader(
      hls.config.fLoader ?? hls.config.loader,
      fragmentHooks,
    );
    hls.on(Hls.Events.LEVEL_SWITCHING, (_event, data) => {
      kit.addTrace(state.trace, 'level-switching', { level: data.level });
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      kit.fileError(state, kit.describeHlsError(data));
    });
    kit.watchStalls(video, stalls);
    hls.loadSource(src);
    // After loadSource, which resets the cap.
    if (capLevel !== undefined) hls.autoLevelCapping = capLevel;
    hls.attachMedia(video);
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      state.startup.manifestParsedAtMs ??= performance.now();
      video.play().catch((error) => {
        state.errors.push({ type: 'play', details: String(error), fatal: false });
      });
    });
    state.ready = true;
  }

  const report = kit.createReport(state, () => ({
    playedSeconds: kit.playedSeconds(video),
    currentTime: video.currentTime,
    stalls: stalls.now(),
    engineStats: adapter ? adapter.engine.getStats() : undefined,
    mediaBytes: mediaBytesDelivered,
    mediaSegments: state.segments.filter((segment) => segment.sn !== 'initSegment').length,
  }));

  window.__harness = {
    snapshot: report.snapshot,
    sample: report.sample,
    seek(seconds) {
      video.currentTime = seconds;
    },
    destroy() {
      if (hls) hls.destroy();
      if (adapter) adapter.destroy();
    },
  };

  start().catch((error) => {
    state.setupError = kit.setupErrorText(error);
  });
})();

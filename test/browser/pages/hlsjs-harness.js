/* global window, document, URLSearchParams, crypto, performance, Hls, p2pml */
// Test harness for hlsjs.html: plays a stream and records what tests assert on. Plain browser script
// (no bundler) so the page runs exactly what script-tag users load: hls.js's UMD build and our
// dist/umd bundle.
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
//   the first media segment
//   reached hls.js, playingAtMs at the first 'playing' event), trace (engine events and
//   hls.js level switches, with performance.now() timestamps; the last MAX_TRACE entries).
// window.__harness.sample() returns a small summary (see HarnessSample in test/support/hlsjs-page.ts)
//   for polling every second without copying every load and segment record.
// window.__harness.seek(seconds) seeks.
'use strict';

(function startHarness() {
  const params = new URLSearchParams(window.location.search);
  const src = params.get('src');
  const engineMode = params.get('engine') ?? 'p2p';
  const p2pConfig = JSON.parse(params.get('p2p') ?? '{}');
  const hlsConfig = JSON.parse(params.get('hls') ?? '{}');
  const capLevel = params.has('capLevel') ? Number(params.get('capLevel')) : undefined;
  // Enough for a few minutes of segment, peer and level events of one viewer.
  const MAX_TRACE = 2000;
  const video = document.getElementById('video');

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
  let adapter;
  let hls;
  let hasPlayed = false;
  let stallStartedAtMs;

  function toHex(buffer) {
    return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join(
      '',
    );
  }

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
    state.hashesPending += 1;
    // digest() copies the bytes synchronously, so hls.js may transfer `data` to its worker next.
    crypto.subtle
      .digest('SHA-256', data)
      .then((digest) => {
        record.sha256 = toHex(digest);
      })
      .catch((error) => {
        record.sha256 = `hash failed: ${String(error)}`;
      })
      .finally(() => {
        state.hashesPending -= 1;
      });
  }

  // Wraps whichever fragment loader hls.js would use (the adapter's, or its default XHR loader) to see
  // the exact bytes handed to the player.
  function tapFragmentLoader(InnerLoader) {
    return class TappedFragmentLoader {
      constructor(config) {
        this.inner = new InnerLoader(config);
      }
      get stats() {
        return this.inner.stats;
      }
      get context() {
        return this.inner.context;
      }
      load(context, config, callbacks) {
        const frag = context.frag ?? {};
        const load = {
          ...describeLoad(context),
          startedAtMs: performance.now(),
          outcome: 'pending',
          // What the scheduler's deadline is made of: where the segment starts on the media
          // timeline, the playhead, and how far the buffer reaches.
          fragStart: frag.start,
          playhead: video.currentTime,
          bufferedEnd: bufferedEndAtPlayhead(),
        };
        state.loads.push(load);
        this.load_ = load;
        this.inner.load(context, config, {
          ...callbacks,
          onSuccess: (response, stats, successContext, details) => {
            load.outcome = 'success';
            load.endedAtMs = performance.now();
            if (response.data instanceof ArrayBuffer) recordDelivered(context, response.data);
            if (load.sn !== 'initSegment') state.startup.firstSegmentAtMs ??= performance.now();
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

  // Engine events worth a timeline when diagnosing where segments came from and when peers came.
  const TRACED_ENGINE_EVENTS = [
    'segment-loaded',
    'segment-error',
    'segment-aborted',
    'peer-connected',
    'peer-disconnected',
    'peer-error',
    'tracker-connected',
    'tracker-error',
  ];

  // Engine errors are objects with a stable `code`; the trace keeps code and message as text.
  function describeError(error) {
    if (!error) return String(error);
    return `${String(error.code)}: ${String(error.message)}`;
  }

  function traceEngine(engine) {
    for (const name of TRACED_ENGINE_EVENTS) {
      engine.on(name, (payload) => {
        const details = {};
        for (const [key, value] of Object.entries(payload)) {
          details[key] = key === 'error' || key === 'reason' ? describeError(value) : value;
        }
        addTrace(name, details);
      });
    }
  }

  async function createHls() {
    if (engineMode === 'none') {
      state.startup.scriptsLoadedAtMs = performance.now();
      return new Hls(hlsConfig);
    }
    await loadScript('/dist/umd/p2p-media-loader-hlsjs.min.js');
    state.startup.scriptsLoadedAtMs = performance.now();
    adapter = new p2pml.hlsjs.HlsJsP2PEngine(p2pConfig);
    traceEngine(adapter.engine);
    const player = new Hls({ ...hlsConfig, ...adapter.getConfig() });
    adapter.bindHls(player);
    return player;
  }

  function watchVideo() {
    video.addEventListener('playing', () => {
      hasPlayed = true;
      if (state.startup.playingAtMs === undefined) state.startup.playingAtMs = performance.now();
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

  function bufferedEndAtPlayhead() {
    const { buffered, currentTime } = video;
    for (let index = 0; index < buffered.length; index += 1) {
      if (buffered.start(index) <= currentTime + 0.1 && currentTime <= buffered.end(index)) {
        return buffered.end(index);
      }
    }
    return undefined;
  }

  function stallsNow() {
    const ongoingMs = stallStartedAtMs === undefined ? 0 : performance.now() - stallStartedAtMs;
    return { count: state.stalls.count, totalMs: state.stalls.totalMs + ongoingMs };
  }

  function playedSeconds() {
    let total = 0;
    for (let index = 0; index < video.played.length; index += 1) {
      total += video.played.end(index) - video.played.start(index);
    }
    return total;
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    if (!Hls.isSupported()) throw new Error('hls.js reports MSE unsupported');
    hls = await createHls();
    state.startup.playerCreatedAtMs = performance.now();
    hls.config.fLoader = tapFragmentLoader(hls.config.fLoader ?? hls.config.loader);
    hls.on(Hls.Events.LEVEL_SWITCHING, (_event, data) => {
      addTrace('level-switching', { level: data.level });
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      const error = {
        type: data.type,
        details: data.details,
        fatal: data.fatal,
        message: data.error ? String(data.error.message) : undefined,
        url: data.frag ? data.frag.url : undefined,
      };
      (data.fatal ? state.fatalErrors : state.errors).push(error);
    });
    watchVideo();
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

  window.__harness = {
    snapshot() {
      return {
        ...state,
        stalls: stallsNow(),
        playedSeconds: playedSeconds(),
        currentTime: video.currentTime,
        engineStats: adapter ? adapter.engine.getStats() : undefined,
      };
    },
    sample() {
      return {
        playedSeconds: playedSeconds(),
        currentTime: video.currentTime,
        stalls: stallsNow(),
        startup: { ...state.startup },
        mediaBytes: mediaBytesDelivered,
        mediaSegments: state.segments.filter((segment) => segment.sn !== 'initSegment').length,
        fatalErrors: state.fatalErrors.length,
        setupError: state.setupError,
        engineStats: adapter ? adapter.engine.getStats() : undefined,
      };
    },
    seek(seconds) {
      video.currentTime = seconds;
    },
    destroy() {
      if (hls) hls.destroy();
      if (adapter) adapter.destroy();
    },
  };

  start().catch((error) => {
    state.setupError = String(error && error.stack ? error.stack : error);
  });
})();

/* global window, document, URLSearchParams, crypto, performance */
// Shared pieces of the test pages' harnesses (*-harness.js): every page records the same things
// (stalls, played seconds, segments delivered, a trace of engine events) in the same shape, so the
// tests and the bench read every player alike (see test/support/hlsjs-page.ts). Plain browser
// script (no bundler, no modules), loaded by each page before its harness; it defines one global,
// `window.harnessKit`, and starts nothing itself. What differs by player stays in its harness.
'use strict';

(function defineHarnessKit() {
  // Trace entries kept (oldest dropped): enough for a few minutes of segment, peer and level events
  // of one viewer, and bounded memory over long bench runs.
  const MAX_TRACE = 2000;

  // Engine events worth a timeline when diagnosing where segments came from and when peers came.
  const TRACED_ENGINE_EVENTS = [
    'segment-loaded',
    'segment-error',
    'segment-aborted',
    'peer-connected',
    'peer-disconnected',
    'peer-error',
    'peer-banned',
    'tracker-connected',
    'tracker-error',
  ];

  /**
   * The page's query parameters: those most pages take (`src`; `engineMode` from `?engine=`,
   * 'p2p' by default; `p2p`, the engine or plugin options as parsed JSON; `capLevel`, the highest
   * level index ABR may pick, or undefined) and readers for the rest.
   */
  function readParams() {
    const search = new URLSearchParams(window.location.search);
    const json = (name, fallback = '{}') => JSON.parse(search.get(name) ?? fallback);
    return {
      src: search.get('src'),
      engineMode: search.get('engine') ?? 'p2p',
      p2p: json('p2p'),
      capLevel: search.has('capLevel') ? Number(search.get('capLevel')) : undefined,
      get: (name) => search.get(name),
      /** A JSON parameter, parsed; `fallback` (JSON text) when absent. */
      json,
    };
  }

  /** Loads a script by tag, as a script-tag user would; rejects when it cannot be loaded. */
  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`cannot load ${url}`));
      document.head.appendChild(script);
    });
  }

  /** `setupError` text for whatever a harness's start() threw. */
  function setupErrorText(error) {
    return String(error && error.stack ? error.stack : error);
  }

  /**
   * The recorded state of one player, as snapshot() spreads it (HarnessSnapshot); `extra` adds
   * fields of that page (last) or replaces defaults.
   */
  function createState(extra = {}) {
    return {
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
      ...extra,
    };
  }

  /** Appends a timestamped entry to `trace`, dropping the oldest beyond `limit`. */
  function addTrace(trace, event, details, limit = MAX_TRACE) {
    trace.push({ atMs: performance.now(), event, ...details });
    if (trace.length > limit) trace.splice(0, trace.length - limit);
  }

  /** Files an error record under fatalErrors or errors, by its `fatal`. */
  function fileError(state, record) {
    (record.fatal ? state.fatalErrors : state.errors).push(record);
  }

  /** The error record of an hls.js ERROR event's data (HarnessError). */
  function describeHlsError(data) {
    return {
      type: data.type,
      details: data.details,
      fatal: data.fatal,
      message: data.error ? String(data.error.message) : undefined,
      url: data.frag ? data.frag.url : undefined,
    };
  }

  // Engine errors are objects with a stable `code`; the trace keeps code and message as text.
  function describeEngineError(error) {
    if (!error) return String(error);
    return `${String(error.code)}: ${String(error.message)}`;
  }

  /**
   * Traces the engine's TRACED_ENGINE_EVENTS into `trace`, with `error` and `reason` payload
   * fields reduced to text by `describeError`.
   */
  function traceEngine(engine, trace, describeError = describeEngineError) {
    for (const name of TRACED_ENGINE_EVENTS) {
      engine.on(name, (payload) => {
        const details = {};
        for (const [key, value] of Object.entries(payload)) {
          details[key] = key === 'error' || key === 'reason' ? describeError(value) : value;
        }
        addTrace(trace, name, details);
      });
    }
  }

  function toHex(buffer) {
    return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join(
      '',
    );
  }

  /**
   * Sets `record.sha256` to the SHA-256 of `data` once computed; `state.hashesPending` counts the
   * digests still running, so tests can wait for them. digest() copies the bytes synchronously,
   * so the player may transfer `data` (e.g. to a worker) right after this call.
   */
  function hashSegment(state, record, data) {
    state.hashesPending += 1;
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

  /**
   * Stall bookkeeping of one player, kept in `state.stalls` ({count, totalMs}): a stall is a
   * `waiting` after playback started, outside a seek, until the next `playing`. Also stamps
   * `state.startup.playingAtMs` at the first `playing`.
   */
  function createStallTracker(state) {
    let hasPlayed = false;
    let stallStartedAtMs;
    return {
      /** On `playing`; returns how long the stall it ends lasted (ms), else undefined. */
      playing() {
        hasPlayed = true;
        state.startup.playingAtMs ??= performance.now();
        if (stallStartedAtMs === undefined) return undefined;
        const lastedMs = performance.now() - stallStartedAtMs;
        state.stalls.totalMs += lastedMs;
        stallStartedAtMs = undefined;
        return lastedMs;
      },
      /** On `waiting`; true when this starts a stall (waiting after a seek is expected). */
      waiting(seeking) {
        if (!hasPlayed || seeking || stallStartedAtMs !== undefined) return false;
        state.stalls.count += 1;
        stallStartedAtMs = performance.now();
        return true;
      },
      /** The stalls so far, the ongoing one included. */
      now() {
        const ongoingMs = stallStartedAtMs === undefined ? 0 : performance.now() - stallStartedAtMs;
        return { count: state.stalls.count, totalMs: state.stalls.totalMs + ongoingMs };
      },
      /** A new source: its first `waiting` is startup again, not a stall. */
      restart() {
        hasPlayed = false;
      },
    };
  }

  /**
   * Feeds `target`'s `playing` and `waiting` events (a media element, or an element that passes
   * them on) to `tracker`. Options: isSeeking(event) (default: `target.seeking`), onStall(event)
   * when a stall starts, onStallEnd(lastedMs) when one ends, capture (listen in the capture phase).
   */
  function watchStalls(target, tracker, options = {}) {
    const { isSeeking = () => target.seeking, onStall, onStallEnd, capture = false } = options;
    target.addEventListener(
      'playing',
      () => {
        const lastedMs = tracker.playing();
        if (lastedMs !== undefined && onStallEnd) onStallEnd(lastedMs);
      },
      capture,
    );
    target.addEventListener(
      'waiting',
      (event) => {
        if (tracker.waiting(isSeeking(event)) && onStall) onStall(event);
      },
      capture,
    );
  }

  /** Seconds of media played: the sum of `video.played` (0 without a video). */
  function playedSeconds(video) {
    if (!video) return 0;
    let total = 0;
    for (let index = 0; index < video.played.length; index += 1) {
      total += video.played.end(index) - video.played.start(index);
    }
    return total;
  }

  /** End of the buffered range holding the playhead, s; undefined when there is none. */
  function bufferedEndAtPlayhead(video) {
    if (!video) return undefined;
    const { buffered, currentTime } = video;
    for (let index = 0; index < buffered.length; index += 1) {
      if (buffered.start(index) <= currentTime + 0.1 && currentTime <= buffered.end(index)) {
        return buffered.end(index);
      }
    }
    return undefined;
  }

  /** The fields of an hls.js fragment a load or segment record starts with. */
  function describeFrag(frag, url) {
    return { url, sn: frag.sn, type: frag.type, level: frag.level };
  }

  /**
   * Media (init segments excluded) delivered to the player, for sample(): `bytes`, `segments`,
   * and `startup.firstSegmentAtMs` stamped at the first one.
   */
  function createMediaCount(startup) {
    return {
      bytes: 0,
      segments: 0,
      add(byteLength) {
        this.bytes += byteLength;
        this.segments += 1;
        startup.firstSegmentAtMs ??= performance.now();
      },
    };
  }

  function settle(load, outcome) {
    if (!load) return;
    load.outcome = outcome;
    load.endedAtMs = performance.now();
  }

  /**
   * An hls.js fragment-loader class around `InnerLoader` (whichever loader hls.js would use: the
   * P2P adapter's, a plugin's chain or hls.js's own), to see the exact bytes handed to the player.
   * Hooks, both optional:
   *   started(context): a load record ({ outcome: 'pending', ... }) whose outcome and endedAtMs the
   *     tap keeps up to date ('success', 'aborted', 'error <code>'), or undefined
   *   delivered(context, data): a successful load's data, before hls.js gets it
   */
  function tapFragmentLoader(InnerLoader, hooks) {
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
        const load = hooks.started ? hooks.started(context) : undefined;
        this.load_ = load;
        this.inner.load(context, config, {
          ...callbacks,
          onSuccess: (response, stats, successContext, details) => {
            settle(load, 'success');
            if (hooks.delivered) hooks.delivered(context, response.data);
            callbacks.onSuccess(response, stats, successContext, details);
          },
          onError: (error, errorContext, details, stats) => {
            settle(load, `error ${String(error.code)}`);
            callbacks.onError(error, errorContext, details, stats);
          },
        });
      }
      abort() {
        if (this.load_ && this.load_.outcome === 'pending') settle(this.load_, 'aborted');
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

  /**
   * snapshot() and sample() of a one-player page (HarnessSnapshot and HarnessSample in
   * test/support/hlsjs-page.ts). `readLive()` returns what is read at each call: { playedSeconds,
   * currentTime, stalls, engineStats, mediaBytes, mediaSegments }.
   */
  function createReport(state, readLive) {
    return {
      snapshot() {
        const live = readLive();
        return {
          ...state,
          stalls: live.stalls,
          playedSeconds: live.playedSeconds,
          currentTime: live.currentTime,
          engineStats: live.engineStats,
        };
      },
      sample() {
        const live = readLive();
        return {
          playedSeconds: live.playedSeconds,
          currentTime: live.currentTime,
          stalls: live.stalls,
          startup: { ...state.startup },
          mediaBytes: live.mediaBytes,
          mediaSegments: live.mediaSegments,
          fatalErrors: state.fatalErrors.length,
          setupError: state.setupError,
          engineStats: live.engineStats,
        };
      },
    };
  }

  window.harnessKit = {
    MAX_TRACE,
    readParams,
    loadScript,
    setupErrorText,
    createState,
    addTrace,
    fileError,
    describeHlsError,
    describeEngineError,
    traceEngine,
    hashSegment,
    createStallTracker,
    watchStalls,
    playedSeconds,
    bufferedEndAtPlayhead,
    describeFrag,
    createMediaCount,
    tapFragmentLoader,
    createReport,
  };
})();

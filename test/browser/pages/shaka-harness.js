/* global window, document, URL, performance, shaka, p2pml */
// Test harness for shaka.html: plays a stream with Shaka Player and records what tests assert on.
// Plain browser script (no bundler) so the page runs exactly what script-tag users load: Shaka's
// compiled build and our dist/umd bundle. Mirrors hlsjs-harness.js (same window.__harness shape);
// the shared recording pieces come from harness-kit.js.
//
// Query parameters:
//   src     manifest URL (required): DASH MPD or HLS playlist
//   engine  'p2p' (default): Shaka through the P2P adapter; 'none': plain Shaka
//   p2p     engine config as JSON (e.g. {"p2pDisabled":true})
//   shaka   Shaka player configuration as JSON (player.configure)
//
// window.__harness.snapshot(): ready, setupError, playedSeconds, currentTime, stalls, fatalErrors,
//   errors, loads (segment requests), segments (segment responses with SHA-256 and `source`: 'http',
//   'p2p', 'cache' from the engine, or 'shaka' for Shaka's own HTTP plugin), hashesPending,
//   engineStats, startup (performance.now() milestones, as on the hls.js page: startedAtMs before any
//   script load, scriptsLoadedAtMs when every player script is loaded (Shaka comes with the page; the
//   P2P bundle is loaded by this harness before the player is created, so both arms start the player
//   at the same point), playerCreatedAtMs, manifestParsedAtMs, firstSegmentAtMs when the first media
//   segment reached Shaka, playingAtMs at the first 'playing'), trace, delegatedMediaBytes (bytes of media files Shaka fetched itself,
//   counted like the origin counts media: any segment file whose name does not start with `init`).
// window.__harness.sample(): a small summary for polling (see HarnessSample in shaka-page.ts).
// window.__harness.seek(seconds), selectHeight(height) (turns ABR off), activeHeight(),
//   load(src) (another source in the same player), destroyP2P() (the adapter only), destroy().
'use strict';

(function startHarness() {
  const kit = window.harnessKit;
  const params = kit.readParams();
  const { src, engineMode, p2p: p2pConfig } = params;
  const shakaConfig = params.json('shaka');
  const SOURCE_HEADER = 'x-p2p-media-loader-source';
  const video = document.getElementById('video');

  const state = kit.createState({ delegatedMediaBytes: 0 });
  const stalls = kit.createStallTracker(state);
  let mediaBytesDelivered = 0;
  let handle;
  let player;

  // The Shaka page's trace keeps only the code of an engine error.
  function errorCode(error) {
    return String(error && error.code);
  }

  // Range header `bytes=a-b` -> [a, b + 1), like the engine's ByteRange.
  function requestRange(request) {
    const headers = (request && request.headers) || {};
    const value = headers.Range ?? headers.range;
    const match = /^bytes=(\d+)-(\d*)$/.exec(value ?? '');
    if (!match) return {};
    return {
      rangeStart: Number(match[1]),
      rangeEnd: match[2] === '' ? undefined : Number(match[2]) + 1,
    };
  }

  function fileName(url) {
    const path = new URL(url).pathname;
    return path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  }

  const MEDIA_EXTENSIONS = ['.ts', '.m4s', '.mp4', '.m4v', '.m4a', '.aac'];

  function isOriginMediaFile(url) {
    const name = fileName(url);
    return !name.startsWith('init') && MEDIA_EXTENSIONS.some((ext) => name.endsWith(ext));
  }

  function recordResponse(response, context) {
    const isInit = context && context.type === 0;
    const stream = (context && context.stream) || {};
    const source = response.headers[SOURCE_HEADER] ?? 'shaka';
    const data = response.data;
    if (!isInit && context && context.segment) state.startup.firstSegmentAtMs ??= performance.now();
    const record = {
      url: response.uri,
      ...requestRange(response.originalRequest),
      sn: isInit ? 'initSegment' : 'media',
      type: stream.type ?? 'unknown',
      level: stream.id ?? -1,
      byteLength: data.byteLength,
      source,
      // False for requests Shaka makes outside playback (HLS probes, DASH sidx index ranges).
      withReference: Boolean(context && context.segment),
      advancedType: context ? context.type : undefined,
      sha256: undefined,
    };
    state.segments.push(record);
    if (!isInit) mediaBytesDelivered += data.byteLength;
    if (source === 'shaka' && isOriginMediaFile(response.uri)) {
      state.delegatedMediaBytes += data.byteLength;
    }
    kit.hashSegment(state, record, data);
  }

  function watchNetworking() {
    const { RequestType } = shaka.net.NetworkingEngine;
    const networking = player.getNetworkingEngine();
    networking.registerRequestFilter((type, request, context) => {
      if (type !== RequestType.SEGMENT) return;
      const streamType = (context && context.stream && context.stream.type) ?? 'unknown';
      state.loads.push({
        url: request.uris[0],
        ...requestRange(request),
        sn: context && context.type === 0 ? 'initSegment' : 'media',
        type: streamType,
        startedAtMs: performance.now(),
        playhead: video.currentTime,
        // As in hlsjs-harness.js: what the bench's diagnostics compute a load's slack from. The
        // element's buffered end is the lagging stream's; typeBufferedEnd is this stream's own.
        fragStart: context && context.segment ? context.segment.getStartTime() : undefined,
        bufferedEnd: kit.bufferedEndAtPlayhead(video),
        typeBufferedEnd: typeBufferedEnd(streamType),
      });
    });
    // Registered after the adapter's filters, so it sees the bytes handed to the player.
    networking.registerResponseFilter((type, response, context) => {
      if (type === RequestType.SEGMENT) recordResponse(response, context);
    });
  }

  // End of the buffered range of Shaka's `type` ('audio', 'video') around the playhead.
  function typeBufferedEnd(type) {
    const info = player && player.getBufferedInfo ? player.getBufferedInfo() : undefined;
    const ranges = info && Array.isArray(info[type]) ? info[type] : [];
    const { currentTime } = video;
    for (const range of ranges) {
      if (range.start <= currentTime + 0.1 && currentTime <= range.end) return range.end;
    }
    return undefined;
  }

  function describeError(error) {
    return {
      type: `shaka-${String(error.category)}`,
      details: String(error.code),
      fatal: error.severity === 2,
      message: JSON.stringify(error.data ?? []).slice(0, 300),
      url:
        Array.isArray(error.data) && typeof error.data[0] === 'string' ? error.data[0] : undefined,
    };
  }

  async function start() {
    if (!src) throw new Error('missing ?src=');
    shaka.polyfill.installAll();
    if (!shaka.Player.isBrowserSupported())
      throw new Error('Shaka reports the browser unsupported');
    if (engineMode !== 'none') await kit.loadScript('/dist/umd/p2p-media-loader-shaka.min.js');
    // Startup is measured from here in both arms (see scenario-report.ts startupMs): the baseline
    // has nothing more to load, the P2P arm has its bundle.
    state.startup.scriptsLoadedAtMs = performance.now();
    player = new shaka.Player();
    await player.attach(video);
    player.configure(shakaConfig);
    if (engineMode !== 'none') {
      handle = p2pml.shaka.attach(player, { ...p2pConfig, shaka });
      kit.traceEngine(handle.engine, state.trace, errorCode);
    }
    state.startup.playerCreatedAtMs = performance.now();
    player.addEventListener('manifestparsed', () => {
      state.startup.manifestParsedAtMs ??= performance.now();
    });
    watchNetworking();
    player.addEventListener('error', (event) => {
      kit.fileError(state, describeError(event.detail));
    });
    player.addEventListener('variantchanged', () => {
      const active = player.getVariantTracks().find((track) => track.active);
      kit.addTrace(state.trace, 'level-switching', { level: active ? active.height : undefined });
    });
    kit.watchStalls(video, stalls, {
      onStall: () => {
        kit.addTrace(state.trace, 'stall', {
          currentTime: video.currentTime,
          bufferedEnd: kit.bufferedEndAtPlayhead(video),
        });
      },
      onStallEnd: (ms) => kit.addTrace(state.trace, 'stall-end', { ms }),
    });
    state.ready = true;
    await player.load(src);
    await video.play().catch((error) => {
      state.errors.push({ type: 'play', details: String(error), fatal: false });
    });
  }

  const report = kit.createReport(state, () => ({
    playedSeconds: kit.playedSeconds(video),
    currentTime: video.currentTime,
    stalls: stalls.now(),
    engineStats: handle ? handle.getStats() : undefined,
    mediaBytes: mediaBytesDelivered,
    mediaSegments: state.segments.filter((segment) => segment.sn !== 'initSegment').length,
  }));

  window.__harness = {
    snapshot: report.snapshot,
    sample: report.sample,
    seek(seconds) {
      video.currentTime = seconds;
    },
    // Plays the video variant of this height from now on (ABR off); false when there is none.
    selectHeight(height) {
      const track = player.getVariantTracks().find((candidate) => candidate.height === height);
      if (!track) return false;
      player.configure({ abr: { enabled: false } });
      player.selectVariantTrack(track, true);
      return true;
    },
    activeHeight() {
      const active = player ? player.getVariantTracks().find((track) => track.active) : undefined;
      return active ? active.height : undefined;
    },
    // Loads another source in the same player (Shaka unloads the current one first).
    load(otherSrc) {
      return player.load(otherSrc).then(() => video.play());
    },
    // Destroys the P2P adapter only: the player plays on over Shaka's own HTTP.
    destroyP2P() {
      if (handle) handle.destroy();
    },
    destroy() {
      if (handle) handle.destroy();
      if (player) return player.destroy();
      return undefined;
    },
  };

  start().catch((error) => {
    const detail =
      error && error.code ? ` (shaka ${String(error.code)} ${JSON.stringify(error.data)})` : '';
    state.setupError = kit.setupErrorText(error) + detail;
  });
})();

import Hls, {
  type Fragment,
  type FragmentLoaderContext,
  type LevelDetails,
  type LoaderStats,
} from 'hls.js';
import { HlsJsP2PEngine } from '../../../adapters/hlsjs/hlsjs-p2p-engine.js';
import {
  BYTERANGE_LAYOUT,
  installVod,
  loadPlaylists,
  MASTER_PATH,
  nodeHlsConfig,
  originBytes,
  SEGMENT_BYTES,
  SLOW_SEGMENT_BYTES,
  type LoadedPlaylists,
} from './hls-fixture.js';
import {
  fragmentContext,
  fragmentLoaderConfig,
  loadPlaylist,
  startLoad,
  waitFor,
} from './loader-harness.js';
import { HTTP_ONLY_CONFIG, RecordingEngine } from './recording-engine.js';
import { TestOrigin } from './test-origin.js';

let origin: TestOrigin;
let vod: LoadedPlaylists;
let byteRanges: LevelDetails;
let adapter: HlsJsP2PEngine;
let engine: RecordingEngine;

beforeAll(async () => {
  origin = await TestOrigin.start();
  installVod(origin);
  vod = await loadPlaylists(origin, MASTER_PATH, { audio: true, subtitle: true });
  byteRanges = (await loadPlaylists(origin, '/vod/br/index.m3u8')).main;
});

afterAll(async () => {
  await origin.close();
});

beforeEach(async () => {
  adapter = new HlsJsP2PEngine({
    ...HTTP_ONLY_CONFIG,
    createEngine: (config) => (engine = new RecordingEngine(config)),
  });
  // As in a player: the manifest goes through the adapter's playlist loader first.
  await loadPlaylist(adapter.getConfig().pLoader, vod.config, manifestUrl(), 'manifest');
  origin.requests.length = 0;
});

afterEach(() => {
  adapter.destroy();
});

function manifestUrl(): string {
  return origin.url(`${MASTER_PATH}?token=abc`);
}

function mainFragment(sn: number): Fragment {
  const frag = vod.main.fragments.find((candidate) => candidate.sn === sn);
  if (!frag) throw new Error(`no fragment ${sn}`);
  return frag;
}

function fLoader() {
  return adapter.getConfig().fLoader;
}

function bytesOf(data: unknown): Buffer {
  if (!(data instanceof ArrayBuffer)) throw new Error('expected an ArrayBuffer');
  return Buffer.from(data);
}

describe('playlist loader', () => {
  it('loads playlists with the default loader and tells the engine the source', async () => {
    expect(engine.callsOf('setSource').map((call) => call.manifestUrl)).toEqual([manifestUrl()]);
    const { pLoader } = adapter.getConfig();
    const level = await loadPlaylist(
      pLoader,
      vod.config,
      origin.url('/vod/v2/index.m3u8'),
      'level',
    );

    expect(level.response.data).toContain('#EXT-X-MEDIA-SEQUENCE:10');
    expect(level.loader.context?.url).toBe(origin.url('/vod/v2/index.m3u8'));
    expect(level.loader.getCacheAge?.()).toBeNull();
    expect(engine.callsOf('setSource')).toHaveLength(1);
  });
});

describe('fragment loader: media segments through the engine', () => {
  it('delivers the origin bytes with the stats object hls.js holds, filled in', async () => {
    const frag = mainFragment(10);
    frag.stats.retry = 2;
    const run = startLoad(fLoader(), vod.config, frag);
    const outcome = await run.settled;

    expect(run.events.map((event) => event.kind)).toEqual(['success']);
    if (outcome.kind !== 'success') throw new Error(outcome.kind);
    expect(bytesOf(outcome.response.data).equals(originBytes('/vod/v1/seg10.m4s'))).toBe(true);
    expect(outcome.response).toMatchObject({ url: frag.url, code: 200 });
    const { stats } = outcome;
    expect(stats).toBe(frag.stats);
    expect(stats).toMatchObject({ loaded: SEGMENT_BYTES, total: SEGMENT_BYTES, aborted: false });
    expect(stats.retry).toBe(2);
    expect(stats.chunkCount).toBeGreaterThanOrEqual(1);
    expect(stats.loading.start).toBeGreaterThanOrEqual(run.startedAtMs);
    expect(stats.loading.first).toBeGreaterThanOrEqual(stats.loading.start);
    expect(stats.loading.end).toBeGreaterThanOrEqual(stats.loading.first);
    expect(stats.loading.end).toBeLessThanOrEqual(performance.now());
    expect(run.loader.context).toMatchObject({ url: frag.url });

    const [call] = engine.callsOf('loadSegment');
    expect(call?.stream).toEqual({ key: 'main:v1/index.m3u8', kind: 'main' });
    expect(call?.segment).toEqual({ id: 10, url: frag.url, startTime: 0, endTime: 4 });
    expect(engine.getStats().segments.http).toBe(1);
    expect(origin.requestsFor('/vod/v1/seg10.m4s')).toHaveLength(1);
  });

  it('names audio segments by the audio playlist', async () => {
    const frag = vod.audio?.fragments[0];
    if (!frag) throw new Error('no audio fragment');
    await startLoad(fLoader(), vod.config, frag).settled;
    expect(engine.callsOf('loadSegment')[0]?.stream.key).toBe('audio:audio/en/index.m3u8');
  });

  it('fetches an EXT-X-BYTERANGE segment as exactly its range', async () => {
    const frag = byteRanges.fragments[0];
    if (!frag) throw new Error('no fragment');
    const outcome = await startLoad(fLoader(), vod.config, frag).settled;

    if (outcome.kind !== 'success') throw new Error(outcome.kind);
    const { init, first } = BYTERANGE_LAYOUT;
    const expected = originBytes('/vod/br/all.mp4').subarray(init, init + first);
    expect(bytesOf(outcome.response.data).equals(expected)).toBe(true);
    expect(origin.requestsFor('/vod/br/all.mp4').map((request) => request.range)).toEqual([
      `bytes=${init}-${init + first - 1}`,
    ]);
    expect(engine.callsOf('loadSegment')[0]?.segment.byteRange).toEqual({
      start: init,
      end: init + first,
    });
  });

  it('hands the whole segment to onProgress before onSuccess in progressive mode', async () => {
    const run = startLoad(fLoader(), vod.config, mainFragment(10), { progressive: true });
    const outcome = await run.settled;

    expect(run.events.map((event) => event.kind)).toEqual(['progress', 'success']);
    const [progress] = run.events;
    if (progress?.kind !== 'progress' || outcome.kind !== 'success') throw new Error('order');
    expect(progress.data).toBe(outcome.response.data);
  });
});

describe('fragment loader: what bypasses the engine', () => {
  it('hands init segments to the default loader, which fills the same stats object', async () => {
    const init = mainFragment(10).initSegment;
    if (!init) throw new Error('no init segment');
    const run = startLoad(fLoader(), vod.config, init);
    const outcome = await run.settled;

    if (outcome.kind !== 'success') throw new Error(outcome.kind);
    expect(bytesOf(outcome.response.data).equals(originBytes('/vod/v1/init.mp4'))).toBe(true);
    expect(engine.callsOf('loadSegment')).toHaveLength(0);
    expect(init.stats).toBe(run.loader.stats);
    expect(init.stats.loading.end).toBeGreaterThan(0);
    expect(init.stats.loaded).toBe(700);
    expect(run.loader.context).toMatchObject({ url: init.url });
  });

  it('hands subtitle fragments to the default loader', async () => {
    const frag = vod.subtitle?.fragments[0];
    if (!frag) throw new Error('no subtitle fragment');
    const outcome = await startLoad(fLoader(), vod.config, frag).settled;
    expect(outcome.kind).toBe('success');
    expect(engine.callsOf('loadSegment')).toHaveLength(0);
    expect(origin.requestsFor('/vod/subs/en10.vtt')).toHaveLength(1);
  });

  it('hands LL-HLS part loads to the default loader', async () => {
    const frag = mainFragment(10);
    const context: FragmentLoaderContext = {
      ...fragmentContext(frag),
      // Any part: the loader only looks at whether the request is for a part.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      part: { duration: 1 } as NonNullable<FragmentLoaderContext['part']>,
    };
    const outcome = await startLoad(fLoader(), vod.config, frag, { context }).settled;
    expect(outcome.kind).toBe('success');
    expect(engine.callsOf('loadSegment')).toHaveLength(0);
  });

  it('hands requests for another byte range than the playlist lists to the default loader', async () => {
    const frag = byteRanges.fragments[0];
    if (!frag) throw new Error('no fragment');
    const context = { ...fragmentContext(frag), rangeStart: 0 };
    const outcome = await startLoad(fLoader(), vod.config, frag, { context }).settled;
    expect(outcome.kind).toBe('success');
    expect(engine.callsOf('loadSegment')).toHaveLength(0);
    expect(origin.requestsFor('/vod/br/all.mp4')[0]?.range).toBe(
      `bytes=0-${BYTERANGE_LAYOUT.init + BYTERANGE_LAYOUT.first - 1}`,
    );
  });

  it('loads from the origin directly once the adapter is destroyed', async () => {
    adapter.destroy();
    const outcome = await startLoad(fLoader(), vod.config, mainFragment(10)).settled;
    expect(outcome.kind).toBe('success');
    expect(engine.callsOf('loadSegment')).toHaveLength(0);
    expect(origin.requestsFor('/vod/v1/seg10.m4s')).toHaveLength(1);
  });
});

describe('fragment loader: failures, abort, timeout', () => {
  it('reports the HTTP status of a failed segment', async () => {
    const run = startLoad(fLoader(), vod.config, mainFragment(13));
    const outcome = await run.settled;
    expect(outcome).toMatchObject({ kind: 'error', code: 404 });
    expect(outcome.kind === 'error' && outcome.text).toContain('http-status');
    expect(run.events).toHaveLength(1);
  });

  it('reports status 0 when the origin cannot be reached', async () => {
    const gone = await TestOrigin.start();
    installVod(gone);
    const playlists = await loadPlaylists(gone, MASTER_PATH);
    await gone.close();
    const frag = playlists.main.fragments[0];
    if (!frag) throw new Error('no fragment');
    const outcome = await startLoad(fLoader(), vod.config, frag).settled;
    expect(outcome).toMatchObject({ kind: 'error', code: 0 });
  });

  it('aborting reports onAbort once and cancels the engine request', async () => {
    const run = startLoad(fLoader(), vod.config, mainFragment(12));
    await waitFor(() => origin.requestsFor('/vod/v1/stall12.m4s').length === 1);
    const engineAborted = new Promise((resolve) => engine.on('segment-aborted', resolve));

    run.loader.abort();

    expect(run.events.map((event) => event.kind)).toEqual(['abort']);
    expect(run.loader.stats.aborted).toBe(true);
    await engineAborted;
    await waitFor(() => origin.requestsFor('/vod/v1/stall12.m4s')[0]?.closedEarly === true);
    run.loader.abort();
    expect(run.events.map((event) => event.kind)).toEqual(['abort']);
  });

  it('destroy cancels the engine request without any callback', async () => {
    const run = startLoad(fLoader(), vod.config, mainFragment(12));
    await waitFor(() => origin.requestsFor('/vod/v1/stall12.m4s').length === 1);
    const engineAborted = new Promise((resolve) => engine.on('segment-aborted', resolve));

    run.loader.destroy();

    await engineAborted;
    await waitFor(() => origin.requestsFor('/vod/v1/stall12.m4s')[0]?.closedEarly === true);
    expect(run.events).toEqual([]);
  });

  it("times out after hls.js's loadPolicy.maxLoadTimeMs and cancels the request", async () => {
    const config = fragmentLoaderConfig(vod.config, 300);
    const run = startLoad(fLoader(), vod.config, mainFragment(12), { config });
    const outcome = await run.settled;

    expect(outcome.kind).toBe('timeout');
    expect(performance.now() - run.startedAtMs).toBeGreaterThanOrEqual(299);
    await waitFor(() => origin.requestsFor('/vod/v1/stall12.m4s')[0]?.closedEarly === true);
    expect(run.events).toHaveLength(1);
  });
});

/**
 * The bandwidth hls.js's own ABR derives from one buffered main fragment with `stats`: a fresh
 * hls.js (whose estimator holds no sample) gets the FRAG_BUFFERED event it would emit itself, with
 * `parsing.end` stamped now as hls.js does after transmuxing.
 */
function hlsBandwidthSample(frag: Fragment, stats: LoaderStats): number {
  const hls = new Hls(nodeHlsConfig());
  try {
    const now = performance.now();
    const sample = {
      ...stats,
      loading: { ...stats.loading },
      parsing: { start: now, end: now },
      buffering: { start: now, first: now, end: now },
    };
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    frag.stats = sample;
    const before = hls.bandwidthEstimate;
    // As hls.js's stream controller emits it (`id` is PlaylistLevelType.MAIN, an enum the
    // CommonJS build does not export; `stats` is the fragment's own).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    const id = 'main' as Fragment['type'];
    hls.trigger(Hls.Events.FRAG_BUFFERED, { frag, part: null, stats: frag.stats, id });
    if (hls.bandwidthEstimate === before) throw new Error('hls.js took no sample');
    return hls.bandwidthEstimate;
  } finally {
    hls.destroy();
  }
}

describe('fragment loader: what hls.js ABR sees', () => {
  it('reports a store delivery at the HTTP rate, so hls.js estimates the HTTP bandwidth', async () => {
    const frag = mainFragment(11);
    expect((await startLoad(fLoader(), vod.config, frag).settled).kind).toBe('success');
    const httpBps = engine.getHttpBandwidthEstimate();
    if (httpBps === undefined) throw new Error('no HTTP estimate');

    const run = startLoad(fLoader(), vod.config, frag);
    const outcome = await run.settled;
    const endedAtMs = performance.now();

    if (outcome.kind !== 'success') throw new Error(outcome.kind);
    expect(engine.getStats().segments.cache).toBe(1);
    const { loading } = outcome.stats;
    expect(loading.end - loading.start).toBeCloseTo((SLOW_SEGMENT_BYTES * 8000) / httpBps, 6);
    expect(loading.first).toBe(loading.start);
    expect(loading.end).toBeGreaterThanOrEqual(run.startedAtMs);
    expect(loading.end).toBeLessThanOrEqual(endedAtMs);

    const reported = hlsBandwidthSample(frag, outcome.stats);
    expect(reported / httpBps).toBeGreaterThan(0.8);
    expect(reported / httpBps).toBeLessThan(1.25);
    // The real timings of the store hit would have shown hls.js a far higher bandwidth.
    const real = { start: run.startedAtMs, first: endedAtMs, end: endedAtMs };
    expect(hlsBandwidthSample(frag, { ...outcome.stats, loading: real })).toBeGreaterThan(
      2 * httpBps,
    );
  });

  it('reports HTTP deliveries with their real timings', async () => {
    const run = startLoad(fLoader(), vod.config, mainFragment(11));
    const outcome = await run.settled;
    const endedAtMs = performance.now();

    if (outcome.kind !== 'success') throw new Error(outcome.kind);
    const { loading } = outcome.stats;
    expect(loading.start).toBeGreaterThanOrEqual(run.startedAtMs);
    // the origin sends this segment over ~180 ms
    expect(loading.end - loading.first).toBeGreaterThan(100);
    expect(loading.end).toBeLessThanOrEqual(endedAtMs);
  });
});

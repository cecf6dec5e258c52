/**
 * The virtual viewer against a fake engine, a fake origin and Jest's fake clock: where a live
 * viewer starts, one fragment at a time, what it tells the engine, stall accounting when the
 * engine delivers late, ABR switching on delivered throughput, and that destroy() leaves nothing
 * running.
 */
import type { LoadSegmentOptions, SegmentEngine } from '../../../core/engine/engine-api.js';
import type { Segment, StreamDescriptor, StreamUpdate } from '../../../core/model/segment.js';
import { VirtualViewer } from '../../support/virtual-viewer/virtual-viewer.js';
import { delayedDelivery, FakeEngineBase } from './fixtures.js';

const ORIGIN = 'http://origin.test';
const MASTER = [
  '#EXTM3U',
  '#EXT-X-STREAM-INF:BANDWIDTH=320352,AVERAGE-BANDWIDTH=302868',
  'low/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=970832,AVERAGE-BANDWIDTH=916963',
  'high/index.m3u8',
].join('\n');
const SEGMENT_BYTES = 50_000;

/** A live window of 6 two-second segments sliding with the (fake) clock, or the full VOD list. */
function mediaPlaylist(live: boolean, startedAtMs: number): string {
  const first = live ? Math.floor((Date.now() - startedAtMs) / 2000) : 0;
  const count = live ? 6 : 30;
  const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', `#EXT-X-MEDIA-SEQUENCE:${first}`];
  for (let i = 0; i < count; i++) lines.push('#EXTINF:2.0,', `seg${first + i}.ts`);
  if (!live) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n');
}

function fakeFetch(live: boolean): typeof fetch {
  const startedAtMs = Date.now();
  return (input) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url.endsWith('master.m3u8')) return Promise.resolve(new Response(MASTER));
    if (url.endsWith('index.m3u8')) {
      return Promise.resolve(new Response(mediaPlaylist(live, startedAtMs)));
    }
    return Promise.resolve(new Response(new Uint8Array(SEGMENT_BYTES)));
  };
}

/** Records what the viewer tells it; delivers each segment after `delayMs(segment)`. */
class FakeEngine extends FakeEngineBase {
  readonly loads: { stream: StreamDescriptor; segment: Segment }[] = [];
  readonly updates: StreamUpdate[] = [];
  active: StreamDescriptor | undefined;
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly delayMs: (segment: Segment) => number) {
    super();
  }

  setSource(): void {}
  updateStream(_stream: StreamDescriptor, update: StreamUpdate): void {
    this.updates.push(update);
  }
  setActiveStream(stream: StreamDescriptor): void {
    this.active = stream;
  }
  loadSegment(stream: StreamDescriptor, segment: Segment, options: LoadSegmentOptions = {}) {
    this.loads.push({ stream, segment });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return delayedDelivery(SEGMENT_BYTES, this.delayMs(segment), options.signal, () => {
      this.inFlight--;
    });
  }
}

function viewerWith(engine: FakeEngine, live: boolean): VirtualViewer {
  return new VirtualViewer({
    id: 'v',
    manifestUrl: `${ORIGIN}/${live ? 'live' : 'vod'}/master.m3u8`,
    engine: engine as unknown as SegmentEngine,
    fetch: fakeFetch(live),
    random: () => 0,
  });
}

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('virtual viewer (fake engine, fake clock)', () => {
  it('starts a live stream 3 target durations behind the edge and loads one fragment at a time', async () => {
    const engine = new FakeEngine(() => 200);
    const viewer = viewerWith(engine, true);
    await jest.advanceTimersByTimeAsync(20_000); // the window starts at sequence 0 then
    await viewer.start();
    // At 20 s the window lists 10..15: the edge is the end of 15, 3 × 2 s behind it is 13.
    const first = engine.loads[0]?.segment;
    expect(first?.id).toBe(13);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(engine.maxInFlight).toBe(1);
    // It follows the live edge: fragments in order, none skipped or loaded twice.
    const ids = engine.loads.map((load) => load.segment.id);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => 13 + i));
    expect(ids.at(-1)).toBeGreaterThanOrEqual(26);
    const result = viewer.result();
    expect(result).toMatchObject({ stalls: 0, stallMs: 0, startupMs: 200 });
    viewer.destroy();
  });

  it('feeds the engine the playhead and the buffered end (the deadline of the next fragment)', async () => {
    const engine = new FakeEngine(() => 100);
    const viewer = viewerWith(engine, true);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(10_000);
    const last = engine.playback.at(-1);
    expect(last?.rate).toBe(1);
    expect((last?.bufferedEnd ?? 0) - (last?.position ?? 0)).toBeGreaterThan(2);
    // timeupdate every 250 ms while playing, plus one per append.
    expect(engine.playback.length).toBeGreaterThanOrEqual(40);
    const requests = viewer.result().requests;
    // Later requests were made with buffer ahead: their slack is what the buffer held.
    expect(requests[0]?.slackMs).toBe(0);
    expect(requests[0]?.bufferedEndSeconds).toBeUndefined();
    expect(requests.at(-1)?.slackMs).toBeGreaterThan(2000);
    // Each record says where the playhead and buffer were, as a Chromium page's loads do.
    for (const request of requests.slice(1)) {
      const { bufferedEndSeconds, positionSeconds, slackMs } = request;
      expect(bufferedEndSeconds).toBeDefined();
      expect(Math.abs(((bufferedEndSeconds ?? 0) - positionSeconds) * 1000 - slackMs)).toBeLessThan(
        1,
      );
      expect(request.streamKey).toMatch(/^main:/);
      expect(request.url).toMatch(/seg\d+\.ts$/);
    }
    viewer.destroy();
  });

  it('stops its playhead when destroyed: results read later neither play on nor stall', async () => {
    const engine = new FakeEngine(() => 50);
    const viewer = viewerWith(engine, true);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(10_000);
    viewer.destroy();
    const atDestroy = viewer.result();
    // The buffer it left would have played on, then stalled, had the model kept counting.
    await jest.advanceTimersByTimeAsync(30_000);
    const later = viewer.result();
    expect(later.playedSeconds).toBe(atDestroy.playedSeconds);
    expect(later.playedSeconds).toBeLessThanOrEqual(10);
    expect(later).toMatchObject({ stalls: 0, stallMs: 0, runMs: atDestroy.runMs });
  });

  it('counts stalls and stall time when the engine delivers after the buffer ran out', async () => {
    // From the 4th fragment on, each takes 3 s for 2 s of media.
    const engine = new FakeEngine((segment) => (segment.id >= 3 ? 3000 : 50));
    const viewer = viewerWith(engine, false);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(30_000);
    const { stalls, stallMs, segmentsPlayed } = viewer.result();
    expect(segmentsPlayed).toBeGreaterThan(5);
    expect(stalls).toBeGreaterThanOrEqual(2);
    // Each 3 s fragment beyond the first buffer leaves about 1 s of stall.
    expect(stallMs).toBeGreaterThan(2000);
    expect(stallMs).toBeLessThan(20_000);
    viewer.destroy();
  });

  it('switches up on fast deliveries and down when they slow below the level bitrate', async () => {
    // 50 kB in 50 ms = 8 Mbit/s, then 50 kB in 1.6 s = 250 kbit/s.
    let slow = false;
    const engine = new FakeEngine(() => (slow ? 1600 : 50));
    const viewer = viewerWith(engine, true);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(engine.active?.key).toBe('main:high/index.m3u8');
    slow = true;
    await jest.advanceTimersByTimeAsync(40_000);
    expect(engine.active?.key).toBe('main:low/index.m3u8');
    expect(viewer.result().levelSwitches).toBeGreaterThanOrEqual(2);
    viewer.destroy();
  });

  it('destroy() stops every timer, aborts the request in flight and destroys the engine', async () => {
    const engine = new FakeEngine(() => 60_000);
    const viewer = viewerWith(engine, true);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(engine.inFlight).toBe(1);
    viewer.destroy();
    await jest.advanceTimersByTimeAsync(0);
    expect(engine.inFlight).toBe(0);
    expect(engine.destroyed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    expect(viewer.result().partial).toBe(false);
  });

  it('without an engine loads segments over plain HTTP, byte ranges as Range headers', async () => {
    const ranges: (string | null)[] = [];
    const playlist = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:2',
      '#EXTINF:2.0,',
      '#EXT-X-BYTERANGE:1000@0',
      'media.ts',
      '#EXTINF:2.0,',
      '#EXT-X-BYTERANGE:500@1000',
      'media.ts',
      '#EXT-X-ENDLIST',
    ].join('\n');
    const viewer = new VirtualViewer({
      id: 'plain',
      manifestUrl: `${ORIGIN}/vod/index.m3u8`,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : input.toString();
        if (url.endsWith('index.m3u8')) return Promise.resolve(new Response(playlist));
        const range = new Headers(init?.headers).get('Range');
        ranges.push(range);
        return Promise.resolve(new Response(new Uint8Array(range?.endsWith('-999') ? 1000 : 500)));
      },
    });
    await viewer.start();
    await jest.advanceTimersByTimeAsync(5000);
    const result = viewer.result();
    expect(ranges).toEqual(['bytes=0-999', 'bytes=1000-1499']);
    expect(result.deliveredBytes).toEqual({ http: 1500, p2p: 0, cache: 0 });
    expect(result.segments.map((s) => s.byteRange)).toEqual([
      { start: 0, end: 1000 },
      { start: 1000, end: 1500 },
    ]);
    // The stream ended after 4 s of media: no stall at its end.
    expect(result).toMatchObject({ stalls: 0, segmentsPlayed: 2 });
    viewer.destroy();
  });

  it('reports a playlist that fails after retries, and start() settles when destroyed while retrying', async () => {
    const failing = (): Promise<Response> => Promise.resolve(new Response('', { status: 503 }));
    const viewer = new VirtualViewer({ id: 'x', manifestUrl: `${ORIGIN}/m.m3u8`, fetch: failing });
    const failed = viewer.start().then(
      () => 'resolved',
      (error: unknown) => (error as { code?: string }).code,
    );
    await jest.advanceTimersByTimeAsync(10_000); // retries after 1 s and 2 s
    await expect(failed).resolves.toBe('playlist-load');
    expect(viewer.result().fatalError).toMatch(/^playlist-load/);

    const destroyed = new VirtualViewer({
      id: 'y',
      manifestUrl: `${ORIGIN}/m.m3u8`,
      fetch: failing,
    });
    const settled = destroyed.start();
    await jest.advanceTimersByTimeAsync(100); // first attempt failed, waiting to retry
    destroyed.destroy();
    await expect(settled).resolves.toBeUndefined();
    expect(destroyed.result().fatalError).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });
});

/**
 * The virtual Shaka viewer against a fake engine, a fake origin (the origin's own live DASH
 * renderer over the real dash-number MPD) and Jest's fake clock: what it tells the engine and
 * when (as the Shaka adapter does), where a live viewer starts, audio and video in parallel with
 * one request each at a time, the bench's Shaka config, and that destroy() leaves nothing running.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadSegmentOptions, SegmentEngine } from '../../../core/engine/engine-api.js';
import type { Segment, StreamDescriptor, StreamUpdate } from '../../../core/model/segment.js';
import { renderDashLiveManifest } from '../../../examples/server/dash-live-manifest.js';
import {
  ShakaVirtualViewer,
  type ShakaRequestRecord,
} from '../../support/virtual-viewer/shaka-viewer.js';
import { delayedDelivery, FakeEngineBase, mpdBandwidth } from './fixtures.js';

const VOD_MPD = readFileSync(
  path.resolve(__dirname, '../../../examples/media/streams/dash-number/manifest.mpd'),
  'utf8',
);
const TIMELINE_MPD = readFileSync(
  path.resolve(__dirname, '../../../examples/media/streams/dash-timeline/manifest.mpd'),
  'utf8',
);
const ORIGIN = 'http://origin.test';
const SEGMENT_BYTES = 40_000;
/** The origin's default live window: 6 segments of 2 s. */
const WINDOW_SEGMENTS = 6;

/** A fake origin: the live MPD of the moment (session started at `sessionStartMs`), bytes. */
function fakeOrigin(sessionStartMs: number, requested: string[]): typeof fetch {
  return (input) => {
    const url = input instanceof Request ? input.url : input.toString();
    requested.push(url);
    if (url.endsWith('.mpd')) {
      const text = url.includes('/live/')
        ? renderDashLiveManifest({
            vodText: url.includes('dash-timeline') ? TIMELINE_MPD : VOD_MPD,
            elapsedMs: Date.now() - sessionStartMs,
            sessionStartMs,
            segmentsInWindow: WINDOW_SEGMENTS,
          })
        : VOD_MPD;
      return Promise.resolve(new Response(text));
    }
    return Promise.resolve(
      new Response(new Uint8Array(url.includes('init-') ? 800 : SEGMENT_BYTES)),
    );
  };
}

/** Records what the viewer tells it, in order; delivers each segment after `delayMs`. */
class FakeEngine extends FakeEngineBase {
  readonly calls: string[] = [];
  readonly loads: { stream: StreamDescriptor; segment: Segment; atMs: number }[] = [];
  readonly updates: { stream: StreamDescriptor; update: StreamUpdate }[] = [];
  readonly inFlight = new Map<string, number>();
  maxInFlightPerKind = 0;
  maxInFlight = 0;

  /** @param delayMs - delivery time of a segment, ms (a function of the segment, or a constant) */
  constructor(private readonly delayMs: number | ((segment: Segment) => number)) {
    super();
  }

  setSource(url: string): void {
    this.calls.push(`setSource ${url}`);
  }
  updateStream(stream: StreamDescriptor, update: StreamUpdate): void {
    this.calls.push(`updateStream ${stream.key}`);
    this.updates.push({ stream, update });
  }
  setActiveStream(stream: StreamDescriptor): void {
    this.calls.push(`setActiveStream ${stream.key}`);
  }
  loadSegment(stream: StreamDescriptor, segment: Segment, options: LoadSegmentOptions = {}) {
    this.calls.push(`loadSegment ${stream.key} ${segment.id}`);
    this.loads.push({ stream, segment, atMs: Date.now() });
    const count = (this.inFlight.get(stream.kind) ?? 0) + 1;
    this.inFlight.set(stream.kind, count);
    this.maxInFlightPerKind = Math.max(this.maxInFlightPerKind, count);
    const total = [...this.inFlight.values()].reduce((a, b) => a + b, 0);
    this.maxInFlight = Math.max(this.maxInFlight, total);
    const delayMs = typeof this.delayMs === 'number' ? this.delayMs : this.delayMs(segment);
    return delayedDelivery(SEGMENT_BYTES, delayMs, options.signal, () => {
      this.inFlight.set(stream.kind, (this.inFlight.get(stream.kind) ?? 1) - 1);
    });
  }
}

const SESSION_START_MS = 1_000_000_000;

beforeEach(() => {
  jest.useFakeTimers({ now: SESSION_START_MS + 30_000 });
});

afterEach(() => {
  jest.useRealTimers();
});

function liveViewer(engine: FakeEngine | undefined, requested: string[] = []): ShakaVirtualViewer {
  return new ShakaVirtualViewer({
    id: 'v',
    manifestUrl: `${ORIGIN}/live/s1/dash-number/manifest.mpd`,
    ...(engine ? { engine: engine as unknown as SegmentEngine } : {}),
    fetch: fakeOrigin(SESSION_START_MS, requested),
    shakaConfig: { streaming: { updateIntervalSeconds: 0.1 } },
    random: () => 0.5,
  });
}

describe('virtual Shaka viewer (fake engine, fake clock)', () => {
  it('names the source, then each stream before its first segment, as the adapter does', async () => {
    const engine = new FakeEngine(100);
    const viewer = liveViewer(engine);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(engine.calls[0]).toBe(`setSource ${ORIGIN}/live/s1/dash-number/manifest.mpd`);
    for (const key of ['dash:main:1', 'dash:audio:2']) {
      const update = engine.calls.indexOf(`updateStream ${key}`);
      const active = engine.calls.indexOf(`setActiveStream ${key}`);
      const load = engine.calls.findIndex((call) => call.startsWith(`loadSegment ${key} `));
      expect(update).toBeGreaterThan(0);
      expect(active).toBeGreaterThan(update);
      expect(load).toBeGreaterThan(active);
    }
    // The live window: the numbers the origin publishes, on the presentation timeline.
    const video = engine.updates.find((u) => u.stream.key === 'dash:main:1');
    expect(video?.stream).toEqual({
      key: 'dash:main:1',
      kind: 'main',
      bitrate: mpdBandwidth(VOD_MPD, '1'),
    });
    expect(video?.update.isLive).toBe(true);
    const segments = video?.update.segments ?? [];
    // 30 s after the session start, 42 s after availability start: the edge is at 40 s, the
    // window 12 s: positions 14..19, numbers 15..20.
    expect(segments.map((s) => s.id)).toEqual([15, 16, 17, 18, 19, 20]);
    expect(segments[0]).toMatchObject({
      url: `${ORIGIN}/live/s1/dash-number/seg-1-015.m4s`,
      startTime: 28,
      endTime: 30,
    });
    viewer.destroy();
  });

  it('starts 6 s (1.5 × minBufferTime) behind the edge, fetching the segment before the start first', async () => {
    const engine = new FakeEngine(100);
    const viewer = liveViewer(engine);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(50);
    // Live edge 42 - 2 (maxSegmentDuration) = 40; start 34; lookup 32: segment 17 = [32, 34).
    expect(
      engine.loads
        .slice(0, 2)
        .map((l) => [l.stream.kind, l.segment.id])
        .sort(),
    ).toEqual([
      ['audio', 17],
      ['main', 17],
    ]);
    // Before the element has data, the adapter reports the live start, not the element's 0.
    expect(engine.playback.at(-1)).toEqual({ position: 34, rate: 1, bufferedEnd: 34 });
    await jest.advanceTimersByTimeAsync(2000);
    const result = viewer.result();
    // Two 100 ms loads (the first segment ends where playback starts) and the 0 ms update timers.
    expect(result.startupMs).toBeGreaterThanOrEqual(200);
    expect(result.startupMs).toBeLessThanOrEqual(205);
    expect(result.stalls).toBe(0);
    viewer.destroy();
  });

  it('does not start on a sliver of buffer: a start 70 ms before a segment end waits for the next', async () => {
    const engine = new FakeEngine(100);
    const viewer = liveViewer(engine);
    // 31.93 s into the session: edge 41.93 - 2, start 35.93, in segment 18 = [34, 36).
    await jest.advanceTimersByTimeAsync(1930);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(3000);
    const result = viewer.result();
    expect(result.stalls).toBe(0);
    // Segments 17 and 18 are not enough (70 ms ahead); playback starts with 19.
    expect(result.startupMs).toBeGreaterThanOrEqual(300);
    expect(result.startupMs).toBeLessThan(320);
    viewer.destroy();
  });

  it('places a SegmentTimeline live edge at the last listed segment (autoCorrectDrift), not at the clock', async () => {
    const engine = new FakeEngine(100);
    const viewer = new ShakaVirtualViewer({
      id: 'timeline',
      manifestUrl: `${ORIGIN}/live/s1/dash-timeline/manifest.mpd`,
      engine: engine as unknown as SegmentEngine,
      fetch: fakeOrigin(SESSION_START_MS, []),
      random: () => 0.5,
    });
    await viewer.start();
    await jest.advanceTimersByTimeAsync(50);
    // 42 s published: the last segment ends at 42, the start is 6 s before it (the clock's edge
    // would be 42 - 2.005 and the start 34).
    expect(engine.playback.at(-1)?.position).toBeCloseTo(36, 6);
    const video = engine.loads.find((load) => load.stream.kind === 'main');
    expect(video?.segment).toMatchObject({ id: 34 * 12800, startTime: 34, endTime: 36 });
    viewer.destroy();
  });

  it('loads audio and video in parallel, one request per type at a time, up to the live edge', async () => {
    const engine = new FakeEngine(300);
    const viewer = liveViewer(engine);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(engine.maxInFlightPerKind).toBe(1);
    expect(engine.maxInFlight).toBe(2);
    for (const kind of ['main', 'audio']) {
      const ids = engine.loads.filter((l) => l.stream.kind === kind).map((l) => l.segment.id);
      // In order, none skipped or loaded twice, following the edge (20 s later: ~10 more).
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => 17 + i));
      expect(ids.at(-1)).toBeGreaterThanOrEqual(28);
    }
    const result = viewer.result();
    expect(result).toMatchObject({ stalls: 0, levelSwitches: 0 });
    expect(result.fatalError).toBeUndefined();
    // Requests record the stream key the adapter uses and the media type.
    const requests = result.requests as readonly ShakaRequestRecord[];
    expect(new Set(requests.map((r) => `${r.kind} ${r.streamKey}`))).toEqual(
      new Set(['main dash:main:1', 'audio dash:audio:2']),
    );
    // At the live edge a segment is requested with less than the delay buffered ahead.
    expect(requests.at(-1)?.slackMs).toBeGreaterThan(2000);
    expect(requests.at(-1)?.slackMs).toBeLessThan(8100);
    // timeupdate every 250 ms while playing.
    expect(engine.playback.length).toBeGreaterThanOrEqual(70);
    viewer.destroy();
  });

  it('switches down once the estimate is good when segments arrive slower than the variant needs', async () => {
    // 40 kB in 1.5 s: ~213 kbit/s, below the 866 kbit/s of the variant the default estimate chose.
    const engine = new FakeEngine(1500);
    const viewer = liveViewer(engine);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(15_000);
    const keys = engine.loads.filter((l) => l.stream.kind === 'main').map((l) => l.stream.key);
    expect(keys[0]).toBe('dash:main:1');
    expect(keys.at(-1)).toBe('dash:main:0');
    expect(engine.calls).toContain('setActiveStream dash:main:0');
    const switchedAt = keys.indexOf('dash:main:0');
    // 128 kB must be sampled first: at least two segments of each type.
    expect(switchedAt).toBeGreaterThanOrEqual(2);
    const result = viewer.result();
    expect(result.levelSwitches).toBe(1);
    expect(result.levels).toEqual([
      [1, expect.any(Number)],
      [0, expect.any(Number)],
    ]);
    viewer.destroy();
  });

  it('counts a stall when the engine delivers after the buffer ran out, and resumes on delivery', async () => {
    // From number 22 on (the live edge a few seconds in), each segment takes 9 s for 2 s of media.
    const engine = new FakeEngine((segment) => (segment.id >= 22 ? 9000 : 50));
    const viewer = liveViewer(engine);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(25_000);
    const result = viewer.result();
    expect(result.stalls).toBeGreaterThanOrEqual(1);
    expect(result.stallMs).toBeGreaterThan(1000);
    // The late requests finished after their deadline: the buffer ran out first.
    const late = result.requests.filter((request) => request.sequence >= 22);
    expect(late.length).toBeGreaterThan(0);
    for (const request of late) expect(request.durationMs).toBeGreaterThan(request.slackMs);
    // After the stall, playback went on: more was played than the buffer held at the stall.
    expect(result.playedSeconds).toBeGreaterThan(8);
    viewer.destroy();
  });

  it('plays a VOD stream from 0 and stops fetching at the buffering goal (10 s)', async () => {
    const engine = new FakeEngine(50);
    const viewer = new ShakaVirtualViewer({
      id: 'vod',
      manifestUrl: `${ORIGIN}/vod/dash-number/manifest.mpd`,
      engine: engine as unknown as SegmentEngine,
      fetch: fakeOrigin(SESSION_START_MS, []),
      random: () => 0.5,
    });
    await viewer.start();
    await jest.advanceTimersByTimeAsync(3000);
    const video = engine.loads.filter((l) => l.stream.kind === 'main');
    expect(video[0]?.segment.id).toBe(1);
    // 3 s played + 10 s goal: at most 8 segments of 2 s requested.
    expect(video.length).toBeGreaterThanOrEqual(6);
    expect(video.length).toBeLessThanOrEqual(8);
    // A VOD list is reported once per stream.
    expect(engine.updates.filter((u) => u.stream.key === 'dash:main:1')).toHaveLength(1);
    viewer.destroy();
  });

  it('without an engine plays over plain HTTP (the baseline arm)', async () => {
    const requested: string[] = [];
    const viewer = liveViewer(undefined, requested);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(3000);
    const result = viewer.result();
    expect(result.deliveredBytes.http).toBeGreaterThan(0);
    expect(result.startupMs).toBeDefined();
    expect(requested.filter((url) => url.includes('init-'))).toHaveLength(2);
    viewer.destroy();
  });

  it('leaves nothing running after destroy() and destroys its engine', async () => {
    const engine = new FakeEngine(100);
    const viewer = liveViewer(engine);
    await viewer.start();
    await jest.advanceTimersByTimeAsync(3000);
    viewer.destroy();
    expect(engine.destroyed).toBe(true);
    const calls = engine.calls.length;
    const reports = engine.playback.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(engine.calls.length).toBe(calls);
    expect(engine.playback.length).toBe(reports);
    expect(jest.getTimerCount()).toBe(0);
  });
});

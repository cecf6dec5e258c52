/**
 * The simulator's origin on the virtual clock: the lab's ladder and URLs, a live window that
 * slides with (virtual) time, segment bytes that are the same on every fetch and sized per scale,
 * downloads paced by the viewer's link, aborts, ranges, 404s and the request counters.
 */
import { parseMediaPlaylist } from '../../../examples/server/hls-playlist.js';
import {
  SIM_LIVE_SEGMENTS_IN_WINDOW,
  SIM_ORIGIN_URL,
  SimOrigin,
} from '../../../scripts/simulate/sim-origin.js';
import { ViewerLink, type LinkProfile } from '../../../scripts/simulate/viewer-link.js';
import { VirtualClock } from '../../../scripts/simulate/virtual-clock.js';

const FAST: LinkProfile = {
  downBitsPerSecond: 100e6,
  upBitsPerSecond: 10e6,
  latencyMs: 10,
  jitterMs: 0,
  loss: 0,
};

function linkOf(profile: Partial<LinkProfile> = {}): ViewerLink {
  return new ViewerLink({ ...FAST, ...profile }, () => 0.5);
}

describe('SimOrigin', () => {
  let clock: VirtualClock;

  beforeEach(() => {
    clock = new VirtualClock();
    clock.install();
  });

  afterEach(() => {
    clock.uninstall();
  });

  /** Runs `work` to completion on the virtual clock. */
  async function simulate<T>(work: () => Promise<T>, untilMs = clock.nowMs + 120_000): Promise<T> {
    const result = work();
    await clock.runUntil(untilMs);
    return result;
  }

  it('serves the lab stream: master with the ladder, VOD playlists of 120 x 2 s', async () => {
    const origin = new SimOrigin({ mode: 'vod', scale: 1 });
    expect(origin.manifestUrl).toBe(`${SIM_ORIGIN_URL}/vod/hls-ts/master.m3u8`);
    const fetchImpl = origin.fetchFor(linkOf());
    const { master, media } = await simulate(async () => {
      const masterResponse = await fetchImpl(origin.manifestUrl);
      expect(masterResponse.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      const masterText = await masterResponse.text();
      const mediaText = await (
        await fetchImpl(`${SIM_ORIGIN_URL}/vod/hls-ts/360p/index.m3u8`)
      ).text();
      return { master: masterText, media: mediaText };
    });
    expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(3);
    expect(master).toContain('144p/index.m3u8');
    const bandwidths = [...master.matchAll(/AVERAGE-BANDWIDTH=(\d+)/g)].map((m) => Number(m[1]));
    // Video + 64 kbit/s of audio, within the ±10 % per-segment variation.
    expect(bandwidths[0]).toBeGreaterThan(250_000);
    expect(bandwidths[2]).toBeLessThan(900_000);
    const playlist = parseMediaPlaylist(media);
    expect(playlist.endList).toBe(true);
    expect(playlist.segments).toHaveLength(120);
    expect(playlist.segments.every((s) => s.durationSec === 2)).toBe(true);
    expect(origin.stats.playlistRequests).toBe(2);
  });

  it('slides the live window with virtual time', async () => {
    const origin = new SimOrigin({ mode: 'live', scale: 1, sessionStartMs: 0 });
    expect(origin.manifestUrl).toBe(`${SIM_ORIGIN_URL}/live/sim/hls-ts/master.m3u8`);
    const fetchImpl = origin.fetchFor(linkOf());
    const url = new URL('240p/index.m3u8', origin.manifestUrl).href;
    const load = async (): Promise<ReturnType<typeof parseMediaPlaylist>> =>
      parseMediaPlaylist(await (await fetchImpl(url)).text());
    const atStart = await simulate(load, 1000);
    expect(atStart.endList).toBe(false);
    expect(atStart.segments).toHaveLength(SIM_LIVE_SEGMENTS_IN_WINDOW);
    expect(atStart.mediaSequence).toBe(0);
    await clock.runUntil(20_500);
    const later = await simulate(load, 22_000);
    // Ten 2 s segments were published in 20 s.
    expect(later.mediaSequence).toBe(10);
    expect(later.segments.at(-1)?.uri).toBe('seg_015.ts');
  });

  it('serves the same segment bytes every time, sized by scale, as MPEG-TS packets', async () => {
    const origin = new SimOrigin({ mode: 'vod', scale: 0.1 });
    const fetchImpl = origin.fetchFor(linkOf());
    const url = `${SIM_ORIGIN_URL}/vod/hls-ts/360p/seg_010.ts`;
    const [a, b, live] = await simulate(() =>
      Promise.all(
        [url, url, `${SIM_ORIGIN_URL}/live/any-session/hls-ts/360p/seg_010.ts`].map(async (u) => {
          const response = await fetchImpl(u);
          expect(response.status).toBe(200);
          expect(response.headers.get('content-type')).toBe('video/mp2t');
          const bytes = new Uint8Array(await response.arrayBuffer());
          expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength);
          return bytes;
        }),
      ),
    );
    expect(Buffer.from(b as Uint8Array).equals(Buffer.from(a as Uint8Array))).toBe(true);
    expect(Buffer.from(live as Uint8Array).equals(Buffer.from(a as Uint8Array))).toBe(true);
    const bytes = a as Uint8Array;
    expect(bytes.byteLength % 188).toBe(0);
    expect(bytes[0]).toBe(0x47);
    expect(bytes[188]).toBe(0x47);
    // (800 + 64) kbit/s x 2 s / 8 x 0.1 = 21,600 bytes, ±10 %.
    expect(bytes.byteLength).toBeGreaterThan(21_600 * 0.89);
    expect(bytes.byteLength).toBeLessThan(21_600 * 1.11);
    expect(origin.segmentSizes(2)[10]).toBe(bytes.byteLength);
    const full = new SimOrigin({ mode: 'vod', scale: 1 }).segmentSizes(2)[10] ?? 0;
    expect(full / bytes.byteLength).toBeGreaterThan(9.9);
    expect(full / bytes.byteLength).toBeLessThan(10.1);
    // Another segment has other bytes.
    const other = await simulate(
      async () =>
        new Uint8Array(
          await (await fetchImpl(`${SIM_ORIGIN_URL}/vod/hls-ts/360p/seg_011.ts`)).arrayBuffer(),
        ),
    );
    expect(Buffer.from(other).equals(Buffer.from(bytes))).toBe(false);
  });

  it('takes longer on a slower downlink: round trip plus bytes over the rate', async () => {
    const origin = new SimOrigin({ mode: 'vod', scale: 1, latencyMs: 5 });
    const url = `${SIM_ORIGIN_URL}/vod/hls-ts/360p/seg_003.ts`;
    const bytes = origin.segmentSizes(2)[3] ?? 0;
    const timeOf = async (downBitsPerSecond: number): Promise<number> => {
      const fetchImpl = origin.fetchFor(linkOf({ downBitsPerSecond }));
      const startMs = performance.now();
      return simulate(async () => {
        const response = await fetchImpl(url);
        await response.arrayBuffer();
        return performance.now() - startMs;
      });
    };
    const fast = await timeOf(50e6);
    const slow = await timeOf(5e6);
    const roundTripMs = 2 * (10 + 5);
    expect(fast).toBeCloseTo(roundTripMs + (bytes * 8 * 1000) / 50e6, 0);
    expect(slow).toBeCloseTo(roundTripMs + (bytes * 8 * 1000) / 5e6, 0);
    expect(slow).toBeGreaterThan(fast * 5);
  });

  it('delivers the body in chunks over time', async () => {
    const origin = new SimOrigin({ mode: 'vod', scale: 1 });
    const fetchImpl = origin.fetchFor(linkOf({ downBitsPerSecond: 2e6 }));
    const chunks = await simulate(async () => {
      const response = await fetchImpl(`${SIM_ORIGIN_URL}/vod/hls-ts/360p/seg_000.ts`);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const seen: { atMs: number; bytes: number }[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return seen;
        seen.push({ atMs: performance.now(), bytes: value.byteLength });
      }
    });
    expect(chunks.length).toBeGreaterThan(2);
    const times = chunks.map((chunk) => chunk.atMs);
    expect(new Set(times).size).toBe(times.length);
  });

  it('answers byte ranges with 206 and unknown URLs with 404', async () => {
    const origin = new SimOrigin({ mode: 'vod', scale: 0.1 });
    const fetchImpl = origin.fetchFor(linkOf());
    const url = `${SIM_ORIGIN_URL}/vod/hls-ts/144p/seg_002.ts`;
    const size = origin.segmentSizes(0)[2] ?? 0;
    const { partial, whole, missing } = await simulate(async () => {
      const ranged = await fetchImpl(url, { headers: { Range: 'bytes=100-' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 100-${size - 1}/${size}`);
      const wholeResponse = await fetchImpl(url);
      const notFound = await fetchImpl(`${SIM_ORIGIN_URL}/vod/hls-ts/999p/seg_002.ts`);
      return {
        partial: new Uint8Array(await ranged.arrayBuffer()),
        whole: new Uint8Array(await wholeResponse.arrayBuffer()),
        missing: notFound.status,
      };
    });
    expect(Buffer.from(partial).equals(Buffer.from(whole.subarray(100)))).toBe(true);
    expect(missing).toBe(404);
    expect(origin.stats.failedRequests).toBe(1);
  });

  it('rejects an aborted request with an AbortError and stops an aborted body', async () => {
    const origin = new SimOrigin({ mode: 'vod', scale: 1 });
    const link = linkOf({ downBitsPerSecond: 1e6 });
    const fetchImpl = origin.fetchFor(link);
    const url = `${SIM_ORIGIN_URL}/vod/hls-ts/360p/seg_001.ts`;
    const size = origin.segmentSizes(2)[1] ?? 0;
    const outcome = await simulate(async () => {
      const before = new AbortController();
      const early = fetchImpl(url, { signal: before.signal });
      setTimeout(() => {
        before.abort();
      }, 5);
      const earlyError = await early.then(
        () => undefined,
        (error: unknown) => error,
      );
      const during = new AbortController();
      const response = await fetchImpl(url, { signal: during.signal });
      setTimeout(() => {
        during.abort();
      }, 300);
      const bodyError = await response.arrayBuffer().then(
        () => undefined,
        (error: unknown) => error,
      );
      return { earlyError, bodyError, abortedAtMs: performance.now() };
    });
    expect((outcome.earlyError as DOMException).name).toBe('AbortError');
    expect((outcome.bodyError as DOMException).name).toBe('AbortError');
    // Only what crossed the link before the abort counts; the link is free again at once.
    expect(origin.stats.segmentRequests).toBe(1);
    expect(origin.stats.segmentBytes).toBeLessThan(size);
    expect(link.bytesDown).toBe(origin.stats.segmentBytes);
    expect(link.downFreeAtMs).toBeLessThanOrEqual(outcome.abortedAtMs + 1);
  });

  it('counts requests per live segment by media sequence', async () => {
    const origin = new SimOrigin({ mode: 'live', scale: 0.05 });
    const viewers = [linkOf(), linkOf(), linkOf()].map((link) => origin.fetchFor(link));
    const segmentUrl = new URL('144p/seg_007.ts', origin.manifestUrl).href;
    // seg_007 (position 7) is published 4 s into the session.
    await clock.runUntil(4500);
    await simulate(
      () => Promise.all(viewers.map(async (f) => (await f(segmentUrl)).arrayBuffer())),
      30_000,
    );
    expect(origin.stats.requestsBySegment.get('144p/7')).toBe(3);
    expect(origin.stats.segmentRequests).toBe(3);
    const perSegment = origin.liveSegmentRequests();
    // At 30 s positions 0..20 are out (6 at the start + 15); 6..14 aired after the start and have
    // left the window.
    const published = SIM_LIVE_SEGMENTS_IN_WINDOW + 30 / 2;
    expect(perSegment.segments).toBe(
      published - SIM_LIVE_SEGMENTS_IN_WINDOW - SIM_LIVE_SEGMENTS_IN_WINDOW,
    );
    expect(perSegment.maxRequests).toBe(3);
    expect(perSegment.meanRequests).toBeCloseTo(3 / perSegment.segments, 6);
  });
});

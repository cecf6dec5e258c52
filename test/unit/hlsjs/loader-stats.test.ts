import { createLoaderStats, reportedLoadTimings } from '../../../adapters/hlsjs/loader-stats.js';

const MBPS = 1_000_000;

describe('reportedLoadTimings (what hls.js ABR sees)', () => {
  it('reports HTTP deliveries as they happened', () => {
    expect(
      reportedLoadTimings({
        source: 'http',
        bytes: 1_000_000,
        requestStartMs: 1000,
        firstByteMs: 1100,
        endMs: 2000,
        httpBandwidthBps: 50 * MBPS,
      }),
    ).toEqual({ start: 1000, first: 1100, end: 2000 });
  });

  it.each(['p2p', 'cache'] as const)(
    'reports a %s delivery as long as HTTP would have taken, ending now',
    (source) => {
      const timings = reportedLoadTimings({
        source,
        bytes: 1_000_000,
        requestStartMs: 5000,
        firstByteMs: 5001,
        endMs: 5002,
        httpBandwidthBps: 8 * MBPS,
      });
      // 1 MB at 8 Mbit/s = 1 s, all of it transfer time (no latency)
      expect(timings).toEqual({ start: 4002, first: 4002, end: 5002 });
    },
  );

  it('reports a slow peer delivery at the HTTP rate too (peers are used when time allows)', () => {
    const timings = reportedLoadTimings({
      source: 'p2p',
      bytes: 1_000_000,
      requestStartMs: 0,
      firstByteMs: 100,
      endMs: 9000,
      httpBandwidthBps: 8 * MBPS,
    });
    expect(timings.end - timings.start).toBeCloseTo(1000, 6);
    expect(timings.end).toBe(9000);
  });

  it('falls back to the real elapsed time before any HTTP estimate exists', () => {
    expect(
      reportedLoadTimings({
        source: 'cache',
        bytes: 1_000_000,
        requestStartMs: 300,
        endMs: 302,
        httpBandwidthBps: undefined,
      }),
    ).toEqual({ start: 300, first: 302, end: 302 });
  });

  it('keeps start <= first <= end whatever the engine reports', () => {
    const timings = reportedLoadTimings({
      source: 'http',
      bytes: 10,
      requestStartMs: 100,
      firstByteMs: 50,
      endMs: 90,
      httpBandwidthBps: 0,
    });
    expect(timings.start).toBeLessThanOrEqual(timings.first);
    expect(timings.first).toBeLessThanOrEqual(timings.end);
  });
});

describe('createLoaderStats', () => {
  it('creates independent zeroed stats', () => {
    const a = createLoaderStats();
    const b = createLoaderStats();
    a.loading.start = 5;
    expect(b.loading.start).toBe(0);
    expect(a).toMatchObject({ aborted: false, loaded: 0, total: 0, retry: 0, chunkCount: 0 });
  });
});

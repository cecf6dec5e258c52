import { OriginCounters } from '../../../examples/server/counters.js';

describe('OriginCounters', () => {
  let nowMs = 0;
  const clock = (): number => nowMs;

  it('records requests with times from the injected clock', () => {
    nowMs = 100;
    const counters = new OriginCounters(clock);
    const tracker = counters.begin({
      method: 'GET',
      path: '/vod/a/seg.ts',
      rangeHeader: 'bytes=0-9',
    });
    tracker.respond(206, true);
    tracker.addBytes(6);
    tracker.addBytes(4);
    nowMs = 250;
    tracker.end(false);
    expect(counters.requests()).toEqual([
      {
        method: 'GET',
        path: '/vod/a/seg.ts',
        rangeHeader: 'bytes=0-9',
        status: 206,
        bytesSent: 10,
        isMedia: true,
        aborted: false,
        startedAtMs: 100,
        endedAtMs: 250,
      },
    ]);
  });

  it('sums media bytes of 2xx media replies only, per path prefix', () => {
    const counters = new OriginCounters(clock);
    const send = (path: string, status: number, isMedia: boolean, bytes: number): void => {
      const tracker = counters.begin({ method: 'GET', path });
      tracker.respond(status, isMedia);
      tracker.addBytes(bytes);
      tracker.end(false);
    };
    send('/live/a/x/seg_1.ts', 200, true, 1000);
    send('/live/a/x/index.m3u8', 200, false, 300);
    send('/live/a/x/seg_2.ts', 503, true, 20);
    send('/live/b/x/seg_1.ts', 206, true, 500);
    expect(counters.mediaBytes()).toBe(1500);
    expect(counters.mediaBytes('/live/a/')).toBe(1000);
    expect(counters.requests({ pathPrefix: '/live/a/' })).toHaveLength(3);
    counters.reset();
    expect(counters.requests()).toEqual([]);
  });

  it('settles once the in-flight requests under a prefix have ended', async () => {
    const counters = new OriginCounters(clock);
    const other = counters.begin({ method: 'GET', path: '/other' });
    const tracker = counters.begin({ method: 'GET', path: '/vod/seg.ts' });
    const settled = counters.settled({ pathPrefix: '/vod/' });
    tracker.end(true);
    await expect(settled).resolves.toBe(true);
    expect(counters.requests({ pathPrefix: '/vod/' })[0]).toMatchObject({
      aborted: true,
      status: 0,
    });
    await expect(counters.settled({}, 1)).resolves.toBe(false);
    const pending = counters.settled();
    counters.destroy();
    await expect(pending).resolves.toBe(false);
    other.end(false);
  });
});

import {
  nextPrefetch,
  PrefetchPacer,
  type PrefetchInput,
} from '../../../core/engine/prefetch-planner.js';
import type { Segment } from '../../../core/model/segment.js';

const segments: Segment[] = Array.from({ length: 10 }, (_, i) => ({
  id: i,
  url: `http://127.0.0.1/${i}.ts`,
  startTime: i * 2,
  endTime: i * 2 + 2,
}));

const input = (overrides: Partial<PrefetchInput> = {}): PrefetchInput => ({
  streamKey: 'main:a',
  segments,
  position: 5,
  playbackRate: 1,
  horizonSeconds: 8,
  isWanted: () => true,
  peersHave: () => true,
  inFlight: () => 0,
  ...overrides,
});

describe('nextPrefetch', () => {
  it('picks the earliest segment ahead of the playhead that peers have and we want', () => {
    expect(nextPrefetch(input())?.id).toBe(2); // 4-6 s holds the playhead at 5 s
    expect(nextPrefetch(input({ isWanted: (s) => s.id > 3 }))?.id).toBe(4);
    expect(nextPrefetch(input({ peersHave: (s) => s.id === 5 }))?.id).toBe(5);
  });

  it('stays within the horizon and skips what nobody has', () => {
    expect(nextPrefetch(input({ peersHave: (s) => s.id === 8 }))).toBeUndefined(); // 16 s > 5 + 8
    expect(nextPrefetch(input({ peersHave: () => false }))).toBeUndefined();
  });

  it('runs one prefetch per stream at a time and none with a zero horizon', () => {
    expect(nextPrefetch(input({ inFlight: () => 1 }))).toBeUndefined();
    expect(nextPrefetch(input({ horizonSeconds: 0 }))).toBeUndefined();
  });

  it('prefetches nothing while playback is paused or not started (rate 0)', () => {
    expect(nextPrefetch(input({ playbackRate: 0 }))).toBeUndefined();
    expect(nextPrefetch(input({ playbackRate: 0.5 }))?.id).toBe(2);
  });
});

describe('PrefetchPacer', () => {
  it('lets each stream prefetch media at twice real time', () => {
    const pacer = new PrefetchPacer();
    expect(pacer.mayStart('main:a', 0)).toBe(true);
    pacer.started('main:a', segments[3] as Segment, 1000); // 2 s of media: next after 1 s
    expect(pacer.mayStart('main:a', 1999)).toBe(false);
    expect(pacer.mayStart('audio:b', 1000)).toBe(true); // other streams keep their own pace
    expect(pacer.mayStart('main:a', 2000)).toBe(true);
  });

  it('starts over for a new source', () => {
    const pacer = new PrefetchPacer();
    pacer.started('main:a', segments[0] as Segment, 1000);
    pacer.clear();
    expect(pacer.mayStart('main:a', 1000)).toBe(true);
  });
});

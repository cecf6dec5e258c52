import { DeliveredRanges } from '../../../core/scheduler/delivered-ranges.js';

describe('DeliveredRanges', () => {
  it('extends a buffered end through the contiguous run of delivered segments', () => {
    const ranges = new DeliveredRanges();
    ranges.record('video', 4, 6);
    ranges.record('video', 2, 4);
    ranges.record('video', 8, 10); // after a gap: not reached
    expect(ranges.contiguousEnd('video', 2)).toBe(6);
    expect(ranges.contiguousEnd('video', 3)).toBe(6);
    expect(ranges.contiguousEnd('video', 7)).toBe(7);
  });

  it('bridges the few ms by which segment times and buffered ranges disagree', () => {
    const ranges = new DeliveredRanges();
    ranges.record('video', 2.04, 4);
    expect(ranges.contiguousEnd('video', 2)).toBe(4);
    expect(ranges.contiguousEnd('video', 1.5)).toBe(1.5);
  });

  it('keeps streams apart: audio deliveries do not extend the video buffer', () => {
    const ranges = new DeliveredRanges();
    ranges.record('audio', 0, 10);
    expect(ranges.contiguousEnd('video', 0)).toBe(0);
    expect(ranges.contiguousEnd('audio', 0)).toBe(10);
  });

  it('forgets one stream, or everything after a seek back', () => {
    const ranges = new DeliveredRanges();
    ranges.record('audio', 0, 2);
    ranges.record('video', 0, 2);
    ranges.forget('audio');
    expect(ranges.contiguousEnd('audio', 0)).toBe(0);
    expect(ranges.contiguousEnd('video', 0)).toBe(2);
    ranges.clear();
    expect(ranges.contiguousEnd('video', 0)).toBe(0);
  });

  it('ignores empty ranges and keeps a bounded history', () => {
    const ranges = new DeliveredRanges();
    ranges.record('video', 5, 5);
    expect(ranges.contiguousEnd('video', 5)).toBe(5);
    for (let index = 0; index < 100; index++) ranges.record('video', index * 2, index * 2 + 2);
    // The oldest ranges were dropped; the recent ones still chain.
    expect(ranges.contiguousEnd('video', 0)).toBe(0);
    expect(ranges.contiguousEnd('video', 150)).toBe(200);
  });
});

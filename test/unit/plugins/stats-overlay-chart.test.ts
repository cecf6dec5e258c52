import {
  chartGeometry,
  MIN_SCALE_BYTES_PER_SECOND,
  RateHistory,
} from '../../../plugins/shared/stats-overlay/rate-history.js';

const sample = (atMs: number, http: number, p2p: number) => ({ atMs, http, p2p });

describe('RateHistory (the chart keeps the last 60 s)', () => {
  it('keeps samples of the span ending at the newest one and drops older ones', () => {
    const history = new RateHistory();
    for (let second = 0; second <= 70; second++) history.add(sample(second * 1000, second, 0));
    const kept = history.within(70_000);
    expect(kept[0]?.atMs).toBe(10_000);
    expect(kept.at(-1)?.atMs).toBe(70_000);
    expect(kept).toHaveLength(61);
  });

  it('forgets everything once the span has passed without samples', () => {
    const history = new RateHistory(60_000);
    history.add(sample(0, 1, 1));
    expect(history.within(60_000)).toHaveLength(1);
    expect(history.within(60_001)).toHaveLength(0);
  });

  it('ignores out-of-order samples and clamps bad rates to zero', () => {
    const history = new RateHistory();
    history.add(sample(5000, 10, 10));
    history.add(sample(4000, 99, 99));
    history.add(sample(6000, -3, Number.NaN));
    expect(history.within(6000)).toEqual([sample(5000, 10, 10), sample(6000, 0, 0)]);
  });
});

describe('chartGeometry', () => {
  it('draws nothing until two samples exist', () => {
    expect(chartGeometry([sample(0, 1, 1)], 0, 60_000, 200, 50)).toMatchObject({
      p2pPoints: '',
      httpPoints: '',
    });
  });

  it('places the span on the x axis (now at the right edge) and stacks HTTP over P2P', () => {
    const peak = MIN_SCALE_BYTES_PER_SECOND * 2;
    const geometry = chartGeometry(
      [sample(30_000, peak / 2, peak / 2), sample(60_000, 0, peak / 4)],
      60_000,
      60_000,
      200,
      50,
    );
    expect(geometry.scaleBytesPerSecond).toBe(peak);
    // P2P: its line, then down to the bottom edge and back.
    expect(geometry.p2pPoints).toBe('100,25 200,37.5 200,50 100,50');
    // HTTP: the total line, then the P2P line walked backwards.
    expect(geometry.httpPoints).toBe('100,0 200,37.5 200,37.5 100,25');
  });

  it('keeps a minimum scale so an idle stream draws a flat line, not a full-height one', () => {
    const geometry = chartGeometry([sample(0, 10, 0), sample(1000, 10, 0)], 1000, 60_000, 200, 50);
    expect(geometry.scaleBytesPerSecond).toBe(MIN_SCALE_BYTES_PER_SECOND);
    const heights = geometry.httpPoints.split(' ').map((point) => Number(point.split(',')[1]));
    expect(Math.min(...heights)).toBeGreaterThan(49);
  });
});

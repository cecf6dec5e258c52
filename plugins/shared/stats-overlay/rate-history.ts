/**
 * The chart's data: download rate by source sampled once per `stats` event, kept for a fixed span
 * (60 s by default), and turned into stacked-area geometry. Pure (no DOM) so it is unit-tested.
 */

/** Download rate by source at one moment, bytes per second. */
export interface RateSample {
  /** When it was taken, ms (the overlay uses `Date.now()`). */
  readonly atMs: number;
  /** HTTP download rate, bytes per second. */
  readonly http: number;
  /** P2P download rate, bytes per second. */
  readonly p2p: number;
}

/** Default span of the chart, ms. */
export const CHART_SPAN_MS = 60_000;

/**
 * Smallest top of the chart's scale, bytes per second (64 kbit/s): an idle stream's few bytes
 * would otherwise fill the chart's height and look like real traffic.
 */
export const MIN_SCALE_BYTES_PER_SECOND = 8_000;

/** Rate samples of the last `spanMs`. */
export class RateHistory {
  private samples: RateSample[] = [];

  /** @param spanMs - how long samples are kept (default {@link CHART_SPAN_MS}) */
  constructor(readonly spanMs: number = CHART_SPAN_MS) {}

  /** Adds a sample and forgets those older than the span before it. Out-of-order samples are dropped. */
  add(sample: RateSample): void {
    const last = this.samples.at(-1);
    if (last && sample.atMs < last.atMs) return;
    this.samples.push({
      atMs: sample.atMs,
      http: nonNegative(sample.http),
      p2p: nonNegative(sample.p2p),
    });
    this.prune(sample.atMs);
  }

  /** Samples within the span ending at `nowMs`, oldest first. */
  within(nowMs: number): readonly RateSample[] {
    this.prune(nowMs);
    return this.samples;
  }

  /** Forgets every sample. */
  clear(): void {
    this.samples = [];
  }

  private prune(nowMs: number): void {
    const oldestKept = nowMs - this.spanMs;
    const first = this.samples.findIndex((sample) => sample.atMs >= oldestKept);
    if (first === -1) this.samples = [];
    else if (first > 0) this.samples = this.samples.slice(first);
  }
}

/** Stacked areas in chart coordinates (x right, y down), as SVG `points` strings. */
export interface ChartGeometry {
  /** P2P area, from the bottom up to the P2P rate. */
  readonly p2pPoints: string;
  /** HTTP area, stacked on top of P2P (from the P2P rate up to the total). */
  readonly httpPoints: string;
  /** Top of the scale, bytes per second (at least {@link MIN_SCALE_BYTES_PER_SECOND}). */
  readonly scaleBytesPerSecond: number;
}

/**
 * Geometry of `samples` in a `width` x `height` box whose right edge is `nowMs` and left edge
 * `nowMs - spanMs`. Empty strings when fewer than two samples (nothing to draw yet).
 */
export function chartGeometry(
  samples: readonly RateSample[],
  nowMs: number,
  spanMs: number,
  width: number,
  height: number,
): ChartGeometry {
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, sample.http + sample.p2p);
  const scaleBytesPerSecond = Math.max(MIN_SCALE_BYTES_PER_SECOND, peak);
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || first === last) {
    return { p2pPoints: '', httpPoints: '', scaleBytesPerSecond };
  }
  const x = (atMs: number): number => round(((atMs - (nowMs - spanMs)) / spanMs) * width);
  const y = (rate: number): number => round(height - (rate / scaleBytesPerSecond) * height);
  const p2pTop = samples.map((sample) => `${x(sample.atMs)},${y(sample.p2p)}`);
  const totalTop = samples.map((sample) => `${x(sample.atMs)},${y(sample.p2p + sample.http)}`);
  const firstX = x(first.atMs);
  const lastX = x(last.atMs);
  const p2pBottom = [`${lastX},${height}`, `${firstX},${height}`];
  return {
    p2pPoints: [...p2pTop, ...p2pBottom].join(' '),
    // The HTTP band's lower edge is the P2P line walked backwards.
    httpPoints: [...totalTop, ...[...p2pTop].reverse()].join(' '),
    scaleBytesPerSecond,
  };
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Two decimals keep the SVG small and are finer than a device pixel at the chart's size. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

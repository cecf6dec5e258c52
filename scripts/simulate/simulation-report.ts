/**
 * The figures of a simulation from its two arms (P2P and the same run without it): the one-line
 * JSON the issue asks for (`--json`), a readable summary, and SVG charts. Definitions follow the
 * lab's bench (scripts/bench/scenario-report.ts) so the two can be compared:
 * - `originOffload`: 1 - segment bytes the origin served to the P2P arm / segment bytes its
 *   players received;
 * - `idealOffload`: 1 - 1/viewers (each segment from the origin once, everyone watching alike);
 *   `reachableOffload`: 1 - bytes of the distinct segments played / bytes played (what a swarm
 *   that fetches each segment once could reach with this run's arrivals and renditions);
 * - stalls per viewer-hour: stalls after first play over the hours viewers were present;
 * - startup: first play after joining; a viewer that never started counts with its whole stay.
 * Byte figures per viewer (upload fairness) are given in real bytes (divided by the scale).
 */
import { renderLineChart } from '../bench/svg-chart.js';
import type { SimulationRun } from './run-simulation.js';

/** The one-line JSON of a run (issue 18's field names first). */
export interface SimulationSummary {
  readonly viewers: number;
  readonly mode: 'live' | 'vod';
  readonly seed: number;
  readonly originOffload: number;
  readonly idealOffload: number;
  readonly stallsPerViewerHour: number;
  readonly baselineStallsPerViewerHour: number;
  readonly startupMsP95: number;
  readonly baselineStartupMsP95: number;
  readonly originRequestsPerLiveSegment: number;
  readonly trackerMessagesPerSecond: number;
  readonly wallSeconds: number;
  readonly peakRssBytes: number;
  /** What else the report gives. */
  readonly seconds: number;
  readonly profile: string;
  readonly scale: number;
  readonly reachableOffload: number;
  readonly startupMsP50: number;
  readonly baselineStartupMsP50: number;
  readonly neverStarted: number;
  readonly baselineNeverStarted: number;
  readonly stallSecondsPerViewerHour: number;
  readonly baselineStallSecondsPerViewerHour: number;
  readonly originRequestsPerLiveSegmentMax: number;
  readonly baselineOriginRequestsPerLiveSegment: number;
  readonly connectionsPerViewer: number;
  readonly connectionsFailedNat: number;
  /** Real bytes (divided by the scale) each viewer uploaded: p50, p95, max. */
  readonly uploadBytesPerViewer: {
    readonly p50: number;
    readonly p95: number;
    readonly max: number;
  };
  readonly p2pWallSeconds: number;
  readonly baselineWallSeconds: number;
  /** Timer callbacks that threw in either arm (0 in a healthy run). */
  readonly callbackErrors: number;
  readonly fatalErrors: number;
}

/** The value at quantile `q` (0..1) of `values` (nearest rank); 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** What one arm's figures come down to: small and serializable (an arm may run in its own process). */
export interface ArmSummary {
  readonly options: Omit<SimulationRun['options'], 'onProgress'>;
  readonly runMs: number;
  readonly figures: ArmFigures;
  readonly timeline: SimulationRun['timeline'];
  readonly originSegmentBytes: number;
  readonly originRequestsPerSegment: SimulationRun['originRequestsPerSegment'];
  readonly tracker: SimulationRun['tracker'];
  /** Bytes each viewer uploaded (scaled, as simulated). */
  readonly uploads: readonly number[];
  /** Each viewer's mean connected peers. */
  readonly meanPeers: readonly number[];
  readonly callbackErrors: number;
  readonly firstCallbackError: string | undefined;
  readonly wallMs: number;
  readonly peakRssBytes: number;
}

/** The counts of one arm. */
export interface ArmFigures {
  playedBytes: number;
  distinctBytes: number;
  stalls: number;
  stallMs: number;
  viewerHours: number;
  startups: number[];
  neverStarted: number;
  fatalErrors: number;
}

/** Reduces a run to its {@link ArmSummary}. */
export function armSummary(run: SimulationRun): ArmSummary {
  const options = { ...run.options };
  delete options.onProgress;
  return {
    options,
    runMs: run.runMs,
    figures: figuresOf(run),
    timeline: run.timeline,
    originSegmentBytes: run.origin.segmentBytes,
    originRequestsPerSegment: run.originRequestsPerSegment,
    tracker: run.tracker,
    uploads: run.viewers.map((viewer) => viewer.result.engineBytes.upload),
    meanPeers: run.viewers.map((viewer) => viewer.meanPeers),
    callbackErrors: run.callbackErrors,
    firstCallbackError: run.firstCallbackError,
    wallMs: run.wallMs,
    peakRssBytes: run.peakRssBytes,
  };
}

function figuresOf(run: SimulationRun): ArmFigures {
  const distinct = new Map<string, number>();
  const figures: ArmFigures = {
    playedBytes: 0,
    distinctBytes: 0,
    stalls: 0,
    stallMs: 0,
    viewerHours: 0,
    startups: [],
    neverStarted: 0,
    fatalErrors: 0,
  };
  for (const viewer of run.viewers) {
    const { result, stay } = viewer;
    const delivered = result.deliveredBytes;
    figures.playedBytes += delivered.http + delivered.p2p + delivered.cache;
    for (const segment of result.segments)
      distinct.set(`${segment.level}/${segment.sequence}`, segment.bytes);
    figures.stalls += result.stalls;
    figures.stallMs += result.stallMs;
    figures.viewerHours += (stay.leaveMs - stay.joinMs) / 3_600_000;
    if (result.startupMs === undefined) {
      figures.neverStarted++;
      figures.startups.push(stay.leaveMs - stay.joinMs);
    } else {
      figures.startups.push(result.startupMs);
    }
    if (result.fatalError !== undefined) figures.fatalErrors++;
  }
  for (const bytes of distinct.values()) figures.distinctBytes += bytes;
  return figures;
}

/**
 * The summary of a P2P arm and its baseline (same options but `p2p`). `wallMs`: the whole
 * command's wall time (arms run side by side); default the two arms' sum.
 */
export function summarize(
  p2p: ArmSummary,
  baseline: ArmSummary,
  wallMs?: number,
): SimulationSummary {
  const withP2P = p2p.figures;
  const without = baseline.figures;
  const { options } = p2p;
  const perHour = (count: number, hours: number): number => (hours > 0 ? count / hours : 0);
  const uploads = p2p.uploads.map((bytes) => bytes / options.scale);
  const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
  return {
    viewers: options.viewers,
    mode: options.mode,
    seed: options.seed,
    originOffload: round(
      withP2P.playedBytes > 0 ? 1 - p2p.originSegmentBytes / withP2P.playedBytes : 0,
    ),
    idealOffload: round(1 - 1 / Math.max(1, options.viewers)),
    stallsPerViewerHour: round(perHour(withP2P.stalls, withP2P.viewerHours), 2),
    baselineStallsPerViewerHour: round(perHour(without.stalls, without.viewerHours), 2),
    startupMsP95: Math.round(quantile(withP2P.startups, 0.95)),
    baselineStartupMsP95: Math.round(quantile(without.startups, 0.95)),
    originRequestsPerLiveSegment: round(p2p.originRequestsPerSegment.mean, 2),
    trackerMessagesPerSecond: round((p2p.tracker?.messages ?? 0) / (p2p.runMs / 1000), 1),
    wallSeconds: round((wallMs ?? p2p.wallMs + baseline.wallMs) / 1000, 1),
    peakRssBytes: Math.max(p2p.peakRssBytes, baseline.peakRssBytes),
    seconds: options.seconds,
    profile: options.profile,
    scale: options.scale,
    reachableOffload: round(
      withP2P.playedBytes > 0 ? 1 - withP2P.distinctBytes / withP2P.playedBytes : 0,
    ),
    startupMsP50: Math.round(quantile(withP2P.startups, 0.5)),
    baselineStartupMsP50: Math.round(quantile(without.startups, 0.5)),
    neverStarted: withP2P.neverStarted,
    baselineNeverStarted: without.neverStarted,
    stallSecondsPerViewerHour: round(perHour(withP2P.stallMs / 1000, withP2P.viewerHours), 1),
    baselineStallSecondsPerViewerHour: round(
      perHour(without.stallMs / 1000, without.viewerHours),
      1,
    ),
    originRequestsPerLiveSegmentMax: p2p.originRequestsPerSegment.max,
    baselineOriginRequestsPerLiveSegment: round(baseline.originRequestsPerSegment.mean, 2),
    connectionsPerViewer: round(
      p2p.meanPeers.reduce((sum, peers) => sum + peers, 0) / Math.max(1, p2p.meanPeers.length),
      2,
    ),
    connectionsFailedNat: p2p.tracker?.connectionsFailedNat ?? 0,
    uploadBytesPerViewer: {
      p50: Math.round(quantile(uploads, 0.5)),
      p95: Math.round(quantile(uploads, 0.95)),
      max: Math.round(quantile(uploads, 1)),
    },
    p2pWallSeconds: round(p2p.wallMs / 1000, 1),
    baselineWallSeconds: round(baseline.wallMs / 1000, 1),
    callbackErrors: p2p.callbackErrors + baseline.callbackErrors,
    fatalErrors: withP2P.fatalErrors + without.fatalErrors,
  };
}

/** A few readable lines of a summary. */
export function summaryText(summary: SimulationSummary): string {
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  return [
    `${summary.viewers} viewers, ${summary.mode}, ${summary.seconds} s simulated, seed ${summary.seed}, ` +
      `${summary.profile} links, segments and rates scaled ×${summary.scale}`,
    `origin offload ${percent(summary.originOffload)} (ideal ${percent(summary.idealOffload)}, ` +
      `reachable ${percent(summary.reachableOffload)})`,
    `stalls per viewer-hour ${summary.stallsPerViewerHour} (P2P off ${summary.baselineStallsPerViewerHour}); ` +
      `stalled seconds per viewer-hour ${summary.stallSecondsPerViewerHour} (P2P off ${summary.baselineStallSecondsPerViewerHour})`,
    `startup p50/p95 ${summary.startupMsP50}/${summary.startupMsP95} ms ` +
      `(P2P off ${summary.baselineStartupMsP50}/${summary.baselineStartupMsP95} ms); never started ` +
      `${summary.neverStarted} (P2P off ${summary.baselineNeverStarted})`,
    `origin requests per live segment mean ${summary.originRequestsPerLiveSegment}, max ` +
      `${summary.originRequestsPerLiveSegmentMax} (P2P off ${summary.baselineOriginRequestsPerLiveSegment})`,
    `connections per viewer ${summary.connectionsPerViewer}; NAT-failed connection attempts ` +
      `${summary.connectionsFailedNat}; tracker messages/s ${summary.trackerMessagesPerSecond}`,
    `upload per viewer p50/p95/max ${megabytes(summary.uploadBytesPerViewer.p50)} / ` +
      `${megabytes(summary.uploadBytesPerViewer.p95)} / ${megabytes(summary.uploadBytesPerViewer.max)}`,
    `wall ${summary.wallSeconds} s (P2P ${summary.p2pWallSeconds} s, P2P off ${summary.baselineWallSeconds} s), ` +
      `peak RSS ${megabytes(summary.peakRssBytes)}; callback errors ${summary.callbackErrors}, ` +
      `fatal player errors ${summary.fatalErrors}`,
  ].join('\n');
}

/** SVG charts of a run: origin bytes of both arms and P2P bytes over time; audience and peers. */
export function renderCharts(
  p2p: ArmSummary,
  baseline: ArmSummary,
): { bytes: string; audience: string } {
  const { options } = p2p;
  const unscale = (bytes: number): number => bytes / options.scale;
  const title = `${options.viewers} viewers, ${options.mode}, seed ${options.seed}`;
  const bytes = renderLineChart({
    title: `${title}: segment bytes (real sizes)`,
    xLabel: 'simulated seconds',
    series: [
      {
        label: 'origin, P2P off',
        color: '#888888',
        dashed: true,
        points: baseline.timeline.map((s) => [s.seconds, unscale(s.originBytes)] as const),
      },
      {
        label: 'origin, P2P on',
        color: '#d62728',
        points: p2p.timeline.map((s) => [s.seconds, unscale(s.originBytes)] as const),
      },
      {
        label: 'peers, P2P on',
        color: '#1f77b4',
        points: p2p.timeline.map((s) => [s.seconds, unscale(s.p2pBytes)] as const),
      },
    ],
  });
  const audience = renderLineChart({
    title: `${title}: audience and connections`,
    xLabel: 'simulated seconds',
    yAxis: { label: 'viewers / peers per viewer ×100', divisor: 1 },
    series: [
      {
        label: 'viewers present',
        color: '#2ca02c',
        points: p2p.timeline.map((s) => [s.seconds, s.audience] as const),
      },
      {
        label: 'peers per viewer ×100',
        color: '#9467bd',
        points: p2p.timeline.map((s) => [s.seconds, s.peersPerViewer * 100] as const),
      },
    ],
  });
  return { bytes, audience };
}

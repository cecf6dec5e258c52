/**
 * The collector's Prometheus metrics (`GET /metrics`), in a prom-client `Registry` of its own (never
 * the global one, so two collectors in one process stay apart). Counters grow with the deltas each
 * stored batch contributed; gauges are computed at scrape time from the viewers heard from in the
 * last two minutes. The `swarm` label is bounded by {@link SwarmLabels}; the `player` label takes
 * the fixed set of {@link PLAYER_LABELS} (the offload-ratio gauge has none: ratios do not add up).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STARTUP_BOUNDS_MS } from '../ingest/bucket.js';
import { addSaturating } from '../ingest/safe-sum.js';
import type { BeaconContribution } from '../ingest/viewer-delta.js';
import type { LiveViewers } from './live-viewers.js';
import { SwarmLabels, type SwarmLabelsOptions } from './swarm-labels.js';
import { PLAYER_LABELS, playerLabelOf } from './player-label.js';

/** Names of every metric the collector exports (the Grafana dashboard test checks against them). */
export const COLLECTOR_METRIC_NAMES = [
  'p2pml_collector_viewers',
  'p2pml_collector_peers',
  'p2pml_collector_offload_ratio',
  'p2pml_collector_bytes_total',
  'p2pml_collector_segments_total',
  'p2pml_collector_stalls_total',
  'p2pml_collector_stall_seconds_total',
  'p2pml_collector_watch_seconds_total',
  'p2pml_collector_startup_seconds',
  'p2pml_collector_beacons_total',
  'p2pml_collector_write_seconds',
  'p2pml_collector_write_errors_total',
  'p2pml_collector_queued_beacons',
] as const;

/** Outcomes of a `POST /beacon`, the `result` label of `p2pml_collector_beacons_total`. */
export type BeaconResult =
  'accepted' | 'invalid' | 'too_large' | 'unsupported_media_type' | 'rate_limited' | 'overloaded';

/** The collector's metrics. */
export class CollectorMetrics {
  /** The registry `/metrics` serialises. */
  readonly registry = new Registry();
  private readonly labels: SwarmLabels;
  private readonly bytes: Counter<'swarm' | 'player' | 'source'>;
  private readonly segments: Counter<'swarm' | 'player' | 'source'>;
  private readonly stalls: Counter<'swarm' | 'player'>;
  private readonly stallSeconds: Counter<'swarm' | 'player'>;
  private readonly watchSeconds: Counter<'swarm' | 'player'>;
  private readonly startup: Histogram<'swarm' | 'player'>;
  private readonly beacons: Counter<'result'>;
  private readonly writeSeconds: Histogram;
  private readonly writeErrors: Counter;

  /**
   * @param live - viewers heard from recently (gauges)
   * @param queueSize - beacons waiting to be written, read at scrape time
   */
  constructor(live: LiveViewers, queueSize: () => number, labelOptions: SwarmLabelsOptions = {}) {
    const registers = [this.registry];
    this.labels = new SwarmLabels(labelOptions);
    const labels = this.labels;
    const gauge = (
      name: string,
      help: string,
      byPlayer: boolean,
      value: (group: LiveGroup) => number,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: byPlayer ? ['swarm', 'player'] : ['swarm'],
        registers,
        collect() {
          this.reset();
          for (const group of groupLive(live, labels, byPlayer)) {
            this.set(group.labels, value(group));
          }
        },
      });
    };
    gauge(
      'p2pml_collector_viewers',
      'Viewers heard from in the last two minutes.',
      true,
      (g) => g.viewers,
    );
    gauge(
      'p2pml_collector_peers',
      'Peers connected, summed over current viewers (a link counts twice).',
      true,
      (g) => g.peers,
    );
    gauge(
      'p2pml_collector_offload_ratio',
      'P2P share of the bytes current viewers downloaded, p2p / (http + p2p), 0..1.',
      false,
      (g) => (g.http + g.p2p > 0 ? g.p2p / (g.http + g.p2p) : 0),
    );
    this.bytes = new Counter({
      name: 'p2pml_collector_bytes_total',
      help: 'Bytes viewers reported, by source: http (CDN), p2p (from peers), upload (to peers).',
      labelNames: ['swarm', 'player', 'source'],
      registers,
    });
    this.segments = new Counter({
      name: 'p2pml_collector_segments_total',
      help: 'Segments handed to players, by source: http, p2p, cache.',
      labelNames: ['swarm', 'player', 'source'],
      registers,
    });
    this.stalls = new Counter({
      name: 'p2pml_collector_stalls_total',
      help: 'Playback stalls viewers reported.',
      labelNames: ['swarm', 'player'],
      registers,
    });
    this.stallSeconds = new Counter({
      name: 'p2pml_collector_stall_seconds_total',
      help: 'Time viewers spent stalled (schema v2 beacons).',
      labelNames: ['swarm', 'player'],
      registers,
    });
    this.watchSeconds = new Counter({
      name: 'p2pml_collector_watch_seconds_total',
      help: 'Time players were open (for stalls per viewer-hour).',
      labelNames: ['swarm', 'player'],
      registers,
    });
    this.startup = new Histogram({
      name: 'p2pml_collector_startup_seconds',
      help: 'Startup time of sources, from play request or load to the first frame (v2 beacons).',
      labelNames: ['swarm', 'player'],
      buckets: STARTUP_BOUNDS_MS.map((ms) => ms / 1000),
      registers,
    });
    this.beacons = new Counter({
      name: 'p2pml_collector_beacons_total',
      help: 'Beacon requests by result.',
      labelNames: ['result'],
      registers,
    });
    this.writeSeconds = new Histogram({
      name: 'p2pml_collector_write_seconds',
      help: 'Time to store one batch of beacons.',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.writeErrors = new Counter({
      name: 'p2pml_collector_write_errors_total',
      help: 'Batches of beacons the database refused (dropped; later beacons carry their totals).',
      registers,
    });
    new Gauge({
      name: 'p2pml_collector_queued_beacons',
      help: 'Beacons received and waiting to be stored.',
      registers,
      collect() {
        this.set(queueSize());
      },
    });
  }

  /** Counts one `POST /beacon` outcome. */
  countRequest(result: BeaconResult): void {
    this.beacons.inc({ result });
  }

  /** Adds what a stored batch contributed. */
  recordWritten(contributions: readonly BeaconContribution[], durationMs: number): void {
    this.writeSeconds.observe(durationMs / 1000);
    for (const { key, delta, startupMs } of contributions) {
      const swarm = this.labels.labelOf(key.swarm);
      const player = playerLabelOf(key.player);
      const add = (
        counter: Counter<'swarm' | 'player' | 'source'>,
        source: string,
        value: number,
      ): void => {
        if (value > 0) counter.inc({ swarm, player, source }, value);
      };
      add(this.bytes, 'http', delta.httpBytes);
      add(this.bytes, 'p2p', delta.p2pBytes);
      add(this.bytes, 'upload', delta.uploadBytes);
      add(this.segments, 'http', delta.segHttp);
      add(this.segments, 'p2p', delta.segP2p);
      add(this.segments, 'cache', delta.segCache);
      if (delta.stalls > 0) this.stalls.inc({ swarm, player }, delta.stalls);
      if (delta.stallMs > 0) this.stallSeconds.inc({ swarm, player }, delta.stallMs / 1000);
      if (delta.watchMs > 0) this.watchSeconds.inc({ swarm, player }, delta.watchMs / 1000);
      if (startupMs !== undefined) this.startup.observe({ swarm, player }, startupMs / 1000);
    }
    this.expireLabels();
  }

  /** Counts a batch the store refused. */
  recordWriteError(): void {
    this.writeErrors.inc();
  }

  /** Prometheus text format of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Removes the series of swarms idle past the label limit's idle time. */
  private expireLabels(): void {
    for (const swarm of this.labels.expire()) {
      for (const player of PLAYER_LABELS) {
        for (const source of ['http', 'p2p', 'upload']) {
          this.bytes.remove({ swarm, player, source });
        }
        for (const source of ['http', 'p2p', 'cache']) {
          this.segments.remove({ swarm, player, source });
        }
        this.stalls.remove({ swarm, player });
        this.stallSeconds.remove({ swarm, player });
        this.watchSeconds.remove({ swarm, player });
        this.startup.remove({ swarm, player });
      }
    }
  }
}

interface LiveGroup {
  labels: { swarm: string; player?: string };
  viewers: number;
  peers: number;
  http: number;
  p2p: number;
}

/** Current viewers grouped by swarm label (and player label when `byPlayer`). */
function groupLive(live: LiveViewers, labels: SwarmLabels, byPlayer: boolean): LiveGroup[] {
  const groups = new Map<string, LiveGroup>();
  for (const beacon of live.current()) {
    const swarm = labels.labelOf(beacon.swarm);
    const player = playerLabelOf(beacon.player);
    const key = byPlayer ? `${player}\u0000${swarm}` : swarm;
    const group = groups.get(key) ?? {
      labels: byPlayer ? { swarm, player } : { swarm },
      viewers: 0,
      peers: 0,
      http: 0,
      p2p: 0,
    };
    group.viewers += 1;
    group.peers += beacon.peers;
    group.http = addSaturating(group.http, beacon.httpBytes);
    group.p2p = addSaturating(group.p2p, beacon.p2pBytes);
    groups.set(key, group);
  }
  return [...groups.values()];
}

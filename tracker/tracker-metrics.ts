/**
 * The tracker's Prometheus metrics, served at `/metrics` beside `/stats`. Each tracker has its own
 * prom-client `Registry` (never the global default), so several trackers in one process (tests, a
 * bench) keep separate numbers and never clash over metric names.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

import { REFUSAL_REASONS, type RefusalReason } from './refusal.js';

/** Metric names and help texts; dashboards and docs depend on these names. */
export const TRACKER_METRICS = {
  connections: {
    name: 'p2pml_tracker_connections',
    help: 'Open WebSocket connections to the tracker.',
  },
  swarms: { name: 'p2pml_tracker_swarms', help: 'Swarms (info hashes) with at least one peer.' },
  peers: {
    name: 'p2pml_tracker_peers',
    help: 'Distinct peer ids over all swarms (a peer in two swarms counts once).',
  },
  announces: {
    name: 'p2pml_tracker_announces_total',
    help: 'Announces accepted and handed to the swarm (answers and scrapes not included).',
  },
  offersRelayed: {
    name: 'p2pml_tracker_offers_relayed_total',
    help: 'WebRTC offers the tracker forwarded from an announcing peer to another peer.',
  },
  answersRelayed: {
    name: 'p2pml_tracker_answers_relayed_total',
    help: 'WebRTC answers the tracker forwarded back to the peer that made the offer.',
  },
  refusals: {
    name: 'p2pml_tracker_refusals_total',
    help: 'Messages or connections the tracker refused, by reason.',
  },
} as const;

/** Running totals since the tracker started (also reported at `/stats`). */
export interface TrackerCounts {
  readonly announces: number;
  readonly offersRelayed: number;
  readonly answersRelayed: number;
  readonly refusals: Readonly<Record<RefusalReason, number>>;
}

/** Gauge values, read when Prometheus scrapes. */
export interface TrackerGaugeValues {
  readonly connections: number;
  readonly swarms: number;
  readonly peers: number;
}

/** Counters and gauges of one tracker, in a registry of its own. */
export class TrackerMetrics {
  private readonly registry = new Registry();
  private readonly gauges: () => TrackerGaugeValues;
  /** The gauge values of the scrape under way (one pass over the swarms serves all three). */
  private snapshot: TrackerGaugeValues | undefined;
  private readonly announces: Counter;
  private readonly offersRelayed: Counter;
  private readonly answersRelayed: Counter;
  private readonly refusals: Counter<'reason'>;
  private readonly refusalCounts = Object.fromEntries(
    REFUSAL_REASONS.map((reason) => [reason, 0]),
  ) as Record<RefusalReason, number>;
  private announceCount = 0;
  private offerCount = 0;
  private answerCount = 0;

  /**
   * @param gauges - read at every scrape (so the gauges cost nothing between scrapes)
   * @param processMetrics - also register prom-client's default process metrics (CPU, memory,
   *   event loop lag, GC). They install performance observers that live as long as the process,
   *   so they suit one long-running tracker, not one per test.
   */
  constructor(gauges: () => TrackerGaugeValues, processMetrics: boolean) {
    this.gauges = gauges;
    const registers = [this.registry];
    const read = (key: keyof TrackerGaugeValues) => (this.snapshot ?? gauges())[key];
    for (const key of ['connections', 'swarms', 'peers'] as const) {
      new Gauge({
        ...TRACKER_METRICS[key],
        registers,
        collect() {
          this.set(read(key));
        },
      });
    }
    this.announces = new Counter({ ...TRACKER_METRICS.announces, registers });
    this.offersRelayed = new Counter({ ...TRACKER_METRICS.offersRelayed, registers });
    this.answersRelayed = new Counter({ ...TRACKER_METRICS.answersRelayed, registers });
    this.refusals = new Counter({ ...TRACKER_METRICS.refusals, labelNames: ['reason'], registers });
    // Every reason shows from the start (at 0), so rate() works from the first refusal on.
    for (const reason of REFUSAL_REASONS) this.refusals.inc({ reason }, 0);
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts an accepted announce. */
  countAnnounce(): void {
    this.announceCount++;
    this.announces.inc();
  }

  /** Counts an offer sent on to a peer. */
  countOfferRelayed(): void {
    this.offerCount++;
    this.offersRelayed.inc();
  }

  /** Counts an answer sent on to a peer. */
  countAnswerRelayed(): void {
    this.answerCount++;
    this.answersRelayed.inc();
  }

  /** Counts a refusal. */
  countRefusal(reason: RefusalReason): void {
    this.refusalCounts[reason]++;
    this.refusals.inc({ reason });
  }

  /** Totals since start. */
  counts(): TrackerCounts {
    return {
      announces: this.announceCount,
      offersRelayed: this.offerCount,
      answersRelayed: this.answerCount,
      refusals: { ...this.refusalCounts },
    };
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    this.snapshot = this.gauges();
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = undefined;
    }
  }

  /** `text/plain; version=0.0.4; charset=utf-8`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

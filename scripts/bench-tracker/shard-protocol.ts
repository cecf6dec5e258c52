/**
 * What the bench's parent process and its client processes (client-shard.ts) say to each other,
 * one JSON object per line: the shard's spec on its command line, commands on its stdin, reports
 * on its stdout. Types only, plus the guards the parent uses on what it reads.
 */
import type { HistogramSnapshot } from './statistics.js';

/** Everything one client process needs, passed as JSON in its single argument. */
export interface ShardSpec {
  /** Shard number, 0-based. */
  readonly shardIndex: number;
  /** Tracker URL. */
  readonly url: string;
  /** See wire.ts `runTagOf`. */
  readonly runTag: string;
  /** Global index of this shard's first peer. */
  readonly firstPeerIndex: number;
  /** Peers this shard holds. */
  readonly peerCount: number;
  readonly peersPerSwarm: number;
  readonly offersPerAnnounce: number;
  readonly sdpBytes: number;
  /** This shard's share of the connection ramp, connections per second. */
  readonly connectsPerSecond: number;
}

/** Commands on a shard's stdin. */
export type ShardCommand =
  | {
      readonly cmd: 'load';
      readonly durationMs: number;
      /** Closed loop: announces kept in flight by this shard. */
      readonly inFlight?: number;
      /** Open loop: this shard's announces per second. */
      readonly announcesPerSecond?: number;
    }
  | { readonly cmd: 'close' };

/** Counters of one shard over one phase. */
export interface ShardCounters {
  announcesSent: number;
  announceResponses: number;
  offersSent: number;
  offersReceived: number;
  answersSent: number;
  answersReceived: number;
  /** `failure reason` replies (refusals). */
  failures: number;
  /** Frames the bench could not classify. */
  unknownFrames: number;
  /** Sockets that failed to open, closed by the tracker, or errored. */
  socketErrors: number;
  /** Offers of ours with no answer within the shard's expiry (30 s) or by the end. */
  offersUnanswered: number;
}

/** Reports on a shard's stdout. */
export type ShardReport =
  | {
      readonly type: 'connected';
      readonly shardIndex: number;
      readonly open: number;
      readonly failed: number;
      readonly connectMs: number;
      readonly counters: ShardCounters;
      readonly failureSamples: readonly string[];
    }
  | {
      readonly type: 'loaded';
      readonly shardIndex: number;
      readonly windowMs: number;
      readonly counters: ShardCounters;
      readonly announceLatency: HistogramSnapshot;
      readonly offerOneWay: HistogramSnapshot;
      readonly offerRoundTrip: HistogramSnapshot;
      /** CPU time of the shard process during the window, in ms. */
      readonly cpuMs: number;
      /** Event loop utilization during the window, 0..1: near 1 means the shard was the bottleneck. */
      readonly eventLoopUtilization: number;
      readonly failureSamples: readonly string[];
    }
  | { readonly type: 'closed'; readonly shardIndex: number; readonly stillOpen: number };

/** A zeroed counter set. */
export function emptyCounters(): ShardCounters {
  return {
    announcesSent: 0,
    announceResponses: 0,
    offersSent: 0,
    offersReceived: 0,
    answersSent: 0,
    answersReceived: 0,
    failures: 0,
    unknownFrames: 0,
    socketErrors: 0,
    offersUnanswered: 0,
  };
}

/** Adds `b` into `a`. */
export function addCounters(a: ShardCounters, b: ShardCounters): ShardCounters {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof ShardCounters)[]) sum[key] += b[key];
  return sum;
}

/** True for an object with a string `type` (what the parent accepts as a report line). */
export function isShardReport(value: unknown): value is ShardReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { shardIndex?: unknown }).shardIndex === 'number'
  );
}

/**
 * From totals to deltas. A beacon carries its player's totals since the plugin started; the
 * collector remembers each viewer's previous totals and stores only what changed, so a lost beacon
 * loses nothing (the next one carries it) and a range's bytes are a sum of buckets. Pure: the stores
 * (SQLite, PostgreSQL) read and write the state, this decides what it becomes.
 */
import type { BeaconEngine, BeaconPlayer, CollectorBeacon } from '../beacon/beacon-schema.js';
import {
  emptyCounts,
  minuteOf,
  startupBucketIndex,
  type BucketCounts,
  type BucketKey,
} from './bucket.js';

/**
 * Longest time one beacon may add to watch time, ms: the largest beacon interval. A viewer heard
 * from again after longer (page frozen, laptop asleep) was not watching all that time.
 */
export const MAX_WATCH_DELTA_MS = 3_600_000;

/** What the collector remembers of a viewer between beacons (no address, nothing personal). */
export interface ViewerState {
  /** Player id from the beacon. */
  readonly id: string;
  /** Totals of its last beacon. */
  readonly tMs: number;
  readonly httpBytes: number;
  readonly p2pBytes: number;
  readonly uploadBytes: number;
  readonly segHttp: number;
  readonly segP2p: number;
  readonly segCache: number;
  readonly stalls: number;
  readonly stallMs: number;
  /** Bucket it was last counted as a viewer in (`minuteMs`, `swarm`, `engine`, `player`). */
  readonly countedMinuteMs: number;
  readonly countedSwarm: string;
  readonly countedEngine: BeaconEngine;
  readonly countedPlayer: BeaconPlayer;
  /** Swarm and startup time last recorded, so one source's startup counts once. */
  readonly startupSwarm: string;
  readonly startupMs: number;
  /** When it was last heard from, ms since the epoch (for pruning). */
  readonly seenAtMs: number;
}

/** What one beacon adds to storage. */
export interface BeaconContribution {
  /** Bucket the deltas go to. */
  readonly key: BucketKey;
  /** Deltas since the viewer's previous beacon. */
  readonly delta: BucketCounts;
  /** The viewer's state after this beacon. */
  readonly next: ViewerState;
  /** The startup time recorded by this beacon, if it recorded one. */
  readonly startupMs: number | undefined;
}

/** Delta of one total; a total that went backwards means the counters restarted. */
function deltaOf(now: number, before: number, restarted: boolean): number {
  return restarted || now < before ? now : now - before;
}

/**
 * Applies `beacon`, received at `atMs`, to its viewer's previous state (`undefined` for a viewer
 * never seen or forgotten). A beacon whose `t` is below the previous one is a restarted player
 * reusing its id: its totals count in full.
 */
export function applyBeacon(
  previous: ViewerState | undefined,
  beacon: CollectorBeacon,
  atMs: number,
): BeaconContribution {
  const key: BucketKey = {
    minuteMs: minuteOf(atMs),
    swarm: beacon.swarm,
    engine: beacon.engine,
    player: beacon.player,
  };
  const restarted = previous === undefined || beacon.tMs < previous.tMs;
  const before = previous ?? {
    tMs: 0,
    httpBytes: 0,
    p2pBytes: 0,
    uploadBytes: 0,
    segHttp: 0,
    segP2p: 0,
    segCache: 0,
    stalls: 0,
    stallMs: 0,
  };
  const stallMsNow = beacon.stallMs ?? before.stallMs;
  const delta = emptyCounts();
  delta.beacons = 1;
  delta.httpBytes = deltaOf(beacon.httpBytes, before.httpBytes, restarted);
  delta.p2pBytes = deltaOf(beacon.p2pBytes, before.p2pBytes, restarted);
  delta.uploadBytes = deltaOf(beacon.uploadBytes, before.uploadBytes, restarted);
  delta.segHttp = deltaOf(beacon.segments.http, before.segHttp, restarted);
  delta.segP2p = deltaOf(beacon.segments.p2p, before.segP2p, restarted);
  delta.segCache = deltaOf(beacon.segments.cache, before.segCache, restarted);
  delta.stalls = deltaOf(beacon.stalls, before.stalls, restarted);
  delta.stallMs = beacon.stallMs === undefined ? 0 : deltaOf(stallMsNow, before.stallMs, restarted);
  delta.watchMs = Math.min(deltaOf(beacon.tMs, before.tMs, restarted), MAX_WATCH_DELTA_MS);
  delta.peersSum = beacon.peers;
  const counted =
    previous !== undefined &&
    previous.countedMinuteMs === key.minuteMs &&
    previous.countedSwarm === key.swarm &&
    previous.countedEngine === key.engine &&
    previous.countedPlayer === key.player;
  delta.viewers = counted ? 0 : 1;

  let startupMs: number | undefined;
  const reported = beacon.startupMs;
  if (
    reported !== undefined &&
    (restarted || previous.startupSwarm !== beacon.swarm || previous.startupMs !== reported)
  ) {
    startupMs = reported;
    delta.startups = 1;
    delta.startupMsSum = startupMs;
    delta.startupHistogram[startupBucketIndex(startupMs)] = 1;
  }

  const next: ViewerState = {
    id: beacon.id,
    tMs: beacon.tMs,
    httpBytes: beacon.httpBytes,
    p2pBytes: beacon.p2pBytes,
    uploadBytes: beacon.uploadBytes,
    segHttp: beacon.segments.http,
    segP2p: beacon.segments.p2p,
    segCache: beacon.segments.cache,
    stalls: beacon.stalls,
    stallMs: stallMsNow,
    countedMinuteMs: key.minuteMs,
    countedSwarm: key.swarm,
    countedEngine: key.engine,
    countedPlayer: key.player,
    startupSwarm: startupMs !== undefined ? beacon.swarm : (previous?.startupSwarm ?? ''),
    startupMs: startupMs ?? previous?.startupMs ?? -1,
    seenAtMs: atMs,
  };
  return { key, delta, next, startupMs };
}

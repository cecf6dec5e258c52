/**
 * What the embedded tracker reports at `/stats` and through `TrackerServer.stats()`.
 */
import type { TrackerCounts } from './tracker-metrics.js';

/**
 * A snapshot of the tracker's swarms, plus running totals since start ({@link TrackerCounts}:
 * `announces`, `offersRelayed`, `answersRelayed`, and `refusals` by reason, the same numbers as
 * the Prometheus counters at `/metrics`).
 */
export interface TrackerStats extends TrackerCounts {
  /** Swarms (info hashes) that have at least one peer. */
  readonly swarms: number;
  /** Distinct peer ids over all swarms (a peer in two swarms counts once). */
  readonly peers: number;
  /** Open WebSocket connections (a connection may carry several swarms, or none yet). */
  readonly connections: number;
  /** Peers per swarm, by info hash (40 hex characters); swarms without peers are left out. */
  readonly swarmPeers: Readonly<Record<string, number>>;
  /** Time since the tracker started listening, in ms. */
  readonly uptimeMs: number;
}

/** The minimal view of a swarm that {@link summarizeSwarms} needs. */
export interface SwarmPeerView {
  /** Peer ids the swarm lists (possibly including expired entries). */
  readonly keys: readonly string[];
  /** The live entry for `peerId`, or undefined when it is gone or expired. */
  peek(peerId: string): unknown;
}

/** Counts the live peers of each swarm. Pure apart from `peek`, which may drop expired entries. */
export function summarizeSwarms(
  swarms: Readonly<Record<string, { readonly peers: SwarmPeerView } | undefined>>,
): { swarms: number; peers: number; swarmPeers: Record<string, number> } {
  const swarmPeers: Record<string, number> = {};
  const distinctPeers = new Set<string>();
  for (const [infoHash, swarm] of Object.entries(swarms)) {
    if (!swarm) continue;
    let count = 0;
    // Copy the keys first: peek() may remove an expired entry while we iterate.
    for (const peerId of [...swarm.peers.keys]) {
      if (swarm.peers.peek(peerId) === undefined) continue;
      count++;
      distinctPeers.add(peerId);
    }
    if (count > 0) swarmPeers[infoHash] = count;
  }
  return { swarms: Object.keys(swarmPeers).length, peers: distinctPeers.size, swarmPeers };
}

/** The engine's counters as `Engine.getStats()` returns them, and their parts. */
import type { MainThreadLevel } from '../engine/main-thread-lag.js';

/**
 * Bytes by the path of the peer connection they went over: `direct` between the peers, `relayed`
 * through a TURN server (which its operator pays for), `unknown` when the connection's stats did
 * not tell (yet). The three add up to the matching P2P total.
 */
export interface BytesByPath {
  readonly direct: number;
  readonly relayed: number;
  readonly unknown: number;
}

/** Snapshot of the engine's counters, as returned by `Engine.getStats()`. */
export interface EngineStats {
  /** Bytes downloaded from the origin/CDN over HTTP (every attempt, including abandoned ones). */
  readonly httpBytes: number;
  /** Bytes downloaded from peers (every transfer, including late answers to requests given up). */
  readonly p2pBytes: number;
  /** Bytes uploaded to peers. */
  readonly uploadBytes: number;
  /** `p2pBytes / (httpBytes + p2pBytes)`, 0 when nothing was downloaded. */
  readonly p2pRatio: number;
  /** Segments handed to the player, by where they came from. */
  readonly segments: { readonly http: number; readonly p2p: number; readonly cache: number };
  /** Peers connected right now (over all streams' swarms). */
  readonly peers: number;
  /** Bytes currently held by the segment store. */
  readonly storeBytes: number;
  /**
   * `p2pBytes` split by the path of the connection each byte came over; sums to `p2pBytes`. An
   * offload that excludes TURN traffic is `(p2pBytes - p2pBytesByPath.relayed) / (httpBytes +
   * p2pBytes)`. Optional for stats built elsewhere (totals over several engines); the engine
   * always sets it.
   */
  readonly p2pBytesByPath?: BytesByPath;
  /** `uploadBytes` split by path, like {@link EngineStats.p2pBytesByPath}. */
  readonly uploadBytesByPath?: BytesByPath;
  /** How loaded the engine's thread is now (P2P work backs off while not `normal`), when probed. */
  readonly mainThreadLevel?: MainThreadLevel;
  /** Smoothed lateness of the engine's thread, ms, when probed. */
  readonly mainThreadLagMs?: number;
}

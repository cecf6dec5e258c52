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
}

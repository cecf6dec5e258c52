/**
 * The engine's traffic counters: bytes by network source, uploads and deliveries by source, and
 * P2P bytes by the path of the connection they went over (direct or TURN-relayed: relayed bytes
 * cost the TURN operator, so an operator's offload figure leaves them out). Live figures (peers,
 * store size) belong to other modules and are passed in when a snapshot is taken.
 */
import type { MainThreadLoad } from '../engine/main-thread-lag.js';
import type { SegmentSource, TransferSource } from '../model/segment.js';
import type { BytesByPath, EngineStats } from '../model/stats.js';
import type { ConnectionPath } from '../p2p/peer/connection-path.js';

/** Mutable counters by path. */
type PathCounters = { -readonly [path in keyof BytesByPath]: number };

function zeroByPath(): PathCounters {
  return { direct: 0, relayed: 0, unknown: 0 };
}

/** Accumulates the counters behind {@link EngineStats}. */
export class StatsCollector {
  private httpBytes = 0;
  private p2pBytes = 0;
  private uploadBytes = 0;
  private readonly segments = { http: 0, p2p: 0, cache: 0 };
  private readonly p2pByPath = zeroByPath();
  private readonly uploadByPath = zeroByPath();

  /**
   * Counts bytes received from `source` as they arrive (abandoned transfers included); P2P bytes
   * also under `path` (default `unknown`). Negative or non-finite counts are ignored.
   */
  recordDownload(source: TransferSource, bytes: number, path: ConnectionPath = 'unknown'): void {
    if (!isCount(bytes)) return;
    if (source === 'http') {
      this.httpBytes += bytes;
      return;
    }
    this.p2pBytes += bytes;
    this.p2pByPath[path] += bytes;
  }

  /**
   * Counts bytes sent to peers, under `path` (default `unknown`). Negative or non-finite counts
   * are ignored.
   */
  recordUpload(bytes: number, path: ConnectionPath = 'unknown'): void {
    if (!isCount(bytes)) return;
    this.uploadBytes += bytes;
    this.uploadByPath[path] += bytes;
  }

  /** Counts one segment handed to the player, by where its bytes came from. */
  recordDelivery(source: SegmentSource): void {
    this.segments[source] += 1;
  }

  /**
   * A consistent copy of the counters plus the live figures the caller owns (the thread's load
   * only when given). `p2pRatio` is 0 when nothing was downloaded.
   */
  snapshot(live: { peers: number; storeBytes: number; mainThread?: MainThreadLoad }): EngineStats {
    const downloaded = this.httpBytes + this.p2pBytes;
    return {
      httpBytes: this.httpBytes,
      p2pBytes: this.p2pBytes,
      uploadBytes: this.uploadBytes,
      p2pRatio: downloaded === 0 ? 0 : this.p2pBytes / downloaded,
      segments: { ...this.segments },
      peers: live.peers,
      storeBytes: live.storeBytes,
      p2pBytesByPath: { ...this.p2pByPath },
      uploadBytesByPath: { ...this.uploadByPath },
      ...(live.mainThread
        ? { mainThreadLevel: live.mainThread.level, mainThreadLagMs: live.mainThread.lagMs }
        : {}),
    };
  }

  /** Sets every counter back to zero. */
  reset(): void {
    this.httpBytes = 0;
    this.p2pBytes = 0;
    this.uploadBytes = 0;
    this.segments.http = 0;
    this.segments.p2p = 0;
    this.segments.cache = 0;
    Object.assign(this.p2pByPath, zeroByPath());
    Object.assign(this.uploadByPath, zeroByPath());
  }
}

function isCount(bytes: number): boolean {
  return Number.isFinite(bytes) && bytes >= 0;
}

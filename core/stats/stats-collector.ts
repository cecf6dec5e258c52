/**
 * The engine's traffic counters: bytes by network source, uploads and deliveries by source. Live
 * figures (peers, store size) belong to other modules and are passed in when a snapshot is taken.
 */
import type { SegmentSource, TransferSource } from '../model/segment.js';
import type { EngineStats } from '../model/stats.js';

/** Accumulates the counters behind {@link EngineStats}. */
export class StatsCollector {
  private httpBytes = 0;
  private p2pBytes = 0;
  private uploadBytes = 0;
  private readonly segments = { http: 0, p2p: 0, cache: 0 };

  /**
   * Counts bytes received from `source` as they arrive (abandoned transfers included). Negative or
   * non-finite counts are ignored.
   */
  recordDownload(source: TransferSource, bytes: number): void {
    if (!isCount(bytes)) return;
    if (source === 'http') this.httpBytes += bytes;
    else this.p2pBytes += bytes;
  }

  /** Counts bytes sent to peers. Negative or non-finite counts are ignored. */
  recordUpload(bytes: number): void {
    if (isCount(bytes)) this.uploadBytes += bytes;
  }

  /** Counts one segment handed to the player, by where its bytes came from. */
  recordDelivery(source: SegmentSource): void {
    this.segments[source] += 1;
  }

  /**
   * A consistent copy of the counters plus the live figures the caller owns.
   * `p2pRatio` is 0 when nothing was downloaded.
   */
  snapshot(live: { peers: number; storeBytes: number }): EngineStats {
    const downloaded = this.httpBytes + this.p2pBytes;
    return {
      httpBytes: this.httpBytes,
      p2pBytes: this.p2pBytes,
      uploadBytes: this.uploadBytes,
      p2pRatio: downloaded === 0 ? 0 : this.p2pBytes / downloaded,
      segments: { ...this.segments },
      peers: live.peers,
      storeBytes: live.storeBytes,
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
  }
}

function isCount(bytes: number): boolean {
  return Number.isFinite(bytes) && bytes >= 0;
}

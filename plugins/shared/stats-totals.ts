/**
 * Counters of a player across every source it played: each source has its own engine, whose
 * counters restart at zero, so the counters of finished engines are banked here.
 */
import type { BytesByPath, EngineStats } from '../../core/model/stats.js';

/** The counters that add up across engines (peers and store bytes are "now" values, not totals). */
interface Banked {
  httpBytes: number;
  p2pBytes: number;
  uploadBytes: number;
  segments: { http: number; p2p: number; cache: number };
  p2pBytesByPath: BytesByPath;
  uploadBytesByPath: BytesByPath;
}

const NO_BYTES_BY_PATH: BytesByPath = { direct: 0, relayed: 0, unknown: 0 };

function addByPath(a: BytesByPath, b: BytesByPath | undefined): BytesByPath {
  if (b === undefined) return a;
  return {
    direct: a.direct + b.direct,
    relayed: a.relayed + b.relayed,
    unknown: a.unknown + b.unknown,
  };
}

const NO_ENGINE: EngineStats = {
  httpBytes: 0,
  p2pBytes: 0,
  uploadBytes: 0,
  p2pRatio: 0,
  segments: { http: 0, p2p: 0, cache: 0 },
  peers: 0,
  storeBytes: 0,
};

/** Sums finished engines' counters with the current engine's. */
export class StatsTotals {
  private readonly banked: Banked = {
    httpBytes: 0,
    p2pBytes: 0,
    uploadBytes: 0,
    segments: { http: 0, p2p: 0, cache: 0 },
    p2pBytesByPath: NO_BYTES_BY_PATH,
    uploadBytesByPath: NO_BYTES_BY_PATH,
  };

  /** Adds the final counters of an engine about to be destroyed. */
  bank(final: EngineStats): void {
    this.banked.httpBytes += final.httpBytes;
    this.banked.p2pBytes += final.p2pBytes;
    this.banked.uploadBytes += final.uploadBytes;
    this.banked.segments.http += final.segments.http;
    this.banked.segments.p2p += final.segments.p2p;
    this.banked.segments.cache += final.segments.cache;
    this.banked.p2pBytesByPath = addByPath(this.banked.p2pBytesByPath, final.p2pBytesByPath);
    this.banked.uploadBytesByPath = addByPath(
      this.banked.uploadBytesByPath,
      final.uploadBytesByPath,
    );
  }

  /**
   * Totals with `current` (the live engine's snapshot, or undefined when no source is loaded):
   * byte and segment counters summed (bytes by connection path too), `peers`, `storeBytes` and the
   * main-thread load from `current` only, `p2pRatio` recomputed from the summed bytes.
   */
  combine(current: EngineStats | undefined): EngineStats {
    const now = current ?? NO_ENGINE;
    const httpBytes = this.banked.httpBytes + now.httpBytes;
    const p2pBytes = this.banked.p2pBytes + now.p2pBytes;
    const downloaded = httpBytes + p2pBytes;
    return {
      httpBytes,
      p2pBytes,
      uploadBytes: this.banked.uploadBytes + now.uploadBytes,
      p2pRatio: downloaded === 0 ? 0 : p2pBytes / downloaded,
      segments: {
        http: this.banked.segments.http + now.segments.http,
        p2p: this.banked.segments.p2p + now.segments.p2p,
        cache: this.banked.segments.cache + now.segments.cache,
      },
      peers: now.peers,
      storeBytes: now.storeBytes,
      p2pBytesByPath: addByPath(this.banked.p2pBytesByPath, now.p2pBytesByPath),
      uploadBytesByPath: addByPath(this.banked.uploadBytesByPath, now.uploadBytesByPath),
      ...(now.mainThreadLevel === undefined ? {} : { mainThreadLevel: now.mainThreadLevel }),
      ...(now.mainThreadLagMs === undefined ? {} : { mainThreadLagMs: now.mainThreadLagMs }),
    };
  }
}

/**
 * Shared fixtures of the engine tests that drive prefetch against one peer holding everything
 * (main-thread-backoff.test.ts, paused-prefetch.test.ts): a VOD stream of ten 4 s MPEG-TS
 * segments, their bytes, and the peer.
 */
import { createHash } from 'node:crypto';
import type { Segment, SegmentId, StreamDescriptor } from '../../../core/model/segment.js';
import type { PeerCandidate } from '../../../core/scheduler/request-plan.js';
import type {
  PeerRequestOptions,
  PeerResponse,
  SegmentPeers,
} from '../../../core/scheduler/segment-peers.js';

/** The stream the tests play. */
export const STREAM: StreamDescriptor = { key: 'main:v1/index.m3u8', kind: 'main' };

/** Ten 4 s segments. */
export const SEGMENTS: Segment[] = Array.from({ length: 10 }, (_, i) => ({
  id: i,
  url: `https://cdn.test/v1/seg${i}.ts`,
  startTime: i * 4,
  endTime: i * 4 + 4,
}));

/** 20 MPEG-TS packets of bytes that differ per `seed`. */
export function tsSegment(seed: number): Uint8Array {
  const data = new Uint8Array(188 * 20);
  for (let i = 0; i < data.byteLength; i++) data[i] = i % 188 === 0 ? 0x47 : (i + seed * 31) % 253;
  return data;
}

/** One peer with every segment (sent whole, with its digest); records what it was asked for. */
export class EveryPeer implements SegmentPeers {
  readonly peerCount = 1;
  readonly alone = false;
  readonly requested: SegmentId[] = [];
  candidates(): PeerCandidate[] {
    return [
      { peerId: 'p', has: true, fetching: false, throughputBps: 1e8, inFlight: 0, proven: true },
    ];
  }
  request(_peerId: string, id: SegmentId, options: PeerRequestOptions): Promise<PeerResponse> {
    this.requested.push(id);
    const data = tsSegment(id);
    const digest = new Uint8Array(createHash('sha256').update(data).digest());
    options.onStart({ totalBytes: data.byteLength, digest });
    options.onChunk(data.subarray(options.byteOffset));
    return Promise.resolve({ totalBytes: data.byteLength, digest });
  }
  announceFetch(): void {}
  vouch(): void {}
  onAvailabilityChange(): () => void {
    return () => undefined;
  }
  penalize(): void {}
  ban(): void {}
}

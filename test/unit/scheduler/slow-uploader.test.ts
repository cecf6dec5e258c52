/**
 * A peer whose upload is slower than the stream (issue 16's `uplink` scenario) must never hold a
 * segment past its deadline: the delivery gives the transfer up as soon as its pace says it cannot
 * finish in time, and the origin sends the rest (a range, when the trusted hash can vouch for the
 * join) or the whole segment. Fake clock: chunks drip on timers, nothing really waits.
 */
import { webcrypto } from 'node:crypto';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import type { Segment, SegmentId } from '../../../core/model/segment.js';
import { PeerRequestError } from '../../../core/p2p/peer/peer-request-error.js';
import type { PeerCandidate } from '../../../core/scheduler/request-plan.js';
import {
  deliverSegment,
  type DeliveryContext,
  type OriginRange,
} from '../../../core/scheduler/segment-delivery.js';
import type {
  FetchState,
  PeerRequestOptions,
  PeerResponse,
  SegmentPeers,
} from '../../../core/scheduler/segment-peers.js';
import type { SegmentTrust } from '../../../core/scheduler/segment-trust.js';
import { syntheticTsSegment } from '../../support/synthetic-segments.js';

/** ~500 kB: 2 s of a 2 Mbit/s stream. */
const SEGMENT_BYTES = syntheticTsSegment(3, 2660);
const SEGMENT: Segment = { id: 9, url: 'http://127.0.0.1/seg9.ts', startTime: 18, endTime: 20 };
const CHUNK_BYTES = 16_000;

/** One peer holding the segment that sends a chunk every `chunkIntervalMs` (after one interval). */
class DrippingPeer implements SegmentPeers {
  readonly peerCount = 1;
  readonly alone = false;
  readonly penalties: string[] = [];
  readonly requests: number[] = [];
  readonly announcements: FetchState[] = [];
  /** `performance.now()` when the request was aborted, if it was. */
  abortedAtMs: number | undefined;

  constructor(
    private readonly chunkIntervalMs: number,
    private readonly throughputBps?: number,
  ) {}

  candidates(_segmentId: SegmentId): PeerCandidate[] {
    if (this.penalties.length > 0) return [];
    return [
      {
        peerId: 'slow',
        has: true,
        fetching: false,
        throughputBps: this.throughputBps,
        inFlight: 0,
        proven: true,
      },
    ];
  }

  request(_peerId: string, _id: SegmentId, options: PeerRequestOptions): Promise<PeerResponse> {
    this.requests.push(options.byteOffset);
    const totalBytes = SEGMENT_BYTES.byteLength;
    return new Promise((resolve, reject) => {
      let offset = options.byteOffset;
      let started = false;
      const timer = setInterval(() => {
        if (!started) {
          started = true;
          options.onStart({ totalBytes });
        }
        const end = Math.min(offset + CHUNK_BYTES, totalBytes);
        options.onChunk(SEGMENT_BYTES.subarray(offset, end));
        offset = end;
        if (offset >= totalBytes) {
          clearInterval(timer);
          resolve({ totalBytes });
        }
      }, this.chunkIntervalMs);
      options.signal.addEventListener('abort', () => {
        clearInterval(timer);
        this.abortedAtMs = performance.now();
        reject(new PeerRequestError('aborted', 'cancelled'));
      });
    });
  }

  announceFetch(_id: SegmentId, state: FetchState): void {
    this.announcements.push(state);
  }
  onAvailabilityChange(): () => void {
    return () => undefined;
  }
  vouch(): void {}
  penalize(_peerId: string, reason: P2PMediaLoaderError): void {
    this.penalties.push(reason instanceof PeerRequestError ? reason.reason : reason.code);
  }
  ban(): void {}
}

function context(peers: SegmentPeers, overrides: Partial<DeliveryContext> = {}) {
  const httpRequests: { range: OriginRange | undefined; atMs: number }[] = [];
  const bytes = { http: 0, p2p: 0 };
  const ctx: DeliveryContext = {
    segment: SEGMENT,
    peers: () => peers,
    peerWarmupSeconds: () => 0,
    http: (range, _signal, onChunk) => {
      httpRequests.push({ range, atMs: performance.now() });
      const data = SEGMENT_BYTES.subarray(
        range?.start ?? 0,
        range?.end ?? SEGMENT_BYTES.byteLength,
      );
      onChunk(data);
      return Promise.resolve({ data });
    },
    // 6 s to the playhead, 1.5 s margin, 50 Mbit/s HTTP (0.08 s for the segment): peers get ~4.4 s.
    slackSeconds: () => 6,
    expectedBytes: () => SEGMENT_BYTES.byteLength,
    httpBps: () => 50_000_000,
    safetyMarginSeconds: 1.5,
    playerWaiting: () => true,
    expectedContainer: () => 'mpeg-ts',
    onBytes: (source, count) => {
      bytes[source] += count;
    },
    onProgress: () => undefined,
    random: () => 0,
    ...overrides,
  };
  return { ctx, httpRequests, bytes };
}

const PEER_DEADLINE_MS = (6 - 1.5 - (SEGMENT_BYTES.byteLength * 8) / 50_000_000) * 1000;

describe('a peer uploading slower than the stream', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is given up as soon as its pace misses the deadline, and the origin sends the segment', async () => {
    // 16 kB every 250 ms = 512 kbit/s: the segment would take ~7.8 s, the deadline is ~4.4 s away.
    const peer = new DrippingPeer(250);
    const { ctx, httpRequests, bytes } = context(peer);
    const startMs = performance.now();
    const pending = deliverSegment(ctx, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(PEER_DEADLINE_MS);
    const delivery = await pending;

    expect(delivery).toMatchObject({ source: 'http', verified: 'origin', contributors: [] });
    expect(delivery.data).toEqual(SEGMENT_BYTES);
    // Given up once its projection is twice too late (~1.3 s in), not after its whole deadline.
    expect((peer.abortedAtMs ?? Infinity) - startMs).toBeLessThanOrEqual(1500);
    expect(httpRequests).toHaveLength(1);
    const [request] = httpRequests;
    expect((request?.atMs ?? Infinity) - startMs).toBeLessThan(PEER_DEADLINE_MS);
    // No trusted hash: nothing could vouch for a join of its bytes with the origin's.
    expect(request?.range).toBeUndefined();
    expect(bytes.p2p).toBeGreaterThan(0);
    expect(peer.penalties).toEqual(['deadline-missed']);
  });

  it('with the trusted hash, leaves the peer its bytes and takes only the rest from the origin', async () => {
    const digest = new Uint8Array(await webcrypto.subtle.digest('SHA-256', SEGMENT_BYTES));
    const trust: SegmentTrust = {
      strict: true,
      current: () => ({ kind: 'listed', digest }),
      lookup: () => Promise.resolve({ kind: 'listed', digest }),
    };
    const peer = new DrippingPeer(250);
    const { ctx, httpRequests, bytes } = context(peer, { trust });
    const pending = deliverSegment(ctx, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(PEER_DEADLINE_MS);
    const delivery = await pending;

    expect(delivery).toMatchObject({ source: 'http', verified: 'trusted', contributors: ['slow'] });
    expect(delivery.data).toEqual(SEGMENT_BYTES);
    expect(httpRequests).toHaveLength(1);
    const range = httpRequests[0]?.range;
    expect(range?.start).toBe(bytes.p2p);
    expect(range?.start).toBeGreaterThan(0);
    expect(bytes.p2p + bytes.http).toBe(SEGMENT_BYTES.byteLength);
  });

  it('keeps a peer whose pace finishes within the deadline', async () => {
    // 16 kB every 100 ms = 1.28 Mbit/s: ~3.2 s for the segment, within the ~4.4 s deadline.
    const peer = new DrippingPeer(100);
    const { ctx, httpRequests } = context(peer);
    const pending = deliverSegment(ctx, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(PEER_DEADLINE_MS);
    const delivery = await pending;
    expect(delivery).toMatchObject({ source: 'p2p', peerId: 'slow' });
    expect(httpRequests).toHaveLength(0);
    expect(peer.penalties).toEqual([]);
  });

  it('is not asked at all for an urgent segment once its throughput is measured too low', async () => {
    const peer = new DrippingPeer(250, 512_000);
    const { ctx, httpRequests } = context(peer);
    const pending = deliverSegment(ctx, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(0);
    const delivery = await pending;
    expect(delivery.source).toBe('http');
    expect(peer.requests).toEqual([]);
    expect(httpRequests).toHaveLength(1);
  });
});

import { webcrypto } from 'node:crypto';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import type { ByteRange, Segment, SegmentId } from '../../../core/model/segment.js';
import type { PeerCandidate } from '../../../core/scheduler/request-plan.js';
import { deliverSegment, type DeliveryContext } from '../../../core/scheduler/segment-delivery.js';
import type {
  HttpFetchState,
  PeerRequestOptions,
  PeerResponse,
  SegmentPeers,
} from '../../../core/scheduler/segment-peers.js';

// A 20-packet MPEG-TS segment with recognisable content.
const ORIGIN_BYTES = (() => {
  const data = new Uint8Array(188 * 20);
  for (let i = 0; i < data.byteLength; i++) data[i] = i % 188 === 0 ? 0x47 : (i * 7) % 251;
  return data;
})();
const SEGMENT: Segment = { id: 7, url: 'http://127.0.0.1/seg7.ts', startTime: 14, endTime: 16 };

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.digest('SHA-256', data));
}

type PeerBehaviour = 'good' | 'stall-half' | 'corrupt' | 'absent';

/** Peers of a swarm, each serving the segment in its own way (in memory, chunked, async). */
class ScriptedPeers implements SegmentPeers {
  readonly penalized: string[] = [];
  readonly announcements: HttpFetchState[] = [];
  private readonly listeners = new Set<() => void>();
  alone = false;
  get peerCount(): number {
    return Object.keys(this.behaviours).length;
  }

  /** The tracker reports that nobody else is in the swarm. */
  becomeAlone(): void {
    this.alone = true;
    for (const listener of [...this.listeners]) listener();
  }
  constructor(private readonly behaviours: Record<string, PeerBehaviour>) {}

  candidates(_segmentId: SegmentId): PeerCandidate[] {
    return Object.keys(this.behaviours)
      .filter((peerId) => !this.penalized.includes(peerId))
      .map((peerId) => ({
        peerId,
        has: true,
        fetching: false,
        throughputBps: 10_000_000,
        inFlight: 0,
      }));
  }

  async request(
    peerId: string,
    _id: SegmentId,
    options: PeerRequestOptions,
  ): Promise<PeerResponse> {
    const behaviour = this.behaviours[peerId];
    if (behaviour === 'absent') {
      throw new P2PMediaLoaderError('segment-unknown', 'absent');
    }
    let data = ORIGIN_BYTES.slice(options.byteOffset);
    const digest = await sha256(ORIGIN_BYTES);
    if (behaviour === 'corrupt') {
      data = data.slice();
      data[500] = (data[500] ?? 0) ^ 0xff;
    }
    options.onStart({ totalBytes: ORIGIN_BYTES.byteLength, digest });
    const chunkBytes = 1000;
    for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
      if (behaviour === 'stall-half' && offset >= data.byteLength / 2) {
        // Goes silent until the caller gives up.
        await new Promise<void>((_resolve, reject) => {
          options.signal.addEventListener('abort', () => {
            reject(new P2PMediaLoaderError('aborted', 'cancelled'));
          });
        });
      }
      await Promise.resolve();
      if (options.signal.aborted) throw new P2PMediaLoaderError('aborted', 'cancelled');
      options.onChunk(data.subarray(offset, offset + chunkBytes));
    }
    return { totalBytes: ORIGIN_BYTES.byteLength, digest };
  }

  announceHttpFetch(_id: SegmentId, state: HttpFetchState): void {
    this.announcements.push(state);
  }

  onAvailabilityChange(_id: SegmentId, listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  penalize(peerId: string): void {
    this.penalized.push(peerId);
  }
}

function context(peers: SegmentPeers | undefined, overrides: Partial<DeliveryContext> = {}) {
  const httpRanges: (ByteRange | undefined)[] = [];
  const bytesBySource = { http: 0, p2p: 0 };
  const ctx: DeliveryContext = {
    segment: SEGMENT,
    peers: () => peers,
    peerWarmupSeconds: () => 0,
    http: (range, _signal, onChunk) => {
      httpRanges.push(range);
      const part = ORIGIN_BYTES.slice(range?.start ?? 0, range?.end ?? ORIGIN_BYTES.byteLength);
      onChunk(part);
      return Promise.resolve(part);
    },
    slackSeconds: () => 5,
    expectedBytes: () => ORIGIN_BYTES.byteLength,
    httpBps: () => 50_000_000,
    safetyMarginSeconds: 1.5,
    playerWaiting: () => true,
    expectedContainer: () => 'mpeg-ts',
    onBytes: (source, bytes) => {
      bytesBySource[source] += bytes;
    },
    onProgress: () => undefined,
    random: () => 0,
    ...overrides,
  };
  return { ctx, httpRanges, bytesBySource };
}

describe('deliverSegment', () => {
  it('fetches over HTTP when P2P is off', async () => {
    const { ctx, httpRanges } = context(undefined);
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result.source).toBe('http');
    expect(result.data).toEqual(ORIGIN_BYTES);
    expect(httpRanges).toEqual([undefined]);
  });

  it('takes the segment from a peer that has it and verifies its digest', async () => {
    const peers = new ScriptedPeers({ a: 'good' });
    const { ctx, httpRanges, bytesBySource } = context(peers);
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result).toMatchObject({ source: 'p2p', peerId: 'a' });
    expect(result.data).toEqual(ORIGIN_BYTES);
    expect(httpRanges).toHaveLength(0);
    expect(bytesBySource.p2p).toBe(ORIGIN_BYTES.byteLength);
  });

  it('completes a stalled peer transfer over HTTP with a byte range when the deadline passes', async () => {
    const peers = new ScriptedPeers({ a: 'stall-half' });
    // 1.7 s of slack, 1.5 s margin: the peer gets ~0.2 s.
    const { ctx, httpRanges, bytesBySource } = context(peers, { slackSeconds: () => 1.7 });
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result.source).toBe('http');
    expect(result.data).toEqual(ORIGIN_BYTES);
    expect(httpRanges).toHaveLength(1);
    const range = httpRanges[0];
    expect(range?.start).toBeGreaterThan(0);
    expect(range?.end).toBe(ORIGIN_BYTES.byteLength);
    expect(bytesBySource.p2p + bytesBySource.http).toBe(ORIGIN_BYTES.byteLength);
    expect(peers.announcements).toEqual(['started', 'succeeded']);
  });

  it('drops corrupt bytes from a peer, penalizes it and uses a good peer', async () => {
    const peers = new ScriptedPeers({ bad: 'corrupt', good: 'good' });
    const { ctx } = context(peers, {
      // Make the corrupt peer the first choice.
      random: () => 0,
    });
    const candidates = peers.candidates.bind(peers);
    peers.candidates = (id) => candidates(id).sort((a) => (a.peerId === 'bad' ? -1 : 1));
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(peers.penalized).toEqual(['bad']);
    expect(result).toMatchObject({ source: 'p2p', peerId: 'good' });
    expect(result.data).toEqual(ORIGIN_BYTES);
  });

  it('falls back to HTTP when every peer fails', async () => {
    const peers = new ScriptedPeers({ x: 'absent', y: 'corrupt' });
    const { ctx } = context(peers);
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result.source).toBe('http');
    expect(result.data).toEqual(ORIGIN_BYTES);
    expect(peers.penalized.sort()).toEqual(['x', 'y']);
  });

  it('gives up a prefetch nobody can serve instead of using HTTP', async () => {
    const { ctx, httpRanges } = context(new ScriptedPeers({}), { playerWaiting: () => false });
    await expect(deliverSegment(ctx, new AbortController().signal)).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(httpRanges).toHaveLength(0);
  });

  describe('while the swarm warms up', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('holds a segment with time to spare back from the origin', async () => {
      const warmupEndsAtMs = Date.now() + 5000;
      const { ctx, httpRanges } = context(new ScriptedPeers({}), {
        slackSeconds: () => 20,
        peerWarmupSeconds: () => Math.max(0, (warmupEndsAtMs - Date.now()) / 1000),
      });
      const pending = deliverSegment(ctx, new AbortController().signal);
      await jest.advanceTimersByTimeAsync(4000);
      expect(httpRanges).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1000);
      expect((await pending).source).toBe('http');
    });

    it('does not hold it back when the tracker says nobody else is in the swarm', async () => {
      const peers = new ScriptedPeers({});
      peers.alone = true;
      const { ctx, httpRanges } = context(peers, {
        slackSeconds: () => 20,
        peerWarmupSeconds: () => 5,
      });
      const pending = deliverSegment(ctx, new AbortController().signal);
      await jest.advanceTimersByTimeAsync(0);
      expect(httpRanges).toEqual([undefined]);
      expect((await pending).source).toBe('http');
    });

    it('releases a held segment as soon as the swarm turns out to be empty', async () => {
      const peers = new ScriptedPeers({});
      const { ctx, httpRanges } = context(peers, {
        slackSeconds: () => 20,
        peerWarmupSeconds: () => 5,
      });
      const pending = deliverSegment(ctx, new AbortController().signal);
      await jest.advanceTimersByTimeAsync(300);
      expect(httpRanges).toHaveLength(0);
      peers.becomeAlone();
      await jest.advanceTimersByTimeAsync(0);
      expect(httpRanges).toEqual([undefined]);
      expect((await pending).source).toBe('http');
    });
  });

  it('rejects with aborted when the caller aborts while waiting', async () => {
    const peers = new ScriptedPeers({});
    peers.candidates = () => [
      { peerId: 'f', has: false, fetching: true, throughputBps: undefined, inFlight: 0 },
    ];
    const { ctx } = context(peers, { slackSeconds: () => 30 });
    const controller = new AbortController();
    const pending = deliverSegment(ctx, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });
});

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
import type { SegmentTrust, TrustedDigest } from '../../../core/scheduler/segment-trust.js';

/** A 20-packet MPEG-TS-shaped segment whose payload depends on `seed`. */
function tsSegment(seed: number): Uint8Array {
  const data = new Uint8Array(188 * 20);
  for (let i = 0; i < data.byteLength; i++) {
    data[i] = i % 188 === 0 ? 0x47 : (i * 7 + seed * 13) % 251;
  }
  return data;
}

// What the origin serves, and a well-formed segment of the same size that is not it.
const ORIGIN_BYTES = tsSegment(0);
const FORGED_BYTES = tsSegment(1);
const HALF = ORIGIN_BYTES.byteLength / 2;
const SEGMENT: Segment = { id: 7, url: 'http://127.0.0.1/seg7.ts', startTime: 14, endTime: 16 };

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.digest('SHA-256', data));
}

type PeerBehaviour =
  /** Serves the origin's bytes with their digest. */
  | 'good'
  /** Sends the first half, then goes silent until cancelled. */
  | 'stall-half'
  /** Flips a byte but announces the true digest. */
  | 'corrupt'
  /** Serves another well-formed segment with that segment's own digest (self-consistent). */
  | 'forged'
  /** Sends the first half of the forged segment, then fails. */
  | 'hostile-prefix'
  /** Claims the segment is twice its size, sends the true first half, then goes silent. */
  | 'big-claim-stall'
  | 'absent';

/** Peers of a swarm, each serving the segment in its own way (in memory, chunked, async). */
class ScriptedPeers implements SegmentPeers {
  readonly penalized: string[] = [];
  /** Why each penalty was given: a peer request's `reason`, else the error's `code`. */
  readonly penaltyReasons: string[] = [];
  readonly banned: string[] = [];
  readonly requests: { peerId: string; byteOffset: number }[] = [];
  readonly announcements: FetchState[] = [];
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
  /** Peers are offered in the order of `behaviours`' keys. */
  constructor(private readonly behaviours: Record<string, PeerBehaviour>) {}

  candidates(_segmentId: SegmentId): PeerCandidate[] {
    const peerIds = Object.keys(this.behaviours).filter(
      (peerId) => !this.penalized.includes(peerId) && !this.banned.includes(peerId),
    );
    // Later candidates look slower, so the planner picks them in order.
    return peerIds.map((peerId, index) => ({
      peerId,
      has: true,
      fetching: false,
      throughputBps: 10_000_000 / (index + 1),
      inFlight: 0,
      proven: this.vouched.has(peerId),
    }));
  }

  async request(
    peerId: string,
    _id: SegmentId,
    options: PeerRequestOptions,
  ): Promise<PeerResponse> {
    this.requests.push({ peerId, byteOffset: options.byteOffset });
    const behaviour = this.behaviours[peerId];
    if (behaviour === 'absent') {
      throw new P2PMediaLoaderError('segment-unknown', 'absent');
    }
    const forged = behaviour === 'forged' || behaviour === 'hostile-prefix';
    const source = forged ? FORGED_BYTES : ORIGIN_BYTES;
    let data = source.slice(options.byteOffset);
    const digest = await sha256(source);
    if (behaviour === 'corrupt') {
      data = data.slice();
      data[500] = (data[500] ?? 0) ^ 0xff;
    }
    const totalBytes = behaviour === 'big-claim-stall' ? source.byteLength * 2 : source.byteLength;
    options.onStart({ totalBytes, digest });
    const chunkBytes = 1000;
    const stopAt = HALF - options.byteOffset;
    for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
      const end = Math.min(offset + chunkBytes, data.byteLength);
      const halfway = behaviour === 'stall-half' || behaviour === 'big-claim-stall';
      if ((halfway || behaviour === 'hostile-prefix') && offset >= stopAt) {
        if (behaviour === 'hostile-prefix') {
          throw new P2PMediaLoaderError('peer-protocol', 'connection dropped');
        }
        // Goes silent until the caller gives up.
        await new Promise<void>((_resolve, reject) => {
          options.signal.addEventListener('abort', () => {
            reject(new P2PMediaLoaderError('aborted', 'cancelled'));
          });
        });
      }
      await Promise.resolve();
      if (options.signal.aborted) throw new P2PMediaLoaderError('aborted', 'cancelled');
      const sliceEnd = halfway || behaviour === 'hostile-prefix' ? Math.min(end, stopAt) : end;
      options.onChunk(data.subarray(offset, sliceEnd));
    }
    return { totalBytes, digest };
  }

  announceFetch(_id: SegmentId, state: FetchState): void {
    this.announcements.push(state);
  }

  onAvailabilityChange(_id: SegmentId, listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  penalize(peerId: string, reason: P2PMediaLoaderError): void {
    this.penalized.push(peerId);
    this.penaltyReasons.push(reason instanceof PeerRequestError ? reason.reason : reason.code);
  }

  ban(peerId: string): void {
    this.banned.push(peerId);
  }

  /** Peers a delivery vouched for. */
  readonly vouched = new Set<string>();
  vouch(peerId: string): void {
    this.vouched.add(peerId);
  }
}

/** The origin: serves byte ranges and open-ended ranges of `bytes`, like a CDN would. */
function origin(bytes: Uint8Array) {
  const ranges: (OriginRange | undefined)[] = [];
  const http: DeliveryContext['http'] = (range, _signal, onChunk) => {
    ranges.push(range);
    const start = range?.start ?? 0;
    if (start >= bytes.byteLength) {
      return Promise.reject(
        new P2PMediaLoaderError('http-status', 'HTTP 416 Range Not Satisfiable', { status: 416 }),
      );
    }
    const part = bytes.slice(start, range?.end ?? bytes.byteLength);
    onChunk(part);
    return Promise.resolve({ data: part });
  };
  return { ranges, http };
}

/** A trusted hash that is known at once. */
function knownTrust(verdict: TrustedDigest, strict = true): SegmentTrust & { lookups: number } {
  const trust = {
    strict,
    lookups: 0,
    current: () => verdict,
    lookup: () => {
      trust.lookups++;
      return Promise.resolve(verdict);
    },
  };
  return trust;
}

function context(peers: SegmentPeers | undefined, overrides: Partial<DeliveryContext> = {}) {
  const { ranges: httpRanges, http } = origin(ORIGIN_BYTES);
  const bytesBySource = { http: 0, p2p: 0 };
  const warnings: P2PMediaLoaderError[] = [];
  const ctx: DeliveryContext = {
    segment: SEGMENT,
    peers: () => peers,
    peerWarmupSeconds: () => 0,
    http,
    slackSeconds: () => 5,
    expectedBytes: () => ORIGIN_BYTES.byteLength,
    httpBps: () => 50_000_000,
    safetyMarginSeconds: 1.5,
    playerWaiting: () => true,
    expectedContainer: () => 'mpeg-ts',
    onIntegrityWarning: (error) => warnings.push(error),
    onBytes: (source, bytes) => {
      bytesBySource[source] += bytes;
    },
    onProgress: () => undefined,
    random: () => 0,
    ...overrides,
  };
  return { ctx, httpRanges, bytesBySource, warnings };
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
    // Its checked segment ends the peer's probation.
    expect([...peers.vouched]).toEqual(['a']);
    // Our peers heard of the download from a peer like of one from the origin, so a viewer that
    // reaches us but not peer `a` waits for our copy instead of going to the origin.
    expect(peers.announcements).toEqual(['started', 'succeeded']);
  });

  it('without trusted hashes, refetches a stalled peer transfer whole instead of completing it', async () => {
    const peers = new ScriptedPeers({ a: 'stall-half' });
    // 2.3 s of slack, 1.5 s margin: the peer gets ~0.8 s (room for its first half on a loaded
    // machine), then its deadline passes.
    const { ctx, httpRanges, bytesBySource } = context(peers, { slackSeconds: () => 2.3 });
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result).toMatchObject({ source: 'http', verified: 'origin', contributors: [] });
    expect(result.data).toEqual(ORIGIN_BYTES);
    // Nothing could vouch for the peer's half joined to the origin's: the origin sent it all.
    expect(httpRanges).toEqual([undefined]);
    expect(bytesBySource.p2p).toBe(HALF);
    expect(bytesBySource.http).toBe(ORIGIN_BYTES.byteLength);
    // Its half was true: an honest but slow peer is not banned, only paused for missing its deadline.
    expect(peers.banned).toEqual([]);
    expect(peers.penalized).toEqual(['a']);
    expect(peers.penaltyReasons).toEqual(['deadline-missed']);
    // The peer transfer was announced as a fetch, and ended as failed before the origin's began.
    expect(peers.announcements).toEqual(['started', 'failed', 'started', 'succeeded']);
  });

  it('without trusted hashes, never uses the size a peer claims and bans a peer that lied about it', async () => {
    const peers = new ScriptedPeers({ a: 'big-claim-stall' });
    const { ctx, httpRanges } = context(peers, { slackSeconds: () => 1.7 });
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result.data).toEqual(ORIGIN_BYTES);
    expect(result.data.byteLength).toBe(ORIGIN_BYTES.byteLength);
    expect(httpRanges).toEqual([undefined]);
    expect(peers.banned).toEqual(['a']);
  });

  it('does not hand out the digest of bytes only peers vouch for', async () => {
    const { ctx } = context(new ScriptedPeers({ a: 'good' }));
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(result).toMatchObject({ source: 'p2p', verified: 'peer-digest', contributors: ['a'] });
    expect(result.digest).toBeUndefined();
    expect(result.shareable).toBe(true);
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

    it('gives a peer its whole time even when the slack exceeds what a timer can hold', async () => {
      // setTimeout fires at once for delays past 2^31 - 1 ms (~24.8 days), e.g. at a tiny rate.
      const peers = new ScriptedPeers({ a: 'stall-half' });
      const { ctx, httpRanges } = context(peers, { slackSeconds: () => 3e6 });
      const controller = new AbortController();
      const pending = deliverSegment(ctx, controller.signal);
      await jest.advanceTimersByTimeAsync(100);
      expect(peers.requests).toHaveLength(1);
      expect(httpRanges).toHaveLength(0);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'aborted' });
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
      {
        peerId: 'f',
        has: false,
        fetching: true,
        throughputBps: undefined,
        inFlight: 0,
        proven: false,
      },
    ];
    const { ctx } = context(peers, { slackSeconds: () => 30 });
    const controller = new AbortController();
    const pending = deliverSegment(ctx, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('never joins a chunk a peer sends after its request failed to the origin bytes', async () => {
    // A peer layer that lets a late chunk through (the request already rejected) must not be able
    // to slip bytes in front of an origin download, which is delivered unchecked.
    let lateChunk: ((chunk: Uint8Array) => void) | undefined;
    const peers = new ScriptedPeers({ late: 'good' });
    peers.request = (_peerId, _id, options) => {
      options.onStart({ totalBytes: FORGED_BYTES.byteLength });
      lateChunk = options.onChunk;
      return Promise.reject(new P2PMediaLoaderError('peer-protocol', 'connection dropped'));
    };
    const { http } = origin(ORIGIN_BYTES);
    const { ctx } = context(peers, {
      http: (range, signal, onChunk) => {
        lateChunk?.(FORGED_BYTES.subarray(0, 1000));
        return http(range, signal, onChunk);
      },
    });
    const result = await deliverSegment(ctx, new AbortController().signal);
    expect(lateChunk).toBeDefined();
    expect(result).toMatchObject({ source: 'http', verified: 'origin', contributors: [] });
    expect(result.data).toEqual(ORIGIN_BYTES);
  });

  describe('with trusted hashes', () => {
    let trustedDigest: Uint8Array;
    beforeAll(async () => {
      trustedDigest = await sha256(ORIGIN_BYTES);
    });
    const listed = (): TrustedDigest => ({ kind: 'listed', digest: trustedDigest });

    it('accepts peer bytes that match the trusted hash and vouches for them', async () => {
      const peers = new ScriptedPeers({ a: 'good' });
      const { ctx, httpRanges } = context(peers, { trust: knownTrust(listed()) });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(result).toMatchObject({ source: 'p2p', verified: 'trusted', contributors: ['a'] });
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(result.digest).toEqual(trustedDigest);
      expect(httpRanges).toEqual([]);
    });

    it('refuses a self-consistent forgery: fetches the segment whole, bans the peer, delivers the origin bytes', async () => {
      const peers = new ScriptedPeers({ liar: 'forged', honest: 'good' });
      const { ctx, httpRanges } = context(peers, { trust: knownTrust(listed()) });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(result).toMatchObject({ source: 'http', verified: 'origin', contributors: [] });
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(httpRanges).toEqual([undefined]);
      expect(peers.banned).toEqual(['liar']);
      expect(peers.vouched.size).toBe(0);
    });

    it('bans only the peer whose prefix was wrong, never the honest peer that completed it', async () => {
      const peers = new ScriptedPeers({ prefix: 'hostile-prefix', completer: 'good' });
      const { ctx, httpRanges } = context(peers, { trust: knownTrust(listed()) });
      const result = await deliverSegment(ctx, new AbortController().signal);
      // The honest peer did continue from the hostile half.
      expect(peers.requests).toEqual([
        { peerId: 'prefix', byteOffset: 0 },
        { peerId: 'completer', byteOffset: HALF },
      ]);
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(httpRanges).toEqual([undefined]);
      expect(peers.banned).toEqual(['prefix']);
    });

    it('completes a stalled honest transfer from the origin up to the end the origin reports', async () => {
      const peers = new ScriptedPeers({ a: 'stall-half' });
      const { ctx, httpRanges } = context(peers, {
        trust: knownTrust(listed()),
        slackSeconds: () => 1.7,
      });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(result).toMatchObject({ source: 'http', verified: 'trusted', contributors: ['a'] });
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(httpRanges).toEqual([{ start: HALF }]);
      expect(peers.banned).toEqual([]);
    });

    it('asks the origin for the rest without the end a peer claimed', async () => {
      const peers = new ScriptedPeers({ a: 'big-claim-stall' });
      const { ctx, httpRanges } = context(peers, {
        trust: knownTrust(listed()),
        slackSeconds: () => 1.7,
      });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(httpRanges).toEqual([{ start: HALF }]);
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(result.verified).toBe('trusted');
    });

    it('fetches whole and bans when the peer bytes reach past the end of the origin resource', async () => {
      // The origin's resource is shorter than what the peer already sent.
      const short = ORIGIN_BYTES.slice(0, HALF / 2);
      const shortOrigin = origin(short);
      const peers = new ScriptedPeers({ a: 'stall-half' });
      const { ctx } = context(peers, {
        trust: knownTrust(listed()),
        slackSeconds: () => 1.7,
        http: shortOrigin.http,
      });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(shortOrigin.ranges).toEqual([{ start: HALF }, undefined]);
      expect(result.data).toEqual(short);
      expect(result.verified).toBe('origin');
      expect(peers.banned).toEqual(['a']);
    });

    it('strict: does not take a segment the manifest does not list from peers', async () => {
      const peers = new ScriptedPeers({ a: 'good' });
      const { ctx, httpRanges } = context(peers, { trust: knownTrust({ kind: 'unlisted' }) });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(result).toMatchObject({ source: 'http', verified: 'origin' });
      expect(peers.requests).toEqual([]);
      expect(httpRanges).toEqual([undefined]);
    });

    it('strict: a prefetch of an unlisted segment gives up rather than use peers', async () => {
      const peers = new ScriptedPeers({ a: 'good' });
      const { ctx } = context(peers, {
        trust: knownTrust({ kind: 'unavailable' }),
        playerWaiting: () => false,
      });
      await expect(deliverSegment(ctx, new AbortController().signal)).rejects.toMatchObject({
        code: 'aborted',
      });
      expect(peers.requests).toEqual([]);
    });

    it('fallback: an unlisted segment gets the untrusted checks', async () => {
      const peers = new ScriptedPeers({ bad: 'corrupt', good: 'good' });
      const { ctx } = context(peers, { trust: knownTrust({ kind: 'unlisted' }, false) });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(result).toMatchObject({ source: 'p2p', verified: 'peer-digest', peerId: 'good' });
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(peers.penalized).toEqual(['bad']);
    });

    it('delivers origin bytes that contradict the trusted hash, with a warning, but does not share them', async () => {
      const wrongDigest = await sha256(FORGED_BYTES);
      const { ctx, warnings } = context(undefined, {
        trust: knownTrust({ kind: 'listed', digest: wrongDigest }),
      });
      const result = await deliverSegment(ctx, new AbortController().signal);
      expect(result.data).toEqual(ORIGIN_BYTES);
      expect(result.shareable).toBe(false);
      expect(warnings.map((warning) => warning.code)).toEqual(['segment-integrity']);
    });

    describe('while the manifest is loading', () => {
      beforeEach(() => {
        jest.useFakeTimers();
      });
      afterEach(() => {
        jest.useRealTimers();
      });

      /** A manifest load that settles only when told to. */
      function pendingTrust() {
        let verdict: TrustedDigest | undefined;
        let settle: () => void = () => undefined;
        const loaded = new Promise<void>((resolve) => {
          settle = resolve;
        });
        let lookups = 0;
        const trust: SegmentTrust = {
          strict: true,
          current: () => verdict,
          lookup: async (signal) => {
            lookups++;
            await new Promise<void>((resolve, reject) => {
              signal.addEventListener('abort', () => {
                reject(new P2PMediaLoaderError('aborted', 'wait aborted'));
              });
              void loaded.then(resolve);
            });
            return verdict ?? { kind: 'unavailable' };
          },
        };
        return {
          trust,
          lookups: () => lookups,
          finish: (next: TrustedDigest) => {
            verdict = next;
            settle();
          },
        };
      }

      it('never delays a delivery whose deadline needs HTTP', async () => {
        const manifest = pendingTrust();
        const peers = new ScriptedPeers({ a: 'good' });
        // 1.4 s of slack against a 1.5 s margin: no time for peers.
        const { ctx, httpRanges } = context(peers, {
          trust: manifest.trust,
          slackSeconds: () => 1.4,
        });
        const pending = deliverSegment(ctx, new AbortController().signal);
        await jest.advanceTimersByTimeAsync(0);
        expect(httpRanges).toEqual([undefined]);
        expect((await pending).source).toBe('http');
        expect(manifest.lookups()).toBe(0);
      });

      it('lets peer bytes wait for the manifest only within their slack', async () => {
        const manifest = pendingTrust();
        const peers = new ScriptedPeers({ a: 'good' });
        // 3 s of slack, 1.5 s margin: peers get 1.5 s, then HTTP.
        const slackEndMs = Date.now() + 3000;
        const { ctx, httpRanges } = context(peers, {
          trust: manifest.trust,
          slackSeconds: () => (slackEndMs - Date.now()) / 1000,
        });
        const pending = deliverSegment(ctx, new AbortController().signal);
        await jest.advanceTimersByTimeAsync(1000);
        expect(httpRanges).toEqual([]);
        await jest.advanceTimersByTimeAsync(600);
        expect(httpRanges).toEqual([undefined]);
        const result = await pending;
        expect(result.source).toBe('http');
        expect(peers.requests).toEqual([]);
      });

      it('asks for the manifest once while it waits for the swarm, not on every look', async () => {
        // A manifest load that hangs must not gather one wait (and abort listener) per poll.
        const manifest = pendingTrust();
        const warmupEndsAtMs = Date.now() + 5000;
        const { ctx } = context(undefined, {
          trust: manifest.trust,
          slackSeconds: () => 20,
          peerWarmupSeconds: () => Math.max(0, (warmupEndsAtMs - Date.now()) / 1000),
        });
        const controller = new AbortController();
        const pending = deliverSegment(ctx, controller.signal);
        await jest.advanceTimersByTimeAsync(3000);
        expect(manifest.lookups()).toBe(1);
        controller.abort();
        await expect(pending).rejects.toMatchObject({ code: 'aborted' });
      });

      it('takes the segment from peers once the manifest lists it', async () => {
        const manifest = pendingTrust();
        const peers = new ScriptedPeers({ a: 'good' });
        const { ctx, httpRanges } = context(peers, {
          trust: manifest.trust,
          slackSeconds: () => 10,
        });
        const pending = deliverSegment(ctx, new AbortController().signal);
        await jest.advanceTimersByTimeAsync(200);
        manifest.finish(listed());
        await jest.advanceTimersByTimeAsync(0);
        const result = await pending;
        expect(result).toMatchObject({ source: 'p2p', verified: 'trusted' });
        expect(httpRanges).toEqual([]);
      });
    });
  });
});

/**
 * The engine's trusted-hash wiring with an in-memory origin (`fetch`) and scripted peers: where the
 * hash manifest is fetched from and how, what happens when it is missing, what is kept, and that
 * destroy() stops a load in flight. The delivery rules themselves are in segment-delivery.test.ts.
 */
import { createHash } from 'node:crypto';
import type { EngineConfig, HttpRequestContext } from '../../../core/engine/config.js';
import { Engine } from '../../../core/engine/engine.js';
import type { PeerNetwork } from '../../../core/engine/peer-network.js';
import type { EngineEventMap } from '../../../core/events/engine-events.js';
import type { Segment, SegmentId, StreamDescriptor } from '../../../core/model/segment.js';
import type { PeerCandidate } from '../../../core/scheduler/request-plan.js';
import type {
  PeerRequestOptions,
  PeerResponse,
  SegmentPeers,
} from '../../../core/scheduler/segment-peers.js';

const STREAM: StreamDescriptor = { key: 'main:v1/index.m3u8', kind: 'main' };
const MASTER_URL = 'https://cdn.test/show/master.m3u8?token=abc';
const HASHES_URL = 'https://cdn.test/show/hashes/segments.json';

function tsSegment(seed: number): Uint8Array {
  const data = new Uint8Array(188 * 10);
  for (let i = 0; i < data.byteLength; i++) data[i] = i % 188 === 0 ? 0x47 : (i + seed * 31) % 253;
  return data;
}

const SEGMENTS: Segment[] = [1, 2].map((n) => ({
  id: n,
  url: `https://cdn.test/show/v1/seg${n}.ts`,
  startTime: n * 2,
  endTime: n * 2 + 2,
}));
const BYTES = new Map<string, Uint8Array>(SEGMENTS.map((s) => [s.url, tsSegment(s.id)]));

function hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** PeerTube's format: file name -> hex digest. */
function manifestListing(entries: [string, Uint8Array][]): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(Object.fromEntries(entries.map(([name, bytes]) => [name, hex(bytes)]))),
  );
}

/** An in-memory origin; `manifest` undefined answers 404, 'hang' never answers (until aborted). */
function originFetch(manifest: Uint8Array | 'hang' | undefined) {
  const requests: { url: string; range: string | undefined; signal: AbortSignal | undefined }[] =
    [];
  const fetchImpl = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : input.toString();
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const signal = init?.signal ?? undefined;
    requests.push({ url, range: headers.Range, signal });
    if (url === HASHES_URL) {
      if (manifest === 'hang') {
        return new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }
      if (!manifest) return Promise.resolve(new Response('missing', { status: 404 }));
      return Promise.resolve(new Response(manifest.slice().buffer));
    }
    const bytes = BYTES.get(url);
    return Promise.resolve(
      bytes ? new Response(bytes.slice().buffer) : new Response('missing', { status: 404 }),
    );
  };
  return { requests, fetchImpl };
}

/** One peer that has every segment and serves `serve(url)` with its own digest. */
class OnePeer implements SegmentPeers {
  readonly peerCount = 1;
  readonly alone = false;
  readonly requested: SegmentId[] = [];
  readonly banned: string[] = [];
  constructor(private readonly serve: (segment: Segment) => Uint8Array) {}
  candidates(): PeerCandidate[] {
    if (this.banned.length > 0) return [];
    return [
      { peerId: 'p', has: true, fetching: false, throughputBps: 1e8, inFlight: 0, proven: true },
    ];
  }
  request(_peerId: string, id: SegmentId, options: PeerRequestOptions): Promise<PeerResponse> {
    this.requested.push(id);
    const segment = SEGMENTS.find((s) => s.id === id) as Segment;
    const data = this.serve(segment).slice(options.byteOffset);
    const digest = new Uint8Array(createHash('sha256').update(this.serve(segment)).digest());
    const totalBytes = this.serve(segment).byteLength;
    options.onStart({ totalBytes, digest });
    options.onChunk(data);
    return Promise.resolve({ totalBytes, digest });
  }
  announceFetch(): void {}
  vouch(): void {}
  onAvailabilityChange(): () => void {
    return () => undefined;
  }
  penalize(): void {}
  ban(peerId: string): void {
    this.banned.push(peerId);
  }
}

function start(
  integrity: EngineConfig['integrity'],
  manifest: Uint8Array | 'hang' | undefined,
  peers: SegmentPeers,
  extra: Partial<EngineConfig> = {},
) {
  const origin = originFetch(manifest);
  const network: PeerNetwork = {
    peersFor: () => peers,
    setActiveStreams: () => undefined,
    rememberDigest: () => undefined,
    peerCount: 1,
    destroy: () => undefined,
  };
  const engine = new Engine(
    { trackers: ['wss://tracker.test'], integrity, ...extra },
    { fetch: origin.fetchImpl, createPeerNetwork: () => network },
  );
  const events = {
    loaded: [] as EngineEventMap['segment-loaded'][],
    warnings: [] as EngineEventMap['integrity-warning'][],
  };
  engine.on('segment-loaded', (event) => events.loaded.push(event));
  engine.on('integrity-warning', (event) => events.warnings.push(event));
  engine.setSource(MASTER_URL);
  engine.updateStream(STREAM, { segments: SEGMENTS, isLive: false });
  engine.setActiveStream(STREAM);
  engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 30 });
  return { engine, origin, events };
}

const honest = (segment: Segment): Uint8Array => BYTES.get(segment.url) as Uint8Array;
const allListed = manifestListing(SEGMENTS.map((s) => [`seg${s.id}.ts`, honest(s)]));

describe('Engine with trusted hashes', () => {
  let engine: Engine | undefined;
  afterEach(() => {
    engine?.destroy();
    engine = undefined;
  });

  it('fetches the hash manifest once, relative to the stream manifest URL, through the request hook', async () => {
    const contexts: HttpRequestContext[] = [];
    const started = start(
      { hashManifestUrl: 'hashes/segments.json' },
      allListed,
      new OnePeer(honest),
      {
        httpRequestHook: (init, context) => {
          contexts.push(context);
          return init;
        },
      },
    );
    engine = started.engine;
    for (const segment of SEGMENTS) {
      const loaded = await engine.loadSegment(STREAM, segment);
      expect(new Uint8Array(loaded.data)).toEqual(honest(segment));
    }
    expect(started.events.loaded.map((event) => [event.source, event.verified])).toEqual([
      ['p2p', 'trusted'],
      ['p2p', 'trusted'],
    ]);
    expect(started.origin.requests.map((request) => request.url)).toEqual([HASHES_URL]);
    expect(contexts.map((context) => context.purpose)).toEqual(['integrity']);
  });

  it('accepts a function that derives the hash manifest URL', async () => {
    const started = start(
      { hashManifestUrl: (url) => new URL('hashes/segments.json', url).href },
      allListed,
      new OnePeer(honest),
    );
    engine = started.engine;
    await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
    expect(started.origin.requests[0]?.url).toBe(HASHES_URL);
  });

  it('strict: a missing manifest is reported and segments come from the origin only', async () => {
    const peer = new OnePeer(honest);
    const started = start({ hashManifestUrl: HASHES_URL }, undefined, peer, { httpRetries: 0 });
    engine = started.engine;
    const loaded = await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
    expect(loaded.source).toBe('http');
    expect(peer.requested).toEqual([]);
    expect(started.events.warnings.map((warning) => warning.error.code)).toEqual(['http-status']);
  });

  it('fallback: a missing manifest leaves peers to the untrusted checks', async () => {
    const started = start(
      { hashManifestUrl: HASHES_URL, policy: 'fallback' },
      undefined,
      new OnePeer(honest),
      { httpRetries: 0 },
    );
    engine = started.engine;
    await engine.loadSegment(STREAM, SEGMENTS[0] as Segment);
    expect(started.events.loaded[0]).toMatchObject({ source: 'p2p', verified: 'peer-digest' });
  });

  it('bans a peer serving forged bytes and keeps the origin bytes it then fetched', async () => {
    const peer = new OnePeer((segment) => tsSegment(segment.id + 100));
    const started = start({ hashManifestUrl: HASHES_URL }, allListed, peer);
    engine = started.engine;
    const segment = SEGMENTS[0] as Segment;
    const loaded = await engine.loadSegment(STREAM, segment);
    expect(new Uint8Array(loaded.data)).toEqual(honest(segment));
    expect(peer.banned).toEqual(['p']);
    // Stored: the second request is a cache hit.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await engine.loadSegment(STREAM, segment)).source).toBe('cache');
  });

  it('delivers but does not keep origin bytes that contradict the manifest, and warns', async () => {
    const wrong = manifestListing(SEGMENTS.map((s) => [`seg${s.id}.ts`, tsSegment(s.id + 100)]));
    const peer = new OnePeer(honest);
    const started = start({ hashManifestUrl: HASHES_URL }, wrong, peer);
    engine = started.engine;
    const segment = SEGMENTS[0] as Segment;
    const loaded = await engine.loadSegment(STREAM, segment);
    expect(new Uint8Array(loaded.data)).toEqual(honest(segment));
    expect(started.events.warnings.map((w) => [w.error.code, w.segmentId])).toEqual([
      ['segment-integrity', segment.id],
    ]);
    // The peer's bytes were the origin's: the manifest was wrong, not the peer.
    expect(peer.banned).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await engine.loadSegment(STREAM, segment)).source).not.toBe('cache');
  });

  it('destroy() aborts a hash manifest load in flight', async () => {
    const started = start({ hashManifestUrl: HASHES_URL }, 'hang', new OnePeer(honest));
    const pending = started.engine
      .loadSegment(STREAM, SEGMENTS[0] as Segment)
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const manifestRequest = started.origin.requests.find((request) => request.url === HASHES_URL);
    expect(manifestRequest?.signal?.aborted).toBe(false);
    started.engine.destroy();
    expect(manifestRequest?.signal?.aborted).toBe(true);
    await pending;
  });
});

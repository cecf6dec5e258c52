/**
 * Trusted segment hashes with real engines: the origin publishes a hash manifest next to the
 * stream, engines exchange segments over real WebRTC (@roamhq/wrtc) through the real tracker, and
 * a peer that serves forged but self-consistent bytes is banned while the player still gets the
 * origin's exact bytes. Runs inside the test network namespace (scripts/netns-run.sh).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EngineConfig } from '../../../core/engine/config.js';
import { Engine } from '../../../core/engine/engine.js';
import type { EngineEventMap } from '../../../core/events/engine-events.js';
import type { Segment, StreamDescriptor } from '../../../core/model/segment.js';
import { PeerConnection } from '../../../core/p2p/peer/peer-connection.js';
import { simplePeerChannel } from '../../../core/p2p/peer/simple-peer-channel.js';
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { TrackerSignalling } from '../../../core/p2p/signalling/tracker-signalling.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import { syntheticTsSegment } from '../../support/synthetic-segments.js';
import { waitUntil } from '../../support/wait.js';

const STREAM: StreamDescriptor = { key: 'main:trusted/index.m3u8', kind: 'main' };
const SEGMENT_SECONDS = 2;
const SEGMENT_COUNT = 5;
/** The last segment is large, so a transfer of it can be cut in the middle. */
const BIG_INDEX = SEGMENT_COUNT - 1;

let mediaDir: string;
let origin: OriginServer;
let tracker: TrackerServer;
const files = new Map<number, Buffer>();
const cleanups: (() => void | Promise<void>)[] = [];

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function segments(): Segment[] {
  return Array.from({ length: SEGMENT_COUNT }, (_, index) => ({
    id: 200 + index,
    url: `${origin.url}/vod/trusted/seg${index}.ts`,
    startTime: index * SEGMENT_SECONDS,
    endTime: (index + 1) * SEGMENT_SECONDS,
  }));
}

function bytesOf(segment: Segment): Buffer {
  return files.get(segment.id) ?? Buffer.alloc(0);
}

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(tmpdir(), 'p2pml-trusted-'));
  const dir = path.join(mediaDir, 'trusted');
  mkdirSync(dir);
  const hashes: Record<string, string> = {};
  for (let index = 0; index < SEGMENT_COUNT; index++) {
    const bytes = syntheticTsSegment(300 + index, index === BIG_INDEX ? 40_000 : 1_000);
    files.set(200 + index, bytes);
    writeFileSync(path.join(dir, `seg${index}.ts`), bytes);
    hashes[`seg${index}.ts`] = sha256Hex(bytes);
  }
  const manifest = {
    format: 'p2p-media-loader-hashes',
    version: 1,
    algorithm: 'sha256',
    segments: hashes,
  };
  writeFileSync(path.join(dir, 'segments-sha256.json'), JSON.stringify(manifest));
  origin = await startOrigin({ mediaDir, port: 0 });
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  origin.counters.reset();
});

afterAll(async () => {
  await Promise.all([origin.stop(), tracker.stop()]);
  rmSync(mediaDir, { recursive: true, force: true });
});

/** What an engine reported. */
interface Observed {
  loaded: EngineEventMap['segment-loaded'][];
  banned: string[];
  warnings: EngineEventMap['integrity-warning'][];
}

function newEngine(
  swarmId: string,
  overrides: Partial<EngineConfig> = {},
): { engine: Engine; observed: Observed } {
  const engine = new Engine({
    trackers: [tracker.url],
    rtcConfig: { iceServers: [] },
    swarmId,
    p2pPrefetchSeconds: 0,
    // Several engines share this test's Node thread; their combined lateness is not one
    // device's, and back-off under a loaded CI machine would make P2P delivery counts flaky.
    mainThreadBackoff: false,
    integrity: { hashManifestUrl: 'segments-sha256.json' },
    ...overrides,
  });
  cleanups.push(() => {
    engine.destroy();
  });
  const observed: Observed = { loaded: [], banned: [], warnings: [] };
  engine.on('segment-loaded', (event) => observed.loaded.push(event));
  engine.on('peer-banned', ({ peerId }) => observed.banned.push(peerId));
  engine.on('integrity-warning', (event) => observed.warnings.push(event));
  engine.setSource(`${origin.url}/vod/trusted/master.m3u8`);
  engine.updateStream(STREAM, { segments: segments(), isLive: false });
  engine.setActiveStream(STREAM);
  return { engine, observed };
}

/** A peer that announces every segment and answers with another well-formed segment and its own digest. */
function startForger(swarmId: string): { peerId: string } {
  const peerId = createPeerId();
  const signalling = new TrackerSignalling({
    infoHash: infoHashFor(swarmId, STREAM.key),
    peerId,
    trackers: [tracker.url],
    rtcConfig: { iceServers: [] },
  });
  signalling.on('peer', ({ peer, remotePeerId }) => {
    const connection = new PeerConnection(simplePeerChannel(peer), {
      peerId: remotePeerId,
      localPeerId: 'forger',
      getLocalMap: () => ({ have: segments().map((s) => s.id), fetching: [] }),
    });
    connection.on('upload-request', (request) => {
      const original = files.get(request.segmentId) ?? Buffer.alloc(0);
      // Same size and container shape as the original, other payload: only a trusted hash tells.
      const forged = syntheticTsSegment(9_000 + request.segmentId, original.length / 188);
      request.respond(forged, new Uint8Array(createHash('sha256').update(forged).digest()));
    });
    cleanups.push(() => {
      connection.destroy();
    });
  });
  signalling.start();
  cleanups.push(() => signalling.destroy());
  return { peerId };
}

describe('trusted segment hashes (real WebRTC)', () => {
  it('honest engines still exchange segments over P2P, each one verified against the trusted hash', async () => {
    const swarmId = `trusted-${Math.random()}`;
    const seeder = newEngine(swarmId);
    const viewer = newEngine(swarmId);
    await waitUntil(
      () =>
        (seeder.engine.getStats().peers >= 1 && viewer.engine.getStats().peers >= 1) || undefined,
      { timeoutMs: 20_000, description: 'two engines connected' },
    );
    const wanted = segments().slice(0, 3);
    seeder.engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 0 });
    for (const segment of wanted) await seeder.engine.loadSegment(STREAM, segment);

    viewer.engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 30 });
    for (const segment of wanted) {
      const loaded = await viewer.engine.loadSegment(STREAM, segment);
      expect(Buffer.from(loaded.data).equals(bytesOf(segment))).toBe(true);
    }
    const p2p = viewer.observed.loaded.filter((event) => event.source === 'p2p');
    expect(p2p.length).toBeGreaterThanOrEqual(wanted.length - 1);
    for (const event of p2p) {
      expect(event.verified).toBe('trusted');
      expect(event.contributors).toHaveLength(1);
    }
    expect(viewer.engine.getStats().p2pBytes).toBeGreaterThan(0);
    expect(viewer.observed.banned).toEqual([]);
    expect(viewer.observed.warnings).toEqual([]);
    // One hash manifest load per engine, however many segments.
    const manifestLoads = origin.counters
      .requests({ pathPrefix: '/vod/trusted/segments-sha256.json' })
      .filter((request) => request.status === 200);
    expect(manifestLoads.length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('bans a peer that serves self-consistent forged bytes and delivers the origin bytes', async () => {
    const swarmId = `forged-${Math.random()}`;
    const forger = startForger(swarmId);
    const viewer = newEngine(swarmId);
    await waitUntil(() => viewer.engine.getStats().peers >= 1 || undefined, {
      timeoutMs: 20_000,
      description: 'the forger connected',
    });
    viewer.engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 30 });
    const wanted = segments().slice(0, 2);
    for (const segment of wanted) {
      const loaded = await viewer.engine.loadSegment(STREAM, segment);
      expect(Buffer.from(loaded.data).equals(bytesOf(segment))).toBe(true);
      expect(loaded.source).toBe('http');
    }
    expect(viewer.engine.getStats().p2pBytes).toBeGreaterThan(0); // it did try the forger
    expect(viewer.observed.banned).toEqual([forger.peerId]);
    expect(viewer.engine.getStats().segments.p2p).toBe(0);
    // Banned for good: it is not asked again.
    expect(viewer.engine.getStats().peers).toBe(0);
  }, 60_000);

  it('completes a transfer cut short with only the missing bytes from the origin, verified', async () => {
    const swarmId = `cut-${Math.random()}`;
    const seeder = newEngine(swarmId);
    const viewer = newEngine(swarmId);
    await waitUntil(
      () =>
        (seeder.engine.getStats().peers >= 1 && viewer.engine.getStats().peers >= 1) || undefined,
      { timeoutMs: 20_000, description: 'two engines connected' },
    );
    const big = segments()[BIG_INDEX] as Segment;
    seeder.engine.setPlayback({ position: big.startTime, rate: 1, bufferedEnd: big.startTime });
    await seeder.engine.loadSegment(STREAM, big);

    viewer.engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 60 });
    let seederGone = false;
    viewer.engine.on('bytes-downloaded', ({ source }) => {
      if (source === 'p2p' && !seederGone) {
        seederGone = true;
        seeder.engine.destroy();
      }
    });
    origin.counters.reset();
    const loaded = await viewer.engine.loadSegment(STREAM, big);
    expect(Buffer.from(loaded.data).equals(bytesOf(big))).toBe(true);
    const event = viewer.observed.loaded.at(-1);
    expect(event).toMatchObject({ source: 'http', verified: 'trusted' });
    expect(event?.contributors).toHaveLength(1);
    const stats = viewer.engine.getStats();
    expect(stats.p2pBytes + stats.httpBytes).toBeLessThan(bytesOf(big).length * 1.2);
    const requests = origin.counters.requests({ pathPrefix: '/vod/trusted/seg' });
    expect(requests.some((request) => /^bytes=\d+-$/.test(request.rangeHeader ?? ''))).toBe(true);
  }, 60_000);
});

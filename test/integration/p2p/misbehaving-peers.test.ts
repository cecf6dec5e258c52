/**
 * Peers that lie: a real WebRTC peer (through the real tracker) that serves corrupt bytes, one that
 * serves another segment's bytes, and one that sends malformed protocol messages. The engine must
 * hand the player the origin's exact bytes every time, drop the peer, and report a typed error.
 * Runs inside the test network namespace (scripts/netns-run.sh).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../../core/engine/engine.js';
import type { P2PMediaLoaderError } from '../../../core/errors.js';
import type { Segment, StreamDescriptor } from '../../../core/model/segment.js';
import { PeerConnection } from '../../../core/p2p/peer/peer-connection.js';
import { simplePeerChannel } from '../../../core/p2p/peer/simple-peer-channel.js';
import { TrackerSignalling } from '../../../core/p2p/signalling/tracker-signalling.js';
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import { syntheticTsSegment } from '../../support/synthetic-segments.js';
import { waitUntil } from '../../support/wait.js';

const STREAM: StreamDescriptor = { key: 'main:rogue/index.m3u8', kind: 'main' };
const SEGMENT_IDS = [40, 41];

let mediaDir: string;
let origin: OriginServer;
let tracker: TrackerServer;
const files = new Map<number, Buffer>();
const cleanups: (() => void | Promise<void>)[] = [];

type Rogue = 'flip-bits' | 'wrong-segment' | 'garbage-messages';

/** A peer that announces every segment and then misbehaves as told. */
function startRogue(swarmId: string, behaviour: Rogue): void {
  const signalling = new TrackerSignalling({
    infoHash: infoHashFor(swarmId, STREAM.key),
    peerId: createPeerId(),
    trackers: [tracker.url],
    rtcConfig: { iceServers: [] },
  });
  signalling.on('peer', ({ peer, remotePeerId }) => {
    const channel = simplePeerChannel(peer);
    if (behaviour === 'garbage-messages') {
      channel.send(new Uint8Array([1, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
      return;
    }
    const connection = new PeerConnection(channel, {
      peerId: remotePeerId,
      localPeerId: 'rogue',
      getLocalMap: () => ({ have: SEGMENT_IDS, fetching: [] }),
    });
    connection.on('upload-request', (request) => {
      const original = files.get(request.segmentId) ?? Buffer.alloc(0);
      const digest = new Uint8Array(createHash('sha256').update(original).digest());
      if (behaviour === 'flip-bits') {
        const bad = Buffer.from(original);
        bad[5000] = (bad[5000] ?? 0) ^ 0x55;
        request.respond(bad, digest);
      } else {
        // Another segment, with a digest that matches it: self-consistent, so only the size the
        // playlist declares (a byte range) can expose it.
        const other = files.get(request.segmentId === 40 ? 41 : 40) ?? Buffer.alloc(0);
        request.respond(other, new Uint8Array(createHash('sha256').update(other).digest()));
      }
    });
    cleanups.push(() => {
      connection.destroy();
    });
  });
  signalling.start();
  cleanups.push(() => signalling.destroy());
}

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(tmpdir(), 'p2pml-rogue-'));
  mkdirSync(path.join(mediaDir, 'rogue'));
  for (const id of SEGMENT_IDS) {
    files.set(id, syntheticTsSegment(id, id === 40 ? 800 : 700));
    writeFileSync(path.join(mediaDir, 'rogue', `seg${id}.ts`), files.get(id) ?? Buffer.alloc(0));
  }
  origin = await startOrigin({ mediaDir, port: 0 });
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await Promise.all([origin.stop(), tracker.stop()]);
  rmSync(mediaDir, { recursive: true, force: true });
});

function segmentFor(id: number, index: number, withByteRange: boolean): Segment {
  const length = files.get(id)?.length ?? 0;
  return {
    id,
    url: `${origin.url}/vod/rogue/seg${id}.ts`,
    startTime: 10 + index * 2,
    endTime: 12 + index * 2,
    ...(withByteRange ? { byteRange: { start: 0, end: length } } : {}),
  };
}

function viewer(
  swarmId: string,
  withByteRange = false,
): { engine: Engine; errors: P2PMediaLoaderError[] } {
  const engine = new Engine({
    trackers: [tracker.url],
    rtcConfig: { iceServers: [] },
    swarmId,
    p2pPrefetchSeconds: 0,
    // Several engines share this test's Node thread; their combined lateness is not one
    // device's, and back-off under a loaded CI machine would make P2P delivery counts flaky.
    mainThreadBackoff: false,
  });
  cleanups.push(() => {
    engine.destroy();
  });
  const errors: P2PMediaLoaderError[] = [];
  engine.on('peer-error', ({ error }) => errors.push(error));
  engine.on('peer-disconnected', ({ reason }) => {
    if (reason) errors.push(reason);
  });
  const segments = SEGMENT_IDS.map((id, index) => segmentFor(id, index, withByteRange));
  engine.setSource(`${origin.url}/vod/rogue/master.m3u8`);
  engine.updateStream(STREAM, { segments, isLive: false });
  engine.setActiveStream(STREAM);
  // Plenty of buffer: the scheduler prefers peers.
  engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 30 });
  return { engine, errors };
}

async function loadAll(
  engine: Engine,
  withByteRange = false,
): Promise<{ data: ArrayBuffer; source: string }[]> {
  const results = [];
  for (const [index, id] of SEGMENT_IDS.entries()) {
    results.push(await engine.loadSegment(STREAM, segmentFor(id, index, withByteRange)));
  }
  return results;
}

describe('misbehaving peers (real WebRTC)', () => {
  it('discards bit-flipped bytes from a peer, disconnects it and delivers the origin bytes', async () => {
    const swarmId = `flip-${Math.random()}`;
    startRogue(swarmId, 'flip-bits');
    const { engine, errors } = viewer(swarmId);
    await waitUntil(() => engine.getStats().peers >= 1 || undefined, {
      timeoutMs: 20_000,
      description: 'the rogue peer connected',
    });
    const results = await loadAll(engine);
    for (const [index, id] of SEGMENT_IDS.entries()) {
      expect(
        Buffer.from(results[index]?.data ?? new ArrayBuffer(0)).equals(
          files.get(id) ?? Buffer.alloc(0),
        ),
      ).toBe(true);
    }
    expect(errors.some((error) => error.code === 'segment-integrity')).toBe(true);
    expect(engine.getStats().p2pBytes).toBeGreaterThan(0); // it did try the peer
    expect(engine.getStats().segments.p2p).toBe(0);
  }, 40_000);

  it('rejects another segment served under the requested id when the playlist gives its byte range', async () => {
    const swarmId = `wrong-${Math.random()}`;
    startRogue(swarmId, 'wrong-segment');
    const { engine, errors } = viewer(swarmId, true);
    await waitUntil(() => engine.getStats().peers >= 1 || undefined, {
      timeoutMs: 20_000,
      description: 'the rogue peer connected',
    });
    const results = await loadAll(engine, true);
    expect(errors.some((error) => error.code === 'segment-integrity')).toBe(true);
    for (const [index, id] of SEGMENT_IDS.entries()) {
      expect(
        Buffer.from(results[index]?.data ?? new ArrayBuffer(0)).equals(
          files.get(id) ?? Buffer.alloc(0),
        ),
      ).toBe(true);
    }
  }, 40_000);

  it('closes a peer that sends malformed messages, with a peer-protocol error, and keeps delivering', async () => {
    const swarmId = `garbage-${Math.random()}`;
    startRogue(swarmId, 'garbage-messages');
    const { engine, errors } = viewer(swarmId);
    await waitUntil(() => errors.some((error) => error.code === 'peer-protocol') || undefined, {
      timeoutMs: 20_000,
      description: 'a peer-protocol error for the rogue peer',
    });
    const results = await loadAll(engine);
    for (const [index, id] of SEGMENT_IDS.entries()) {
      expect(results[index]?.source).toBe('http');
      expect(
        Buffer.from(results[index]?.data ?? new ArrayBuffer(0)).equals(
          files.get(id) ?? Buffer.alloc(0),
        ),
      ).toBe(true);
    }
  }, 40_000);
});

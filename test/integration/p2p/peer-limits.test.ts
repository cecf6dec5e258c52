/**
 * The per-peer limits (core/p2p/peer/peer-limits.ts) attacked over real WebRTC (@roamhq/wrtc)
 * through the real tracker: hostile peers that flood maps, claim every segment, drip bytes, announce
 * huge segments, keep sending after a cancel, hog upload slots, or come back after being banned.
 * The victim must cut each one off cheaply and keep delivering the origin's bytes.
 * Runs inside the test network namespace (scripts/netns-run.sh).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Peer from '@thaunknown/simple-peer/lite.js';
import { Engine } from '../../../core/engine/engine.js';
import { P2PMediaLoaderError } from '../../../core/errors.js';
import type { EngineEventMap } from '../../../core/events/engine-events.js';
import type { Segment, StreamDescriptor } from '../../../core/model/segment.js';
import type { PeerChannel } from '../../../core/p2p/peer/peer-channel.js';
import { PeerConnection } from '../../../core/p2p/peer/peer-connection.js';
import { MAX_BYTES_AFTER_CANCEL } from '../../../core/p2p/peer/peer-limits.js';
import { simplePeerChannel } from '../../../core/p2p/peer/simple-peer-channel.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  type PeerMessage,
} from '../../../core/p2p/protocol/index.js';
import { MAX_RANGE_END } from '../../../core/p2p/protocol/segment-id-ranges.js';
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { TrackerSignalling } from '../../../core/p2p/signalling/tracker-signalling.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { DigestBook } from '../../../core/p2p/swarm/digest-book.js';
import { PeerBans } from '../../../core/p2p/swarm/peer-bans.js';
import { PeerPenalties } from '../../../core/p2p/swarm/peer-penalties.js';
import { Swarm } from '../../../core/p2p/swarm/swarm.js';
import { UploadLimiter } from '../../../core/p2p/swarm/upload-limiter.js';
import { SegmentStore } from '../../../core/storage/segment-store.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { startOrigin, type OriginServer } from '../../../examples/server/origin.js';
import { syntheticTsSegment } from '../../support/synthetic-segments.js';
import { waitUntil } from '../../support/wait.js';

const STREAM: StreamDescriptor = { key: 'main:limits/index.m3u8', kind: 'main' };
const SEGMENT_ID = 70;

let mediaDir: string;
let origin: OriginServer;
let tracker: TrackerServer;
let segmentFile: Buffer;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  mediaDir = mkdtempSync(path.join(tmpdir(), 'p2pml-limits-'));
  mkdirSync(path.join(mediaDir, 'limits'));
  segmentFile = syntheticTsSegment(SEGMENT_ID, 900);
  writeFileSync(path.join(mediaDir, 'limits', `seg${SEGMENT_ID}.ts`), segmentFile);
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

const HELLO: PeerMessage = {
  type: 'hello',
  protocolVersion: 1,
  uploadDisabled: false,
  maxMessageBytes: 16384,
};

/** A hostile peer in the swarm: `onChannel` scripts it on every data channel it gets. */
function startRogue(
  swarmId: string,
  onChannel: (channel: PeerChannel) => void,
  peerId = createPeerId(),
): { peerId: string; connections: () => number; stop: () => Promise<void> } {
  const signalling = new TrackerSignalling({
    infoHash: infoHashFor(swarmId, STREAM.key),
    peerId,
    trackers: [tracker.url],
    rtcConfig: { iceServers: [] },
    announceIntervalMs: 1000,
    fewPeersAnnounceIntervalMs: 1000,
  });
  let connections = 0;
  signalling.on('peer', ({ peer }) => {
    connections++;
    const channel = simplePeerChannel(peer);
    cleanups.push(() => {
      peer.destroy();
    });
    onChannel(channel);
  });
  signalling.start();
  const stop = () => signalling.destroy();
  cleanups.push(stop);
  return { peerId, connections: () => connections, stop };
}

/** Calls `handler` with every message the victim sends on `channel`. */
function onMessages(channel: PeerChannel, handler: (message: PeerMessage) => void): void {
  channel.onMessage((bytes) => {
    handler(decodeMessage(bytes, DEFAULT_DECODE_LIMITS));
  });
}

function send(channel: PeerChannel, message: PeerMessage): void {
  try {
    channel.send(encodeMessage(message));
  } catch {
    // The victim closed the channel: expected once it cut us off.
  }
}

function segment(): Segment {
  return {
    id: SEGMENT_ID,
    url: `${origin.url}/vod/limits/seg${SEGMENT_ID}.ts`,
    // Ahead of the playhead with time to spare: the scheduler asks peers first.
    startTime: 10,
    endTime: 12,
  };
}

/** A viewer engine that records every peer error and disconnect reason. */
function viewer(swarmId: string): { engine: Engine; errors: P2PMediaLoaderError[] } {
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
  engine.setSource(`${origin.url}/vod/limits/master.m3u8`);
  engine.updateStream(STREAM, { segments: [segment()], isLive: false });
  engine.setActiveStream(STREAM);
  engine.setPlayback({ position: 0, rate: 1, bufferedEnd: 30 });
  return { engine, errors };
}

/** Longest gap between 5 ms ticks while running: how long the event loop was blocked. */
function stallProbe() {
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastMs = 0;
  let maxGapMs = 0;
  let ticks = 0;
  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  cleanups.push(stop);
  return {
    start: () => {
      lastMs = performance.now();
      timer ??= setInterval(() => {
        const nowMs = performance.now();
        maxGapMs = Math.max(maxGapMs, nowMs - lastMs);
        lastMs = nowMs;
        ticks++;
      }, 5);
    },
    stop,
    ticks: () => ticks,
    maxGapMs: () => maxGapMs,
  };
}

function protocolErrorMatching(errors: readonly P2PMediaLoaderError[], pattern: RegExp) {
  return errors.find((error) => error.code === 'peer-protocol' && pattern.test(error.message));
}

describe('segment map limits (real WebRTC)', () => {
  it('cuts off the 60k-range map attack after 4096 ranges without stalling the event loop', async () => {
    // 60 messages of 1024 one-id ranges, encoded before the clock starts.
    const attack = Array.from({ length: 60 }, (_, index) =>
      encodeMessage({
        type: 'map-delta',
        added: Array.from({ length: 1024 }, (_, range) => ({
          start: (index * 1024 + range) * 2,
          end: (index * 1024 + range) * 2 + 1,
        })),
        removed: [],
        fetchStarted: [],
        fetchEnded: [],
      }),
    );
    const swarmId = `map-flood-${Math.random()}`;
    const stall = stallProbe();
    startRogue(swarmId, (channel) => {
      send(channel, HELLO);
      stall.start();
      for (const bytes of attack) {
        try {
          channel.send(bytes);
        } catch {
          return;
        }
      }
    });
    const { errors } = viewer(swarmId);
    const error = await waitUntil(() => protocolErrorMatching(errors, /more than 4096 ranges/), {
      timeoutMs: 20_000,
      description: 'the viewer refused the oversized map',
      lastSeen: () => errors.map((e) => e.message),
    });
    await waitUntil(() => stall.ticks() >= 3 || undefined, {
      timeoutMs: 5000,
      description: 'the event loop ran after the attack',
    });
    stall.stop();
    expect(error.message).toMatch(/map holds more than 4096 ranges/);
    // Measured 35-95 ms on a loaded 2-core machine, the rogue's own sending (same process)
    // included; the old code spent 35-220 ms on every such map, again and again.
    expect(stall.maxGapMs()).toBeLessThan(500);
  }, 30_000);

  it('refuses a map claiming every segment id, [1, 2^53)', async () => {
    const swarmId = `claim-all-${Math.random()}`;
    startRogue(swarmId, (channel) => {
      send(channel, HELLO);
      send(channel, {
        type: 'segment-map',
        have: [{ start: 1, end: MAX_RANGE_END }],
        fetching: [],
      });
    });
    const { engine, errors } = viewer(swarmId);
    await waitUntil(() => protocolErrorMatching(errors, /claims 9007199254740991 segments/), {
      timeoutMs: 20_000,
      description: 'the viewer refused the claim',
      lastSeen: () => errors.map((e) => e.message),
    });
    const result = await engine.loadSegment(STREAM, segment());
    expect(result.source).toBe('http');
  }, 30_000);

  it('refuses map messages sent faster than the protocol allows', async () => {
    const swarmId = `map-rate-${Math.random()}`;
    startRogue(swarmId, (channel) => {
      send(channel, HELLO);
      for (let index = 0; index < 300; index++) {
        send(channel, {
          type: 'map-delta',
          added: [{ start: index * 2, end: index * 2 + 1 }],
          removed: [],
          fetchStarted: [],
          fetchEnded: [],
        });
      }
    });
    const { errors } = viewer(swarmId);
    await waitUntil(() => protocolErrorMatching(errors, /map messages at once or 50 per second/), {
      timeoutMs: 20_000,
      description: 'the viewer refused the map flood',
      lastSeen: () => errors.map((e) => e.message),
    });
  }, 30_000);
});

/** A rogue that claims the segment and answers every request with `answer`. */
function servingRogue(
  swarmId: string,
  answer: (channel: PeerChannel, requestId: number) => void,
): ReturnType<typeof startRogue> {
  return startRogue(swarmId, (channel) => {
    send(channel, HELLO);
    send(channel, {
      type: 'segment-map',
      have: [{ start: SEGMENT_ID, end: SEGMENT_ID + 1 }],
      fetching: [],
    });
    onMessages(channel, (message) => {
      if (message.type === 'request') answer(channel, message.requestId);
    });
  });
}

describe('transfer limits (real WebRTC)', () => {
  it('cuts a 1 byte/s drip after one rate window; HTTP delivers the segment', async () => {
    const swarmId = `drip-${Math.random()}`;
    const timers: ReturnType<typeof setInterval>[] = [];
    cleanups.push(() => {
      timers.forEach(clearInterval);
    });
    let requests = 0;
    servingRogue(swarmId, (channel, requestId) => {
      requests++;
      send(channel, {
        type: 'data-start',
        requestId,
        totalBytes: segmentFile.length,
        byteOffset: 0,
      });
      let offset = 0;
      timers.push(
        setInterval(() => {
          send(channel, {
            type: 'data-chunk',
            requestId,
            payload: segmentFile.subarray(offset, offset + 1),
          });
          offset++;
        }, 1000),
      );
    });
    const { engine } = viewer(swarmId);
    await waitUntil(() => engine.getStats().peers >= 1 || undefined, {
      timeoutMs: 20_000,
      description: 'the drip peer connected',
    });
    const startedMs = performance.now();
    const result = await engine.loadSegment(STREAM, segment());
    const elapsedMs = performance.now() - startedMs;
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(result.source).toBe('http');
    expect(Buffer.from(result.data).equals(segmentFile)).toBe(true);
    // Cut at the first 2 s rate window after DATA_START (measured 2.8-3.2 s in all); the old code
    // let the drip run until the segment's deadline.
    expect(elapsedMs).toBeLessThan(8000);
  }, 40_000);

  it('closes a peer whose DATA_START announces 256 MiB; HTTP delivers the segment', async () => {
    const swarmId = `huge-${Math.random()}`;
    servingRogue(swarmId, (channel, requestId) => {
      send(channel, {
        type: 'data-start',
        requestId,
        totalBytes: 256 * 1024 * 1024,
        byteOffset: 0,
      });
    });
    const { engine, errors } = viewer(swarmId);
    await waitUntil(() => engine.getStats().peers >= 1 || undefined, {
      timeoutMs: 20_000,
      description: 'the rogue peer connected',
    });
    const result = await engine.loadSegment(STREAM, segment());
    expect(Buffer.from(result.data).equals(segmentFile)).toBe(true);
    expect(result.source).toBe('http');
    expect(
      protocolErrorMatching(errors, /totalBytes 268435456 exceeds the limit of 67108864/),
    ).toBeDefined();
  }, 40_000);
});

/** Two simple-peer instances signalled to each other in-process. */
async function connectedChannels(): Promise<[PeerChannel, PeerChannel]> {
  const options = { config: { iceServers: [] }, trickle: true };
  const initiator = new Peer({ ...options, initiator: true });
  const responder = new Peer(options);
  cleanups.push(() => {
    initiator.destroy();
    responder.destroy();
  });
  initiator.on('signal', (data) => {
    responder.signal(data);
  });
  responder.on('signal', (data) => {
    initiator.signal(data);
  });
  await Promise.all(
    [initiator, responder].map(
      (peer) =>
        new Promise<void>((resolve, reject) => {
          peer.once('connect', () => {
            resolve();
          });
          peer.once('error', reject);
        }),
    ),
  );
  return [simplePeerChannel(initiator), simplePeerChannel(responder)];
}

describe('late chunks (real WebRTC)', () => {
  it('drops chunks of a cancelled request uncounted and closes past the allowance', async () => {
    const [local, remote] = await connectedChannels();
    const connection = new PeerConnection(local, {
      peerId: 'rogue',
      localPeerId: 'victim',
      getLocalMap: () => ({ have: [], fetching: [] }),
    });
    let lateBytes = 0;
    connection.on('abandoned-bytes-downloaded', ({ bytes }) => (lateBytes += bytes));
    const closed = new Promise<{ reason?: P2PMediaLoaderError }>((resolve) =>
      connection.on('close', resolve),
    );
    const requested = new Promise<number>((resolve) => {
      onMessages(remote, (message) => {
        if (message.type === 'request') resolve(message.requestId);
      });
    });
    send(remote, HELLO);
    const controller = new AbortController();
    const request = connection.request(SEGMENT_ID, { signal: controller.signal });
    const requestId = await requested;
    controller.abort();
    await expect(request).rejects.toMatchObject({ reason: 'aborted' });
    send(remote, { type: 'data-start', requestId, totalBytes: 64 * 1024 * 1024, byteOffset: 0 });
    const chunk = new Uint8Array(15_000);
    for (let sent = 0; sent <= MAX_BYTES_AFTER_CANCEL + chunk.length; sent += chunk.length) {
      send(remote, { type: 'data-chunk', requestId, payload: chunk });
    }
    const { reason } = await closed;
    expect(reason?.code).toBe('peer-protocol');
    expect(reason?.message).toMatch(/DATA_CHUNK for cancelled request \d+ goes beyond/);
    expect(lateBytes).toBeLessThanOrEqual(MAX_BYTES_AFTER_CANCEL);
    expect(connection.downloadedBytes).toBe(0);
  }, 30_000);
});

/** A victim swarm built directly (not through an engine) so the test can ban and inspect it. */
function victimSwarm(
  swarmId: string,
  segments: Map<number, Uint8Array> = new Map(),
  limiter = new UploadLimiter({ maxConcurrentUploads: 6, bytesPerSecond: 0 }),
) {
  const store = new SegmentStore({
    budgetBytes: 64 * 1024 * 1024,
    liveEvictionMarginSeconds: 60,
    protectAheadSeconds: 30,
  });
  for (const [id, data] of segments) {
    store.put(
      { streamKey: STREAM.key, segmentId: id, startTime: id, endTime: id + 1, isLive: false },
      data,
    );
  }
  const events: { [K in keyof EngineEventMap]?: EngineEventMap[K][] } = {};
  const digests = new DigestBook(store);
  const swarm = new Swarm({
    streamKey: STREAM.key,
    infoHash: infoHashFor(swarmId, STREAM.key),
    localPeerId: createPeerId(),
    trackers: [tracker.url],
    rtcConfig: { iceServers: [] },
    maxPeers: 10,
    peerIdleTimeoutMs: 2000,
    uploadDisabled: false,
    store,
    digests,
    limiter,
    penalties: new PeerPenalties(),
    bans: new PeerBans(),
    emit: (event, payload) => {
      ((events[event] ??= []) as unknown[]).push(payload);
    },
    recordUpload: () => undefined,
  });
  cleanups.push(() => {
    swarm.destroy();
    digests.destroy();
    store.destroy();
  });
  return { swarm, events };
}

describe('upload slots and bans (real WebRTC, real tracker)', () => {
  it('lets one peer hold only half of the upload slots; its other requests are told busy', async () => {
    const ids = [1, 2, 3, 4, 5, 6];
    const segments = new Map(ids.map((id) => [id, new Uint8Array(syntheticTsSegment(id, 100))]));
    const swarmId = `slots-${Math.random()}`;
    // Paced at 1 byte/s: after the first (sent at once from the full bucket) every upload waits
    // and holds its slot, as a slow upload would.
    const limiter = new UploadLimiter({ maxConcurrentUploads: 6, bytesPerSecond: 1 });
    victimSwarm(swarmId, segments, limiter);
    const answers: PeerMessage[] = [];
    const rogue = startRogue(swarmId, (channel) => {
      onMessages(channel, (message) => {
        if (message.type === 'data-start' || message.type === 'absent') answers.push(message);
        if (message.type === 'segment-map') {
          for (const id of ids) {
            send(channel, { type: 'request', requestId: id, segmentId: id, byteOffset: 0 });
          }
        }
      });
      send(channel, HELLO);
    });
    const busy = () => answers.filter((m) => m.type === 'absent' && m.reason === 'busy').length;
    await waitUntil(() => busy() >= 2 || undefined, {
      timeoutMs: 20_000,
      description: 'busy answers to the requests beyond the peer share',
      lastSeen: () => answers,
    });
    expect(limiter.uploadsOf(rogue.peerId)).toBe(3);
    expect(busy()).toBeGreaterThanOrEqual(2);
    // The other half of the slots is still there for other peers.
    expect(limiter.tryAcquire('another-peer')).toBeDefined();
  }, 30_000);

  it('refuses a violator that reconnects with the same peer id, and a banned one for good', async () => {
    const swarmId = `ban-${Math.random()}`;
    const { swarm, events } = victimSwarm(swarmId);
    const peerId = createPeerId();
    // First visit: a protocol violation (garbage after HELLO).
    const first = startRogue(
      swarmId,
      (channel) => {
        send(channel, HELLO);
        channel.send(Uint8Array.of(1, 0x7f));
      },
      peerId,
    );
    await waitUntil(() => events['peer-error']?.some((e) => e.peerId === peerId) || undefined, {
      timeoutMs: 20_000,
      description: 'the victim reported the violation',
    });
    await first.stop();
    // Second visit, same id: refused at the tracker while the violation's exclusion lasts.
    const second = startRogue(swarmId, () => undefined, peerId);
    await waitUntil(() => swarm.refusedPeerCount > 0 || undefined, {
      timeoutMs: 20_000,
      description: 'the victim refused the returning peer',
    });
    expect(second.connections()).toBe(0);
    await second.stop();
    // Banned: refused for good, announced once.
    swarm.ban(peerId, new P2PMediaLoaderError('segment-integrity', 'contradicts the trusted hash'));
    swarm.ban(peerId, new P2PMediaLoaderError('segment-integrity', 'again'));
    expect(events['peer-banned']?.map((e) => [e.peerId, e.error.code])).toEqual([
      [peerId, 'segment-integrity'],
    ]);
    expect(swarm.admits(peerId)).toBe(false);
    const refusedBefore = swarm.refusedPeerCount;
    const third = startRogue(swarmId, () => undefined, peerId);
    await waitUntil(() => swarm.refusedPeerCount > refusedBefore || undefined, {
      timeoutMs: 20_000,
      description: 'the victim refused the banned peer',
    });
    expect(third.connections()).toBe(0);
    expect(events['peer-connected']?.filter((e) => e.peerId === peerId)).toHaveLength(1);
  }, 60_000);
});

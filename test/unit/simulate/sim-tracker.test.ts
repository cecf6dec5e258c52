/**
 * The simulator's tracker and data channels (scripts/simulate/sim-tracker.ts, sim-peer.ts) under the
 * engine's real P2P half: real `createP2PNetwork` instances find each other through one SimTracker,
 * connect over SimPeers and move a segment's bytes through the real swarm, peer connection and
 * protocol codec. NAT rules decide which pairs open; 'stopped' shrinks the swarm; nothing keeps
 * running after destroy. Real timers, 5 ms latencies, fast links.
 */
import { resolveEngineConfig } from '../../../core/engine/resolve-config.js';
import type { PeerNetwork } from '../../../core/engine/peer-network.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { createP2PNetwork } from '../../../core/p2p/swarm/p2p-network.js';
import type { SegmentPeers } from '../../../core/scheduler/segment-peers.js';
import { SegmentStore } from '../../../core/storage/segment-store.js';
import { createSimPeerPair, SimPeer } from '../../../scripts/simulate/sim-peer.js';
import { SimTracker } from '../../../scripts/simulate/sim-tracker.js';
import {
  ViewerLink,
  type LinkProfile,
  type NatType,
} from '../../../scripts/simulate/viewer-link.js';
import { waitUntil } from '../../support/wait.js';
import { seededRandom } from '../../support/virtual-viewer/viewer-spec.js';

const SWARM_ID = 'sim-tracker-test';
const STREAM_KEY = 'main:sim/index.m3u8';
const SEGMENT_ID = 12;
const FAST_LINK: LinkProfile = {
  downBitsPerSecond: 200e6,
  upBitsPerSecond: 200e6,
  latencyMs: 5,
  jitterMs: 0,
  loss: 0,
};

/**
 * Every timer set through the globals during a test, minus those that fired or were cleared: what
 * is left after everything is destroyed is a leak.
 */
class TimerLedger {
  readonly live = new Set<unknown>();
  /** Timers set since install. */
  created = 0;
  private readonly originalSet = globalThis.setTimeout;
  private readonly originalClear = globalThis.clearTimeout;

  install(): void {
    const live = this.live;
    const originalSet = this.originalSet;
    const originalClear = this.originalClear;
    const tracked = (
      callback: (...args: unknown[]) => void,
      delayMs?: number,
      ...args: unknown[]
    ) => {
      const handle: unknown = originalSet(() => {
        live.delete(handle);
        callback(...args);
      }, delayMs);
      live.add(handle);
      this.created++;
      return handle;
    };
    globalThis.setTimeout = tracked as unknown as typeof setTimeout;
    globalThis.clearTimeout = (handle: unknown) => {
      live.delete(handle);
      originalClear(handle as ReturnType<typeof setTimeout>);
    };
  }

  uninstall(): void {
    globalThis.setTimeout = this.originalSet;
    globalThis.clearTimeout = this.originalClear;
  }
}

interface TestViewer {
  readonly network: PeerNetwork;
  readonly store: SegmentStore;
  readonly link: ViewerLink;
  readonly nat: NatType;
}

function startViewer(tracker: SimTracker, nat: NatType = 'open'): TestViewer {
  const link = new ViewerLink(FAST_LINK, seededRandom(7));
  const store = new SegmentStore({
    budgetBytes: 8 * 1024 * 1024,
    liveEvictionMarginSeconds: 60,
    protectAheadSeconds: 30,
  });
  const config = resolveEngineConfig({ trackers: ['wss://tracker.sim'], uploadDisabled: false });
  const network = createP2PNetwork(
    {
      config,
      swarmId: SWARM_ID,
      store,
      emit: () => undefined,
      recordUpload: () => undefined,
    },
    { connectTracker: tracker.connectorFor({ link, nat }) },
  );
  network.setActiveStreams([STREAM_KEY]);
  return { network, store, link, nat };
}

function peersOf(viewer: TestViewer): SegmentPeers {
  const peers = viewer.network.peersFor(STREAM_KEY);
  if (!peers) throw new Error('the stream has no swarm');
  return peers;
}

/** Fetches the whole segment from `peerId` through `viewer`'s swarm. */
async function fetchSegment(viewer: TestViewer, peerId: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const response = await peersOf(viewer).request(peerId, SEGMENT_ID, {
    byteOffset: 0,
    signal: new AbortController().signal,
    onStart: () => undefined,
    onChunk: (chunk) => {
      chunks.push(chunk.slice());
    },
  });
  const bytes = new Uint8Array(response.totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  expect(offset).toBe(response.totalBytes);
  return bytes;
}

const ledger = new TimerLedger();
let viewers: TestViewer[] = [];

beforeEach(() => {
  ledger.install();
});

afterEach(() => {
  for (const viewer of viewers) viewer.network.destroy();
  viewers = [];
  ledger.uninstall();
});

describe('SimTracker with real P2P networks', () => {
  it('connects two engines whose swarm then carries a segment byte for byte', async () => {
    const tracker = new SimTracker({ random: seededRandom(1), latencyMs: 5 });
    const holder = startViewer(tracker);
    const fetcher = startViewer(tracker);
    viewers = [holder, fetcher];
    const segment = new Uint8Array(300_000);
    for (let i = 0; i < segment.length; i++) segment[i] = (i * 31 + 7) & 0xff;
    holder.store.put(
      { streamKey: STREAM_KEY, segmentId: SEGMENT_ID, startTime: 24, endTime: 26, isLive: false },
      segment,
    );

    const holderId = await waitUntil(
      () =>
        peersOf(fetcher)
          .candidates(SEGMENT_ID)
          .find((peer) => peer.has)?.peerId,
      { timeoutMs: 5000, intervalMs: 10, description: 'the holder to be a candidate' },
    );
    const fetched = await fetchSegment(fetcher, holderId);

    expect(Buffer.from(fetched).equals(Buffer.from(segment))).toBe(true);
    expect(tracker.swarmSize(infoHashFor(SWARM_ID, STREAM_KEY))).toBe(2);
    expect(tracker.connectionsOpened).toBe(1);
    expect(tracker.connectionsFailedNat).toBe(0);
    expect(tracker.messagesReceived).toBeGreaterThanOrEqual(3); // two announces and an answer
    expect(tracker.messagesSent).toBeGreaterThanOrEqual(4); // two responses, an offer, an answer
    expect(holder.link.bytesUp).toBeGreaterThanOrEqual(segment.length);
    expect(fetcher.link.bytesDown).toBeGreaterThanOrEqual(segment.length);
  });

  it('opens connections only between NATs that let one through', async () => {
    const tracker = new SimTracker({ random: seededRandom(2), latencyMs: 5 });
    // Started in this order, each viewer's first announce offers to every one before it.
    const first = startViewer(tracker, 'symmetric');
    const second = startViewer(tracker, 'symmetric');
    const cone = startViewer(tracker, 'cone');
    const open = startViewer(tracker, 'open');
    viewers = [first, second, cone, open];

    await waitUntil(() => open.network.peerCount === 3, {
      timeoutMs: 5000,
      intervalMs: 10,
      description: 'the open viewer to reach all three',
      lastSeen: () => open.network.peerCount,
    });
    // Long enough for any other pair to have opened (set-up takes ~100 ms here).
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect([first, second, cone].map((viewer) => viewer.network.peerCount)).toEqual([1, 1, 1]);
    expect(tracker.connectionsOpened).toBe(3);
    // symmetric-symmetric, cone-symmetric twice
    expect(tracker.connectionsFailedNat).toBe(3);
  });

  it("shrinks the swarm on 'stopped' and closes the leaver's connections", async () => {
    const tracker = new SimTracker({ random: seededRandom(3), latencyMs: 5 });
    const stayer = startViewer(tracker);
    const leaver = startViewer(tracker);
    viewers = [stayer];
    const infoHash = infoHashFor(SWARM_ID, STREAM_KEY);
    await waitUntil(() => stayer.network.peerCount === 1 && leaver.network.peerCount === 1, {
      timeoutMs: 5000,
      intervalMs: 10,
      description: 'the two viewers to connect',
    });
    expect(tracker.swarmSize(infoHash)).toBe(2);

    leaver.network.destroy();

    await waitUntil(() => tracker.swarmSize(infoHash) === 1, {
      timeoutMs: 2000,
      intervalMs: 10,
      description: 'the swarm to shrink',
      lastSeen: () => tracker.swarmSize(infoHash),
    });
    await waitUntil(() => stayer.network.peerCount === 0, {
      timeoutMs: 2000,
      intervalMs: 10,
      description: "the stayer's connection to close",
    });
  });

  it('leaves no timer running once every engine is destroyed', async () => {
    const tracker = new SimTracker({ random: seededRandom(4), latencyMs: 5 });
    const a = startViewer(tracker);
    const b = startViewer(tracker, 'cone');
    const c = startViewer(tracker, 'symmetric');
    await waitUntil(() => a.network.peerCount === 2, {
      timeoutMs: 5000,
      intervalMs: 10,
      description: 'the open viewer to reach both others',
    });

    for (const viewer of [a, b, c]) viewer.network.destroy();
    const infoHash = infoHashFor(SWARM_ID, STREAM_KEY);
    await waitUntil(() => tracker.swarmSize(infoHash) === 0 && ledger.live.size === 0, {
      timeoutMs: 2000,
      intervalMs: 10,
      description: 'the swarm to empty and every timer to end',
      lastSeen: () => `${tracker.swarmSize(infoHash)} members, ${ledger.live.size} timers`,
    });
    expect(tracker.swarmCount).toBe(0);
    expect(ledger.created).toBeGreaterThan(50); // the ledger did see the engines' timers
  });
});

describe('SimPeer', () => {
  /** 8 Mbit/s links: 1000 bytes take 1 ms to leave the uplink. */
  const SLOW_LINK: LinkProfile = { ...FAST_LINK, downBitsPerSecond: 8e6, upBitsPerSecond: 8e6 };

  function openPair(): Promise<{ sender: SimPeer; receiver: SimPeer }> {
    const pair = createSimPeerPair(
      { link: new ViewerLink(SLOW_LINK, () => 0), peerId: 'a'.repeat(40) },
      { link: new ViewerLink(SLOW_LINK, () => 0), peerId: 'b'.repeat(40) },
    );
    pair.openAfter(1);
    return new Promise((resolve) => {
      pair.answerer.once('connect', () => {
        resolve({ sender: pair.initiator, receiver: pair.answerer });
      });
    });
  }

  it('delivers messages in order, with their bytes copied at send', async () => {
    const { sender, receiver } = await openPair();
    expect(sender.id).toBe('b'.repeat(40));
    expect(receiver.id).toBe('a'.repeat(40));
    const received: number[] = [];
    receiver.on('data', (data: Uint8Array) => {
      received.push(data[0] ?? -1);
    });
    // A large message first, then small ones: the small ones must not overtake it.
    const message = new Uint8Array(50_000);
    message[0] = 0;
    sender.send(message);
    message[0] = 99; // reused by the sender: the copy already left
    for (let i = 1; i <= 5; i++) sender.send(Uint8Array.of(i));

    await waitUntil(() => received.length === 6, {
      timeoutMs: 2000,
      intervalMs: 5,
      description: 'six messages',
    });
    expect(received).toEqual([0, 1, 2, 3, 4, 5]);
    sender.destroy();
  });

  it("raises bufferedAmount while the uplink is busy and fires 'bufferedamountlow' as it drains", async () => {
    const { sender, receiver } = await openPair();
    const lows: number[] = [];
    sender._channel.addEventListener('bufferedamountlow', () => {
      lows.push(sender._channel.bufferedAmount);
    });
    // 200 KB on an 8 Mbit/s uplink: 200 ms to leave.
    for (let i = 0; i < 10; i++) sender.send(new Uint8Array(20_000));
    expect(sender.bufferSize).toBeGreaterThan(100_000);
    expect(sender._channel.bufferedAmount).toBe(sender.bufferSize);

    await waitUntil(() => lows.length > 0, {
      timeoutMs: 2000,
      intervalMs: 5,
      description: "'bufferedamountlow'",
    });
    expect(lows).toHaveLength(1);
    expect(lows[0]).toBeLessThanOrEqual(sender._channel.bufferedAmountLowThreshold);
    await waitUntil(() => sender.bufferSize === 0, {
      timeoutMs: 2000,
      intervalMs: 5,
      description: 'the buffer to drain',
    });
    sender.destroy();
    await new Promise((resolve) => receiver.once('close', resolve));
  });

  it('throws on send after close, on oversized messages and before the channel opens', async () => {
    const unopened = createSimPeerPair(
      { link: new ViewerLink(FAST_LINK, () => 0), peerId: 'c'.repeat(40) },
      { link: new ViewerLink(FAST_LINK, () => 0), peerId: 'd'.repeat(40) },
    );
    expect(() => {
      unopened.initiator.send(Uint8Array.of(1));
    }).toThrow(/not open/);
    // Destroyed before it opened: closes quietly, and the pair never opens.
    const closed = new Promise((resolve) => unopened.initiator.once('close', resolve));
    unopened.initiator.destroy();
    unopened.openAfter(1);
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unopened.answerer.connected).toBe(false);
    unopened.answerer.destroy();

    const { sender, receiver } = await openPair();
    expect(() => {
      sender.send(new Uint8Array(256 * 1024 + 1));
    }).toThrow(/exceeds/);
    const remoteClosed = new Promise((resolve) => receiver.once('close', resolve));
    sender.destroy();
    expect(() => {
      sender.send(Uint8Array.of(1));
    }).toThrow(/not open/);
    expect(sender._channel.readyState).toBe('closed');
    await remoteClosed;
    expect(receiver.destroyed).toBe(true);
    expect(() => {
      receiver.send(Uint8Array.of(1));
    }).toThrow(/not open/);
  });
});

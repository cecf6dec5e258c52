/**
 * The swarm knows which of its peers reach it through a TURN relay: it reads each connection's
 * path, offers it to the scheduler with the peer (which then prefers direct peers), counts uploads
 * by path, and when full trades a relayed peer for a direct newcomer. Peers are in-memory simple-peer stand-ins whose "getStats" reports a direct or
 * a relayed candidate pair in libwebrtc's shape; no tracker.
 */
import { EventEmitter } from 'node:events';
import { PeerConnection } from '../../../../core/p2p/peer/peer-connection.js';
import type { ConnectionPath } from '../../../../core/p2p/peer/connection-path.js';
import { simplePeerChannel } from '../../../../core/p2p/peer/simple-peer-channel.js';
import type { SimplePeer } from '../../../../core/p2p/signalling/simple-peer.js';
import { DigestBook } from '../../../../core/p2p/swarm/digest-book.js';
import { PeerBans } from '../../../../core/p2p/swarm/peer-bans.js';
import { PeerPenalties } from '../../../../core/p2p/swarm/peer-penalties.js';
import { Swarm } from '../../../../core/p2p/swarm/swarm.js';
import { UploadLimiter } from '../../../../core/p2p/swarm/upload-limiter.js';
import {
  DeclinedRelayedPeers,
  MAX_DECLINED_RELAYED,
  relayedPeerToClose,
  trialSlotOpen,
} from '../../../../core/p2p/swarm/relay-replacement.js';
import { planRequest } from '../../../../core/scheduler/request-plan.js';
import { SegmentStore } from '../../../../core/storage/segment-store.js';
import { waitUntil } from '../../../support/wait.js';

const STREAM_KEY = 'main:paths.m3u8';
const HELD_SEGMENT = 7;
const OUR_SEGMENT = 3;

/** libwebrtc's getStats for a connection selected over a pair of the given candidate types. */
function statsReport(path: 'direct' | 'relayed'): Map<string, Record<string, unknown>> {
  const localType = path === 'relayed' ? 'relay' : 'host';
  return new Map<string, Record<string, unknown>>([
    ['T', { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }],
    ['P', { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' }],
    ['L', { id: 'L', type: 'local-candidate', candidateType: localType }],
    ['R', { id: 'R', type: 'remote-candidate', candidateType: 'host' }],
  ]);
}

/** One end of an in-memory simple-peer pair: messages reach the partner on a later turn. */
class FakeSimplePeer extends EventEmitter {
  readonly initiator = false;
  readonly connected = true;
  destroyed = false;
  readonly bufferSize = 0;
  readonly _channel = undefined;
  /** Just what the adapter reads of an RTCPeerConnection. */
  readonly _pc: RTCPeerConnection;
  partner: FakeSimplePeer | undefined;

  constructor(path: 'direct' | 'relayed') {
    super();
    const connection = {
      iceConnectionState: 'connected',
      getStats: () => Promise.resolve(statsReport(path)),
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    };
    this._pc = connection as unknown as RTCPeerConnection;
  }

  send(data: Uint8Array): void {
    if (this.destroyed) throw new Error('InvalidStateError: closed');
    const copy = data.slice();
    setImmediate(() => {
      if (this.partner && !this.partner.destroyed) this.partner.emit('data', copy);
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    setImmediate(() => this.emit('close'));
    this.partner?.destroy();
  }
}

function fakePair(path: 'direct' | 'relayed'): [FakeSimplePeer, FakeSimplePeer] {
  const a = new FakeSimplePeer(path);
  const b = new FakeSimplePeer(path);
  a.partner = b;
  b.partner = a;
  return [a, b];
}

function setUp(maxPeers = 4) {
  const store = new SegmentStore({
    budgetBytes: 1024 * 1024,
    liveEvictionMarginSeconds: 60,
    protectAheadSeconds: 30,
  });
  store.put(
    { streamKey: STREAM_KEY, segmentId: OUR_SEGMENT, startTime: 6, endTime: 8, isLive: false },
    new Uint8Array(5000).fill(3),
  );
  const digests = new DigestBook(store);
  const uploads: { bytes: number; path: ConnectionPath }[] = [];
  const swarm = new Swarm({
    streamKey: STREAM_KEY,
    infoHash: '1'.repeat(40),
    localPeerId: 'cd'.repeat(20),
    trackers: [],
    rtcConfig: {},
    maxPeers,
    peerIdleTimeoutMs: 2000,
    uploadDisabled: false,
    store,
    digests,
    limiter: new UploadLimiter({ maxConcurrentUploads: 6, bytesPerSecond: 0 }),
    penalties: new PeerPenalties(),
    bans: new PeerBans(),
    emit: () => undefined,
    recordUpload: (bytes, path) => {
      uploads.push({ bytes, path });
    },
  });
  const remotes: PeerConnection[] = [];
  /** Connects a remote peer holding {@link HELD_SEGMENT} over a `path` connection. */
  const connect = (remotePeerId: string, path: 'direct' | 'relayed'): PeerConnection => {
    const [ours, theirs] = fakePair(path);
    // As TrackerSignalling's 'peer' event would hand it over.
    (swarm as unknown as { addPeer(peer: SimplePeer, id: string): void }).addPeer(
      ours,
      remotePeerId,
    );
    const remote = new PeerConnection(simplePeerChannel(theirs), {
      peerId: 'us',
      localPeerId: remotePeerId,
      getLocalMap: () => ({ have: [HELD_SEGMENT], fetching: [] }),
    });
    remotes.push(remote);
    return remote;
  };
  const connected = (): string[] =>
    swarm
      .candidates(HELD_SEGMENT)
      .map((peer) => peer.peerId)
      .sort();
  const destroy = (): void => {
    for (const remote of remotes) remote.close();
    swarm.destroy();
    digests.destroy();
    store.destroy();
  };
  return { swarm, connect, connected, uploads, destroy };
}

describe('Swarm connection paths', () => {
  it('offers each peer with its path, and the planner takes the direct one', async () => {
    const { swarm, connect, destroy } = setUp();
    try {
      connect('relayed-peer', 'relayed');
      connect('direct-peer', 'direct');
      const candidates = await waitUntil(
        () => {
          const list = swarm.candidates(HELD_SEGMENT);
          return list.length === 2 && list.every((peer) => peer.path !== 'unknown') && list;
        },
        { timeoutMs: 2000, description: 'both peers ready with known paths' },
      );
      expect(Object.fromEntries(candidates.map((peer) => [peer.peerId, peer.path]))).toEqual({
        'relayed-peer': 'relayed',
        'direct-peer': 'direct',
      });
      expect(swarm.pathOf('relayed-peer')).toBe('relayed');
      expect(swarm.pathOf('nobody')).toBe('unknown');
      expect(swarm.pathCounts()).toEqual({ direct: 1, relayed: 1, unknown: 0 });
      // The relayed peer is listed first, and is even measured faster: direct still wins.
      const relayedFirst = [...candidates].sort((a) => (a.path === 'relayed' ? -1 : 1));
      const plan = planRequest({
        slackSeconds: 10,
        expectedBytes: 100_000,
        httpBps: 10_000_000,
        safetyMarginSeconds: 1.5,
        peers: relayedFirst.map((peer) =>
          peer.path === 'relayed' ? { ...peer, throughputBps: 50_000_000 } : peer,
        ),
        connectedPeers: swarm.peerCount,
        p2pAllowed: true,
        peerWarmupSeconds: 0,
        playerWaiting: true,
        random: 0,
      });
      expect(plan).toMatchObject({ kind: 'p2p', peerId: 'direct-peer' });
    } finally {
      destroy();
    }
  });

  it('counts bytes uploaded to a relayed peer as relayed', async () => {
    const { connect, uploads, destroy } = setUp();
    try {
      const remote = connect('relayed-peer', 'relayed');
      await waitUntil(() => remote.remoteHas(OUR_SEGMENT) || undefined, {
        timeoutMs: 2000,
        description: 'the remote peer sees our map',
      });
      const download = await remote.request(OUR_SEGMENT);
      expect(download.totalBytes).toBe(5000);
      expect(uploads.reduce((sum, upload) => sum + upload.bytes, 0)).toBe(5000);
      expect(new Set(uploads.map((upload) => upload.path))).toEqual(new Set(['relayed']));
    } finally {
      destroy();
    }
  });

  it('when full, a direct newcomer replaces a relayed peer, and a relayed one is declined', async () => {
    const { swarm, connect, connected, destroy } = setUp(2);
    try {
      connect('relayed-a', 'relayed');
      connect('relayed-b', 'relayed');
      await waitUntil(() => connected().length === 2 || undefined, {
        timeoutMs: 2000,
        description: 'two relayed peers ready',
      });
      // Full, with relayed peers: the signalling takes one connection more, a trial.
      const signalling = (swarm as unknown as { signalling: { maxPeers: number } }).signalling;
      await waitUntil(() => signalling.maxPeers === 3 || undefined, {
        timeoutMs: 2000,
        description: 'the trial slot open',
      });
      // Once the trial connection is known to be direct
      // the least busy relayed peer (a tie: the newest) makes room.
      connect('direct-c', 'direct');
      await waitUntil(() => connected().join() === 'direct-c,relayed-a' || undefined, {
        timeoutMs: 2000,
        description: 'relayed-b replaced by direct-c',
        lastSeen: connected,
      });
      expect(swarm.pathCounts()).toEqual({ direct: 1, relayed: 1, unknown: 0 });

      // A relayed trial is closed itself and not let in again while the swarm is full.
      connect('relayed-d', 'relayed');
      await waitUntil(() => !swarm.admits('relayed-d') || undefined, {
        timeoutMs: 2000,
        description: 'relayed-d declined',
      });
      await waitUntil(() => connected().join() === 'direct-c,relayed-a' || undefined, {
        timeoutMs: 2000,
        description: 'the swarm back to its two peers',
        lastSeen: connected,
      });
      expect(swarm.admits('someone-else')).toBe(true);
      // Still one relayed peer: the slot stays open for the next trial (one at a time).
      expect(signalling.maxPeers).toBe(3);
    } finally {
      destroy();
    }
  });
});

describe('relay replacement policy', () => {
  const peer = (peerId: string, path: ConnectionPath, activeTransfers = 0) => ({
    peerId,
    path,
    activeTransfers,
  });

  it('opens the trial slot only when full with a relayed peer', () => {
    expect(trialSlotOpen([peer('a', 'relayed'), peer('b', 'direct')], 2)).toBe(true);
    expect(trialSlotOpen([peer('a', 'direct'), peer('b', 'unknown')], 2)).toBe(false);
    expect(trialSlotOpen([peer('a', 'relayed')], 2)).toBe(false);
    expect(trialSlotOpen([], 0)).toBe(false);
  });

  it('closes the least busy relayed peer once over the limit, the newest on a tie', () => {
    const busyFirst = [peer('a', 'relayed', 2), peer('b', 'relayed', 1), peer('c', 'direct')];
    expect(relayedPeerToClose(busyFirst, 2)).toBe('b');
    expect(relayedPeerToClose(busyFirst, 3)).toBeUndefined();
    const tie = [peer('a', 'relayed'), peer('b', 'direct'), peer('c', 'relayed')];
    expect(relayedPeerToClose(tie, 2)).toBe('c');
    // Nothing relayed: nobody is closed (unknown paths are not assumed relayed).
    expect(relayedPeerToClose([peer('a', 'direct'), peer('b', 'unknown')], 1)).toBeUndefined();
  });

  it('remembers a bounded number of declined peers, oldest out first', () => {
    const declined = new DeclinedRelayedPeers();
    for (let index = 0; index <= MAX_DECLINED_RELAYED; index++) declined.add(`p${index}`);
    expect(declined.has('p0')).toBe(false);
    expect(declined.has('p1')).toBe(true);
    expect(declined.has(`p${MAX_DECLINED_RELAYED}`)).toBe(true);
  });
});

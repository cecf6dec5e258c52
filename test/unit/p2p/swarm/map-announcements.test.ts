/**
 * Map changes made together go to each peer in one MAP_DELTA (issue 16, item 5: every data-channel
 * message costs both ends a task, and a live viewer announced "stored + fetch ended" and "evicted"
 * separately to every peer). The batch keeps the last change of each segment per pair; the swarm
 * sends one message per task. The peer is an in-memory simple-peer stand-in; no tracker.
 */
import { EventEmitter } from 'node:events';
import { PeerConnection } from '../../../../core/p2p/peer/peer-connection.js';
import { simplePeerChannel } from '../../../../core/p2p/peer/simple-peer-channel.js';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  type PeerMessage,
} from '../../../../core/p2p/protocol/index.js';
import type { SimplePeer } from '../../../../core/p2p/signalling/simple-peer.js';
import { DigestBook } from '../../../../core/p2p/swarm/digest-book.js';
import { MapAnnouncementBatch } from '../../../../core/p2p/swarm/map-announcements.js';
import { PeerBans } from '../../../../core/p2p/swarm/peer-bans.js';
import { PeerPenalties } from '../../../../core/p2p/swarm/peer-penalties.js';
import { Swarm } from '../../../../core/p2p/swarm/swarm.js';
import { UploadLimiter } from '../../../../core/p2p/swarm/upload-limiter.js';
import { SegmentStore } from '../../../../core/storage/segment-store.js';
import { waitUntil } from '../../../support/wait.js';

const STREAM_KEY = 'main:announce.m3u8';
const SEGMENT_BYTES = 5000;

/** One end of an in-memory simple-peer pair; records what it sends. */
class FakeSimplePeer extends EventEmitter {
  readonly initiator = false;
  readonly connected = true;
  destroyed = false;
  readonly bufferSize = 0;
  readonly _channel = undefined;
  readonly _pc = undefined;
  partner: FakeSimplePeer | undefined;
  readonly sent: Uint8Array[] = [];

  send(data: Uint8Array): void {
    if (this.destroyed) throw new Error('InvalidStateError: closed');
    const copy = data.slice();
    this.sent.push(copy);
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

describe('MapAnnouncementBatch', () => {
  it('keeps the last change of each segment per pair and empties on take', () => {
    const batch = new MapAnnouncementBatch();
    expect(batch.take()).toBeUndefined();
    batch.add({ fetchStarted: [9] });
    batch.add({ added: [5], fetchEnded: [5] });
    batch.add({ removed: [3] });
    batch.add({ added: [3] });
    batch.add({ removed: [7] });
    expect(batch.isEmpty).toBe(false);
    expect(batch.take()).toEqual({
      added: [5, 3],
      removed: [7],
      fetchStarted: [9],
      fetchEnded: [5],
    });
    expect(batch.isEmpty).toBe(true);
    expect(batch.take()).toBeUndefined();
  });
});

describe('Swarm map announcements', () => {
  it('sends a stored segment, its fetch end and the eviction it caused in one message', async () => {
    // Room for two segments: storing a third evicts the least recently used one.
    const store = new SegmentStore({
      budgetBytes: 2 * SEGMENT_BYTES,
      liveEvictionMarginSeconds: 60,
      protectAheadSeconds: 30,
    });
    const put = (segmentId: number): void => {
      store.put(
        {
          streamKey: STREAM_KEY,
          segmentId,
          startTime: segmentId * 2,
          endTime: segmentId * 2 + 2,
          isLive: false,
        },
        new Uint8Array(SEGMENT_BYTES).fill(segmentId),
      );
    };
    put(1);
    put(2);
    const digests = new DigestBook(store);
    const swarm = new Swarm({
      streamKey: STREAM_KEY,
      infoHash: '1'.repeat(40),
      localPeerId: 'cd'.repeat(20),
      trackers: [],
      rtcConfig: {},
      maxPeers: 4,
      peerIdleTimeoutMs: 2000,
      uploadDisabled: false,
      store,
      digests,
      limiter: new UploadLimiter({ maxConcurrentUploads: 6, bytesPerSecond: 0 }),
      penalties: new PeerPenalties(),
      bans: new PeerBans(),
      emit: () => undefined,
      recordUpload: () => undefined,
    });
    const ours = new FakeSimplePeer();
    const theirs = new FakeSimplePeer();
    ours.partner = theirs;
    theirs.partner = ours;
    (swarm as unknown as { addPeer(peer: SimplePeer, id: string): void }).addPeer(ours, 'remote');
    const remote = new PeerConnection(simplePeerChannel(theirs), {
      peerId: 'us',
      localPeerId: 'remote',
      getLocalMap: () => ({ have: [], fetching: [] }),
    });
    try {
      await waitUntil(() => remote.remoteHas(2) || undefined, {
        timeoutMs: 5000,
        description: 'the remote peer sees our map',
      });
      swarm.announceFetch(3, 'started');
      await waitUntil(() => remote.remoteIsFetching(3) || undefined, {
        timeoutMs: 5000,
        description: 'the remote peer sees our fetch',
      });
      const sentBefore = ours.sent.length;
      swarm.announceFetch(3, 'succeeded');
      put(3); // stored: "have 3" and "fetch 3 ended"; evicts segment 1 in the same task
      await waitUntil(() => (!remote.remoteHas(1) && remote.remoteHas(3)) || undefined, {
        timeoutMs: 5000,
        description: 'the remote peer sees segment 3 stored and segment 1 evicted',
      });
      const messages: PeerMessage[] = ours.sent
        .slice(sentBefore)
        .map((bytes) => decodeMessage(bytes, DEFAULT_DECODE_LIMITS));
      expect(messages).toEqual([
        {
          type: 'map-delta',
          added: [{ start: 3, end: 4 }],
          removed: [{ start: 1, end: 2 }],
          fetchStarted: [],
          fetchEnded: [{ start: 3, end: 4 }],
        },
      ]);
      expect(remote.remoteIsFetching(3)).toBe(false);
    } finally {
      remote.close();
      swarm.destroy();
      digests.destroy();
      store.destroy();
    }
  });
});

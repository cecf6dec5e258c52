/**
 * A remote offer the swarm would refuse anyway (full, banned or excluded peer) is dropped when the
 * tracker delivers it, before bittorrent-tracker creates an RTCPeerConnection for it: in a large
 * swarm a full viewer receives offers all the time, and creating and closing a connection per
 * offer cost its main thread more than its whole map traffic (issue 16, item 5). Tracker
 * connections are fakes the test drives through their listener, as in tracker-fleet-signalling.
 */
import { hexToBinaryString } from '../../../../core/p2p/signalling/peer-id.js';
import type { TrackerConnectionListener } from '../../../../core/p2p/signalling/tracker-connection.js';
import { TrackerSignalling } from '../../../../core/p2p/signalling/tracker-signalling.js';

const mockListeners: TrackerConnectionListener[] = [];

jest.mock('../../../../core/p2p/signalling/tracker-connection.js', () => {
  const actual = jest.requireActual<Record<string, unknown>>(
    '../../../../core/p2p/signalling/tracker-connection.js',
  );
  return {
    ...actual,
    TrackerConnection: class {
      constructor(
        readonly url: string,
        _identity: unknown,
        listener: TrackerConnectionListener,
      ) {
        mockListeners.push(listener);
      }
      get connected(): boolean {
        return true;
      }
      start(): void {
        // The fake tracker is driven through its listener.
      }
      announce(): void {
        // Nothing goes out.
      }
      destroy(): Promise<void> {
        return Promise.resolve();
      }
    },
  };
});

// Imported after the mock: the real pure helper.
const { offeringPeerId } = jest.requireActual<
  typeof import('../../../../core/p2p/signalling/tracker-connection.js')
>('../../../../core/p2p/signalling/tracker-connection.js');

const PEER_ID = 'ab'.repeat(20);
const REMOTE_ID = 'cd'.repeat(20);
const INFO_HASH = '12'.repeat(20);

let signalling: TrackerSignalling | undefined;

function start(options: { maxPeers?: number; admits?: (peerId: string) => boolean } = {}) {
  mockListeners.length = 0;
  signalling = new TrackerSignalling({
    infoHash: INFO_HASH,
    peerId: PEER_ID,
    trackers: ['ws://tracker.test'],
    ...options,
  });
  signalling.start();
  const listener = mockListeners[0];
  if (listener === undefined) throw new Error('no tracker connection was created');
  return { signalling, listener };
}

afterEach(async () => {
  await signalling?.destroy();
  signalling = undefined;
});

describe('offers the swarm would refuse are declined before a connection exists', () => {
  it('declines every offer while the swarm is full', () => {
    const { listener } = start({ maxPeers: 0 });
    expect(listener.declinesOffer?.(REMOTE_ID)).toBe(true);
  });

  it('takes an offer while there is room', () => {
    const { listener } = start({ maxPeers: 4 });
    expect(listener.declinesOffer?.(REMOTE_ID)).toBe(false);
  });

  it('declines an offer from a peer it does not admit and counts it as refused', () => {
    const { signalling: created, listener } = start({
      maxPeers: 4,
      admits: (peerId) => peerId !== REMOTE_ID,
    });
    expect(listener.declinesOffer?.(REMOTE_ID)).toBe(true);
    expect(created.refusedPeers).toBe(1);
    expect(listener.declinesOffer?.('ef'.repeat(20))).toBe(false);
    expect(created.refusedPeers).toBe(1);
  });

  it('declines everything once destroyed', async () => {
    const { signalling: created, listener } = start({ maxPeers: 4 });
    await created.destroy();
    expect(listener.declinesOffer?.(REMOTE_ID)).toBe(true);
  });
});

describe('offeringPeerId', () => {
  const infoHash = hexToBinaryString(INFO_HASH);
  const self = hexToBinaryString(PEER_ID);
  const remote = hexToBinaryString(REMOTE_ID);

  it('names the remote peer of an offer for our swarm, in hex', () => {
    const data = { info_hash: infoHash, peer_id: remote, offer: { type: 'offer', sdp: 'x' } };
    expect(offeringPeerId(data, infoHash, self)).toBe(REMOTE_ID);
  });

  it('ignores messages without an offer, for another swarm, or from ourselves', () => {
    expect(offeringPeerId({ info_hash: infoHash, peer_id: remote }, infoHash, self)).toBe(
      undefined,
    );
    const otherSwarm = hexToBinaryString('34'.repeat(20));
    expect(
      offeringPeerId({ info_hash: otherSwarm, peer_id: remote, offer: {} }, infoHash, self),
    ).toBe(undefined);
    expect(offeringPeerId({ info_hash: infoHash, peer_id: self, offer: {} }, infoHash, self)).toBe(
      undefined,
    );
    expect(offeringPeerId({ info_hash: infoHash, offer: {} }, infoHash, self)).toBe(undefined);
  });
});

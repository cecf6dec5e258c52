/**
 * Reading a connection's path (direct or through a TURN relay) from getStats, in the report shapes
 * of libwebrtc (Chromium, @roamhq/wrtc: measured in the lab), Firefox and older specs; and the path
 * a PeerConnection exposes and re-reads when ICE reconnects.
 */
import {
  pathFromStats,
  readConnectionPath,
  type ConnectionPath,
} from '../../../../core/p2p/peer/connection-path.js';
import { PeerConnection } from '../../../../core/p2p/peer/peer-connection.js';
import { MemoryChannel } from './memory-channel.js';

type Stat = Record<string, unknown>;

const report = (stats: Stat[]): Map<string, Stat> =>
  new Map(stats.map((stat) => [String(stat['id']), stat]));

const candidate = (id: string, local: boolean, candidateType: string): Stat => ({
  id,
  type: local ? 'local-candidate' : 'remote-candidate',
  candidateType,
  address: '10.213.0.1',
});

const pair = (id: string, local: string, remote: string, extra: Stat = {}): Stat => ({
  id,
  type: 'candidate-pair',
  localCandidateId: local,
  remoteCandidateId: remote,
  state: 'waiting',
  nominated: false,
  ...extra,
});

/** As @roamhq/wrtc 0.8 reports it (Chromium's shape): the transport names the selected pair. */
function libwebrtcReport(localType: string, remoteType: string): Map<string, Stat> {
  return report([
    // An unselected pair of host candidates that must not decide.
    pair('P_other', 'L_host', 'R_host'),
    pair('P_used', 'L_used', 'R_used', { state: 'succeeded', nominated: true, writable: true }),
    candidate('L_host', true, 'host'),
    candidate('R_host', false, 'host'),
    candidate('L_used', true, localType),
    candidate('R_used', false, remoteType),
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P_used', iceState: 'connected' },
  ]);
}

describe('pathFromStats', () => {
  it.each<[string, string, ConnectionPath]>([
    ['host', 'host', 'direct'],
    ['srflx', 'prflx', 'direct'],
    ['relay', 'host', 'relayed'],
    ['host', 'relay', 'relayed'],
    ['relay', 'relay', 'relayed'],
  ])('libwebrtc: %s to %s is %s', (localType, remoteType, expected) => {
    expect(pathFromStats(libwebrtcReport(localType, remoteType))).toBe(expected);
  });

  it('Firefox: the pair marked `selected`, with the old `relayed` candidate type', () => {
    const stats = report([
      pair('P1', 'L1', 'R1', { state: 'succeeded', nominated: true }),
      pair('P2', 'L2', 'R2', { state: 'succeeded', nominated: true, selected: true }),
      candidate('L1', true, 'host'),
      candidate('R1', false, 'host'),
      candidate('L2', true, 'relayed'),
      candidate('R2', false, 'host'),
    ]);
    expect(pathFromStats(stats)).toBe('relayed');
  });

  it('without a transport or `selected`: the nominated pair that succeeded', () => {
    const stats = report([
      pair('P1', 'L1', 'R1', { state: 'succeeded', nominated: false }),
      pair('P2', 'L2', 'R2', { state: 'succeeded', nominated: true }),
      candidate('L1', true, 'relay'),
      candidate('R1', false, 'relay'),
      candidate('L2', true, 'host'),
      candidate('R2', false, 'srflx'),
    ]);
    expect(pathFromStats(stats)).toBe('direct');
  });

  it('is unknown with no selected pair, or a selected pair whose candidates are missing', () => {
    expect(pathFromStats(report([pair('P', 'L', 'R')]))).toBe('unknown');
    expect(pathFromStats(new Map())).toBe('unknown');
    const orphan = report([
      pair('P', 'L', 'R', { state: 'succeeded', nominated: true }),
      candidate('L', true, 'host'),
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    ]);
    expect(pathFromStats(orphan)).toBe('unknown');
    // A relay candidate on the one side known is enough to say "relayed".
    const halfKnown = report([
      pair('P', 'L', 'R', { state: 'succeeded', nominated: true }),
      candidate('L', true, 'relay'),
    ]);
    expect(pathFromStats(halfKnown)).toBe('relayed');
  });

  it('ignores entries that are not stat objects', () => {
    const stats = libwebrtcReport('relay', 'host') as Map<string, unknown>;
    stats.set('junk', null);
    stats.set('junk2', 42);
    expect(pathFromStats(stats)).toBe('relayed');
  });
});

describe('readConnectionPath', () => {
  it('reads the stats once and says unknown when getStats fails', async () => {
    let calls = 0;
    const ok = {
      getStats: () => {
        calls++;
        return Promise.resolve(libwebrtcReport('relay', 'srflx'));
      },
    };
    await expect(readConnectionPath(ok)).resolves.toBe('relayed');
    expect(calls).toBe(1);
    const failing = { getStats: () => Promise.reject(new Error('InvalidStateError')) };
    await expect(readConnectionPath(failing)).resolves.toBe('unknown');
  });
});

/** A memory channel whose "stats" say `path`, and which can report an ICE reconnect. */
class PathChannel extends MemoryChannel {
  path: ConnectionPath = 'direct';
  reads = 0;
  private readonly pathListeners = new Set<() => void>();

  readPath(): Promise<ConnectionPath> {
    this.reads++;
    return Promise.resolve(this.path);
  }

  onPathMayChange(listener: () => void): () => void {
    this.pathListeners.add(listener);
    return () => this.pathListeners.delete(listener);
  }

  /** ICE re-established the connection over a pair of `path`. */
  reconnect(path: ConnectionPath): void {
    this.path = path;
    for (const listener of [...this.pathListeners]) listener();
  }

  get pathListenerCount(): number {
    return this.pathListeners.size;
  }
}

function connection(channel: MemoryChannel): PeerConnection {
  const remote = new MemoryChannel();
  MemoryChannel.link(channel, remote);
  return new PeerConnection(channel, {
    peerId: 'remote',
    localPeerId: 'local',
    getLocalMap: () => ({ have: [], fetching: [] }),
  });
}

describe('PeerConnection.path', () => {
  it('is read once after connecting, and again only when ICE reconnects', async () => {
    const channel = new PathChannel();
    channel.path = 'relayed';
    const peer = connection(channel);
    const paths: ConnectionPath[] = [];
    peer.on('path', ({ path }) => paths.push(path));
    expect(peer.path).toBe('unknown');
    await Promise.resolve();
    expect(peer.path).toBe('relayed');
    expect(channel.reads).toBe(1);

    channel.reconnect('direct');
    await Promise.resolve();
    expect(peer.path).toBe('direct');
    // The same path after another reconnect is not news.
    channel.reconnect('direct');
    await Promise.resolve();
    expect(paths).toEqual(['relayed', 'direct']);
    expect(channel.reads).toBe(3);

    peer.close();
    expect(channel.pathListenerCount).toBe(0);
  });

  it('stays unknown on a channel that cannot tell, and ignores a read that settles after close', async () => {
    const plain = connection(new MemoryChannel());
    await Promise.resolve();
    expect(plain.path).toBe('unknown');
    plain.close();

    const channel = new PathChannel();
    const peer = connection(channel);
    peer.close();
    await Promise.resolve();
    expect(peer.path).toBe('unknown');
  });
});

/**
 * A peer connection through a real TURN server (coturn) is recognised as `relayed`, and its bytes
 * count as relayed P2P bytes; the same peers without the relay-only policy connect `direct`. Two
 * simple-peer instances over @roamhq/wrtc, signalled in-process; coturn listens on the namespace's
 * test host address. Run inside the network namespace:
 *   bash scripts/netns-run.sh npx jest --selectProjects integration --testPathPatterns \
 *     test/integration/p2p/relay-path
 *
 * coturn's setup (and why one address suffices) is in relay-turn-server.ts. Skipped outside the
 * namespace (peers would use the machine's interfaces) and when `turnserver` is not installed.
 */
import Peer from '@thaunknown/simple-peer/lite.js';

import type { ConnectionPath } from '../../../core/p2p/peer/connection-path.js';
import { PeerConnection } from '../../../core/p2p/peer/peer-connection.js';
import { simplePeerChannel } from '../../../core/p2p/peer/simple-peer-channel.js';
import { StatsCollector } from '../../../core/stats/stats-collector.js';
import { TEST_HOST, TurnServer, turnSkipReason } from './relay-turn-server.js';

jest.setTimeout(30_000);

const skipReason = turnSkipReason();
if (skipReason) console.warn(`relay-path: skipped: ${skipReason}`);
const describeWithTurn = skipReason ? describe.skip : describe;

const SEGMENT_ID = 5;
const SEGMENT = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 31 + 7) & 0xff);

function connected(peer: Peer): Promise<void> {
  return new Promise((resolve, reject) => {
    peer.once('connect', resolve);
    peer.once('error', reject);
  });
}

/** Two connected PeerConnections, `b` holding {@link SEGMENT}. */
async function connectPair(
  config: RTCConfiguration,
): Promise<{ a: PeerConnection; b: PeerConnection }> {
  const initiator = new Peer({ config, trickle: true, initiator: true });
  const responder = new Peer({ config, trickle: true });
  initiator.on('signal', (data) => {
    responder.signal(data);
  });
  responder.on('signal', (data) => {
    initiator.signal(data);
  });
  await Promise.all([connected(initiator), connected(responder)]);
  const a = new PeerConnection(simplePeerChannel(initiator), {
    peerId: 'b',
    localPeerId: 'a',
    getLocalMap: () => ({ have: [], fetching: [] }),
    requestIdleTimeoutMs: 10_000,
  });
  const b = new PeerConnection(simplePeerChannel(responder), {
    peerId: 'a',
    localPeerId: 'b',
    getLocalMap: () => ({ have: [SEGMENT_ID], fetching: [] }),
  });
  b.on('upload-request', (request) => {
    request.respond(SEGMENT);
  });
  return { a, b };
}

function knownPath(connection: PeerConnection): Promise<ConnectionPath> {
  if (connection.path !== 'unknown') return Promise.resolve(connection.path);
  return new Promise((resolve) => {
    const onPath = ({ path: value }: { path: ConnectionPath }): void => {
      connection.off('path', onPath);
      resolve(value);
    };
    connection.on('path', onPath);
  });
}

/** Downloads the segment from `b` and counts its bytes as the engine does, under `a`'s path. */
async function downloadCounted(a: PeerConnection, stats: StatsCollector): Promise<void> {
  await new Promise<void>((resolve) => {
    if (a.remoteHas(SEGMENT_ID)) resolve();
    else
      a.on('remote-map', () => {
        resolve();
      });
  });
  a.on('bytes-downloaded', ({ bytes }) => {
    stats.recordDownload('p2p', bytes, a.path);
  });
  const download = await a.request(SEGMENT_ID);
  expect(download.totalBytes).toBe(SEGMENT.byteLength);
}

describeWithTurn('connection path through a real TURN server (coturn)', () => {
  let turn: TurnServer;
  const open: PeerConnection[] = [];

  beforeAll(async () => {
    turn = await TurnServer.start(TEST_HOST ?? '');
  });
  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });
  afterAll(() => {
    // Undefined when the start failed (the first test then reports why).
    (turn as TurnServer | undefined)?.destroy();
  });

  it('a relay-only connection is `relayed` on both ends and its bytes count as relayed', async () => {
    const { a, b } = await connectPair({
      iceServers: [turn.iceServer()],
      iceTransportPolicy: 'relay',
    });
    open.push(a, b);
    expect(await knownPath(a)).toBe('relayed');
    expect(await knownPath(b)).toBe('relayed');

    const stats = new StatsCollector();
    await downloadCounted(a, stats);
    const snapshot = stats.snapshot({ peers: 1, storeBytes: 0 });
    expect(snapshot.p2pBytesByPath).toEqual({
      direct: 0,
      relayed: SEGMENT.byteLength,
      unknown: 0,
    });
  });

  it('with the TURN server offered but no relay-only policy, the peers connect `direct`', async () => {
    const { a, b } = await connectPair({ iceServers: [turn.iceServer()] });
    open.push(a, b);
    expect(await knownPath(a)).toBe('direct');
    expect(await knownPath(b)).toBe('direct');

    const stats = new StatsCollector();
    await downloadCounted(a, stats);
    expect(stats.snapshot({ peers: 1, storeBytes: 0 }).p2pBytesByPath).toEqual({
      direct: SEGMENT.byteLength,
      relayed: 0,
      unknown: 0,
    });
  });
});

/**
 * Engines of one page or process share bittorrent-tracker's socket pool (one WebSocket per URL), so
 * core/p2p/signalling/socket-sharing.ts gives each peer id a URL of its own. Here one engine (one
 * peer id in two swarms) leaves one swarm, then another engine of the same process joins the swarm
 * the first still is in: they must meet, and neither may see a tracker error. Before the fix the
 * leave gave the first engine's URL (its socket still open for the other swarm) to the second
 * engine: two peer ids on one socket, and the second engine never met anyone (the 30-viewer lab's
 * late virtual viewers, 20.9 MB each from the origin). Its two swarms start at once, so the second
 * joins the pooled socket while it connects: it must still count as connected (bittorrent-tracker
 * tells only the socket's creator; without the hook in tracker-connection.ts that swarm never
 * re-announced). Real tracker, real WebRTC (Node); needs the
 * network namespace: `bash scripts/netns-run.sh npx jest --selectProjects integration shared-socket`.
 */
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { waitUntil } from '../../support/wait.js';
import { closeClient, startRecordedClient, type RecordedClient } from './signalling-harness.js';

jest.setTimeout(30_000);

const SWARM = infoHashFor('https://origin.test/live/master.m3u8', 'main-0');
const LEFT_SWARM = infoHashFor('https://origin.test/live/master.m3u8', 'main-1');

let tracker: TrackerServer;
let clients: RecordedClient[] = [];

function client(infoHash: string, peerId?: string): RecordedClient {
  // The tracker's plain URL for everyone, as engines in one page use it: sharing is up to the library.
  const recorded = startRecordedClient({
    infoHash,
    trackers: [tracker.url],
    ...(peerId === undefined ? {} : { peerId }),
  });
  clients.push(recorded);
  return recorded;
}

beforeEach(async () => {
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  await Promise.all(clients.map(closeClient));
  clients = [];
  await tracker.stop();
});

it('keeps a socket its engine’s after the engine leaves one of two swarms: a later engine still meets it', async () => {
  const enginePeerId = createPeerId();
  const leaving = client(LEFT_SWARM, enginePeerId);
  const staying = client(SWARM, enginePeerId);
  // Both swarms started in the same tick: the second shares the socket the first is opening.
  await waitUntil(() => leaving.connected.length > 0 && staying.connected.length > 0, {
    timeoutMs: 10_000,
    description: "both of the first engine's swarms to count as connected",
    lastSeen: () =>
      JSON.stringify({
        leaving: [leaving.connected, leaving.trackerErrors.map(({ error }) => error.message)],
        staying: [staying.connected, staying.trackerErrors.map(({ error }) => error.message)],
      }),
  });
  await closeClient(leaving);
  clients = clients.filter((recorded) => recorded !== leaving);

  const joiner = client(SWARM);
  await waitUntil(() => joiner.peers.length > 0 && staying.peers.length > 0, {
    timeoutMs: 20_000,
    description: 'the later engine and the first engine to meet',
    lastSeen: () =>
      JSON.stringify({
        joinerPeers: joiner.peers.length,
        stayingPeers: staying.peers.length,
        joinerErrors: joiner.trackerErrors.map(({ error }) => error.message),
        stayingErrors: staying.trackerErrors.map(({ error }) => error.message),
      }),
  });
  expect({
    joinerMet: joiner.peers.map((peer) => peer.remotePeerId),
    stayingMet: staying.peers.map((peer) => peer.remotePeerId),
    errors: [...joiner.trackerErrors, ...staying.trackerErrors].map(({ error }) => error.message),
  }).toEqual({ joinerMet: [enginePeerId], stayingMet: [joiner.peerId], errors: [] });
});

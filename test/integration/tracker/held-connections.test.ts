/**
 * A starved engine holds back new connections: its announces carry no offers, so two held peers of
 * one swarm never connect however often they announce, and they connect once the hold is lifted.
 * Real tracker, real WebRTC (Node); needs the network namespace (scripts/netns-run.sh).
 */
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { waitUntil } from '../../support/wait.js';
import {
  closeClient,
  perClientUrl,
  startRecordedClient,
  type RecordedClient,
} from './signalling-harness.js';

jest.setTimeout(30_000);

const SWARM = infoHashFor('https://origin.test/live/master.m3u8', 'main-0');

let tracker: TrackerServer;
let clients: RecordedClient[] = [];

beforeEach(async () => {
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  await Promise.all(clients.map(closeClient));
  clients = [];
  await tracker.stop();
});

it('sends no offers while held, and connects after the hold is lifted', async () => {
  let held = true;
  const answers = [0, 0];
  clients = [0, 1].map((index) => {
    const client = startRecordedClient({
      infoHash: SWARM,
      trackers: [perClientUrl(tracker.url)],
      // Announce every second (the shortest allowed) so the held phase sees several announces.
      announceIntervalMs: 1000,
      fewPeersAnnounceIntervalMs: 1000,
      holdsNewConnections: () => held,
    });
    client.signalling.on('swarm-size', () => {
      answers[index] = (answers[index] ?? 0) + 1;
    });
    return client;
  });

  // Three answered announces each, every one after both were in the swarm; then one more round,
  // long enough for an offer sent with any of them to have become a connection on loopback.
  await waitUntil(() => clients.every((c) => (c.signalling.reportedSwarmSize ?? 0) >= 2), {
    timeoutMs: 10_000,
    description: 'both clients to see a swarm of two',
  });
  const seen = [...answers];
  await waitUntil(() => answers.every((count, i) => count >= (seen[i] ?? 0) + 3), {
    timeoutMs: 10_000,
    description: 'three more announces from each held client',
    lastSeen: () => answers.join(','),
  });
  expect(clients.map((c) => c.peers.length)).toEqual([0, 0]);

  held = false;
  await waitUntil(() => clients.every((c) => c.peers.length === 1), {
    timeoutMs: 10_000,
    description: 'the two clients to connect once no longer held',
    lastSeen: () => clients.map((c) => c.peers.length).join(','),
  });
});

/**
 * Real tracker, real WebRTC (Node, @roamhq/wrtc): peers of one swarm meet through the embedded
 * tracker, peers of another swarm do not, dead trackers are reported without stopping the live
 * ones, and everything closes. Needs the network namespace:
 * `bash /work/shared/netns-run.sh npx jest --selectProjects integration test/integration/tracker`
 */
import { P2PMediaLoaderError } from '../../../core/errors.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import type { TrackerStats } from '../../../tracker/tracker-stats.js';
import { waitUntil } from '../../support/wait.js';
import {
  activeHandleCounts,
  closeClient,
  closedPort,
  perClientUrl,
  recordTimers,
  startRecordedClient,
  type RecordedClient,
} from './signalling-harness.js';

jest.setTimeout(30_000);

const SWARM = infoHashFor('https://origin.test/vod/master.m3u8', 'main-0');
const OTHER_SWARM = infoHashFor('https://origin.test/vod/master.m3u8', 'main-1');

let tracker: TrackerServer;
let clients: RecordedClient[] = [];

function client(infoHash: string, trackers: string[]): RecordedClient {
  const recorded = startRecordedClient({ infoHash, trackers });
  clients.push(recorded);
  return recorded;
}

async function fetchStats(): Promise<TrackerStats> {
  const response = await fetch(tracker.statsUrl);
  return (await response.json()) as TrackerStats;
}

beforeEach(async () => {
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  await Promise.all(clients.map(closeClient));
  clients = [];
  await tracker.stop();
});

it('connects every pair of a swarm exactly once, lets them exchange messages and keeps other swarms apart', async () => {
  const members = [0, 1, 2].map(() => client(SWARM, [perClientUrl(tracker.url)]));
  const stranger = client(OTHER_SWARM, [perClientUrl(tracker.url)]);

  await waitUntil(() => members.every((m) => m.peers.length >= 2), {
    timeoutMs: 20_000,
    description: 'each swarm member to hold two peers',
    lastSeen: () => members.map((m) => m.peers.length).join(','),
  });

  for (const member of members) {
    const remoteIds = member.peers.map((p) => p.remotePeerId).sort();
    const others = members
      .filter((m) => m !== member)
      .map((m) => m.peerId)
      .sort();
    expect(remoteIds).toEqual(others);
    expect(member.peers.every((p) => p.trackerUrl.startsWith(tracker.url))).toBe(true);
  }

  for (const member of members) {
    for (const { peer } of member.peers) peer.send(`hello from ${member.peerId}`);
  }
  await waitUntil(() => members.every((m) => m.messages.length === 2), {
    timeoutMs: 5000,
    description: 'every member to receive one message from each other member',
    lastSeen: () => members.map((m) => m.messages.length).join(','),
  });
  for (const member of members) {
    for (const { from, text } of member.messages) expect(text).toBe(`hello from ${from}`);
  }

  const stats = await fetchStats();
  expect(stats.swarmPeers[SWARM]).toBe(3);
  expect(stats.swarmPeers[OTHER_SWARM]).toBe(1);
  expect(stats.swarms).toBe(2);
  expect(stats.peers).toBe(4);
  expect(stats.connections).toBe(4);
  expect(tracker.stats().swarmPeers).toEqual(stats.swarmPeers);
  // The stranger's swarm has no one else: the tracker never offered it to the others.
  expect(stranger.peers).toHaveLength(0);
  // Announce responses count the announcing peer itself: the stranger hears 1 (it is alone, which
  // ends its segments' wait for peers), the last member of the trio to announce hears 3.
  await waitUntil(() => stranger.signalling.reportedSwarmSize !== undefined, {
    timeoutMs: 5000,
    description: "the tracker's answer to the stranger's announce",
  });
  expect(stranger.signalling.reportedSwarmSize).toBe(1);
  expect(Math.max(...members.map((m) => m.signalling.reportedSwarmSize ?? 0))).toBe(3);
  expect([...members, stranger].flatMap((m) => m.trackerErrors)).toHaveLength(0);
});

it('keeps one connection per remote peer when both peers share two trackers', async () => {
  const second = await startTrackerServer({ port: 0, host: '127.0.0.1' });
  try {
    const trackers = () => [perClientUrl(tracker.url), perClientUrl(second.url)];
    const first = client(SWARM, trackers());
    await waitUntil(() => first.connected.length === 2, {
      timeoutMs: 5000,
      description: 'the first client to connect to both trackers',
    });
    // The newcomer's offers reach the first client through both trackers.
    const newcomer = client(SWARM, trackers());
    await waitUntil(
      () =>
        first.peers.length > 0 &&
        newcomer.peers.length > 0 &&
        first.signalling.duplicatesClosed + newcomer.signalling.duplicatesClosed > 0,
      {
        timeoutMs: 20_000,
        description: 'the pair to connect and close the duplicate connection',
        lastSeen: () =>
          `open connections ${first.peers.length}/${newcomer.peers.length}, ` +
          `tracked ${first.signalling.peerCount}/${newcomer.signalling.peerCount}, ` +
          `duplicates closed ${first.signalling.duplicatesClosed}/` +
          `${newcomer.signalling.duplicatesClosed}`,
      },
    );
    expect(first.peers.map((p) => p.remotePeerId)).toEqual([newcomer.peerId]);
    expect(newcomer.peers.map((p) => p.remotePeerId)).toEqual([first.peerId]);
    first.peers[0]?.peer.send('over the one connection');
    await waitUntil(() => newcomer.messages.length === 1, {
      timeoutMs: 5000,
      description: 'the message to arrive',
    });
    expect(first.signalling.peerCount).toBe(1);
    expect(newcomer.signalling.peerCount).toBe(1);
  } finally {
    await Promise.all(clients.splice(0).map(closeClient));
    await second.stop();
  }
});

it('reports a dead tracker as a tracker error and still meets peers through the live one', async () => {
  const deadUrl = `ws://127.0.0.1:${await closedPort()}`;
  const liveUrl = perClientUrl(tracker.url);
  const withDead = client(SWARM, [deadUrl, liveUrl]);
  const other = client(SWARM, [perClientUrl(tracker.url)]);

  await waitUntil(() => withDead.trackerErrors.length > 0 && withDead.peers.length > 0, {
    timeoutMs: 20_000,
    description: 'a tracker error for the dead tracker and a peer through the live one',
  });
  const [report] = withDead.trackerErrors;
  expect(report?.trackerUrl).toBe(deadUrl);
  expect(report?.error).toBeInstanceOf(P2PMediaLoaderError);
  expect(report?.error.code).toBe('tracker');
  expect(withDead.trackerErrors.every((e) => e.trackerUrl === deadUrl)).toBe(true);
  expect(withDead.connected).toEqual([liveUrl]);
  expect(withDead.peers[0]?.remotePeerId).toBe(other.peerId);
});

it('reports invalid tracker URLs without throwing and opens no socket for them', async () => {
  const lone = client(SWARM, ['http://127.0.0.1:1/announce', 'not a url']);
  await waitUntil(() => lone.trackerErrors.length === 2, {
    timeoutMs: 1000,
    description: 'two tracker errors',
  });
  expect(lone.trackerErrors.map((e) => e.error.code)).toEqual(['tracker', 'tracker']);
  expect(lone.signalling.connectedTrackers).toEqual([]);
  expect((await fetchStats()).connections).toBe(0);
});

it('reconnects and announces again when the tracker comes back after a restart', async () => {
  const first = client(SWARM, [perClientUrl(tracker.url)]);
  await waitUntil(() => first.connected.length === 1, {
    timeoutMs: 5000,
    description: 'the first connection to the tracker',
  });
  const { port } = tracker;
  await tracker.stop();
  await waitUntil(() => first.disconnected.length === 1, {
    timeoutMs: 5000,
    description: 'the client to notice the tracker is gone',
  });

  tracker = await startTrackerServer({ port, host: '127.0.0.1' });
  // The first reconnect attempt comes 1-2 s after the drop.
  await waitUntil(() => first.connected.length === 2, {
    timeoutMs: 10_000,
    description: 'the client to reconnect to the restarted tracker',
  });
  await waitUntil(async () => (await fetchStats()).swarmPeers[SWARM] === 1, {
    timeoutMs: 5000,
    description: 'the client to announce itself to the restarted tracker',
  });

  // A newcomer finds the reconnected client.
  const newcomer = client(SWARM, [perClientUrl(tracker.url)]);
  await waitUntil(() => newcomer.peers.length === 1, {
    timeoutMs: 20_000,
    description: 'the newcomer to connect to the reconnected client',
  });
  expect(newcomer.peers[0]?.remotePeerId).toBe(first.peerId);
});

it('leaves no sockets, servers or timers behind after destroy() and stop()', async () => {
  // Start from a state without network handles: stop beforeEach's tracker and let earlier tests'
  // sockets finish closing (libuv releases a handle a little after its 'close' event).
  await tracker.stop();
  await waitUntil(() => networkHandles(activeHandleCounts()) === 0, {
    timeoutMs: 3000,
    description: 'earlier network handles to close',
  });
  const timers = recordTimers();

  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
  const a = client(SWARM, [perClientUrl(tracker.url)]);
  client(SWARM, [perClientUrl(tracker.url), `ws://127.0.0.1:${await closedPort()}`]);
  await waitUntil(() => a.peers.length === 1 && a.trackerErrors.length === 0, {
    timeoutMs: 20_000,
    description: 'the two clients to connect',
  });
  expect(networkHandles(activeHandleCounts())).toBeGreaterThan(0);

  await Promise.all(clients.map(closeClient));
  clients = [];
  await tracker.stop();
  // Sockets are released by libuv shortly after their 'close' events; timers must be gone at once
  // (a reconnect timer left behind would still be pending here).
  await waitUntil(() => networkHandles(activeHandleCounts()) === 0, {
    timeoutMs: 3000,
    description: 'every socket and server to be released',
    lastSeen: () => JSON.stringify(activeHandleCounts()),
  });
  expect(await timers.leftover()).toEqual([]);
});

function networkHandles(counts: Record<string, number>): number {
  return (
    (counts.TCPSocketWrap ?? 0) +
    (counts.TCPServerWrap ?? 0) +
    (counts.TCPWRAP ?? 0) +
    (counts.UDPWrap ?? 0)
  );
}

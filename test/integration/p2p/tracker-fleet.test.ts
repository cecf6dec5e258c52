/**
 * Tracker fleets end to end: engines in Node (real WebRTC via @roamhq/wrtc) given a fleet of three
 * real embedded trackers, one group each. The viewers of a swarm all land on the group the swarm's
 * info hash ranks first; when that tracker stops they fall over to the group ranked second, and a
 * viewer joining then finds them there. Runs inside the test network namespace
 * (`bash scripts/netns-run.sh npx jest --selectProjects integration --testPathPatterns tracker-fleet`).
 */
import { Engine } from '../../../core/engine/engine.js';
import type { StreamDescriptor } from '../../../core/model/segment.js';
import { rendezvousOrder } from '../../../core/p2p/signalling/tracker-fleet.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { waitUntil } from '../../support/wait.js';

jest.setTimeout(45_000);

const STREAM: StreamDescriptor = { key: 'main:fleet/index.m3u8', kind: 'main' };

let trackers: TrackerServer[] = [];
const engines: Engine[] = [];

function newEngine(swarmId: string, fleet: string[][]): Engine {
  const engine = new Engine({
    trackers: fleet,
    rtcConfig: { iceServers: [] },
    swarmId,
    // Several engines share this test's thread; back-off would hold their connection offers.
    mainThreadBackoff: false,
  });
  engines.push(engine);
  engine.setSource('https://origin.test/fleet/master.m3u8');
  engine.updateStream(STREAM, {
    segments: [{ id: 1, url: 'https://origin.test/fleet/seg1.ts', startTime: 0, endTime: 2 }],
    isLive: false,
  });
  engine.setActiveStream(STREAM);
  return engine;
}

/** Members of swarm `infoHash` each tracker lists (0 for a stopped one). */
function placement(infoHash: string, stopped: ReadonlySet<TrackerServer>): number[] {
  return trackers.map((tracker) =>
    stopped.has(tracker) ? 0 : (tracker.stats().swarmPeers[infoHash] ?? 0),
  );
}

beforeEach(async () => {
  trackers = await Promise.all(
    [0, 1, 2].map(() => startTrackerServer({ port: 0, host: '127.0.0.1' })),
  );
});

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.destroy();
  await Promise.all(trackers.map((tracker) => tracker.stop().catch(() => undefined)));
});

it('puts every viewer of a swarm on its first-ranked group, and all on the next group when that one stops', async () => {
  const fleet = trackers.map((tracker) => [tracker.url]);
  const swarmId = `fleet-${Math.random()}`;
  const infoHash = infoHashFor(swarmId, STREAM.key);
  const [first, second, third] = rendezvousOrder(infoHash, fleet) as [number, number, number];
  const stopped = new Set<TrackerServer>();

  const viewers = [newEngine(swarmId, fleet), newEngine(swarmId, fleet)];
  await waitUntil(() => viewers.every((engine) => engine.getStats().peers >= 1) || undefined, {
    timeoutMs: 20_000,
    description: 'two viewers connected through the fleet',
    lastSeen: () => placement(infoHash, stopped).join(','),
  });
  const before = placement(infoHash, stopped);
  expect(before[first]).toBe(2);
  expect(before[second]).toBe(0);
  expect(before[third]).toBe(0);

  const preferred = trackers[first] as TrackerServer;
  stopped.add(preferred);
  await preferred.stop();

  // Each viewer leaves the stopped group after 3 failed attempts (3-6 s) for the second-ranked.
  await waitUntil(() => placement(infoHash, stopped)[second] === 2 || undefined, {
    timeoutMs: 20_000,
    description: 'both viewers to announce to the second-ranked group',
    lastSeen: () => placement(infoHash, stopped).join(','),
  });
  expect(placement(infoHash, stopped)[third]).toBe(0);

  // A viewer arriving now tries the stopped group too, falls over alike and meets both there.
  const latecomer = newEngine(swarmId, fleet);
  await waitUntil(() => latecomer.getStats().peers >= 2 || undefined, {
    timeoutMs: 25_000,
    description: 'the latecomer to connect to both viewers through the second group',
    lastSeen: () =>
      `${latecomer.getStats().peers} peers; ${placement(infoHash, stopped).join(',')}`,
  });
  expect(placement(infoHash, stopped)[second]).toBe(3);
  expect(placement(infoHash, stopped)[third]).toBe(0);
});

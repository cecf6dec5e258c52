/**
 * `swarmPeerCap` over the real embedded tracker and real WebRTC (@roamhq/wrtc): P2P networks (the
 * P2P half of an engine, with peer ids the test picks) join one stream with a cap of 2. The third
 * and fourth to arrive find the stream's swarm over the cap and move to the level-1 sub-swarm their
 * ids hash to (core/p2p/swarm/sub-swarms.ts); the fourth is picked to share the third's bucket, so
 * they meet there. Without the cap everyone stays in the one ordinary swarm. Runs inside the test
 * network namespace: `bash scripts/netns-run.sh npx jest --selectProjects integration sub-swarms`.
 */
import type { EngineConfig } from '../../../core/engine/config.js';
import type { PeerNetwork } from '../../../core/engine/peer-network.js';
import { resolveEngineConfig } from '../../../core/engine/resolve-config.js';
import type { EngineEventMap } from '../../../core/events/engine-events.js';
import { createPeerId } from '../../../core/p2p/signalling/peer-id.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';
import { createP2PNetwork } from '../../../core/p2p/swarm/p2p-network.js';
import { subSwarmPlace } from '../../../core/p2p/swarm/sub-swarms.js';
import { SegmentStore } from '../../../core/storage/segment-store.js';
import { startTrackerServer, type TrackerServer } from '../../../tracker/index.js';
import { waitUntil } from '../../support/wait.js';

jest.setTimeout(60_000);

const STREAM_KEY = 'main:v720/index.m3u8';

let tracker: TrackerServer;
const cleanups: (() => void)[] = [];

/** A P2P network with `peerId`, recording the peers it met and its sub-swarm moves. */
interface Viewer {
  readonly peerId: string;
  readonly network: PeerNetwork;
  readonly met: Set<string>;
  readonly splits: EngineEventMap['swarm-split'][];
}

function viewer(swarmId: string, peerId: string, config: Partial<EngineConfig>): Viewer {
  const store = new SegmentStore({
    budgetBytes: 8 * 1024 * 1024,
    liveEvictionMarginSeconds: 60,
    protectAheadSeconds: 30,
  });
  const met = new Set<string>();
  const splits: EngineEventMap['swarm-split'][] = [];
  const network = createP2PNetwork({
    config: resolveEngineConfig({
      trackers: [tracker.url],
      rtcConfig: { iceServers: [] },
      mainThreadBackoff: false,
      ...config,
    }),
    swarmId,
    store,
    emit: (event, payload) => {
      if (event === 'peer-connected') met.add((payload as EngineEventMap['peer-connected']).peerId);
      if (event === 'swarm-split') splits.push(payload as EngineEventMap['swarm-split']);
    },
    recordUpload: () => undefined,
    localPeerId: peerId,
  });
  cleanups.push(() => {
    network.destroy();
    store.destroy();
  });
  network.setActiveStreams([STREAM_KEY]);
  return { peerId, network, met, splits };
}

function swarmPeers(): Readonly<Record<string, number>> {
  return tracker.stats().swarmPeers;
}

beforeEach(async () => {
  tracker = await startTrackerServer({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await tracker.stop();
});

it('splits a stream past swarmPeerCap: late arrivals move to the level-1 bucket of their id and meet there', async () => {
  const swarmId = `split-${Math.random()}`;
  const base = infoHashFor(swarmId, STREAM_KEY);
  const cap = { swarmPeerCap: 2 };
  // The third and fourth viewers share a level-1 bucket (ids drawn until one matches: 1 in 2).
  const thirdId = createPeerId();
  const bucket = subSwarmPlace(thirdId, base, 1);
  let fourthId = createPeerId();
  while (subSwarmPlace(fourthId, base, 1).bucket !== bucket.bucket) fourthId = createPeerId();

  // Arrivals one at a time, each after the tracker counted the one before: the tracker's count in
  // each announce response, and so who sees the swarm over the cap, is then fixed.
  const first = viewer(swarmId, createPeerId(), cap);
  await waitUntil(() => swarmPeers()[base] === 1, {
    timeoutMs: 10_000,
    description: 'the first viewer in the stream swarm',
    lastSeen: () => JSON.stringify(swarmPeers()),
  });
  const second = viewer(swarmId, createPeerId(), cap);
  await waitUntil(() => first.met.has(second.peerId) && second.met.has(first.peerId), {
    timeoutMs: 20_000,
    description: 'the first two viewers to meet in the stream swarm',
  });

  const third = viewer(swarmId, thirdId, cap);
  await waitUntil(() => swarmPeers()[bucket.infoHash] === 1 && swarmPeers()[base] === 2, {
    timeoutMs: 20_000,
    description: 'the third viewer to move to its level-1 bucket',
    lastSeen: () => JSON.stringify({ swarmPeers: swarmPeers(), splits: third.splits }),
  });
  const fourth = viewer(swarmId, fourthId, cap);
  await waitUntil(() => third.met.has(fourthId) && fourth.met.has(thirdId), {
    timeoutMs: 30_000,
    description: 'the third and fourth viewers to meet in their level-1 bucket',
    lastSeen: () =>
      JSON.stringify({
        swarmPeers: swarmPeers(),
        splits: fourth.splits,
        thirdMet: [...third.met],
        fourthMet: [...fourth.met],
      }),
  });

  const split = { streamKey: STREAM_KEY, level: 1, infoHash: bucket.infoHash };
  expect({
    first: first.splits,
    second: second.splits,
    third: third.splits,
    fourth: fourth.splits,
  }).toEqual({ first: [], second: [], third: [split], fourth: [split] });
  expect(swarmPeers()).toEqual({ [base]: 2, [bucket.infoHash]: 2 });
  // Each pair holds the other only; the stream's peers (what the scheduler asks peersFor for) are
  // the new sub-swarm's.
  await waitUntil(
    () =>
      [first, second, third, fourth].every(
        (v) => v.network.peerCount === 1 && v.network.peersFor(STREAM_KEY)?.peerCount === 1,
      ),
    {
      timeoutMs: 20_000,
      description: 'one peer each: the level-0 pair and the level-1 pair, passing connections gone',
      lastSeen: () =>
        JSON.stringify([first, second, third, fourth].map((v) => v.network.peerCount)),
    },
  );
});

it('keeps everyone in the one ordinary swarm without swarmPeerCap', async () => {
  const swarmId = `nocap-${Math.random()}`;
  const base = infoHashFor(swarmId, STREAM_KEY);
  const viewers = [viewer(swarmId, createPeerId(), {})];
  await waitUntil(() => swarmPeers()[base] === 1, {
    timeoutMs: 10_000,
    description: 'the first viewer in the stream swarm',
  });
  viewers.push(viewer(swarmId, createPeerId(), {}), viewer(swarmId, createPeerId(), {}));
  await waitUntil(() => viewers.every((v) => v.network.peerCount === 2), {
    timeoutMs: 30_000,
    description: 'a full mesh of three in the stream swarm',
    lastSeen: () => JSON.stringify(viewers.map((v) => v.network.peerCount)),
  });
  expect(swarmPeers()).toEqual({ [base]: 3 });
  expect(viewers.flatMap((v) => v.splits)).toEqual([]);
});

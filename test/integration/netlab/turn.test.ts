/**
 * WebRTC through the lab's NATs, with the lab's coturn as STUN and TURN server: two @roamhq/wrtc
 * peers (test/support/netlab/wrtc-peer.ts, each a child process inside its viewer namespace,
 * signalled by this test over stdio, candidates trickled) connect and exchange a data-channel message.
 * - Both behind symmetric NATs: no direct path exists, ICE selects a relayed ('relay') candidate.
 * - Both behind port-restricted cone NATs: ICE punches through, the selected pair is direct
 *   (server-reflexive or peer-reflexive, no relay).
 * Needs root, iproute2, nftables and coturn; skipped with the reason printed otherwise. Run inside
 * the private namespace:
 *   bash scripts/netns-run.sh npx jest --selectProjects integration --testPathPatterns netlab/turn
 */
import {
  createNetLab,
  JsonLinesChild,
  netLabSupport,
  WRTC_PEER_SCRIPT,
  type ChildMessage,
  type NetLab,
} from '../../support/netlab/index.js';
import { waitUntil } from '../../support/wait.js';

const support = netLabSupport({ withTurn: true });
if (!support.ok) console.log(`netlab TURN test skipped: ${support.reason}`);
const maybe = support.ok ? it : it.skip;

// Generous: on a loaded 2-core CI machine each WebRTC child takes seconds to start.
jest.setTimeout(60_000);

let lab: NetLab | undefined;

beforeAll(async () => {
  if (!support.ok) return;
  lab = await createNetLab({
    viewers: [
      { name: 'sym-a', nat: 'symmetric' },
      { name: 'sym-b', nat: 'symmetric' },
      { name: 'cone-a', nat: 'port-restricted' },
      { name: 'cone-b', nat: 'port-restricted' },
    ],
    turn: { username: 'viewer', password: 'secret-1', realm: 'lab.test' },
  });
}, 120_000);

afterAll(async () => {
  await lab?.destroy();
});

interface CandidateInfo {
  type: string;
  address: string;
  port: number;
}
interface PairInfo {
  local: CandidateInfo | null;
  remote: CandidateInfo | null;
}

/**
 * Starts a peer in viewers `a` and `b`, hands each one's description to the other, waits for the
 * data channel and one message each way; resolves with the peers (for stats) once both are open.
 */
async function connectPeers(
  labNow: NetLab,
  a: string,
  b: string,
): Promise<{ offerer: JsonLinesChild; answerer: JsonLinesChild }> {
  const iceServers = labNow.turn?.iceServers ?? [];
  const offerer = new JsonLinesChild(labNow, labNow.viewer(a).namespace, WRTC_PEER_SCRIPT, [
    JSON.stringify({ iceServers, initiator: true }),
  ]);
  const answerer = new JsonLinesChild(labNow, labNow.viewer(b).namespace, WRTC_PEER_SCRIPT, [
    JSON.stringify({ iceServers, initiator: false }),
  ]);
  // Trickle: every candidate goes to the other peer as soon as it is gathered.
  for (const [from, to] of [
    [offerer, answerer],
    [answerer, offerer],
  ] as const)
    from.subscribe((message) => {
      if (message.event === 'candidate') to.send({ op: 'candidate', candidate: message.candidate });
    });
  const isDescription = (message: ChildMessage): boolean => message.event === 'description';
  const offer = await offerer.waitFor(isDescription, 15_000, `${a}'s offer`);
  await answerer.request({ op: 'description', description: offer.description }, 15_000);
  const answer = await answerer.waitFor(isDescription, 15_000, `${b}'s answer`);
  await offerer.request({ op: 'description', description: answer.description }, 15_000);
  const isOpen = (message: ChildMessage): boolean => message.event === 'open';
  await Promise.all([
    offerer.waitFor(isOpen, 15_000, `${a}'s data channel`),
    answerer.waitFor(isOpen, 15_000, `${b}'s data channel`),
  ]);
  await offerer.request({ op: 'send', text: `hello from ${a}` });
  await answerer.waitFor((message) => message.text === `hello from ${a}`, 5000, `${b} receiving`);
  await answerer.request({ op: 'send', text: `hello from ${b}` });
  await offerer.waitFor((message) => message.text === `hello from ${b}`, 5000, `${a} receiving`);
  return { offerer, answerer };
}

async function selectedPair(peer: JsonLinesChild): Promise<PairInfo | null> {
  const reply = await peer.request({ op: 'pair' });
  return reply.pair as PairInfo | null;
}

describe('network lab: WebRTC through NAT and TURN', () => {
  maybe(
    'two viewers behind symmetric NATs connect through TURN (relay candidate selected)',
    async () => {
      const labNow = lab;
      if (labNow === undefined) throw new Error('lab not created');
      const { offerer, answerer } = await connectPeers(labNow, 'sym-a', 'sym-b');
      for (const peer of [offerer, answerer]) {
        const pair = await waitUntil(async () => (await selectedPair(peer)) ?? undefined, {
          timeoutMs: 5000,
          description: 'a selected candidate pair',
        });
        const types = [pair.local?.type, pair.remote?.type];
        expect(types).toContain('relay');
        // The relay is the lab's coturn; the peers' own (NATed) addresses are never on the pair.
        const relayed = pair.local?.type === 'relay' ? pair.local : pair.remote;
        expect(relayed?.address).toBe(labNow.turn?.address);
      }
      await Promise.all([offerer.destroy(), answerer.destroy()]);
    },
  );

  maybe('two viewers behind port-restricted cone NATs connect directly (no relay)', async () => {
    const labNow = lab;
    if (labNow === undefined) throw new Error('lab not created');
    const { offerer, answerer } = await connectPeers(labNow, 'cone-a', 'cone-b');
    const publicAddresses = [
      labNow.viewer('cone-a').publicAddress,
      labNow.viewer('cone-b').publicAddress,
    ];
    for (const peer of [offerer, answerer]) {
      // ICE may use a relayed pair first while the direct one is still being checked; libwebrtc
      // switches to the better (direct) pair once it works.
      let last: PairInfo | null = null;
      const pair = await waitUntil(
        async () => {
          last = await selectedPair(peer);
          return last !== null && last.local?.type !== 'relay' && last.remote?.type !== 'relay'
            ? last
            : undefined;
        },
        {
          timeoutMs: 10_000,
          description: 'a direct selected pair',
          lastSeen: () => JSON.stringify(last),
        },
      );
      expect(['srflx', 'prflx']).toContain(pair.remote?.type);
      expect(publicAddresses).toContain(pair.remote?.address);
    }
    await Promise.all([offerer.destroy(), answerer.destroy()]);
  });
});

/**
 * The bench's side of the network lab (`--network`, issue 16): each arm runs in a fresh lab
 * (test/support/netlab) built from the scenario's plan, and this file connects the bench to it.
 *
 * How the viewers reach the origin and the tracker: the bench runs inside scripts/netns-run.sh's
 * private namespace, where it owns the lab "internet" address {@link BENCH_LAB_ADDRESS} on its
 * loopback for the whole run; the origin and tracker listen on every address of that namespace,
 * and the bench keeps reading the origin's counters in process. For each arm one veth pair joins
 * that namespace to the lab's internet bridge, with a route of the lab's range over it; removing
 * the lab removes the pair. Nothing of the machine's own namespace is touched: the bench refuses
 * to run a lab outside netns-run.sh.
 *
 * Why viewers still open `http://127.0.0.1:<port>`: a page is a secure context (which
 * `crypto.subtle`, hence segment hashing, needs) only from loopback or HTTPS. So each viewer
 * namespace forwards its loopback's origin and tracker ports to the bench's lab address (nftables
 * DNAT on output and masquerade, with `route_localnet`); the traffic then crosses the viewer's NAT,
 * shaping and loss like any other.
 *
 * Every Chromium viewer then runs in its slot's namespace (behind its NAT, on its shaped and lossy
 * link) with its slot's CPU throttle, and the P2P arm's engine gets the lab's STUN and TURN servers
 * when the plan has coturn.
 *
 * Hostile peers (`--attackers N`) join from inside the lab: each gets a namespace of its own beside
 * the plan's slots (`a0`, `a1`…: public, no NAT, unshaped, no loss, so every viewer can reach it
 * the way it reaches any public peer) and runs there as a process (lab-hostile-peer.ts).
 */
import path from 'node:path';
import type { HostileBehaviour, HostilePeerReport } from '../../test/support/hostile-peer/index.js';
import { findTool, netLabSupport, runTool } from '../../test/support/netlab/commands.js';
import { createNetLab, type LabIceServer, type NetLab } from '../../test/support/netlab/index.js';
import { JsonLinesChild, REPOSITORY_ROOT } from '../../test/support/netlab/json-lines-child.js';
import type { ViewerSpec } from '../../test/support/netlab/spec.js';
import type { ViewerBrowserOptions } from '../../test/support/viewer-browser.js';
import { BenchUsageError } from './bench-options.js';
import { labSpecOf, type NetworkPlan } from './network-scenarios.js';

/**
 * The bench's address on every lab's internet segment (198.18.0.0/16): the origin's and the
 * tracker's. Outside the lab's own ranges (gateway .0.1, servers .0.10+, routers .1.N, public
 * viewers .2.N).
 */
export const BENCH_LAB_ADDRESS = '198.18.0.200';
/** The lab's internet range, routed over the arm's veth. */
const LAB_RANGE = '198.18.0.0/16';
/** The veth end the bench keeps (its peer, `bench0`, hangs on the lab's bridge). */
const BENCH_LINK = 'p2pml-lab';
const BRIDGE_LINK = 'bench0';

/**
 * Why this process cannot run `--network` scenarios, or undefined when it can: it must be root
 * with the lab's tools (coturn when `withTurn`), inside scripts/netns-run.sh's namespace.
 */
export function networkLabProblem(options: {
  readonly withTurn: boolean;
  readonly insidePrivateNamespace: boolean;
}): string | undefined {
  const support = netLabSupport({ withTurn: options.withTurn });
  if (!support.ok) return `--network: ${support.reason}`;
  if (!options.insidePrivateNamespace) {
    return (
      '--network: the bench must run inside scripts/netns-run.sh (`npm run bench`), where adding ' +
      'the lab address cannot touch the interfaces of the machine itself'
    );
  }
  return undefined;
}

/** Throws {@link BenchUsageError} with {@link networkLabProblem}'s reason, if any. */
export function assertNetworkLabSupport(plan: NetworkPlan): void {
  const problem = networkLabProblem({
    withTurn: labSpecOf(plan).turn === true,
    insidePrivateNamespace: process.env.P2PML_NETNS === '1',
  });
  if (problem !== undefined) throw new BenchUsageError(problem);
}

/**
 * Puts {@link BENCH_LAB_ADDRESS} on this namespace's loopback, so the origin and tracker can
 * listen on it before any lab exists (and the warm-up browser reaches them there). Idempotent.
 */
export async function claimBenchLabAddress(): Promise<void> {
  const { stdout } = await runTool('ip', ['-o', 'addr', 'show', 'dev', 'lo']);
  if (stdout.includes(` ${BENCH_LAB_ADDRESS}/`)) return;
  await runTool('ip', ['addr', 'add', `${BENCH_LAB_ADDRESS}/32`, 'dev', 'lo']);
}

/** One arm's lab, joined to the bench. */
export interface ArmLab {
  readonly lab: NetLab;
  /** STUN and TURN of the lab's coturn (with credentials), or [] when the plan has none. */
  readonly iceServers: readonly LabIceServer[];
  /** Where the viewer of plan slot `index` runs: its namespace and CPU throttle. */
  placement(index: number): Omit<ViewerBrowserOptions, 'name'>;
  /** The namespaces of the arm's hostile peers (public, beside the plan's slots), in order. */
  readonly attackerNamespaces: readonly string[];
  /** Removes the lab (and with it the bench's veth); idempotent. */
  destroy(): Promise<void>;
}

/**
 * The nftables ruleset of a viewer namespace that sends its loopback's `ports` (TCP) to
 * `address` instead: DNAT of locally generated packets, then masquerade to the namespace's own
 * address so the replies come back (and are translated back to loopback).
 */
export function loopbackForwardRuleset(address: string, ports: readonly number[]): string {
  if (ports.length === 0 || !ports.every((port) => Number.isInteger(port) && port > 0)) {
    throw new Error(`loopback forward: bad ports ${JSON.stringify(ports)}`);
  }
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    throw new Error(`loopback forward: bad address ${JSON.stringify(address)}`);
  }
  return [
    'table ip bench_forward {',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    `    ip daddr 127.0.0.1 tcp dport { ${ports.join(', ')} } dnat to ${address}`,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    '    oifname "eth0" ip saddr 127.0.0.0/8 masquerade',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Forwards `namespace`'s loopback `ports` to the bench (see {@link loopbackForwardRuleset}). */
async function forwardLoopback(namespace: string, ports: readonly number[]): Promise<void> {
  const sysctl = findTool('sysctl') ?? 'sysctl';
  const nft = findTool('nft') ?? 'nft';
  // Loopback sources may leave through eth0 and loopback destinations arrive on it (replies).
  await runTool('ip', [
    'netns',
    'exec',
    namespace,
    sysctl,
    '-q',
    '-w',
    'net.ipv4.conf.all.route_localnet=1',
  ]);
  await runTool('ip', ['netns', 'exec', namespace, nft, '-f', '-'], {
    input: loopbackForwardRuleset(BENCH_LAB_ADDRESS, ports),
  });
}

/**
 * Builds the lab of `plan`, joins the bench's namespace to its internet bridge and forwards every
 * viewer namespace's loopback `ports` (the origin's and tracker's) to the bench. On failure
 * whatever was built is removed before the error is rethrown.
 */
export async function startArmLab(
  plan: NetworkPlan,
  ports: readonly number[],
  attackers = 0,
): Promise<ArmLab> {
  const planned = labSpecOf(plan);
  const lab = await createNetLab({
    ...planned,
    viewers: [...planned.viewers, ...attackerViewerSpecs(attackers)],
  });
  try {
    for (const viewer of lab.viewers) await forwardLoopback(viewer.namespace, ports);
    await runTool('ip', [
      'link',
      'add',
      BENCH_LINK,
      'type',
      'veth',
      'peer',
      'name',
      BRIDGE_LINK,
      'netns',
      lab.internetNamespace,
    ]);
    await runTool('ip', ['-n', lab.internetNamespace, 'link', 'set', BRIDGE_LINK, 'master', 'br0']);
    await runTool('ip', ['-n', lab.internetNamespace, 'link', 'set', BRIDGE_LINK, 'up']);
    await runTool('ip', ['link', 'set', BENCH_LINK, 'up']);
    await runTool('ip', ['route', 'add', LAB_RANGE, 'dev', BENCH_LINK, 'src', BENCH_LAB_ADDRESS]);
  } catch (error) {
    await lab.destroy();
    throw error;
  }
  const slotIds = plan.slots.map((slot) => slot.slotId);
  return {
    lab,
    iceServers: lab.turn?.iceServers ?? [],
    placement(index) {
      const slot = plan.slots[index];
      if (slot === undefined || slotIds[index] === undefined) {
        throw new Error(`network lab: the plan has no slot ${index}`);
      }
      return {
        netns: lab.viewer(slot.slotId).namespace,
        cpuThrottleRate: slot.cpuThrottleRate,
      };
    },
    attackerNamespaces: attackerViewerSpecs(attackers).map(
      (spec) => lab.viewer(spec.name).namespace,
    ),
    // The veth pair goes with the lab's internet namespace.
    destroy: () => lab.destroy(),
  };
}

/**
 * The lab viewers of `count` hostile peers: `a0`, `a1`… (plan slots are `c<k>` and `v<k>`), public
 * (no NAT), unshaped and lossless: an attacker on a good line, whom every viewer can reach.
 */
export function attackerViewerSpecs(count: number): ViewerSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `a${index}`,
    nat: 'none' as const,
    lossPercent: 0,
  }));
}

/** What a hostile peer in the lab is told (lab-hostile-peer.ts `LabHostilePeerSpec`). */
export interface LabHostilePeerOptions {
  readonly manifestUrl: string;
  readonly swarmId: string;
  readonly trackers: readonly string[];
  readonly behaviour: HostileBehaviour;
  readonly mediaDir: string;
}

/** A hostile peer running as a process in a lab namespace. */
export interface LabHostilePeer {
  readonly peerId: string;
  /** Its counters now (asked over its JSON-lines channel). */
  report(): Promise<HostilePeerReport>;
  /** Leaves every swarm and ends its process (killed if it does not answer). Idempotent. */
  destroy(): Promise<void>;
}

const HOSTILE_PEER_SCRIPT = path.join(REPOSITORY_ROOT, 'scripts/bench/lab-hostile-peer.ts');
/** How long a hostile peer process may take to join its swarms (tsx start-up included), ms. */
const HOSTILE_START_TIMEOUT_MS = 30_000;
/** How long it may take to answer a report or stop, ms. */
const HOSTILE_REPLY_TIMEOUT_MS = 10_000;

/** Starts a hostile peer in `namespace` of `lab`; resolves once it joined its swarms. */
export async function startLabHostilePeer(
  lab: NetLab,
  namespace: string,
  options: LabHostilePeerOptions,
): Promise<LabHostilePeer> {
  const child = new JsonLinesChild(lab, namespace, HOSTILE_PEER_SCRIPT, [JSON.stringify(options)]);
  let started;
  try {
    started = await child.waitFor(
      (message) => message.event === 'started' || message.event === 'error',
      HOSTILE_START_TIMEOUT_MS,
      'the hostile peer joining its swarms',
    );
  } catch (error) {
    await child.destroy();
    throw error;
  }
  if (started.event === 'error' || typeof started.peerId !== 'string') {
    await child.destroy();
    throw new Error(`hostile peer in ${namespace} failed: ${String(started.message)}`);
  }
  const peerId = started.peerId;
  let destroyed: Promise<void> | undefined;
  return {
    peerId,
    report: async () => {
      const reply = await child.request({ command: 'report' }, HOSTILE_REPLY_TIMEOUT_MS);
      return reply.report as HostilePeerReport;
    },
    destroy: () => {
      destroyed ??= child
        .request({ command: 'stop' }, HOSTILE_REPLY_TIMEOUT_MS)
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => child.destroy());
      return destroyed;
    },
  };
}

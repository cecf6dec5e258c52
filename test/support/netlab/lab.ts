/**
 * The network lab: network namespaces joined by veth pairs that stand for the internet, a servers
 * host, and per viewer a home router (NAT, rate limits, loss) with the viewer behind it. Built from
 * a {@link NetLabSpec} by {@link createNetLab}, removed by `destroy()` (or, after a crash, by the
 * next lab's {@link cleanupStaleLabs}). Processes are placed in it with `runIn`: the origin,
 * tracker and coturn in the servers namespace, Node peers or browsers in viewer namespaces.
 *
 * Topology (docs/NETLAB.md draws it):
 * - `<id>-inet`: a bridge `br0` (198.18.0.1/16) that every other host plugs into; the default
 *   gateway of everything, which routes nowhere (it has no other interface).
 * - `<id>-srv`: `eth0` with the server addresses 198.18.0.10, .11, …
 * - `<id>-r-<name>`: the viewer's router: `wan` on the bridge, `lan` towards the viewer. With NAT,
 *   it routes and masquerades (198.18.1.N outside, 192.168.N.1 inside); with `nat: 'none'` it is a
 *   transparent bridge and the viewer owns 198.18.2.N. Shaping (tbf) sits on `wan` egress (uplink)
 *   and `lan` egress (downlink), loss (nftables netdev ingress) on both.
 * - `<id>-v-<name>`: the viewer: `eth0` and a default route, so WebRTC stacks find a host candidate.
 *
 * No lab namespace has an interface in any namespace the lab did not create, so nothing can leave
 * the machine and the host's interfaces, routes and firewall are never touched.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NetLabError, findTool, netLabSupport, runTool, type CommandOutput } from './commands.js';
import {
  cleanupStaleLabs,
  LAB_NAME_PREFIX,
  registerLiveLab,
  removeNamespaces,
  unregisterLiveLab,
} from './registry.js';
import {
  INTERNET_GATEWAY_ADDRESS,
  INTERNET_PREFIX_LENGTH,
  DEFAULT_QUEUE_MS,
  lanAddresses,
  lossThreshold,
  publicViewerAddress,
  routerWanAddress,
  serverAddress,
  tbfParameters,
  validateNetLabSpec,
  type NatKind,
  type NetLabSpec,
  type TurnSpec,
  type ViewerSpec,
} from './spec.js';
import { startTurnServer, type LabTurnServer } from './turn.js';

/** The servers host of a lab. */
export interface LabServers {
  /** Its namespace (run the origin, tracker, reflectors here with `runIn`). */
  readonly namespace: string;
  /** Its addresses on the internet segment, first one first (coturn uses the first). */
  readonly addresses: readonly string[];
}

/** One viewer of a lab, as built. */
export interface LabViewer {
  readonly name: string;
  readonly nat: NatKind;
  /** The spec it was built from. */
  readonly spec: ViewerSpec;
  /** Its namespace (run a browser or a Node peer here). */
  readonly namespace: string;
  /** Its router's namespace (NAT, shaping and loss live here). */
  readonly routerNamespace: string;
  /** The address of its own interface: 192.168.N.2 behind NAT, 198.18.2.N when public. */
  readonly address: string;
  /** The address the internet sees it from: the router's 198.18.1.N, or its own when public. */
  readonly publicAddress: string;
}

/** A lab built by {@link createNetLab}. */
export interface NetLab {
  /** `p2pml-lab-<pid>-<tag>`: prefix of every name it owns. */
  readonly id: string;
  /** The internet namespace (the bridge). */
  readonly internetNamespace: string;
  readonly servers: LabServers;
  /** Viewers in spec order. */
  readonly viewers: readonly LabViewer[];
  /** coturn, when the spec asked for it. */
  readonly turn: LabTurnServer | undefined;
  /** The lab's temporary directory (configs, wrappers); removed with the lab. */
  readonly directory: string;
  /** The viewer named `name`; throws `spec-invalid` if there is none. */
  viewer(name: string): LabViewer;
  /**
   * Spawns `command args` inside `namespace` (`ip netns exec`), with `options` as for
   * `child_process.spawn`. The process is killed by `destroy()` if still running.
   */
  runIn(
    namespace: string,
    command: string,
    args: readonly string[],
    options?: SpawnOptions,
  ): ChildProcess;
  /** Runs `command args` inside `namespace` to completion; rejects on a non-zero exit. */
  execIn(
    namespace: string,
    command: string,
    args: readonly string[],
    options?: { timeoutMs?: number },
  ): Promise<CommandOutput>;
  /**
   * Writes an executable into the lab directory that runs `executablePath` with its arguments
   * inside `namespace`, for tools that take an executable path and no wrapper command (Playwright's
   * `executablePath`). Returns its path. `executablePath` must be absolute and plain
   * (`A-Z a-z 0-9 . _ / -`).
   */
  writeNamespaceWrapper(namespace: string, executablePath: string): string;
  /** Kills every process in the lab, stops coturn, removes every namespace and the directory. */
  destroy(): Promise<void>;
}

const WRAPPER_PATH_PATTERN = /^\/[A-Za-z0-9._/-]+$/;

function randomTag(): string {
  return randomBytes(2).toString('hex');
}

/** Lines of an `ip -batch` script for one namespace, run with `ip -n <ns> -batch -`. */
type BatchScript = string[];

async function runBatch(namespace: string, script: BatchScript): Promise<void> {
  if (script.length === 0) return;
  await runTool('ip', ['-n', namespace, '-batch', '-'], { input: script.join('\n') + '\n' });
}

async function sysctlIn(namespace: string, settings: readonly string[]): Promise<void> {
  const sysctl = findTool('sysctl');
  if (sysctl === null) throw new NetLabError('unsupported', 'sysctl is not installed');
  await runTool('ip', ['netns', 'exec', namespace, sysctl, '-q', '-w', ...settings]);
}

function routerRuleset(viewer: ViewerSpec): string {
  const tables: string[] = [];
  if (viewer.nat !== 'none') {
    // Conntrack gives port-restricted cone behaviour by itself: masquerade keeps the source port
    // when free (one mapping for every destination) and only replies of an existing conntrack
    // entry (same remote address and port) are translated back. `random,fully-random` picks a new
    // random port per conntrack entry, i.e. per destination: a symmetric NAT.
    const masquerade = viewer.nat === 'symmetric' ? 'masquerade random,fully-random' : 'masquerade';
    tables.push(
      'table ip lab_nat {',
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      `    oifname "wan" ${masquerade}`,
      '  }',
      '}',
      // A home router's firewall: nothing unsolicited from outside reaches the LAN or the router,
      // silently (no ICMP port unreachable back to the prober).
      'table inet lab_filter {',
      '  chain forward {',
      '    type filter hook forward priority filter; policy accept;',
      '    iifname "wan" ct state != { established, related } drop',
      '  }',
      '  chain input {',
      '    type filter hook input priority filter; policy accept;',
      '    iifname "wan" ct state != { established, related } drop',
      '  }',
      '}',
    );
  }
  const threshold = lossThreshold(viewer.lossPercent ?? 0);
  if (threshold > 0) {
    // Ingress of the netdev family sees every packet before bridging, routing or conntrack, so the
    // same rule works for bridged (public) and NATed viewers: `wan` ingress is the downlink, `lan`
    // ingress the uplink.
    // IPv4 only: a lost ARP request or reply stalls a neighbour for a whole second (the ARP retry
    // time) and drops the packets queued behind it, which is not what a loss rate means.
    const drop = `meta protocol ip numgen random mod 10000 < ${threshold} drop`;
    tables.push(
      'table netdev lab_loss {',
      '  chain downlink {',
      '    type filter hook ingress device "wan" priority filter; policy accept;',
      `    ${drop}`,
      '  }',
      '  chain uplink {',
      '    type filter hook ingress device "lan" priority filter; policy accept;',
      `    ${drop}`,
      '  }',
      '}',
    );
  }
  return tables.length === 0 ? '' : tables.join('\n') + '\n';
}

async function shapeLink(
  namespace: string,
  device: 'wan' | 'lan',
  rateKbit: number | undefined,
  queueMs: number,
): Promise<void> {
  if (rateKbit === undefined) return;
  // tbf and not htb: tbf segments GSO super-packets (up to 64 KB on veth) that exceed its bucket,
  // where htb would pass them whole and a byte FIFO shorter than 64 KB would drop them.
  const { burstBytes, limitBytes } = tbfParameters(rateKbit, queueMs);
  await runTool('tc', [
    '-n',
    namespace,
    'qdisc',
    'add',
    'dev',
    device,
    'root',
    'handle',
    '1:',
    'tbf',
    'rate',
    `${rateKbit}kbit`,
    'burst',
    String(burstBytes),
    'limit',
    String(limitBytes),
  ]);
}

/** How many viewers (or namespaces) are configured at once: bounds the `ip`/`nft`/`tc` processes. */
const BUILD_CONCURRENCY = 8;

/** `items.map(work)` with at most `limit` calls running at once; results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Configures viewer number `index`: its router (NAT and firewall, or a bridge for `nat: 'none'`;
 * shaping; loss) and its own namespace (address, default route). The router's `wan` already hangs
 * on the internet bridge.
 */
async function buildViewer(
  viewer: ViewerSpec,
  index: number,
  names: { router: string; viewer: string },
): Promise<LabViewer> {
  const router: BatchScript = [
    'link set lo up',
    `link add lan type veth peer name eth0 netns ${names.viewer}`,
  ];
  const inside: BatchScript = ['link set lo up'];
  let address: string;
  let publicAddress: string;
  if (viewer.nat === 'none') {
    address = publicViewerAddress(index);
    publicAddress = address;
    router.push(
      'link add br0 type bridge',
      'link set wan master br0',
      'link set lan master br0',
      'link set br0 up',
      'link set wan up',
      'link set lan up',
    );
    inside.push(
      `addr add ${address}/${INTERNET_PREFIX_LENGTH} dev eth0`,
      'link set eth0 up',
      `route add default via ${INTERNET_GATEWAY_ADDRESS}`,
    );
  } else {
    const lan = lanAddresses(index);
    address = lan.viewer;
    publicAddress = routerWanAddress(index);
    router.push(
      `addr add ${publicAddress}/${INTERNET_PREFIX_LENGTH} dev wan`,
      `addr add ${lan.router}/${lan.prefixLength} dev lan`,
      'link set wan up',
      'link set lan up',
      `route add default via ${INTERNET_GATEWAY_ADDRESS}`,
    );
    inside.push(
      `addr add ${address}/${lan.prefixLength} dev eth0`,
      'link set eth0 up',
      `route add default via ${lan.router}`,
    );
  }
  await runBatch(names.router, router);
  await runBatch(names.viewer, inside);
  const ruleset = routerRuleset(viewer);
  if (ruleset !== '')
    await runTool('ip', ['netns', 'exec', names.router, findTool('nft') ?? 'nft', '-f', '-'], {
      input: ruleset,
    });
  const queueMs = viewer.queueMs ?? DEFAULT_QUEUE_MS;
  await shapeLink(names.router, 'wan', viewer.uplinkKbit, queueMs);
  await shapeLink(names.router, 'lan', viewer.downlinkKbit, queueMs);
  return {
    name: viewer.name,
    nat: viewer.nat,
    spec: viewer,
    namespace: names.viewer,
    routerNamespace: names.router,
    address,
    publicAddress,
  };
}

/**
 * Builds the lab `spec` describes and resolves once every namespace, link, rule and (if asked)
 * coturn is up. First removes labs left by dead processes ({@link cleanupStaleLabs}). Rejects with
 * `unsupported` where the machine cannot host a lab (see `netLabSupport`), `spec-invalid` for a bad
 * spec, `command-failed` or `turn-start-failed` on a failed step; whatever was built by then is
 * removed before rejecting.
 */
export async function createNetLab(spec: NetLabSpec): Promise<NetLab> {
  const turnSpec: TurnSpec | undefined =
    typeof spec.turn === 'object' ? spec.turn : spec.turn === true ? {} : undefined;
  const wantTurn = turnSpec !== undefined;
  const support = netLabSupport({ withTurn: wantTurn });
  if (!support.ok) throw new NetLabError('unsupported', support.reason);
  validateNetLabSpec(spec);
  await cleanupStaleLabs();

  const id = `${LAB_NAME_PREFIX}${process.pid}-${randomTag()}`;
  const directory = path.join(os.tmpdir(), id);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const internetNamespace = `${id}-inet`;
  const serversNamespace = `${id}-srv`;
  const viewerNamespaces = spec.viewers.map((viewer) => ({
    router: `${id}-r-${viewer.name}`,
    viewer: `${id}-v-${viewer.name}`,
  }));
  const namespaces = [
    internetNamespace,
    serversNamespace,
    ...viewerNamespaces.flatMap((names) => [names.router, names.viewer]),
  ];
  const created: string[] = [];
  registerLiveLab(id, () => created);

  const children = new Set<ChildProcess>();
  const ipPath = findTool('ip') ?? 'ip';
  const ownNamespaces = new Set(namespaces);
  const checkNamespace = (namespace: string): void => {
    if (!ownNamespaces.has(namespace))
      throw new NetLabError('spec-invalid', `${namespace} is not a namespace of lab ${id}`);
  };
  let destroyed = false;
  const runIn = (
    namespace: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): ChildProcess => {
    if (destroyed) throw new NetLabError('destroyed', `lab ${id} is destroyed`);
    checkNamespace(namespace);
    const child = spawn(ipPath, ['netns', 'exec', namespace, command, ...args], options);
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    // coturn included: it was started with runIn. Nothing in the lab needs a graceful stop.
    for (const child of children) child.kill('SIGKILL');
    await removeNamespaces(id, created.slice().reverse());
    unregisterLiveLab(id);
  };

  try {
    await runTool('ip', ['-batch', '-'], {
      input: namespaces.map((namespace) => `netns add ${namespace}\n`).join(''),
    }).finally(() => {
      // Even a failed batch may have added the first few: remember every one that exists.
      created.push(...namespaces);
    });
    // IPv6 off everywhere: the lab is IPv4 only, and link-local IPv6 host candidates would only
    // add ICE pairs that can never work.
    const ipv6Off = ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
    const routers = new Set(viewerNamespaces.map((names) => names.router));
    await mapLimited(namespaces, BUILD_CONCURRENCY, (namespace) =>
      sysctlIn(namespace, routers.has(namespace) ? [...ipv6Off, 'net.ipv4.ip_forward=1'] : ipv6Off),
    );

    const internet: BatchScript = [
      'link set lo up',
      'link add br0 type bridge',
      `addr add ${INTERNET_GATEWAY_ADDRESS}/${INTERNET_PREFIX_LENGTH} dev br0`,
      'link set br0 up',
      `link add s0 type veth peer name eth0 netns ${serversNamespace}`,
      'link set s0 master br0',
      'link set s0 up',
    ];
    spec.viewers.forEach((_viewer, index) => {
      const names = viewerNamespaces[index];
      if (names === undefined) return;
      internet.push(
        `link add r${index + 1} type veth peer name wan netns ${names.router}`,
        `link set r${index + 1} master br0`,
        `link set r${index + 1} up`,
      );
    });
    await runBatch(internetNamespace, internet);

    const serverCount = spec.serverAddressCount ?? 2;
    const serverAddresses = Array.from({ length: serverCount }, (_, index) => serverAddress(index));
    await runBatch(serversNamespace, [
      'link set lo up',
      ...serverAddresses.map((address) => `addr add ${address}/${INTERNET_PREFIX_LENGTH} dev eth0`),
      'link set eth0 up',
      `route add default via ${INTERNET_GATEWAY_ADDRESS}`,
    ]);

    const viewers = await mapLimited(spec.viewers, BUILD_CONCURRENCY, (viewer, index) => {
      const names = viewerNamespaces[index];
      if (names === undefined) throw new Error('unreachable: one name pair per viewer');
      return buildViewer(viewer, index, names);
    });

    let turn: LabTurnServer | undefined;
    if (turnSpec !== undefined) {
      const started = await startTurnServer(
        {
          namespace: serversNamespace,
          address: serverAddresses[0] ?? serverAddress(0),
          directory,
          spawnIn: (namespace, command, args) =>
            runIn(namespace, command, args, { stdio: ['ignore', 'pipe', 'pipe'] }),
        },
        turnSpec,
      );
      turn = started.server;
    }

    const byName = new Map(viewers.map((viewer) => [viewer.name, viewer]));
    return {
      id,
      internetNamespace,
      servers: { namespace: serversNamespace, addresses: serverAddresses },
      viewers,
      turn,
      directory,
      viewer(name) {
        const viewer = byName.get(name);
        if (viewer === undefined)
          throw new NetLabError('spec-invalid', `lab ${id} has no viewer named ${name}`);
        return viewer;
      },
      runIn,
      execIn(namespace, command, args, options = {}) {
        if (destroyed)
          return Promise.reject(new NetLabError('destroyed', `lab ${id} is destroyed`));
        checkNamespace(namespace);
        return runTool('ip', ['netns', 'exec', namespace, command, ...args], options);
      },
      writeNamespaceWrapper(namespace, executablePath) {
        checkNamespace(namespace);
        if (!WRAPPER_PATH_PATTERN.test(executablePath) || !WRAPPER_PATH_PATTERN.test(ipPath))
          throw new NetLabError(
            'spec-invalid',
            `executable path ${JSON.stringify(executablePath)} must be absolute and plain`,
          );
        const wrapper = path.join(
          directory,
          `in-${namespace.slice(id.length + 1)}-${path.basename(executablePath)}`,
        );
        // Every interpolated value matched a pattern without shell metacharacters above; the
        // namespace name is our own (validated viewer names).
        writeFileSync(
          wrapper,
          `#!/bin/sh\nexec ${ipPath} netns exec ${namespace} ${executablePath} "$@"\n`,
        );
        chmodSync(wrapper, 0o755);
        return wrapper;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

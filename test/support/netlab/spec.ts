/**
 * What a network lab is made of, as data: the description a caller writes ({@link NetLabSpec}: the
 * viewers with their NAT kind, link rates and loss; whether coturn runs) and the address plan every
 * lab follows. Pure: validation and address arithmetic only, so the CLI and tests can reason about a
 * lab without building one. See docs/NETLAB.md for the topology.
 *
 * Address plan. The "internet" is one Ethernet segment, 198.18.0.0/16, inside the benchmarking range
 * 198.18.0.0/15 (RFC 2544 / RFC 6890: reserved for network benchmarks, never routed on the real
 * internet, and not RFC 1918 private space, so WebRTC stacks and coturn treat lab addresses like the
 * public addresses they stand for). Home LANs behind NAT routers use RFC 1918 192.168.N.0/24, as
 * real homes do.
 */
import { NetLabError } from './commands.js';

/**
 * How a viewer reaches the internet.
 * - `none`: the viewer has a public address of its own (its router only bridges, shapes and drops).
 * - `port-restricted`: port-restricted cone NAT, Linux masquerade: a mapping keeps the viewer's
 *   source port when it is free (endpoint-independent mapping), and only the exact remote
 *   address:port the viewer sent to may answer (address-and-port-dependent filtering).
 * - `symmetric`: masquerade with `random,fully-random`: every new destination gets a new random
 *   external port, so a STUN server's view of the mapping is useless to peers (TURN needed).
 */
export type NatKind = 'none' | 'port-restricted' | 'symmetric';

/** Every NAT kind, in the order the docs and the CLI list them. */
export const NAT_KINDS: readonly NatKind[] = ['none', 'port-restricted', 'symmetric'];

/** One viewer of a lab: a namespace behind its own router namespace. */
export interface ViewerSpec {
  /** Short name, unique in the lab: 1–16 of `a-z`, `0-9`, `-` (it becomes part of namespace names). */
  readonly name: string;
  readonly nat: NatKind;
  /** Rate from the internet to the viewer, kbit/s (1000 bit/s). Default: unshaped. */
  readonly downlinkKbit?: number;
  /** Rate from the viewer to the internet, kbit/s. Default: unshaped. */
  readonly uplinkKbit?: number;
  /**
   * Share of packets dropped at random, percent (0–100, resolution 0.01), applied to each direction
   * separately (a round trip loses about twice as much). Default 0.
   */
  readonly lossPercent?: number;
  /**
   * Longest queue a shaped link holds, in ms of its rate (a tail-drop byte FIFO sized
   * `rate × queueMs`, at least 4 full-size packets). Default {@link DEFAULT_QUEUE_MS}. This is the
   * only delay the lab adds: queueing under load, never propagation latency.
   */
  readonly queueMs?: number;
}

/** coturn settings of a lab. */
export interface TurnSpec {
  /** Long-term credential user. Default `lab`. */
  readonly username?: string;
  /** Long-term credential password. Default `lab-password`. */
  readonly password?: string;
  /** Realm. Default `p2pml.lab`. */
  readonly realm?: string;
}

/** A lab description, the argument of `createNetLab`. */
export interface NetLabSpec {
  /** The viewers, at most {@link MAX_VIEWERS}. */
  readonly viewers: readonly ViewerSpec[];
  /** How many addresses the servers namespace gets on the internet segment (1–16). Default 2. */
  readonly serverAddressCount?: number;
  /** Run coturn (STUN + TURN) on the first server address. Default: no TURN server. */
  readonly turn?: TurnSpec | boolean;
}

/** Most viewers one lab holds (one /24 LAN and one internet address each). */
export const MAX_VIEWERS = 250;
/** Default of {@link ViewerSpec.queueMs}. */
export const DEFAULT_QUEUE_MS = 100;
/** The internet segment's prefix length (198.18.0.0/16). */
export const INTERNET_PREFIX_LENGTH = 16;
/** The internet namespace's own address: every default route points here, and it routes nowhere. */
export const INTERNET_GATEWAY_ADDRESS = '198.18.0.1';
/** The range coturn may relay to (the whole internet segment). */
export const INTERNET_RANGE = { first: '198.18.0.0', last: '198.18.255.255' } as const;
/** Port coturn listens on (STUN and TURN, UDP and TCP). */
export const TURN_PORT = 3478;

const NAME_PATTERN = /^[a-z0-9-]{1,16}$/;
const MAX_RATE_KBIT = 10_000_000;

/** Address of server address number `index` (0-based): 198.18.0.10, 198.18.0.11, … */
export function serverAddress(index: number): string {
  return `198.18.0.${10 + index}`;
}

/** Internet address of viewer number `index`'s router (0-based): 198.18.1.1, 198.18.1.2, … */
export function routerWanAddress(index: number): string {
  return `198.18.1.${index + 1}`;
}

/** Public address of viewer number `index` when its NAT kind is `none`: 198.18.2.(index+1). */
export function publicViewerAddress(index: number): string {
  return `198.18.2.${index + 1}`;
}

/** LAN of viewer number `index` behind NAT: router 192.168.(index+1).1, viewer .2, prefix /24. */
export function lanAddresses(index: number): { router: string; viewer: string; prefixLength: 24 } {
  return {
    router: `192.168.${index + 1}.1`,
    viewer: `192.168.${index + 1}.2`,
    prefixLength: 24,
  };
}

function checkRate(value: number | undefined, what: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 8 || value > MAX_RATE_KBIT)
    throw new NetLabError(
      'spec-invalid',
      `${what} must be an integer from 8 to ${MAX_RATE_KBIT} kbit/s, got ${String(value)}`,
    );
}

/**
 * Throws a `spec-invalid` {@link NetLabError} naming the first problem of `spec`: names, duplicate
 * names, NAT kinds, rates, loss, queue length, server address count, viewer count.
 */
export function validateNetLabSpec(spec: NetLabSpec): void {
  if (spec.viewers.length > MAX_VIEWERS)
    throw new NetLabError('spec-invalid', `a lab holds at most ${MAX_VIEWERS} viewers`);
  const count = spec.serverAddressCount ?? 2;
  if (!Number.isInteger(count) || count < 1 || count > 16)
    throw new NetLabError('spec-invalid', `serverAddressCount must be 1–16, got ${String(count)}`);
  const names = new Set<string>();
  for (const viewer of spec.viewers) {
    if (!NAME_PATTERN.test(viewer.name))
      throw new NetLabError(
        'spec-invalid',
        `viewer name ${JSON.stringify(viewer.name)} must be 1–16 of a-z, 0-9, -`,
      );
    if (names.has(viewer.name))
      throw new NetLabError('spec-invalid', `viewer name ${viewer.name} is used twice`);
    names.add(viewer.name);
    if (!NAT_KINDS.includes(viewer.nat))
      throw new NetLabError(
        'spec-invalid',
        `viewer ${viewer.name}: nat must be one of ${NAT_KINDS.join(', ')}`,
      );
    checkRate(viewer.downlinkKbit, `viewer ${viewer.name}: downlinkKbit`);
    checkRate(viewer.uplinkKbit, `viewer ${viewer.name}: uplinkKbit`);
    const loss = viewer.lossPercent ?? 0;
    if (!(loss >= 0 && loss <= 100))
      throw new NetLabError(
        'spec-invalid',
        `viewer ${viewer.name}: lossPercent must be 0–100, got ${String(loss)}`,
      );
    const queueMs = viewer.queueMs ?? DEFAULT_QUEUE_MS;
    if (!(queueMs >= 1 && queueMs <= 10_000))
      throw new NetLabError(
        'spec-invalid',
        `viewer ${viewer.name}: queueMs must be 1–10000, got ${String(queueMs)}`,
      );
  }
}

/** Bytes per second of a rate in kbit/s. */
export function kbitToBytesPerSecond(rateKbit: number): number {
  return (rateKbit * 1000) / 8;
}

/**
 * tbf parameters of a shaped link: `burstBytes` (bucket: 10 ms of the rate, at least two full
 * Ethernet frames, since tbf needs at least rate / HZ) and `limitBytes` (queue: `queueMs` of the
 * rate, at least four frames so even slow links pass a burst of small packets).
 */
export function tbfParameters(
  rateKbit: number,
  queueMs: number,
): { burstBytes: number; limitBytes: number } {
  const bytesPerSecond = kbitToBytesPerSecond(rateKbit);
  const frameBytes = 1514;
  return {
    burstBytes: Math.max(2 * frameBytes, Math.ceil(bytesPerSecond / 100)),
    limitBytes: Math.max(4 * frameBytes, Math.ceil((bytesPerSecond * queueMs) / 1000)),
  };
}

/** `lossPercent` as a threshold of nftables' `numgen random mod 10000` (hundredths of a percent). */
export function lossThreshold(lossPercent: number): number {
  return Math.round(lossPercent * 100);
}

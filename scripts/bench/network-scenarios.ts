/**
 * The plan of a network-lab scenario (issue 16): for `clean | lossy | nat | uplink | churn |
 * slow-cpu | mixed`, a seed and a number of Chromium and virtual viewers, who joins when, behind
 * which NAT, on which link, with which CPU, and (churn) who is killed when and who replaces them.
 * Pure and deterministic per seed: the P2P arm and its plain-HTTP baseline run the same plan, and a
 * run can be repeated exactly. The lab (test/support/netlab) turns a plan into namespaces and
 * processes; nothing here touches the machine.
 *
 * Viewers live in slots. A slot is one place in the join order with its network and device profile
 * (its namespace, NAT, shaping, throttle); its first occupant joins `index x stagger` after the start
 * and watches `watchMs`, like the bench's viewers always have. Under churn an occupant may be killed
 * before that, and a new viewer then takes the slot (same profile, so the audience's make-up stays
 * as the scenario says) until the slot's end.
 *
 * Each aspect (NAT, uplink, CPU, join order, churn) draws from its own seeded stream, so `mixed`
 * assigns exactly what `nat`, `uplink`, `slow-cpu` and `churn` assign with the same seed.
 */
import type { NetLabSpec, ViewerSpec } from '../../test/support/netlab/spec.js';
import { BenchUsageError } from './bench-options.js';

/** Every scenario the lab runs. */
export const NETWORK_SCENARIOS = [
  'clean',
  'lossy',
  'nat',
  'uplink',
  'churn',
  'slow-cpu',
  'mixed',
] as const;

/** One scenario of {@link NETWORK_SCENARIOS}. */
export type NetworkScenario = (typeof NETWORK_SCENARIOS)[number];

/**
 * NAT in front of a viewer: none (a public address), port-restricted cone, or symmetric (a new
 * mapping per destination: peers reach it only through TURN).
 */
export type NatKind = 'none' | 'port-restricted' | 'symmetric';

/** A real Chromium viewer, or a virtual one (the engine in Node with a playback model). */
export type ViewerKind = 'chromium' | 'virtual';

/**
 * How a viewer leaves: at the end of its session (its player stops), or abruptly (churn): its
 * process killed (SIGKILL: browser or virtual viewer), or its page's renderer crashed (Chromium
 * only, DevTools `Page.crash`).
 */
export type LeaveKind = 'session-end' | 'process-killed' | 'page-crashed';

/** Packet loss of every viewer's link in `lossy` (and `mixed`), percent. */
export const LOSSY_LOSS_PERCENT = 2;
/** Upload rate of the slow third in `uplink` (and `mixed`): below the streams' top bitrate, kbit/s. */
export const SLOW_UPLINK_KBIT = 512;
/** CPU slow-down of the throttled half of the Chromium viewers in `slow-cpu` (and `mixed`). */
export const SLOW_CPU_THROTTLE_RATE = 4;
/** Share of the viewers present that leave abruptly per minute in `churn` (and `mixed`). */
export const CHURN_SHARE_PER_MINUTE = 0.2;
/** A replacement joins this long after the viewer it replaces was killed: uniform in [min, max], ms. */
export const CHURN_REJOIN_DELAY_MS = { min: 1000, max: 5000 } as const;
/**
 * Churn kills only viewers present at least this long (a joiner gets past its startup), and only
 * where the replacement can still watch this long before the slot ends, ms.
 */
export const CHURN_MIN_PRESENCE_MS = 20_000;
/** Length of one churn period: each gets its own count of kills, ms. */
export const CHURN_PERIOD_MS = 60_000;

/** The network and device of one slot. */
export interface SlotProfile {
  /** Position in the join order, from 0. */
  readonly slot: number;
  /** `c<k>` for the k-th Chromium slot, `v<k>` for the k-th virtual one (from 0). */
  readonly slotId: string;
  readonly kind: ViewerKind;
  readonly nat: NatKind;
  /** Download rate limit, kbit/s; null = not shaped. No scenario of the issue shapes it yet. */
  readonly downlinkKbit: number | null;
  /** Upload rate limit, kbit/s; null = not shaped. */
  readonly uplinkKbit: number | null;
  /** Packets dropped at random on the viewer's link, percent (0..100), each direction. */
  readonly lossPercent: number;
  /** `Emulation.setCPUThrottlingRate` of the viewer's pages; 1 = none (always 1 for virtual). */
  readonly cpuThrottleRate: number;
}

/** One viewer of the plan: a slot's occupant from its join to its leave. */
export interface PlannedViewer extends SlotProfile {
  /** `slotId` for the first occupant, `slotId.n` for the slot's n-th replacement. */
  readonly id: string;
  /** 0 for the slot's first occupant, n for its n-th replacement. */
  readonly occupant: number;
  /** ms after the scenario's start. */
  readonly joinAtMs: number;
  /** ms after the scenario's start. */
  readonly leaveAtMs: number;
  readonly leaveKind: LeaveKind;
}

/** A join or leave, for a driver that walks the plan in time order. */
export interface PlanEvent {
  readonly atMs: number;
  readonly viewerId: string;
  readonly action: 'join' | LeaveKind;
}

/** What a plan is made from. */
export interface NetworkPlanInput {
  readonly scenario: NetworkScenario;
  /** Any integer 0..2^32-1; the same seed gives the same plan. */
  readonly seed: number;
  /** Chromium viewers present at a time (slots), >= 0. */
  readonly chromiumViewers: number;
  /** Virtual viewers present at a time (slots), >= 0. */
  readonly virtualViewers: number;
  /** Time between two slots' first joins, ms (the bench's `--stagger`). */
  readonly staggerMs: number;
  /** How long each slot lasts from its first join, ms (the bench's `--seconds`). */
  readonly watchMs: number;
}

/** A scenario's plan. */
export interface NetworkPlan {
  readonly scenario: NetworkScenario;
  readonly seed: number;
  readonly chromiumViewers: number;
  readonly virtualViewers: number;
  /** Every slot's profile, in join order. */
  readonly slots: readonly SlotProfile[];
  /** Every viewer (first occupants and replacements), by join time then slot. */
  readonly viewers: readonly PlannedViewer[];
  /** Joins and leaves in time order (at equal times: leaves first). */
  readonly events: readonly PlanEvent[];
  /** When the last viewer leaves, ms after the start. */
  readonly durationMs: number;
}

/** True when `value` names a scenario (for the command line). */
export function isNetworkScenario(value: string): value is NetworkScenario {
  return (NETWORK_SCENARIOS as readonly string[]).includes(value);
}

/**
 * Uniform numbers in [0, 1) from a 32-bit seed and a label: xorshift32 seeded by an FNV-1a hash of
 * both, so each aspect of a plan has its own stream and adding one never shifts another.
 */
export function seededRandom(seed: number, label: string): () => number {
  let hash = 0x811c9dc5;
  for (const char of `${seed >>> 0}:${label}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let state = hash === 0 ? 0x9e3779b9 : hash;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  // The first outputs of xorshift follow its seed closely: skip a few.
  for (let skip = 0; skip < 8; skip++) next();
  return next;
}

/** A Fisher-Yates shuffle of a copy of `items`. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/**
 * Splits `count` items into `groups` near-equal groups, the first groups taking the remainder:
 * 6 -> [2, 2, 2], 4 -> [2, 1, 1], 1 -> [1, 0, 0].
 */
function groupSizes(count: number, groups: number): number[] {
  const base = Math.floor(count / groups);
  const remainder = count % groups;
  return Array.from({ length: groups }, (_, index) => base + (index < remainder ? 1 : 0));
}

/**
 * `values[g]` for the slots of group g, groups sized by {@link groupSizes} over a seeded shuffle of
 * `slots`; done per viewer kind, so Chromium and virtual viewers both get every value.
 */
function assignInGroups<T>(
  slots: readonly number[],
  values: readonly T[],
  random: () => number,
): Map<number, T> {
  const sizes = groupSizes(slots.length, values.length);
  const order = shuffled(slots, random);
  const assigned = new Map<number, T>();
  let next = 0;
  sizes.forEach((size, group) => {
    for (const slot of order.slice(next, next + size)) assigned.set(slot, values[group] as T);
    next += size;
  });
  return assigned;
}

function validate(input: NetworkPlanInput): void {
  const { chromiumViewers, virtualViewers, seed, staggerMs, watchMs } = input;
  const count = (value: number): boolean => Number.isInteger(value) && value >= 0;
  if (!isNetworkScenario(input.scenario)) {
    throw new BenchUsageError(
      `network scenario must be ${NETWORK_SCENARIOS.join(', ')}, got '${String(input.scenario)}'`,
    );
  }
  if (!count(chromiumViewers) || !count(virtualViewers) || chromiumViewers + virtualViewers < 1) {
    throw new BenchUsageError(
      `a network plan needs whole, non-negative viewer counts and at least one viewer, got ` +
        `${chromiumViewers} Chromium and ${virtualViewers} virtual`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new BenchUsageError(`the plan's seed must be an integer 0..4294967295, got ${seed}`);
  }
  if (
    !(staggerMs >= 0) ||
    !Number.isFinite(staggerMs) ||
    !(watchMs > 0) ||
    !Number.isFinite(watchMs)
  ) {
    throw new BenchUsageError(
      `a network plan needs staggerMs >= 0 and watchMs > 0, got ${staggerMs} and ${watchMs}`,
    );
  }
}

/**
 * Which join positions are Chromium: spread evenly over the join order (the first viewer, nobody to
 * fetch from, is Chromium), so real browsers measure joining a small and a large swarm alike.
 */
function chromiumPositions(chromium: number, total: number): Set<number> {
  const positions = new Set<number>();
  for (let index = 0; index < chromium; index++) {
    positions.add(Math.floor((index * total) / chromium));
  }
  return positions;
}

/** The slots of a scenario: who sits where in the join order and on which network and device. */
function planSlots(input: NetworkPlanInput): SlotProfile[] {
  const { scenario, seed, chromiumViewers, virtualViewers } = input;
  const total = chromiumViewers + virtualViewers;
  const chromiumAt = chromiumPositions(chromiumViewers, total);
  const kinds = Array.from({ length: total }, (_, slot): ViewerKind =>
    chromiumAt.has(slot) ? 'chromium' : 'virtual',
  );
  const slotsOf = (kind: ViewerKind): number[] =>
    kinds.flatMap((slotKind, slot) => (slotKind === kind ? [slot] : []));
  const chromiumSlots = slotsOf('chromium');
  const virtualSlots = slotsOf('virtual');
  const has = (aspect: NetworkScenario): boolean => scenario === aspect || scenario === 'mixed';

  const nat = new Map<number, NatKind>();
  const uplink = new Map<number, number | null>();
  if (has('nat')) {
    const natKinds: readonly NatKind[] = ['port-restricted', 'symmetric', 'none'];
    for (const [slots, label] of [
      [chromiumSlots, 'nat:chromium'],
      [virtualSlots, 'nat:virtual'],
    ] as const) {
      for (const [slot, kind] of assignInGroups(slots, natKinds, seededRandom(seed, label))) {
        nat.set(slot, kind);
      }
    }
  }
  if (has('uplink')) {
    const rates: readonly (number | null)[] = [SLOW_UPLINK_KBIT, null, null];
    for (const [slots, label] of [
      [chromiumSlots, 'uplink:chromium'],
      [virtualSlots, 'uplink:virtual'],
    ] as const) {
      for (const [slot, rate] of assignInGroups(slots, rates, seededRandom(seed, label))) {
        uplink.set(slot, rate);
      }
    }
  }
  const throttled = new Set<number>();
  if (has('slow-cpu')) {
    const order = shuffled(chromiumSlots, seededRandom(seed, 'cpu'));
    // Half, rounded up: a single Chromium viewer is the throttled one.
    for (const slot of order.slice(0, Math.ceil(order.length / 2))) throttled.add(slot);
  }

  const kindIndex = { chromium: 0, virtual: 0 };
  return kinds.map((kind, slot): SlotProfile => {
    const slotId = `${kind === 'chromium' ? 'c' : 'v'}${kindIndex[kind]++}`;
    return {
      slot,
      slotId,
      kind,
      nat: nat.get(slot) ?? 'none',
      downlinkKbit: null,
      uplinkKbit: uplink.get(slot) ?? null,
      lossPercent: has('lossy') ? LOSSY_LOSS_PERCENT : 0,
      cpuThrottleRate: throttled.has(slot) ? SLOW_CPU_THROTTLE_RATE : 1,
    };
  });
}

/** A slot's occupants, the current (last) one still open to change. */
interface SlotTimeline {
  readonly profile: SlotProfile;
  readonly endAtMs: number;
  readonly occupants: PlannedViewer[];
}

function occupantId(profile: SlotProfile, occupant: number): string {
  return occupant === 0 ? profile.slotId : `${profile.slotId}.${occupant}`;
}

/**
 * Kills and replacements: in each period of {@link CHURN_PERIOD_MS}, `CHURN_SHARE_PER_MINUTE` of the
 * viewers present at its middle (pro rata for a shorter last period, rounded) are killed at seeded
 * times, each a seeded pick among the viewers that may be killed then (see
 * {@link CHURN_MIN_PRESENCE_MS}); a kill with no candidate is dropped.
 */
function applyChurn(timelines: readonly SlotTimeline[], seed: number, durationMs: number): void {
  const random = seededRandom(seed, 'churn');
  const current = (timeline: SlotTimeline): PlannedViewer =>
    timeline.occupants[timeline.occupants.length - 1] as PlannedViewer;
  for (let startMs = 0; startMs < durationMs; startMs += CHURN_PERIOD_MS) {
    const lengthMs = Math.min(CHURN_PERIOD_MS, durationMs - startMs);
    const middleMs = startMs + lengthMs / 2;
    const present = timelines.filter((timeline) =>
      timeline.occupants.some(
        (viewer) => viewer.joinAtMs <= middleMs && middleMs < viewer.leaveAtMs,
      ),
    ).length;
    const kills = Math.round(CHURN_SHARE_PER_MINUTE * present * (lengthMs / 60_000));
    const times = Array.from(
      { length: kills },
      () => startMs + Math.floor(random() * lengthMs),
    ).sort((a, b) => a - b);
    for (const atMs of times) {
      const candidates = timelines.filter((timeline) => {
        const viewer = current(timeline);
        return (
          viewer.joinAtMs + CHURN_MIN_PRESENCE_MS <= atMs &&
          atMs < viewer.leaveAtMs &&
          atMs + CHURN_REJOIN_DELAY_MS.max + CHURN_MIN_PRESENCE_MS <= timeline.endAtMs
        );
      });
      const pick = random();
      const rejoin = random();
      const how = random();
      if (candidates.length === 0) continue;
      const timeline = candidates[Math.floor(pick * candidates.length)] as SlotTimeline;
      const killed = current(timeline);
      const leaveKind: LeaveKind =
        killed.kind === 'chromium' && how < 0.5 ? 'page-crashed' : 'process-killed';
      timeline.occupants[timeline.occupants.length - 1] = { ...killed, leaveAtMs: atMs, leaveKind };
      const { min, max } = CHURN_REJOIN_DELAY_MS;
      const occupant = killed.occupant + 1;
      timeline.occupants.push({
        ...timeline.profile,
        id: occupantId(timeline.profile, occupant),
        occupant,
        joinAtMs: atMs + min + Math.floor(rejoin * (max - min)),
        leaveAtMs: timeline.endAtMs,
        leaveKind: 'session-end',
      });
    }
  }
}

/** Builds the plan of `input.scenario`; throws {@link BenchUsageError} on invalid input. */
export function planNetworkScenario(input: NetworkPlanInput): NetworkPlan {
  validate(input);
  const { scenario, seed, staggerMs, watchMs } = input;
  const slots = planSlots(input);
  const timelines: SlotTimeline[] = slots.map((profile) => {
    const joinAtMs = profile.slot * staggerMs;
    const endAtMs = joinAtMs + watchMs;
    return {
      profile,
      endAtMs,
      occupants: [
        {
          ...profile,
          id: occupantId(profile, 0),
          occupant: 0,
          joinAtMs,
          leaveAtMs: endAtMs,
          leaveKind: 'session-end',
        },
      ],
    };
  });
  const durationMs = Math.max(...timelines.map((timeline) => timeline.endAtMs));
  if (scenario === 'churn' || scenario === 'mixed') applyChurn(timelines, seed, durationMs);

  const viewers = timelines
    .flatMap((timeline) => timeline.occupants)
    .sort((a, b) => a.joinAtMs - b.joinAtMs || a.slot - b.slot);
  const events: PlanEvent[] = viewers
    .flatMap((viewer): PlanEvent[] => [
      { atMs: viewer.joinAtMs, viewerId: viewer.id, action: 'join' },
      { atMs: viewer.leaveAtMs, viewerId: viewer.id, action: viewer.leaveKind },
    ])
    .sort((a, b) => a.atMs - b.atMs || Number(a.action === 'join') - Number(b.action === 'join'));
  return {
    scenario,
    seed,
    chromiumViewers: input.chromiumViewers,
    virtualViewers: input.virtualViewers,
    slots,
    viewers,
    events,
    durationMs,
  };
}

/**
 * The network lab's description of a slot (test/support/netlab `ViewerSpec`): its namespace is
 * named after `slotId`, and every occupant of the slot (replacements too) runs in it.
 */
export function labViewerSpec(slot: SlotProfile): ViewerSpec {
  return {
    name: slot.slotId,
    nat: slot.nat,
    ...(slot.downlinkKbit === null ? {} : { downlinkKbit: slot.downlinkKbit }),
    ...(slot.uplinkKbit === null ? {} : { uplinkKbit: slot.uplinkKbit }),
    lossPercent: slot.lossPercent,
  };
}

/**
 * The lab a plan runs in: one viewer namespace per slot, and coturn when some slot is behind a
 * symmetric NAT (reachable only through TURN).
 */
export function labSpecOf(plan: NetworkPlan): NetLabSpec {
  return {
    viewers: plan.slots.map(labViewerSpec),
    turn: plan.slots.some((slot) => slot.nat === 'symmetric'),
  };
}

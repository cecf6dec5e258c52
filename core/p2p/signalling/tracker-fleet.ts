/**
 * Tracker fleets: scaling signalling out by sharding swarms over groups of WebTorrent trackers.
 *
 * The WebTorrent protocol only lets peers meet when they announce to the same tracker, so trackers
 * cannot share the load of one swarm: a fleet is a list of groups, every tracker of a group holds
 * the same swarms (we announce to all of them, as with a plain tracker list), and each swarm lives on
 * one group. The group is chosen by rendezvous (highest-random-weight) hashing of the swarm's info
 * hash with each group's identity: every viewer computes the same order without talking to anyone,
 * and adding or removing a group moves only the swarms that rank it first (about 1/n of them).
 *
 * Viewers announce to the first group of that order; when it is down (defined in
 * {@link FleetFailover}) they fall over to the next one and go back as soon as the preferred group
 * answers again, so all viewers of a swarm meet on one group whenever that group is up.
 *
 * This file is pure (no timers, no sockets, time passed in): `TrackerSignalling` drives it.
 */
import { sha1Hex } from '../swarm-identity.js';

/** A fleet: groups of tracker URLs (each group a non-empty array of ws:// or wss:// URLs). */
export type TrackerFleet = readonly (readonly string[])[];

/**
 * The `trackers` setting: a plain list of URLs (one group, all announced to at once) or a fleet
 * (an array of groups, see {@link TrackerFleet}).
 */
export type TrackerList = readonly string[] | TrackerFleet;

/**
 * Version tag of the group order below. Viewers of a swarm meet only when they rank groups alike,
 * so the derivation is a compatibility contract: a change gets a new tag.
 */
export const FLEET_ORDER_VERSION = 'p2pml-fleet/v1';

const utf8 = new TextEncoder();

/** True when `trackers` is in the fleet form (its first element is an array). */
export function isTrackerFleet(trackers: TrackerList): trackers is TrackerFleet {
  return Array.isArray(trackers[0]);
}

/** The groups of a `trackers` setting: a plain list is one group; an empty list has none. */
export function trackerGroups(trackers: TrackerList): TrackerFleet {
  if (trackers.length === 0) return [];
  return isTrackerFleet(trackers) ? trackers : [trackers];
}

/** A tracker URL as compared and hashed: trimmed, without trailing slashes. */
export function normalizeTrackerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * A group's identity, used for hashing: its normalized URLs, sorted, one per line. It does not
 * depend on the group's position in the fleet or on the order of its URLs, so reordering the
 * configuration moves no swarm; changing a group's URLs changes its identity (its swarms move as if
 * the group had been removed and another added).
 */
export function trackerGroupIdentity(group: readonly string[]): string {
  return [...new Set(group.map(normalizeTrackerUrl))].sort().join('\n');
}

/**
 * The rendezvous weight of `groupIdentity` for the swarm `infoHash`: the first 52 bits (exact in a
 * double) of SHA-1 over the UTF-8 bytes of `"p2pml-fleet/v1\n" + infoHash + "\n" + groupIdentity`,
 * with `infoHash` in lowercase hex.
 */
export function rendezvousWeight(infoHash: string, groupIdentity: string): number {
  const text = `${FLEET_ORDER_VERSION}\n${infoHash.toLowerCase()}\n${groupIdentity}`;
  return Number.parseInt(sha1Hex(utf8.encode(text)).slice(0, 13), 16);
}

/**
 * The indexes of `groups` in the order a swarm should use them: highest rendezvous weight first,
 * ties (practically impossible) by identity. Deterministic; the same for every viewer whose fleet
 * holds the same groups, in whatever order they are listed.
 */
export function rendezvousOrder(infoHash: string, groups: TrackerFleet): number[] {
  const ranked = groups.map((group, index) => {
    const identity = trackerGroupIdentity(group);
    return { index, identity, weight: rendezvousWeight(infoHash, identity) };
  });
  ranked.sort((a, b) =>
    a.weight !== b.weight
      ? b.weight - a.weight
      : a.identity < b.identity
        ? -1
        : a.identity > b.identity
          ? 1
          : a.index - b.index,
  );
  return ranked.map((entry) => entry.index);
}

/** When a group counts as down; see {@link FleetFailover}. */
export interface FleetFailoverPolicy {
  /** Consecutive failed connection attempts (a lost socket counts as one) that make a tracker failing. */
  readonly failedAttemptsBeforeDown: number;
  /** Time without an open socket that makes a tracker failing, in ms (covers attempts that hang). */
  readonly downAfterMs: number;
}

/**
 * Default {@link FleetFailoverPolicy}: three failed attempts take 3-6 s with the reconnect backoff
 * (1-2 s, then 2-4 s between attempts), so a stopped tracker is left within seconds; 15 s covers
 * a connect that never completes (a black-holed address) without leaving a slow tracker too early.
 */
export const DEFAULT_FLEET_FAILOVER_POLICY: FleetFailoverPolicy = {
  failedAttemptsBeforeDown: 3,
  downAfterMs: 15_000,
};

interface TrackerHealth {
  open: boolean;
  /** Answered an announce since its socket last opened. */
  answered: boolean;
  failedAttempts: number;
  /** Since when the tracker has had no open socket (its start, or the loss of its socket). */
  closedSinceMs: number;
}

/** A change of the group a swarm uses. */
export interface FleetGroupChange {
  /** Position (in preference order) of the group used before. */
  readonly fromRank: number;
  /** Position (in preference order) of the group used now. */
  readonly toRank: number;
  /** `failover`: the group used was down; `recovered`: a more preferred group answers again. */
  readonly reason: 'failover' | 'recovered';
}

/**
 * The failover state machine of one swarm over its groups in preference order (rank 0 first).
 *
 * - Groups of rank 0 up to the active rank are held: their trackers are connected (or reconnecting
 *   with the connection's own bounded backoff, which is how preferred groups are probed). Groups
 *   ranked after the active one are not connected.
 * - A tracker is failing when its socket is not open and either it failed
 *   {@link FleetFailoverPolicy.failedAttemptsBeforeDown} consecutive connection attempts or it has
 *   had no open socket for {@link FleetFailoverPolicy.downAfterMs}. A group is down when every one
 *   of its trackers is failing (a group without a usable URL is always down).
 * - When the active group is down, the next group is held and becomes active (repeatedly, up to
 *   the last group, which stays active even when down).
 * - When a tracker of a more preferred held group opens its socket and answers an announce, that
 *   group becomes active again and the groups after it are released.
 *
 * Callers report tracker events as they happen and call {@link evaluate} after each, and again at
 * {@link nextCheckAtMs}.
 */
export class FleetFailover {
  private active: number;
  private readonly health = new Map<string, TrackerHealth>();

  /**
   * @param groups - usable URLs of each group, in preference order (see {@link rendezvousOrder})
   * @param policy - when a tracker counts as failing
   */
  constructor(
    private readonly groups: readonly (readonly string[])[],
    private readonly policy: FleetFailoverPolicy = DEFAULT_FLEET_FAILOVER_POLICY,
  ) {
    this.active = 0;
    while (this.active < groups.length - 1 && (groups[this.active]?.length ?? 0) === 0) {
      this.active++;
    }
  }

  /** Rank of the group announced to now. */
  get activeRank(): number {
    return this.active;
  }

  /** Ranks of the groups whose trackers should be connected: 0 up to the active rank. */
  get heldRanks(): number[] {
    return Array.from({ length: Math.min(this.active + 1, this.groups.length) }, (_, i) => i);
  }

  /** A connection to `url` was created and started. */
  started(url: string, nowMs: number): void {
    this.health.set(url, { open: false, answered: false, failedAttempts: 0, closedSinceMs: nowMs });
  }

  /** The socket to `url` opened. */
  connected(url: string): void {
    const health = this.health.get(url);
    if (!health) return;
    health.open = true;
    health.answered = false;
    health.failedAttempts = 0;
  }

  /** `url` answered an announce. */
  answered(url: string): void {
    const health = this.health.get(url);
    if (health?.open) health.answered = true;
  }

  /** A connection attempt to `url` failed, or its open socket was lost. */
  lost(url: string, nowMs: number): void {
    const health = this.health.get(url);
    if (!health) return;
    if (health.open) health.closedSinceMs = nowMs;
    health.open = false;
    health.answered = false;
    health.failedAttempts++;
  }

  /** The connection to `url` was destroyed (its group was released). */
  stopped(url: string): void {
    this.health.delete(url);
  }

  /**
   * Applies the rules at `nowMs`; returns the change of active group, if any. After a change the
   * caller connects the groups in {@link heldRanks} and releases the others.
   */
  evaluate(nowMs: number): FleetGroupChange | undefined {
    const fromRank = this.active;
    for (let rank = 0; rank < this.active; rank++) {
      if (this.isAnswering(rank)) {
        this.active = rank;
        return { fromRank, toRank: rank, reason: 'recovered' };
      }
    }
    while (this.active < this.groups.length - 1 && this.isDown(this.active, nowMs)) this.active++;
    return this.active === fromRank
      ? undefined
      : { fromRank, toRank: this.active, reason: 'failover' };
  }

  /**
   * When, after `nowMs`, the time rule could next make a tracker of the active group failing (call
   * {@link evaluate} then), or undefined when no timer is needed. Deadlines already passed are
   * skipped: those trackers fail by time already, and only a later deadline (or an event) can
   * change the verdict. (Returning a passed deadline made the caller's timer fire again at once,
   * every few ms, while a group was half down.)
   */
  nextCheckAtMs(nowMs: number): number | undefined {
    if (this.active >= this.groups.length - 1) return undefined;
    let next: number | undefined;
    for (const url of this.groups[this.active] ?? []) {
      const health = this.health.get(url);
      if (!health || health.open) continue;
      const atMs = health.closedSinceMs + this.policy.downAfterMs;
      if (atMs <= nowMs) continue;
      next = next === undefined ? atMs : Math.min(next, atMs);
    }
    return next;
  }

  private isAnswering(rank: number): boolean {
    return (this.groups[rank] ?? []).some((url) => {
      const health = this.health.get(url);
      return health !== undefined && health.open && health.answered;
    });
  }

  private isDown(rank: number, nowMs: number): boolean {
    return (this.groups[rank] ?? []).every((url) => {
      const health = this.health.get(url);
      if (!health || health.open) return false;
      return (
        health.failedAttempts >= this.policy.failedAttemptsBeforeDown ||
        nowMs - health.closedSinceMs >= this.policy.downAfterMs
      );
    });
  }
}

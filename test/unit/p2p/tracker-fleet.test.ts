/**
 * Tracker fleets (core/p2p/signalling/tracker-fleet.ts): the rendezvous order of groups per swarm
 * (deterministic, balanced, minimal movement when the fleet changes) and the failover state machine,
 * driven with explicit times (no timers).
 */
import {
  DEFAULT_FLEET_FAILOVER_POLICY,
  FleetFailover,
  isTrackerFleet,
  rendezvousOrder,
  rendezvousWeight,
  trackerGroupIdentity,
  trackerGroups,
  type TrackerFleet,
} from '../../../core/p2p/signalling/tracker-fleet.js';
import { infoHashFor } from '../../../core/p2p/swarm-identity.js';

function fleetOf(count: number): string[][] {
  return Array.from({ length: count }, (_, i) => [`wss://t${i}a.example`, `wss://t${i}b.example`]);
}

function swarms(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    infoHashFor(`https://cdn.example/live/channel-${i}/master.m3u8`, 'video-0'),
  );
}

/** The URLs (as identity) of the group a swarm prefers, so that fleets of different shape compare. */
function preferred(infoHash: string, fleet: TrackerFleet): string {
  const first = rendezvousOrder(infoHash, fleet)[0];
  return trackerGroupIdentity(fleet[first ?? 0] ?? []);
}

describe('tracker groups of the trackers setting', () => {
  it('treats a URL list as one group and an array of arrays as a fleet', () => {
    expect(isTrackerFleet(['wss://a'])).toBe(false);
    expect(trackerGroups(['wss://a', 'wss://b'])).toEqual([['wss://a', 'wss://b']]);
    expect(isTrackerFleet([['wss://a'], ['wss://b']])).toBe(true);
    expect(trackerGroups([['wss://a'], ['wss://b']])).toEqual([['wss://a'], ['wss://b']]);
    expect(trackerGroups([])).toEqual([]);
  });

  it('identifies a group by its URLs, whatever their order, trailing slashes or spaces', () => {
    expect(trackerGroupIdentity(['wss://b/', ' wss://a'])).toBe(
      trackerGroupIdentity(['wss://a', 'wss://b']),
    );
    expect(trackerGroupIdentity(['wss://a'])).not.toBe(
      trackerGroupIdentity(['wss://a', 'wss://b']),
    );
  });
});

describe('rendezvousOrder', () => {
  const fleet = fleetOf(5);

  it('is deterministic, a permutation, and pinned across versions', () => {
    const infoHash = infoHashFor('https://origin.test/vod/master.m3u8', 'main-0');
    const order = rendezvousOrder(infoHash, fleet);
    expect(rendezvousOrder(infoHash, fleet)).toEqual(order);
    expect(rendezvousOrder(infoHash.toUpperCase(), fleet)).toEqual(order);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    // Viewers of different versions must rank alike: a change of the derivation shows up here.
    expect(rendezvousWeight('00'.repeat(20), 'wss://a')).toBe(1575974613040168);
    expect(order).toEqual([3, 4, 1, 0, 2]);
  });

  it('does not depend on the order in which groups are listed', () => {
    const reversed = [...fleet].reverse();
    for (const infoHash of swarms(100)) {
      expect(preferred(infoHash, reversed)).toBe(preferred(infoHash, fleet));
    }
  });

  it('spreads swarms evenly: every group of 5 prefers 20 % ± 3 % of 6000 swarms', () => {
    const counts = new Array<number>(fleet.length).fill(0);
    const many = swarms(6000);
    for (const infoHash of many) {
      const first = rendezvousOrder(infoHash, fleet)[0] ?? -1;
      counts[first] = (counts[first] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count / many.length).toBeGreaterThan(0.17);
      expect(count / many.length).toBeLessThan(0.23);
    }
  });

  it('moves only the swarms that prefer an added group (about 1/n), and only those of a removed one', () => {
    const many = swarms(3000);
    const grown = [...fleet, ['wss://t5a.example']];
    const added = trackerGroupIdentity(['wss://t5a.example']);
    let moved = 0;
    for (const infoHash of many) {
      const before = preferred(infoHash, fleet);
      const after = preferred(infoHash, grown);
      if (before !== after) {
        moved++;
        expect(after).toBe(added);
      }
    }
    // 1/6 of the swarms are expected to move to the new group (binomial sd ~0.7 %).
    expect(moved / many.length).toBeGreaterThan(1 / 6 - 0.03);
    expect(moved / many.length).toBeLessThan(1 / 6 + 0.03);

    const removedGroup = trackerGroupIdentity(fleet[2] ?? []);
    const shrunk = fleet.filter((_, i) => i !== 2);
    for (const infoHash of many) {
      const before = preferred(infoHash, fleet);
      if (before !== removedGroup) expect(preferred(infoHash, shrunk)).toBe(before);
    }
  });

  it('sends a failed group’s swarms to different next groups, not all to one', () => {
    const nextOfGroup0 = new Set<number>();
    for (const infoHash of swarms(500)) {
      const order = rendezvousOrder(infoHash, fleet);
      if (order[0] === 0) nextOfGroup0.add(order[1] ?? -1);
    }
    expect(nextOfGroup0.size).toBe(4);
  });
});

describe('FleetFailover', () => {
  const policy = { failedAttemptsBeforeDown: 3, downAfterMs: 15_000 };
  const groups = [['wss://a1', 'wss://a2'], ['wss://b1'], ['wss://c1']];

  function startHeld(failover: FleetFailover, nowMs: number): void {
    for (const rank of failover.heldRanks) {
      for (const url of groups[rank] ?? []) failover.started(url, nowMs);
    }
  }

  it('holds the preferred group only while any of its trackers is up', () => {
    const failover = new FleetFailover(groups, policy);
    startHeld(failover, 0);
    expect(failover.heldRanks).toEqual([0]);
    failover.connected('wss://a2');
    failover.answered('wss://a2');
    for (let i = 0; i < 5; i++) failover.lost('wss://a1', 1000 * i);
    expect(failover.evaluate(60_000)).toBeUndefined();
    expect(failover.activeRank).toBe(0);
  });

  it('fails over after every tracker of the group failed 3 attempts, and not after 2', () => {
    const failover = new FleetFailover(groups, policy);
    startHeld(failover, 0);
    failover.connected('wss://a1');
    failover.lost('wss://a1', 1000); // the open socket is lost: attempt 1
    failover.lost('wss://a1', 2000);
    for (let i = 0; i < 3; i++) failover.lost('wss://a2', 500 * i);
    expect(failover.evaluate(2500)).toBeUndefined();
    failover.lost('wss://a1', 3000);
    expect(failover.evaluate(3000)).toEqual({ fromRank: 0, toRank: 1, reason: 'failover' });
    expect(failover.heldRanks).toEqual([0, 1]);
  });

  it('fails over when connects hang: no open socket for downAfterMs', () => {
    const failover = new FleetFailover(groups, policy);
    startHeld(failover, 10_000);
    expect(failover.nextCheckAtMs(10_000)).toBe(25_000);
    expect(failover.evaluate(24_999)).toBeUndefined();
    expect(failover.evaluate(25_000)?.toRank).toBe(1);
  });

  it('goes further down the order while groups are down, and stays on the last one', () => {
    const failover = new FleetFailover(groups, policy);
    startHeld(failover, 0);
    expect(failover.evaluate(15_000)?.toRank).toBe(1);
    failover.started('wss://b1', 15_000);
    expect(failover.evaluate(30_000)?.toRank).toBe(2);
    failover.started('wss://c1', 30_000);
    expect(failover.evaluate(100_000)).toBeUndefined();
    expect(failover.activeRank).toBe(2);
    expect(failover.nextCheckAtMs(100_000)).toBeUndefined();
    expect(failover.heldRanks).toEqual([0, 1, 2]);
  });

  it('returns to the preferred group once it answers an announce, not when it merely connects', () => {
    const failover = new FleetFailover(groups, policy);
    startHeld(failover, 0);
    failover.evaluate(15_000);
    failover.started('wss://b1', 15_000);
    failover.connected('wss://b1');
    failover.answered('wss://b1');
    failover.connected('wss://a1');
    expect(failover.evaluate(20_000)).toBeUndefined();
    failover.answered('wss://a1');
    expect(failover.evaluate(20_001)).toEqual({ fromRank: 1, toRank: 0, reason: 'recovered' });
    expect(failover.heldRanks).toEqual([0]);
  });

  it('skips a group without usable URLs', () => {
    const failover = new FleetFailover([[], ['wss://b1']], policy);
    expect(failover.activeRank).toBe(1);
  });

  it('never changes a single group', () => {
    const failover = new FleetFailover([['wss://a1']], DEFAULT_FLEET_FAILOVER_POLICY);
    failover.started('wss://a1', 0);
    for (let i = 0; i < 10; i++) failover.lost('wss://a1', i);
    expect(failover.evaluate(1_000_000)).toBeUndefined();
    expect(failover.nextCheckAtMs(1_000_000)).toBeUndefined();
  });

  it('asks for no check at a deadline already passed while a group is half down', () => {
    const failover = new FleetFailover([['wss://a1', 'wss://a2'], ['wss://b1']], policy);
    startHeld(failover, 0);
    failover.connected('wss://a1');
    // a2 never connects: its deadline (15 s) passes while a1 stays open, so the group is up.
    expect(failover.evaluate(20_000)).toBeUndefined();
    expect(failover.nextCheckAtMs(20_000)).toBeUndefined();
    // a1 is lost at 21 s: its own deadline is the next check.
    failover.lost('wss://a1', 21_000);
    expect(failover.nextCheckAtMs(21_000)).toBe(36_000);
  });
});

import { BenchUsageError } from '../../../scripts/bench/bench-options.js';
import {
  CHURN_MIN_PRESENCE_MS,
  CHURN_REJOIN_DELAY_MS,
  LOSSY_LOSS_PERCENT,
  NETWORK_SCENARIOS,
  SLOW_CPU_THROTTLE_RATE,
  SLOW_UPLINK_KBIT,
  labSpecOf,
  planNetworkScenario,
  seededRandom,
  type NetworkPlan,
  type NetworkPlanInput,
  type NetworkScenario,
  type SlotProfile,
} from '../../../scripts/bench/network-scenarios.js';
import { validateNetLabSpec } from '../../support/netlab/spec.js';

/** The target swarm: 6 Chromium + 24 virtual viewers, 180 s each, joining 3 s apart. */
function plan(scenario: NetworkScenario, overrides: Partial<NetworkPlanInput> = {}): NetworkPlan {
  return planNetworkScenario({
    scenario,
    seed: 42,
    chromiumViewers: 6,
    virtualViewers: 24,
    staggerMs: 3000,
    watchMs: 180_000,
    ...overrides,
  });
}

function count(slots: readonly SlotProfile[], pick: (slot: SlotProfile) => boolean): number {
  return slots.filter(pick).length;
}

function ofKind(result: NetworkPlan, kind: SlotProfile['kind']): SlotProfile[] {
  return result.slots.filter((slot) => slot.kind === kind);
}

describe('planNetworkScenario', () => {
  test('the same input gives the same plan; another seed a different one', () => {
    for (const scenario of NETWORK_SCENARIOS) {
      expect(plan(scenario)).toEqual(plan(scenario));
    }
    expect(plan('mixed', { seed: 7 })).not.toEqual(plan('mixed', { seed: 8 }));
  });

  test('clean: 30 slots, Chromium spread over the join order, nothing shaped, no churn', () => {
    const result = plan('clean');

    expect(result.slots).toHaveLength(30);
    expect(
      result.slots.filter((slot) => slot.kind === 'chromium').map((slot) => slot.slot),
    ).toEqual([0, 5, 10, 15, 20, 25]);
    expect(result.slots.map((slot) => slot.slotId).slice(0, 6)).toEqual([
      'c0',
      'v0',
      'v1',
      'v2',
      'v3',
      'c1',
    ]);
    for (const slot of result.slots) {
      expect(slot).toMatchObject({
        nat: 'none',
        downlinkKbit: null,
        uplinkKbit: null,
        lossPercent: 0,
        cpuThrottleRate: 1,
      });
    }
    expect(result.viewers).toHaveLength(30);
    expect(result.viewers.map((viewer) => viewer.joinAtMs)).toEqual(
      Array.from({ length: 30 }, (_, index) => index * 3000),
    );
    expect(result.viewers.every((viewer) => viewer.leaveKind === 'session-end')).toBe(true);
    expect(result.durationMs).toBe(29 * 3000 + 180_000);
  });

  test('lossy: every link drops 2 % and nothing else changes', () => {
    const result = plan('lossy');

    expect(result.slots.every((slot) => slot.lossPercent === LOSSY_LOSS_PERCENT)).toBe(true);
    expect(result.slots.map(({ lossPercent: _, ...rest }) => rest)).toEqual(
      plan('clean').slots.map(({ lossPercent: _, ...rest }) => rest),
    );
  });

  test('nat: a third port-restricted, a third symmetric, a third public, per viewer kind', () => {
    const result = plan('nat');

    for (const [kind, third] of [
      ['chromium', 2],
      ['virtual', 8],
    ] as const) {
      const slots = ofKind(result, kind);
      expect(count(slots, (slot) => slot.nat === 'port-restricted')).toBe(third);
      expect(count(slots, (slot) => slot.nat === 'symmetric')).toBe(third);
      expect(count(slots, (slot) => slot.nat === 'none')).toBe(third);
    }
    expect(result.slots.every((slot) => slot.uplinkKbit === null && slot.lossPercent === 0)).toBe(
      true,
    );
  });

  test('uplink: a third of each kind uploads at 512 kbit/s, the rest unshaped', () => {
    const result = plan('uplink');

    expect(count(ofKind(result, 'chromium'), (slot) => slot.uplinkKbit === SLOW_UPLINK_KBIT)).toBe(
      2,
    );
    expect(count(ofKind(result, 'virtual'), (slot) => slot.uplinkKbit === SLOW_UPLINK_KBIT)).toBe(
      8,
    );
    expect(count(result.slots, (slot) => slot.uplinkKbit === null)).toBe(20);
    expect(result.slots.every((slot) => slot.nat === 'none')).toBe(true);
  });

  test('slow-cpu: half the Chromium viewers 4x throttled, virtual viewers never', () => {
    const result = plan('slow-cpu');

    expect(
      count(ofKind(result, 'chromium'), (slot) => slot.cpuThrottleRate === SLOW_CPU_THROTTLE_RATE),
    ).toBe(3);
    expect(ofKind(result, 'virtual').every((slot) => slot.cpuThrottleRate === 1)).toBe(true);
    // A lone Chromium viewer is the throttled half.
    expect(
      plan('slow-cpu', { chromiumViewers: 1, virtualViewers: 0 }).slots[0]?.cpuThrottleRate,
    ).toBe(SLOW_CPU_THROTTLE_RATE);
  });

  test('churn: about 20 % of the viewers present leave abruptly each minute and are replaced', () => {
    const result = plan('churn');
    const killed = result.viewers.filter((viewer) => viewer.leaveKind !== 'session-end');
    const replacements = result.viewers.filter((viewer) => viewer.occupant > 0);

    // 267 s: minute 1 has ~11 present at its middle (2 kills), minutes 2-4 30 (6 each), the last
    // 27 s ~24 (round(0.2 x 24 x 0.45) = 2); kills without a candidate are dropped.
    expect(killed.length).toBeGreaterThanOrEqual(15);
    expect(killed.length).toBeLessThanOrEqual(22);
    expect(replacements).toHaveLength(killed.length);
    expect(new Set(killed.map((viewer) => viewer.leaveKind))).toEqual(
      new Set(['process-killed', 'page-crashed']),
    );
    for (const viewer of killed) {
      expect(viewer.leaveAtMs - viewer.joinAtMs).toBeGreaterThanOrEqual(CHURN_MIN_PRESENCE_MS);
      if (viewer.kind === 'virtual') expect(viewer.leaveKind).toBe('process-killed');
      const next = result.viewers.find(
        (other) => other.slot === viewer.slot && other.occupant === viewer.occupant + 1,
      );
      expect(next).toBeDefined();
      const gapMs = (next?.joinAtMs ?? 0) - viewer.leaveAtMs;
      expect(gapMs).toBeGreaterThanOrEqual(CHURN_REJOIN_DELAY_MS.min);
      expect(gapMs).toBeLessThanOrEqual(CHURN_REJOIN_DELAY_MS.max);
      // The replacement has the slot's profile and id.
      expect(next?.id).toBe(`${viewer.slotId}.${viewer.occupant + 1}`);
      expect(next?.kind).toBe(viewer.kind);
    }
    // A slot's occupants never overlap, and the last one stays to the slot's end.
    for (const slot of result.slots) {
      const occupants = result.viewers.filter((viewer) => viewer.slot === slot.slot);
      for (let index = 1; index < occupants.length; index++) {
        expect(occupants[index]?.joinAtMs).toBeGreaterThan(
          occupants[index - 1]?.leaveAtMs ?? Infinity,
        );
      }
      expect(occupants[occupants.length - 1]?.leaveAtMs).toBe(slot.slot * 3000 + 180_000);
    }
  });

  test('churn: no minute kills more than 20 % of the slots (rounded)', () => {
    const result = plan('churn', { seed: 1234 });
    for (let startMs = 0; startMs < result.durationMs; startMs += 60_000) {
      const kills = result.events.filter(
        (event) =>
          event.action !== 'join' &&
          event.action !== 'session-end' &&
          event.atMs >= startMs &&
          event.atMs < startMs + 60_000,
      );
      expect(kills.length).toBeLessThanOrEqual(6);
    }
  });

  test('mixed: each aspect exactly as its own scenario assigns it with the same seed', () => {
    const mixed = plan('mixed');

    expect(mixed.slots.map((slot) => slot.nat)).toEqual(plan('nat').slots.map((slot) => slot.nat));
    expect(mixed.slots.map((slot) => slot.uplinkKbit)).toEqual(
      plan('uplink').slots.map((slot) => slot.uplinkKbit),
    );
    expect(mixed.slots.map((slot) => slot.cpuThrottleRate)).toEqual(
      plan('slow-cpu').slots.map((slot) => slot.cpuThrottleRate),
    );
    expect(mixed.slots.every((slot) => slot.lossPercent === LOSSY_LOSS_PERCENT)).toBe(true);
    const churnTimes = (result: NetworkPlan): number[] =>
      result.viewers
        .filter((viewer) => viewer.leaveKind !== 'session-end')
        .map((viewer) => viewer.leaveAtMs);
    expect(churnTimes(mixed)).toEqual(churnTimes(plan('churn')));
  });

  test('events list every join and leave in time order, leaves first at equal times', () => {
    const result = plan('mixed');

    expect(result.events).toHaveLength(result.viewers.length * 2);
    for (let index = 1; index < result.events.length; index++) {
      const previous = result.events[index - 1];
      const event = result.events[index];
      expect(event?.atMs).toBeGreaterThanOrEqual(previous?.atMs ?? 0);
      if (event?.atMs === previous?.atMs && previous?.action === 'join')
        expect(event?.action).toBe('join');
    }
  });

  test('small swarms: groups take the remainder first, and one viewer works', () => {
    const four = plan('nat', { chromiumViewers: 4, virtualViewers: 0 });
    expect(count(four.slots, (slot) => slot.nat === 'port-restricted')).toBe(2);
    expect(count(four.slots, (slot) => slot.nat === 'symmetric')).toBe(1);
    expect(count(four.slots, (slot) => slot.nat === 'none')).toBe(1);

    const one = plan('mixed', { chromiumViewers: 0, virtualViewers: 1, watchMs: 30_000 });
    expect(one.slots).toHaveLength(1);
    expect(one.viewers).toHaveLength(1);
  });

  test('invalid input is a BenchUsageError', () => {
    expect(() => plan('clean', { chromiumViewers: 0, virtualViewers: 0 })).toThrow(BenchUsageError);
    expect(() => plan('clean', { chromiumViewers: 1.5 })).toThrow(BenchUsageError);
    expect(() => plan('clean', { seed: -1 })).toThrow(BenchUsageError);
    expect(() => plan('clean', { watchMs: 0 })).toThrow(BenchUsageError);
    expect(() => plan('wan' as NetworkScenario)).toThrow(BenchUsageError);
  });
});

describe('labSpecOf', () => {
  test('gives the lab one valid viewer per slot, with TURN only where a symmetric NAT needs it', () => {
    const mixed = labSpecOf(plan('mixed'));
    expect(() => {
      validateNetLabSpec(mixed);
    }).not.toThrow();
    expect(mixed.viewers).toHaveLength(30);
    expect(mixed.turn).toBe(true);
    expect(mixed.viewers.filter((viewer) => viewer.uplinkKbit === SLOW_UPLINK_KBIT)).toHaveLength(
      10,
    );
    expect(mixed.viewers.every((viewer) => viewer.downlinkKbit === undefined)).toBe(true);

    const clean = labSpecOf(plan('clean'));
    expect(clean.turn).toBe(false);
    expect(clean.viewers[0]).toEqual({ name: 'c0', nat: 'none', lossPercent: 0 });
  });
});

describe('seededRandom', () => {
  test('is deterministic, in [0, 1), and differs by seed and label', () => {
    const draw = (seed: number, label: string): number[] => {
      const random = seededRandom(seed, label);
      return Array.from({ length: 1000 }, () => random());
    };
    const values = draw(1, 'a');

    expect(draw(1, 'a')).toEqual(values);
    expect(draw(2, 'a')).not.toEqual(values);
    expect(draw(1, 'b')).not.toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    // Roughly uniform: each tenth holds 5-15 % of 1000 draws.
    for (let tenth = 0; tenth < 10; tenth++) {
      const share = values.filter((value) => Math.floor(value * 10) === tenth).length / 1000;
      expect(share).toBeGreaterThan(0.05);
      expect(share).toBeLessThan(0.15);
    }
  });
});

/** Totals of a player's counters across the engines of the sources it played. */
import type { EngineStats } from '../../../core/model/stats.js';
import { StatsTotals } from '../../../plugins/shared/stats-totals.js';

function engineStats(overrides: Partial<EngineStats>): EngineStats {
  return {
    httpBytes: 0,
    p2pBytes: 0,
    uploadBytes: 0,
    p2pRatio: 0,
    segments: { http: 0, p2p: 0, cache: 0 },
    peers: 0,
    storeBytes: 0,
    ...overrides,
  };
}

describe('StatsTotals', () => {
  it('adds bytes by connection path across a finished and the current engine', () => {
    const totals = new StatsTotals();
    totals.bank(
      engineStats({
        p2pBytes: 300,
        uploadBytes: 50,
        p2pBytesByPath: { direct: 100, relayed: 200, unknown: 0 },
        uploadBytesByPath: { direct: 50, relayed: 0, unknown: 0 },
      }),
    );
    const combined = totals.combine(
      engineStats({
        httpBytes: 100,
        p2pBytes: 40,
        p2pBytesByPath: { direct: 30, relayed: 0, unknown: 10 },
        uploadBytesByPath: { direct: 0, relayed: 0, unknown: 0 },
        mainThreadLevel: 'strained',
        mainThreadLagMs: 60,
      }),
    );
    expect(combined.p2pBytes).toBe(340);
    expect(combined.p2pBytesByPath).toEqual({ direct: 130, relayed: 200, unknown: 10 });
    expect(combined.uploadBytesByPath).toEqual({ direct: 50, relayed: 0, unknown: 0 });
    expect(combined.p2pRatio).toBeCloseTo(340 / 440);
    expect(combined.mainThreadLevel).toBe('strained');
    expect(combined.mainThreadLagMs).toBe(60);
  });

  it('keeps the banked paths when the current engine reports none', () => {
    const totals = new StatsTotals();
    totals.bank(
      engineStats({ p2pBytes: 5, p2pBytesByPath: { direct: 0, relayed: 5, unknown: 0 } }),
    );
    const combined = totals.combine(undefined);
    expect(combined.p2pBytesByPath).toEqual({ direct: 0, relayed: 5, unknown: 0 });
    expect(combined.mainThreadLevel).toBeUndefined();
  });
});

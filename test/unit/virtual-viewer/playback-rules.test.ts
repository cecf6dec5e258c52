/**
 * The pure rules of the virtual viewer's hls.js model: buffer goal, live reload timing, the EWMA
 * bandwidth estimate, ABR level choice, and the playhead's startup and stall accounting.
 */
import { firstAutoLevel, nextAutoLevel, type AbrInput } from '../../support/virtual-viewer/abr.js';
import {
  BandwidthEstimate,
  defaultBandwidthOptions,
} from '../../support/virtual-viewer/bandwidth-estimate.js';
import {
  bufferGoalSeconds,
  fragmentRetryDelayMs,
  liveReloadDueMs,
} from '../../support/virtual-viewer/hlsjs-defaults.js';
import { PlaybackModel } from '../../support/virtual-viewer/playback-model.js';

/** The hls-ts test stream's levels (BANDWIDTH / AVERAGE-BANDWIDTH of its master playlist). */
const LEVELS = [
  { maxBitrateBps: 320_352, averageBitrateBps: 302_868, averageSegmentSeconds: 2 },
  { maxBitrateBps: 544_448, averageBitrateBps: 507_856, averageSegmentSeconds: 2 },
  { maxBitrateBps: 970_832, averageBitrateBps: 916_963, averageSegmentSeconds: 2 },
];

function abrInput(overrides: Partial<AbrInput>): AbrInput {
  return {
    levels: LEVELS,
    bandwidthBps: 500_000,
    ttfbMs: 100,
    bufferStarvationSeconds: 0,
    lastFragmentSeconds: 2,
    lastLoadedLevel: 0,
    firstLevel: 0,
    loadLevel: 0,
    isLive: false,
    lastPlaylistLoadSeconds: 0.01,
    ...overrides,
  };
}

describe('buffer goal and timers (hls.js defaults)', () => {
  it('buffers 60 MB worth (494 s at 360p), at most 600 s and at least 30 s', () => {
    expect(bufferGoalSeconds(320_352)).toBe(600);
    expect(bufferGoalSeconds(970_832)).toBeCloseTo(494.42, 2);
    expect(bufferGoalSeconds(20_000_000)).toBe(30);
    // 60 MB at 10 Mbit/s is 48 s.
    expect(bufferGoalSeconds(10_000_000)).toBeCloseTo(48, 6);
    expect(bufferGoalSeconds(0)).toBe(30);
  });

  it('reloads a live playlist a target duration after the last load, half of it when unchanged', () => {
    const base = { loadStartMs: 1000, targetDurationSeconds: 2, lastSegmentSeconds: 2 };
    expect(liveReloadDueMs({ ...base, updated: true, distanceToEdgeSeconds: 6 })).toBe(3000);
    expect(liveReloadDueMs({ ...base, updated: false, distanceToEdgeSeconds: 6 })).toBe(2000);
    // A last segment shorter than the target duration near the edge shortens the interval.
    expect(
      liveReloadDueMs({
        ...base,
        lastSegmentSeconds: 1.5,
        updated: true,
        distanceToEdgeSeconds: 6,
      }),
    ).toBe(2500);
    expect(
      liveReloadDueMs({
        ...base,
        lastSegmentSeconds: 1.5,
        updated: true,
        distanceToEdgeSeconds: 20,
      }),
    ).toBe(3000);
  });

  it('backs off fragment retries exponentially from 1 s up to 8 s', () => {
    expect([0, 1, 2, 3, 4, 5].map(fragmentRetryDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });
});

describe('EWMA bandwidth estimate', () => {
  it('is 500 kbit/s before any sample, raised to the first variant bitrate when that is higher', () => {
    const estimate = new BandwidthEstimate(defaultBandwidthOptions(true));
    expect(estimate.estimateBps).toBe(500_000);
    estimate.raiseDefaultTo(300_000);
    expect(estimate.estimateBps).toBe(500_000);
    estimate.raiseDefaultTo(2_000_000);
    expect(estimate.estimateBps).toBe(2_000_000);
    estimate.raiseDefaultTo(9_000_000);
    expect(estimate.estimateBps).toBe(5_000_000);
  });

  it('equals a constant throughput after samples of it', () => {
    const estimate = new BandwidthEstimate(defaultBandwidthOptions(false));
    // 250 kB in 1 s = 2 Mbit/s.
    for (let i = 0; i < 5; i++) estimate.addSample(1000, 250_000);
    expect(estimate.estimateBps).toBeCloseTo(2_000_000, -3);
  });

  it('follows a drop within a few seconds of download time but a rise only slowly', () => {
    const estimate = new BandwidthEstimate(defaultBandwidthOptions(false));
    for (let i = 0; i < 20; i++) estimate.addSample(1000, 1_000_000); // 8 Mbit/s
    for (let i = 0; i < 3; i++) estimate.addSample(1000, 125_000); // 1 Mbit/s for 3 s
    // The fast average (half-life 3 s) is half way down: the estimate is the smaller one.
    expect(estimate.estimateBps).toBeLessThan(4_600_000);
    expect(estimate.estimateBps).toBeGreaterThan(4_000_000);

    const rising = new BandwidthEstimate(defaultBandwidthOptions(false));
    for (let i = 0; i < 20; i++) rising.addSample(1000, 125_000); // 1 Mbit/s
    for (let i = 0; i < 3; i++) rising.addSample(1000, 1_000_000); // 8 Mbit/s for 3 s
    // The slow average (half-life 9 s) holds it back: well under half way up.
    expect(rising.estimateBps).toBeLessThan(3_500_000);
  });

  it('counts an instant sample as min(50 ms, 1 ms per 100 kB)', () => {
    const small = new BandwidthEstimate(defaultBandwidthOptions(false));
    small.addSample(0, 100_000); // 1 ms → 800 Mbit/s
    expect(small.estimateBps).toBeCloseTo(800_000_000, -5);
    const large = new BandwidthEstimate(defaultBandwidthOptions(false));
    large.addSample(0, 10_000_000); // 50 ms → 1.6 Gbit/s
    expect(large.estimateBps).toBeCloseTo(1_600_000_000, -5);
  });
});

describe('ABR level choice', () => {
  it('starts at the lowest level with the default estimate (500 kbit/s), VOD and live', () => {
    expect(firstAutoLevel(abrInput({ lastLoadedLevel: -1, bandwidthBps: 500_000 }))).toBe(0);
    expect(
      firstAutoLevel(abrInput({ lastLoadedLevel: -1, bandwidthBps: 500_000, isLive: true })),
    ).toBe(0);
  });

  it('switches up only when 70 % of the estimate covers the higher level', () => {
    const buffered = { bufferStarvationSeconds: 10 };
    // 0.7 × 1.3 Mbit/s = 910 kbit/s: under 360p's average 917 kbit/s, over 240p.
    expect(nextAutoLevel(abrInput({ ...buffered, bandwidthBps: 1_300_000 }))).toBe(1);
    expect(nextAutoLevel(abrInput({ ...buffered, bandwidthBps: 1_400_000 }))).toBe(2);
  });

  it('stays on a level that 95 % of the estimate covers, and switches down below that', () => {
    const atTop = { bufferStarvationSeconds: 10, lastLoadedLevel: 2, loadLevel: 2 };
    // 0.95 × 1 Mbit/s covers 360p's average (917 kbit/s): no switch although 0.7 × would not.
    expect(nextAutoLevel(abrInput({ ...atTop, bandwidthBps: 1_000_000 }))).toBe(2);
    expect(nextAutoLevel(abrInput({ ...atTop, bandwidthBps: 900_000 }))).toBe(1);
    expect(nextAutoLevel(abrInput({ ...atTop, bandwidthBps: 400_000 }))).toBe(0);
  });

  it('with an empty buffer uses the peak bitrate and accepts up to one fragment of rebuffering', () => {
    const empty = { bufferStarvationSeconds: 0, lastLoadedLevel: 2, loadLevel: 2 };
    // 0.95 × 1 Mbit/s = 950 kbit/s < 360p's peak 971 kbit/s: down to 240p.
    expect(nextAutoLevel(abrInput({ ...empty, bandwidthBps: 1_000_000 }))).toBe(1);
    // Nothing fits at 200 kbit/s: the lowest level.
    expect(nextAutoLevel(abrInput({ ...empty, bandwidthBps: 200_000 }))).toBe(0);
  });
});

describe('playhead, startup and stalls', () => {
  it('starts at the first buffered segment and counts startup from creation', () => {
    const model = new PlaybackModel({ startPositionSeconds: 6, createdAtMs: 1000 });
    expect(model.started).toBe(false);
    model.append(6, 8, 1400);
    expect(model.counters(1400).startupMs).toBe(400);
    expect(model.playbackState()).toEqual({ position: 6, rate: 1, bufferedEnd: 8 });
    model.advance(2400);
    expect(model.position).toBeCloseTo(7, 6);
    expect(model.bufferAheadSeconds).toBeCloseTo(1, 6);
  });

  it('counts a stall from the moment the buffer ran out until a segment arrives', () => {
    const model = new PlaybackModel({ startPositionSeconds: 0, createdAtMs: 0 });
    model.append(0, 2, 100);
    model.advance(2600); // ran out at 2100
    expect(model.stalled).toBe(true);
    expect(model.counters(2600)).toMatchObject({ stalls: 1, stallMs: 500 });
    model.append(2, 4, 3100);
    expect(model.stalled).toBe(false);
    expect(model.counters(3100)).toMatchObject({ stalls: 1, stallMs: 1000 });
    model.advance(4100);
    expect(model.position).toBeCloseTo(3, 6);
    expect(model.counters(4100).playedSeconds).toBeCloseTo(3, 6);
  });

  it('never stalls at the end of a VOD stream', () => {
    const model = new PlaybackModel({ startPositionSeconds: 0, createdAtMs: 0 });
    model.setEnd(4);
    model.append(0, 2, 0);
    model.append(2, 4, 0);
    model.advance(10_000);
    expect(model.ended).toBe(true);
    expect(model.counters(10_000)).toMatchObject({ stalls: 0, stallMs: 0 });
  });

  it('jumps a hole between buffered segments without a stall', () => {
    const model = new PlaybackModel({ startPositionSeconds: 0, createdAtMs: 0 });
    model.append(0, 2, 0);
    model.append(4, 6, 0);
    model.advance(3000);
    expect(model.position).toBeCloseTo(5, 6);
    expect(model.counters(3000)).toMatchObject({ stalls: 0, gapsSkipped: 1 });
  });
});

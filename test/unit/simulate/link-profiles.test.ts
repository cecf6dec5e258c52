/**
 * The simulator's viewer populations: over 10,000 draws each population's medians, asymmetry,
 * tails and NAT shares are those documented in link-profiles.ts, and `scale` multiplies the rates
 * (only the rates).
 */
import { createSeededRandom } from '../../../scripts/simulate/determinism.js';
import {
  drawViewerProfile,
  PROFILE_TABLE,
  profileTableMarkdown,
  type ProfileMixName,
  type ViewerProfile,
} from '../../../scripts/simulate/link-profiles.js';

const DRAWS = 10_000;
const MBIT = 1e6;

function draw(mix: ProfileMixName, scale = 1, seed = 5): ViewerProfile[] {
  const random = createSeededRandom(seed).next;
  return Array.from({ length: DRAWS }, () => drawViewerProfile(mix, random, scale));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * q)] ?? NaN;
}

function share<T>(values: readonly T[], wanted: T): number {
  return values.filter((value) => value === wanted).length / values.length;
}

describe('drawViewerProfile', () => {
  it('home: ~100 Mbit/s down, ~15 up with a slow tail, 10–30 ms, 0.1–0.5 % loss, mostly cone NAT', () => {
    const viewers = draw('home');
    const down = viewers.map((v) => v.link.downBitsPerSecond);
    const up = viewers.map((v) => v.link.upBitsPerSecond);
    expect(median(down) / MBIT).toBeGreaterThan(85);
    expect(median(down) / MBIT).toBeLessThan(115);
    expect(median(up) / MBIT).toBeGreaterThan(12);
    expect(median(up) / MBIT).toBeLessThan(18);
    // A slow tail: a few percent under 20 Mbit/s down, DSL-like uplinks near 1-2 Mbit/s.
    expect(quantile(down, 0.05) / MBIT).toBeLessThan(25);
    expect(quantile(up, 0.02) / MBIT).toBeLessThan(2);
    expect(Math.min(...down)).toBeGreaterThanOrEqual(PROFILE_TABLE.home.downBitsPerSecond.min);
    // Asymmetric for nearly everyone.
    expect(
      share(
        viewers.map((v) => v.link.upBitsPerSecond < v.link.downBitsPerSecond),
        true,
      ),
    ).toBeGreaterThan(0.85);
    const latency = median(viewers.map((v) => v.link.latencyMs));
    expect(latency).toBeGreaterThanOrEqual(10);
    expect(latency).toBeLessThanOrEqual(30);
    const loss = median(viewers.map((v) => v.link.loss));
    expect(loss).toBeGreaterThanOrEqual(0.001);
    expect(loss).toBeLessThanOrEqual(0.005);
    const nats = viewers.map((v) => v.nat);
    expect(share(nats, 'open')).toBeCloseTo(0.1, 1);
    expect(share(nats, 'cone')).toBeCloseTo(0.75, 1);
    expect(share(nats, 'symmetric')).toBeCloseTo(0.15, 1);
    expect(viewers.every((v) => v.kind === 'home')).toBe(true);
  });

  it('mobile: 30–50 Mbit/s down, ~8 up, 25–60 ms, ~1 % loss, mostly symmetric NAT', () => {
    const viewers = draw('mobile');
    const down = median(viewers.map((v) => v.link.downBitsPerSecond)) / MBIT;
    expect(down).toBeGreaterThanOrEqual(30);
    expect(down).toBeLessThanOrEqual(50);
    const up = median(viewers.map((v) => v.link.upBitsPerSecond)) / MBIT;
    expect(up).toBeGreaterThan(6.5);
    expect(up).toBeLessThan(9.5);
    const latency = median(viewers.map((v) => v.link.latencyMs));
    expect(latency).toBeGreaterThanOrEqual(25);
    expect(latency).toBeLessThanOrEqual(60);
    const jitterHome = median(draw('home').map((v) => v.link.jitterMs));
    expect(median(viewers.map((v) => v.link.jitterMs))).toBeGreaterThan(jitterHome);
    const loss = median(viewers.map((v) => v.link.loss));
    expect(loss).toBeGreaterThan(0.007);
    expect(loss).toBeLessThan(0.013);
    expect(
      share(
        viewers.map((v) => v.nat),
        'symmetric',
      ),
    ).toBeCloseTo(0.6, 1);
  });

  it('mix: 70 % home, 30 % mobile', () => {
    const viewers = draw('mix');
    expect(
      share(
        viewers.map((v) => v.kind),
        'home',
      ),
    ).toBeCloseTo(0.7, 1);
  });

  it('multiplies the rates, and only the rates, by scale', () => {
    const real = draw('mix', 1, 11);
    const scaled = draw('mix', 0.05, 11);
    const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.abs(b);
    const mismatches = scaled.filter((viewer, index) => {
      const original = real[index] as ViewerProfile;
      return !(
        close(viewer.link.downBitsPerSecond, original.link.downBitsPerSecond * 0.05) &&
        close(viewer.link.upBitsPerSecond, original.link.upBitsPerSecond * 0.05) &&
        viewer.link.latencyMs === original.link.latencyMs &&
        viewer.link.jitterMs === original.link.jitterMs &&
        viewer.link.loss === original.link.loss &&
        viewer.nat === original.nat
      );
    });
    expect(mismatches).toEqual([]);
    expect(() => drawViewerProfile('home', Math.random, 0)).toThrow(RangeError);
  });

  it('prints its table', () => {
    const table = profileTableMarkdown();
    expect(table).toContain('| home | 100 ');
    expect(table).toContain('mix: 70 % home, 30 % mobile');
  });
});

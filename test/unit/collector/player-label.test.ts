/**
 * The `player` label of the collector's metrics: one series per known player (and `unknown`),
 * anything else written as `other`, so the label's values stay a fixed small set whatever reaches
 * the metrics; the offload-ratio gauge has no player label (ratios of parts do not add up).
 */
import type { BeaconPlayer, CollectorBeacon } from '../../../collector/beacon/beacon-schema.js';
import { applyBeacon } from '../../../collector/ingest/viewer-delta.js';
import { CollectorMetrics } from '../../../collector/metrics/collector-metrics.js';
import { LiveViewers } from '../../../collector/metrics/live-viewers.js';
import { PLAYER_LABELS, playerLabelOf } from '../../../collector/metrics/player-label.js';

const beacon = (id: string, player: BeaconPlayer): CollectorBeacon => ({
  v: 2,
  id,
  swarm: 's',
  engine: 'hlsjs',
  player,
  tMs: 30_000,
  httpBytes: 100,
  p2pBytes: 300,
  uploadBytes: 0,
  peers: 1,
  segments: { http: 1, p2p: 3, cache: 0 },
  stalls: 0,
  stallMs: 0,
  startupMs: 800,
});

it('keeps known players and unknown as they are and maps anything else to other', () => {
  for (const player of PLAYER_LABELS) expect(playerLabelOf(player)).toBe(player);
  for (const odd of ['', 'VideoJS', 'dplayer', '__proto__', 'x'.repeat(500)]) {
    expect(playerLabelOf(odd)).toBe('other');
  }
});

it('labels viewers, bytes and startups by player in /metrics', async () => {
  const live = new LiveViewers();
  const metrics = new CollectorMetrics(live, () => 0);
  const beacons = [beacon('a', 'jwplayer'), beacon('b', 'jwplayer'), beacon('c', 'embed')];
  // A player value the validator would refuse, forced in: it still cannot add a label value.
  const forged = { ...beacon('d', 'other'), player: 'evil' as BeaconPlayer };
  for (const b of [...beacons, forged]) live.record(b);
  metrics.recordWritten(
    [...beacons, forged].map((b) => applyBeacon(undefined, b, Date.now())),
    1,
  );
  const text = await metrics.text();
  expect(text).toContain('p2pml_collector_viewers{swarm="s",player="jwplayer"} 2');
  expect(text).toContain('p2pml_collector_viewers{swarm="s",player="embed"} 1');
  expect(text).toContain('p2pml_collector_viewers{swarm="s",player="other"} 1');
  expect(text).toContain(
    'p2pml_collector_bytes_total{swarm="s",player="jwplayer",source="p2p"} 600',
  );
  expect(text).toContain('p2pml_collector_startup_seconds_count{swarm="s",player="embed"} 1');
  expect(text).toMatch(/p2pml_collector_offload_ratio\{swarm="s"\} 0\.75/);
  expect(text).not.toContain('evil');
});

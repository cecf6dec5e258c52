/**
 * The tracker's Prometheus metrics: the agreed names, every refusal reason from the start, gauges
 * read at scrape time, and one registry per tracker.
 */
import { REFUSAL_REASONS } from '../../../tracker/refusal.js';
import { TRACKER_METRICS, TrackerMetrics } from '../../../tracker/tracker-metrics.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('TrackerMetrics', () => {
  it('exports the agreed names with help text, gauges read at scrape time, reasons at 0', async () => {
    let gauges = { connections: 3, swarms: 2, peers: 5 };
    const metrics = new TrackerMetrics(() => gauges, false);
    const text = await metrics.render();
    for (const { name, help } of Object.values(TRACKER_METRICS)) {
      expect(text).toContain(`# HELP ${name} ${help}`);
    }
    expect(sample(text, 'p2pml_tracker_connections')).toBe(3);
    expect(sample(text, 'p2pml_tracker_swarms')).toBe(2);
    expect(sample(text, 'p2pml_tracker_peers')).toBe(5);
    for (const reason of REFUSAL_REASONS) {
      expect(sample(text, `p2pml_tracker_refusals_total{reason="${reason}"}`)).toBe(0);
    }
    expect(text).not.toContain('process_cpu');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    gauges = { connections: 0, swarms: 0, peers: 0 };
    expect(sample(await metrics.render(), 'p2pml_tracker_connections')).toBe(0);
  });

  it('counts into its own registry, so two trackers in one process keep separate numbers', async () => {
    const none = () => ({ connections: 0, swarms: 0, peers: 0 });
    const first = new TrackerMetrics(none, false);
    const second = new TrackerMetrics(none, false);
    first.countAnnounce();
    first.countOfferRelayed();
    first.countOfferRelayed();
    first.countAnswerRelayed();
    first.countRefusal('rate-limited');
    const text = await first.render();
    expect(sample(text, 'p2pml_tracker_announces_total')).toBe(1);
    expect(sample(text, 'p2pml_tracker_offers_relayed_total')).toBe(2);
    expect(sample(text, 'p2pml_tracker_answers_relayed_total')).toBe(1);
    expect(sample(text, 'p2pml_tracker_refusals_total{reason="rate-limited"}')).toBe(1);
    expect(first.counts()).toMatchObject({
      announces: 1,
      offersRelayed: 2,
      answersRelayed: 1,
      refusals: { 'rate-limited': 1, malformed: 0 },
    });
    expect(sample(await second.render(), 'p2pml_tracker_announces_total')).toBe(0);
  });

  it('adds the process metrics when asked', async () => {
    const metrics = new TrackerMetrics(() => ({ connections: 0, swarms: 0, peers: 0 }), true);
    expect(await metrics.render()).toContain('process_resident_memory_bytes');
  });
});

/**
 * The shipped Grafana dashboard reads only metrics that exist: every query names at least one
 * metric, and each metric is one the collector or the tracker exports. (The Prometheus integration
 * test also runs every query against a real Prometheus.)
 */
import { COLLECTOR_METRIC_NAMES } from '../../../collector/metrics/collector-metrics.js';
import { TRACKER_METRICS } from '../../../tracker/tracker-metrics.js';
import { grafanaQueries } from '../../integration/collector/grafana-queries.js';

const exported = new Set<string>([
  ...COLLECTOR_METRIC_NAMES,
  ...Object.values(TRACKER_METRICS).map((metric) => metric.name),
]);

it('names in every query a metric the collector or tracker exports', () => {
  const queries = grafanaQueries();
  expect(queries.length).toBeGreaterThan(15);
  const problems = queries.flatMap((query) => {
    if (query.metrics.length === 0) return [`${query.where}: reads no p2pml metric`];
    return query.metrics
      .filter((metric) => !exported.has(metric))
      .map((metric) => `${query.where}: ${metric} is not exported`);
  });
  expect(problems).toEqual([]);
  // Both sides are on the dashboard.
  const used = new Set(queries.flatMap((query) => query.metrics));
  expect([...used].some((name) => name.startsWith('p2pml_tracker_'))).toBe(true);
  expect(used.has('p2pml_collector_startup_seconds')).toBe(true);
});

it('exports every collector metric name from a real registry', async () => {
  const { CollectorMetrics } = await import('../../../collector/metrics/collector-metrics.js');
  const { LiveViewers } = await import('../../../collector/metrics/live-viewers.js');
  const metrics = new CollectorMetrics(new LiveViewers(), () => 0);
  const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
  expect(names.sort()).toEqual([...COLLECTOR_METRIC_NAMES].sort());
});

/**
 * Every PromQL query of the shipped Grafana dashboard (docs/grafana/p2p-media-loader.json): panel
 * targets and template-variable queries, with Grafana's variables replaced by values Prometheus
 * accepts, and the metric names each one reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Path of the dashboard JSON. */
export const GRAFANA_DASHBOARD = path.resolve(
  __dirname,
  '../../../docs/grafana/p2p-media-loader.json',
);

interface Panel {
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly Panel[];
}

/** A query and where it is. */
export interface GrafanaQuery {
  readonly where: string;
  /** As written in the dashboard. */
  readonly expr: string;
  /** With `$swarm`, `$__range`, `$__rate_interval` replaced (runnable in Prometheus). */
  readonly runnable: string;
  /** Metric names read (histogram `_bucket`/`_sum`/`_count` series named by their histogram). */
  readonly metrics: readonly string[];
}

function metricsOf(expr: string): string[] {
  const names = expr.match(/\bp2pml_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|sum|count)$/, '')))];
}

function runnable(expr: string): string {
  return expr
    .replaceAll('$swarm', '.*')
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h');
}

/** Every query of the dashboard. */
export function grafanaQueries(): GrafanaQuery[] {
  const dashboard = JSON.parse(readFileSync(GRAFANA_DASHBOARD, 'utf8')) as {
    panels: readonly Panel[];
    templating: { list: readonly { name: string; query?: unknown }[] };
  };
  const queries: GrafanaQuery[] = [];
  const visit = (panel: Panel): void => {
    for (const [index, target] of (panel.targets ?? []).entries()) {
      if (target.expr === undefined) continue;
      queries.push({
        where: `panel "${panel.title ?? '?'}" target ${index}`,
        expr: target.expr,
        runnable: runnable(target.expr),
        metrics: metricsOf(target.expr),
      });
    }
    for (const child of panel.panels ?? []) visit(child);
  };
  for (const panel of dashboard.panels) visit(panel);
  for (const variable of dashboard.templating.list) {
    const query = variable.query as { query?: string } | string | undefined;
    const text = typeof query === 'string' ? query : query?.query;
    if (text?.startsWith('label_values(')) {
      // label_values(metric, label) is Grafana's; as PromQL it reads `metric`.
      const metric = /label_values\(([^,)]+)/.exec(text)?.[1]?.trim() ?? '';
      queries.push({
        where: `variable ${variable.name}`,
        expr: text,
        runnable: metric,
        metrics: metricsOf(metric),
      });
    }
  }
  return queries;
}

/**
 * A line chart as a standalone SVG document, written by hand (no chart library): cumulative bytes
 * over time, one line per series, with axes, grid, and a legend.
 */

/** One line of the chart. */
export interface ChartSeries {
  readonly label: string;
  /** CSS colour. */
  readonly color: string;
  readonly dashed?: boolean;
  /** [seconds, bytes] points, in time order. */
  readonly points: readonly (readonly [number, number])[];
}

/** What to draw. */
export interface ChartSpec {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** The y axis: its label and what a point's value is divided by for it. Default cumulative MB. */
  readonly yAxis?: { readonly label: string; readonly divisor: number };
  /** The x axis label. Default "seconds since the first viewer joined". */
  readonly xLabel?: string;
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 90 };

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A "nice" tick step (1, 2 or 5 times a power of ten) giving about `count` ticks up to `max`. */
export function tickStep(max: number, count: number): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

/** Renders the chart; the y axis is in MB (10^6 bytes) unless `spec.yAxis` says otherwise, the x axis in seconds. */
export function renderLineChart(spec: ChartSpec): string {
  const divisor = spec.yAxis?.divisor ?? 1_000_000;
  const allPoints = spec.series.flatMap((series) => series.points);
  const xMax = Math.max(1, ...allPoints.map(([x]) => x));
  const yMaxMb = Math.max(0.1, ...allPoints.map(([, y]) => y / divisor));
  const xStep = tickStep(xMax, 8);
  const yStep = tickStep(yMaxMb, 6);
  const xTop = Math.ceil(xMax / xStep) * xStep;
  const yTop = Math.ceil(yMaxMb / yStep) * yStep;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (seconds: number): number => MARGIN.left + (seconds / xTop) * plotWidth;
  const y = (megabytes: number): number =>
    MARGIN.top + plotHeight - (megabytes / yTop) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(spec.title)}</text>`,
  ];
  for (let tick = 0; tick <= yTop + yStep / 2; tick += yStep) {
    const ty = y(tick).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${ty}" x2="${WIDTH - MARGIN.right}" y2="${ty}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">` +
        `${Number(tick.toPrecision(6))}</text>`,
    );
  }
  for (let tick = 0; tick <= xTop + xStep / 2; tick += xStep) {
    const tx = x(tick).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${MARGIN.top}" x2="${tx}" y2="${MARGIN.top + plotHeight}" stroke="#f0f0f0"/>`,
      `<text x="${tx}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">` +
        `${Number(tick.toPrecision(6))}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" ` +
      `fill="none" stroke="#888"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight + 34}" ` +
      `text-anchor="middle">${escapeXml(spec.xLabel ?? 'seconds since the first viewer joined')}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escapeXml(spec.yAxis?.label ?? 'cumulative MB')}</text>`,
  );
  for (const series of spec.series) {
    if (series.points.length === 0) continue;
    const path = series.points
      .map(([px, py]) => `${x(px).toFixed(1)},${y(py / divisor).toFixed(1)}`)
      .join(' ');
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`,
    );
  }
  spec.series.forEach((series, index) => {
    const lx = MARGIN.left + (index % 2) * (plotWidth / 2);
    const ly = HEIGHT - 34 + Math.floor(index / 2) * 18;
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${series.color}" ` +
        `stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(series.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

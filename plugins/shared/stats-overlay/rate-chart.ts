/**
 * The live chart: an inline SVG of download rate by source over the last minute, P2P stacked under
 * HTTP. SVG rather than canvas: it scales crisply with the panel, needs no redraw on resize, and
 * carries an accessible name.
 */
import { formatBitRate } from './format.js';
import { chartGeometry, RateHistory, type RateSample } from './rate-history.js';
import { OVERLAY_CLASS } from './styles.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** viewBox size; the element is stretched to the panel's width by CSS. */
const VIEW_WIDTH = 200;
const VIEW_HEIGHT = 48;

/** The chart element and what redraws it. */
export class RateChart {
  /** The chart's root, to place in the panel. */
  readonly element: HTMLElement;
  private readonly history: RateHistory;
  private readonly svg: SVGSVGElement;
  private readonly httpArea: SVGPolygonElement;
  private readonly p2pArea: SVGPolygonElement;
  private readonly httpLabel: HTMLElement;
  private readonly p2pLabel: HTMLElement;

  /**
   * @param doc - document to create elements in
   * @param spanMs - time the chart covers, ms (default: the history's 60 s)
   */
  constructor(doc: Document, spanMs?: number) {
    this.history = new RateHistory(spanMs);
    this.element = doc.createElement('div');
    this.svg = doc.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('class', `${OVERLAY_CLASS}__chart`);
    this.svg.setAttribute('viewBox', `0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`);
    this.svg.setAttribute('preserveAspectRatio', 'none');
    this.svg.setAttribute('role', 'img');
    this.p2pArea = area(doc, '#3ccf7a');
    this.httpArea = area(doc, '#f0a830');
    this.svg.append(this.p2pArea, this.httpArea);
    const legend = doc.createElement('div');
    legend.className = `${OVERLAY_CLASS}__legend`;
    this.httpLabel = legendItem(doc, legend, 'http');
    this.p2pLabel = legendItem(doc, legend, 'p2p');
    // The legend repeats the chart's last values in text: the picture is decorative for AT.
    legend.setAttribute('aria-hidden', 'true');
    this.element.append(this.svg, legend);
    this.describe({ atMs: 0, http: 0, p2p: 0 });
  }

  /** Records a sample (call once per `stats` event, visible or not, so the history is whole). */
  add(sample: RateSample): void {
    this.history.add(sample);
  }

  /** Redraws the last span ending at `nowMs`. */
  draw(nowMs: number): void {
    const samples = this.history.within(nowMs);
    const geometry = chartGeometry(samples, nowMs, this.history.spanMs, VIEW_WIDTH, VIEW_HEIGHT);
    this.p2pArea.setAttribute('points', geometry.p2pPoints);
    this.httpArea.setAttribute('points', geometry.httpPoints);
    this.describe(samples.at(-1) ?? { atMs: nowMs, http: 0, p2p: 0 });
  }

  private describe(latest: RateSample): void {
    const http = formatBitRate(latest.http);
    const p2p = formatBitRate(latest.p2p);
    this.httpLabel.textContent = `HTTP ${http}`;
    this.p2pLabel.textContent = `P2P ${p2p}`;
    const seconds = Math.round(this.history.spanMs / 1000);
    this.svg.setAttribute(
      'aria-label',
      `Download rate over the last ${seconds} seconds; now HTTP ${http}, P2P ${p2p}`,
    );
  }
}

function area(doc: Document, fill: string): SVGPolygonElement {
  const polygon = doc.createElementNS(SVG_NS, 'polygon');
  polygon.setAttribute('fill', fill);
  polygon.setAttribute('fill-opacity', '0.85');
  return polygon;
}

function legendItem(doc: Document, legend: HTMLElement, source: 'http' | 'p2p'): HTMLElement {
  const item = doc.createElement('span');
  const swatch = doc.createElement('span');
  swatch.className = `${OVERLAY_CLASS}__swatch ${OVERLAY_CLASS}__swatch--${source}`;
  const label = doc.createElement('span');
  item.append(swatch, label);
  legend.appendChild(item);
  return label;
}

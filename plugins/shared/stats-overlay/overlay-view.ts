/**
 * The overlay's DOM: a root placed in a corner of the player, a toggle `<button>` and the panel
 * (numbers + live chart). Only building and rendering here; behaviour is in stats-overlay.ts.
 */
import type { OverlayOptions, P2PPlayerStats } from '../contract.js';
import { formatBytes, formatCount, formatRatio } from './format.js';
import { RateChart } from './rate-chart.js';
import { OVERLAY_CLASS } from './styles.js';

/** Names of the numbers the panel shows: `P2PPlayerStats` fields, as `data-p2p-stat` values. */
export const OVERLAY_STAT_NAMES = [
  'httpBytes',
  'p2pBytes',
  'p2pRatio',
  'uploadBytes',
  'peers',
] as const;

/** One of {@link OVERLAY_STAT_NAMES}. */
export type OverlayStatName = (typeof OVERLAY_STAT_NAMES)[number];

const STAT_ROWS: readonly {
  readonly name: OverlayStatName;
  readonly label: string;
  readonly format: (value: number) => string;
}[] = [
  { name: 'httpBytes', label: 'HTTP downloaded', format: formatBytes },
  { name: 'p2pBytes', label: 'P2P downloaded', format: formatBytes },
  { name: 'p2pRatio', label: 'P2P share', format: formatRatio },
  { name: 'uploadBytes', label: 'Uploaded to peers', format: formatBytes },
  { name: 'peers', label: 'Peers connected', format: formatCount },
];

/** Distinguishes ids of overlays from two copies of this code on one page (two plugin bundles). */
const ID_PREFIX = `${OVERLAY_CLASS}-${Math.random().toString(36).slice(2, 8)}`;
let overlaysCreated = 0;

/** The overlay's elements. */
export class OverlayView {
  /** Absolutely positioned in the container's corner; `StatsOverlayHandle.element`. */
  readonly root: HTMLElement;
  /** The toggle: `aria-expanded` follows the panel, `aria-controls` names it. */
  readonly button: HTMLButtonElement;
  /** `role="region"` with the numbers and the chart; `hidden` while collapsed. */
  readonly panel: HTMLElement;
  /** The live download-rate chart inside the panel. */
  readonly chart: RateChart;
  private readonly values = new Map<OverlayStatName, HTMLElement>();

  /**
   * @param doc - document to build in
   * @param position - corner (default top-right)
   * @param shortcutLabel - the toggle key as shown to users, or undefined when there is none
   */
  constructor(
    doc: Document,
    position: NonNullable<OverlayOptions['position']>,
    shortcutLabel: string | undefined,
  ) {
    overlaysCreated += 1;
    const panelId = `${ID_PREFIX}-${overlaysCreated}`;
    this.root = doc.createElement('div');
    this.root.className = `${OVERLAY_CLASS} ${OVERLAY_CLASS}--${position}`;

    this.button = doc.createElement('button');
    this.button.type = 'button';
    this.button.className = `${OVERLAY_CLASS}__toggle`;
    this.button.textContent = 'P2P';
    this.button.setAttribute('aria-controls', panelId);
    this.button.setAttribute('aria-expanded', 'false');
    this.button.setAttribute('aria-label', 'P2P statistics');
    this.button.title = shortcutLabel ? `P2P statistics (${shortcutLabel})` : 'P2P statistics';
    if (shortcutLabel) this.button.setAttribute('aria-keyshortcuts', shortcutLabel);

    this.panel = doc.createElement('div');
    this.panel.id = panelId;
    this.panel.className = `${OVERLAY_CLASS}__panel`;
    this.panel.setAttribute('role', 'region');
    this.panel.setAttribute('aria-label', 'P2P statistics');
    // Focusable by script only, so focus can be handed to it without adding a tab stop.
    this.panel.tabIndex = -1;
    this.panel.hidden = true;
    const title = doc.createElement('div');
    title.className = `${OVERLAY_CLASS}__title`;
    title.textContent = 'P2P statistics';
    title.setAttribute('aria-hidden', 'true');
    const list = doc.createElement('dl');
    list.className = `${OVERLAY_CLASS}__stats`;
    for (const row of STAT_ROWS) {
      const term = doc.createElement('dt');
      term.textContent = row.label;
      const value = doc.createElement('dd');
      value.dataset['p2pStat'] = row.name;
      list.append(term, value);
      this.values.set(row.name, value);
    }
    this.chart = new RateChart(doc);
    this.panel.append(title, list, this.chart.element);
    this.root.append(this.button, this.panel);
  }

  /** Whether the panel is open. */
  get expanded(): boolean {
    return !this.panel.hidden;
  }

  /** Shows or hides the panel and keeps the button's state in step. */
  setExpanded(expanded: boolean): void {
    this.panel.hidden = !expanded;
    this.button.setAttribute('aria-expanded', String(expanded));
  }

  /**
   * Writes `stats` into the panel: each value's text, and its raw number in `data-value` (what
   * tests compare with `getStats()`). No live region: numbers change every second and would drown
   * a screen reader; users read them when they look.
   */
  renderNumbers(stats: P2PPlayerStats): void {
    for (const row of STAT_ROWS) {
      const element = this.values.get(row.name);
      if (!element) continue;
      const raw = stats[row.name];
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
      element.dataset['value'] = String(value);
      element.textContent = row.format(value);
    }
  }
}

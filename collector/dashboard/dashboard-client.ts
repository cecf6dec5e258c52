/**
 * The dashboard page script (runs in the browser; compiled to dist/esm/collector/dashboard/ and
 * served as `/assets/dashboard.js`). It reads `/api/series`, `/api/swarms` and `/api/players`, draws
 * the charts with uPlot (loaded by the page as the global `uPlot`) and fills the cards, the swarm
 * table and the player table with `textContent` only: swarm ids are free text from viewers and must never become markup.
 *
 * The bearer token, when the collector needs one, comes from `#token=…` in the URL or the form the
 * page shows after a 401, and stays in `sessionStorage` for the tab.
 */
import type UPlot from 'uplot';

interface Figures {
  readonly viewers: number;
  readonly offloadPercent: number | null;
  readonly httpBytes: number;
  readonly p2pBytes: number;
  readonly stallsPerViewerHour: number | null;
  readonly startupMedianMs: number | null;
  readonly peersPerViewer: number | null;
  readonly peakViewers: number;
}
interface SeriesPoint extends Figures {
  readonly tMs: number;
  readonly httpBitsPerSecond: number;
  readonly p2pBitsPerSecond: number;
}
interface SeriesAnswer {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly points: readonly SeriesPoint[];
  readonly totals: Figures;
}
interface SwarmAnswer {
  readonly swarms: readonly (Figures & { readonly swarm: string })[];
}
interface PlayerAnswer {
  readonly players: readonly (Figures & { readonly player: string })[];
}

const TOKEN_KEY = 'p2pml-collector-token';
const PRICE_KEY = 'p2pml-collector-price-per-gb';
const REFRESH_MS = 5000;
const UPlotClass = (globalThis as unknown as { uPlot: typeof UPlot }).uPlot;

const byId = (id: string): HTMLElement => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`dashboard: #${id} missing`);
  return element;
};

const state = {
  range: 'hour',
  swarm: '',
  pricePerGb: Number(localStorage.getItem(PRICE_KEY) ?? '0.02') || 0,
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  lastSeries: undefined as SeriesAnswer | undefined,
  lastSwarms: undefined as SwarmAnswer | undefined,
  lastPlayers: undefined as PlayerAnswer | undefined,
};

const hashToken = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
if (hashToken) {
  state.token = decodeURIComponent(hashToken);
  sessionStorage.setItem(TOKEN_KEY, state.token);
  history.replaceState(null, '', location.pathname + location.search);
}

class Unauthorized extends Error {}

async function getJson(path: string): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (state.token !== '') headers['Authorization'] = `Bearer ${state.token}`;
  const response = await fetch(path, { headers });
  if (response.status === 401) throw new Unauthorized('token required');
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as unknown;
}

// Formatting. Bytes in SI units (CDNs bill per 10^9 bytes).
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 2)} ${UNITS[unit] ?? ''}`;
}
const formatNumber = (value: number | null, digits = 1): string =>
  value === null ? '–' : value.toFixed(digits);
const formatPercent = (value: number | null): string =>
  value === null ? '–' : `${value.toFixed(1)} %`;
const formatMs = (value: number | null): string =>
  value === null ? '–' : `${Math.round(value)} ms`;
const costSaved = (p2pBytes: number): string =>
  (Math.round((p2pBytes / 1e9) * state.pricePerGb * 100) / 100).toFixed(2);

function setText(id: string, text: string, raw?: number | null): void {
  const element = byId(id);
  element.textContent = text;
  if (raw !== undefined) element.dataset['value'] = raw === null ? '' : String(raw);
}

// Charts: one uPlot each, created on the first data and updated with setData afterwards.
interface ChartSpec {
  readonly id: string;
  readonly series: readonly { readonly label: string; readonly stroke: string }[];
  readonly values: (point: SeriesPoint) => (number | null)[];
}
const CHARTS: readonly ChartSpec[] = [
  {
    id: 'chart-offload',
    series: [{ label: 'offload %', stroke: '#1a7f37' }],
    values: (p) => [p.offloadPercent],
  },
  {
    id: 'chart-viewers',
    series: [
      { label: 'viewers (avg)', stroke: '#0969da' },
      { label: 'peak', stroke: '#8250df' },
    ],
    values: (p) => [p.viewers, p.peakViewers],
  },
  {
    id: 'chart-bitrate',
    series: [
      { label: 'HTTP Mbit/s', stroke: '#cf222e' },
      { label: 'P2P Mbit/s', stroke: '#1a7f37' },
    ],
    values: (p) => [p.httpBitsPerSecond / 1e6, p.p2pBitsPerSecond / 1e6],
  },
  {
    id: 'chart-stalls',
    series: [{ label: 'stalls / viewer-hour', stroke: '#bc4c00' }],
    values: (p) => [p.stallsPerViewerHour],
  },
  {
    id: 'chart-startup',
    series: [{ label: 'startup median ms', stroke: '#6639ba' }],
    values: (p) => [p.startupMedianMs],
  },
];
const plots = new Map<string, UPlot>();

function chartData(spec: ChartSpec, answer: SeriesAnswer): UPlot.AlignedData {
  // Every step of the range, so gaps show as gaps rather than lines across them.
  const byTime = new Map(answer.points.map((point) => [point.tMs, point]));
  const xs: number[] = [];
  const columns: (number | null)[][] = spec.series.map(() => []);
  for (let t = answer.fromMs; t < answer.toMs; t += answer.stepMs) {
    xs.push(t / 1000);
    const point = byTime.get(t);
    const values = point ? spec.values(point) : spec.series.map(() => null);
    values.forEach((value, index) => columns[index]?.push(value));
  }
  return [xs, ...columns] as UPlot.AlignedData;
}

function drawCharts(answer: SeriesAnswer): void {
  for (const spec of CHARTS) {
    const data = chartData(spec, answer);
    const existing = plots.get(spec.id);
    if (existing) {
      existing.setData(data);
      continue;
    }
    const container = byId(spec.id);
    const plot = new UPlotClass(
      {
        width: Math.max(300, container.clientWidth - 8),
        height: 220,
        series: [
          {},
          ...spec.series.map((series) => ({
            label: series.label,
            stroke: series.stroke,
            width: 2,
            points: { show: true, size: 4 },
          })),
        ],
        scales: { x: { time: true } },
        axes: [{}, { size: 60 }],
      },
      data,
      container,
    );
    plots.set(spec.id, plot);
  }
}

function drawCards(totals: Figures): void {
  setText('total-viewers', String(totals.peakViewers), totals.peakViewers);
  setText('total-offload', formatPercent(totals.offloadPercent), totals.offloadPercent);
  setText('total-p2p', formatBytes(totals.p2pBytes), totals.p2pBytes);
  setText('total-http', formatBytes(totals.httpBytes), totals.httpBytes);
  setText('total-cost-saved', costSaved(totals.p2pBytes));
  setText('total-stalls', formatNumber(totals.stallsPerViewerHour, 2), totals.stallsPerViewerHour);
  setText('total-startup', formatMs(totals.startupMedianMs), totals.startupMedianMs);
  setText('total-peers', formatNumber(totals.peersPerViewer, 1), totals.peersPerViewer);
}

function cell(row: HTMLTableRowElement, text: string, raw?: number | null): void {
  const td = document.createElement('td');
  td.textContent = text;
  if (raw !== undefined) td.dataset['value'] = raw === null ? '' : String(raw);
  row.append(td);
}

/** The figure cells shared by the swarm and player tables, after the name cell. */
function figureCells(row: HTMLTableRowElement, figures: Figures): void {
  cell(row, String(figures.peakViewers), figures.peakViewers);
  cell(row, formatBytes(figures.p2pBytes), figures.p2pBytes);
  cell(row, formatBytes(figures.httpBytes), figures.httpBytes);
  cell(row, formatPercent(figures.offloadPercent), figures.offloadPercent);
  cell(row, costSaved(figures.p2pBytes));
  cell(row, formatNumber(figures.stallsPerViewerHour, 2), figures.stallsPerViewerHour);
  cell(row, formatMs(figures.startupMedianMs), figures.startupMedianMs);
  cell(row, formatNumber(figures.peersPerViewer, 1), figures.peersPerViewer);
}

function drawPlayerTable(answer: PlayerAnswer): void {
  const body = (byId('player-table') as HTMLTableElement).tBodies[0];
  if (!body) return;
  body.replaceChildren(
    ...answer.players.map((player) => {
      const row = document.createElement('tr');
      row.dataset['player'] = player.player;
      cell(row, player.player);
      figureCells(row, player);
      return row;
    }),
  );
}

function drawTable(answer: SwarmAnswer): void {
  const body = (byId('swarm-table') as HTMLTableElement).tBodies[0];
  if (!body) return;
  const rows = answer.swarms.map((swarm) => {
    const row = document.createElement('tr');
    row.dataset['swarm'] = swarm.swarm;
    cell(row, swarm.swarm === '' ? '(no source yet)' : swarm.swarm);
    figureCells(row, swarm);
    return row;
  });
  body.replaceChildren(...rows);
  const select = byId('swarm') as HTMLSelectElement;
  const options = [new Option('All swarms', '')];
  for (const swarm of answer.swarms) {
    // new Option(text, value) sets text, never markup.
    options.push(new Option(swarm.swarm === '' ? '(no source yet)' : swarm.swarm, swarm.swarm));
  }
  if (state.swarm !== '' && !answer.swarms.some((s) => s.swarm === state.swarm)) {
    options.push(new Option(state.swarm, state.swarm));
  }
  select.replaceChildren(...options);
  select.value = state.swarm;
}

async function refresh(): Promise<void> {
  const status = byId('status');
  try {
    const swarmQuery = state.swarm === '' ? '' : `&swarm=${encodeURIComponent(state.swarm)}`;
    const [series, swarms, players] = await Promise.all([
      getJson(`/api/series?range=${state.range}${swarmQuery}`) as Promise<SeriesAnswer>,
      getJson(`/api/swarms?range=${state.range}`) as Promise<SwarmAnswer>,
      getJson(`/api/players?range=${state.range}`) as Promise<PlayerAnswer>,
    ]);
    state.lastSeries = series;
    state.lastSwarms = swarms;
    state.lastPlayers = players;
    byId('token-form').hidden = true;
    drawCards(series.totals);
    drawCharts(series);
    drawTable(swarms);
    drawPlayerTable(players);
    status.textContent = `Updated ${new Date().toLocaleTimeString()} · ${series.points.length} step(s) with data · refreshes every ${REFRESH_MS / 1000} s`;
    status.dataset['points'] = String(series.points.length);
  } catch (error) {
    if (error instanceof Unauthorized) {
      byId('token-form').hidden = false;
      status.textContent = 'This collector needs an access token.';
    } else {
      status.textContent = `Could not load: ${String(error)}`;
    }
  }
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
  button.addEventListener('click', () => {
    state.range = button.dataset['range'] ?? 'hour';
    for (const other of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
      other.setAttribute('aria-pressed', String(other === button));
    }
    void refresh();
  });
}
(byId('swarm') as HTMLSelectElement).addEventListener('change', (event) => {
  state.swarm = (event.target as HTMLSelectElement).value;
  void refresh();
});
const priceInput = byId('price-per-gb') as HTMLInputElement;
priceInput.value = String(state.pricePerGb);
priceInput.addEventListener('input', () => {
  const price = Number(priceInput.value);
  if (!Number.isFinite(price) || price < 0) return;
  state.pricePerGb = price;
  localStorage.setItem(PRICE_KEY, String(price));
  if (state.lastSeries) drawCards(state.lastSeries.totals);
  if (state.lastSwarms) drawTable(state.lastSwarms);
  if (state.lastPlayers) drawPlayerTable(state.lastPlayers);
});
(byId('token-form') as HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  state.token = (byId('token') as HTMLInputElement).value.trim();
  sessionStorage.setItem(TOKEN_KEY, state.token);
  void refresh();
});

// For tests and the curious: the charts and the last answers.
(globalThis as unknown as Record<string, unknown>)['p2pmlDashboard'] = { plots, state, refresh };

void refresh();
setInterval(() => void refresh(), REFRESH_MS);

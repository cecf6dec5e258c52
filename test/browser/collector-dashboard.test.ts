/**
 * The collector's dashboard in headless Chromium against a real collector and SQLite file: with
 * the bearer token from the URL fragment, the page shows the sums the beacons carried (checked
 * against the database), draws uPlot charts with data points, renders a hostile swarm id as text,
 * recomputes the CDN cost saved from the operator's price, breaks the sums down by player, and
 * loads nothing from outside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startCollector, type Collector } from '../../collector/index.js';
import { beaconBody, postBeacon } from '../integration/collector/beacons.js';
import { launchBrowser, ViewerSet } from '../support/browser.js';

const HOSTILE_SWARM = '<img src=x onerror="window.hacked=1">live';
let browser: Browser;
let collector: Collector;
let dir: string;
const viewers = new ViewerSet();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'p2pml-dashboard-'));
  collector = await startCollector({
    port: 0,
    db: path.join(dir, 'c.sqlite'),
    token: 'dash-token',
    flushIntervalMs: 50,
  });
  const sends: [string, string, number, number, number, string][] = [
    ['a', 'live/channel-1', 30_000, 2_000_000, 6_000_000, 'videojs'],
    ['b', 'live/channel-1', 30_000, 1_000_000, 9_000_000, 'jwplayer'],
    ['c', HOSTILE_SWARM, 30_000, 5_000_000, 1_000_000, 'embed'],
    ['a', 'live/channel-1', 60_000, 2_500_000, 16_000_000, 'videojs'],
  ];
  for (const [id, swarm, t, http, p2p, player] of sends) {
    expect(
      (await postBeacon(collector.beaconUrl, beaconBody({ id, swarm, t, http, p2p, player })))
        .status,
    ).toBe(204);
  }
  await collector.flush();
  browser = await launchBrowser();
}, 30_000);

afterEach(() => {
  viewers.assertStayedLocal();
});

afterAll(async () => {
  await viewers.closeAll();
  await browser.close();
  await collector.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('shows the stored sums, charts with data and the cost saved; swarm ids stay text', async () => {
  const viewer = await viewers.open(browser, `${collector.url}/#token=dash-token`, 'dashboard');
  const { page } = viewer;
  await page.waitForSelector('#swarm-table tbody tr', { timeout: 10_000 });

  const stored = await collector.store.swarms({ fromMs: 0, toMs: Date.now() + 120_000 }, 10);
  const rows = await page.$$eval('#swarm-table tbody tr', (trs) =>
    trs.map((tr) => ({
      swarm: (tr as HTMLElement).dataset['swarm'],
      cells: [...tr.querySelectorAll('td')].map((td) => ({
        text: td.textContent,
        value: td.dataset['value'],
      })),
    })),
  );
  // Sorted by CDN bytes saved, the numbers the database holds.
  expect(
    rows.map((row) => [row.swarm, Number(row.cells[2]?.value), Number(row.cells[3]?.value)]),
  ).toEqual(stored.map((swarm) => [swarm.swarm, swarm.counts.p2pBytes, swarm.counts.httpBytes]));
  expect(rows[0]?.cells[2]?.value).toBe(String(25_000_000));
  expect(rows[1]?.cells[0]?.text).toBe(HOSTILE_SWARM);
  expect(await page.$('#swarm-table img')).toBeNull();
  expect(
    await page.evaluate(() => (window as unknown as { hacked?: number }).hacked),
  ).toBeUndefined();

  // The player table: one row per player, as text, with the sums the database holds.
  await page.waitForSelector('#player-table tbody tr');
  const byPlayer = await collector.store.players({ fromMs: 0, toMs: Date.now() + 120_000 });
  const playerRows = await page.$$eval('#player-table tbody tr', (trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll('td')];
      return [cells[0]?.textContent, Number(cells[2]?.dataset['value'])];
    }),
  );
  expect(playerRows).toEqual(byPlayer.map((row) => [row.player, row.counts.p2pBytes]));
  expect(playerRows).toEqual([
    ['videojs', 16_000_000],
    ['jwplayer', 9_000_000],
    ['embed', 1_000_000],
  ]);
  expect(await page.textContent('#player-table thead th')).toBe('Player');

  expect(await page.textContent('#total-p2p')).toBe('26.00 MB');
  expect(await page.getAttribute('#total-viewers', 'data-value')).toBe('3');
  await page.fill('#price-per-gb', '2');
  // 25 MB at 2 per GB: 0.05 saved on channel-1.
  await page.waitForFunction(
    () => document.querySelector('#swarm-table tbody tr td:nth-child(6)')?.textContent === '0.05',
  );
  expect(await page.textContent('#total-cost-saved')).toBe('0.05');

  // Charts: uPlot canvases whose series hold the stored values.
  expect(await page.locator('#chart-bitrate canvas').count()).toBe(1);
  const points = await page.evaluate(() => {
    const dashboard = (
      window as unknown as { p2pmlDashboard: { plots: Map<string, { data: (number | null)[][] }> } }
    ).p2pmlDashboard;
    const values = (id: string, series: number) =>
      (dashboard.plots.get(id)?.data[series] ?? []).filter((v) => v !== null);
    return { offload: values('chart-offload', 1), viewers: values('chart-viewers', 1) };
  });
  expect(points.offload.length).toBeGreaterThan(0);
  expect(points.viewers.reduce((sum: number, v) => sum + v, 0)).toBe(3);

  // Another range and one swarm: the same data, filtered.
  await page.click('button[data-range="week"]');
  await page.selectOption('#swarm', 'live/channel-1');
  await page.waitForFunction(
    () => document.querySelector('#total-p2p')?.textContent === '25.00 MB',
  );
}, 30_000);

it('asks for the token when the URL carries none', async () => {
  const viewer = await viewers.open(browser, `${collector.url}/`, 'no token');
  await viewer.page.waitForSelector('#token-form:not([hidden])', { timeout: 10_000 });
  await viewer.page.fill('#token', 'dash-token');
  await viewer.page.click('#token-form button');
  await viewer.page.waitForSelector('#swarm-table tbody tr', { timeout: 10_000 });
}, 30_000);

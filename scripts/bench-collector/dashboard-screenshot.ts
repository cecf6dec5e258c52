/**
 * Takes docs/dashboard.png the way a new user sees the dashboard: against the running demo
 * (`npm start`, or `tsx examples/demo.ts` after a build), opens three viewer tabs of the Video.js
 * example in headless Chromium, waits until the collector's API has chart points from their
 * beacons, then screenshots the dashboard. Prints how long the charts took to get data. Only
 * loopback and the test namespace are contacted (run it in scripts/netns-run.sh for WebRTC).
 *
 * usage: [MIN_POINTS=n] tsx scripts/bench-collector/dashboard-screenshot.ts [ORIGIN] [COLLECTOR] [OUT]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, ViewerSet } from '../../test/support/browser.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Minutes with data to wait for (`MIN_POINTS`, default 1): more points make a fuller picture. */
const MIN_POINTS = Math.max(1, Number(process.env.MIN_POINTS ?? 1));
const TIMEOUT_MS = 90_000 + MIN_POINTS * 60_000;

async function main(): Promise<void> {
  const originUrl = process.argv[2] ?? 'http://127.0.0.1:8080';
  const collectorUrl = process.argv[3] ?? 'http://127.0.0.1:8090';
  const out = process.argv[4] ?? path.join(ROOT_DIR, 'docs/dashboard.png');
  const browser = await launchBrowser();
  const viewers = new ViewerSet();
  try {
    const openedAt = Date.now();
    for (let index = 1; index <= 3; index++) {
      await viewers.open(browser, `${originUrl}/examples/videojs/index.html`, `viewer ${index}`);
    }
    // The charts have data once the collector has stored a beacon of each viewer.
    let secondsToData = NaN;
    for (;;) {
      const series = (await (await fetch(`${collectorUrl}/api/series?range=hour`)).json()) as {
        points: unknown[];
        totals: { peakViewers: number; p2pBytes: number };
      };
      if (series.points.length > 0 && Number.isNaN(secondsToData)) {
        secondsToData = (Date.now() - openedAt) / 1000;
        console.log(`charts have data ${secondsToData.toFixed(1)} s after opening the tabs`);
      }
      // Wait for a moment with P2P bytes and the three viewers, so the picture shows offload.
      const enough = series.points.length >= MIN_POINTS;
      if (enough && series.totals.peakViewers >= 3 && series.totals.p2pBytes > 0) break;
      if (Date.now() - openedAt > TIMEOUT_MS)
        throw new Error('no P2P data from three viewers in time');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const context = await browser.newContext({ viewport: { width: 1400, height: 1150 } });
    const page = await context.newPage();
    await page.goto(`${collectorUrl}/`);
    await page.waitForSelector('#swarm-table tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length === 5);
    await page.screenshot({ path: out, fullPage: true });
    console.log(`saved ${out}`);
    await context.close();
    viewers.assertStayedLocal();
  } finally {
    await viewers.closeAll();
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

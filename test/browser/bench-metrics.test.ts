/**
 * The bench's per-viewer cost meter (scripts/bench/page-metrics.ts) against a real Chromium page:
 * main-thread work between join and leave shows up as CPU time, work after the leave does not, and
 * a retained allocation shows up in the heap maximum.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PageMetricsMeter } from '../../scripts/bench/page-metrics.js';
import { launchBrowser } from '../support/browser.js';

jest.setTimeout(30_000);

let browser: Browser | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

/** Busy-loops on the page for about `ms` and returns how long it ran, page ms. */
function busy(page: Page, ms: number): Promise<number> {
  return page.evaluate((target) => {
    const started = performance.now();
    let total = 0;
    while (performance.now() - started < target) total += Math.sqrt(total + 1);
    return total > 0 ? performance.now() - started : 0;
  }, ms);
}

test('CPU counts main-thread work between join and leave; heap tracks the largest reading', async () => {
  if (context === undefined) throw new Error('beforeAll did not open a context');
  const page = await context.newPage();
  const meter = await PageMetricsMeter.attach(page);
  if (meter === undefined) throw new Error('Chromium gave no DevTools metrics');
  await page.goto('data:text/html,<title>cost</title>');

  const ranMs = await busy(page, 400);
  await page.evaluate(() => {
    // About 32 MB of doubles, kept alive on the window.
    (window as unknown as { kept: number[] }).kept = new Array<number>(4_000_000).fill(1.5);
  });
  await meter.read();
  await meter.markLeave();
  const atLeave = meter.cost();
  await busy(page, 400);
  await meter.read();

  // The loop's wall time on a loaded machine includes time the thread was not running: generous.
  expect(atLeave.cpuMs).toBeGreaterThan(ranMs * 0.5);
  expect(meter.cost().cpuMs).toBe(atLeave.cpuMs);
  expect(atLeave.heapBytesMax - meter.atJoin.heapUsedBytes).toBeGreaterThan(20_000_000);
  await meter.destroy();
  await page.close();
});

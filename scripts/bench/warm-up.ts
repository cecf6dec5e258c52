/**
 * One unmeasured viewer before the first arm, in each browser kind the run uses. A freshly launched
 * Chromium starts its GPU and network service processes, loads its media pipeline and fills the OS
 * page cache with its own binary while the first page plays: measured on this 2-core machine, that
 * first viewer's startup took 1.5-2× the next ones'. The P2P arm always runs first, so without a
 * warm-up it alone paid for the browser's start and its startup ratio to the baseline read high.
 */
import type { Browser } from 'playwright-core';
import { newViewer } from '../../test/support/browser.js';
import type { OriginServer } from '../../examples/server/origin.js';
import type { PageSetup, PlayerPage } from './player-pages.js';

/** Seconds the warm-up viewer plays: past startup and a few segment requests. */
const WARM_UP_PLAYED_SECONDS = 2;
/** Longest the warm-up may take; a warm-up that never plays is reported, not fatal. */
const WARM_UP_TIMEOUT_MS = 20_000;
/** Longest wait for the origin to finish answering the warm-up's requests. */
const SETTLE_TIMEOUT_MS = 5_000;

/** What the warm-up plays: the scenario's player page without the engine. */
export interface WarmUpSetup {
  readonly browser: Browser;
  readonly origin: OriginServer;
  readonly page: PlayerPage;
  /** The page setup of a baseline viewer (no engine), so no swarm is joined. */
  readonly pageSetup: PageSetup;
  /** Origin path prefix of the warm-up's requests (it must not overlap an arm's live session). */
  readonly pathPrefix: string;
}

/**
 * Plays `WARM_UP_PLAYED_SECONDS` in one viewer, closes it, and waits until the origin has finished
 * answering it, so no byte of it is counted in an arm. Resolves with a problem description, or
 * undefined when the warm-up played.
 */
export async function warmUpBrowser(setup: WarmUpSetup): Promise<string | undefined> {
  const url = setup.page.url(setup.origin.url, setup.pageSetup);
  const viewer = await newViewer(setup.browser, url, 'warm-up', {
    onPage: async (page) => {
      await setup.page.preparePage?.(page);
    },
  });
  let problem: string | undefined;
  try {
    await viewer.page.waitForFunction(
      (seconds) => (window.__harness?.sample().playedSeconds ?? 0) >= seconds,
      WARM_UP_PLAYED_SECONDS,
      { timeout: WARM_UP_TIMEOUT_MS, polling: 200 },
    );
  } catch (error) {
    problem = `warm-up viewer did not play: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await viewer.page
      .evaluate(() => {
        window.__harness?.destroy();
      })
      .catch(() => undefined);
    await viewer.close();
  }
  await setup.origin.counters.settled({ pathPrefix: setup.pathPrefix }, SETTLE_TIMEOUT_MS);
  return problem;
}

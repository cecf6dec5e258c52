/**
 * The lifecycle of a test file whose swarms run in Firefox, or in Chromium and Firefox at once:
 * one stack, one instance of each browser, the stay-local check after each test and the teardown.
 * (Chromium-only files use browser-suite.ts; both suites can drive the swarms of this folder, see
 * {@link SwarmHost}.)
 */
import type { Browser } from 'playwright-core';
import { ViewerSet, launchBrowser, type BrowserName, type Viewer } from '../browser.js';
import { launchFirefox } from '../firefox.js';
import { startStack, type Stack, type StackOptions } from '../stack.js';

export type { BrowserName } from '../browser.js';

/**
 * What a swarm needs of a test file's suite: its stack (origin counters, URLs) and a way to open
 * a viewer in a named browser. `useBrowserSuite` (Chromium only) and {@link useCrossBrowserSuite}
 * both are one.
 */
export interface SwarmHost {
  readonly stack: Stack;
  /** Opens `url` in a new viewer of `browser` (tracked by the suite's stay-local check). */
  openViewer(browser: BrowserName, url: string, label: string): Promise<Viewer>;
}

/** The servers, browsers and viewers of one test file (available once `beforeAll` ran). */
export interface CrossBrowserSuite extends SwarmHost {
  /** The running browser of that name; throws for one the suite was not asked to launch. */
  browser(name: BrowserName): Browser;
  /**
   * Opens a viewer in that browser (see `ViewerSet.open`), one at a time per browser: Firefox ESR
   * 153 fails `browsingContext.create` ("TabManager.getTabBrowser(...) is undefined") now and then
   * when two contexts open pages at once, which parallel swarms would otherwise do.
   */
  openViewer(name: BrowserName, url: string, label: string): Promise<Viewer>;
  readonly viewers: ViewerSet;
}

/**
 * Registers the file's hooks: one stack, one instance of each of `browsers`, the stay-local check
 * after each test and the teardown. Call at the top level of a test file (inside a
 * `describeWithFirefox` when Firefox is among `browsers`).
 */
export function useCrossBrowserSuite(
  browsers: readonly BrowserName[],
  options: StackOptions = {},
): CrossBrowserSuite {
  let stack: Stack | undefined;
  const running = new Map<BrowserName, Browser>();
  const viewers = new ViewerSet();
  /** The last viewer opening per browser; the next one starts after it settles. */
  const openings = new Map<BrowserName, Promise<unknown>>();

  beforeAll(async () => {
    const launched = browsers.map(async (name) => {
      const browser = await (name === 'firefox' ? launchFirefox() : launchBrowser());
      running.set(name, browser);
    });
    // Settled, not all: whatever started is kept (and closed by afterAll) even when a launch fails.
    const [started, ...launches] = await Promise.allSettled([startStack(options), ...launched]);
    if (started.status === 'fulfilled') stack = started.value;
    for (const outcome of [started, ...launches]) {
      if (outcome.status === 'rejected') throw outcome.reason;
    }
  }, 120_000);

  afterEach(() => {
    viewers.assertStayedLocal();
  });

  afterAll(async () => {
    await viewers.closeAll();
    await Promise.all([...running.values()].map((browser) => browser.close()));
    running.clear();
    openings.clear();
    await stack?.stop();
  });

  return {
    get stack(): Stack {
      if (!stack) throw new Error('the suite has not started yet (use it inside tests)');
      return stack;
    },
    browser,
    openViewer(name: BrowserName, url: string, label: string): Promise<Viewer> {
      const previous = openings.get(name) ?? Promise.resolve();
      const opening = previous
        .catch(() => undefined)
        .then(() => viewers.open(browser(name), url, label));
      openings.set(name, opening);
      return opening;
    },
    viewers,
  };

  function browser(name: BrowserName): Browser {
    const found = running.get(name);
    if (!found) throw new Error(`the suite runs no ${name} (or has not started yet)`);
    return found;
  }
}

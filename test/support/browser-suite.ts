/**
 * The lifecycle every browser test file shares: one stack (origin + tracker) and one Chromium for
 * the file, a check after each test that no viewer reached outside the machine, and everything
 * closed at the end. Call at the top level of a test file.
 */
import type { Browser } from 'playwright-core';
import { ViewerSet, launchBrowser, type BrowserName, type Viewer } from './browser.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

/** The servers, browser and viewers of one test file (available once `beforeAll` ran). */
export interface BrowserSuite {
  readonly stack: Stack;
  readonly browser: Browser;
  readonly viewers: ViewerSet;
  /**
   * Opens a viewer in the file's Chromium (see `ViewerSet.open`). Takes a browser name so the
   * suite can drive the swarms of test/support/swarm like a cross-browser suite does; throws for
   * `'firefox'`, which this suite does not launch.
   */
  openViewer(browser: BrowserName, url: string, label: string): Promise<Viewer>;
}

/** Registers the file's hooks and returns accessors for what they start. */
export function useBrowserSuite(options: StackOptions = {}): BrowserSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const viewers = new ViewerSet();

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(options), launchBrowser()]);
  });

  afterEach(() => {
    viewers.assertStayedLocal();
  });

  afterAll(async () => {
    await viewers.closeAll();
    await browser?.close();
    await stack?.stop();
  });

  return {
    get stack(): Stack {
      if (!stack) throw new Error('the browser suite has not started yet (use it inside tests)');
      return stack;
    },
    get browser(): Browser {
      if (!browser) throw new Error('the browser suite has not started yet (use it inside tests)');
      return browser;
    },
    viewers,
    openViewer(name: BrowserName, url: string, label: string): Promise<Viewer> {
      if (name !== 'chromium') throw new Error(`this browser suite runs no ${name}`);
      if (!browser) throw new Error('the browser suite has not started yet (use it inside tests)');
      return viewers.open(browser, url, label);
    },
  };
}

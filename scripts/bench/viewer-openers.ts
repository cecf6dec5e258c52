/**
 * How the bench opens a viewer's page outside a network lab: as a context of one shared browser
 * per kind (Chromium, Firefox), in the browser `--browser` assigns to its position (browser-mix.ts),
 * or (`--browser-per-viewer`, Chromium only) in a Chromium process of its own. Every page gets test/support's
 * external-request guard (`newViewer`), whichever the browser, so a request leaving the machine is
 * recorded and becomes a problem of the run in Firefox exactly as in Chromium.
 *
 * Firefox runs through test/support/firefox.ts (Debian's firefox-esr over WebDriver BiDi). Its
 * contexts open one at a time: Firefox ESR 153 now and then fails `browsingContext.create` when two
 * contexts open pages at once (see test/support/swarm/suite.ts).
 */
// First: test/support's firefox.ts and jwplayer-page.ts read `__dirname` (see the module).
import type { Browser } from 'playwright-core';
import { launchBrowser, newViewer } from '../../test/support/browser.js';
import { FIREFOX_MISSING_MESSAGE, firefoxPath, launchFirefox } from '../../test/support/firefox.js';
import { existsSync } from 'node:fs';
import {
  crashPage,
  launchViewerBrowser,
  type ViewerBrowserOptions,
} from '../../test/support/viewer-browser.js';
import type { ArmViewer, ViewerOpener, ViewerOpenRequest } from './arm-runner.js';
import { viewerBrowserAt, type BenchBrowser, type ViewerBrowserName } from './browser-mix.js';
import { BenchUsageError } from './bench-options.js';

/** A viewer name as a process marker: 'live p2p viewer 0' -> 'live-p2p-viewer-0'. */
function processName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 64) || 'viewer';
}

/**
 * The Firefox executable the bench will start, or a {@link BenchUsageError} saying why there is
 * none: `FIREFOX_PATH` when set (it must exist), else Debian's /usr/bin/firefox-esr (138 or newer).
 */
export function requireFirefox(): string {
  const found = firefoxPath();
  if (found === undefined) {
    throw new BenchUsageError(`--browser needs Firefox: ${FIREFOX_MISSING_MESSAGE}`);
  }
  if (!existsSync(found)) {
    throw new BenchUsageError(`--browser needs Firefox: FIREFOX_PATH=${found} does not exist`);
  }
  return found;
}

/** Runs `task`s one after another (a failed one does not block the next). */
class SerialQueue {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.last.catch(() => undefined).then(task);
    this.last = next;
    return next;
  }
}

/** The shared browsers of a run outside a lab, one per kind it needs. */
export interface SharedBrowsers {
  /** The running browser of that kind; throws for a kind that was not launched. */
  get(name: ViewerBrowserName): Browser;
  /** Closes every browser; idempotent. */
  close(): Promise<void>;
}

/**
 * Launches one browser of each kind in `names` (in parallel). Whatever started is closed again
 * when another launch fails.
 */
export async function launchSharedBrowsers(
  names: readonly ViewerBrowserName[],
): Promise<SharedBrowsers> {
  const running = new Map<ViewerBrowserName, Browser>();
  const close = async (): Promise<void> => {
    const browsers = [...running.values()];
    running.clear();
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
  };
  const launches = await Promise.allSettled(
    names.map(async (name) => {
      running.set(name, await (name === 'firefox' ? launchFirefox() : launchBrowser()));
    }),
  );
  const failed = launches.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await close();
    throw failed.reason;
  }
  return {
    get(name) {
      const browser = running.get(name);
      if (browser === undefined) throw new Error(`bench: no shared ${name} was launched`);
      return browser;
    },
    close,
  };
}

/** How {@link benchViewerOpener} opens viewers. */
export interface BenchViewerOpenerOptions {
  /** `--browser`: which browser the viewer at each position runs in. */
  readonly browser: BenchBrowser;
  /**
   * The shared browsers (a context per viewer), or undefined for a Chromium process per viewer
   * (`--browser-per-viewer`; Firefox viewers always share one Firefox, see bench-options.ts).
   */
  readonly shared: SharedBrowsers | undefined;
}

/**
 * The opener of a run outside a lab: the viewer at `index` opens in `viewerBrowserAt(browser,
 * index)`, in the shared browser of that kind or (Chromium) in a process of its own; the viewer
 * says which (`ArmViewer.browser`).
 */
export function benchViewerOpener(options: BenchViewerOpenerOptions): ViewerOpener {
  // Firefox contexts open one at a time (see the file comment); one queue per run serves both.
  const firefoxOpenings = new SerialQueue();
  return async (request) => {
    const kind = viewerBrowserAt(options.browser, request.index);
    const open = (): Promise<ArmViewer> =>
      options.shared === undefined
        ? openInOwnBrowser(kind, request)
        : openInShared(options.shared.get(kind), kind, request);
    return kind === 'firefox' ? firefoxOpenings.run(open) : open();
  };
}

async function openInShared(
  browser: Browser,
  kind: ViewerBrowserName,
  { url, name, onPage }: ViewerOpenRequest,
): Promise<ArmViewer> {
  const viewer = await newViewer(browser, url, name, { onPage });
  return { ...viewer, browser: kind };
}

function openInOwnBrowser(kind: ViewerBrowserName, request: ViewerOpenRequest): Promise<ArmViewer> {
  if (kind === 'firefox') {
    // bench-options.ts rejects it: see the reason there.
    return Promise.reject(new Error('bench: a Firefox process per viewer is not supported'));
  }
  return browserPerViewerOpener()(request);
}

/**
 * Every viewer in a Chromium process of its own (`--browser-per-viewer`, the network lab); closing
 * the viewer ends its process. `placement` says where viewer `index` runs and how fast: its network
 * namespace, CPU throttle and the extra hosts it may reach (the network lab's slot of a plan);
 * default: here, unthrottled.
 */
export function browserPerViewerOpener(
  placement: (index: number) => Omit<ViewerBrowserOptions, 'name'> = () => ({}),
): ViewerOpener {
  return async ({ url, name, index, onPage }) => {
    const own = await launchViewerBrowser({ ...placement(index), name: processName(name) });
    try {
      const viewer = await own.openViewer(url, { onPage });
      return {
        ...viewer,
        name,
        browser: 'chromium',
        close: async () => {
          await viewer.close().catch(() => undefined);
          await own.destroy();
        },
        leaveAbruptly: async (how) => {
          if (how === 'process-killed') {
            await own.kill();
          } else {
            await crashPage(viewer.page);
          }
          // The renderer is gone with its connections; the idle browser would only cost CPU.
          await own.destroy();
        },
      };
    } catch (error) {
      await own.destroy();
      throw error;
    }
  };
}

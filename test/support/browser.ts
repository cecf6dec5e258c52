/**
 * Chromium for browser tests: one browser per test file (`launchBrowser`), one fresh context per
 * viewer (`ViewerSet.open`), and a guard that aborts and records every request leaving the machine
 * so a test fails instead of silently talking to the internet.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Browser executables tried when `CHROMIUM_PATH` is not set (same order as setup-machine.sh). */
const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/**
 * Chromium flags. Besides the usual quiet-headless set:
 * - `WebRtcHideLocalIpsWithMdns` off: by default Chromium replaces host candidates with random
 *   `.local` mDNS names, which nothing resolves inside the test network namespace; peers there must
 *   see the test host's real address.
 * - `--disable-quic`, `--disable-background-networking`, `--disable-component-update`,
 *   `--disable-sync`: no traffic of the browser's own.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Viewers of one file share the browser; background tabs must not be throttled.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** The Chromium executable: `CHROMIUM_PATH`, else the first candidate that exists. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const found = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error('No Chromium found: run scripts/setup-machine.sh or set CHROMIUM_PATH');
  }
  return found;
}

/** How {@link launchBrowser} starts Chromium; every field is optional. */
export interface LaunchBrowserOptions {
  /**
   * Executable to start instead of {@link chromiumPath} (e.g. a wrapper that runs Chromium in a
   * network namespace; it must pass its arguments and inherited file descriptors on unchanged).
   */
  readonly executablePath?: string;
  /** Flags added after the shared ones. */
  readonly extraArgs?: readonly string[];
  /** Environment of the started process; default this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Starts a headless Chromium; call it once per test file (`beforeAll`) and close it in `afterAll`.
 * Without options it is the shared browser every test file uses.
 */
export function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  });
}

/**
 * Hosts a page may talk to: loopback, and the network namespace's test host (P2PML_TEST_HOST, set by
 * scripts/netns-run.sh) which WebRTC uses.
 */
export function allowedHosts(): string[] {
  const hosts = ['127.0.0.1', 'localhost', '[::1]'];
  const testHost = process.env.P2PML_TEST_HOST;
  if (testHost !== undefined && testHost !== '') hosts.push(testHost);
  return hosts;
}

function isLocalUrl(url: URL, hosts: readonly string[]): boolean {
  if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') {
    return true;
  }
  return hosts.includes(url.hostname);
}

/** A browser the rig can launch (Chromium by `launchBrowser`, Firefox by firefox.ts). */
export type BrowserName = 'chromium' | 'firefox';

/** One viewer: its own browser context (no shared cache, storage or connections) and page. */
export interface Viewer {
  /** A short name for messages. */
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** URLs the page tried to reach outside the machine (aborted before leaving). */
  readonly externalRequests: string[];
  /** Console messages, as `[type] text`. */
  readonly consoleMessages: string[];
  /** Uncaught exceptions thrown in the page. */
  readonly pageErrors: string[];
  /** Closes the context. */
  close(): Promise<void>;
}

/** Optional parts of {@link newViewer}. */
export interface NewViewerOptions {
  /**
   * Hosts the pages may reach besides {@link allowedHosts} (e.g. the origin's address in a network
   * lab namespace), as URL hostnames.
   */
  readonly extraAllowedHosts?: readonly string[];
  /**
   * Runs on the viewer's page before it navigates, and on every later page of its context (popups)
   * as it opens: CPU throttling, DevTools metrics. A failure on the first page fails `newViewer`.
   */
  readonly onPage?: (page: Page) => Promise<void>;
}

/**
 * Opens `url` in a fresh context of `browser`. Every HTTP(S) request and WebSocket to a host other
 * than {@link allowedHosts} (and `options.extraAllowedHosts`) is aborted and recorded in
 * `externalRequests`.
 */
export async function newViewer(
  browser: Browser,
  url: string,
  name = url,
  options: NewViewerOptions = {},
): Promise<Viewer> {
  const hosts = [...allowedHosts(), ...(options.extraAllowedHosts ?? [])];
  const context = await browser.newContext();
  const externalRequests: string[] = [];
  const consoleMessages: string[] = [];
  const pageErrors: string[] = [];

  await context.route(
    (requestUrl) => !isLocalUrl(requestUrl, hosts),
    async (route) => {
      externalRequests.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  await context.routeWebSocket(
    (socketUrl) => !isLocalUrl(socketUrl, hosts),
    async (socket) => {
      externalRequests.push(socket.url());
      await socket.close({ code: 1008, reason: 'blocked by the test guard' });
    },
  );

  const page = await context.newPage();
  const { onPage } = options;
  if (onPage !== undefined) {
    try {
      await onPage(page);
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
    context.on('page', (later) => {
      if (later === page) return;
      // Best effort: a popup's page may close before its setup ends.
      onPage(later).catch(() => undefined);
    });
  }
  page.on('console', (message) => {
    consoleMessages.push(`[${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    pageErrors.push(error.stack ?? error.message);
  });
  await page.goto(url);

  return {
    name,
    context,
    page,
    externalRequests,
    consoleMessages,
    pageErrors,
    close: () => context.close(),
  };
}

/**
 * The viewers of one test file. `assertStayedLocal()` belongs in an `afterEach`, `closeAll()` in
 * `afterAll` (or `afterEach` for per-test viewers).
 */
export class ViewerSet {
  private readonly viewers: Viewer[] = [];

  /** Opens a viewer (see {@link newViewer}) and tracks it. */
  async open(browser: Browser, url: string, name?: string): Promise<Viewer> {
    const viewer = await newViewer(browser, url, name);
    this.viewers.push(viewer);
    return viewer;
  }

  /** Throws when any viewer tried to reach a host outside the machine or threw an uncaught error. */
  assertStayedLocal(): void {
    const problems: string[] = [];
    for (const viewer of this.viewers) {
      for (const request of viewer.externalRequests) {
        problems.push(`${viewer.name}: request left the machine: ${request}`);
      }
      for (const error of viewer.pageErrors) {
        problems.push(`${viewer.name}: uncaught page error: ${error}`);
      }
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  /** Closes every viewer's context. */
  async closeAll(): Promise<void> {
    const viewers = this.viewers.splice(0);
    await Promise.all(viewers.map((viewer) => viewer.close()));
  }
}

/** The two requests {@link probeOutsideHosts} makes. */
export const OUTSIDE_PROBE_URLS = ['http://192.0.2.1/probe', 'ws://192.0.2.1/probe'] as const;

/**
 * Has `page` fetch and open a WebSocket to a host outside the machine (192.0.2.1, TEST-NET-1 of
 * RFC 5737: never routed, so nothing could answer even unguarded), for tests of the route guard.
 * Resolves with how each ended: a guarded page gives `failed` and `closed`.
 */
export function probeOutsideHosts(
  page: Viewer['page'],
): Promise<{ fetchOutcome: string; socketOutcome: string }> {
  return page.evaluate(async ([httpUrl, wsUrl]) => {
    const fetchOutcome = await fetch(httpUrl).then(
      () => 'answered',
      () => 'failed',
    );
    const socketOutcome = await new Promise<string>((resolve) => {
      const socket = new WebSocket(wsUrl);
      socket.onopen = () => {
        resolve('opened');
      };
      socket.onclose = () => {
        resolve('closed');
      };
    });
    return { fetchOutcome, socketOutcome };
  }, OUTSIDE_PROBE_URLS);
}

/**
 * The ICE candidates a fresh RTCPeerConnection of `page` gathers (no STUN server: host candidates),
 * for checks that peers in the test namespace see real addresses, not mDNS `.local` names.
 */
export function gatherIceCandidates(page: Viewer['page']): Promise<string[]> {
  return page.evaluate(async () => {
    const connection = new RTCPeerConnection();
    connection.createDataChannel('probe');
    const found: string[] = [];
    const gathered = new Promise<void>((resolve) => {
      connection.onicecandidate = (event) => {
        // Firefox ends gathering with an empty candidate string before the null one.
        if (event.candidate === null || event.candidate.candidate === '') resolve();
        else found.push(event.candidate.candidate);
      };
    });
    await connection.setLocalDescription(await connection.createOffer());
    await gathered;
    connection.close();
    return found;
  });
}

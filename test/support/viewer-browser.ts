/**
 * One Chromium process per viewer, for the network lab (issue 16) and the bench's
 * `--browser-per-viewer`: a viewer that owns its browser can live in its own network namespace
 * (behind its own NAT and shaped link), be CPU-throttled like a phone, and be killed abruptly
 * (churn) without touching the other viewers.
 *
 * How a browser gets into a namespace: playwright-core starts `executablePath` and talks to it over
 * inherited pipes (file descriptors 3 and 4). The launcher writes a small wrapper script that runs
 * `ip netns exec <ns> <chromium> "$@"`; `ip netns exec` switches namespace and then execs, so the
 * pipes and the process id stay Chromium's own. Needs root, like everything under `ip netns`.
 *
 * CPU throttling uses the DevTools protocol's `Emulation.setCPUThrottlingRate` on every page of the
 * viewer, before it navigates: the page's main thread then runs `rate` times slower.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  chromiumPath,
  launchBrowser,
  newViewer,
  type NewViewerOptions,
  type Viewer,
} from './browser.js';

/** How one viewer's browser runs. */
export interface ViewerBrowserOptions {
  /** Short name for messages and for finding the process (letters, digits, `-`, `_`). */
  readonly name: string;
  /** Network namespace (`ip netns` name) the browser runs in; default: this process's own. */
  readonly netns?: string;
  /**
   * CPU slow-down of every page of the viewer (`Emulation.setCPUThrottlingRate`): 1 = none, 2 or 4
   * for a phone-like device. Default 1.
   */
  readonly cpuThrottleRate?: number;
  /** Hosts the pages may reach besides loopback and the test host (the lab's origin, tracker). */
  readonly extraAllowedHosts?: readonly string[];
}

/** A viewer's own Chromium process. */
export interface ViewerBrowser {
  readonly name: string;
  readonly browser: Browser;
  /** The browser process's id (found by its marker flag), or undefined if it could not be found. */
  readonly pid: number | undefined;
  /** The namespace it runs in, if it was given one. */
  readonly netns: string | undefined;
  readonly cpuThrottleRate: number;
  /**
   * Opens `url` in a fresh context of this browser (see `newViewer`), every page throttled. The
   * caller's `onPage` runs after the throttle is set.
   */
  openViewer(url: string, options?: Pick<NewViewerOptions, 'onPage'>): Promise<Viewer>;
  /**
   * Kills the browser process group with SIGKILL: an abrupt leave (churn), no goodbye on any
   * connection. Resolves when the browser is gone. `destroy()` is still needed for the wrapper file.
   */
  kill(): Promise<void>;
  /** Closes the browser (if still running) and removes the wrapper script; idempotent. */
  destroy(): Promise<void>;
}

/** CPU throttle rates the launcher accepts: none, and the lab's two phone-like settings. */
export const CPU_THROTTLE_RATES: readonly number[] = [1, 2, 4];

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Flag (ignored by Chromium) that marks the browser process so it can be found in /proc. */
const MARKER_FLAG = '--p2pml-viewer-browser';

/** The `ip` executable (in /usr/sbin, often missing from PATH). */
function ipCommand(): string {
  for (const candidate of ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('viewer browser: no `ip` executable (install iproute2)');
}

/** `net:[inode]` identity of a process's network namespace, or undefined when it is gone. */
export function processNetnsId(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** `net:[inode]` identity of a named network namespace (`ip netns add`), or undefined. */
export function namedNetnsId(netns: string): string | undefined {
  try {
    return `net:[${statSync(path.join('/run/netns', netns)).ino}]`;
  } catch {
    return undefined;
  }
}

/** Process ids whose command line holds `argument` exactly. */
function pidsWithArgument(argument: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(argument)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Sets `Emulation.setCPUThrottlingRate` on `page` (1 = no throttling). Chromium only. */
export async function throttlePageCpu(page: Page, rate: number): Promise<void> {
  const session = await page.context().newCDPSession(page);
  await session.send('Emulation.setCPUThrottlingRate', { rate });
  // The session must stay attached: detaching resets the emulation.
}

/**
 * Crashes `page`'s renderer (DevTools `Page.crash`): the page dies without unload handlers or
 * closing its connections, like a browser tab killed on a phone (the network plan's
 * 'page-crashed'). Resolves once the crash was requested; the page emits 'crash'. Chromium only.
 */
export async function crashPage(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page);
  // The renderer dies before it can answer: the command's reply never comes.
  void session.send('Page.crash').catch(() => undefined);
  await new Promise<void>((resolve) => {
    if (page.isClosed()) resolve();
    page.once('crash', () => {
      resolve();
    });
    page.once('close', () => {
      resolve();
    });
  });
}

/**
 * Wrapper directories of this process's live viewer browsers: removed by `destroy()`, and also on
 * `exit`, SIGINT and SIGTERM, so an interrupted run leaves no `p2pml-viewer-browser-*` behind.
 */
const liveWrapperDirs = new Set<string>();
let wrapperCleanupInstalled = false;

function removeWrapperDirsSync(): void {
  for (const dir of liveWrapperDirs) rmSync(dir, { recursive: true, force: true });
  liveWrapperDirs.clear();
}

function onWrapperSignal(signal: NodeJS.Signals): void {
  removeWrapperDirsSync();
  uninstallWrapperCleanup();
  // This handler stood in for the default action (exit). Once every handler of this signal has
  // run: with none left, or one (e.g. the network lab's, which exits when it is the last), send
  // the signal again so the process ends as it would have without us.
  setImmediate(() => {
    if (process.listenerCount(signal) <= 1) process.kill(process.pid, signal);
  });
}

function uninstallWrapperCleanup(): void {
  if (!wrapperCleanupInstalled) return;
  wrapperCleanupInstalled = false;
  process.removeListener('exit', removeWrapperDirsSync);
  process.removeListener('SIGINT', onWrapperSignal);
  process.removeListener('SIGTERM', onWrapperSignal);
}

/** Creates a wrapper directory that is removed on exit or signal if `releaseWrapperDir` is not. */
function claimWrapperDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'p2pml-viewer-browser-'));
  liveWrapperDirs.add(dir);
  if (!wrapperCleanupInstalled) {
    wrapperCleanupInstalled = true;
    process.on('exit', removeWrapperDirsSync);
    process.on('SIGINT', onWrapperSignal);
    process.on('SIGTERM', onWrapperSignal);
  }
  return dir;
}

/** Removes a wrapper directory now (idempotent). */
function releaseWrapperDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveWrapperDirs.delete(dir);
  if (liveWrapperDirs.size === 0) uninstallWrapperCleanup();
}

/** The number of wrapper directories this process still holds (for tests). */
export function liveViewerBrowserWrapperDirs(): number {
  return liveWrapperDirs.size;
}

/** The wrapper that runs Chromium in `netns`, in a private directory; returns its path. */
function writeNetnsWrapper(dir: string, netns: string): string {
  const file = path.join(dir, 'chromium-in-netns.sh');
  // Values come from the environment: no quoting of names or paths into the script.
  writeFileSync(
    file,
    '#!/bin/sh\n' +
      '# Written by test/support/viewer-browser.ts: Chromium in a network namespace.\n' +
      'exec "$P2PML_VIEWER_IP" netns exec "$P2PML_VIEWER_NETNS" "$P2PML_VIEWER_CHROMIUM" "$@"\n',
  );
  chmodSync(file, 0o700);
  if (namedNetnsId(netns) === undefined) {
    throw new Error(`viewer browser: no network namespace '${netns}' (ip netns add it first)`);
  }
  return file;
}

/**
 * Starts one viewer's Chromium, in `options.netns` when given. Throws (with nothing left running)
 * when the name or rate is invalid, the namespace does not exist or Chromium does not start.
 */
export async function launchViewerBrowser(options: ViewerBrowserOptions): Promise<ViewerBrowser> {
  const { name, netns } = options;
  const cpuThrottleRate = options.cpuThrottleRate ?? 1;
  if (!NAME_PATTERN.test(name)) throw new Error(`viewer browser: bad name '${name}'`);
  if (!CPU_THROTTLE_RATES.includes(cpuThrottleRate)) {
    throw new Error(
      `viewer browser: cpuThrottleRate must be one of ${CPU_THROTTLE_RATES.join(', ')}, got ${cpuThrottleRate}`,
    );
  }
  // Unique per launch, so the process is found even when two viewers share a name.
  const marker = `${MARKER_FLAG}=${name}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  let wrapperDir: string | undefined;
  let browser: Browser;
  try {
    if (netns === undefined) {
      browser = await launchBrowser({ extraArgs: [marker] });
    } else {
      wrapperDir = claimWrapperDir();
      const executablePath = writeNetnsWrapper(wrapperDir, netns);
      browser = await launchBrowser({
        executablePath,
        extraArgs: [marker],
        env: {
          ...process.env,
          P2PML_VIEWER_IP: ipCommand(),
          P2PML_VIEWER_NETNS: netns,
          P2PML_VIEWER_CHROMIUM: chromiumPath(),
        },
      });
    }
  } catch (error) {
    if (wrapperDir !== undefined) releaseWrapperDir(wrapperDir);
    throw error;
  }
  const pid = pidsWithArgument(marker)[0];
  let destroyed: Promise<void> | undefined;

  const kill = async (): Promise<void> => {
    if (!browser.isConnected()) return;
    const disconnected = new Promise<void>((resolve) => {
      browser.once('disconnected', () => {
        resolve();
      });
    });
    if (pid === undefined) {
      await browser.close();
      return;
    }
    try {
      // Playwright starts the browser as a process group leader: the group holds its renderers.
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
    await disconnected;
  };

  return {
    name,
    browser,
    pid,
    netns,
    cpuThrottleRate,
    openViewer: (url, viewerOptions = {}) =>
      newViewer(browser, url, name, {
        extraAllowedHosts: options.extraAllowedHosts ?? [],
        onPage: async (page) => {
          if (cpuThrottleRate !== 1) await throttlePageCpu(page, cpuThrottleRate);
          await viewerOptions.onPage?.(page);
        },
      }),
    kill,
    destroy: () => {
      destroyed ??= (async () => {
        try {
          if (browser.isConnected()) await browser.close();
        } finally {
          if (wrapperDir !== undefined) releaseWrapperDir(wrapperDir);
        }
      })();
      return destroyed;
    },
  };
}

/** Runs `ip` with `args` (for tests and the lab's set-up); throws with its stderr on failure. */
export function runIp(args: readonly string[]): string {
  return execFileSync(ipCommand(), [...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Probes every player plugin's browser tests share: what a page left open (peer connections,
 * WebSockets, intervals), the stats overlay's numbers next to `getStats()`, overlay screenshots, and
 * the origin's stats-beacon summary.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { BeaconSummary } from '../../examples/server/beacon-route.js';

/** Selector of an overlay's root (the class `createStatsOverlay` gives it). */
export const OVERLAY_ROOT_SELECTOR = '.p2pml-overlay';

/** Where {@link screenshotOverlay} writes. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../artifacts/screenshots');

/** What a page still holds open (see {@link installLeakProbe}). */
export interface LeakCounts {
  /** RTCPeerConnections created and not closed. */
  readonly peerConnections: number;
  /** WebSockets not in the CLOSED state (tracker sockets: a CLOSING one still counts). */
  readonly webSockets: number;
  /** Intervals set and not cleared (by anything on the page: player, hls.js, plugin). */
  readonly intervals: number;
}

/** {@link LeakCounts} of a page that left nothing behind. */
export const noLeaks: LeakCounts = { peerConnections: 0, webSockets: 0, intervals: 0 };

/**
 * Runs before any page script: subclasses RTCPeerConnection and WebSocket to remember instances and
 * wraps setInterval/clearInterval/clearTimeout (they share one id pool, so clearTimeout can end an
 * interval) to keep the set of live interval ids. Plain JavaScript in a string so that no test
 * transform can put helpers into it that the page does not have.
 */
const LEAK_PROBE_SCRIPT = `(() => {
  if (window.__p2pmlLeakProbe) return;
  const peers = [];
  const sockets = [];
  const intervals = new Set();
  const NativePeerConnection = window.RTCPeerConnection;
  if (typeof NativePeerConnection === 'function') {
    const Probed = class RTCPeerConnection extends NativePeerConnection {
      constructor(...args) { super(...args); peers.push(this); }
    };
    window.RTCPeerConnection = Probed;
    if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = Probed;
  }
  const NativeWebSocket = window.WebSocket;
  if (typeof NativeWebSocket === 'function') {
    window.WebSocket = class WebSocket extends NativeWebSocket {
      constructor(...args) { super(...args); sockets.push(this); }
    };
  }
  const nativeSetInterval = window.setInterval;
  const nativeClearInterval = window.clearInterval;
  const nativeClearTimeout = window.clearTimeout;
  window.setInterval = function (...args) {
    const id = nativeSetInterval.apply(this, args);
    intervals.add(id);
    return id;
  };
  window.clearInterval = function (id) {
    intervals.delete(id);
    return nativeClearInterval.call(this, id);
  };
  window.clearTimeout = function (id) {
    intervals.delete(id);
    return nativeClearTimeout.call(this, id);
  };
  window.__p2pmlLeakProbe = () => ({
    peerConnections: peers.filter(
      (pc) => pc.signalingState !== 'closed' && pc.connectionState !== 'closed',
    ).length,
    webSockets: sockets.filter((socket) => socket.readyState !== NativeWebSocket.CLOSED).length,
    intervals: intervals.size,
  });
})();`;

/**
 * Installs the leak probe in every page of `target` (a context, or one page) before its scripts run;
 * call before navigating to the page under test. Read it with {@link readLeaks}.
 */
export async function installLeakProbe(target: BrowserContext | Page): Promise<void> {
  await target.addInitScript({ content: LEAK_PROBE_SCRIPT });
}

/** What the page still holds open now. Throws when {@link installLeakProbe} was not installed. */
export async function readLeaks(page: Page): Promise<LeakCounts> {
  return page.evaluate(() => {
    const probe = (window as { __p2pmlLeakProbe?: () => LeakCounts }).__p2pmlLeakProbe;
    if (!probe) throw new Error('installLeakProbe() was not called before the page loaded');
    return probe();
  });
}

/**
 * Reads {@link readLeaks} until nothing is open or `timeoutMs` passed (closing a socket or a peer
 * connection takes a round trip); returns the last counts either way, for the test to assert.
 */
export async function settleLeaks(page: Page, timeoutMs = 3000): Promise<LeakCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await readLeaks(page);
    const clean = counts.peerConnections === 0 && counts.webSockets === 0 && counts.intervals === 0;
    if (clean || Date.now() >= deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The overlay's numbers: `data-value` of each `[data-p2p-stat]` inside the first `root` match,
 * keyed by stat name (`httpBytes`, `p2pBytes`, `p2pRatio`, `uploadBytes`, `peers`). Empty when
 * there is no overlay.
 */
export async function readOverlay(
  page: Page,
  root: string = OVERLAY_ROOT_SELECTOR,
): Promise<Record<string, number>> {
  return page.evaluate((selector) => {
    const values: Record<string, number> = {};
    const overlay = document.querySelector(selector);
    for (const element of overlay?.querySelectorAll<HTMLElement>('[data-p2p-stat]') ?? []) {
      const name = element.dataset['p2pStat'];
      if (name) values[name] = Number(element.dataset['value']);
    }
    return values;
  }, root);
}

/** The overlay's numbers and the same fields of `getStats()`, read at one instant. */
export interface OverlayAgainstStats {
  readonly overlay: Record<string, number>;
  readonly stats: Record<string, number>;
}

/** Whether the overlay shows some numbers, each exactly the one `getStats()` gave. */
export function overlayMatches({ overlay, stats }: OverlayAgainstStats): boolean {
  const keys = Object.keys(overlay);
  return keys.length > 0 && keys.every((key) => overlay[key] === stats[key]);
}

/**
 * Waits in the page for the handle's next `stats` event and, inside that event (after the overlay
 * rendered it: the overlay subscribed first), reads the overlay and `handle.getStats()` together.
 * No page task runs between the two reads, so the pair cannot disagree because of timing; a
 * mismatch is a real one. Falls back to reading both at once if no event comes within 3 s.
 *
 * @param handleExpression - JavaScript expression evaluated in the page that yields the player's
 *   P2P handle, e.g. `'window.__harness.handle()'`
 */
export async function readOverlayAgainstStats(
  page: Page,
  handleExpression: string,
  root: string = OVERLAY_ROOT_SELECTOR,
): Promise<OverlayAgainstStats> {
  return page.evaluate(
    async ({ expression, selector }) => {
      interface HandleLike {
        getStats(): Record<string, unknown>;
        on(event: 'stats', listener: () => void): () => void;
      }
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the caller's page expression
      const evaluate = new Function(`return (${expression});`) as () => HandleLike;
      const handle = evaluate();
      const read = (): { overlay: Record<string, number>; stats: Record<string, number> } => {
        const overlay: Record<string, number> = {};
        const stats: Record<string, number> = {};
        const all = handle.getStats();
        const element = document.querySelector(selector);
        for (const stat of element?.querySelectorAll<HTMLElement>('[data-p2p-stat]') ?? []) {
          const name = stat.dataset['p2pStat'];
          if (!name) continue;
          overlay[name] = Number(stat.dataset['value']);
          stats[name] = Number(all[name]);
        }
        return { overlay, stats };
      };
      return new Promise<{ overlay: Record<string, number>; stats: Record<string, number> }>(
        (resolve) => {
          const fallback = setTimeout(() => {
            off();
            resolve(read());
          }, 3000);
          const off = handle.on('stats', () => {
            off();
            clearTimeout(fallback);
            resolve(read());
          });
        },
      );
    },
    { expression: handleExpression, selector: root },
  );
}

/**
 * Saves a PNG of the first `root` match (the caller shows the overlay first) to
 * artifacts/screenshots/<name>.png and returns the file's path.
 */
export async function screenshotOverlay(
  page: Page,
  name: string,
  root: string = OVERLAY_ROOT_SELECTOR,
): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.locator(root).first().screenshot({ path: file });
  return file;
}

/** The origin's swarm-wide beacon summary (`GET /stats.json`, see docs/STATS-BEACON.md). */
export async function readBeaconSummary(originUrl: string): Promise<BeaconSummary> {
  const response = await fetch(new URL('/stats.json', originUrl));
  if (!response.ok) throw new Error(`GET /stats.json: HTTP ${response.status}`);
  return (await response.json()) as BeaconSummary;
}

/**
 * The test page test/browser/pages/videojs.html, seen from the tests: how to build its URL. Its
 * harness (videojs-harness.js) exposes the hls.js harness contract (see hlsjs-page.ts:
 * `readSnapshot`, `readSample`, `waitForPlayed` work on it unchanged) plus `player(index)` and
 * `handle(index)` for tests that drive Video.js or the plugin directly.
 */
import type { Page } from 'playwright-core';
import type { EngineConfig } from '../../core/engine/config.js';

/** What the Video.js test page plays and how. */
export interface VideojsPageOptions {
  /** Manifest URL; omitted: the page only loads Video.js, hls.js, Shaka and our bundle. */
  readonly src?: string;
  /** MIME type of the source (default: DASH for `.mpd`, else HLS). */
  readonly type?: string;
  /** 'p2p' (default): `player.p2p(options)` (dist/umd bundle); 'none': Video.js alone (VHS). */
  readonly engine?: 'p2p' | 'none';
  /** Plugin options (JSON-serialisable keys only). */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>> & {
    readonly enabled?: boolean;
    readonly overlay?: boolean | Record<string, unknown>;
    readonly statsBeacon?: { readonly url: string; readonly intervalMs?: number };
  };
  /** Players on the page, each playing `src` with its own plugin. Default 1. */
  readonly players?: number;
  /** Highest level index hls.js's ABR may choose; default: no cap. */
  readonly capLevel?: number;
}

/** URL of the test page on `originUrl` (the origin serves it under /test-pages). */
export function videojsPageUrl(originUrl: string, options: VideojsPageOptions = {}): string {
  const url = new URL('/test-pages/videojs.html', originUrl);
  if (options.src !== undefined) url.searchParams.set('src', options.src);
  if (options.type !== undefined) url.searchParams.set('type', options.type);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.players !== undefined) url.searchParams.set('players', String(options.players));
  if (options.capLevel !== undefined) url.searchParams.set('capLevel', String(options.capLevel));
  return url.toString();
}

/** Waits until the page loaded its scripts (and created its players when given a source). */
export async function waitForVideojsPage(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => (window.__harness as unknown as { loaded?: boolean } | undefined)?.loaded === true,
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
}

/**
 * What {@link readLeaksSince} counts. Unlike plugin-probes' page-wide counts, these separate one
 * source's engine from the next one's (a source change starts new tracker offers at once) and the
 * plugin from the player (VHS keeps intervals while it plays after the plugin went).
 */
export interface PluginLeakCounts {
  readonly peerConnections: number;
  readonly trackerSockets: number;
  /** Intervals started directly by our bundle's code and not cleared. */
  readonly intervals: number;
}

/** How many of each thing the page had created at one moment (see {@link markLeaks}). */
export type LeakMark = Readonly<Record<keyof PluginLeakCounts, number>>;

/**
 * Before the page's scripts run: follows every RTCPeerConnection, WebSocket and interval the page
 * creates, in creation order. Call on a blank page, then navigate. Intervals count when their
 * direct caller is our bundle's code (hls.js's, Shaka's and Video.js's are theirs to release).
 */
export async function installMarkedLeakProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const pcs: RTCPeerConnection[] = [];
    const sockets: WebSocket[] = [];
    const intervals: { id: number; ours: boolean; cleared: boolean }[] = [];
    const NativePc = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends NativePc {
      constructor(config?: RTCConfiguration) {
        super(config);
        pcs.push(this);
      }
    };
    const NativeWs = window.WebSocket;
    window.WebSocket = class extends NativeWs {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
    const nativeSetInterval = window.setInterval.bind(window);
    const nativeClearInterval = window.clearInterval.bind(window);
    const nativeClearTimeout = window.clearTimeout.bind(window);
    window.setInterval = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => {
      const id = nativeSetInterval(handler, ms, ...rest);
      // Frames: "Error", this wrapper, then the caller.
      const caller = (new Error().stack ?? '').split('\n')[2] ?? '';
      intervals.push({ id, ours: caller.includes('p2p-media-loader'), cleared: false });
      return id;
    }) as typeof setInterval;
    // Timers share one id pool: clearTimeout ends an interval too.
    const clear = (id: number | undefined): void => {
      for (const interval of intervals) if (interval.id === id) interval.cleared = true;
    };
    window.clearInterval = ((id?: number) => {
      clear(id);
      nativeClearInterval(id);
    }) as typeof clearInterval;
    window.clearTimeout = ((id?: number) => {
      clear(id);
      nativeClearTimeout(id);
    }) as typeof clearTimeout;
    const probe = {
      mark: () => ({
        peerConnections: pcs.length,
        trackerSockets: sockets.length,
        intervals: intervals.length,
      }),
      read: (mark?: LeakMark) => ({
        peerConnections: pcs
          .slice(0, mark?.peerConnections)
          .filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length,
        trackerSockets: sockets
          .slice(0, mark?.trackerSockets)
          .filter((socket) => socket.readyState <= 1).length,
        intervals: intervals
          .slice(0, mark?.intervals)
          .filter((interval) => interval.ours && !interval.cleared).length,
      }),
    };
    (window as unknown as { __markedLeakProbe: typeof probe }).__markedLeakProbe = probe;
  });
}

/** How many peer connections, sockets and intervals the page created so far. */
export function markLeaks(page: Page): Promise<LeakMark> {
  return page.evaluate(() =>
    (window as unknown as { __markedLeakProbe: { mark(): LeakMark } }).__markedLeakProbe.mark(),
  );
}

/** What is still open: of everything, or of what existed at `mark`. */
export function readLeaksSince(page: Page, mark?: LeakMark): Promise<PluginLeakCounts> {
  return page.evaluate(
    (since) =>
      (
        window as unknown as { __markedLeakProbe: { read(m?: LeakMark): PluginLeakCounts } }
      ).__markedLeakProbe.read(since),
    mark,
  );
}

/**
 * Polls {@link readLeaksSince} until nothing is open or `timeoutMs` passed, and returns the last
 * counts. Release is not synchronous everywhere (the tracker client sends its `stopped` announce
 * before closing the socket), so a test asks whether things go, not whether they are gone at once.
 */
export async function settleLeaksSince(
  page: Page,
  mark?: LeakMark,
  timeoutMs = 5000,
): Promise<PluginLeakCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await readLeaksSince(page, mark);
    const clean = counts.peerConnections + counts.trackerSockets + counts.intervals === 0;
    if (clean || Date.now() >= deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

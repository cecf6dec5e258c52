/**
 * The test page test/browser/pages/clappr.html, seen from the tests and the bench: its URL and the
 * extra members of its harness (clappr-harness.js) beyond the hls.js harness's contract, whose waits
 * (`waitForPlayed`, `readSnapshot`, ...) apply to player 0 unchanged.
 */
import type { Page } from 'playwright-core';
import type {
  P2PPlayerHandle,
  P2PPlayerStats,
  P2PPluginOptions,
} from '../../plugins/shared/contract.js';
import type { HarnessSample, HarnessSnapshot } from './hlsjs-page.js';

/** What the Clappr test page plays and how. */
export interface ClapprPageOptions {
  /** Manifest URL. */
  readonly src: string;
  /** MIME type handed to Clappr (default: Clappr guesses from the extension). */
  readonly type?: string;
  /** 'p2p' (default): Clappr with our plugins; 'none': Clappr with HlsjsPlayback alone. */
  readonly engine?: 'p2p' | 'none';
  /** Plugin options (JSON-serialisable keys only: no libraries, no hooks). */
  readonly p2p?: Omit<P2PPluginOptions, 'Hls' | 'shaka' | 'loadShaka' | 'httpRequestHook'>;
  /** Extra hls.js configuration (Clappr's `playback.hlsjsConfig`). */
  readonly hls?: Record<string, unknown>;
  /** Highest level index hls.js's ABR may choose; default: no cap. */
  readonly capLevel?: number;
  /** Players on the page, each with its own P2P session (default 1). */
  readonly players?: number;
  /** Leave the stats overlay plugin out of Clappr's `plugins` (default: all P2P plugins). */
  readonly withoutOverlayPlugin?: boolean;
}

/** URL of the Clappr test page on `originUrl` (served under /test-pages). */
export function clapprPageUrl(originUrl: string, options: ClapprPageOptions): string {
  const url = new URL('/test-pages/clappr.html', originUrl);
  url.searchParams.set('src', options.src);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.type !== undefined) url.searchParams.set('type', options.type);
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.hls !== undefined) url.searchParams.set('hls', JSON.stringify(options.hls));
  if (options.capLevel !== undefined) url.searchParams.set('capLevel', String(options.capLevel));
  if (options.players !== undefined) url.searchParams.set('players', String(options.players));
  if (options.withoutOverlayPlugin === true) url.searchParams.set('overlayPlugin', 'off');
  return url.toString();
}

/** The Clappr harness's API (the hls.js harness's, per player index, and player controls). */
export interface ClapprHarnessApi {
  snapshot(index?: number): HarnessSnapshot;
  sample(index?: number): HarnessSample;
  /** The P2P handle of player `index` (`p2pml.clappr.p2pOf(player)`). */
  handle(index?: number): P2PPlayerHandle | undefined;
  /** The Clappr player `index` (the members tests use). */
  player(index?: number): {
    readonly core: { readonly activePlayback: { readonly name: string } };
    play(): void;
    stop(): void;
  };
  /** `player.load(src)` on player `index`. */
  load(src: string, index?: number): void;
  /** `player.destroy()` on player `index`. */
  destroyPlayer(index?: number): void;
  destroy(): void;
}

/** Snapshot of player `index` (`readSnapshot` of hlsjs-page.ts reads player 0). */
export function readPlayerSnapshot(page: Page, index: number): Promise<HarnessSnapshot> {
  return page.evaluate((i) => (window.__harness as unknown as ClapprHarnessApi).snapshot(i), index);
}

/** Stats of player `index`'s P2P handle (undefined without P2P). */
export function readHandleStats(page: Page, index = 0): Promise<P2PPlayerStats | undefined> {
  return page.evaluate(
    (i) => (window.__harness as unknown as ClapprHarnessApi).handle(i)?.getStats(),
    index,
  );
}

/** Waits until player `index` has played `seconds` of its current source. */
export async function waitForPlayerPlayed(
  page: Page,
  index: number,
  seconds: number,
  timeoutMs: number,
): Promise<HarnessSnapshot> {
  try {
    await page.waitForFunction(
      ({ i, target }) => {
        const snapshot = (window.__harness as unknown as ClapprHarnessApi).snapshot(i);
        return snapshot.fatalErrors.length > 0 || snapshot.playedSeconds >= target;
      },
      { i: index, target: seconds },
      { timeout: timeoutMs, polling: 250 },
    );
  } catch (error) {
    const snapshot = await readPlayerSnapshot(page, index).catch(() => undefined);
    throw new Error(
      `player ${index} did not play ${seconds} s: ${JSON.stringify({
        played: snapshot?.playedSeconds,
        setupError: snapshot?.setupError,
        errors: snapshot?.errors.slice(-5),
      })}`,
      { cause: error },
    );
  }
  const snapshot = await readPlayerSnapshot(page, index);
  if (snapshot.fatalErrors.length > 0) {
    throw new Error(`player ${index} failed: ${JSON.stringify(snapshot.fatalErrors)}`);
  }
  return snapshot;
}

/** What the page's leak probe (clappr-leak-probe.js) counts. */
export interface ClapprPageLeaks {
  /** RTCPeerConnections not closed (connected ones and a tracker client's pending offers). */
  readonly openPeers: number;
  /** RTCPeerConnections connected or connecting to another viewer. */
  readonly connectedPeers: number;
  /** WebSockets connecting or open (tracker connections). */
  readonly openSockets: number;
  /** Intervals still running that were started with our bundle on the stack. */
  readonly ourIntervals: number;
  /** The periods of those intervals, ms (which timer was left behind). */
  readonly ourIntervalPeriodsMs: readonly number[];
}

/** Reads the page's leak probe. */
export function readPageLeaks(page: Page): Promise<ClapprPageLeaks> {
  return page.evaluate(() =>
    (window as unknown as { __leaks: { read(): ClapprPageLeaks } }).__leaks.read(),
  );
}

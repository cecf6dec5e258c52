/**
 * The MediaElement.js test page (test/browser/pages/mediaelement.html), seen from the tests and the
 * bench: its URL, what its harness (mediaelement-harness.js) records beyond the hls.js harness's
 * shape, and the calls it offers. The harness keeps the hls.js harness contract (see hlsjs-page.ts:
 * `readSnapshot`, `readSample`, `waitForPlayed` work on it unchanged).
 */
import type { Page } from 'playwright-core';
import type { EngineConfig } from '../../core/engine/config.js';
import type { P2PPlayerStats } from '../../plugins/shared/contract.js';
import { readSnapshot, type HarnessSnapshot } from './hlsjs-page.js';

/**
 * Where the page's hls.js comes from:
 * - `global` (default): a script tag, `window.Hls`, as most MediaElement pages have it;
 * - `option`: loaded, then taken off `window` and passed as the plugin's `Hls` option, the way a
 *   bundled page holds hls.js (MediaElement itself only looks for `window.Hls`);
 * - `none`: no hls.js on the page at all.
 */
export type HlsOrigin = 'global' | 'option' | 'none';

/** What the MediaElement test page plays and how. */
export interface MediaElementPageOptions {
  /** Manifest URL: HLS playlist or DASH MPD (the page loads Shaka for `.mpd`). */
  readonly src: string;
  /**
   * 'p2p' (default): with the plugin (`p2p` option, `p2pstats` feature); 'none': MediaElement alone,
   * through its hls.js renderer (or the renderer named by `renderer`).
   */
  readonly engine?: 'p2p' | 'none';
  /** Plugin options (JSON-serialisable keys only): engine keys, `overlay`, ... */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>> & {
    readonly overlay?: boolean | Record<string, unknown>;
  };
  /** Extra hls.js configuration (MediaElement's `hls` option). */
  readonly hls?: Record<string, unknown>;
  /** Highest level index hls.js's ABR may choose; default: no cap. */
  readonly capLevel?: number;
  /** See {@link HlsOrigin}. Default `global`. */
  readonly hlsOrigin?: HlsOrigin;
  /** The only renderer the player may use (MediaElement's `renderers` option), e.g. `p2p_shaka`. */
  readonly renderer?: string;
  /** MediaElement's `dash.path` (where its dash.js renderer would load dash.js from). */
  readonly dashPath?: string;
  /** Load Shaka even for an HLS source (so that a later source change can go to DASH). */
  readonly withShaka?: boolean;
}

/** What the MediaElement harness's `snapshot()` returns. */
export interface MediaElementHarnessSnapshot extends HarnessSnapshot {
  /** The renderer MediaElement chose (`native_hls`, `p2p_shaka`, `html5`, ...). */
  readonly renderer?: string;
  /** `player.remove()` ran (numbers are frozen as they were just before). */
  readonly removed: boolean;
  /** The player's `renderers` option after the plugin ordered them. */
  readonly renderers: readonly string[];
  /** `player.p2p.engineKind` (undefined without the plugin). */
  readonly engineKind?: string;
  /** The plugin's stats (engine stats plus rates and engine kind). */
  readonly engineStats?: P2PPlayerStats;
}

/** URL of the MediaElement test page on `originUrl` (the origin serves it under /test-pages). */
export function mediaElementPageUrl(originUrl: string, options: MediaElementPageOptions): string {
  const url = new URL('/test-pages/mediaelement.html', originUrl);
  url.searchParams.set('src', options.src);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.hls !== undefined) url.searchParams.set('hls', JSON.stringify(options.hls));
  if (options.capLevel !== undefined) url.searchParams.set('capLevel', String(options.capLevel));
  if (options.hlsOrigin !== undefined) url.searchParams.set('hlsOrigin', options.hlsOrigin);
  if (options.renderer !== undefined) url.searchParams.set('renderer', options.renderer);
  if (options.dashPath !== undefined) url.searchParams.set('dashPath', options.dashPath);
  if (options.withShaka === true) url.searchParams.set('withShaka', '1');
  return url.toString();
}

/** The harness's snapshot with the MediaElement fields. */
export async function readMediaElementSnapshot(page: Page): Promise<MediaElementHarnessSnapshot> {
  return (await readSnapshot(page)) as MediaElementHarnessSnapshot;
}

/** Pauses the player and calls `player.remove()` (the harness freezes its numbers first). */
export async function removePlayer(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window.__harness as unknown as { remove(): void }).remove();
  });
}

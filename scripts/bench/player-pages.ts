/**
 * The pages the bench can drive, by player name. Every page plays `src` with one player on top of
 * one streaming engine, with or without our P2P loaders, and exposes the same harness contract on
 * `window.__harness` (`sample()`, `snapshot()`, `destroy()`; see test/support/hlsjs-page.ts). A
 * player plugin joins the bench by adding its page here: the driver needs nothing else.
 */
import type { Page } from 'playwright-core';
import { hlsjsPageUrl } from '../../test/support/hlsjs-page.js';
import { shakaPageUrl } from '../../test/support/shaka-page.js';
import { clapprPage } from './pages/clappr.js';
import { flowplayerPage } from './pages/flowplayer.js';
import { jwplayerPage } from './pages/jwplayer.js';
import { mediaElementPage } from './pages/mediaelement.js';
import { videojsPage } from './pages/videojs.js';

/** What one viewer's page should play. */
export interface PageSetup {
  /** Manifest URL. */
  readonly src: string;
  /** Streaming engine under the player (e.g. 'hlsjs'). */
  readonly engine: string;
  /** Engine configuration for the P2P arm; undefined for the baseline (the player alone). */
  readonly p2p: Record<string, unknown> | undefined;
  /** Highest rendition index ABR may choose; undefined = no cap. */
  readonly capLevel: number | undefined;
  /** Shaka Player configuration (Shaka page only); undefined = Shaka's defaults. */
  readonly shakaConfig?: Readonly<Record<string, unknown>> | undefined;
  /** What JW Player's baseline plays with (JW page only, `--jw-baseline`). Default 'native'. */
  readonly jwBaseline?: 'native' | 'hlsjs';
}

/** A page of one player. */
export interface PlayerPage {
  /** Name on the command line (`--player`). */
  readonly name: string;
  /** Streaming engines the page can run the player on (`--engine`). */
  readonly engines: readonly string[];
  /** URL of the page on the origin. */
  url(originUrl: string, setup: PageSetup): string;
  /**
   * Runs on every viewer's page before it navigates (e.g. routes that answer the player's own
   * files from outside the origin). Default: nothing.
   */
  preparePage?(page: Page): Promise<void>;
  /**
   * Why the page cannot run on this machine (a player file missing), or undefined when it can.
   * Asked once before any browser starts. Default: it can.
   */
  unavailable?(): string | undefined;
  /**
   * True when the page's harness does not count played bytes (`mediaBytes` stays 0): each
   * viewer's played bytes are then the sum of the media segments its harness recorded as
   * delivered, read once it has left (the timeline's played bytes stay 0). Default false.
   */
  readonly mediaBytesFromSegments?: boolean;
  /**
   * True when the page records the SHA-256 of every segment it hands its player (the bench then
   * compares them with the origin's bytes; `--attackers` needs it). Default false.
   */
  readonly recordsDigests?: boolean;
}

/** Bare hls.js: test/browser/pages/hlsjs.html, through our adapter or (baseline) without it. */
const hlsjsPage: PlayerPage = {
  name: 'hlsjs',
  engines: ['hlsjs'],
  recordsDigests: true,
  url: (originUrl, setup) =>
    hlsjsPageUrl(originUrl, {
      src: setup.src,
      ...(setup.p2p === undefined ? { engine: 'none' as const } : { p2p: setup.p2p }),
      ...(setup.capLevel === undefined ? {} : { capLevel: setup.capLevel }),
    }),
};

/**
 * Bare Shaka Player: test/browser/pages/shaka.html, through our adapter or (baseline) without it.
 * `capLevel` caps the height through Shaka's ABR restrictions (renditions are 144p, 240p, 360p).
 */
const SHAKA_HEIGHTS = [144, 240, 360];
function shakaConfigFor(setup: PageSetup): { shaka?: Record<string, unknown> } {
  const restrictions =
    setup.capLevel === undefined
      ? {}
      : { restrictions: { maxHeight: SHAKA_HEIGHTS[setup.capLevel] ?? 360 } };
  if (setup.shakaConfig === undefined && setup.capLevel === undefined) return {};
  return { shaka: { ...setup.shakaConfig, ...restrictions } };
}
const shakaPage: PlayerPage = {
  name: 'shaka',
  engines: ['shaka'],
  recordsDigests: true,
  url: (originUrl, setup) =>
    shakaPageUrl(originUrl, {
      src: setup.src,
      ...(setup.p2p === undefined ? { engine: 'none' as const } : { p2p: setup.p2p }),
      ...shakaConfigFor(setup),
    }),
};

/** Every page the bench knows, by name. */
export const PLAYER_PAGES: ReadonlyMap<string, PlayerPage> = new Map([
  [hlsjsPage.name, hlsjsPage],
  [shakaPage.name, shakaPage],
  ...[videojsPage, clapprPage, mediaElementPage, flowplayerPage, jwplayerPage].map(
    (page) => [page.name, page] as const,
  ),
]);

/** The page for `player` on `engine`, or an error naming what exists. */
export function playerPageFor(player: string, engine: string): PlayerPage {
  const page = PLAYER_PAGES.get(player);
  if (page === undefined) {
    throw new Error(`unknown --player '${player}' (known: ${[...PLAYER_PAGES.keys()].join(', ')})`);
  }
  if (!page.engines.includes(engine)) {
    throw new Error(
      `--player ${player} does not run on --engine '${engine}' (it runs on: ${page.engines.join(', ')})`,
    );
  }
  return page;
}

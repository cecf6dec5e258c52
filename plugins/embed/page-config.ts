/**
 * The page-wide settings of the embed: `window.p2pmlEmbedConfig`, an object of P2P plugin options
 * (typically `trackers` and `rtcConfig`) set by a small script before or after the snippet. Every
 * embed player of the page starts from it; an element's own `data-*` attributes win over it. It
 * exists because tracker and ICE settings are a property of the site, not of one video: a CMS
 * template sets them once, editors paste only the element.
 */
import type { P2PPluginOptions } from '../shared/contract.js';

/** Name of the global the embed reads. */
export const PAGE_CONFIG_GLOBAL = 'p2pmlEmbedConfig';

/**
 * What `window.p2pmlEmbedConfig` may hold: any plugin option except the libraries, which the
 * bundle brings itself. Values are checked by the plugin like options given to `player.p2p()`:
 * a bad one is reported on the console and its default applies.
 */
export type EmbedPageConfig = Omit<P2PPluginOptions, 'Hls' | 'shaka' | 'loadShaka'>;

/** Keys of {@link P2PPluginOptions} the page must not override (the bundle's own libraries). */
const BUNDLE_OWNED_KEYS: ReadonlySet<string> = new Set(['Hls', 'shaka', 'loadShaka']);

/** The page config and what was wrong with it. */
export interface PageConfigReading {
  /** Options every player starts from ({} when the page sets none). */
  readonly options: EmbedPageConfig;
  /** One sentence per ignored part, for the console. */
  readonly problems: readonly string[];
}

/**
 * Reads the page config from `scope` (the page's window). Read when each player is created, so a
 * config script that runs after the snippet still applies to players created after it.
 */
export function readPageConfig(scope: object): PageConfigReading {
  const value: unknown = (scope as Record<string, unknown>)[PAGE_CONFIG_GLOBAL];
  if (value === undefined || value === null) return { options: {}, problems: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      options: {},
      problems: [`window.${PAGE_CONFIG_GLOBAL} ignored: expected an object of P2P options.`],
    };
  }
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, option] of Object.entries(value as Record<string, unknown>)) {
    if (BUNDLE_OWNED_KEYS.has(key)) {
      problems.push(
        `window.${PAGE_CONFIG_GLOBAL}.${key} ignored: the embed bundle brings its own.`,
      );
    } else options[key] = option;
  }
  return { options, problems };
}

/**
 * Page options overlaid with an element's: the element's keys win, except that an element's
 * `overlay` switch keeps the page's other overlay settings (position, key).
 */
export function mergeOptions(page: EmbedPageConfig, element: P2PPluginOptions): P2PPluginOptions {
  const merged: Record<string, unknown> = { ...page, ...element };
  const pageOverlay = page.overlay;
  const elementOverlay = element.overlay;
  if (typeof pageOverlay === 'object' && typeof elementOverlay === 'object') {
    merged.overlay = { ...pageOverlay, ...elementOverlay };
  }
  return merged;
}

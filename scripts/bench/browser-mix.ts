/**
 * Which browser each bench viewer runs in (`--browser`). Chromium and Firefox differ exactly where
 * the library lives (WebRTC data channels, ICE candidates, MSE, `fetch` streaming), so the bench can
 * run every viewer of both arms in either, or mix them in one swarm. Pure: the openers
 * (viewer-openers.ts) and the per-browser figures (browser-figures.ts) ask here.
 */

/** What `--browser` accepts. */
export type BenchBrowser = 'chromium' | 'firefox' | 'mixed';

/** Every `--browser` value, in the order the usage text lists them. */
export const BENCH_BROWSERS: readonly BenchBrowser[] = ['chromium', 'firefox', 'mixed'];

/** The browser one viewer runs in. */
export type ViewerBrowserName = 'chromium' | 'firefox';

/**
 * The browser of the viewer at `index` (join order, from 0): `mixed` alternates Chromium, Firefox,
 * Chromium, ... so every other joiner finds a peer of the other browser, and an even count splits
 * evenly (3 + 3 for 6). Both arms use the same assignment, so each browser's figures compare like
 * with like.
 */
export function viewerBrowserAt(browser: BenchBrowser, index: number): ViewerBrowserName {
  if (browser !== 'mixed') return browser;
  return index % 2 === 0 ? 'chromium' : 'firefox';
}

/** The browsers a run of `viewers` viewers needs, Chromium first. */
export function browsersNeeded(browser: BenchBrowser, viewers: number): ViewerBrowserName[] {
  const needed = new Set<ViewerBrowserName>();
  for (let index = 0; index < viewers; index++) needed.add(viewerBrowserAt(browser, index));
  return (['chromium', 'firefox'] as const).filter((name) => needed.has(name));
}

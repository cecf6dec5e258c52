/**
 * The JW Player test page (test/browser/pages/jwplayer.html), seen from the tests: its URL, which
 * JW Player it gets, and how a viewer opens it. The page loads JW Player from /__jwplayer/, a path
 * the origin does not serve: each viewer's page answers it itself (Playwright routing) with either
 * - the jwplayer-standin (test/support/jwplayer-standin/jwplayer-standin.ts, NOT JW Player),
 *   compiled on the fly by TypeScript's `transpileModule` (types removed, nothing bundled), or
 * - the files of a real JW Player ({@link realJWPlayerLibrary}: `JWPLAYER_LIBRARY`, else the JW
 *   Player 8.24.3 open-source build in the shared vendor folder next to the repository). JW loads its
 *   other files (jwplayer.core.controls.html5.js, ...) from the same folder. The build is licensed
 *   CC BY-NC-SA 3.0 for non-commercial testing: it is read from its folder at test time and never
 *   copied into the repository, the package or dist.
 * The page also gets a WebVTT captions file at {@link JWPLAYER_CAPTIONS_URL_PATH} (the test media
 * has no subtitles of its own). The harness (jwplayer-harness.js) follows the hls.js harness
 * contract (see hlsjs-page.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page, Route } from 'playwright-core';
import ts from 'typescript';
import type { EngineConfig } from '../../core/engine/config.js';
import type { Viewer, ViewerSet } from './browser.js';

/** This module's folder (test/support), in Jest's CommonJS and in the bench's ES modules alike. */
const SUPPORT_DIR = path.dirname(fileURLToPath(import.meta.url));

/** URL path prefix the page loads JW Player from (answered per page, see the file comment). */
export const JWPLAYER_PATH_PREFIX = '/__jwplayer/';

/** URL path of the sidecar captions each page gets: one cue per 2 s, "Caption <n>". */
export const JWPLAYER_CAPTIONS_URL_PATH = '/__jwplayer-captions/en.vtt';

/** The text of the cue shown at `seconds` in the captions at {@link JWPLAYER_CAPTIONS_URL_PATH}. */
export function captionTextAt(seconds: number): string {
  return `Caption ${Math.floor(seconds / 2) + 1}`;
}

/** WebVTT cues covering the test streams (240 s), 2 s each. */
function captionsVtt(): string {
  const stamp = (seconds: number): string =>
    `00:${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}.000`;
  const cues: string[] = [];
  for (let start = 0; start < 240; start += 2) {
    cues.push(`${stamp(start)} --> ${stamp(start + 2)}\n${captionTextAt(start)}`);
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** What the page plays and how. */
export interface JWPlayerPageOptions {
  /** Manifest URL. */
  readonly src: string;
  /** 'p2p' (default): with our plugin (dist/umd bundle); 'none': the player alone. */
  readonly engine?: 'p2p' | 'none';
  /** Plugin options (engine config keys, `overlay`, ...; JSON only). */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>> & {
    readonly overlay?: boolean | Record<string, unknown>;
    /** The plugin option: false attaches the player without P2P. */
    readonly enabled?: boolean;
  };
  /** JW Player licence key (real JW Player only). */
  readonly key?: string;
  /** Load Shaka Player too (DASH sources). */
  readonly shaka?: boolean;
  /**
   * How P2P is turned on: 'attach' (default): `attachP2P()` right after `setup()`; 'plugin-url':
   * JW loads the bundle itself through its `plugins` setup option.
   */
  readonly route?: 'attach' | 'plugin-url';
  /** Give JW the sidecar captions at {@link JWPLAYER_CAPTIONS_URL_PATH} (`tracks` option). */
  readonly captions?: boolean;
}

/** Which JW Player the page gets. */
export type JWPlayerLibrary =
  { readonly kind: 'standin' } | { readonly kind: 'real'; readonly scriptPath: string };

/** URL of the test page on `originUrl`. */
export function jwplayerPageUrl(originUrl: string, options: JWPlayerPageOptions): string {
  const url = new URL('/test-pages/jwplayer.html', originUrl);
  url.searchParams.set('src', options.src);
  url.searchParams.set('engine', options.engine ?? 'p2p');
  if (options.p2p !== undefined) url.searchParams.set('p2p', JSON.stringify(options.p2p));
  if (options.key !== undefined) url.searchParams.set('key', options.key);
  if (options.shaka === true) url.searchParams.set('shaka', '1');
  if (options.route !== undefined) url.searchParams.set('route', options.route);
  if (options.captions === true) url.searchParams.set('captions', JWPLAYER_CAPTIONS_URL_PATH);
  return url.toString();
}

let standinScript: string | undefined;

/** The stand-in as a browser script (compiled once per test file). */
export function jwplayerStandinScript(): string {
  if (standinScript === undefined) {
    const file = path.join(SUPPORT_DIR, 'jwplayer-standin', 'jwplayer-standin.ts');
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext },
    });
    // Its only imports are types: what remains is a classic script but for the module marker. The
    // function scope keeps its helpers off the page's globals (it sets `window.jwplayer` only).
    standinScript = `(function () {\n${outputText.replace(/^export \{\};$/m, '')}\n})();\n`;
  }
  return standinScript;
}

/** Answers /__jwplayer/* on `page` from `library`, and the captions file. */
async function serveLibrary(page: Page, library: JWPlayerLibrary): Promise<void> {
  await page.route(`**${JWPLAYER_CAPTIONS_URL_PATH}`, (route: Route) =>
    route.fulfill({ contentType: 'text/vtt', body: captionsVtt() }),
  );
  await page.route(`**${JWPLAYER_PATH_PREFIX}**`, async (route: Route) => {
    const name = path.posix.basename(new URL(route.request().url()).pathname);
    if (library.kind === 'standin') {
      if (name !== 'jwplayer.js') {
        await route.fulfill({ status: 404, body: 'the stand-in has no other files' });
        return;
      }
      await route.fulfill({ contentType: 'text/javascript', body: jwplayerStandinScript() });
      return;
    }
    const file =
      name === 'jwplayer.js'
        ? library.scriptPath
        : path.join(path.dirname(library.scriptPath), name);
    try {
      await route.fulfill({ path: file });
    } catch {
      await route.fulfill({
        status: 404,
        body: `not found next to ${library.scriptPath}: ${name}`,
      });
    }
  });
}

/**
 * Opens the page in a new viewer of `viewers` with `library` as JW Player. `beforeNavigate` runs on
 * the blank page first (e.g. to install init scripts such as a leak probe).
 */
export async function openJWPlayerViewer(
  viewers: ViewerSet,
  browser: Browser,
  url: string,
  name: string,
  library: JWPlayerLibrary,
  beforeNavigate?: (page: Page) => Promise<void>,
): Promise<Viewer> {
  const viewer = await viewers.open(browser, 'about:blank', name);
  await serveLibrary(viewer.page, library);
  await beforeNavigate?.(viewer.page);
  await viewer.page.goto(url);
  return viewer;
}

/** Folder name of the JW Player open-source build in the shared vendor folder. */
export const VENDORED_JWPLAYER_DIR = 'jwplayer-8.24.3';

/**
 * Where {@link realJWPlayerLibrary} looks, in order: `JWPLAYER_LIBRARY` (when set), the shared
 * vendor folder next to the repository (`<repository>/../shared/vendor/jwplayer-8.24.3/jwplayer.js`)
 * and the machine-wide one (`/work/shared/vendor/...`).
 */
export function realJWPlayerCandidates(): string[] {
  const fromEnv = process.env.JWPLAYER_LIBRARY;
  if (fromEnv !== undefined && fromEnv !== '') return [path.resolve(fromEnv)];
  const repositoryRoot = path.resolve(SUPPORT_DIR, '../..');
  return [
    path.resolve(repositoryRoot, '..', 'shared', 'vendor', VENDORED_JWPLAYER_DIR, 'jwplayer.js'),
    path.join('/work/shared/vendor', VENDORED_JWPLAYER_DIR, 'jwplayer.js'),
  ];
}

/**
 * The real JW Player to test with, or why there is none: the first of
 * {@link realJWPlayerCandidates} that exists (`JWPLAYER_LIBRARY` alone when it is set, so a wrong
 * path is reported rather than silently replaced), and `JWPLAYER_KEY` for a licensed build.
 */
export function realJWPlayerLibrary():
  | { readonly library: JWPlayerLibrary; readonly key: string | undefined }
  | { readonly skipReason: string } {
  const candidates = realJWPlayerCandidates();
  const scriptPath = candidates.find((candidate) => existsSync(candidate));
  if (scriptPath === undefined) {
    return {
      skipReason:
        `no JW Player library: none of ${candidates.join(', ')} exists. The real-JW tests use the ` +
        `JW Player 8.24.3 open-source build (CC BY-NC-SA 3.0, not part of this repository) from ` +
        `../shared/vendor/${VENDORED_JWPLAYER_DIR}/ next to the repository, or the jwplayer.js ` +
        'that JWPLAYER_LIBRARY names (with JWPLAYER_KEY for a licensed build)',
    };
  }
  const key = process.env.JWPLAYER_KEY;
  return {
    library: { kind: 'real', scriptPath },
    key: key === undefined || key === '' ? undefined : key,
  };
}

/**
 * The JW Player test page (test/browser/pages/jwplayer.html), seen from the tests: its URL, which
 * JW Player it gets, and how a viewer opens it. The page loads JW Player from /__jwplayer/, a path
 * the origin does not serve: each viewer's page answers it itself (Playwright routing) with either
 * - the jwplayer-standin (test/support/jwplayer-standin/jwplayer-standin.ts, NOT JW Player),
 *   compiled on the fly by TypeScript's `transpileModule` (types removed, nothing bundled), or
 * - the files of a real JW Player the developer has locally (`JWPLAYER_LIBRARY` = path of
 *   jwplayer.js; JW loads its other files, e.g. jwplayer.core.controls.js, from the same folder).
 * The harness (jwplayer-harness.js) follows the hls.js harness contract (see hlsjs-page.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import ts from 'typescript';
import type { EngineConfig } from '../../core/engine/config.js';
import type { Viewer, ViewerSet } from './browser.js';

/** URL path prefix the page loads JW Player from (answered per page, see the file comment). */
export const JWPLAYER_PATH_PREFIX = '/__jwplayer/';

/** What the page plays and how. */
export interface JWPlayerPageOptions {
  /** Manifest URL. */
  readonly src: string;
  /** 'p2p' (default): with our plugin (dist/umd bundle); 'none': the player alone. */
  readonly engine?: 'p2p' | 'none';
  /** Plugin options (engine config keys, `overlay`, ...; JSON only). */
  readonly p2p?: Partial<Omit<EngineConfig, 'httpRequestHook'>> & {
    readonly overlay?: boolean | Record<string, unknown>;
  };
  /** JW Player licence key (real JW Player only). */
  readonly key?: string;
  /** Load Shaka Player too (DASH sources). */
  readonly shaka?: boolean;
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
  return url.toString();
}

let standinScript: string | undefined;

/** The stand-in as a browser script (compiled once per test file). */
export function jwplayerStandinScript(): string {
  if (standinScript === undefined) {
    const file = path.join(__dirname, 'jwplayer-standin', 'jwplayer-standin.ts');
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

/** Answers /__jwplayer/* on `page` from `library`. */
async function serveLibrary(page: Page, library: JWPlayerLibrary): Promise<void> {
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
      await route.fulfill({ status: 404, body: `not found next to JWPLAYER_LIBRARY: ${name}` });
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

/** The real JW Player to test with, from the environment, or why there is none. */
export function realJWPlayerFromEnv():
  | { readonly library: JWPlayerLibrary; readonly key: string | undefined }
  | { readonly skipReason: string } {
  const scriptPath = process.env.JWPLAYER_LIBRARY;
  if (scriptPath === undefined || scriptPath === '') {
    return {
      skipReason:
        'JWPLAYER_LIBRARY is not set: real JW Player tests need a local copy of jwplayer.js ' +
        '(JW Player is proprietary and not part of this repository); set JWPLAYER_LIBRARY=<path to ' +
        'jwplayer.js> and, for a licensed build, JWPLAYER_KEY=<licence key>',
    };
  }
  const key = process.env.JWPLAYER_KEY;
  return {
    library: { kind: 'real', scriptPath: path.resolve(scriptPath) },
    key: key === undefined || key === '' ? undefined : key,
  };
}

/**
 * Files the dashboard page loads, all served by the collector itself (no CDN): uPlot's browser
 * build and stylesheet from the `uplot` package, and the page script compiled from
 * `dashboard-client.ts` (next to this module in `dist/`; from a source checkout, the build's copy).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A static file in memory. */
export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** The compiled page script: beside this module, else in `dist/esm` of a source checkout. */
function clientScriptPath(): string | undefined {
  const candidates = [
    path.join(here, 'dashboard-client.js'),
    path.resolve(here, '../../dist/esm/collector/dashboard/dashboard-client.js'),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

/**
 * Reads the dashboard's assets once, keyed by URL path. The page script is missing only in a
 * source checkout that was never built: its path then answers a script that says so.
 */
export function loadDashboardAssets(): ReadonlyMap<string, StaticAsset> {
  const require = createRequire(import.meta.url);
  const uplotScript = require.resolve('uplot/dist/uPlot.iife.min.js');
  const uplotStyle = require.resolve('uplot/dist/uPlot.min.css');
  const client = clientScriptPath();
  const js = 'text/javascript; charset=utf-8';
  return new Map<string, StaticAsset>([
    ['/assets/uPlot.iife.min.js', { contentType: js, body: readFileSync(uplotScript) }],
    [
      '/assets/uPlot.min.css',
      { contentType: 'text/css; charset=utf-8', body: readFileSync(uplotStyle) },
    ],
    [
      '/assets/dashboard.js',
      {
        contentType: js,
        body:
          client === undefined
            ? Buffer.from(
                'document.body.textContent = "Dashboard script not built: run npm run build";',
              )
            : readFileSync(client),
      },
    ],
  ]);
}

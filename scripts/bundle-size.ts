/**
 * Prints the minified and gzipped size of every UMD bundle in dist/umd/ (run `npm run build` first),
 * including the embed bundle's on-demand chunks, and what an embed page downloads in total with HLS
 * sources only and with a DASH source. Used for the README's size table and release notes:
 * `npm run size` (or `npm run size -- <folder>` to measure a build written elsewhere, e.g. by
 * `webpack --output-path`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const umdDir =
  process.argv[2] === undefined
    ? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'umd')
    : path.resolve(process.argv[2]);

/** The embed bundle's file; its chunks are `<name>.<chunk>.<hash>.min.js` (webpack.config.ts). */
const EMBED_FILE = 'p2p-media-loader-embed.min.js';
const EMBED_SHAKA_CHUNK = /^p2p-media-loader-embed\.shaka\.[0-9a-f]+\.min\.js$/;

/** Size of one bundle, in bytes. */
interface BundleSize {
  readonly file: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
}

function measure(file: string): BundleSize {
  const bytes = readFileSync(path.join(umdDir, file));
  // Level 9: what static file servers and CDNs typically serve precompressed.
  return { file, minBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** On-demand chunks are loaded by a bundle, never by a script tag: say so next to their name. */
function label(file: string): string {
  return EMBED_SHAKA_CHUNK.test(file) ? `${file} (on demand: DASH only)` : file;
}

function printTable(rows: readonly BundleSize[]): void {
  const nameWidth = Math.max('file'.length, ...rows.map((size) => size.file.length));
  console.log(`${'file'.padEnd(nameWidth)}  ${'min'.padStart(10)}  ${'gzip'.padStart(10)}`);
  for (const size of rows) {
    console.log(
      `${size.file.padEnd(nameWidth)}  ${kib(size.minBytes).padStart(10)}  ${kib(size.gzipBytes).padStart(10)}`,
    );
  }
}

function main(): void {
  let files: string[];
  try {
    files = readdirSync(umdDir)
      .filter((name) => name.endsWith('.js'))
      .sort();
  } catch {
    files = [];
  }
  if (files.length === 0) {
    console.error(`bundle-size: no .js files in ${umdDir}; run \`npm run build\` first`);
    process.exitCode = 1;
    return;
  }
  const sizes = files.map(measure);
  printTable(sizes.map((size) => ({ ...size, file: label(size.file) })));

  const embed = sizes.find((size) => size.file === EMBED_FILE);
  const shaka = sizes.find((size) => EMBED_SHAKA_CHUNK.test(size.file));
  if (embed !== undefined && shaka !== undefined) {
    console.log('\nembed page downloads (everything included, Video.js CSS too):');
    printTable([
      { ...embed, file: 'HLS sources only' },
      {
        file: 'with a DASH source',
        minBytes: embed.minBytes + shaka.minBytes,
        gzipBytes: embed.gzipBytes + shaka.gzipBytes,
      },
    ]);
  }
}

main();

/**
 * Prints the minified and gzipped size of every UMD bundle in dist/umd/ (run `npm run build` first).
 * Used for the README's size table and release notes: `npm run size`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const umdDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'umd');

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
  const nameWidth = Math.max('file'.length, ...sizes.map((size) => size.file.length));
  console.log(`${'file'.padEnd(nameWidth)}  ${'min'.padStart(10)}  ${'gzip'.padStart(10)}`);
  for (const size of sizes) {
    console.log(
      `${size.file.padEnd(nameWidth)}  ${kib(size.minBytes).padStart(10)}  ${kib(size.gzipBytes).padStart(10)}`,
    );
  }
}

main();

#!/usr/bin/env node
/**
 * `p2p-media-loader-hashes`: writes the hash manifest (trusted SHA-256 of every media segment) of a
 * folder, an HLS playlist or a DASH MPD, optionally signed with Ed25519; with `--watch`, keeps the
 * manifest of a live packager's folder current until SIGINT or SIGTERM. `keygen` makes a signing
 * key. `--help` prints the usage; docs/INTEGRITY.md explains the formats and publishing.
 */
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHashesCliArgs, HASHES_CLI_USAGE } from './cli-args.js';
import { HashManifestWatcher } from './folder-watch.js';
import { defaultManifestPath, hashInput } from './generate.js';
import { renderHashManifest } from './manifest-document.js';
import { writeHashManifest } from './manifest-writer.js';
import { generateSigningKey, loadSigningKey } from './signing-key.js';

const NAME = 'p2p-media-loader-hashes';

async function main(): Promise<void> {
  const command = parseHashesCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(HASHES_CLI_USAGE);
    return;
  }
  if (command.kind === 'error') {
    console.error(`${NAME}: ${command.message}\n\n${HASHES_CLI_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'keygen') {
    const { privateKeyPem, publicKey } = generateSigningKey();
    // `wx`: never overwrite a key someone may already have published the public half of.
    await writeFile(command.outPrivate, privateKeyPem, { mode: 0o600, flag: 'wx' });
    console.log(publicKey);
    return;
  }

  const signingKey =
    command.signKey === undefined ? undefined : await loadSigningKey(command.signKey);
  const outPath = path.resolve(command.out ?? (await defaultManifestPath(command.input)));
  const manifestDir = path.dirname(outPath);

  if (!command.watch) {
    const startedMs = performance.now();
    const { entries, skipped, bytes } = await hashInput(command.input, manifestDir);
    for (const uri of skipped) console.warn(`warning: not a local file, not hashed: ${uri}`);
    await writeHashManifest(
      outPath,
      renderHashManifest(entries, { format: command.format }),
      signingKey,
    );
    const elapsedMs = performance.now() - startedMs;
    console.log(
      `${outPath}: ${entries.size} files, ${(bytes / 1e6).toFixed(1)} MB hashed in ${elapsedMs.toFixed(0)} ms` +
        (signingKey === undefined ? '' : ' (signed)'),
    );
    return;
  }

  if (!(await stat(command.input)).isDirectory()) {
    throw new Error('--watch follows a folder (the packager output folder), not a file');
  }
  const watcher = new HashManifestWatcher({
    folder: path.resolve(command.input),
    outPath,
    format: command.format,
    ...(signingKey === undefined ? {} : { signingKey }),
    ...(command.window === undefined ? {} : { window: command.window }),
    onWrite: (count) => {
      console.log(`${new Date().toISOString()} ${outPath}: ${count} segments`);
    },
    onError: (error) => {
      console.warn(`warning: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  console.log(`watching ${path.resolve(command.input)} (Ctrl+C stops)`);
  const shutdown = (signal: NodeJS.Signals) => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    console.log(`${signal}: stopping`);
    watcher.destroy().catch((error: unknown) => {
      console.error(`${NAME}: error while stopping`, error);
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
